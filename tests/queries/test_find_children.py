"""The known-children lookup against a real database (SQLite, or PostgreSQL when
MASH_TUI_TEST_POSTGRES_URL is set): both compare the stored keys alike."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, inspect, text

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.domain.matching import child_keys
from mash_tui.services import Services
from mash_tui.store.engine import make_engine, upgrade

BORN = date(2017, 4, 3)


def record(services: Services, clock: FrozenClock, *children: ChildInput) -> list[int]:
    made = []
    for number, child in enumerate(children):
        [contact] = services.create_contact(
            "scr",
            IntakeInput(
                received_at=clock.now() - timedelta(days=30, hours=number),
                source_code="2A",
                concern=f"Concern number {number} raised by the school.",
                children=[child],
                referrer_name="Jo Teacher",
            ),
        )
        made.append(int(contact.child_id))
    return made


def found(services: Services, *args: object) -> list[tuple[int, str]]:
    return [(int(m.child.id or 0), m.reason) for m in services.find_children(*args)]  # type: ignore[arg-type]


def test_zoe_is_found_typed_exactly_without_accents_and_in_another_case(
    services: Services, clock: FrozenClock
) -> None:
    zoe, _ = record(
        services,
        clock,
        ChildInput("Zoë", "Łukasiewicz-Ó Súilleabháin", BORN),
        ChildInput("Zoe", "Lucas", date(2016, 2, 2)),
    )
    for first, last in [
        ("Zoë", "Łukasiewicz-Ó Súilleabháin"),
        ("zoe", "lukasiewicz-o suilleabhain"),
        ("ZOË", "ŁUKASIEWICZ-Ó SÚILLEABHÁIN"),
        ("Zoe", "O Suilleabhain"),
    ]:
        result = found(services, first, last, BORN)
        assert result[0][0] == zoe, (first, last)
    [(child, reason)] = found(services, "Zoë", "Łukasiewicz-Ó Súilleabháin", BORN)
    assert (child, reason) == (zoe, "same date of birth, same first name, same surname")


def test_prefix_sound_typo_surname_change_nhs_and_postcode(
    services: Services, clock: FrozenClock
) -> None:
    hughes, smith, okafor = record(
        services,
        clock,
        ChildInput("Tom", "Hughes", date(2015, 6, 1)),
        ChildInput("Amelia", "Smith", date(2014, 1, 9), postcode="MT4 2CD"),
        ChildInput("Amy", "Okafor", date(2019, 3, 3), nhs_number="9434765919"),
    )
    assert found(services, "Tom", "Hugh")[0] == (
        hughes,
        "same first name, surname starts with the letters typed",
    )
    assert found(services, "Amelia", "Smyth")[0] == (
        smith,
        "same first name, surname sounds the same",
    )
    assert found(services, "Tom", "Hufhes")[0] == (hughes, "same first name, similar surname")
    assert found(services, "Amelia", "Jones", date(2014, 1, 9))[0] == (
        smith,
        "same date of birth, same first name but a different surname",
    )
    assert found(services, "", "", None, "943 476 5919") == [(okafor, "same NHS number")]
    assert found(services, "Amelia", "", None, "", "mt42cd") == [
        (smith, "same first name, same postcode")
    ]
    assert found(services, "Jane", "Doe", date(2010, 1, 1)) == []


def test_the_lookup_uses_the_key_indexes(engine: Engine) -> None:
    names = {ix["name"] for ix in inspect(engine).get_indexes("children")}
    assert {
        "ix_children_last_key",
        "ix_children_first_key",
        "ix_children_sound",
        "ix_children_dob_first",
        "ix_children_postcode_key",
    } <= names
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            plan = " ".join(
                str(row[-1])
                for row in conn.execute(
                    text(
                        "EXPLAIN QUERY PLAN SELECT id FROM children "
                        "WHERE last_key >= 'hugh' AND last_key < 'hugh~'"
                    )
                )
            )
        assert "ix_children_last_key" in plan


def test_upgrading_keys_the_children_already_recorded(
    database_url: str, clock: FrozenClock
) -> None:
    eng = make_engine(database_url)
    try:
        upgrade(eng, "0005")
        with eng.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO children (unique_id, first_name, last_name, unborn, gender, "
                    "ethnicity, address, postcode, school, nhs_number, upn, created_at) VALUES "
                    "('CH0000001', 'Zoë', 'Łukasiewicz-Ó Súilleabháin', false, 'F', 'NOBT', '', "
                    "'mt1 1ab', '', '', '', :at)"
                ),
                {"at": clock.now()},
            )
        upgrade(eng)
        with eng.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT first_key, last_key, last_tail_key, first_sound, last_sound, "
                    "postcode_key FROM children"
                )
            ).one()
        keys = child_keys("Zoë", "Łukasiewicz-Ó Súilleabháin", "mt1 1ab")
        assert tuple(row) == tuple(keys.values())
    finally:
        eng.dispose()
