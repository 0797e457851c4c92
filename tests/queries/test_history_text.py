"""The change history in plain English: labels, UK local times, names and code words."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from builders import OVERRIDE_RATIONALE, make_contact, utc
from mash_tui.screens.manager_detail import ManagerDetailScreen
from ui_support import make_app, settle

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.levels import NEXT_STEPS
from mash_tui.queries.history_text import (
    Change,
    action_label,
    code_label,
    describe_changes,
    field_label,
    show_value,
)
from mash_tui.services import Services

NAMES = {1: "Mary Manager", 2: "Sam Screener", 3: "Priya Screener"}


def lines(before: Mapping[str, object] | None, after: Mapping[str, object] | None) -> list[str]:
    """The lines a manager reads for one audit entry, with the app's names and next steps."""
    changes = describe_changes(before, after, user_names=NAMES, next_steps=NEXT_STEPS)
    return [change.line for change in changes]


def test_a_state_move_reads_as_the_state_names_and_a_local_time() -> None:
    assert lines(
        {"state": "screening", "submitted_at": None},
        {"state": "awaiting_authorisation", "submitted_at": "2026-11-24T09:51:24.192213+00:00"},
    ) == ["State: screening → with manager", "Submitted: 24/11/2026 09:51"]


def test_a_reassignment_names_both_screeners_and_falls_back_to_the_user_number() -> None:
    assert lines({"assigned_to_id": 2}, {"assigned_to_id": 3}) == [
        "Screener: Sam Screener → Priya Screener"
    ]
    assert lines({"assigned_to_id": 2}, {"assigned_to_id": 9}) == [
        "Screener: Sam Screener → user #9"
    ]


def test_a_decision_shows_bst_as_local_summer_time_and_names_the_next_step() -> None:
    before = {"next_step": None, "analysis": "", "decided_at": None, "decided_by_id": None}
    after = {
        "next_step": "assessment_s17",
        "analysis": "Bruising seen twice this term.",
        "decided_at": "2026-07-01T08:30:00+00:00",
        "decided_by_id": 2,
    }
    assert lines(before, after) == [
        "Next step: Child and family assessment (s17)",
        "Analysis: Bruising seen twice this term.",
        "Decided: 01/07/2026 09:30",
        "Decided by: Sam Screener",
    ]


def test_a_decision_time_in_winter_is_shown_as_gmt() -> None:
    assert lines({"decided_at": None}, {"decided_at": "2026-01-15T23:30:00+00:00"}) == [
        "Decided: 15/01/2026 23:30"
    ]
    # The night the clocks go back: 00:30 UTC is still 01:30 BST.
    assert lines({"decided_at": None}, {"decided_at": "2026-10-25T00:30:00+00:00"}) == [
        "Decided: 25/10/2026 01:30"
    ]


def test_consent_and_its_override_read_as_words() -> None:
    before = {
        "consent_outcome": None,
        "consent_recorded_at": None,
        "override_grounds": "",
        "override_lawful_basis": "",
    }
    after = {
        "consent_outcome": "not_sought",
        "consent_recorded_at": "2026-11-18T12:00:00+00:00",
        "override_grounds": "Risk of significant harm to the child",
        "override_lawful_basis": "Children Act 1989 s47",
    }
    assert lines(before, after) == [
        "Consent: Not sought",
        "Consent recorded: 18/11/2026 12:00",
        "Override grounds: Risk of significant harm to the child",
        "Lawful basis: Children Act 1989 s47",
    ]
    assert lines(
        {"override_authorised_by_id": None, "override_authorised_at": None},
        {"override_authorised_by_id": 1, "override_authorised_at": "2026-06-01T11:00:00+00:00"},
    ) == ["Override authorised by: Mary Manager", "Override authorised: 01/06/2026 12:00"]


def test_unknown_fields_fall_back_to_readable_labels_and_values() -> None:
    assert field_label("escalation_route") == "Escalation route"
    assert lines(
        {"escalation_route": "", "escalated_at": None, "checked_by_id": None},
        {
            "escalation_route": "duty_team",
            "escalated_at": "2026-11-24T09:51:00+00:00",
            "checked_by_id": 3,
        },
    ) == [
        "Escalation route: duty_team",
        "Escalated: 24/11/2026 09:51",
        "Checked by: Priya Screener",
    ]


