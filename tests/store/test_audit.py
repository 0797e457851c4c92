"""The audit trail: who changed what and when, and proof that nobody rewrote it afterwards.

Tampering is done the way an insider would: SQL straight into the database, behind the
service layer's back. `mash-tui audit verify` must then name the first broken entry.
"""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select
from team_support import authorised, cid, create, decided, drop_audit_guard, sql, submitted

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.services import Services
from mash_tui.store.audit import audit_hash
from mash_tui.store.tables import AuditEntry, User


def entries(services: Services) -> list[AuditEntry]:
    with services.read() as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all())


def last(services: Services, action: str) -> AuditEntry:
    return [e for e in entries(services) if e.action == action][-1]


def user_id(services: Services, username: str) -> int:
    with services.read() as session:
        user = session.exec(select(User).where(User.username == username)).one()
    assert user.id is not None
    return user.id


def set_json(services: Services, entry_id: int, column: str, value: Any) -> None:
    """Overwrite a JSON column of one audit row with SQL (PostgreSQL needs the cast)."""
    param = "CAST(:v AS JSON)" if services.engine.dialect.name == "postgresql" else ":v"
    sql(
        services,
        f"UPDATE audit_log SET {column} = {param} WHERE id = :n",
        v=json.dumps(value),
        n=entry_id,
    )


