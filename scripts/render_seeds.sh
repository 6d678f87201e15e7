#!/bin/sh
# Export every seed report to Word and PDF and render both to PNG pages to look at:
#   sh scripts/render_seeds.sh [OUTDIR] [DPI]      (default: out/rendered, 60 dpi)
# Word pages go through LibreOffice (converted to PDF), PDF pages through pdftoppm; on Debian-like
# Linux the missing pieces (libreoffice-writer-nogui, poppler-utils) are installed on first use.
set -e
cd "$(dirname "$0")/.."
out=${1:-out/rendered}
dpi=${2:-60}
need=""
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
mkdir -p "$out"
for seed in tests/fixtures/seeds/seed*.json; do
  name=$(basename "$seed" .json)
  .venv/bin/jixiao export "$seed" --docx "$out/$name.docx" --pdf "$out/$name.pdf"
  mkdir -p "$out/$name-docx" "$out/$name-pdf"
  soffice --headless --convert-to pdf --outdir "$out/$name-docx" "$out/$name.docx" >/dev/null 2>&1
  pdftoppm -png -r "$dpi" "$out/$name-docx/$name.pdf" "$out/$name-docx/page"
  pdftoppm -png -r "$dpi" "$out/$name.pdf" "$out/$name-pdf/page"
  echo "$out/$name-docx/ $out/$name-pdf/"
done
