#!/bin/sh
# Install everything 绩效自评助手 needs for development into .venv.
# On Debian/Ubuntu/UOS/Kylin it also installs, when missing, the system libraries Qt needs
# headless, CJK TrueType fonts (fonts-wqy-zenhei, fonts-arphic-uming/ukai) for Chinese on screen
# and in PDFs, and
# poppler-utils (pdftotext, pdffonts) for the PDF export tests.
set -e
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null 2>&1; then
  need=""
  # Qt offscreen libraries; CJK TrueType fonts: a 黑体-like (WenQuanYi Zen Hei) and a 宋体/楷体-like
  # (AR PL UMing/UKai) face, the free stand-ins for the official fonts on screen and in PDFs
  for pkg in libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fontconfig \
             fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
  done
  # pdftotext/pdffonts: the PDF export tests read the exported text and fonts back
  command -v pdftotext >/dev/null 2>&1 || need="$need poppler-utils"
  if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
      sudo apt-get update -qq >/dev/null
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    else
      echo "请先安装系统软件包：$need" >&2
      exit 1
    fi
  fi
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q -e ".[test]"