def verify_cli(
    url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MASH_TUI_USER", "mgr")  # verifying the trail is a manager's job
        code = main(["--database", url, "audit", "verify"], clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def busy(services: Services, clock: FrozenClock) -> Services:
    """A database with a few contacts at different stages and a healthy chain."""
    authorised(services)
    c = submitted(services)
    services.return_contact("mgr", cid(c), c.version, "add what the father said")
    d = create(services, "scr2")
    services.reassign("mgr", cid(d), d.version, "scr")
    clock.advance(timedelta(minutes=7))
    services.record_export("mgr", "annex_a", {"rows": 3, "period": "2026-11"})
    assert services.verify_audit("mgr").ok
    return services


# ---------------------------------------------------------------- what is recorded
def test_every_kind_of_change_is_recorded(busy: Services) -> None:
    actions = {e.action for e in entries(busy)}
    assert {
        "create",
        "consent",
        "level",
        "decision",
        "submit",
        "authorise",
        "return",
        "reassign",
        "export",
    } <= actions


def test_creation_records_the_whole_contact(services: Services, clock: FrozenClock) -> None:
    c = create(services, "scr2")
    entry = [e for e in entries(services) if e.entity == "contact"][-1]
    assert (entry.username, entry.action, entry.at) == ("scr2", "create", clock.now())
    assert entry.contact_id == c.id and entry.entity_id == str(c.id)
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["reference"] == c.reference
    assert entry.after["concern"] == c.concern
    assert entry.after["received_at"] == c.received_at.isoformat()


def test_update_records_only_what_changed_before_and_after(
    services: Services, clock: FrozenClock
) -> None:
    c = create(services, "scr2")
    old_deadline = c.deadline_at
    clock.advance(timedelta(minutes=3))
    c = services.update_contact(
        "scr2", cid(c), c.version, {"priority": "red", "referrer_name": "Ms Head"}
    )
    entry = last(services, "update")
    assert (entry.username, entry.at, entry.contact_id) == ("scr2", clock.now(), c.id)
    # The referrer name did not change, so it is not in the entry.
    assert entry.before == {"priority": "amber", "deadline_at": old_deadline.isoformat()}
    assert entry.after == {"priority": "red", "deadline_at": c.deadline_at.isoformat()}


def test_authorisation_records_who_when_and_the_comment(
    services: Services, clock: FrozenClock
) -> None:
    c = submitted(services)
    clock.advance(timedelta(hours=2))
    c = services.authorise("mgr", cid(c), c.version, "  agreed: early help  ")
    entry = last(services, "authorise")
    assert (entry.username, entry.at, entry.reason) == ("mgr", clock.now(), "agreed: early help")
    assert entry.before == {
        "state": "awaiting_authorisation",
        "is_open": True,
        "authorised_at": None,
        "authorised_by_id": None,
        "authorisation_note": "",
    }
    assert entry.after == {
        "state": "authorised",
        "is_open": False,
        "authorised_at": clock.now().isoformat(),
        "authorised_by_id": user_id(services, "mgr"),
        "authorisation_note": "agreed: early help",
    }


def test_return_records_the_comment(services: Services) -> None:
    c = submitted(services)
    services.return_contact("admin", cid(c), c.version, "Say what the child told the teacher.")
    entry = last(services, "return")
    assert entry.username == "admin"
    assert entry.reason == "Say what the child told the teacher."
    assert entry.before == {"state": "awaiting_authorisation", "return_comment": ""}
    assert entry.after == {
        "state": "returned",
        "return_comment": "Say what the child told the teacher.",
    }


def test_reassignment_records_from_whom_to_whom(services: Services) -> None:
    c = create(services, "scr")
    services.reassign("mgr", cid(c), c.version, "scr2")
    entry = last(services, "reassign")
    assert entry.username == "mgr"
    assert entry.before == {"assigned_to_id": user_id(services, "scr")}
    assert entry.after == {"assigned_to_id": user_id(services, "scr2")}


def test_override_approval_and_amendment_are_recorded(services: Services) -> None:
    c = decided(services, refused=True)
    approval = last(services, "authorise_override")
    assert approval.username == "mgr"
    assert approval.before == {"override_authorised_by_id": None, "override_authorised_at": None}
    assert approval.after is not None
    assert approval.after["override_authorised_by_id"] == user_id(services, "mgr")
    c = services.submit("scr", cid(c), c.version)
    c = services.authorise("mgr", cid(c), c.version)
    services.amend("mgr", cid(c), c.version, {"sos_scale": 4}, "scale was mistyped as 6")
    amendment = last(services, "amend")
    assert amendment.reason == "scale was mistyped as 6"
    assert (amendment.before, amendment.after) == ({"sos_scale": 6}, {"sos_scale": 4})


def test_export_is_recorded(busy: Services, clock: FrozenClock) -> None:
    entry = last(busy, "export")
    assert (entry.username, entry.entity, entry.at) == ("mgr", "annex_a", clock.now())
    assert entry.id is not None
    [before] = [e for e in entries(busy) if e.id == entry.id - 1]
    assert entry.after == {
        "rows": 3,
        "period": "2026-11",
        "audit_head": {"id": before.id, "hash": before.hash},  # the head it was made at
    }


def test_entries_are_chained(busy: Services) -> None:
    chain = entries(busy)
    assert [e.id for e in chain] == list(range(1, len(chain) + 1))
    assert chain[0].prev_hash == ""
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
        assert after.hash == audit_hash(after)


def test_history_of_a_contact_is_in_order(services: Services) -> None:
    c = authorised(services)
    assert [e.action for e in services.history(cid(c))] == [
        "create",
        "consent",
        "level",
        "decision",
        "submit",
        "authorise",
    ]


# ---------------------------------------------------------------- verify: healthy
def test_cli_verify_reports_a_healthy_chain(
    busy: Services, database_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    count = len(entries(busy))
    assert verify_cli(database_url, clock, capsys) == (0, f"{count} audit entries verified\n", "")


def test_an_empty_trail_verifies(engine: Any) -> None:
    from mash_tui.store.audit import verify_chain

    with Services(engine).read() as session:  # nobody to ask yet: the store's own walk
        assert verify_chain(session).ok


# ---------------------------------------------------------------- append-only guard
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET reason = 'nothing happened' WHERE id = 3",
        "UPDATE audit_log SET username = 'mgr'",
        "DELETE FROM audit_log WHERE id = 3",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ],
)
def test_the_database_refuses_to_change_or_remove_audit_entries(
    busy: Services, statement: str
) -> None:
    """Even with full SQL access, a plain UPDATE or DELETE on the trail fails and changes nothing."""
    dialect = busy.engine.dialect.name
    if statement.startswith("TRUNCATE") and dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    before = [(e.id, e.hash) for e in entries(busy)]
    with (
        pytest.raises(sa.exc.DatabaseError, match="audit_log is append-only"),
        busy.engine.begin() as conn,
    ):
        conn.execute(sa.text(statement))
    assert [(e.id, e.hash) for e in entries(busy)] == before
    assert busy.verify_audit("mgr").ok
    busy.record_export("mgr", "annex_a", {"rows": 1})  # and the app still appends
    assert busy.verify_audit("mgr").ok


# ---------------------------------------------------------------- verify: tampering
def test_changed_after_is_named(
    busy: Services, database_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    n = last(busy, "authorise").id
    assert n is not None
    set_json(busy, n, "after", {"state": "authorised", "authorised_by_id": 99})
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id) == (False, n)
    assert check.message == f"audit entry {n} was altered"
    assert verify_cli(database_url, clock, capsys) == (
        1,
        "",
        f"mash-tui: audit trail broken: audit entry {n} was altered\n",
    )


def test_changed_before_to_null_is_named(busy: Services) -> None:
    n = last(busy, "reassign").id
    assert n is not None
    sql(busy, "UPDATE audit_log SET before = NULL WHERE id = :n", n=n)
    assert busy.verify_audit("mgr").first_bad_id == n


def test_changed_user_is_named(busy: Services) -> None:
    n = last(busy, "return").id
    assert n is not None
    sql(busy, "UPDATE audit_log SET username = 'scr' WHERE id = :n", n=n)
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id, check.message) == (
        False,
        n,
        f"audit entry {n} was altered",
    )


