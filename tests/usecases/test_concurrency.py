"""Several people at once: the second save of a contact is refused, numbers never collide.

Each simulated person has their own Services and engine on one database, as separate
copies of the app would; the threads really do overlap on the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select
from team_support import (
    authorised,
    cid,
    consent_given,
    consent_refused,
    create,
    decided,
    decision,
    intake,
    level,
    submitted,
)

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.errors import StaleVersion
from mash_tui.domain.inputs import ChildInput, ConsentInput, LevelInput
from mash_tui.services import Services
from mash_tui.store.engine import make_engine
from mash_tui.store.tables import AuditEntry, Contact, Family

THREADS = 8
PER_THREAD = 25


def stale_message(reference: str) -> str:
    return (
        f"{reference} was changed by someone else while you were working; "
        "your text is kept: reload the contact and save again"
    )


def audit_count(services: Services) -> int:
    with services.read() as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


@pytest.fixture
def second(database_url: str, services: Services, clock: FrozenClock) -> Any:
    """Another person's copy of mash-tui: its own engine on the same database."""
    engine = make_engine(database_url)
    yield Services(engine, clock)
    engine.dispose()


# ---------------------------------------------------------------- optimistic versioning
def test_second_save_is_refused_and_first_is_kept(services: Services, second: Services) -> None:
    mine = create(services)
    theirs = second.get(cid(mine))  # both opened version 1
    services.update_contact("scr", cid(mine), mine.version, {"concern": "First person's text"})
    before = audit_count(services)
    with pytest.raises(StaleVersion) as caught:
        second.update_contact(
            "mgr", cid(theirs), theirs.version, {"concern": "Second person's text"}
        )
    assert caught.value.message == stale_message(mine.reference)
    stored = services.get(cid(mine))
    assert stored.concern == "First person's text"
    assert stored.version == mine.version + 1
    assert audit_count(services) == before


def test_refused_save_succeeds_after_reloading(services: Services, second: Services) -> None:
    mine = create(services)
    theirs = second.get(cid(mine))
    services.update_contact("scr", cid(mine), mine.version, {"priority": "red"})
    with pytest.raises(StaleVersion):
        second.update_contact("mgr", cid(theirs), theirs.version, {"concern": "Kept text"})
    fresh = second.get(cid(mine))
    saved = second.update_contact("mgr", cid(fresh), fresh.version, {"concern": "Kept text"})
    assert (saved.priority, saved.concern) == ("red", "Kept text")
    assert services.verify_audit("mgr").ok


# Every versioned service call, set up so that it would succeed with the right version.
Prepared = tuple[Contact, Callable[[Services, Contact, int], Any]]


def prepare(kind: str, s: Services) -> Prepared:
    if kind == "update_contact":
        return create(s), lambda x, c, v: x.update_contact("scr", cid(c), v, {"concern": "n"})
    if kind == "record_consent":
        return create(s), lambda x, c, v: x.record_consent("scr", cid(c), v, consent_given())
    if kind == "authorise_override":
        c = create(s)
        c = s.record_consent("scr", cid(c), c.version, consent_refused())
        return c, lambda x, c, v: x.authorise_override("mgr", cid(c), v)
    if kind == "set_level":
        return create(s), lambda x, c, v: x.set_level("scr", cid(c), v, level())
    if kind == "record_decision":
        c = create(s)
        c = s.record_consent("scr", cid(c), c.version, consent_given())
        c = s.set_level("scr", cid(c), c.version, level())
        return c, lambda x, c, v: x.record_decision("scr", cid(c), v, decision())
    if kind == "submit":
        return decided(s), lambda x, c, v: x.submit("scr", cid(c), v)
    if kind == "authorise":
        return submitted(s), lambda x, c, v: x.authorise("mgr", cid(c), v)
    if kind == "return_contact":
        return submitted(s), lambda x, c, v: x.return_contact("mgr", cid(c), v, "more please")
    if kind == "reassign":
        return create(s), lambda x, c, v: x.reassign("mgr", cid(c), v, "scr2")
    if kind == "complete_intake":
        c = s.create_contact("scr", intake(s), draft=True)[0]
        return c, lambda x, c, v: x.complete_intake("scr", cid(c), v)
    if kind == "record_referrer_informed":
        return authorised(s), lambda x, c, v: x.record_referrer_informed("scr", cid(c), v)
    if kind == "amend":
        return authorised(s), lambda x, c, v: x.amend(
            "mgr", cid(c), v, {"concern": "n"}, "a good long reason"
        )
    raise AssertionError(kind)


