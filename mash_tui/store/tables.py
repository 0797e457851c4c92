"""Provides the SQLModel tables for the whole life of a contact, from receipt to authorisation.

Columns holding a fixed vocabulary are typed with the domain's enums, so code compares
enums, never strings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, Index, String, Text, TypeDecorator, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import relationship as orm_relationship
from sqlalchemy.orm.attributes import set_attribute
from sqlmodel import Field, Relationship, SQLModel

from mash_tui.domain.clock import UTC
from mash_tui.domain.deadlines import Priority
from mash_tui.domain.states import ConsentOutcome, ContactState, NextStep, Role

RowT = TypeVar("RowT", bound=SQLModel)


def written_after(target: str) -> Any:
    """A many-to-one link used only so one flush inserts the row it points at first.

    Code sets and reads the `*_id` columns; the link lets a long transaction (an import
    batch, the demo) write all its new rows in one flush, each table in foreign-key order.
    """
    return Relationship(sa_relationship=orm_relationship(target))


class UTCDateTime(TypeDecorator[datetime]):
    """Store instants as UTC and always hand back timezone-aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("instants must be timezone-aware")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, the text SQLAlchemy's DATETIME stores ('YYYY-MM-DD HH:MM:SS.ffffff'),
        made in one step: bulk writes convert tens of thousands of instants."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError("instants must be timezone-aware")
            if value.tzinfo is not UTC:
                value = value.astimezone(UTC)
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")

        return process


class EnumText(TypeDecorator[StrEnum | str]):
    """Store an enum as its plain text value and hand back the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: StrEnum | str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(value.value if isinstance(value, StrEnum) else value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | str | None:
        if value is None:
            return None
        try:
            return self.enum(value)
        except ValueError:  # an expression over the column (a COALESCE with '')
            return value


def _enum(enum: type[StrEnum], length: int, **kw: Any) -> Any:
    return Field(sa_type=EnumText(enum, length), **kw)


def _utc(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


def match_key_type(width: int) -> Any:
    """A match key's column: compared byte by byte on both backends (PostgreSQL's "C"
    collation, SQLite's own), so a prefix is one index range however the server sorts text."""
    return String(width).with_variant(String(width, collation="C"), "postgresql")


def _match_key(width: int) -> Any:
    return Field(default="", sa_type=match_key_type(width))


