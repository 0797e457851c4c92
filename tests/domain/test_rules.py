"""Every rule as a pure check: each returns {field: message} and needs no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mash_tui.domain import rules
from mash_tui.domain.inputs import (
    ChildInput,
    ConsentInput,
    DecisionInput,
    HouseholdInput,
    IntakeInput,
    LevelInput,
    PartnerCheckInput,
)
from mash_tui.domain.levels import Framework, load_builtin
from mash_tui.domain.states import ConsentOutcome

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
RATIONALE = (
    "Father threatened to abduct the children if told; asking would put them at "
    "immediate risk of significant harm."
)


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_builtin()


def intake(**changes: object) -> IntakeInput:
    base: dict[str, object] = {
        "received_at": NOW - timedelta(hours=1),
        "source_code": "2A",
        "concern": "Bruise on the cheek.",
        "children": [ChildInput("Amy", "Smith", date_of_birth=date(2015, 3, 1))],
        "referrer_name": "Ann Teacher",
    }
    base.update(changes)
    return IntakeInput(**base)  # type: ignore[arg-type]


def decision(**changes: object) -> DecisionInput:
    base: dict[str, object] = {
        "next_step": "assessment_s17",
        "analysis": "Injury and fear of going home.",
        "sos_worried": "The injury.",
        "sos_working_well": "She told a teacher.",
        "sos_needs_to_happen": "An assessment.",
        "sos_scale": 3,
    }
    base.update(changes)
    return DecisionInput(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------- building blocks
def test_a_rationale_needs_enough_distinct_words() -> None:
    assert not rules.is_non_trivial("risk")
    assert not rules.is_non_trivial("risk risk risk risk risk risk risk risk risk risk")
    assert rules.is_non_trivial(RATIONALE)


def test_nhs_check_digit() -> None:
    assert rules.nhs_check_digit_ok("9434765919")
    assert not rules.nhs_check_digit_ok("9434765918")
    assert not rules.nhs_check_digit_ok("1234567890")  # check digit would be 10


@pytest.mark.parametrize(
    ("source", "name", "missing"),
    [("2A", "", True), ("2A", " Ann ", False), ("9", "", False), ("10", "", False)],
)
def test_a_referrer_is_named_unless_the_source_is_anonymous(
    source: str, name: str, missing: bool
) -> None:
    assert rules.referrer_missing(source, name) is missing


def test_lengths_are_checked_against_the_column_widths() -> None:
    assert rules.check_lengths("children", {"postcode": "AB1 2CD"}) == {}
    assert rules.check_lengths("children", {"postcode": "x" * 40}) == {
        "postcode": "at most 12 characters here (this has 40)"
    }


# ---------------------------------------------------------------- people
def test_new_user_login_and_role() -> None:
    assert rules.check_new_user("amy.smith", "screener") == {}
    errors = rules.check_new_user("amy smith", "boss")
    assert set(errors) == {"username", "role"}
    assert rules.check_display_name("x" * 201) == {
        "display_name": "at most 200 characters here (this has 201)"
    }


# ---------------------------------------------------------------- intake
def test_a_sound_intake_has_no_errors() -> None:
    assert rules.check_intake(intake(), NOW) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"received_at": NOW + timedelta(hours=1)}, "received_at"),
        ({"received_at": datetime(2026, 11, 10, 9, 0)}, "received_at"),
        ({"source_code": "2Z"}, "source_code"),
        ({"concern": "  "}, "concern"),
        ({"priority": "purple"}, "priority"),
        ({"factors": ["witchcraft"]}, "factors"),
        ({"referrer_email": "not-an-address"}, "referrer_email"),
        ({"referrer_name": ""}, "referrer_name"),
        ({"referrer_phone": "0" * 61}, "referrer_phone"),
        ({"referrer_agency": "x" * 201}, "referrer_agency"),
        ({"children": []}, "children"),
        ({"household": [HouseholdInput("  ", "uncle")]}, "household[0].name"),
        ({"household": [HouseholdInput("Bo", "x" * 101)]}, "household[0].relationship"),
    ],
)
def test_intake_rules(changes: dict[str, object], field: str) -> None:
    assert field in rules.check_intake(intake(**changes), NOW)


def test_a_received_time_a_minute_ahead_is_a_clock_difference() -> None:
    assert rules.check_received_at(NOW + timedelta(minutes=1), NOW) == {}
    assert rules.check_received_at(NOW + timedelta(minutes=3), NOW) == {
        "received_at": "the received time cannot be in the future"
    }


@pytest.mark.parametrize(
    ("child", "field"),
    [
        (ChildInput("", "Smith"), "first_name"),
        (ChildInput("Amy", ""), "last_name"),
        (ChildInput("", "Smith", unborn=True), "expected_date"),
        (ChildInput("", "Smith", unborn=True, expected_date=date(2026, 9, 1)), "expected_date"),
        (ChildInput("Amy", "Smith", date_of_birth=date(2026, 12, 1)), "date_of_birth"),
        (ChildInput("Amy", "Smith", date_of_birth=date(1990, 1, 1)), "date_of_birth"),
        (ChildInput("Amy", "Smith", gender="Q"), "gender"),
        (ChildInput("Amy", "Smith", ethnicity="ZZZZ"), "ethnicity"),
        (ChildInput("Amy", "Smith", nhs_number="12345"), "nhs_number"),
        (ChildInput("Amy", "Smith", nhs_number="943 476 5918"), "nhs_number"),
        (ChildInput("Amy", "Smith", postcode="x" * 40), "postcode"),
        (ChildInput("Amy", "Smith", upn="x" * 14), "upn"),
        (ChildInput("Amy", "Smith", school="x" * 201), "school"),
    ],
)
def test_child_rules(child: ChildInput, field: str) -> None:
    assert field in rules.check_child(child, NOW)


def test_a_child_on_record_is_not_checked_again() -> None:
    assert rules.check_child(ChildInput("", "", gender="Q", existing_child_id=3), NOW) == {}


def test_a_household_member_needs_a_name() -> None:
    assert rules.check_household_member(HouseholdInput(" ")) == {
        "name": "give the household member's name"
    }
    assert rules.check_household_member(HouseholdInput("Bo")) == {}


def test_completing_a_draft_needs_concern_source_and_referrer() -> None:
    assert rules.check_completion("2A", "Bruise.", "Ann") == {}
    assert set(rules.check_completion("", "", "")) == {"concern", "source_code"}
    assert set(rules.check_completion("2A", "Bruise.", "")) == {"referrer_name"}
    assert rules.check_completion("9", "Bruise.", "") == {}


def test_a_draft_may_lack_only_concern_source_and_referrer() -> None:
    errors = rules.check_intake(intake(concern="", referrer_name="", priority="x"), NOW)
    assert set(rules.draft_errors(errors)) == {"priority"}


# ---------------------------------------------------------------- consent
def test_consent_given_needs_who_whom_and_how() -> None:
    assert set(rules.check_consent(ConsentInput(ConsentOutcome.GIVEN))) == {
        "sought_by",
        "sought_from",
        "method",
    }
    assert rules.check_consent(ConsentInput("given", "Ann", "Mother", "Phone")) == {}


def test_an_override_needs_grounds_basis_and_a_real_rationale() -> None:
    errors = rules.check_consent(ConsentInput("not_sought", rationale="risk"))
    assert set(errors) == {"grounds", "lawful_basis", "rationale"}
    sound = ConsentInput("not_sought", grounds="Risk", lawful_basis="CA 1989", rationale=RATIONALE)
    assert rules.check_consent(sound) == {}


def test_an_unknown_outcome_and_an_over_long_basis() -> None:
    assert rules.check_consent(ConsentInput("maybe")) == {
        "outcome": "consent must be given, refused or not sought"
    }
    long = ConsentInput("not_sought", grounds="Risk", lawful_basis="x" * 301, rationale=RATIONALE)
    assert set(rules.check_consent(long)) == {"lawful_basis"}


def test_consent_settled() -> None:
    assert set(rules.check_consent_settled(None, "", "", None)) == {"consent_outcome"}
    assert rules.check_consent_settled("given", "", "", None) == {}
    assert (
        "manager must authorise"
        in rules.check_consent_settled("refused", "Risk", RATIONALE, None)["consent_outcome"]
    )
    assert rules.check_consent_settled("refused", "Risk", RATIONALE, 7) == {}
    assert rules.check_consent_settled("refused", "", "risk", 7) != {}


def test_an_override_may_be_authorised_once_when_explained() -> None:
    assert set(rules.check_override_authorisable("given", "", "", None)) == {"outcome"}
    assert set(rules.check_override_authorisable("refused", "", RATIONALE, None)) == {"rationale"}
    assert set(rules.check_override_authorisable("refused", "Risk", RATIONALE, 2)) == {"override"}
    assert rules.check_override_authorisable("refused", "Risk", RATIONALE, None) == {}


# ---------------------------------------------------------------- partner checks
def test_partner_check_rules() -> None:
    assert rules.check_partner(PartnerCheckInput("Police", "Records", "Risk"), NOW) == {}
    late = PartnerCheckInput("", "", "", checked_at=NOW + timedelta(hours=1))
    assert set(rules.check_partner(late, NOW)) == {"agency", "requested", "purpose", "checked_at"}
    assert set(rules.check_partner(PartnerCheckInput("x" * 101, "a", "b"), NOW)) == {"agency"}


# ---------------------------------------------------------------- level and decision
def test_level_in_framework_with_a_rationale(framework: Framework) -> None:
    assert rules.check_level(LevelInput(3, "Needs targeted support at home."), framework) == {}
    assert rules.check_level(LevelInput(7, "short"), framework) == {
        "level": "choose a level from 1 to 4",
        "rationale": "explain why this level fits (a sentence or more)",
    }


def test_decision_rules() -> None:
    assert rules.check_decision(decision()) == {}
    empty = DecisionInput("", "", "", "", "", None)
    assert set(rules.check_decision(empty)) == {
        "next_step",
        "analysis",
        "sos_worried",
        "sos_working_well",
        "sos_needs_to_happen",
        "sos_scale",
    }


@pytest.mark.parametrize(("scale", "ok"), [(0, True), (10, True), (-1, False), (11, False)])
def test_the_safety_scale_runs_from_0_to_10(scale: int, ok: bool) -> None:
    assert (rules.check_scale(scale) == {}) is ok
    assert ("sos_scale" not in rules.check_decision(decision(sos_scale=scale))) is ok


def test_next_step_must_be_known() -> None:
    assert rules.check_next_step("nfa") == {}
    assert rules.check_next_step("prison") == {"next_step": "'prison' is not a next step"}


def test_a_mismatch_needs_a_justification(framework: Framework) -> None:
    assert rules.fits(framework, 4, "strategy_s47")
    assert not rules.fits(framework, 4, "nfa")
    assert not rules.fits(framework, None, "nfa")
    assert rules.check_mismatch(framework, 4, "strategy_s47", "") == {}
    assert rules.check_mismatch(framework, 4, "nfa", "") == {
        "mismatch_justification": "Level 4 does not usually lead to 'No further action': "
        "justify the decision (at least 8 words)"
    }
    assert rules.check_mismatch(framework, 4, "nfa", RATIONALE) == {}
    assert rules.check_mismatch(framework, 9, "nfa", "") == {}  # the level is reported itself


# ---------------------------------------------------------------- oversight
def test_a_return_says_what_must_change() -> None:
    assert set(rules.check_return_comment("no")) == {"comment"}
    assert rules.check_return_comment("Add the school's view.") == {}


def test_an_amendment_records_why() -> None:
    assert set(rules.check_amend_reason("typo")) == {"reason"}
    assert rules.check_amend_reason("Corrected the referrer's agency.") == {}


def test_the_referrer_is_told_after_the_contact_and_not_in_the_future() -> None:
    received = NOW - timedelta(days=1)
    assert rules.check_referrer_informed(NOW, received, NOW) == {}
    assert set(rules.check_referrer_informed(received - timedelta(hours=1), received, NOW)) == {
        "referrer_informed_at"
    }
    assert set(rules.check_referrer_informed(NOW + timedelta(hours=1), received, NOW)) == {
        "referrer_informed_at"
    }


def test_only_allowed_fields_change() -> None:
    assert rules.check_field_names(["concern"], rules.EDITABLE_FIELDS) == {}
    assert rules.check_field_names(["level", "concern"], rules.EDITABLE_FIELDS) == {
        "level": "'level' cannot be changed here"
    }
