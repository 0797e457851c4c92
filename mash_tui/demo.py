"""Provides `generate`: a realistic, reproducible MASH workload made through the use-cases.

Every contact is logged, screened, decided and authorised by replaying its planned steps
(demo_plan.py) through the public use-case functions in one unit of work, each step at
its own instant and in the named person's name, so every rule holds and every timestamp
is exact. The same seed and `until` on an empty database give identical data.
"""

from __future__ import annotations

import random
from collections import Counter as Tally
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from mash_tui.demo_plan import Planner, Referral, RunTally
from mash_tui.demo_times import WINDOW_DAYS, demo_now
from mash_tui.domain.clock import format_local
from mash_tui.domain.errors import MashError, PermissionDenied
from mash_tui.domain.inputs import LevelInput
from mash_tui.domain.states import (
    ContactState,
    Role,
    is_manager,
    is_open,
)
from mash_tui.usecases import intake as intake_cases
from mash_tui.usecases import oversight, screening, users

if TYPE_CHECKING:
    from mash_tui.services import Services
    from mash_tui.store.tables import Contact
    from mash_tui.usecases.tx import Tx

__all__ = ["DEMO_USERS", "generate"]


# (username, display name, role): invented people, some with non-English names.
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("aisha.rahman", "Aisha Rahman", Role.SCREENER),
    ("tomasz.kowalczyk", "Tomasz Kowalczyk", Role.SCREENER),
    ("siobhan.oconnell", "Siobhán O'Connell", Role.SCREENER),
    ("kwame.mensah", "Kwame Mensah", Role.SCREENER),
    ("linh.nguyen", "Nguyễn Thị Linh", Role.SCREENER),
    ("hannah.clarke", "Hannah Clarke", Role.MANAGER),
    ("oluwaseun.adeyemi", "Olúwaṣeun Adéyẹmí", Role.MANAGER),
)


def _users(services: Services, login: str, at: datetime) -> tuple[list[str], list[str], str]:
    """Make sure the demo staff exist (and the person running it, as a manager), added at
    `at`, before any of the demo's history."""
    existing = {u.username: u for u in services.list_users()}
    notes = []
    actor: str | None = None
    if existing:
        # Never act in someone else's name: on a database with users, the person running
        # the demo must themselves be an active manager (identify raises otherwise).
        me = services.identify(login)
        if not is_manager(me.role):
            raise PermissionDenied("only a manager can load demo data into a database with users")
        actor = me.username
    # Managers first, and the person running the demo before anyone, so that on an empty
    # database the first user added can add the rest.
    wanted = sorted(DEMO_USERS, key=lambda user: not is_manager(user[2]))
    if login not in existing and login not in {u for u, _, _ in DEMO_USERS}:
        wanted.insert(0, (login, login, Role.MANAGER))
    for username, display, role in wanted:
        if username in existing:
            continue
        with services.unit_of_work(at) as tx:
            user = users.add_user(tx, actor, username, display, role)
        existing[username] = user
        if actor is None:
            actor = user.username if is_manager(role) else None
        if username == login:
            notes.append(f"'{login}' was added as a manager so you can use the app")
    screeners = [u for u, _, r in DEMO_USERS if r is Role.SCREENER and existing[u].active]
    managers = [
        u
        for u, _, r in DEMO_USERS
        if r is Role.MANAGER and existing[u].active and is_manager(existing[u].role)
    ]
    if not screeners or not managers:
        raise MashError("the demo users exist but are disabled: enable them and try again")
    return screeners, managers, "; ".join(notes)


def generate(
    services: Services,
    *,
    contacts: int,
    seed: int,
    until: date | None,
    login: str,
) -> str:
    """Fill the database with a believable, repeatable workload so people can try the app."""
    if contacts < 1:
        raise ValueError("--contacts must be at least 1")
    now = demo_now(services, until)
    start = now - timedelta(days=WINDOW_DAYS)
    screeners, managers, note = _users(services, login, start - timedelta(days=1))
    names = {u.username: u.display_name for u in services.list_users()}
    rng = random.Random(seed)
    planner = Planner(rng, services.framework, now, screeners, managers, names)
    referrals = planner.referrals(contacts)

    events: list[tuple[datetime, int, int, int, str]] = []
    for ref in referrals:
        for step_index, (at, name) in enumerate(ref.steps):
            if name == "create":
                events.append((at, ref.index, 0, step_index, name))
                continue
            for child in range(len(ref.intake.children)):
                offset = min(at + timedelta(minutes=3 * child), now)
                events.append((offset, ref.index, child, step_index, name))
    events.sort()

    final = _play(services, referrals, events, planner.tally, start)
    return _summary(services, referrals, final, planner.tally, start, now, note)