class User(SQLModel, table=True):
    """A person who logs in: the operating-system login maps to one record."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=120)
    display_name: str = Field(max_length=200)
    role: Role = _enum(Role, 20, default=Role.SCREENER)
    active: bool = True
    created_at: datetime = _utc()
    created_by: str = Field(default="", max_length=120)
    # The person's PostgreSQL login role when it is not their username (blank: the same).
    db_login: str = Field(default="", max_length=120)


class Family(SQLModel, table=True):
    """Links sibling contacts made from one family referral."""

    __tablename__ = "families"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=40)
    created_at: datetime = _utc()


class Child(SQLModel, table=True):
    """A child known to the MASH; every contact about them points here."""

    __tablename__ = "children"
    # The match keys (mash_tui.domain.matching) and one index per way a child is looked up;
    # the first-name keys ride along so a common surname's range is filtered in the index.
    __table_args__ = (
        Index("ix_children_last_key", "last_key", "first_key", "first_sound"),
        Index("ix_children_first_key", "first_key", "last_key"),
        Index("ix_children_last_tail_key", "last_tail_key", "first_key", "first_sound"),
        Index("ix_children_sound", "last_sound", "first_sound", "first_key"),
        Index("ix_children_dob_first", "date_of_birth", "first_key"),
        Index("ix_children_postcode_key", "postcode_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unique_id: str = Field(unique=True, max_length=40)
    first_name: str = Field(max_length=200)
    last_name: str = Field(max_length=200)
    date_of_birth: date | None = None
    unborn: bool = False
    expected_date: date | None = None
    gender: str = Field(default="U", max_length=2)
    ethnicity: str = Field(default="NOBT", max_length=4)
    address: str = Field(default="", sa_type=Text)
    postcode: str = Field(default="", max_length=12)
    school: str = Field(default="", max_length=200)
    nhs_number: str = Field(default="", max_length=12, index=True)
    upn: str = Field(default="", max_length=13)
    created_at: datetime = _utc()
    # Set from the columns above by matching.child_keys() wherever a child is written.
    first_key: str = _match_key(200)
    last_key: str = _match_key(200)
    last_tail_key: str = _match_key(200)
    first_sound: str = _match_key(40)
    last_sound: str = _match_key(40)
    postcode_key: str = _match_key(12)


class Contact(SQLModel, table=True):
    """One concern about one child, measured from receipt to authorisation."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_open_deadline", "is_open", "deadline_at"),
        Index("ix_contacts_received", "received_at"),
        # Leads with authorised_at and carries received_at and deadline_at, so the weekly
        # report's "open at the end of the week" reads stay inside the index.
        Index("ix_contacts_authorised_span", "authorised_at", "received_at", "deadline_at"),
        # A child's contacts in time order: earlier contacts and the repeat-contact figure.
        Index("ix_contacts_child_received", "child_id", "received_at"),
        # Only the contacts that stayed more than six days: the weekly report finds those
        # still open at an old instant here (migration 0006, queries/conditions.py).
        Index(
            "ix_contacts_long_stay",
            "authorised_at",
            sqlite_where=text("julianday(authorised_at) - julianday(received_at) > 6"),
            postgresql_where=text("authorised_at - received_at > interval '6 days'"),
        ),
    )

    def __setattr__(self, name: str, value: Any) -> None:
        """Set a column as SQLModel does (the ORM's change event, then the pydantic field).

        Its general checks cost more than the setting itself, and a bulk run (an import,
        the demo) sets a contact's columns tens of thousands of times.
        """
        if name in _CONTACT_COLUMNS:
            state = self.__dict__["_sa_instance_state"]
            if state.key is None and state.session_id is None:
                # A new row no session holds (a unit of work writes it whole, by one bulk
                # INSERT, when it ends): there is no change to track.
                self.__dict__[name] = value
            else:
                set_attribute(self, name, value)
            self.__pydantic_fields_set__.add(name)
        else:
            super().__setattr__(name, value)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=40)
    version: int = 1
    state: ContactState = _enum(ContactState, 30, default=ContactState.SCREENING)
    is_open: bool = True
    child_id: int = Field(foreign_key="children.id")
    family_id: int | None = Field(default=None, foreign_key="families.id", index=True)
    child_row: Child | None = written_after("Child")
    family_row: Family | None = written_after("Family")

    received_at: datetime = _utc()
    entered_at: datetime = _utc()
    entered_by_id: int = Field(foreign_key="users.id")
    assigned_to_id: int | None = Field(default=None, foreign_key="users.id", index=True)

    referrer_name: str = Field(default="", max_length=200)
    referrer_agency: str = Field(default="", max_length=200)
    referrer_role: str = Field(default="", max_length=200)
    referrer_phone: str = Field(default="", max_length=60)
    referrer_email: str = Field(default="", max_length=200)
    source_code: str = Field(max_length=4)
    concern: str = Field(default="", sa_type=Text)
    factors: list[str] = Field(default_factory=list, sa_type=JSON)

    priority: Priority = _enum(Priority, 10, default=Priority.AMBER)
    deadline_at: datetime = _utc()

    # Consent to share information.
    consent_sought: bool | None = None
    consent_sought_by: str = Field(default="", max_length=200)
    consent_sought_from: str = Field(default="", max_length=200)
    consent_method: str = Field(default="", max_length=100)
    consent_outcome: ConsentOutcome | None = _enum(ConsentOutcome, 20, default=None)
    consent_recorded_at: datetime | None = _utc(default=None)
    override_grounds: str = Field(default="", sa_type=Text)
    override_lawful_basis: str = Field(default="", max_length=300)
    override_rationale: str = Field(default="", sa_type=Text)
    override_authorised_by_id: int | None = Field(default=None, foreign_key="users.id")
    override_authorised_at: datetime | None = _utc(default=None)
    override_note: str = Field(default="", sa_type=Text)

    # Level of Need.
    framework_id: str = Field(default="", max_length=80)
    framework_version: str = Field(default="", max_length=40)
    level: int | None = None
    level_rationale: str = Field(default="", sa_type=Text)

    # Decision and Signs of Safety analysis.
    next_step: NextStep | None = _enum(NextStep, 30, default=None)
    analysis: str = Field(default="", sa_type=Text)
    sos_worried: str = Field(default="", sa_type=Text)
    sos_working_well: str = Field(default="", sa_type=Text)
    sos_needs_to_happen: str = Field(default="", sa_type=Text)
    sos_scale: int | None = None
    mismatch_justification: str = Field(default="", sa_type=Text)
    decided_at: datetime | None = _utc(default=None)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id")

    submitted_at: datetime | None = _utc(default=None)
    submitted_by_id: int | None = Field(default=None, foreign_key="users.id")
    authorised_at: datetime | None = _utc(default=None)
    authorised_by_id: int | None = Field(default=None, foreign_key="users.id")
    # The manager's note on the authorisation (the breach reason when it was late).
    authorisation_note: str = Field(default="", sa_type=Text)
    # Authorised by the person who decided or submitted it (a one-manager team's setting).
    self_authorised: bool = False
    return_comment: str = Field(default="", sa_type=Text)
    referrer_informed_at: datetime | None = _utc(default=None)
    updated_at: datetime = _utc()


# The contact's plain columns: names SQLModel would set through the ORM and pydantic alike.
_CONTACT_COLUMNS = frozenset(Contact.__table__.columns.keys()) - set(  # type: ignore[attr-defined]
    Contact.__sqlmodel_relationships__
)


