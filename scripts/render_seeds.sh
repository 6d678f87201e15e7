#!/bin/sh
# Export every seed report to Word and PDF and render both to PNG pages to look at:
#   sh scripts/render_seeds.sh [OUTDIR]      (default: out/rendered)
# Word pages go through LibreOffice, PDF pages through pdftoppm (../shared/tools/render-pages.sh
# installs both, and free CJK fonts, on first use).
set -e
cd "$(dirname "$0")/.."
out=${1:-out/rendered}
mkdir -p "$out"
for seed in tests/fixtures/seeds/seed*.json; do
  name=$(basename "$seed" .json)
  .venv/bin/jixiao export "$seed" --docx "$out/$name.docx" --pdf "$out/$name.pdf"
  ../shared/tools/render-pages.sh "$out/$name.docx" "$out/$name-docx" >/dev/null
  ../shared/tools/render-pages.sh "$out/$name.pdf" "$out/$name-pdf" >/dev/null
  echo "$out/$name-docx/ $out/$name-pdf/"
done
