"""Provides the engine, sessions and Alembic migrations; the engine is always passed in, never global."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

# The newest packaged migration's revision; tests/test_app.py checks it against Alembic's head.
HEAD_REVISION = "0010"


class DatabaseError(Exception):
    """A database that cannot be opened or upgraded, said in one line."""


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the settings each backend needs for safe concurrent use."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a long message
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:
        raise DatabaseError(f"cannot use database {parsed.render_as_string()}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL for readers beside a writer, foreign keys on, and a wait instead of 'locked'."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MiB of page cache per connection (the default is 2 MiB): the weekly report and
    # the queue read the same index pages again and again.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def is_read_only_error(exc: BaseException) -> bool:
    """Whether a failure is the database refusing writes (a read-only file or server)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(
        phrase in text
        for phrase in (
            "attempt to write a readonly database",
            "readonly database",
            "read-only transaction",
            "read only transaction",
        )
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (the UI reads them later)."""
    return sessionmaker(engine, class_=Session, expire_on_commit=False)


def alembic_config(engine: Engine) -> Any:
    """An Alembic config that runs the packaged migrations on this engine."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("mash_tui.store").joinpath("migrations")))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema with Alembic (never create_all)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except Exception as exc:
        raise DatabaseError(f"could not upgrade the database: {exc}") from exc


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None when it is empty."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def at_head(engine: Engine) -> bool:
    """One cheap query saying the database is at HEAD_REVISION, so start-up skips Alembic."""
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except Exception:  # no table yet (empty database), or it cannot be read: let Alembic decide
        return False
    return stored == [HEAD_REVISION]


def needs_upgrade(engine: Engine) -> bool:
    """True when the database is behind the packaged migrations."""
    if at_head(engine):
        return False
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    return current_revision(engine) != head


def has_tables(engine: Engine) -> bool:
    """Whether any schema exists yet (used to greet a first run)."""
    return bool(inspect(engine).get_table_names())