def test_changed_time_is_named(busy: Services) -> None:
    n = last(busy, "export").id
    assert n is not None
    if busy.engine.dialect.name == "postgresql":
        sql(busy, "UPDATE audit_log SET at = at - interval '3 hours' WHERE id = :n", n=n)
    else:
        sql(busy, "UPDATE audit_log SET at = datetime(at, '-3 hours') WHERE id = :n", n=n)
    assert busy.verify_audit("mgr").first_bad_id == n


def test_the_first_alteration_is_named_when_there_are_several(busy: Services) -> None:
    sql(busy, "UPDATE audit_log SET reason = 'x' WHERE id IN (3, 9)")
    assert busy.verify_audit("mgr").first_bad_id == 3


def test_altered_and_rehashed_entry_is_still_named(busy: Services) -> None:
    """A tamperer who recomputes the entry's own hash breaks the link to the next one."""
    n = last(busy, "authorise").id
    assert n is not None
    with Session(busy.engine) as session:
        drop_audit_guard(session.connection())
        entry = session.get(AuditEntry, n)
        assert entry is not None
        entry.username = "admin"
        entry.hash = audit_hash(entry)
        session.add(entry)
        session.commit()
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id) == (False, n)
    assert check.message == (
        f"audit entry {n} was altered and re-hashed (entry {n + 1} no longer links to it)"
    )


def test_removed_middle_entry_is_named(
    busy: Services, database_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    n = last(busy, "reassign").id
    assert n is not None
    sql(busy, "DELETE FROM audit_log WHERE id = :n", n=n)
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id) == (False, n)
    assert check.message == f"audit entry {n} is missing (removed)"
    assert verify_cli(database_url, clock, capsys) == (
        1,
        "",
        f"mash-tui: audit trail broken: audit entry {n} is missing (removed)\n",
    )


def test_removed_last_entry_is_named(busy: Services) -> None:
    """Nothing follows the last entry, but the numbering counter remembers it was written."""
    n = entries(busy)[-1].id
    sql(busy, "DELETE FROM audit_log WHERE id = :n", n=n)
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id, check.message) == (
        False,
        n,
        f"audit entry {n} is missing (removed)",
    )


