"""Provides the one composition root: settings -> engine and migrations -> framework ->
deadline and oversight policies -> services.

The app, every command-line command and the benchmarks build what they run on here and
nowhere else, so the council's settings (timescales, warning window, target) cannot be
honoured by one front end and forgotten by another. Everything is built lazily, on first
use, so `--help` and the app's first frame never wait for the database layer.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mash_tui.config import (
    ENV_THRESHOLDS,
    ENV_USER,
    current_login,
    database_url,
    deadline_policy,
    oversight_policy,
)
from mash_tui.domain.clock import Clock, SystemClock

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from mash_tui.domain.deadlines import DeadlinePolicy
    from mash_tui.domain.levels import Framework
    from mash_tui.domain.oversight import OversightPolicy
    from mash_tui.services import Services


class StartupError(Exception):
    """The database, settings or framework cannot be used: one line for a person to act on."""


class Runtime:
    """What the app and a command run on, each part built once when first asked for."""

    def __init__(
        self,
        database: str | None = None,
        thresholds: str | None = None,
        clock: Clock | None = None,
        *,
        engine: Engine | None = None,
        framework: Framework | None = None,
        policy: DeadlinePolicy | None = None,
        oversight: OversightPolicy | None = None,
    ) -> None:
        self.database = database
        self.thresholds = thresholds
        self.clock: Clock = clock or SystemClock()
        self._engine = engine
        self._framework = framework
        self._policy = policy
        self._oversight = oversight
        self._services: Services | None = None
        self._acting: str | None = None

    @classmethod
    def around(cls, services: Services) -> Runtime:
        """A runtime over services already built (a test's database, a benchmark's)."""
        runtime = cls(
            clock=services.clock,
            engine=services.engine,
            framework=services.framework,
            policy=services.policy,
            oversight=services.oversight,
        )
        runtime._services = services
        return runtime

    @property
    def url(self) -> str:
        """The database chosen: --database, then MASH_TUI_DATABASE_URL, then the default file."""
        if self._engine is not None:
            return self._engine.url.render_as_string(hide_password=True)
        return database_url(self.database)

    def engine(self, *, migrate: bool = True) -> Engine:
        """The engine, migrated to head on first use (SQLite or an empty database)."""
        if self._engine is None:
            from mash_tui.store.engine import make_engine

            engine = make_engine(self.url)
            if migrate:
                _bring_to_head(engine)
            self._engine = engine
        return self._engine

    @property
    def on_server(self) -> bool:
        """Whether this is a shared PostgreSQL database, where the server says who is acting."""
        if self._engine is not None:
            return self._engine.dialect.name == "postgresql"
        return self.url.startswith("postgresql")

    def declared_login(self) -> str:
        """Who is acting, when that is known without the database: "" on a shared server."""
        return "" if self.on_server else current_login()

    def acting_login(self) -> str:
        """Who is acting: on PostgreSQL the server's session_user, mapped to their user;
        on a personal SQLite file the operating-system login (or MASH_TUI_USER)."""
        if self._acting is None:
            if not self.on_server:
                self._acting = current_login()
                return self._acting
            from mash_tui.store.pg_roles import connected_person, outside_the_rules

            try:
                engine = self.engine()
                declared = os.environ.get(ENV_USER)
                # The owner and superusers are outside the server's rules anyway (they can
                # change anything, which is what the audit checkpoint is for): only they
                # may name who they act as. Everyone else is who they log in as.
                if declared and not outside_the_rules(engine):
                    raise StartupError(
                        f"{ENV_USER} is not used on a shared PostgreSQL database: you act as "
                        "the database login you connect with"
                    )
                self._acting = declared or connected_person(engine)
            except StartupError:
                raise
            except Exception as exc:
                raise StartupError(f"cannot open the database: {_first_line(exc)}") from exc
        return self._acting

    def framework(self) -> Framework:
        """The council's Level-of-Need framework (--thresholds / MASH_TUI_THRESHOLDS) or the default."""
        if self._framework is None:
            from mash_tui.domain.levels import load_builtin, load_framework

            path = self.thresholds or os.environ.get(ENV_THRESHOLDS)
            self._framework = load_framework(path) if path else load_builtin()
        return self._framework

    def policy(self) -> DeadlinePolicy:
        """Deadline timescales, warning window and target from the council's settings.toml."""
        if self._policy is None:
            try:
                self._policy = deadline_policy()
            except ValueError as exc:
                raise StartupError(str(exc)) from exc
        return self._policy

    def oversight(self) -> OversightPolicy:
        """Who may authorise whose decision, from the council's settings.toml ([oversight])."""
        if self._oversight is None:
            try:
                self._oversight = oversight_policy()
            except ValueError as exc:
                raise StartupError(str(exc)) from exc
        return self._oversight

    def services(self) -> Services:
        """The facade every front end calls, built over the parts above."""
        if self._services is None:
            from mash_tui.services import Services

            policy = self.policy()
            oversight = self.oversight()
            framework = self.framework()
            self._services = Services(
                self.engine(), self.clock, policy=policy, framework=framework, oversight=oversight
            )
        return self._services


def _bring_to_head(engine: Engine) -> None:
    """Create or upgrade the schema where that is safe; otherwise say what to run."""
    from mash_tui.store.engine import at_head, has_tables, needs_upgrade, upgrade

    try:
        if at_head(engine):  # the usual start: one query, no Alembic
            return
        empty = not has_tables(engine)
        behind = empty or needs_upgrade(engine)
    except Exception as exc:
        raise StartupError(f"cannot open the database: {_first_line(exc)}") from exc
    if behind:
        if empty or engine.dialect.name == "sqlite":
            upgrade(engine)
        else:
            raise StartupError("the database schema is out of date: run `mash-tui db upgrade`")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