class HouseholdMember(SQLModel, table=True):
    """Someone living with the child, recorded on the contact."""

    __tablename__ = "household_members"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True)
    contact_row: Contact | None = written_after("Contact")
    name: str = Field(max_length=200)
    relationship: str = Field(default="", max_length=100)
    date_of_birth: date | None = None
    notes: str = Field(default="", sa_type=Text)


class PartnerCheck(SQLModel, table=True):
    """A MASH partner information-sharing check: who was asked what, and why."""

    __tablename__ = "partner_checks"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True)
    contact_row: Contact | None = written_after("Contact")
    agency: str = Field(max_length=100)
    requested: str = Field(sa_type=Text)
    shared: str = Field(default="", sa_type=Text)
    purpose: str = Field(sa_type=Text)
    checked_at: datetime = _utc()
    recorded_by_id: int = Field(foreign_key="users.id")


class Transition(SQLModel, table=True):
    """Each move of a contact between states, with who, when and any comment."""

    __tablename__ = "transitions"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True)
    contact_row: Contact | None = written_after("Contact")
    from_state: ContactState = _enum(ContactState, 30)
    to_state: ContactState = _enum(ContactState, 30)
    at: datetime = _utc()
    by_id: int = Field(foreign_key="users.id")
    comment: str = Field(default="", sa_type=Text)


class Draft(SQLModel, table=True):
    """Form text saved as it is typed so nothing is lost to a crash."""

    __tablename__ = "drafts"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(max_length=40)
    contact_id: int | None = Field(default=None, foreign_key="contacts.id")
    contact_row: Contact | None = written_after("Contact")
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = _utc()


class AuditEntry(SQLModel, table=True):
    """Append-only, hash-chained record of every change."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc()
    username: str = Field(max_length=120)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: str = Field(default="", max_length=40)
    contact_id: int | None = Field(default=None, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    reason: str = Field(default="", sa_type=Text)
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)


class Counter(SQLModel, table=True):
    """Sequences for human reference numbers, safe under concurrent writers."""

    __tablename__ = "counters"

    name: str = Field(primary_key=True, max_length=40)
    value: int = 0


class ImportRunState(StrEnum):
    """Where an import run stands: still writing, written whole, or taken out again."""

    RUNNING = "running"
    COMPLETE = "complete"
    UNDONE = "undone"


class ImportRun(SQLModel, table=True):
    """One `import contacts` of a file, written in batches, so a failed run can be taken out whole."""

    __tablename__ = "import_runs"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=255)
    username: str = Field(max_length=120)
    state: ImportRunState = _enum(ImportRunState, 20)
    started_at: datetime = _utc()
    # Moved on by every batch: a running import whose last batch is long past was killed.
    updated_at: datetime = _utc()
    contacts: int = 0


class ImportRunContact(SQLModel, table=True):
    """A contact an import run wrote and that is still there (the audit records any taken out)."""

    __tablename__ = "import_run_contacts"

    contact_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    run_id: int = Field(foreign_key="import_runs.id", index=True)


def new_row(model: type[RowT], **values: Any) -> RowT:
    """A new row built as the ORM builds rows it loads: field by field costs ~10x more.

    A bulk run (an import batch, the demo) makes thousands of contacts in one transaction,
    and per-attribute events at construction were a quarter of its time. The row is a
    normal pending object: later changes to it are tracked as usual.
    """
    fields = _FIELDS.get(model)
    if fields is None:
        fields = _FIELDS[model] = _fields_of(model)
    new_instance, names, required, defaults = fields
    row: RowT = new_instance()
    data = row.__dict__
    for name, constant, info in defaults:
        if name not in values:
            data[name] = constant if info is None else info.get_default(call_default_factory=True)
    missing = required - values.keys()
    if missing:
        raise TypeError(f"{model.__name__} needs {next(n for n in names if n in missing)}")
    unknown = values.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no field {sorted(unknown)[0]}")
    data.update(values)
    return row


_Fields = tuple[Any, frozenset[str], frozenset[str], tuple[tuple[str, Any, Any], ...]]
# Defaults pydantic hands back as they are (it copies any other kind, or calls a factory).
_CONSTANT = (str, int, float, bool, type(None), StrEnum)
_FIELDS: dict[type[Any], _Fields] = {}


def _fields_of(model: type[SQLModel]) -> _Fields:
    """What `new_row` needs to know of a table, worked out once per table."""
    items = model.model_fields.items()
    return (
        sa_inspect(model).class_manager.new_instance,
        frozenset(model.model_fields),
        frozenset(name for name, info in items if info.is_required()),
        tuple(
            (name, info.default, None)
            if info.default_factory is None and isinstance(info.default, _CONSTANT)
            else (name, None, info)
            for name, info in items
            if not info.is_required()
        ),
    )
