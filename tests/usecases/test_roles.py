"""Who may do what: every role check lives in the service layer, whichever way a person asks.

A screener cannot authorise, approve a consent override, reassign, amend an authorised
contact or manage users; a login with no record, or a disabled one, can do nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
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

from mash_tui.domain.errors import (
    InvalidTransition,
    MashError,
    PermissionDenied,
    UnknownUser,
    ValidationFailed,
)
from mash_tui.domain.inputs import PartnerCheckInput
from mash_tui.domain.states import ContactState, Role
from mash_tui.services import Services
from mash_tui.store.tables import AuditEntry, Contact, User

SCREENER_REFUSED = "only a manager can do this; you are a screener"


def audit_count(services: Services) -> int:
    with services.read() as session:
        return len(session.exec(select(AuditEntry)).all())


def refused_without_trace(
    services: Services, call: Callable[[], Any], error: type[MashError], message: str
) -> None:
    """The call is refused with exactly this message and leaves no audit entry behind."""
    before = audit_count(services)
    with pytest.raises(error) as caught:
        call()
    assert caught.value.message == message
    assert audit_count(services) == before


# ---------------------------------------------------------------- identities
def test_roles_rank_screener_below_manager_below_admin() -> None:
    assert Role.SCREENER.rank < Role.MANAGER.rank < Role.ADMIN.rank


def test_identify_finds_an_active_user(services: Services) -> None:
    user = services.identify("scr")
    assert (user.username, user.role, user.active) == ("scr", "screener", True)


def test_identify_refuses_a_login_with_no_record(services: Services) -> None:
    with pytest.raises(UnknownUser) as caught:
        services.identify("stranger")
    assert caught.value.message == (
        "'stranger' has no mash-tui user record; ask a manager to run `mash-tui users add stranger`"
    )


def test_identify_refuses_a_disabled_login(services: Services) -> None:
    services.set_user_active("mgr", "scr", False)
    with pytest.raises(UnknownUser) as caught:
        services.identify("scr")
    assert caught.value.message == "the mash-tui account 'scr' is disabled"


def test_logins_are_case_sensitive(services: Services) -> None:
    """'SCR' is not 'scr' on either database: a login maps to exactly one record."""
    with pytest.raises(UnknownUser):
        services.identify("SCR")


def test_re_enabled_user_can_work_again(services: Services) -> None:
    services.set_user_active("mgr", "scr", False)
    services.set_user_active("mgr", "scr", True)
    assert create(services, "scr").reference.startswith("MASH-")


def test_first_user_needs_nobody_but_later_users_need_a_manager(engine: Any, clock: Any) -> None:
    svc = Services(engine, clock)
    assert not svc.has_users()
    first = svc.add_user(None, "boss", "The Boss", "manager")
    assert first.created_by == "boss"
    with pytest.raises(PermissionDenied) as caught:
        svc.add_user(None, "sneaky", "Sneaky", "admin")
    assert caught.value.message == "only a manager or admin can add users"
    assert [u.username for u in svc.list_users()] == ["boss"]


def test_manager_and_admin_manage_users(services: Services) -> None:
    services.add_user("mgr", "new1", "New One", "screener")
    services.add_user("admin", "new2", "New Two", "manager")
    services.set_user_active("admin", "new1", False)
    services.set_user_active("mgr", "new2", False)
    states = {u.username: u.active for u in services.list_users()}
    assert states["new1"] is False and states["new2"] is False


def test_nobody_can_disable_themselves(services: Services) -> None:
    refused_without_trace(
        services,
        lambda: services.set_user_active("mgr", "mgr", False),
        ValidationFailed,
        "you cannot disable your own account",
    )


# ---------------------------------------------------------------- screener refusals
def test_screener_cannot_add_users(services: Services) -> None:
    refused_without_trace(
        services,
        lambda: services.add_user("scr", "pal", "A Pal", "manager"),
        PermissionDenied,
        SCREENER_REFUSED,
    )
    assert "pal" not in {u.username for u in services.list_users()}


@pytest.mark.parametrize("active", [False, True])
def test_screener_cannot_disable_or_enable_users(services: Services, active: bool) -> None:
    if active:
        services.set_user_active("mgr", "scr2", False)
    refused_without_trace(
        services,
        lambda: services.set_user_active("scr", "scr2", active),
        PermissionDenied,
        SCREENER_REFUSED,
    )
    assert {u.username: u.active for u in services.list_users()}["scr2"] is (not active)


def test_screener_cannot_authorise(services: Services) -> None:
    c = submitted(services)
    refused_without_trace(
        services,
        lambda: services.authorise("scr", cid(c), c.version),
        PermissionDenied,
        SCREENER_REFUSED,
    )
    assert services.get(cid(c)).state == ContactState.AWAITING_AUTHORISATION


def test_screener_cannot_return_a_contact(services: Services) -> None:
    c = submitted(services)
    refused_without_trace(
        services,
        lambda: services.return_contact("scr", cid(c), c.version, "please add more detail"),
        PermissionDenied,
        SCREENER_REFUSED,
    )
    assert services.get(cid(c)).state == ContactState.AWAITING_AUTHORISATION


def test_screener_cannot_approve_a_consent_override(services: Services) -> None:
    c = create(services)
    c = services.record_consent("scr", cid(c), c.version, consent_refused())
    refused_without_trace(
        services,
        lambda: services.authorise_override("scr", cid(c), c.version),
        PermissionDenied,
        SCREENER_REFUSED,
    )
    assert services.get(cid(c)).override_authorised_by_id is None


def test_screener_cannot_approve_an_override_by_editing_the_field(services: Services) -> None:
    c = create(services)
    c = services.record_consent("scr", cid(c), c.version, consent_refused())
    refused_without_trace(
        services,
        lambda: services.update_contact("scr", cid(c), c.version, {"override_authorised_by_id": 1}),
        ValidationFailed,
        "'override_authorised_by_id' cannot be changed here",
    )


def test_screener_cannot_decide_an_unapproved_override(services: Services) -> None:
    """Recording the refusal does not count as approval: the decision still waits."""
    c = create(services)
    c = services.record_consent("scr", cid(c), c.version, consent_refused())
    c = services.set_level("scr", cid(c), c.version, level())
    with pytest.raises(MashError) as caught:
        services.record_decision("scr", cid(c), c.version, decision())
    assert "a manager must authorise the override" in caught.value.message


def test_screener_cannot_reassign(services: Services) -> None:
    c = create(services)
    refused_without_trace(
        services,
        lambda: services.reassign("scr", cid(c), c.version, "scr2"),
        PermissionDenied,
        SCREENER_REFUSED,
    )
    refused_without_trace(
        services,
        lambda: services.update_contact("scr", cid(c), c.version, {"assigned_to_id": 3}),
        ValidationFailed,
        "'assigned_to_id' cannot be changed here",
    )
    assert services.queue()[0].assigned_to == "scr"


def test_screener_cannot_amend_an_authorised_contact(services: Services) -> None:
    c = authorised(services)
    refused_without_trace(
        services,
        lambda: services.amend(
            "scr", cid(c), c.version, {"concern": "Rewritten later"}, "typo in the concern"
        ),
        PermissionDenied,
        SCREENER_REFUSED,
    )
    assert services.get(cid(c)).concern.startswith("Bruise on the arm")


AUTHORISED_SIDE_DOORS: dict[str, Callable[[Services, Contact], Any]] = {
    "update_contact": lambda s, c: s.update_contact("scr", cid(c), c.version, {"concern": "New"}),
    "record_consent": lambda s, c: s.record_consent("scr", cid(c), c.version, consent_given()),
    "set_level": lambda s, c: s.set_level("scr", cid(c), c.version, level()),
    "record_decision": lambda s, c: s.record_decision("scr", cid(c), c.version, decision()),
    "add_household_member": lambda s, c: s.add_household_member("scr", cid(c), "Uncle Bob"),
    "log_partner_check": lambda s, c: s.log_partner_check(
        "scr", cid(c), PartnerCheckInput("Police", "Any callouts?", "Risk picture")
    ),
    "submit": lambda s, c: s.submit("scr", cid(c), c.version),
    "complete_intake": lambda s, c: s.complete_intake("scr", cid(c), c.version),
}


@pytest.mark.parametrize("door", sorted(AUTHORISED_SIDE_DOORS))
def test_screener_cannot_change_an_authorised_contact_another_way(
    services: Services, door: str
) -> None:
    c = authorised(services)
    before = audit_count(services)
    with pytest.raises(InvalidTransition) as caught:
        AUTHORISED_SIDE_DOORS[door](services, c)
    assert c.reference in caught.value.message
    assert audit_count(services) == before
    assert services.get(cid(c)).version == c.version


# ---------------------------------------------------------------- what managers and admins may do
@pytest.mark.parametrize("boss", ["mgr", "admin"])
def test_manager_and_admin_do_what_a_screener_cannot(services: Services, boss: str) -> None:
    c = create(services)
    c = services.record_consent("scr", cid(c), c.version, consent_refused())
    c = services.authorise_override(boss, cid(c), c.version)
    c = services.reassign(boss, cid(c), c.version, "scr2")
    c = services.set_level("scr2", cid(c), c.version, level())
    c = services.record_decision("scr2", cid(c), c.version, decision())
    c = services.submit("scr2", cid(c), c.version)
    c = services.return_contact(boss, cid(c), c.version, "say more about the father")
    c = services.submit("scr2", cid(c), c.version)
    c = services.authorise(boss, cid(c), c.version)
    c = services.amend(boss, cid(c), c.version, {"concern": "Corrected wording"}, "typo in concern")
    assert c.state == ContactState.AUTHORISED
    assert c.concern == "Corrected wording"
    assert services.verify_audit("mgr").ok


# ---------------------------------------------------------------- disabled and unknown logins
def entry_points(services: Services) -> dict[str, Callable[[str], Any]]:
    """Every service method that acts for somebody, each aimed at a contact it could touch."""
    # Screened by a screener, so a manager's oversight acts are not on their own decisions.
    open_c = create(services, "scr")
    refused = create(services, "scr")
    refused = services.record_consent("scr", cid(refused), refused.version, consent_refused())
    waiting = submitted(services, "scr")
    done = authorised(services, "scr")
    draft_c = services.create_contact("scr", intake(services), draft=True)[0]
    ready = decided(services, "scr")
    draft_id = services.save_draft("mgr", "intake", {"concern": "typed"})
    o, r, w, d, dr, rd = open_c, refused, waiting, done, draft_c, ready
    return {
        "add_user": lambda who: services.add_user(who, "newbie", "Newbie"),
        "set_user_active": lambda who: services.set_user_active(who, "scr2", False),
        "record_export": lambda who: services.record_export(who, "annex_a", {"rows": 1}),
        "verify_audit": lambda who: services.verify_audit(who),
        "create_contact": lambda who: services.create_contact(who, intake(services)),
        "complete_intake": lambda who: services.complete_intake(who, cid(dr), dr.version),
        "update_contact": lambda who: services.update_contact(
            who, cid(o), o.version, {"concern": "changed"}
        ),
        "add_household_member": lambda who: services.add_household_member(who, cid(o), "Gran"),
        "record_consent": lambda who: services.record_consent(
            who, cid(o), o.version, consent_given()
        ),
        "authorise_override": lambda who: services.authorise_override(who, cid(r), r.version),
        "log_partner_check": lambda who: services.log_partner_check(
            who, cid(o), PartnerCheckInput("Health", "GP contact", "Risk")
        ),
        "set_level": lambda who: services.set_level(who, cid(o), o.version, level()),
        "record_decision": lambda who: services.record_decision(
            who, cid(rd), rd.version, decision()
        ),
        "submit": lambda who: services.submit(who, cid(rd), rd.version),
        "authorise": lambda who: services.authorise(who, cid(w), w.version),
        "return_contact": lambda who: services.return_contact(
            who, cid(w), w.version, "more detail please"
        ),
        "reassign": lambda who: services.reassign(who, cid(o), o.version, "mgr"),
        "record_referrer_informed": lambda who: services.record_referrer_informed(
            who, cid(d), d.version
        ),
        "amend": lambda who: services.amend(
            who, cid(d), d.version, {"concern": "x"}, "a long enough reason"
        ),
        "save_draft": lambda who: services.save_draft(who, "intake", {"concern": "x"}),
        "drafts": lambda who: services.drafts(who),
        "discard_draft": lambda who: services.discard_draft(who, draft_id),
        "identify": lambda who: services.identify(who),
        "require": lambda who: services.require(who),
    }


ENTRY_POINTS = sorted(
    [
        "add_user",
        "set_user_active",
        "record_export",
        "verify_audit",
        "create_contact",
        "complete_intake",
        "update_contact",
        "add_household_member",
        "record_consent",
        "authorise_override",
        "log_partner_check",
        "set_level",
        "record_decision",
        "submit",
        "authorise",
        "return_contact",
        "reassign",
        "record_referrer_informed",
        "amend",
        "save_draft",
        "drafts",
        "discard_draft",
        "identify",
        "require",
    ]
)


def test_entry_point_list_covers_every_method_that_takes_an_actor() -> None:
    """A new service method that acts for somebody must be added to the refusal tests."""
    import inspect

    acting = {
        name
        for name, fn in inspect.getmembers(Services, inspect.isfunction)
        if not name.startswith("_")
        and list(inspect.signature(fn).parameters)[1:2] in (["actor"], ["username"])
    }
    assert acting - {"add_user"} <= set(ENTRY_POINTS)
    assert set(ENTRY_POINTS) <= acting | {"add_user"}


def refusals(
    services: Services, calls: dict[str, Callable[[str], Any]], who: str, message: str
) -> dict[str, str]:
    """Each entry point that did not refuse `who` with exactly `message` (or left a trace)."""
    wrong: dict[str, str] = {}
    for name in ENTRY_POINTS:
        before = audit_count(services)
        try:
            calls[name](who)
        except UnknownUser as exc:
            if exc.message != message:
                wrong[name] = exc.message
        except Exception as exc:
            wrong[name] = f"{type(exc).__name__}: {exc}"
        else:
            wrong[name] = "not refused"
        if audit_count(services) != before:
            wrong[name] = "left an audit entry"
    return wrong


def test_disabled_manager_is_refused_at_every_entry_point(services: Services) -> None:
    """Even a manager's rights vanish the moment the account is disabled."""
    calls = entry_points(services)
    services.set_user_active("admin", "mgr", False)
    assert refusals(services, calls, "mgr", "the mash-tui account 'mgr' is disabled") == {}