VERSIONED = [
    "update_contact",
    "record_consent",
    "authorise_override",
    "set_level",
    "record_decision",
    "submit",
    "authorise",
    "return_contact",
    "reassign",
    "complete_intake",
    "record_referrer_informed",
    "amend",
]


# A screening step's save is stale only when someone else changed what that step edits: the
# change made in between is then another save of the same step, with other values.
STEP_CONFLICTS: dict[str, Callable[[Services, Contact], Contact]] = {
    "record_consent": lambda s, c: s.record_consent(
        "mgr", cid(c), c.version, ConsentInput("given", "Kim", "Aunt", "in person")
    ),
    "set_level": lambda s, c: s.set_level(
        "mgr", cid(c), c.version, LevelInput(2, "Emerging needs one agency can meet alone.")
    ),
    "record_decision": lambda s, c: s.record_decision(
        "mgr", cid(c), c.version, replace(decision(), analysis="Another view entirely.")
    ),
}


def test_every_versioned_call_refuses_a_stale_version(services: Services, second: Services) -> None:
    """Whatever the second person was doing, an out-of-date save changes nothing."""
    wrong: dict[str, str] = {}
    for kind in VERSIONED:
        contact, call = prepare(kind, services)
        # Someone else saves in between (a change that bumps the version).
        if kind in STEP_CONFLICTS:
            bumped = STEP_CONFLICTS[kind](services, contact)
        elif contact.state == "authorised":
            bumped = services.amend(
                "mgr", cid(contact), contact.version, {"analysis": "bumped"}, "a test bump"
            )
        else:
            bumped = services.record_referrer_informed("mgr", cid(contact), contact.version)
        assert bumped.version == contact.version + 1
        before = audit_count(services)
        try:
            call(second, contact, contact.version)
        except StaleVersion as exc:
            if exc.message != stale_message(contact.reference):
                wrong[kind] = exc.message
        except Exception as exc:
            wrong[kind] = f"{type(exc).__name__}: {exc}"
        else:
            wrong[kind] = "the stale save was applied"
        if audit_count(services) != before:
            wrong[kind] = "left an audit entry"
        # The positive control: with the current version the same call goes through.
        call(second, contact, bumped.version)
    assert wrong == {}
    assert services.verify_audit("mgr").ok


def test_a_change_to_other_fields_does_not_make_a_step_save_stale(
    services: Services, second: Services
) -> None:
    """The manager authorising the override, or the referrer told, leaves the screener's save."""
    c = create(services)
    held = services.record_consent("scr", cid(c), c.version, consent_refused())
    # The manager acts on the version the screener's open screen holds, bumping it.
    authorised = second.authorise_override("mgr", cid(held), held.version)
    assert authorised.version == held.version + 1
    saved = services.set_level("scr", cid(held), held.version, level())
    assert saved.version == authorised.version + 1 and saved.level == 3
    # The same consent saved again over the held version keeps the manager's authorisation.
    again = services.record_consent("scr", cid(held), held.version, consent_refused())
    assert again.override_authorised_by_id == authorised.override_authorised_by_id is not None
    informed = second.record_referrer_informed("mgr", cid(again), again.version)
    decided_now = services.record_decision("scr", cid(again), again.version, decision())
    assert decided_now.version == informed.version + 1 and decided_now.next_step == "early_help"
    # A changed consent over the held version needs a fresh authorisation.
    changed = services.record_consent("scr", cid(held), held.version, consent_given())
    assert changed.consent_outcome == "given" and changed.override_authorised_by_id is None
    assert services.verify_audit("mgr").ok


def test_a_level_changed_underneath_makes_the_decision_stale(
    services: Services, second: Services
) -> None:
    c = create(services)
    c = services.record_consent("scr", cid(c), c.version, consent_given())
    held = services.set_level("scr", cid(c), c.version, level())
    second.set_level("mgr", cid(held), held.version, LevelInput(2, "Emerging needs, one agency."))
    before = audit_count(services)
    with pytest.raises(StaleVersion):
        services.record_decision("scr", cid(held), held.version, decision())
    assert audit_count(services) == before


def test_versioned_list_covers_every_method_with_a_version() -> None:
    import inspect

    versioned = {
        name
        for name, fn in inspect.getmembers(Services, inspect.isfunction)
        if not name.startswith("_") and "version" in inspect.signature(fn).parameters
    }
    assert versioned == set(VERSIONED)


