"""Exporters: the finished report as Word (.docx) and PDF, from one shared layout (layout.py)."""
