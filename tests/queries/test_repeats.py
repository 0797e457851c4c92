"""The repeat-contact flag on the screener's list and the contact's header counts what
the manager's detail lists as earlier contacts within 12 months (one rule)."""

from __future__ import annotations

from datetime import timedelta

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.services import Services


def log(services: Services, clock: FrozenClock, child: ChildInput, days_ago: float) -> int:
    [contact] = services.create_contact(
        "scr",
        IntakeInput(
            received_at=clock.now() - timedelta(days=days_ago),
            source_code="2A",
            concern=f"A concern raised by the school {days_ago} days ago.",
            children=[child],
            referrer_name="Jo Teacher",
        ),
    )
    assert contact.id is not None
    return contact.id


def test_repeats_count_earlier_contacts_in_the_year_before_each_contact(
    services: Services, clock: FrozenClock
) -> None:
    oldest = log(services, clock, ChildInput("Ada", "Lovelace"), 500)
    child_id = services.get(oldest).child_id
    same = ChildInput("x", "x", existing_child_id=child_id)
    middle = log(services, clock, same, 40)
    newest = log(services, clock, same, 0.1)
    other = log(services, clock, ChildInput("Zoë", "Nowak"), 1)
    # 460 days before the middle contact is outside its year; the newest has the middle one.
    rows = {row.id: row.repeats for row in services.queue(assigned_to="scr", repeats=True)}
    assert rows == {oldest: 0, middle: 0, newest: 1, other: 0}
    assert all(row.repeats == 0 for row in services.queue(assigned_to="scr"))  # not asked
    for contact_id in (oldest, middle, newest, other):
        detail = services.detail(contact_id)
        received = detail.contact.received_at
        earlier = services.earlier_contacts(
            [detail.contact.child_id], exclude_contact_id=contact_id, at=received
        )
        listed = [e for e in earlier if e.received_at <= received and e.within_12_months]
        assert detail.repeats == len(listed) == rows[contact_id]