def _play(
    services: Services,
    referrals: list[Referral],
    events: list[tuple[datetime, int, int, int, str]],
    tally: RunTally,
    start: datetime,
) -> dict[int, ContactState]:
    """Replay every step in time order in one unit of work, through the public use-cases.

    One transaction makes the demo all-or-nothing and about three times faster than a
    commit per step; each step is the same use-case function (and so the same checks)
    the app calls, at the step's instant and in the named person's name.
    """
    final: dict[int, ContactState] = {}
    with services.unit_of_work(start) as tx:  # each step then happens at its own instant
        contacts: dict[int, Contact] = {}
        for at, ref_index, child, _step, name in events:
            ref = referrals[ref_index]
            tx.at(at)
            if name == "create":
                for made in intake_cases.create_contact(tx, ref.screener, ref.intake):
                    assert made.id is not None
                    ref.contact_ids.append(made.id)
                    contacts[made.id] = made
                    final[made.id] = made.state
                continue
            contact = contacts[ref.contact_ids[child]]
            assert contact.id is not None
            cid, version = contact.id, contact.version
            if name == "consent":
                screening.record_consent(tx, ref.screener, cid, version, ref.consent)
            elif name == "override":
                note = _note(tx, contact, override=True)
                oversight.authorise_override(tx, ref.manager, cid, version, note)
                tally.overrides += 1
            elif name == "level":
                choice = LevelInput(ref.level, ref.level_rationale)
                screening.set_level(tx, ref.screener, cid, version, choice)
            elif name in ("decide", "redecide"):
                decision = ref.decisions[0 if name == "decide" else -1]
                screening.record_decision(tx, ref.screener, cid, version, decision)
                tally.mismatches += int(name == "decide" and bool(decision.mismatch_justification))
            elif name in ("submit", "resubmit"):
                screening.submit(tx, ref.screener, cid, version)
            elif name == "return":
                oversight.return_contact(tx, ref.manager, cid, version, ref.return_comment)
                tally.returned += 1
            elif name == "authorise":
                oversight.authorise(tx, ref.manager, cid, version, _note(tx, contact))
                tally.late += int(at - ref.received > timedelta(hours=24))
            elif name == "inform":
                oversight.record_referrer_informed(tx, ref.screener, cid, version)
            else:  # pragma: no cover - the planner only makes the names above
                raise AssertionError(name)
            final[cid] = contact.state
    return final


def _note(tx: Tx, contact: Contact, *, override: bool = False) -> str:
    """The demo manager's note: always where the rules require one, else on every fourth."""
    from mash_tui import demo_texts

    assert contact.id is not None
    pick = contact.id
    reasons = oversight.note_reasons(tx, contact, override=override)
    if override:
        return demo_texts.OVERRIDE_NOTES[pick % 2] if reasons or pick % 4 == 0 else ""
    if reasons and not reasons[0].startswith("Level "):  # late: the note is the breach reason
        return demo_texts.LATE_NOTES[pick % len(demo_texts.LATE_NOTES)]
    if reasons:
        return demo_texts.MISMATCH_NOTES[pick % len(demo_texts.MISMATCH_NOTES)]
    return demo_texts.ROUTINE_NOTES[pick % 2] if pick % 4 == 0 else ""


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """'1 contact', '2 contacts': a count with its noun agreeing."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _summary(
    services: Services,
    referrals: list[Referral],
    final: dict[int, ContactState],
    tally: RunTally,
    start: datetime,
    now: datetime,
    note: str,
) -> str:
    """One paragraph saying what was made, in numbers a manager would check first."""
    states = Tally(final.values())
    pending = 0
    overdue = 0
    open_ids = {cid for cid, state in final.items() if is_open(state)}
    if open_ids:
        for row in services.queue(limit=100_000):
            if row.id in open_ids:
                pending += int(row.override_pending)
                overdue += int(row.deadline_at < now)
    families = sum(1 for r in referrals if len(r.intake.children) > 1)
    text = (
        f"Added {_n(len(final), 'demo contact')} ({_n(len(referrals), 'referral')}, "
        f"{families} of them sibling groups) received between {format_local(start)} and "
        f"{format_local(now)}. {states[ContactState.AUTHORISED]} authorised, {tally.late} of them after "
        f"more than 24 hours; {_n(tally.returned, 'contact')} returned once by a manager, "
        f"{_n(tally.overrides, 'consent override')} authorised and "
        f"{_n(tally.mismatches, 'level/next-step mismatch', 'level/next-step mismatches')} "
        f"justified. {len(open_ids)} still open: {states[ContactState.SCREENING]} in screening, "
        f"{states[ContactState.AWAITING_AUTHORISATION]} awaiting authorisation, {states[ContactState.RETURNED]} "
        f"returned, {_n(pending, 'consent override')} awaiting a manager, {overdue} past the "
        f"deadline at {format_local(now)}."
    )
    if note:
        text += f" {note[0].upper()}{note[1:]}."
    return text