def test_unknown_login_is_refused_at_every_entry_point(services: Services) -> None:
    calls = entry_points(services)
    message = (
        "'intruder' has no mash-tui user record; ask a manager to run `mash-tui users add intruder`"
    )
    assert refusals(services, calls, "intruder", message) == {}


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_every_entry_point_works_for_an_active_manager(services: Services, name: str) -> None:
    """The positive control: the refusals above are about the account, not the call."""
    calls = entry_points(services)
    calls[name]("mgr")


def test_disabled_screeners_drafts_stay_but_cannot_be_reached(services: Services) -> None:
    """Disabling keeps history: rows the person made are still there for others to see."""
    c = create(services, "scr")
    services.save_draft("scr", "intake", {"concern": "half typed"})
    services.set_user_active("mgr", "scr", False)
    with services.read() as session:
        user = session.exec(select(User).where(User.username == "scr")).one()
    assert user.active is False
    assert services.get(cid(c)).entered_by_id == user.id  # still credited to them
    assert services.detail(cid(c)).name_of(user.id) == "Sam Screener"
    with pytest.raises(UnknownUser):
        services.drafts("scr")


def test_reassign_refuses_a_disabled_target(services: Services) -> None:
    c = create(services)
    services.set_user_active("mgr", "scr2", False)
    refused_without_trace(
        services,
        lambda: services.reassign("mgr", cid(c), c.version, "scr2"),
        ValidationFailed,
        "'scr2' is not an active user",
    )


def test_referrer_informed_before_contact_is_refused(services: Services) -> None:
    c = authorised(services)
    with pytest.raises(ValidationFailed):
        services.record_referrer_informed(
            "scr", cid(c), c.version, c.received_at - timedelta(minutes=5)
        )
