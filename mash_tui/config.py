"""Where things live: the database URL, user directories and settings from the environment."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "mash-tui"
ENV_DATABASE_URL = "MASH_TUI_DATABASE_URL"
ENV_THRESHOLDS = "MASH_TUI_THRESHOLDS"
ENV_USER = "MASH_TUI_USER"


def data_dir() -> Path:
    """The per-user data folder, created on first use (never the install or checkout)."""
    path = user_data_path(APP_NAME, appauthor=False, ensure_exists=True)
    return path


def default_database_url() -> str:
    """The embedded SQLite file in the user data folder."""
    return f"sqlite:///{data_dir() / 'mash.db'}"


def database_url(explicit: str | None = None) -> str:
    """Choose the database: --database, then MASH_TUI_DATABASE_URL, then the default file."""
    return explicit or os.environ.get(ENV_DATABASE_URL) or default_database_url()


def current_login() -> str:
    """The operating-system login that maps to a user record."""
    override = os.environ.get(ENV_USER)
    if override:
        return override
    import getpass

    return getpass.getuser()
