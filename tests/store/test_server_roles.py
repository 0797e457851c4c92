"""On a shared PostgreSQL database the server itself knows who is acting and refuses what
their role may not do: each person connects with their own login role, and plain SQL with
a screener's or a manager's own credentials is refused by PostgreSQL, not only by the app.

Runs only on the PostgreSQL pass (MASH_TUI_TEST_POSTGRES_URL). Login roles are named after
the test's own database so that tests running side by side never share a person.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import PG_ENV
from sqlalchemy.exc import DBAPIError

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import (
    ChildInput,
    ConsentInput,
    DecisionInput,
    IntakeInput,
    LevelInput,
)
from mash_tui.runtime import Runtime
from mash_tui.services import Services
from mash_tui.store.pg_roles import apply, group_roles_sql, person_sql

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason="needs PostgreSQL")

RATIONALE = "Seeking consent would place the child at risk of significant harm today."


@dataclass
class Team:
    url: str
    dba: str
    clock: FrozenClock
    services: dict[str, Services]
    logins: dict[str, str]
    ids: dict[str, int]

    def url_for(self, name: str) -> str:
        return sa.engine.make_url(self.url).set(username=self.logins[name]).render_as_string(False)

    def sql(self, name: str, statement: str, **params: Any) -> None:
        """Run one statement with this person's own credentials, in its own transaction."""
        with self.services[name].engine.begin() as conn:
            conn.execute(sa.text(statement), params)

    def refused(self, name: str, statement: str, **params: Any) -> str:
        """The server's refusal of a statement run with this person's credentials."""
        with pytest.raises(DBAPIError) as caught:
            self.sql(name, statement, **params)
        assert getattr(caught.value.orig, "sqlstate", None) == "42501", caught.value
        return str(caught.value.orig).splitlines()[0]


PEOPLE = {"sam": "screener", "kim": "screener", "lead": "manager", "boss": "admin"}


