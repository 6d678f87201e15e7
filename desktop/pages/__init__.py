"""Wizard pages: thin views over one draft (``desktop.session.DraftSession``)."""
