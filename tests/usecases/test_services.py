"""Every rule of the contact record, checked at the service layer that all callers share."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.errors import (
    ConsentRequired,
    InvalidTransition,
    JustificationRequired,
    NotFound,
    PermissionDenied,
    StaleVersion,
    UnknownUser,
    ValidationFailed,
)
from mash_tui.domain.inputs import (
    ChildInput,
    ConsentInput,
    DecisionInput,
    HouseholdInput,
    IntakeInput,
    LevelInput,
    PartnerCheckInput,
)
from mash_tui.domain.rules import is_non_trivial
from mash_tui.domain.states import ContactState
from mash_tui.services import Services
from mash_tui.store.tables import Contact

RATIONALE = (
    "Mother refused consent but the pattern of bruising described by the school "
    "suggests physical harm, so sharing with police and health is needed now"
)


def intake(clock: FrozenClock, **overrides: object) -> IntakeInput:
    values: dict[str, object] = {
        "received_at": clock.now() - timedelta(hours=1),
        "source_code": "2A",
        "concern": "Year 4 pupil arrived with bruising on both arms.",
        "children": [ChildInput("Amy", "Smith", date(2017, 3, 4), gender="F", ethnicity="WBRI")],
        "referrer_name": "Ms Teacher",
        "referrer_agency": "Hillside Primary",
        "priority": "amber",
    }
    values.update(overrides)
    return IntakeInput(**values)  # type: ignore[arg-type]


def decision(step: str = "assessment_s17", justification: str = "") -> DecisionInput:
    return DecisionInput(
        next_step=step,
        analysis="Injuries unexplained; parents not engaging.",
        sos_worried="Unexplained bruising",
        sos_working_well="Child attends school daily",
        sos_needs_to_happen="Assessment of home conditions",
        sos_scale=3,
        mismatch_justification=justification,
    )


def new_contact(services: Services, clock: FrozenClock) -> Contact:
    return services.create_contact("scr", intake(clock))[0]


def decided(services: Services, clock: FrozenClock, step: str = "assessment_s17") -> Contact:
    c = new_contact(services, clock)
    cid = c.id or 0
    c = services.record_consent(
        "scr", cid, c.version, ConsentInput("given", "scr", "mother", "phone")
    )
    c = services.set_level("scr", cid, c.version, LevelInput(3, "Needs a multi-agency response"))
    return services.record_decision("scr", cid, c.version, decision(step))


# ---------------------------------------------------------------- intake
def test_create_contact_records_received_and_entered(
    services: Services, clock: FrozenClock
) -> None:
    c = new_contact(services, clock)
    assert c.reference == "MASH-0000001"
    assert c.state == ContactState.SCREENING
    assert c.received_at == clock.now() - timedelta(hours=1)
    assert c.entered_at == clock.now()
    # Amber: 24 elapsed hours from receipt, not from typing.
    assert c.deadline_at == c.received_at + timedelta(hours=24)


def test_red_priority_has_four_hour_deadline(services: Services, clock: FrozenClock) -> None:
    c = services.create_contact("scr", intake(clock, priority="red"))[0]
    assert c.deadline_at == c.received_at + timedelta(hours=4)


def test_received_in_future_is_refused(services: Services, clock: FrozenClock) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.create_contact("scr", intake(clock, received_at=clock.now() + timedelta(hours=1)))
    assert err.value.errors == {"received_at": "the received time cannot be in the future"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"source_code": "99"}, "source_code"),
        ({"concern": "   "}, "concern"),
        ({"priority": "purple"}, "priority"),
        ({"factors": ["not_a_factor"]}, "factors"),
        ({"referrer_email": "nope"}, "referrer_email"),
        ({"referrer_name": ""}, "referrer_name"),
        ({"children": []}, "children"),
    ],
)
def test_bad_intake_names_the_field(
    services: Services, clock: FrozenClock, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.create_contact("scr", intake(clock, **overrides))
    assert field in err.value.errors
    assert err.value.message


def test_anonymous_contact_needs_no_referrer_name(services: Services, clock: FrozenClock) -> None:
    c = services.create_contact("scr", intake(clock, source_code="9", referrer_name=""))[0]
    assert c.source_code == "9"


@pytest.mark.parametrize(
    ("child", "field"),
    [
        (ChildInput("", "Smith"), "first_name"),
        (ChildInput("Amy", ""), "last_name"),
        (ChildInput("Amy", "Smith", date(2030, 1, 1)), "date_of_birth"),
        (ChildInput("", "Smith", unborn=True), "expected_date"),
        (ChildInput("Amy", "Smith", gender="X"), "gender"),
        (ChildInput("Amy", "Smith", ethnicity="ZZZZ"), "ethnicity"),
        (ChildInput("Amy", "Smith", nhs_number="12345"), "nhs_number"),
        (ChildInput("Amy", "Smith", nhs_number="943 476 5918"), "nhs_number"),  # one digit off
        (ChildInput("Amy", "Smith", nhs_number="1234567890"), "nhs_number"),  # check digit 10
    ],
)
def test_bad_child_names_the_field(
    services: Services, clock: FrozenClock, child: ChildInput, field: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.create_contact("scr", intake(clock, children=[child]))
    assert f"children[0].{field}" in err.value.errors


def test_unborn_child_with_expected_date(services: Services, clock: FrozenClock) -> None:
    child = ChildInput("", "Smith", unborn=True, expected_date=date(2027, 2, 1))
    c = services.create_contact("scr", intake(clock, children=[child]))[0]
    detail = services.detail(c.id or 0)
    assert detail.child.unborn and detail.child.expected_date == date(2027, 2, 1)
    assert detail.child.date_of_birth is None


def test_siblings_become_linked_contacts(services: Services, clock: FrozenClock) -> None:
    kids = [
        ChildInput("Amy", "Smith", date(2017, 3, 4)),
        ChildInput("Ben", "Smith", date(2019, 5, 6)),
    ]
    household = [HouseholdInput("Jo Smith", "mother")]
    contacts = services.create_contact("scr", intake(clock, children=kids, household=household))
    assert len(contacts) == 2
    assert contacts[0].family_id is not None
    assert contacts[0].family_id == contacts[1].family_id
    assert contacts[0].child_id != contacts[1].child_id
    detail = services.detail(contacts[0].id or 0)
    assert [s.id for s in detail.siblings] == [contacts[1].id]
    assert [m.name for m in detail.household] == ["Jo Smith"]


def test_earlier_contacts_flag_repeats_within_12_months(
    services: Services, clock: FrozenClock
) -> None:
    old = services.create_contact(
        "scr", intake(clock, received_at=clock.now() - timedelta(days=400))
    )[0]
    recent = services.create_contact(
        "scr",
        intake(clock, children=[ChildInput("x", "x", existing_child_id=old.child_id)]),
    )[0]
    found = services.find_children("amy", "SMITH", date(2017, 3, 4))
    assert [m.child.id for m in found] == [old.child_id]
    earlier = services.earlier_contacts([old.child_id], exclude_contact_id=None)
    assert [(e.reference, e.within_12_months) for e in earlier] == [
        (recent.reference, True),
        (old.reference, False),
    ]


def test_draft_contact_then_complete(services: Services, clock: FrozenClock) -> None:
    c = services.create_contact("scr", intake(clock, concern=""), draft=True)[0]
    assert c.state == ContactState.DRAFT
    with pytest.raises(ValidationFailed):
        services.complete_intake("scr", c.id or 0, c.version)
    c = services.update_contact("scr", c.id or 0, c.version, {"concern": "Now written"})
    c = services.complete_intake("scr", c.id or 0, c.version)
    assert c.state == ContactState.SCREENING


def test_a_draft_contact_still_has_its_child_and_codes_checked(
    services: Services, clock: FrozenClock
) -> None:
    """A draft may lack the concern, source or referrer, never a valid child or codes."""
    bad_child = ChildInput("", "Smith", gender="Q", ethnicity="ZZZZ", nhs_number="123")
    with pytest.raises(ValidationFailed) as err:
        services.create_contact(
            "scr", intake(clock, concern="", children=[bad_child], priority="purple"), draft=True
        )
    assert set(err.value.errors) == {
        "priority",
        "children[0].first_name",
        "children[0].gender",
        "children[0].ethnicity",
        "children[0].nhs_number",
    }
    c = services.create_contact("scr", intake(clock, referrer_name=""), draft=True)[0]
    with pytest.raises(ValidationFailed) as err:
        services.complete_intake("scr", c.id or 0, c.version)
    assert set(err.value.errors) == {"referrer_name"}


def test_update_moves_deadline_with_priority(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    c = services.update_contact("scr", c.id or 0, c.version, {"priority": "red"})
    assert c.deadline_at == c.received_at + timedelta(hours=4)
    with pytest.raises(ValidationFailed):
        services.update_contact("scr", c.id or 0, c.version, {"state": "authorised"})


# ---------------------------------------------------------------- consent
def test_cannot_decide_without_consent(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    c = services.set_level(
        "scr", c.id or 0, c.version, LevelInput(3, "Needs a multi-agency response")
    )
    with pytest.raises(ConsentRequired):
        services.record_decision("scr", c.id or 0, c.version, decision())


def test_override_needs_grounds_basis_and_real_rationale(
    services: Services, clock: FrozenClock
) -> None:
    c = new_contact(services, clock)
    with pytest.raises(ValidationFailed) as err:
        services.record_consent(
            "scr",
            c.id or 0,
            c.version,
            ConsentInput("refused", "scr", "mother", "phone", "", "", "risk"),
        )
    assert set(err.value.errors) == {"grounds", "lawful_basis", "rationale"}


def test_consent_given_needs_who_and_how(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    with pytest.raises(ValidationFailed) as err:
        services.record_consent("scr", c.id or 0, c.version, ConsentInput("given"))
    assert set(err.value.errors) == {"sought_by", "sought_from", "method"}


def test_override_waits_for_a_manager(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    c = services.record_consent(
        "scr",
        c.id or 0,
        c.version,
        ConsentInput(
            "not_sought",
            grounds="Seeking consent would place the child at risk",
            lawful_basis="Children Act 1989 s47",
            rationale=RATIONALE,
        ),
    )
    c = services.set_level("scr", c.id or 0, c.version, LevelInput(4, "Likely significant harm"))
    with pytest.raises(ConsentRequired, match="manager must authorise"):
        services.record_decision("scr", c.id or 0, c.version, decision("strategy_s47"))
    with pytest.raises(PermissionDenied):
        services.authorise_override("scr", c.id or 0, c.version)
    c = services.authorise_override("mgr", c.id or 0, c.version)
    assert c.override_authorised_by_id is not None
    c = services.record_decision("scr", c.id or 0, c.version, decision("strategy_s47"))
    assert c.next_step == "strategy_s47"


def test_changing_an_override_needs_fresh_authorisation(
    services: Services, clock: FrozenClock
) -> None:
    c = new_contact(services, clock)
    consent = ConsentInput("refused", "scr", "mother", "phone", "Risk of harm", "s47", RATIONALE)
    c = services.record_consent("scr", c.id or 0, c.version, consent)
    c = services.authorise_override("mgr", c.id or 0, c.version)
    consent.rationale = RATIONALE + " and the father has made threats"
    c = services.record_consent("scr", c.id or 0, c.version, consent)
    assert c.override_authorised_by_id is None


def test_partner_checks_are_logged(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    services.log_partner_check(
        "scr",
        c.id or 0,
        PartnerCheckInput("Police", "Any DA call-outs?", "Check risk", "Two in 2026"),
    )
    with pytest.raises(ValidationFailed) as err:
        services.log_partner_check("scr", c.id or 0, PartnerCheckInput("", "", ""))
    assert set(err.value.errors) == {"agency", "requested", "purpose"}
    assert [p.agency for p in services.detail(c.id or 0).partner_checks] == ["Police"]


def test_is_non_trivial() -> None:
    assert not is_non_trivial("risk")
    assert not is_non_trivial("risk risk risk risk risk risk risk risk risk risk")
    assert is_non_trivial(RATIONALE)


# ---------------------------------------------------------------- level and decision
def test_level_records_framework_version(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    c = services.set_level(
        "scr", c.id or 0, c.version, LevelInput(2, "Emerging needs at school only")
    )
    assert (c.framework_id, c.framework_version, c.level) == (
        services.framework.id,
        services.framework.version,
        2,
    )
    with pytest.raises(ValidationFailed) as err:
        services.set_level("scr", c.id or 0, c.version, LevelInput(9, "short"))
    assert set(err.value.errors) == {"level", "rationale"}


def test_mismatch_needs_justification(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    c = services.record_consent(
        "scr", c.id or 0, c.version, ConsentInput("given", "scr", "mother", "phone")
    )
    c = services.set_level(
        "scr", c.id or 0, c.version, LevelInput(4, "Likely significant harm here")
    )
    with pytest.raises(JustificationRequired) as err:
        services.record_decision("scr", c.id or 0, c.version, decision("nfa"))
    assert err.value.field == "mismatch_justification"
    c = services.record_decision(
        "scr",
        c.id or 0,
        c.version,
        decision(
            "nfa",
            "Police have confirmed the injury was accidental and witnessed by two teachers at school",
        ),
    )
    assert c.next_step == "nfa"
    assert c.mismatch_justification.startswith("Police have confirmed")
    # Decided again with a step that fits: the old justification no longer applies.
    c = services.record_decision(
        "scr",
        c.id or 0,
        c.version,
        decision("strategy_s47", "Police have confirmed the injury was accidental and witnessed"),
    )
    assert (c.next_step, c.mismatch_justification) == ("strategy_s47", "")


@pytest.mark.parametrize(
    "field", ["analysis", "sos_worried", "sos_working_well", "sos_needs_to_happen", "sos_scale"]
)
def test_decision_needs_every_part(services: Services, clock: FrozenClock, field: str) -> None:
    c = new_contact(services, clock)
    c = services.record_consent(
        "scr", c.id or 0, c.version, ConsentInput("given", "scr", "mother", "phone")
    )
    c = services.set_level(
        "scr", c.id or 0, c.version, LevelInput(3, "Needs a multi-agency response")
    )
    d = decision()
    setattr(d, field, 11 if field == "sos_scale" else " ")
    with pytest.raises(ValidationFailed) as err:
        services.record_decision("scr", c.id or 0, c.version, d)
    assert list(err.value.errors) == [field]


# ---------------------------------------------------------------- states and authorisation
def test_full_life_and_clock_stop(services: Services, clock: FrozenClock) -> None:
    c = decided(services, clock)
    c = services.submit("scr", c.id or 0, c.version)
    assert c.state == ContactState.AWAITING_AUTHORISATION
    with pytest.raises(InvalidTransition):
        services.record_consent("scr", c.id or 0, c.version, ConsentInput("given", "a", "b", "c"))
    clock.advance(hours=2)
    c = services.authorise("mgr", c.id or 0, c.version, "Agreed")
    assert c.state == ContactState.AUTHORISED and not c.is_open
    assert c.authorised_at == clock.now()
    moves = [(t.from_state, t.to_state) for t in services.detail(c.id or 0).transitions]
    assert moves == [
        ("screening", "awaiting_authorisation"),
        ("awaiting_authorisation", "authorised"),
    ]
    assert services.queue() == []


def test_only_managers_authorise(services: Services, clock: FrozenClock) -> None:
    c = decided(services, clock)
    c = services.submit("scr", c.id or 0, c.version)
    with pytest.raises(PermissionDenied, match="only a manager"):
        services.authorise("scr", c.id or 0, c.version)
    c = services.authorise("admin", c.id or 0, c.version)
    assert c.state == ContactState.AUTHORISED


def test_return_then_resubmit(services: Services, clock: FrozenClock) -> None:
    c = decided(services, clock)
    c = services.submit("scr", c.id or 0, c.version)
    with pytest.raises(ValidationFailed):
        services.return_contact("mgr", c.id or 0, c.version, "")
    c = services.return_contact("mgr", c.id or 0, c.version, "Add the police check result")
    assert c.state == ContactState.RETURNED and c.return_comment == "Add the police check result"
    c = services.record_decision("scr", c.id or 0, c.version, decision())
    c = services.submit("scr", c.id or 0, c.version)
    assert c.state == ContactState.AWAITING_AUTHORISATION


def test_state_only_moves_forward(services: Services, clock: FrozenClock) -> None:
    c = decided(services, clock)
    with pytest.raises(InvalidTransition) as refused:
        services.authorise("mgr", c.id or 0, c.version)  # not yet submitted
    # In words a screener uses, not the state codes ("cannot go from screening to authorised").
    assert refused.value.message == (
        f"{c.reference} has not been submitted for authorisation yet: "
        "its screener is still working on it"
    )
    with pytest.raises(InvalidTransition):
        services.return_contact("mgr", c.id or 0, c.version, "Not submitted yet")
    c = services.submit("scr", c.id or 0, c.version)
    c = services.authorise("mgr", c.id or 0, c.version)
    with pytest.raises(InvalidTransition):
        services.submit("scr", c.id or 0, c.version)
    with pytest.raises(InvalidTransition):
        services.update_contact("scr", c.id or 0, c.version, {"concern": "changed"})


def test_submit_needs_a_decision(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    c = services.record_consent(
        "scr", c.id or 0, c.version, ConsentInput("given", "scr", "mother", "phone")
    )
    with pytest.raises(ValidationFailed):
        services.submit("scr", c.id or 0, c.version)


def test_authorised_contact_changes_only_by_amendment(
    services: Services, clock: FrozenClock
) -> None:
    c = decided(services, clock)
    c = services.submit("scr", c.id or 0, c.version)
    c = services.authorise("mgr", c.id or 0, c.version)
    with pytest.raises(PermissionDenied):
        services.amend("scr", c.id or 0, c.version, {"concern": "x"}, "Typo in the concern text")
    with pytest.raises(ValidationFailed):
        services.amend("mgr", c.id or 0, c.version, {"concern": "x"}, "")
    c = services.amend(
        "mgr", c.id or 0, c.version, {"concern": "Corrected text"}, "Typo in the concern text"
    )
    assert c.concern == "Corrected text"
    amend = [e for e in services.history(c.id or 0) if e.action == "amend"]
    assert amend[0].before == {"concern": "Year 4 pupil arrived with bruising on both arms."}
    assert amend[0].after == {"concern": "Corrected text"}
    assert amend[0].reason == "Typo in the concern text"


def test_reassign_and_referrer_informed(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    with pytest.raises(PermissionDenied):
        services.reassign("scr", c.id or 0, c.version, "scr2")
    with pytest.raises(ValidationFailed):
        services.reassign("mgr", c.id or 0, c.version, "nobody")
    c = services.reassign("mgr", c.id or 0, c.version, "scr2")
    assert [r.reference for r in services.queue(assigned_to="scr2")] == [c.reference]
    with pytest.raises(ValidationFailed):
        services.record_referrer_informed(
            "scr2", c.id or 0, c.version, clock.now() + timedelta(days=1)
        )
    c = services.record_referrer_informed("scr2", c.id or 0, c.version)
    assert c.referrer_informed_at == clock.now()


# ---------------------------------------------------------------- versions, users, audit
def test_second_save_is_refused(services: Services, clock: FrozenClock) -> None:
    c = new_contact(services, clock)
    services.update_contact("scr", c.id or 0, c.version, {"concern": "first"})
    with pytest.raises(StaleVersion, match="changed by someone else"):
        services.update_contact("scr2", c.id or 0, c.version, {"concern": "second"})
    assert services.get(c.id or 0).concern == "first"


def test_unknown_and_disabled_users_are_refused(services: Services, clock: FrozenClock) -> None:
    with pytest.raises(UnknownUser, match="no mash-tui user record"):
        services.create_contact("stranger", intake(clock))
    services.set_user_active("mgr", "scr2", False)
    with pytest.raises(UnknownUser, match="disabled"):
        services.identify("scr2")
    with pytest.raises(PermissionDenied):
        services.add_user("scr", "newbie", "New", "screener")
    with pytest.raises(NotFound):
        services.get(999)


def test_audit_chain_records_every_change(services: Services, clock: FrozenClock) -> None:
    c = decided(services, clock)
    actions = [e.action for e in services.history(c.id or 0)]
    assert actions == ["create", "consent", "level", "decision"]
    check = services.verify_audit("mgr")
    assert check.ok, check.message
    level = services.history(c.id or 0)[2]
    assert level.username == "scr" and level.after is not None and level.after["level"] == 3


def test_drafts_keep_every_field(services: Services) -> None:
    payload = {
        "child_first_name": "Zoë",
        "concern": "[bold]x[/bold]",
        "children": [{"dob": "01/02/2017"}],
    }
    draft_id = services.save_draft("scr", "intake", payload)
    payload["concern"] = "more text"
    assert services.save_draft("scr", "intake", payload, draft_id) == draft_id
    drafts = services.drafts("scr")
    assert [(d.id, d.payload) for d in drafts] == [(draft_id, payload)]
    assert services.drafts("scr2") == []
    services.discard_draft("scr2", draft_id)  # someone else's: untouched
    assert len(services.drafts("scr")) == 1
    services.discard_draft("scr", draft_id)
    assert services.drafts("scr") == []


def test_first_user_must_be_a_manager(engine: Engine, clock: FrozenClock) -> None:
    fresh = Services(engine, clock)
    with pytest.raises(ValidationFailed, match="first user must be a manager"):
        fresh.add_user(None, "sam", "Sam", "screener")
    assert fresh.add_user(None, "boss", "Boss", "manager").role == "manager"


def test_referrer_informed_once_authorised_needs_an_amendment(
    services: Services, clock: FrozenClock
) -> None:
    c = decided(services, clock)
    c = services.submit("scr", c.id or 0, c.version)
    c = services.authorise("mgr", c.id or 0, c.version)
    c = services.record_referrer_informed("scr", c.id or 0, c.version)
    with pytest.raises(InvalidTransition, match="already recorded"):
        services.record_referrer_informed("scr", c.id or 0, c.version)
    assert services.require("mgr", "manager").username == "mgr"
    with pytest.raises(PermissionDenied):
        services.require("scr", "manager")


@pytest.mark.parametrize(
    ("born", "adult"),
    [(date(2002, 3, 1), False), (date(2002, 2, 28), True), (date(2004, 2, 29), False)],
)
def test_dates_of_birth_are_checked_on_29_february(
    services: Services, clock: FrozenClock, born: date, adult: bool
) -> None:
    """On a leap day the adult check still works (there is no 29/02 twenty-six years back)."""
    clock.set(datetime(2028, 2, 29, 12, tzinfo=UTC))
    child = ChildInput("Amy", "Smith", born, gender="F", ethnicity="WBRI")
    if adult:
        with pytest.raises(ValidationFailed) as err:
            services.create_contact("scr", intake(clock, children=[child]))
        assert err.value.errors["children[0].date_of_birth"].endswith("an adult")
    else:
        [contact] = services.create_contact("scr", intake(clock, children=[child]))
        assert services.detail(contact.id or 0).child.date_of_birth == born
