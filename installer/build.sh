#!/bin/sh
# Build 绩效自评助手 for Linux (UOS/Kylin/Debian): the one-folder bundle DIST/jixiao/, then
# DIST/jixiao_VERSION_ARCH.deb and DIST/jixiao-VERSION-linux-ARCH.tar.gz; runs the bundled smoke
# test under a clean environment in between. See installer/README.md.
#
#   sh installer/build.sh            # from the project root, after sh scripts/setup.sh
#
# Environment: PYTHON (default .venv/bin/python), DIST (default dist), WORK (default
# build/pyinstaller), JIXIAO_SKIP_SMOKE=1 (tests run the smoke test themselves),
# JIXIAO_NO_PACKAGES=1 (the bundle only), JIXIAO_FALLBACK_FONT (default: WenQuanYi Micro Hei from
# Debian's fonts-wqy-microhei; "none" bundles no font).
set -e
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-.venv/bin/python}
DIST=${DIST:-dist}
WORK=${WORK:-build/pyinstaller}
case "$WORK" in /*) ;; *) WORK="$ROOT/$WORK" ;; esac
FONT=${JIXIAO_FALLBACK_FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}
FONT_LICENCE=/usr/share/doc/fonts-wqy-microhei/copyright

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "缺少 PyInstaller：请先运行 sh scripts/setup.sh（或 $PY -m pip install 'pyinstaller>=6.0'）" >&2
  exit 1
fi
VERSION=$("$PY" -c "from core.version import version; print(version())")
echo "绩效自评助手 $VERSION：打包到 $DIST/jixiao"

# A free CJK TrueType font for PDFs on machines that have none (UOS/Kylin ship OpenType CJK,
# which the PDF exporter cannot embed): used only when the system has no usable font.
FONT_DIR="$WORK/fonts"
rm -rf "$FONT_DIR"
mkdir -p "$FONT_DIR"
if [ "$FONT" != none ]; then
  if [ -f "$FONT" ]; then
    cp "$FONT" "$FONT_DIR/"
    if [ -f "$FONT_LICENCE" ]; then
      cp "$FONT_LICENCE" "$FONT_DIR/$(basename "$FONT").LICENSE.txt"
    fi
    [ -f /usr/share/common-licenses/Apache-2.0 ] && cp /usr/share/common-licenses/Apache-2.0 "$FONT_DIR/Apache-2.0.txt"
  else
    echo "缺少后备字体 $FONT（Debian 软件包 fonts-wqy-microhei）：请运行 sh scripts/setup.sh，或设 JIXIAO_FALLBACK_FONT=none 不带字体打包" >&2
    exit 1
  fi
fi

JIXIAO_FONT_DIR="$FONT_DIR" "$PY" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" installer/jixiao.spec

if [ "${JIXIAO_SKIP_SMOKE:-}" != 1 ]; then
  home=$(mktemp -d)
  if ! env -i HOME="$home" QT_QPA_PLATFORM=offscreen "$DIST/jixiao/jixiao" --smoke-test; then
    rm -rf "$home"
    echo "打包好的程序未通过冒烟测试（见上）" >&2
    exit 1
  fi
  rm -rf "$home"
fi

if [ "${JIXIAO_NO_PACKAGES:-}" != 1 ]; then
  "$PY" installer/package_linux.py "$DIST" "$VERSION"
fi