@pytest.fixture
def team(database_url: str, clock: FrozenClock) -> Iterator[Team]:
    owner = Runtime(database_url, clock=clock)
    engine = owner.engine()  # an empty database: migrated to head here
    database = str(engine.url.database)
    apply(engine, group_roles_sql(database))
    with engine.connect() as conn:
        dba = str(conn.execute(sa.text("SELECT session_user")).scalar_one())
    base = owner.services()
    base.add_user(None, dba, "IT DBA", "admin")
    logins = {name: f"{database}_{name}" for name in PEOPLE}
    for name, role in PEOPLE.items():
        apply(engine, person_sql(logins[name], role))
        base.add_user(dba, name, name.title(), role, db_login=logins[name])
    ids = {u.username: u.id for u in base.list_users() if u.id is not None}
    services: dict[str, Services] = {}
    made = Team(database_url, dba, clock, services, logins, ids)
    for name in PEOPLE:
        services[name] = Runtime(made.url_for(name), clock=clock).services()
    try:
        yield made
    finally:
        for s in services.values():
            s.engine.dispose()
        engine.dispose()
        with sa.create_engine(os.environ[PG_ENV], isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            for login in logins.values():
                c.execute(sa.text(f'DROP ROLE IF EXISTS "{login}"'))


def open_contact(team: Team, who: str, *, consent: str = "given") -> int:
    """A contact typed, consented and decided by `who` through the app's own services."""
    s = team.services[who]
    intake = IntakeInput(
        received_at=team.clock.now() - timedelta(hours=1),
        source_code="2A",
        concern="Worry reported about the child's care at home.",
        children=[ChildInput("Amy", "Smith", date(2016, 5, 4), gender="F")],
        referrer_name="A Referrer",
    )
    c = s.create_contact(who, intake)[0]
    contact_id = c.id
    assert contact_id is not None
    if consent == "given":
        s.record_consent(who, contact_id, c.version, ConsentInput("given", who, "parent", "phone"))
    else:
        override = ConsentInput(
            "not_sought",
            grounds="Risk of significant harm",
            lawful_basis="CA 1989 s47",
            rationale=RATIONALE,
        )
        s.record_consent(who, contact_id, c.version, override)
    return contact_id


def decide(team: Team, who: str, contact_id: int) -> None:
    s = team.services[who]
    c = s.get(contact_id)
    c = s.set_level(who, contact_id, c.version, LevelInput(3, "The level 3 descriptors fit."))
    c = s.record_decision(
        who,
        contact_id,
        c.version,
        DecisionInput("assessment_s17", "Analysis.", "Worry.", "Strengths.", "Plan.", 5),
    )
    s.submit(who, contact_id, c.version)


def test_the_app_works_for_each_person_under_the_servers_rules(team: Team) -> None:
    ref = open_contact(team, "sam")
    decide(team, "sam", ref)
    lead = team.services["lead"]
    lead.authorise("lead", ref, lead.get(ref).version)
    assert lead.get(ref).state == "authorised"
    override = open_contact(team, "kim", consent="not_sought")
    lead.authorise_override("lead", override, lead.get(override).version)
    assert team.services["boss"].verify_audit("boss").ok


def test_a_screener_cannot_authorise_return_or_approve_with_plain_sql(team: Team) -> None:
    mine = open_contact(team, "sam", consent="not_sought")
    decide_later = open_contact(team, "sam")
    decide(team, "sam", decide_later)
    for state in ("authorised", "returned"):
        message = team.refused(
            "sam", "UPDATE contacts SET state = :s WHERE id = :i", s=state, i=decide_later
        )
        assert "only a manager may authorise or return" in message
    message = team.refused(
        "sam",
        "UPDATE contacts SET override_authorised_by_id = :me WHERE id = :i",
        me=team.ids["sam"],
        i=mine,
    )
    assert "only a manager may approve a consent override" in message
    team.refused(
        "sam",
        "INSERT INTO transitions (contact_id, from_state, to_state, at, by_id, comment) "
        "VALUES (:i, 'awaiting_authorisation', 'authorised', now(), :me, '')",
        i=decide_later,
        me=team.ids["sam"],
    )


def test_nobody_but_a_manager_changes_an_authorised_contact(team: Team) -> None:
    ref = open_contact(team, "sam")
    decide(team, "sam", ref)
    team.services["lead"].authorise("lead", ref, team.services["lead"].get(ref).version)
    message = team.refused("sam", "UPDATE contacts SET level = 1 WHERE id = :i", i=ref)
    assert "only a manager may change an authorised contact" in message
    team.refused(
        "sam",
        "INSERT INTO household_members (contact_id, name, relationship, notes) "
        "VALUES (:i, 'X', '', '')",
        i=ref,
    )
    team.sql("lead", "UPDATE contacts SET level_rationale = 'amended' WHERE id = :i", i=ref)


def test_a_screener_cannot_touch_a_contact_assigned_to_someone_else(team: Team) -> None:
    kims = open_contact(team, "kim")
    message = team.refused("sam", "UPDATE contacts SET concern = 'x' WHERE id = :i", i=kims)
    assert "assigned to someone else" in message
    team.sql(
        "kim",
        "INSERT INTO household_members (contact_id, name, relationship, notes) "
        "VALUES (:i, 'Mum', 'mother', '')",
        i=kims,
    )
    team.refused("sam", "DELETE FROM household_members WHERE contact_id = :i", i=kims)
    team.refused(
        "sam",
        "INSERT INTO partner_checks (contact_id, checked_at, agency, requested, shared, purpose, "
        "recorded_by_id) VALUES (:i, now(), 'police', 'r', '', 'p', :me)",
        i=kims,
        me=team.ids["sam"],
    )
    team.refused(
        "sam", "UPDATE contacts SET assigned_to_id = :me WHERE id = :i", me=team.ids["sam"], i=kims
    )
    team.refused("sam", "DELETE FROM contacts WHERE id = :i", i=kims)
    # and the same through the app's services is refused too (by the app first)
    with pytest.raises(Exception, match="assigned"):
        s = team.services["sam"]
        s.update_contact("sam", kims, s.get(kims).version, {"concern": "changed"})


def test_nobody_writes_in_another_persons_name(team: Team) -> None:
    mine = open_contact(team, "sam")
    team.refused(
        "sam", "UPDATE contacts SET decided_by_id = :k WHERE id = :i", k=team.ids["kim"], i=mine
    )
    team.refused(
        "sam",
        "INSERT INTO partner_checks (contact_id, checked_at, agency, requested, shared, purpose, "
        "recorded_by_id) VALUES (:i, now(), 'police', 'r', '', 'p', :k)",
        i=mine,
        k=team.ids["kim"],
    )
    team.refused(
        "sam",
        "INSERT INTO drafts (user_id, kind, payload, updated_at) "
        "VALUES (:k, 'intake', '{}', now())",
        k=team.ids["kim"],
    )


def test_users_and_roles_are_changed_only_by_who_may(team: Team) -> None:
    message = team.refused("sam", "UPDATE users SET role = 'manager' WHERE username = 'sam'")
    assert "permission denied for table users" in message  # screeners are not granted it
    team.refused(
        "sam",
        "INSERT INTO users (username, display_name, role, active, created_at, created_by, "
        "db_login) VALUES ('eve', 'Eve', 'admin', true, now(), 'sam', '')",
    )
    # A manager may add a screener, as in the app, but not make anyone an admin.
    message = team.refused("lead", "UPDATE users SET role = 'admin' WHERE username = 'lead'")
    assert "only an admin may make or change an admin" in message
    team.refused("lead", "DELETE FROM users WHERE username = 'kim'")
    team.refused("lead", "UPDATE users SET active = false WHERE username = 'boss'")
    team.sql("boss", "UPDATE users SET display_name = 'Kim K' WHERE username = 'kim'")


def test_the_audit_trail_is_append_only_in_each_persons_own_name(team: Team) -> None:
    open_contact(team, "sam")
    for statement in (
        "UPDATE audit_log SET reason = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        team.refused("sam", statement)
    head = "(SELECT max(id) FROM audit_log)"
    forged = (
        "INSERT INTO audit_log (id, at, username, action, entity, entity_id, reason, prev_hash, hash) "
        f"SELECT {head} + 1, now(), :u, 'authorise', 'contact', '1', '', "
        f"(SELECT hash FROM audit_log WHERE id = {head}), 'f'"
    )
    message = team.refused("sam", forged, u="lead")
    assert "in another person's name" in message
    out_of_chain = forged.replace(f"{head} + 1", f"{head} + 5")
    message = team.refused("sam", out_of_chain, u="sam")
    assert "does not extend the chain" in message


def test_identity_on_postgresql_is_the_servers_not_an_environment_variable(
    team: Team, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MASH_TUI_DATABASE_URL", team.url_for("sam"))
    monkeypatch.setenv("MASH_TUI_USER", "lead")
    assert main(["users", "add", "eve", "--role", "manager"]) == 1
    err = capsys.readouterr().err
    assert "MASH_TUI_USER is not used on a shared PostgreSQL database" in err
    assert err.count("\n") == 1
    monkeypatch.delenv("MASH_TUI_USER")
    assert main(["users", "add", "eve", "--role", "manager"]) == 1  # sam is a screener
    assert "you are a screener" in capsys.readouterr().err
    monkeypatch.setenv("MASH_TUI_DATABASE_URL", team.url_for("lead"))
    assert main(["users", "list"]) == 0
    assert Runtime(team.url_for("lead")).acting_login() == "lead"


def owner_sql(team: Team, *statements: str) -> None:
    """The owner (here a superuser) working behind everyone's back."""
    engine = sa.create_engine(team.url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_every_row_change_is_recorded_by_the_database_with_the_login(team: Team) -> None:
    mine = open_contact(team, "sam")
    team.sql("sam", "UPDATE contacts SET concern = 'typed in psql' WHERE id = :i", i=mine)
    with team.services["boss"].engine.connect() as conn:
        login, op, body = conn.execute(
            sa.text(
                "SELECT db_login, op, body FROM row_changes WHERE tbl = 'contacts' "
                "AND row_id = :i ORDER BY id DESC LIMIT 1"
            ),
            {"i": str(mine)},
        ).one()
    change = json.loads(body)
    assert (login, op) == (team.logins["sam"], "UPDATE")
    assert change["after"]["concern"] == "typed in psql"
    assert change["before"]["concern"] != "typed in psql"
    # The row trail agrees with the rows; the app's own trail names what went around it.
    result = team.services["boss"].verify_audit("boss")
    assert not result.ok
    assert result.message.endswith("differs from its audit trail: concern")
    team.refused("sam", "DELETE FROM row_changes")
    team.refused(
        "sam",
        "INSERT INTO row_changes (at, db_login, tbl, op, row_id, body, prev_hash, hash) "
        "VALUES (now(), 'x', 'contacts', 'UPDATE', '1', '{}', '', '')",
    )


def test_a_change_with_the_row_triggers_dropped_is_named_by_verify(team: Team) -> None:
    ref = open_contact(team, "sam")
    reference = team.services["sam"].get(ref).reference
    assert team.services["boss"].verify_audit("boss").ok
    owner_sql(
        team,
        "ALTER TABLE contacts DISABLE TRIGGER contacts_row_changes",
        f"UPDATE contacts SET state = 'authorised' WHERE id = {ref}",
        "ALTER TABLE contacts ENABLE TRIGGER contacts_row_changes",
    )
    result = team.services["boss"].verify_audit("boss")
    assert (result.ok, result.message) == (
        False,
        f"{reference} differs from its audit trail: state",
    )


def test_a_rewritten_row_change_breaks_its_chain(team: Team) -> None:
    open_contact(team, "sam")
    owner_sql(
        team,
        "ALTER TABLE row_changes DISABLE TRIGGER row_changes_no_change",
        "UPDATE row_changes SET body = replace(body, 'Amy', 'Ann') WHERE id = "
        "(SELECT min(id) FROM row_changes WHERE tbl = 'children')",
    )
    result = team.services["boss"].verify_audit("boss")
    assert not result.ok
    assert result.message.startswith("row change ") and result.message.endswith(" was altered")
