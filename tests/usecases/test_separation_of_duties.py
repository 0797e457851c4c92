"""Separation of duties and visible oversight, ruled in the service layer (SQLite and PostgreSQL).

A manager does not authorise a decision they made (unless the council allows it for a
one-manager team, and then it is flagged); a screener changes only their own contacts;
reports and exports need a manager or the reporting role; the manager's note is required
when a decision is late or its level and next step differ; amendments keep a reason.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import W47, make_contact, utc
from sqlmodel import col, select
from team_support import authorised, cid, consent_refused, create, decided, intake, submitted

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.errors import PermissionDenied, ValidationFailed
from mash_tui.domain.inputs import DecisionInput, LevelInput
from mash_tui.domain.oversight import OversightPolicy
from mash_tui.queries.drilldown import drilldown
from mash_tui.queries.weekly import weekly_summary
from mash_tui.services import Services
from mash_tui.store.tables import AuditEntry


def last_entry(services: Services, action: str) -> AuditEntry:
    with services.read() as session:
        query = select(AuditEntry).where(col(AuditEntry.action) == action)
        return list(session.exec(query.order_by(col(AuditEntry.id))))[-1]


# ---------------------------------------------------------------- own decisions
def test_a_manager_cannot_authorise_a_decision_they_made(services: Services) -> None:
    c = submitted(services, "mgr")
    with pytest.raises(PermissionDenied) as caught:
        services.authorise("mgr", cid(c), c.version)
    assert caught.value.message.startswith(
        f"{c.reference}: you made this decision, so another manager must authorise it"
    )
    assert services.get(cid(c)).is_open
    services.authorise("admin", cid(c), c.version)  # another manager may


def test_a_manager_cannot_authorise_what_they_submitted(services: Services) -> None:
    c = decided(services, "scr")
    c = services.submit("mgr", cid(c), c.version)  # a manager sent it up for the screener
    with pytest.raises(PermissionDenied, match="you made this decision"):
        services.authorise("mgr", cid(c), c.version)


def test_a_one_manager_team_may_self_authorise_and_it_is_flagged(
    services: Services, clock: FrozenClock
) -> None:
    solo = Services(services.engine, clock, oversight=OversightPolicy(True))
    c = submitted(solo, "mgr")
    c = solo.authorise("mgr", cid(c), c.version, "Only manager on shift; checked twice.")
    assert c.self_authorised and c.authorised_by_id == c.decided_by_id
    entry = last_entry(solo, "authorise")
    assert entry.after is not None and entry.after["self_authorised"] is True
    other = authorised(solo, "scr")
    assert not other.self_authorised


def test_the_report_does_not_count_self_authorisation_as_management_oversight(
    services: Services, clock: FrozenClock
) -> None:
    solo = Services(services.engine, clock, oversight=OversightPolicy(True))
    clock.set(utc(2026, 11, 17, 9))
    mine = submitted(solo, "mgr")
    solo.authorise("mgr", cid(mine), mine.version, "Only manager on shift today.")
    theirs = authorised(solo, "scr")
    clock.set(utc(2026, 11, 25, 12))
    summary = weekly_summary(services, W47)
    assert summary.count("decided") == 2
    assert summary.count("management_authorised") == 1
    assert summary.count("self_authorised") == 1
    listed = [r.reference for r in drilldown(services, W47, "self_authorised")]
    assert listed == [mine.reference] and theirs.reference not in listed


# ---------------------------------------------------------------- own contacts
def test_a_screener_changes_only_contacts_assigned_to_them(services: Services) -> None:
    c = create(services, "scr")
    with pytest.raises(PermissionDenied) as caught:
        services.update_contact("scr2", cid(c), c.version, {"concern": "Not mine to change"})
    assert caught.value.message == (
        f"{c.reference} is assigned to another screener: only they or a manager can change it "
        "(a manager can reassign it to you)"
    )
    with pytest.raises(PermissionDenied):
        services.record_consent("scr2", cid(c), c.version, consent_refused())
    with pytest.raises(PermissionDenied):
        services.add_household_member("scr2", cid(c), "Gran")
    c = services.update_contact("mgr", cid(c), c.version, {"concern": "A manager may change it"})
    c = services.reassign("mgr", cid(c), c.version, "scr2")
    services.update_contact("scr2", cid(c), c.version, {"concern": "Now it is mine"})


# ---------------------------------------------------------------- reporting role
def test_the_reporting_role_reports_and_verifies_but_never_screens(services: Services) -> None:
    services.add_user("mgr", "qa", "Quinn Analyst", "reporting")
    c = submitted(services, "scr")
    for act in (
        lambda: services.create_contact("qa", intake(services)),
        lambda: services.authorise("qa", cid(c), c.version),
        lambda: services.add_user("qa", "someone", "Someone"),
    ):
        with pytest.raises(PermissionDenied):
            act()
    services.record_export("qa", "annex_a", {"rows": 1})
    check = services.verify_audit("qa")
    assert check.ok
    entry = last_entry(services, "verify")
    assert (entry.username, entry.entity, entry.after) == (
        "qa",
        "audit",
        {"ok": True, "entries": check.entries, "checkpoints": 0},
    )


def test_a_screener_may_not_export_or_verify(services: Services) -> None:
    message = (
        "only a manager or a reporting (performance and quality-assurance) officer can do "
        "this; you are a screener"
    )
    for act in (
        lambda: services.record_export("scr", "annex_a", {"rows": 1}),
        lambda: services.verify_audit("scr"),
    ):
        with pytest.raises(PermissionDenied) as caught:
            act()
        assert caught.value.message == message


# ---------------------------------------------------------------- the manager's note
def test_a_late_authorisation_needs_a_note_that_is_its_breach_reason(
    services: Services, clock: FrozenClock
) -> None:
    c = submitted(services, "scr")
    clock.advance(timedelta(hours=30))  # past its 24-hour deadline (which is the target too)
    [reason] = services.note_reasons(c)
    assert reason.startswith("it is past its deadline (")
    with pytest.raises(ValidationFailed) as caught:
        services.authorise("mgr", cid(c), c.version, "ok")
    assert caught.value.errors["note"].startswith(
        "write a note for the record (10 characters or more): it is past its deadline"
    )
    done = services.authorise("mgr", cid(c), c.version, "  Late: police check came back today.  ")
    assert done.authorisation_note == "Late: police check came back today."
    entry = last_entry(services, "authorise")
    assert entry.reason == "Late: police check came back today."


def test_an_on_time_fitting_decision_needs_no_note(services: Services) -> None:
    c = submitted(services, "scr")
    assert services.note_reasons(c) == []
    assert services.authorise("mgr", cid(c), c.version).authorisation_note == ""


def test_a_level_and_next_step_that_differ_need_a_note(services: Services) -> None:
    c = create(services, "scr")
    c = services.record_consent("scr", cid(c), c.version, consent_refused())
    c = services.authorise_override("mgr", cid(c), c.version)
    c = services.set_level("scr", cid(c), c.version, LevelInput(4, "Serious harm is alleged."))
    justification = (
        "The child is now living with a protective grandparent and police have no further role"
    )
    step = DecisionInput("nfa", "Safe now.", "Harm.", "Gran.", "Nothing.", 8, justification)
    c = services.record_decision("scr", cid(c), c.version, step)
    c = services.submit("scr", cid(c), c.version)
    [reason] = services.note_reasons(c)
    assert reason == "Level 4 does not usually lead to 'No further action'"
    with pytest.raises(ValidationFailed, match="Level 4 does not usually lead"):
        services.authorise("mgr", cid(c), c.version)
    services.authorise("mgr", cid(c), c.version, "I agree with the justification given.")


def test_a_late_override_approval_needs_a_note(services: Services, clock: FrozenClock) -> None:
    c = create(services, "scr")
    c = services.record_consent("scr", cid(c), c.version, consent_refused())
    clock.advance(timedelta(hours=25))
    with pytest.raises(ValidationFailed, match="past its deadline"):
        services.authorise_override("mgr", cid(c), c.version)
    c = services.authorise_override("mgr", cid(c), c.version, "Agreed late: I was in court.")
    assert c.override_note == "Agreed late: I was in court."
    assert last_entry(services, "authorise_override").reason == c.override_note


def test_the_report_lists_late_decisions_with_their_breach_reason(
    services: Services, clock: FrozenClock
) -> None:
    late = make_contact(services, clock, utc(2026, 11, 16, 9), authorised=utc(2026, 11, 18, 9))
    on_time = make_contact(services, clock, utc(2026, 11, 16, 9), authorised=utc(2026, 11, 16, 12))
    clock.set(utc(2026, 11, 25, 12))
    summary = weekly_summary(services, W47)
    assert summary.count("breached_with_reason") == 1
    assert summary.count("oversight_noted") == 1
    listed = [r.reference for r in drilldown(services, W47, "breached_with_reason")]
    assert listed == [late.reference] and on_time.reference not in listed


# ---------------------------------------------------------------- amendments
def test_an_amendment_keeps_its_reason_and_before_and_after(services: Services) -> None:
    c = authorised(services, "scr")
    with pytest.raises(ValidationFailed, match="give the reason"):
        services.amend("mgr", cid(c), c.version, {"sos_scale": 4}, "")
    c = services.amend("mgr", cid(c), c.version, {"sos_scale": 4}, "Scale mistyped by screener")
    entry = last_entry(services, "amend")
    assert (entry.reason, entry.before, entry.after) == (
        "Scale mistyped by screener",
        {"sos_scale": 6},
        {"sos_scale": 4},
    )