# ---------------------------------------------------------------- real threads
def run_together(workers: int, job: Callable[[int], Any]) -> list[Any]:
    """Start `workers` jobs at the same moment and collect results or exceptions."""
    start = threading.Barrier(workers)

    def wrapped(index: int) -> Any:
        start.wait()
        try:
            return job(index)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(wrapped, range(workers)))


def test_references_stay_unique_under_concurrency(
    database_url: str, services: Services, clock: FrozenClock
) -> None:
    """8 people logging 25 contacts each at once: 200 contacts, 200 distinct numbers."""
    engines = [make_engine(database_url) for _ in range(THREADS)]
    people = [Services(engine, clock) for engine in engines]

    def log_contacts(index: int) -> list[str]:
        svc = people[index]
        actor = "scr" if index % 2 else "scr2"
        refs: list[str] = []
        for n in range(PER_THREAD):
            if n % 5 == 0:  # every fifth is a family of two, which takes a family number
                kids = [ChildInput("Kai", f"T{index}"), ChildInput("Lea", f"T{index}")]
                made = svc.create_contact(actor, intake(svc, children=kids))
            else:
                made = svc.create_contact(actor, intake(svc, first=f"C{n}", last=f"T{index}"))
            refs.extend(c.reference for c in made)
        return refs

    try:
        results = run_together(THREADS, log_contacts)
    finally:
        for engine in engines:
            engine.dispose()
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    refs = [ref for batch in results for ref in batch]
    expected = THREADS * (PER_THREAD + PER_THREAD // 5)
    assert len(refs) == len(set(refs)) == expected
    with services.read() as session:
        stored = session.exec(select(Contact.reference)).all()
        families = session.exec(select(Family.reference)).all()
    assert sorted(stored) == sorted(refs)
    assert sorted(stored) == [f"MASH-{n:07d}" for n in range(1, expected + 1)]
    assert len(families) == len(set(families)) == THREADS * (PER_THREAD // 5)
    check = services.verify_audit("mgr")
    assert check.ok, check.message


def test_only_one_of_many_simultaneous_saves_wins(
    database_url: str, services: Services, clock: FrozenClock
) -> None:
    c = create(services)
    engines = [make_engine(database_url) for _ in range(THREADS)]
    people = [Services(engine, clock) for engine in engines]
    try:
        results = run_together(
            THREADS,
            lambda i: people[i].update_contact(
                "scr" if i % 2 else "mgr", cid(c), c.version, {"concern": f"Person {i}"}
            ),
        )
    finally:
        for engine in engines:
            engine.dispose()
    winners = [r for r in results if isinstance(r, Contact)]
    losers = [r for r in results if isinstance(r, StaleVersion)]
    assert (len(winners), len(losers)) == (1, THREADS - 1)
    stored = services.get(cid(c))
    assert stored.concern == winners[0].concern
    assert stored.version == c.version + 1
    assert [e.action for e in services.history(cid(c))] == ["create", "update"]


def test_two_managers_authorising_at_once(
    database_url: str, services: Services, clock: FrozenClock
) -> None:
    c = submitted(services)
    engines = [make_engine(database_url) for _ in range(2)]
    bosses = [Services(engine, clock) for engine in engines]
    try:
        results = run_together(
            2, lambda i: bosses[i].authorise(("mgr", "admin")[i], cid(c), c.version)
        )
    finally:
        for engine in engines:
            engine.dispose()
    assert sorted(type(r).__name__ for r in results) == ["Contact", "StaleVersion"]
    assert [e.action for e in services.history(cid(c))].count("authorise") == 1


def test_verify_while_others_write_raises_no_false_alarm(
    database_url: str, services: Services, clock: FrozenClock
) -> None:
    """A manager checking the trail mid-shift must not see tampering that is not there."""
    writer_engine = make_engine(database_url)
    writer = Services(writer_engine, clock)
    done = threading.Event()
    failures: list[str] = []

    def keep_writing() -> None:
        try:
            for _ in range(60):
                create(writer)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(repr(exc))
        finally:
            done.set()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    checks = 0
    try:
        while not done.is_set() or checks < 5:
            result = services.verify_audit("mgr")
            checks += 1
            if not result.ok:
                failures.append(result.message)
                break
    finally:
        thread.join()
        writer_engine.dispose()
    assert failures == []
    assert services.verify_audit("mgr").ok


def test_clock_moving_between_saves_is_recorded_per_save(
    services: Services, second: Services, clock: FrozenClock
) -> None:
    c = create(services)
    clock.advance(timedelta(minutes=5))
    c = second.update_contact("mgr", cid(c), c.version, {"priority": "green"})
    assert c.updated_at == clock.now()
    assert services.history(cid(c))[-1].at == clock.now()
