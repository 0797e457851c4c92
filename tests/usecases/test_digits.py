"""Digits typed in any script are checked, stored and found as one value."""

from __future__ import annotations

from datetime import timedelta

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.domain.normal import ascii_digits
from mash_tui.services import Services

TYPED = [
    "943 476 5919",
    "９４３ ４７６ ５９１９",
    "٩٤٣ ٤٧٦ ٥٩١٩",
]  # ASCII, full-width, Arabic-Indic


def test_ascii_digits_folds_every_script() -> None:
    assert {ascii_digits(text) for text in TYPED} == {"943 476 5919"}
    assert ascii_digits("Zoë 12") == "Zoë 12"


def test_one_nhs_number_typed_three_ways_is_one_stored_form(
    services: Services, clock: FrozenClock
) -> None:
    for index, typed in enumerate(TYPED):
        services.create_contact(
            "scr",
            IntakeInput(
                received_at=clock.now() - timedelta(hours=1 + index),
                referrer_name="Jo Teacher",
                source_code="2A",
                concern=f"Concern number {index}.",
                children=[ChildInput(f"Child{index}", "Same", None, nhs_number=typed)],
            ),
        )
    found = services.find_children("", "", None, "9434765919")
    assert len(found) == 3
    assert {match.child.nhs_number for match in found} == {"9434765919"}
    assert len(services.find_children("", "", None, TYPED[2])) == 3
