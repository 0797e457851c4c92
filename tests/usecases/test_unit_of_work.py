"""The public unit of work: several acts in one transaction, each at its own instant and name.

Also the rules every path now shares: field lengths and household names refused by the
use-cases, and the import's one-pass check naming every problem at once.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from builders import make_contact
from sqlalchemy import func, select

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.errors import ImportFailed, JustificationRequired, ValidationFailed
from mash_tui.domain.inputs import (
    ChildInput,
    ConsentInput,
    DecisionInput,
    HouseholdInput,
    IntakeInput,
    LevelInput,
)
from mash_tui.domain.states import ContactState
from mash_tui.importer import import_csv
from mash_tui.services import Services
from mash_tui.store.tables import AuditEntry, Child, Contact, HouseholdMember, Transition
from mash_tui.usecases import intake as intake_cases
from mash_tui.usecases import oversight, screening

MINIMAL = "received_at,source_code,referrer_name,concern,child_first_name,child_last_name"


def intake(clock: FrozenClock, **overrides: object) -> IntakeInput:
    values: dict[str, object] = {
        "received_at": clock.now() - timedelta(hours=3),
        "source_code": "2A",
        "concern": "Year 4 pupil arrived with bruising on both arms.",
        "children": [ChildInput("Amy", "Smith", date(2017, 3, 4), gender="F", ethnicity="WBRI")],
        "referrer_name": "Ms Teacher",
    }
    values.update(overrides)
    return IntakeInput(**values)  # type: ignore[arg-type]


def count(services: Services, table: type) -> int:
    with services.read() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_several_acts_at_chosen_instants_in_named_people_s_names(
    services: Services, clock: FrozenClock
) -> None:
    received = clock.now() - timedelta(hours=3)
    with services.unit_of_work() as tx:
        contact = intake_cases.create_contact(tx.at(received), "scr", intake(clock))[0]
        assert contact.id is not None
        # A manager hands it to another screener, who screens it (only its assignee may).
        oversight.reassign(tx.at(received + timedelta(minutes=5)), "mgr", contact.id, 1, "scr2")
        given = ConsentInput("given", "scr", "mother", "phone")
        screening.record_consent(
            tx.at(received + timedelta(minutes=10)), "scr2", contact.id, 2, given
        )
        rationale = LevelInput(3, "Repeated bruising needs an assessment at home.")
        screening.set_level(
            tx.at(received + timedelta(minutes=20)), "scr2", contact.id, 3, rationale
        )
        decision = DecisionInput(
            "assessment_s17", "Unexplained injuries.", "Bruising", "School daily", "Assess", 3
        )
        at = received + timedelta(minutes=30)
        screening.record_decision(tx.at(at), "scr2", contact.id, 4, decision)
        screening.submit(tx, "scr2", contact.id, 5)
        oversight.authorise(tx.at(received + timedelta(hours=1)), "mgr", contact.id, 6)
    stored = services.get(contact.id)
    assert stored.state is ContactState.AUTHORISED
    assert stored.authorised_at == received + timedelta(hours=1)
    assert stored.decided_at == at
    entries = services.history(contact.id)
    assert [(e.action, e.username) for e in entries] == [
        ("create", "scr"),
        ("reassign", "mgr"),
        ("consent", "scr2"),
        ("level", "scr2"),
        ("decision", "scr2"),
        ("submit", "scr2"),
        ("authorise", "mgr"),
    ]
    assert entries[0].at == received and entries[-1].at == received + timedelta(hours=1)
    assert services.verify_audit("mgr").ok


def test_a_refused_act_undoes_the_whole_unit_of_work(
    services: Services, clock: FrozenClock
) -> None:
    before = (count(services, Contact), count(services, AuditEntry))
    with pytest.raises(ValidationFailed), services.unit_of_work() as tx:
        contact = intake_cases.create_contact(tx, "scr", intake(clock))[0]
        assert contact.id is not None
        oversight.return_contact(tx, "mgr", contact.id, None, "no")
    assert (count(services, Contact), count(services, AuditEntry)) == before


def test_return_and_referrer_informed_keep_their_rules_in_a_unit_of_work(
    services: Services, clock: FrozenClock
) -> None:
    contact = services.create_contact("scr", intake(clock))[0]
    assert contact.id is not None
    with pytest.raises(ValidationFailed) as caught, services.unit_of_work() as tx:
        early = contact.received_at - timedelta(hours=1)
        oversight.record_referrer_informed(tx, "scr", contact.id, None, early)
    assert set(caught.value.errors) == {"referrer_informed_at"}


def test_an_over_long_postcode_is_a_field_message_not_a_stored_value(
    services: Services, clock: FrozenClock
) -> None:
    child = ChildInput("Amy", "Smith", date(2017, 3, 4), postcode="AB1 2CD " * 5)
    with pytest.raises(ValidationFailed) as caught:
        services.create_contact("scr", intake(clock, children=[child]))
    assert caught.value.errors == {
        "children[0].postcode": "at most 12 characters here (this has 39)"
    }
    assert count(services, Child) == 0


def test_a_household_member_without_a_name_is_refused_when_the_contact_is_made(
    services: Services, clock: FrozenClock
) -> None:
    members = [HouseholdInput("Bo Smith", "brother"), HouseholdInput("  ", "uncle")]
    with pytest.raises(ValidationFailed) as caught:
        services.create_contact("scr", intake(clock, household=members))
    assert caught.value.errors == {"household[1].name": "give the household member's name"}
    assert (count(services, Contact), count(services, HouseholdMember)) == (0, 0)


def test_the_import_reports_already_there_with_every_other_problem(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "one.csv"
    path.write_text(
        MINIMAL
        + ",child_postcode\n05/11/2026 09:30,1A,Gran Osei,Left alone overnight,Kofi,Osei,\n",
        "utf-8",
    )
    assert import_csv(services, "mgr", path) == 1
    again = tmp_path / "again.csv"
    again.write_text(
        MINIMAL + ",child_postcode\n"
        "05/11/2026 09:30,1A,Gran Osei,Left alone overnight,Kofi,Osei,\n"
        f"05/11/2026 10:30,1A,Gran Osei,Left alone overnight,Ama,Osei,{'X' * 40}\n",
        "utf-8",
    )
    with pytest.raises(ImportFailed) as caught:
        import_csv(services, "mgr", again)
    assert caught.value.problems == [
        (2, "(whole row)", "this contact is already in the database as MASH-0000001"),
        (3, "child_postcode", "at most 12 characters here (this has 40)"),
    ]
    assert count(services, Contact) == 1
    with services.read() as session:
        moves = session.scalars(select(Transition)).all()
    assert moves == []


def test_an_amendment_that_makes_a_mismatch_says_so_in_the_rule_s_words(
    services: Services, clock: FrozenClock
) -> None:
    received = clock.now() - timedelta(hours=5)
    made = make_contact(services, clock, received, authorised=received + timedelta(hours=2))
    contact = services.get(made.id)
    with pytest.raises(JustificationRequired) as caught:
        services.amend(
            "mgr", made.id, contact.version, {"next_step": "nfa"}, "Outcome recorded wrongly."
        )
    assert caught.value.field == "mismatch_justification"
    assert caught.value.message == (
        "Level 3 does not usually lead to 'No further action': justify the decision "
        "(at least 8 words)"
    )
    assert services.get(made.id).next_step == contact.next_step