def test_fields_blank_on_both_sides_and_bookkeeping_are_left_out() -> None:
    created = {
        "id": 4,
        "version": 1,
        "is_open": True,
        "child_id": 4,
        "reference": "MASH-0000004",
        "referrer_phone": "",
        "factors": [],
        "consent_outcome": None,
        "level": None,
    }
    assert lines(None, created) == ["Reference: MASH-0000004"]
    assert (
        lines({"analysis": "", "authorised_at": None}, {"analysis": " ", "authorised_at": None})
        == []
    )


def test_a_cleared_value_says_so_and_typed_text_is_kept_as_typed() -> None:
    assert lines({"referrer_email": "a@b.org"}, {"referrer_email": ""}) == [
        "Referrer's email: a@b.org → (blank)"
    ]
    assert lines({"concern": "Old [b]words[/b]"}, {"concern": "New [red]words[/]"}) == [
        "Concern: Old [b]words[/b] → New [red]words[/]"
    ]


def test_two_times_in_the_same_minute_show_their_seconds() -> None:
    assert lines(
        {"referrer_informed_at": "2026-11-24T09:51:10+00:00"},
        {"referrer_informed_at": "2026-11-24T09:51:40+00:00"},
    ) == ["Referrer told: 24/11/2026 09:51:10 → 24/11/2026 09:51:40"]


def test_codes_read_as_their_words_with_the_code_in_brackets() -> None:
    assert code_label("genders", "M") == "Male (M)"
    assert code_label("ethnicities", "WBRI") == "White - British (WBRI)"
    assert code_label("factors", "not_a_factor") == "not_a_factor"
    assert show_value("factors", ["domestic_abuse", "neglect"]) == "Domestic abuse, Neglect"
    assert lines({"priority": "amber"}, {"priority": "red"}) == ["RAG: Amber → Red"]


def test_actions_read_as_what_happened() -> None:
    assert action_label("submit") == "Sent for authorisation"
    assert action_label("create", "household_member") == "Added household member"
    assert action_label("create", "contact") == "Created"
    assert action_label("escalate_to_duty") == "Escalate to duty"


def test_a_change_keeps_its_field_name_for_callers() -> None:
    (change,) = describe_changes({"next_step": "nfa"}, {"next_step": "early_help"})
    assert change == Change("next_step", "Next step", "nfa", "early help")


@pytest.mark.parametrize("size", [(80, 24), (130, 36)])
async def test_the_detail_screen_shows_whole_history_entries_in_words(
    services: Services, clock: FrozenClock, size: tuple[int, int]
) -> None:
    made = make_contact(services, clock, utc(2026, 7, 1, 8, 30), consent="refused", step=None)
    contact = services.get(made.id)
    services.update_contact(
        "scr",
        made.id,
        contact.version,
        {"referrer_name": "[b]Kim[/b]", "factors": ["domestic_abuse", "neglect"]},
    )
    app = make_app(services, login="mgr")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(ManagerDetailScreen(made.id))
        await settle(pilot)
        heads = [str(w.render()) for w in app.screen.query("#md-history > .md-when")]
        assert heads == [
            "01/07/2026 09:30:00  Created  by scr",
            "01/07/2026 09:30:00  Consent recorded  by scr",
            "01/07/2026 09:30:00  Consent override authorised  by mgr",
            "01/07/2026 09:30:00  Edited  by scr",
        ]
        blocks = list(app.screen.query("#md-history > .md-what"))
        consent = str(blocks[1].render())
        assert "Consent: Refused\n" in consent
        assert f"Override rationale: {OVERRIDE_RATIONALE}" in consent
        # The long rationale wraps onto more lines instead of being cut off.
        width = blocks[1].content_region.width
        assert width < size[0]
        lines_needed = sum(-(-len(line) // width) for line in consent.splitlines())
        assert blocks[1].size.height >= lines_needed > len(consent.splitlines())
        assert str(blocks[2].render()) == (
            "Override authorised by: Mary Manager\nOverride authorised: 01/07/2026 09:30"
        )
        assert str(blocks[3].render()) == (
            "Factors: Domestic abuse, Neglect\nReferrer: A Referrer → [b]Kim[/b]"
        )
        referrer = str(app.screen.query_one("#md-referrer").render())
        assert "Referrer: [b]Kim[/b]\n" in referrer
        assert "Factors: Domestic abuse, Neglect\n" in referrer
        child = str(app.screen.query_one("#md-child").render())
        assert child.endswith("Gender: Female (F)\nEthnicity: White - British (WBRI)")
