"""Which parts of PySide6 a bundle leaves out: shared by installer/jixiao.spec and the hello-world
bundle of bench/bundle_ratio.py, so both are built the same way.

``QT_EXCLUDES`` are Python modules for PyInstaller's ``excludes``; ``prune(binaries, datas)``
filters the collected files after Analysis: Qt libraries and plugins never loaded go by name,
translations other than qtbase_zh_CN go, and then a shared library is kept only while something
kept still links it (``_closure``).
"""
from __future__ import annotations

import re
from pathlib import Path

QT_EXCLUDES = [
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSvg",
    "PySide6.QtSvgWidgets", "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtDesigner",
    "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtConcurrent",
    "PySide6.QtPrintSupport", "PySide6.QtDBus",
]

# Drop Qt parts we never load, by file name. Kept: Core, Gui, Widgets, DBus, OpenGL (the xcb GL
# integrations link it), XcbQpa and the Wayland client (the xcb and wayland platform plugins),
# ICU. Platform plugins kept: xcb, wayland, offscreen (the smoke test), windows. The gtk3 platform
# theme is dropped: it drags the build machine's whole GTK stack into the bundle, and on UOS/Kylin
# the desktop's own theme plugins are built for the system Qt anyway.
_DROP = re.compile(
    r"(Qt6?(Network|Qml\w*|Quick\w*|Pdf\w*|Svg\w*|Sql|Test|Designer\w*|Help|UiTools|Xml|OpenGLWidgets|"
    r"Labs\w*|Lottie\w*|WaylandCompositor\w*|WaylandEgl\w*|Concurrent|VirtualKeyboard\w*|EglFS\w*|EglFs\w*|"
    r"PrintSupport)\b)"
    r"|[\\/]plugins[\\/](tls|networkinformation|iconengines|qmltooling|sqldrivers|designer|printsupport|generic|"
    r"wayland-graphics-integration-server|egldeviceintegrations|vectorimageformats)[\\/]"
    r"|[\\/]platforms[\\/][^\\/]*q(eglfs|linuxfb|vnc|minimal|minimalegl|vkkhrdisplay)\.[^\\/]*$"
    r"|[\\/]platformthemes[\\/][^\\/]*qgtk3[^\\/]*$"
    r"|[\\/]imageformats[\\/][^\\/]*q(svg|pdf|tga|tiff|webp|wbmp|icns)[^\\/]*$",
    re.IGNORECASE,
)
_TRANSLATION = re.compile(r"[\\/]translations[\\/]", re.IGNORECASE)


def keep(entry) -> bool:
    path = "/" + entry[0].replace("\\", "/")
    if _TRANSLATION.search(path):
        return path.endswith(".qm") and "qtbase_zh_CN" in path
    return not _DROP.search(path)


def closure(binaries):
    """Keep a shared library only while something kept still links it.

    Roots: Python extension modules, libpython, and everything under PySide6/ (Qt loads its plugins
    with dlopen). A library the build machine lent to a dropped plugin (GTK for the gtk3 theme,
    libssl for the tls plugin) has no root left and goes too.
    """
    from PyInstaller.depend.bindepend import get_imports

    by_name = {}
    for entry in binaries:
        by_name.setdefault(Path(entry[0]).name, entry)
    def is_root(entry):
        dest = entry[0].replace("\\", "/")
        return (entry[2] == "EXTENSION" or dest.startswith("PySide6/") or dest.startswith("shiboken6/")
                or re.match(r"(lib)?python3", Path(dest).name, re.IGNORECASE) is not None)
    def links_dropped_qt(entry):  # a plugin that needs a Qt library we left out cannot load: drop it
        try:
            names = [Path(i[0] if isinstance(i, tuple) else i).name for i in get_imports(entry[1])]
        except Exception:  # noqa: BLE001
            return False
        return any(re.match(r"(lib)?Qt6\w+\.(so|dll)", n) and n not in by_name for n in names)
    keep = {entry[0] for entry in binaries if is_root(entry) and not links_dropped_qt(entry)}
    todo = [entry for entry in binaries if entry[0] in keep]
    while todo:
        entry = todo.pop()
        try:
            imports = get_imports(entry[1])
        except Exception:  # noqa: BLE001 — not a binary we can read: keep it, follow nothing
            continue
        for item in imports:
            name = Path(item[0] if isinstance(item, tuple) else item).name
            dep = by_name.get(name)
            if dep is not None and dep[0] not in keep:
                keep.add(dep[0])
                todo.append(dep)
    return [entry for entry in binaries if entry[0] in keep]




def prune(binaries, datas):
    return closure([b for b in binaries if keep(b)]), [d for d in datas if keep(d)]
