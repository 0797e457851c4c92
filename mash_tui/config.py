"""Where things live: the database URL, user directories and settings from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_path

if TYPE_CHECKING:
    from mash_tui.domain.deadlines import DeadlinePolicy
    from mash_tui.domain.oversight import OversightPolicy

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


ENV_SETTINGS = "MASH_TUI_SETTINGS"


def settings_path() -> Path:
    """The council's settings file: $MASH_TUI_SETTINGS or settings.toml in the config folder."""
    explicit = os.environ.get(ENV_SETTINGS)
    if explicit:
        return Path(explicit)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "settings.toml"


def load_settings() -> dict[str, object]:
    """Read settings.toml if there is one; a broken file is a one-line error, not a crash."""
    import tomllib

    path = settings_path()
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    except RecursionError:
        raise ValueError(f"{path}: its tables are nested too deeply to read") from None


def deadline_policy() -> DeadlinePolicy:
    """The deadline policy from the [deadlines] table of settings.toml (defaults otherwise)."""
    from mash_tui.domain.deadlines import DeadlinePolicy

    table = load_settings().get("deadlines", {})
    if not isinstance(table, dict):
        raise ValueError(f"{settings_path()}: [deadlines] must be a table")
    try:
        return DeadlinePolicy.from_mapping(table)
    except ValueError as exc:
        raise ValueError(f"{settings_path()}: {exc}") from exc


def oversight_policy() -> OversightPolicy:
    """Who may authorise whose decision, from the [oversight] table of settings.toml."""
    from mash_tui.domain.oversight import OversightPolicy

    table = load_settings().get("oversight", {})
    if not isinstance(table, dict):
        raise ValueError(f"{settings_path()}: [oversight] must be a table")
    try:
        return OversightPolicy.from_mapping(table)
    except ValueError as exc:
        raise ValueError(f"{settings_path()}: {exc}") from exc
