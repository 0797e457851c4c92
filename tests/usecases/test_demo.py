"""The demo data: reproducible, made through the service layer, and true to every rule."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select
from sqlmodel import col

from mash_tui.cli import main
from mash_tui.demo import DEMO_USERS, generate
from mash_tui.domain.clock import FrozenClock, local_to_utc
from mash_tui.domain.deadlines import Priority
from mash_tui.domain.errors import PermissionDenied, UnknownUser
from mash_tui.domain.states import ConsentOutcome, ContactState, Role
from mash_tui.services import Services
from mash_tui.store.tables import Contact, User

T0 = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # as the conftest clock
UNTIL = date(2026, 11, 13)  # a Friday before T0: the demo's "now" is 16:30 that day
DEMO_NOW = local_to_utc(datetime(2026, 11, 13, 16, 30))


def _fresh(path: Path, clock: FrozenClock) -> Services:
    from mash_tui.store.engine import make_engine, upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return Services(engine, clock)


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            out[name] = [tuple(row) for row in conn.execute(select(table).order_by(*order))]
    return out


def _contacts(services: Services) -> list[Contact]:
    with services.read() as session:
        return list(session.scalars(select(Contact).order_by(col(Contact.id))))


def _users(services: Services) -> dict[int, User]:
    return {u.id: u for u in services.list_users() if u.id is not None}


def test_same_seed_and_until_give_identical_databases(tmp_path: Path) -> None:
    first = _fresh(tmp_path / "a.db", FrozenClock(T0))
    second = _fresh(tmp_path / "b.db", FrozenClock(T0 + timedelta(hours=3)))
    summary_a = generate(first, contacts=80, seed=7, until=UNTIL, login="tester")
    summary_b = generate(second, contacts=80, seed=7, until=UNTIL, login="tester")
    assert summary_a == summary_b
    dump_a, dump_b = _dump(first.engine), _dump(second.engine)
    assert len(dump_a["contacts"]) == 80
    assert dump_a == dump_b


def test_a_different_seed_gives_different_contacts(tmp_path: Path) -> None:
    first = _fresh(tmp_path / "a.db", FrozenClock(T0))
    second = _fresh(tmp_path / "b.db", FrozenClock(T0))
    generate(first, contacts=20, seed=1, until=UNTIL, login="tester")
    generate(second, contacts=20, seed=2, until=UNTIL, login="tester")
    assert [c.concern for c in _contacts(first)] != [c.concern for c in _contacts(second)]


def test_every_rule_holds_on_the_generated_contacts(services: Services) -> None:
    generate(services, contacts=150, seed=3, until=UNTIL, login="mgr")
    contacts = _contacts(services)
    users = _users(services)
    assert len(contacts) == 150
    start = DEMO_NOW - timedelta(days=57)
    for c in contacts:
        assert start <= c.received_at <= DEMO_NOW, c.reference
        assert c.received_at <= c.entered_at <= DEMO_NOW
        if c.decided_at is not None:
            assert Services.consent_satisfied(c), c.reference
            assert c.received_at <= c.decided_at <= DEMO_NOW
            assert c.level is not None and c.next_step is not None
            assert c.analysis and c.sos_worried and c.sos_working_well and c.sos_needs_to_happen
            assert c.sos_scale is not None and 0 <= c.sos_scale <= 10
            if not services.fits(c.level, c.next_step):
                assert len(c.mismatch_justification.split()) >= 8, c.reference
            assert c.framework_id == services.framework.id
        if c.state == ContactState.AUTHORISED:
            assert not c.is_open
            assert c.decided_at is not None and c.authorised_at is not None
            assert c.decided_at <= c.authorised_at <= DEMO_NOW
            assert users[c.authorised_by_id].role == Role.MANAGER  # type: ignore[index]
        else:
            assert c.is_open and c.authorised_at is None
        if c.consent_outcome in ("refused", "not_sought") and c.override_authorised_by_id:
            assert len(c.override_rationale.split()) >= 8
            assert c.override_lawful_basis
            assert users[c.override_authorised_by_id].role == Role.MANAGER
        if c.referrer_informed_at is not None:
            assert c.authorised_at is not None
            assert c.authorised_at <= c.referrer_informed_at <= DEMO_NOW
    assert services.verify_audit("mgr").ok


def test_the_mix_looks_like_a_real_front_door_with_the_last_day_open(services: Services) -> None:
    generate(services, contacts=300, seed=1, until=UNTIL, login="mgr")
    contacts = _contacts(services)
    sources = Counter(c.source_code for c in contacts).most_common()
    assert {sources[0][0], sources[1][0]} == {"6", "2A"}  # police and schools lead
    priorities = Counter(c.priority for c in contacts)
    assert priorities[Priority.AMBER] > priorities[Priority.RED] > 0
    assert priorities[Priority.GREEN] > 0
    assert {c.level for c in contacts if c.level} == {1, 2, 3, 4}
    consents = Counter(c.consent_outcome for c in contacts)
    overrides = consents[ConsentOutcome.REFUSED] + consents[ConsentOutcome.NOT_SOUGHT]
    assert consents[ConsentOutcome.GIVEN] > overrides > 0
    families = Counter(c.family_id for c in contacts if c.family_id is not None)
    assert families and set(families.values()) <= {2, 3}
    weekday = sum(1 for c in contacts if c.received_at.weekday() < 5)
    assert weekday > 0.8 * len(contacts)

    closed = [c for c in contacts if c.authorised_at is not None]
    hours = [(c.authorised_at - c.received_at) / timedelta(hours=1) for c in closed]  # type: ignore[operator]
    on_time = sum(1 for h in hours if h <= 24)
    assert on_time > 0.8 * len(closed)
    assert any(24 < h <= 60 for h in hours)
    assert sum(1 for c in closed if c.referrer_informed_at) > 0.8 * len(closed)
    assert any(c.mismatch_justification for c in closed)
    with services.read() as session:
        from mash_tui.store.tables import Transition

        returns = session.scalars(
            select(Transition).where(col(Transition.to_state) == ContactState.RETURNED)
        ).all()
    assert any(t.contact_id in {c.id for c in closed} for t in returns)

    # The last day is left open, in every open state, with someone to chase.
    queue = services.queue()
    states = Counter(row.state for row in queue)
    assert states[ContactState.SCREENING] and states[ContactState.AWAITING_AUTHORISATION]
    assert states[ContactState.RETURNED]
    assert any(row.override_pending for row in queue)
    assert all(row.received_at <= DEMO_NOW for row in queue)
    assert any(row.deadline_at < DEMO_NOW for row in queue)  # someone to chase
    recent = [c for c in _contacts(services) if DEMO_NOW - c.received_at <= timedelta(hours=24)]
    assert recent and all(c.is_open for c in recent)


def test_demo_staff_are_added_and_the_runner_becomes_a_manager(tmp_path: Path) -> None:
    services = _fresh(tmp_path / "a.db", FrozenClock(T0))
    generate(services, contacts=5, seed=1, until=UNTIL, login="pat")
    roles = {u.username: u.role for u in services.list_users()}
    assert roles["pat"] == Role.MANAGER
    for username, _display, role in DEMO_USERS:
        assert roles[username] == role
    assert any(not name.isascii() for _, name, _ in DEMO_USERS)
    # Running it again keeps the same people and adds more contacts.
    generate(services, contacts=5, seed=2, until=UNTIL, login="pat")
    assert len(services.list_users()) == len(DEMO_USERS) + 1
    assert len(_contacts(services)) == 10


def test_an_existing_manager_login_is_left_as_it_is(services: Services) -> None:
    generate(services, contacts=3, seed=1, until=UNTIL, login="admin")
    assert services.identify("admin").role == Role.ADMIN


def test_only_a_manager_loads_demo_data_into_a_database_with_users(services: Services) -> None:
    before = len(services.list_users())
    with pytest.raises(PermissionDenied, match="only a manager can load demo data"):
        generate(services, contacts=3, seed=1, until=UNTIL, login="scr")
    with pytest.raises(UnknownUser):
        generate(services, contacts=3, seed=1, until=UNTIL, login="mallory")
    assert len(services.list_users()) == before


def test_without_until_nothing_is_received_after_the_clock(services: Services) -> None:
    generate(services, contacts=40, seed=9, until=None, login="mgr")
    contacts = _contacts(services)
    assert max(c.received_at for c in contacts) <= T0
    assert max(c.updated_at for c in contacts) <= T0
    assert min(c.received_at for c in contacts) >= T0 - timedelta(days=57)


def test_contacts_must_be_positive(services: Services) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(services, contacts=0, seed=1, until=UNTIL, login="mgr")


def test_cli_demo(
    database_url: str,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASH_TUI_USER", "casey")
    args = ["--database", database_url, "demo", "--contacts", "12", "--until", "13/11/2026"]
    assert main(args, clock=clock) == 0
    out = capsys.readouterr().out
    assert out.startswith("Added 12 demo contacts")
    assert "'casey' was added as a manager" in out
    assert main(["--database", database_url, "demo", "--contacts", "0"], clock=clock) == 1
    assert "at least 1" in capsys.readouterr().err
