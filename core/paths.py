"""Where the app keeps its data: the data directory and the drafts database inside it.

The live database must sit on a local disk (docs: tech-notes §4), so the default is the
per-user *local* (not roaming) data directory, e.g. ``%LOCALAPPDATA%\\jixiao`` on Windows.
Tests and portable setups point elsewhere with ``JIXIAO_DATA_DIR`` or an explicit override.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "jixiao"
ENV_VAR = "JIXIAO_DATA_DIR"
DATABASE_NAME = "jixiao.db"


def data_dir(override: str | Path | None = None) -> Path:
    """The data directory, created if missing.

    Order: ``override`` if given, else the ``JIXIAO_DATA_DIR`` environment variable (when
    set and not blank), else the platform's per-user local data directory.
    """
    if override is not None and str(override).strip():
        path = Path(override).expanduser()
    elif os.environ.get(ENV_VAR, "").strip():
        path = Path(os.environ[ENV_VAR].strip()).expanduser()
    else:
        path = platformdirs.user_data_path(APP_NAME, appauthor=False, roaming=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(data_dir: str | Path) -> Path:
    """The drafts database inside ``data_dir``."""
    return Path(data_dir) / DATABASE_NAME
