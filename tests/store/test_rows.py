"""Rows built for bulk runs are the same rows the model's constructor builds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mash_tui.domain.states import ContactState
from mash_tui.store.tables import Contact, new_row

AT = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
VALUES: dict[str, Any] = {
    "id": 7,
    "reference": "MASH-0000007",
    "state": ContactState.SCREENING,
    "is_open": True,
    "child_id": 3,
    "received_at": AT,
    "entered_at": AT,
    "entered_by_id": 1,
    "referrer_name": "A Referrer",
    "source_code": "2A",
    "concern": "Worry reported about the child's care at home.",
    "factors": ["neglect"],
    "priority": "amber",
    "deadline_at": AT,
    "updated_at": AT,
}


def _columns(row: Contact) -> dict[str, Any]:
    return {k: v for k, v in row.__dict__.items() if not k.startswith("_sa_")}


def test_new_row_matches_the_constructor_and_tracks_later_changes() -> None:
    fast = new_row(Contact, **VALUES)
    assert _columns(fast) == _columns(Contact(**VALUES))
    assert fast.version == 1 and fast.analysis == ""
    fast.analysis = "Seen by the school nurse."
    assert fast.analysis == "Seen by the school nurse."


def test_new_row_refuses_a_missing_or_unknown_field() -> None:
    with pytest.raises(TypeError, match="needs reference"):
        new_row(Contact, **{k: v for k, v in VALUES.items() if k != "reference"})
    with pytest.raises(TypeError, match="has no field colour"):
        new_row(Contact, **VALUES, colour="red")
