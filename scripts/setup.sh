#!/bin/sh
# Install everything 绩效自评助手 needs for development into .venv.
# On Debian/Ubuntu/UOS/Kylin it also installs, when missing, the system libraries Qt needs
# (headless, and the xcb libraries for a window on a minimal desktop), binutils for the bundle
# build (installer/build.sh, tests/test_bundle.py), CJK TrueType fonts (fonts-wqy-zenhei, fonts-arphic-uming/ukai) for Chinese on screen
# and in PDFs, and
# poppler-utils (pdftotext, pdffonts) for the PDF export tests.
set -e
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null 2>&1; then
  need=""
  # Qt offscreen libraries; CJK TrueType fonts: a 黑体-like (WenQuanYi Zen Hei) and a 宋体/楷体-like
  # (AR PL UMing/UKai) face, the free stand-ins for the official fonts on screen and in PDFs
  # Qt's xcb platform plugin (a window on a minimal X11 desktop; Qt >= 6.5 needs libxcb-cursor0);
  # fonts-wqy-microhei: the free TrueType font installer/build.sh puts in the Linux bundle;
  # binutils (objdump): PyInstaller and installer/package_linux.py read what each library links
  for pkg in libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fontconfig \
             libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
             libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 binutils fonts-wqy-microhei \
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