def test_removed_first_entry_is_named(busy: Services) -> None:
    sql(busy, "DELETE FROM audit_log WHERE id = 1")
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id, check.message) == (
        False,
        1,
        "audit entry 1 is missing (removed)",
    )


def test_emptied_trail_is_noticed(busy: Services) -> None:
    sql(busy, "DELETE FROM audit_log")
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id) == (False, 1)


def forge(services: Services, entry_id: int, prev_hash: str, *, good_hash: bool) -> None:
    """Insert an entry that mash-tui never wrote, hashed as the code would if `good_hash`."""
    with Session(services.engine) as session:
        entry = AuditEntry(
            id=entry_id,
            at=services.clock.now(),
            username="mgr",
            action="authorise",
            entity="contact",
            entity_id="1",
            contact_id=1,
            before={"state": "awaiting_authorisation"},
            after={"state": "authorised"},
            prev_hash=prev_hash,
        )
        entry.hash = audit_hash(entry) if good_hash else "0" * 64
        session.add(entry)
        session.commit()


def test_forged_entry_with_a_made_up_hash_is_named(busy: Services) -> None:
    tail = entries(busy)[-1]
    assert tail.id is not None
    forge(busy, tail.id + 1, tail.hash, good_hash=False)
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id) == (False, tail.id + 1)


def test_forged_entry_with_a_correct_hash_is_named(
    busy: Services, database_url: str, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even a forger who knows the hashing is caught: mash-tui never numbered that entry."""
    tail = entries(busy)[-1]
    assert tail.id is not None
    forge(busy, tail.id + 1, tail.hash, good_hash=True)
    check = busy.verify_audit("mgr")
    n = tail.id + 1
    assert (check.ok, check.first_bad_id) == (False, n)
    assert check.message == f"audit entry {n} was not written by mash-tui (inserted)"
    assert verify_cli(database_url, clock, capsys) == (
        1,
        "",
        f"mash-tui: audit trail broken: audit entry {n} was not written by mash-tui (inserted)\n",
    )


def test_forged_entry_far_ahead_is_noticed(busy: Services) -> None:
    tail = entries(busy)[-1]
    assert tail.id is not None
    forge(busy, tail.id + 50, tail.hash, good_hash=True)
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id) == (False, tail.id + 1)


def test_replaced_entry_is_named(busy: Services) -> None:
    """Deleting an entry and forging one in its place still breaks the next link."""
    n = last(busy, "authorise").id
    assert n is not None
    prev = next(e for e in entries(busy) if e.id == n - 1)
    sql(busy, "DELETE FROM audit_log WHERE id = :n", n=n)
    forge(busy, n, prev.hash, good_hash=True)
    check = busy.verify_audit("mgr")
    assert (check.ok, check.first_bad_id) == (False, n)


def test_work_goes_on_after_a_healthy_verify(busy: Services) -> None:
    """Verifying reads only: writing afterwards extends the same chain."""
    assert busy.verify_audit("mgr").ok
    create(busy)
    assert busy.verify_audit("mgr").ok


# ---------------------------------------------------------------- rows behind the trail's back
def test_a_contact_changed_without_an_audit_entry_is_named(
    busy: Services, capsys: pytest.CaptureFixture[str], clock: FrozenClock
) -> None:
    """An edit made with SQL (the database's own guards dropped) leaves the chain intact,
    so the contacts themselves are compared with what their trail says."""
    first = busy.queue()[0]
    sql(
        busy,
        "UPDATE contacts SET state = 'authorised', level = 1 WHERE reference = :r",
        r=first.reference,
    )
    result = busy.verify_audit("mgr")
    assert not result.ok
    assert result.message == f"{first.reference} differs from its audit trail: state, level"
    code, out, err = verify_cli(str(busy.engine.url.render_as_string(False)), clock, capsys)
    assert code == 1 and out == ""
    assert err == f"mash-tui: audit trail broken: {result.message}\n"
