"""Use-cases: the only code that writes, and the one place every rule is enforced.

The screens, the command line, the import and the demo all come through here, so a
rule checked here cannot be bypassed by a second screener or a script.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from mash_tui.domain import codes
from mash_tui.domain.clock import Clock, SystemClock, ensure_utc
from mash_tui.domain.deadlines import DeadlinePolicy, Priority, deadline_for
from mash_tui.domain.errors import (
    ConsentRequired,
    InvalidTransition,
    JustificationRequired,
    MashError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    UnknownUser,
    ValidationFailed,
)
from mash_tui.domain.inputs import (
    ChildInput,
    ConsentInput,
    DecisionInput,
    IntakeInput,
    LevelInput,
    PartnerCheckInput,
)
from mash_tui.domain.levels import NEXT_STEPS, Framework, load_builtin
from mash_tui.store.engine import session_factory
from mash_tui.store.tables import (
    AuditEntry,
    Child,
    ConsentOutcome,
    Contact,
    ContactState,
    Counter,
    Draft,
    Family,
    HouseholdMember,
    PartnerCheck,
    Role,
    Transition,
    User,
)

# The moves a contact may make; anything else is refused.
TRANSITIONS: dict[ContactState, frozenset[ContactState]] = {
    ContactState.DRAFT: frozenset({ContactState.SCREENING}),
    ContactState.SCREENING: frozenset({ContactState.AWAITING_AUTHORISATION}),
    ContactState.AWAITING_AUTHORISATION: frozenset(
        {ContactState.AUTHORISED, ContactState.RETURNED}
    ),
    ContactState.RETURNED: frozenset({ContactState.AWAITING_AUTHORISATION}),
    ContactState.AUTHORISED: frozenset(),
}

ROLE_RANK = {Role.SCREENER: 0, Role.MANAGER: 1, Role.ADMIN: 2}
MIN_RATIONALE_CHARS = 40
MIN_RATIONALE_WORDS = 8
FUTURE_TOLERANCE = timedelta(minutes=2)
REPEAT_WINDOW = timedelta(days=365)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NHS_RE = re.compile(r"^\d{10}$")


def nhs_check_digit_ok(number: str) -> bool:
    """The NHS modulus 11 check on a 10-digit number, which catches most mistyped digits."""
    total = sum(int(d) * weight for d, weight in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(number[9])


# Intake fields a screener may edit on an open contact, and a manager may amend later.
EDITABLE_FIELDS = frozenset(
    {
        "received_at",
        "referrer_name",
        "referrer_agency",
        "referrer_role",
        "referrer_phone",
        "referrer_email",
        "source_code",
        "concern",
        "factors",
        "priority",
    }
)
AMENDABLE_FIELDS = EDITABLE_FIELDS | frozenset(
    {
        "level_rationale",
        "next_step",
        "analysis",
        "sos_worried",
        "sos_working_well",
        "sos_needs_to_happen",
        "sos_scale",
        "mismatch_justification",
        "referrer_informed_at",
    }
)


# A draft contact may lack these; complete_intake checks them before screening starts.
DRAFT_MAY_LACK = frozenset({"concern", "source_code", "referrer_name"})
REFERRER_MISSING = "name the referrer (use source 9 for an anonymous contact)"


def referrer_missing(source_code: str, name: str) -> bool:
    """Every contact names its referrer unless the source is anonymous (9) or not known (10)."""
    return source_code not in {"9", "10"} and not name.strip()


def is_non_trivial(text: str) -> bool:
    """A rationale a reader can act on: enough words, not a placeholder."""
    words = re.findall(r"[A-Za-zÀ-ÿ0-9']+", text)
    distinct = {w.lower() for w in words}
    return (
        len(text.strip()) >= MIN_RATIONALE_CHARS
        and len(words) >= MIN_RATIONALE_WORDS
        and len(distinct) >= MIN_RATIONALE_WORDS // 2
    )


def _plain(value: Any) -> Any:
    """JSON-safe form of a value for the audit trail."""
    if isinstance(value, datetime):
        return ensure_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """The audit's picture of a row: the named fields, or every column."""
    names = fields if fields is not None else [c.name for c in obj.__table__.columns]
    return {name: _plain(getattr(obj, name)) for name in names}


def audit_hash(entry: AuditEntry) -> str:
    """The chain link: a digest of the entry's content and the previous link."""
    body = {
        "id": entry.id,
        "at": _plain(entry.at),
        "username": entry.username,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "contact_id": entry.contact_id,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "prev_hash": entry.prev_hash,
    }
    data = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass
class QueueRow:
    """One open contact as the queue shows it."""

    id: int
    reference: str
    child_name: str
    priority: str
    state: str
    level: int | None
    assigned_to: str
    received_at: datetime
    deadline_at: datetime
    version: int
    consent_outcome: str | None
    override_pending: bool


@dataclass
class EarlierContact:
    """A previous contact about the same child, for the risk picture."""

    id: int
    reference: str
    received_at: datetime
    state: str
    level: int | None
    next_step: str | None
    concern: str
    within_12_months: bool


@dataclass
class ContactDetail:
    """Everything about one contact, loaded together for the detail screen."""

    contact: Contact
    child: Child
    household: list[HouseholdMember]
    partner_checks: list[PartnerCheck]
    transitions: list[Transition]
    siblings: list[Contact]
    user_names: dict[int, str] = field(default_factory=dict)

    def name_of(self, user_id: int | None) -> str:
        return self.user_names.get(user_id, "") if user_id is not None else ""


@dataclass
class AuditCheck:
    """The result of walking the hash chain."""

    ok: bool
    entries: int
    first_bad_id: int | None = None
    message: str = ""


class Services:
    """Every use-case of mash-tui, over an engine and a clock that are passed in."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock | None = None,
        policy: DeadlinePolicy | None = None,
        framework: Framework | None = None,
    ) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.policy = policy or DeadlinePolicy()
        self.framework = framework or load_builtin()
        self._sessions = session_factory(engine)

    # ------------------------------------------------------------------ sessions
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction that first takes the single writer lock row.

        Writing first means SQLite waits on its busy timeout instead of failing,
        PostgreSQL queues on the row lock, and the audit chain never forks.
        """
        with self._sessions() as session:
            result = session.execute(
                update(Counter).where(col(Counter.name) == "writer").values(value=Counter.value + 1)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise MashError("the database is not initialised: run `mash-tui db upgrade`")
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _next(self, session: Session, name: str) -> int:
        """The next number of a named sequence, under the writer lock."""
        counter = session.get(Counter, name)
        if counter is None:
            counter = Counter(name=name, value=0)
            session.add(counter)
        counter.value += 1
        session.flush()
        return counter.value

    # ------------------------------------------------------------------ users
    def _actor(self, session: Session, username: str, minimum: Role = Role.SCREENER) -> User:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            raise UnknownUser(
                f"'{username}' has no mash-tui user record; ask a manager to run "
                f"`mash-tui users add {username}`"
            )
        if not user.active:
            raise UnknownUser(f"the mash-tui account '{username}' is disabled")
        if ROLE_RANK[Role(user.role)] < ROLE_RANK[minimum]:
            raise PermissionDenied(f"only a {minimum.value} can do this; you are a {user.role}")
        return user

    def identify(self, username: str) -> User:
        """The active user record for a login, or a clear refusal."""
        with self.read() as session:
            return self._actor(session, username)

    def has_users(self) -> bool:
        with self.read() as session:
            return session.exec(select(func.count()).select_from(User)).one() > 0

    def add_user(
        self, actor: str | None, username: str, display_name: str, role: str = "screener"
    ) -> User:
        """Add a user; the very first user may be added by nobody (first run)."""
        username = username.strip()
        errors: dict[str, str] = {}
        if not re.fullmatch(r"[A-Za-z0-9._@\\-]{1,120}", username):
            errors["username"] = "a login may use letters, digits and . _ - @ only"
        if role not in {r.value for r in Role}:
            errors["role"] = f"role must be screener, manager or admin, not '{role}'"
        if not display_name.strip():
            display_name = username
        if errors:
            raise ValidationFailed(errors)
        now = self.clock.now()
        with self.write() as session:
            first = session.exec(select(func.count()).select_from(User)).one() == 0
            if first:
                if ROLE_RANK[Role(role)] < ROLE_RANK[Role.MANAGER]:
                    raise ValidationFailed(
                        {"role": "the first user must be a manager, who can then add screeners"}
                    )
                by = actor or username
            else:
                if actor is None:
                    raise PermissionDenied("only a manager or admin can add users")
                by = self._actor(session, actor, Role.MANAGER).username
            if session.exec(select(User).where(User.username == username)).first():
                raise ValidationFailed({"username": f"'{username}' already has a user record"})
            user = User(
                username=username,
                display_name=display_name.strip(),
                role=role,
                active=True,
                created_at=now,
                created_by=by,
            )
            session.add(user)
            session.flush()
            self._audit(session, by, "create", "user", str(user.id), None, None, snapshot(user))
            return user

    def require(self, username: str, minimum: str = Role.SCREENER) -> User:
        """Refuse a login without an active record, or without at least this role."""
        with self.read() as session:
            return self._actor(session, username, Role(minimum))

    def list_users(self) -> list[User]:
        with self.read() as session:
            return list(session.exec(select(User).order_by(col(User.username))).all())

    def set_user_active(self, actor: str, username: str, active: bool) -> User:
        """Disable (or re-enable) an account; the history it made stays."""
        with self.write() as session:
            by = self._actor(session, actor, Role.MANAGER)
            user = session.exec(select(User).where(User.username == username)).first()
            if user is None:
                raise NotFound(f"no user '{username}'")
            if user.id == by.id and not active:
                raise ValidationFailed({"username": "you cannot disable your own account"})
            before = snapshot(user, ["active"])
            user.active = active
            session.add(user)
            self._audit(
                session,
                by.username,
                "enable" if active else "disable",
                "user",
                str(user.id),
                None,
                before,
                snapshot(user, ["active"]),
            )
            return user

    def screeners(self) -> list[User]:
        """Active users a contact can be assigned to."""
        with self.read() as session:
            return list(
                session.exec(
                    select(User).where(col(User.active).is_(True)).order_by(col(User.username))
                ).all()
            )

    # ------------------------------------------------------------------ audit
    def _audit(
        self,
        session: Session,
        username: str,
        action: str,
        entity: str,
        entity_id: str,
        contact_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str = "",
        at: datetime | None = None,
    ) -> AuditEntry:
        """Append one hash-chained entry (callers hold the writer lock)."""
        seq = self._next(session, "audit")
        prev = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1)).first()
        entry = AuditEntry(
            id=seq,
            at=at or self.clock.now(),
            username=username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            contact_id=contact_id,
            before=before,
            after=after,
            reason=reason,
            prev_hash=prev.hash if prev else "",
        )
        entry.hash = audit_hash(entry)
        session.add(entry)
        return entry

    def record_export(self, actor: str, what: str, detail: dict[str, Any]) -> None:
        """Exports are changes too: who took which figures out, and when."""
        with self.write() as session:
            self._actor(session, actor)
            self._audit(session, actor, "export", what, "", None, None, detail)

    def verify_audit(self) -> AuditCheck:
        """Walk the chain; report the first entry altered, inserted or removed.

        Safe while others are working: entries committed during the walk are neither
        mistaken for removals nor for forgeries.
        """
        prev_hash = ""
        expected_id = 1
        count = 0
        with self.read() as session:
            # Every entry numbered up to here was committed before the walk began.
            written_before = self._audit_written(session)
            stream = session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))
            for entry in stream:
                count += 1
                assert entry.id is not None
                if entry.id != expected_id:
                    return AuditCheck(
                        False,
                        count,
                        expected_id,
                        f"audit entry {expected_id} is missing (removed)",
                    )
                if entry.prev_hash != prev_hash:
                    if entry.id > 1 and audit_hash(entry) == entry.hash:
                        # This entry is intact, so the one before it was rewritten and re-hashed.
                        bad = entry.id - 1
                        return AuditCheck(
                            False,
                            count,
                            bad,
                            f"audit entry {bad} was altered and re-hashed "
                            f"(entry {entry.id} no longer links to it)",
                        )
                    return AuditCheck(
                        False,
                        count,
                        entry.id,
                        f"audit entry {entry.id} does not follow its predecessor",
                    )
                if audit_hash(entry) != entry.hash:
                    return AuditCheck(False, count, entry.id, f"audit entry {entry.id} was altered")
                prev_hash = entry.hash
                expected_id = entry.id + 1
            if expected_id <= written_before:
                return AuditCheck(
                    False, count, expected_id, f"audit entry {expected_id} is missing (removed)"
                )
            # Read after the walk, so every genuine entry seen is numbered at or below it.
            written_after = self._audit_written(session)
            if expected_id - 1 > written_after:
                forged = written_after + 1
                return AuditCheck(
                    False,
                    count,
                    forged,
                    f"audit entry {forged} was not written by mash-tui (inserted)",
                )
        return AuditCheck(True, count, None, f"{count} audit entries verified")

    @staticmethod
    def _audit_written(session: Session) -> int:
        """How many audit entries mash-tui has numbered (the 'audit' counter, read afresh)."""
        value = session.exec(select(Counter.value).where(Counter.name == "audit")).first()
        return value or 0

    def history(self, contact_id: int) -> list[AuditEntry]:
        with self.read() as session:
            return list(
                session.exec(
                    select(AuditEntry)
                    .where(AuditEntry.contact_id == contact_id)
                    .order_by(col(AuditEntry.id))
                ).all()
            )

    # ------------------------------------------------------------------ checks
    def check_intake(self, intake: IntakeInput) -> dict[str, str]:
        """The intake's rule errors without writing anything, so a form can list them all at once."""
        return self._check_intake(intake, self.clock.now())

    def _check_intake(self, intake: IntakeInput, now: datetime) -> dict[str, str]:
        errors: dict[str, str] = {}
        if intake.received_at.tzinfo is None:
            errors["received_at"] = "the received time must include a time zone"
        elif intake.received_at > now + FUTURE_TOLERANCE:
            errors["received_at"] = "the received time cannot be in the future"
        if codes.lookup("sources", intake.source_code) is None:
            errors["source_code"] = f"'{intake.source_code}' is not a contact source code"
        if not intake.concern.strip():
            errors["concern"] = "write the concern in the referrer's words"
        if intake.priority not in {p.value for p in Priority}:
            errors["priority"] = "priority must be red, amber or green"
        for factor in intake.factors:
            if codes.lookup("factors", factor) is None:
                errors["factors"] = f"'{factor}' is not a known factor"
        if intake.referrer_email and not EMAIL_RE.match(intake.referrer_email.strip()):
            errors["referrer_email"] = "that does not look like an email address"
        if referrer_missing(intake.source_code, intake.referrer_name):
            errors["referrer_name"] = REFERRER_MISSING
        if not intake.children:
            errors["children"] = "a contact needs at least one child"
        for index, child in enumerate(intake.children):
            for key, message in self._check_child(child, now).items():
                errors.setdefault(f"children[{index}].{key}", message)
        return errors

    def _check_child(self, child: ChildInput, now: datetime) -> dict[str, str]:
        errors: dict[str, str] = {}
        today = now.date()
        if child.existing_child_id is not None:
            return errors
        if not child.first_name.strip() and not child.unborn:
            errors["first_name"] = "give the child's first name (or 'Unknown')"
        if not child.last_name.strip():
            errors["last_name"] = "give the child's last name"
        if child.unborn:
            if child.expected_date is None:
                errors["expected_date"] = "an unborn child needs an expected date of delivery"
            elif child.expected_date < today - timedelta(days=31):
                errors["expected_date"] = "the expected date is long past: record the birth instead"
        elif (dob := child.date_of_birth) is not None:
            if dob > today:
                errors["date_of_birth"] = "the date of birth cannot be in the future"
            elif (dob.year + 26, dob.month, dob.day) < (today.year, today.month, today.day):
                # Past their 26th birthday (as tuples, so 29 February needs no twin date).
                errors["date_of_birth"] = "that date of birth makes the person an adult"
        if codes.lookup("genders", child.gender) is None:
            errors["gender"] = "gender must be M, F, U (not stated) or N (neither)"
        if codes.lookup("ethnicities", child.ethnicity) is None:
            errors["ethnicity"] = f"'{child.ethnicity}' is not a census ethnicity code"
        nhs = child.nhs_number.replace(" ", "")
        if nhs and not NHS_RE.match(nhs):
            errors["nhs_number"] = "an NHS number has 10 digits"
        elif nhs and not nhs_check_digit_ok(nhs):
            errors["nhs_number"] = "that is not a valid NHS number (its check digit is wrong)"
        return errors

    def _check_consent(self, consent: ConsentInput) -> dict[str, str]:
        errors: dict[str, str] = {}
        if consent.outcome not in {o.value for o in ConsentOutcome}:
            return {"outcome": "consent must be given, refused or not sought"}
        if consent.sought:
            if not consent.sought_by.strip():
                errors["sought_by"] = "say who sought consent"
            if not consent.sought_from.strip():
                errors["sought_from"] = "say whose consent was sought"
            if not consent.method.strip():
                errors["method"] = "say how consent was sought (phone, in person, email...)"
        if consent.outcome != ConsentOutcome.GIVEN:
            if not consent.grounds.strip():
                errors["grounds"] = "record the grounds for proceeding without consent"
            if not consent.lawful_basis.strip():
                errors["lawful_basis"] = "record the lawful basis for sharing without consent"
            if not is_non_trivial(consent.rationale):
                errors["rationale"] = (
                    "the rationale for overriding consent must explain the risk "
                    f"(at least {MIN_RATIONALE_WORDS} words)"
                )
        return errors

    @staticmethod
    def consent_satisfied(contact: Contact) -> bool:
        """Consent given, or an override with grounds and rationale a manager authorised."""
        if contact.consent_outcome == ConsentOutcome.GIVEN:
            return True
        if contact.consent_outcome in (ConsentOutcome.REFUSED, ConsentOutcome.NOT_SOUGHT):
            return (
                bool(contact.override_grounds.strip())
                and is_non_trivial(contact.override_rationale)
                and contact.override_authorised_by_id is not None
            )
        return False

    def _require_consent(self, contact: Contact) -> None:
        if contact.consent_outcome is None:
            raise ConsentRequired(
                f"{contact.reference}: record whether consent to share was sought and given first"
            )
        if not self.consent_satisfied(contact):
            raise ConsentRequired(
                f"{contact.reference}: consent was not given, so a manager must authorise "
                "the override before the contact is decided"
            )

    def _load(self, session: Session, contact_id: int, version: int | None) -> Contact:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(f"there is no contact {contact_id}")
        if version is not None and contact.version != version:
            raise StaleVersion(
                f"{contact.reference} was changed by someone else while you were working; "
                "your text is kept: reload the contact and save again"
            )
        return contact

    def _require_open(self, contact: Contact) -> None:
        if contact.state == ContactState.AUTHORISED:
            raise InvalidTransition(
                f"{contact.reference} is authorised; a manager can change it only by an amendment"
            )
        if contact.state == ContactState.AWAITING_AUTHORISATION:
            raise InvalidTransition(
                f"{contact.reference} is waiting for a manager; it can be changed once returned"
            )

    def _move(
        self,
        session: Session,
        contact: Contact,
        to: ContactState,
        actor: User,
        at: datetime,
        comment: str = "",
    ) -> None:
        current = ContactState(contact.state)
        if to not in TRANSITIONS[current]:
            raise InvalidTransition(
                f"{contact.reference} cannot go from {current.value.replace('_', ' ')} "
                f"to {to.value.replace('_', ' ')}"
            )
        assert contact.id is not None and actor.id is not None
        session.add(
            Transition(
                contact_id=contact.id,
                from_state=current,
                to_state=to,
                at=at,
                by_id=actor.id,
                comment=comment,
            )
        )
        contact.state = to
        contact.is_open = to != ContactState.AUTHORISED

    def _save(
        self,
        session: Session,
        contact: Contact,
        actor: User,
        action: str,
        before: dict[str, Any],
        at: datetime,
        reason: str = "",
    ) -> Contact:
        """Bump the version, stamp the change and audit exactly what differs."""
        contact.version += 1
        contact.updated_at = at
        session.add(contact)
        session.flush()
        after = snapshot(contact, list(before))
        changed_before = {k: v for k, v in before.items() if after.get(k) != v}
        changed_after = {k: after[k] for k in changed_before}
        assert contact.id is not None
        self._audit(
            session,
            actor.username,
            action,
            "contact",
            str(contact.id),
            contact.id,
            changed_before,
            changed_after,
            reason,
            at,
        )
        return contact

    # ------------------------------------------------------------------ intake
    def create_contact(
        self, actor: str, intake: IntakeInput, *, draft: bool = False
    ) -> list[Contact]:
        """Log a contact: one per child, siblings linked as a family."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            return self._create(session, user, intake, now, draft=draft)

    def _create(
        self,
        session: Session,
        user: User,
        intake: IntakeInput,
        now: datetime,
        *,
        draft: bool = False,
    ) -> list[Contact]:
        errors = self._check_intake(intake, now)
        if draft:  # only what complete_intake checks again may still be missing
            errors = {k: v for k, v in errors.items() if k not in DRAFT_MAY_LACK}
        if errors:
            raise ValidationFailed(errors)
        received = ensure_utc(intake.received_at)
        family_id = None
        if len(intake.children) > 1:
            family = Family(reference=f"FAM-{self._next(session, 'family'):06d}", created_at=now)
            session.add(family)
            session.flush()
            family_id = family.id
            self._audit(
                session,
                user.username,
                "create",
                "family",
                str(family.id),
                None,
                None,
                snapshot(family),
                at=now,
            )
        created: list[Contact] = []
        for child_input in intake.children:
            child = self._child(session, child_input, now, user)
            assert child.id is not None and user.id is not None
            contact = Contact(
                reference=f"MASH-{self._next(session, 'contact'):07d}",
                state=ContactState.DRAFT if draft else ContactState.SCREENING,
                is_open=True,
                child_id=child.id,
                family_id=family_id,
                received_at=received,
                entered_at=now,
                entered_by_id=user.id,
                assigned_to_id=user.id,
                referrer_name=intake.referrer_name.strip(),
                referrer_agency=intake.referrer_agency.strip(),
                referrer_role=intake.referrer_role.strip(),
                referrer_phone=intake.referrer_phone.strip(),
                referrer_email=intake.referrer_email.strip(),
                source_code=intake.source_code,
                concern=intake.concern,
                factors=sorted(set(intake.factors)),
                priority=intake.priority,
                deadline_at=deadline_for(received, intake.priority, self.policy),
                updated_at=now,
            )
            session.add(contact)
            session.flush()
            assert contact.id is not None
            for member in intake.household:
                session.add(
                    HouseholdMember(
                        contact_id=contact.id,
                        name=member.name.strip(),
                        relationship=member.relationship.strip(),
                        date_of_birth=member.date_of_birth,
                        notes=member.notes,
                    )
                )
            self._audit(
                session,
                user.username,
                "create",
                "contact",
                str(contact.id),
                contact.id,
                None,
                snapshot(contact),
                at=now,
            )
            created.append(contact)
        return created

    def _child(self, session: Session, data: ChildInput, now: datetime, user: User) -> Child:
        if data.existing_child_id is not None:
            child = session.get(Child, data.existing_child_id)
            if child is None:
                raise ValidationFailed({"existing_child_id": "that child record no longer exists"})
            return child
        child = Child(
            unique_id=f"CH{self._next(session, 'child'):07d}",
            first_name=data.first_name.strip() or "Unborn",
            last_name=data.last_name.strip(),
            date_of_birth=None if data.unborn else data.date_of_birth,
            unborn=data.unborn,
            expected_date=data.expected_date if data.unborn else None,
            gender=data.gender,
            ethnicity=data.ethnicity,
            address=data.address,
            postcode=data.postcode.strip().upper(),
            school=data.school.strip(),
            nhs_number=data.nhs_number.replace(" ", ""),
            upn=data.upn.strip(),
            created_at=now,
        )
        session.add(child)
        session.flush()
        self._audit(
            session,
            user.username,
            "create",
            "child",
            str(child.id),
            None,
            None,
            snapshot(child),
            at=now,
        )
        return child

    def complete_intake(self, actor: str, contact_id: int, version: int) -> Contact:
        """Move a draft contact into screening once its intake is whole."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, version)
            errors = {}
            if not contact.concern.strip():
                errors["concern"] = "write the concern in the referrer's words"
            if codes.lookup("sources", contact.source_code) is None:
                errors["source_code"] = "choose a contact source"
            elif referrer_missing(contact.source_code, contact.referrer_name):
                errors["referrer_name"] = REFERRER_MISSING
            if errors:
                raise ValidationFailed(errors)
            before = snapshot(contact, ["state"])
            self._move(session, contact, ContactState.SCREENING, user, now)
            return self._save(session, contact, user, "complete_intake", before, now)

    def update_contact(
        self, actor: str, contact_id: int, version: int, changes: Mapping[str, Any]
    ) -> Contact:
        """Edit intake details of an open contact; the deadline follows received time and priority."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, version)
            self._require_open(contact)
            before = snapshot(contact, sorted(set(changes) | {"deadline_at"}))
            self._apply_changes(contact, changes, EDITABLE_FIELDS, now)
            return self._save(session, contact, user, "update", before, now)

    def _apply_changes(
        self, contact: Contact, changes: Mapping[str, Any], allowed: frozenset[str], now: datetime
    ) -> None:
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationFailed(
                {name: f"'{name}' cannot be changed here" for name in sorted(unknown)}
            )
        merged = IntakeInput(
            received_at=changes.get("received_at", contact.received_at),
            source_code=changes.get("source_code", contact.source_code),
            concern=changes.get("concern", contact.concern),
            children=[ChildInput("x", "x", existing_child_id=contact.child_id)],
            referrer_name=changes.get("referrer_name", contact.referrer_name),
            referrer_email=changes.get("referrer_email", contact.referrer_email),
            factors=list(changes.get("factors", contact.factors)),
            priority=changes.get("priority", contact.priority),
        )
        errors = self._check_intake(merged, now)
        if (
            "sos_scale" in changes
            and changes["sos_scale"] is not None
            and not 0 <= int(changes["sos_scale"]) <= 10
        ):
            errors["sos_scale"] = "the safety scale runs from 0 to 10"
        if "next_step" in changes and changes["next_step"] not in NEXT_STEPS:
            errors["next_step"] = f"'{changes['next_step']}' is not a next step"
        if "referrer_informed_at" in changes:
            informed = changes["referrer_informed_at"]
            if informed is not None and (
                informed > now + FUTURE_TOLERANCE or informed < contact.received_at
            ):
                errors["referrer_informed_at"] = (
                    "the referrer cannot be told before the contact or in the future"
                )
        if errors:
            raise ValidationFailed(errors)
        for name, value in changes.items():
            setattr(contact, name, sorted(set(value)) if name == "factors" else value)
        if "received_at" in changes or "priority" in changes:
            contact.received_at = ensure_utc(contact.received_at)
            contact.deadline_at = deadline_for(contact.received_at, contact.priority, self.policy)

    def add_household_member(
        self, actor: str, contact_id: int, name: str, relationship: str = "", notes: str = ""
    ) -> HouseholdMember:
        now = self.clock.now()
        if not name.strip():
            raise ValidationFailed({"name": "give the household member's name"})
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, None)
            self._require_open(contact)
            member = HouseholdMember(
                contact_id=contact_id,
                name=name.strip(),
                relationship=relationship.strip(),
                notes=notes,
            )
            session.add(member)
            session.flush()
            self._audit(
                session,
                user.username,
                "create",
                "household_member",
                str(member.id),
                contact_id,
                None,
                snapshot(member),
                at=now,
            )
            return member

    # ------------------------------------------------------------------ consent
    def record_consent(
        self, actor: str, contact_id: int, version: int, consent: ConsentInput
    ) -> Contact:
        """Record consent, or the grounds and rationale for proceeding without it."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, version)
            self._require_open(contact)
            return self._record_consent(session, user, contact, consent, now)

    def _record_consent(
        self, session: Session, user: User, contact: Contact, consent: ConsentInput, now: datetime
    ) -> Contact:
        errors = self._check_consent(consent)
        if errors:
            raise ValidationFailed(errors)
        fields = [
            "consent_sought",
            "consent_sought_by",
            "consent_sought_from",
            "consent_method",
            "consent_outcome",
            "consent_recorded_at",
            "override_grounds",
            "override_lawful_basis",
            "override_rationale",
            "override_authorised_by_id",
            "override_authorised_at",
        ]
        before = snapshot(contact, fields)
        override = consent.outcome != ConsentOutcome.GIVEN
        new = {
            "consent_sought": consent.sought,
            "consent_sought_by": consent.sought_by.strip(),
            "consent_sought_from": consent.sought_from.strip(),
            "consent_method": consent.method.strip(),
            "consent_outcome": consent.outcome,
            "override_grounds": consent.grounds.strip() if override else "",
            "override_lawful_basis": consent.lawful_basis.strip() if override else "",
            "override_rationale": consent.rationale.strip() if override else "",
        }
        # A changed override needs a fresh authorisation.
        if any(getattr(contact, k) != v for k, v in new.items()):
            contact.override_authorised_by_id = None
            contact.override_authorised_at = None
        for key, value in new.items():
            setattr(contact, key, value)
        contact.consent_recorded_at = now
        return self._save(session, contact, user, "consent", before, now)

    def authorise_override(self, actor: str, contact_id: int, version: int) -> Contact:
        """A manager agrees to share without consent, on the recorded rationale."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor, Role.MANAGER)
            contact = self._load(session, contact_id, version)
            return self._authorise_override(session, user, contact, now)

    def _authorise_override(
        self, session: Session, user: User, contact: Contact, now: datetime
    ) -> Contact:
        if contact.consent_outcome not in (ConsentOutcome.REFUSED, ConsentOutcome.NOT_SOUGHT):
            raise InvalidTransition(f"{contact.reference} has no consent override to authorise")
        if not (contact.override_grounds and is_non_trivial(contact.override_rationale)):
            raise ValidationFailed({"rationale": "the override has no adequate recorded rationale"})
        if contact.override_authorised_by_id is not None:
            raise InvalidTransition(f"{contact.reference}: the override is already authorised")
        before = snapshot(contact, ["override_authorised_by_id", "override_authorised_at"])
        contact.override_authorised_by_id = user.id
        contact.override_authorised_at = now
        return self._save(session, contact, user, "authorise_override", before, now)

    def log_partner_check(
        self, actor: str, contact_id: int, check: PartnerCheckInput
    ) -> PartnerCheck:
        """Log what a partner agency was asked and shared, and why."""
        now = self.clock.now()
        errors: dict[str, str] = {}
        if not check.agency.strip():
            errors["agency"] = "name the partner agency"
        if not check.requested.strip():
            errors["requested"] = "say what was asked"
        if not check.purpose.strip():
            errors["purpose"] = "say why the information was needed"
        if check.checked_at is not None and check.checked_at > now + FUTURE_TOLERANCE:
            errors["checked_at"] = "the check cannot be in the future"
        if errors:
            raise ValidationFailed(errors)
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, None)
            self._require_open(contact)
            assert user.id is not None
            row = PartnerCheck(
                contact_id=contact_id,
                agency=check.agency.strip(),
                requested=check.requested.strip(),
                shared=check.shared.strip(),
                purpose=check.purpose.strip(),
                checked_at=ensure_utc(check.checked_at) if check.checked_at else now,
                recorded_by_id=user.id,
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                user.username,
                "create",
                "partner_check",
                str(row.id),
                contact_id,
                None,
                snapshot(row),
                at=now,
            )
            return row

    # ------------------------------------------------------------------ level and decision
    def set_level(self, actor: str, contact_id: int, version: int, choice: LevelInput) -> Contact:
        """Record the Level of Need against the framework in force, keeping its version."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, version)
            self._require_open(contact)
            return self._set_level(session, user, contact, choice, now)

    def _set_level(
        self, session: Session, user: User, contact: Contact, choice: LevelInput, now: datetime
    ) -> Contact:
        errors: dict[str, str] = {}
        numbers = [lvl.number for lvl in self.framework.levels]
        if choice.level not in numbers:
            errors["level"] = f"choose a level from {numbers[0]} to {numbers[-1]}"
        if len(choice.rationale.strip()) < 20:
            errors["rationale"] = "explain why this level fits (a sentence or more)"
        if errors:
            raise ValidationFailed(errors)
        fields = ["framework_id", "framework_version", "level", "level_rationale"]
        before = snapshot(contact, fields)
        contact.framework_id = self.framework.id
        contact.framework_version = self.framework.version
        contact.level = choice.level
        contact.level_rationale = choice.rationale.strip()
        return self._save(session, contact, user, "level", before, now)

    def fits(self, level: int | None, next_step: str) -> bool:
        """Whether the framework lists this next step for this level."""
        if level is None:
            return False
        return self.framework.level(level).fits(next_step)

    def record_decision(
        self, actor: str, contact_id: int, version: int, decision: DecisionInput
    ) -> Contact:
        """The next step with its analysis; consent must be settled first."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, version)
            self._require_open(contact)
            return self._record_decision(session, user, contact, decision, now)

    def _record_decision(
        self, session: Session, user: User, contact: Contact, decision: DecisionInput, now: datetime
    ) -> Contact:
        self._require_consent(contact)
        if contact.level is None:
            raise ValidationFailed({"level": "choose a Level of Need before deciding"})
        errors: dict[str, str] = {}
        if decision.next_step not in NEXT_STEPS:
            errors["next_step"] = "choose a next step"
        if not decision.analysis.strip():
            errors["analysis"] = "write the analysis behind the decision"
        if not decision.sos_worried.strip():
            errors["sos_worried"] = "what are we worried about?"
        if not decision.sos_working_well.strip():
            errors["sos_working_well"] = "what's working well?"
        if not decision.sos_needs_to_happen.strip():
            errors["sos_needs_to_happen"] = "what needs to happen?"
        if decision.sos_scale is None or not 0 <= decision.sos_scale <= 10:
            errors["sos_scale"] = "give a safety scale from 0 to 10"
        if errors:
            raise ValidationFailed(errors)
        fits = self.framework_for(contact).level(contact.level).fits(decision.next_step)
        if not fits and not is_non_trivial(decision.mismatch_justification):
            raise JustificationRequired(
                f"Level {contact.level} does not usually lead to "
                f"'{NEXT_STEPS[decision.next_step]}': justify the decision "
                f"(at least {MIN_RATIONALE_WORDS} words)",
                "mismatch_justification",
            )
        fields = [
            "next_step",
            "analysis",
            "sos_worried",
            "sos_working_well",
            "sos_needs_to_happen",
            "sos_scale",
            "mismatch_justification",
            "decided_at",
            "decided_by_id",
        ]
        before = snapshot(contact, fields)
        contact.next_step = decision.next_step
        contact.analysis = decision.analysis.strip()
        contact.sos_worried = decision.sos_worried.strip()
        contact.sos_working_well = decision.sos_working_well.strip()
        contact.sos_needs_to_happen = decision.sos_needs_to_happen.strip()
        contact.sos_scale = decision.sos_scale
        # A justification only explains a misfit: kept after a fitting decision it would mislead.
        contact.mismatch_justification = "" if fits else decision.mismatch_justification.strip()
        contact.decided_at = now
        contact.decided_by_id = user.id
        return self._save(session, contact, user, "decision", before, now)

    def framework_for(self, contact: Contact) -> Framework:
        """The framework a contact was judged against (today: the one loaded)."""
        return self.framework

    def submit(self, actor: str, contact_id: int, version: int) -> Contact:
        """Send a decided contact to a manager for authorisation."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, version)
            return self._submit(session, user, contact, now)

    def _submit(self, session: Session, user: User, contact: Contact, now: datetime) -> Contact:
        self._require_consent(contact)
        if contact.next_step is None or contact.decided_at is None:
            raise ValidationFailed({"next_step": "record the decision before submitting"})
        before = snapshot(contact, ["state", "submitted_at"])
        self._move(session, contact, ContactState.AWAITING_AUTHORISATION, user, now)
        contact.submitted_at = now
        return self._save(session, contact, user, "submit", before, now)

    # ------------------------------------------------------------------ manager
    def authorise(self, actor: str, contact_id: int, version: int, comment: str = "") -> Contact:
        """A manager agrees the decision; the contact leaves the MASH and its clock stops."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor, Role.MANAGER)
            contact = self._load(session, contact_id, version)
            return self._authorise(session, user, contact, now, comment)

    def _authorise(
        self, session: Session, user: User, contact: Contact, now: datetime, comment: str = ""
    ) -> Contact:
        self._require_consent(contact)
        before = snapshot(contact, ["state", "is_open", "authorised_at", "authorised_by_id"])
        self._move(session, contact, ContactState.AUTHORISED, user, now, comment.strip())
        contact.authorised_at = now
        contact.authorised_by_id = user.id
        return self._save(session, contact, user, "authorise", before, now, comment.strip())

    def return_contact(self, actor: str, contact_id: int, version: int, comment: str) -> Contact:
        """Send a contact back to its screener with the manager's comment."""
        now = self.clock.now()
        if len(comment.strip()) < 5:
            raise ValidationFailed(
                {"comment": "say what needs to change before it can be authorised"}
            )
        with self.write() as session:
            user = self._actor(session, actor, Role.MANAGER)
            contact = self._load(session, contact_id, version)
            before = snapshot(contact, ["state", "return_comment"])
            self._move(session, contact, ContactState.RETURNED, user, now, comment.strip())
            contact.return_comment = comment.strip()
            return self._save(session, contact, user, "return", before, now, comment.strip())

    def reassign(self, actor: str, contact_id: int, version: int, to_username: str) -> Contact:
        """Give an open contact to another screener."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor, Role.MANAGER)
            contact = self._load(session, contact_id, version)
            if not contact.is_open:
                raise InvalidTransition(
                    f"{contact.reference} is authorised and cannot be reassigned"
                )
            target = session.exec(select(User).where(User.username == to_username)).first()
            if target is None or not target.active:
                raise ValidationFailed({"assigned_to": f"'{to_username}' is not an active user"})
            before = snapshot(contact, ["assigned_to_id"])
            contact.assigned_to_id = target.id
            return self._save(session, contact, user, "reassign", before, now)

    def record_referrer_informed(
        self, actor: str, contact_id: int, version: int, at: datetime | None = None
    ) -> Contact:
        """When the referrer was told the outcome."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            contact = self._load(session, contact_id, version)
            if contact.state == ContactState.AUTHORISED and contact.referrer_informed_at:
                raise InvalidTransition(
                    f"{contact.reference}: when the referrer was told is already recorded; "
                    "a manager can correct it by an amendment"
                )
            informed = ensure_utc(at) if at else now
            if informed > now + FUTURE_TOLERANCE or informed < contact.received_at:
                raise ValidationFailed(
                    {
                        "referrer_informed_at": "the referrer cannot be told before the contact or in the future"
                    }
                )
            before = snapshot(contact, ["referrer_informed_at"])
            contact.referrer_informed_at = informed
            return self._save(session, contact, user, "referrer_informed", before, now)

    def amend(
        self, actor: str, contact_id: int, version: int, changes: Mapping[str, Any], reason: str
    ) -> Contact:
        """Change an authorised contact: managers only, with a recorded reason."""
        now = self.clock.now()
        if len(reason.strip()) < 10:
            raise ValidationFailed({"reason": "give the reason for the amendment"})
        with self.write() as session:
            user = self._actor(session, actor, Role.MANAGER)
            contact = self._load(session, contact_id, version)
            if contact.state != ContactState.AUTHORISED:
                raise InvalidTransition(
                    f"{contact.reference} is still open: edit it instead of amending"
                )
            before = snapshot(contact, sorted(set(changes) | {"deadline_at"}))
            self._apply_changes(contact, changes, AMENDABLE_FIELDS, now)
            if (
                contact.next_step
                and contact.level
                and not self.fits(contact.level, contact.next_step)
                and not is_non_trivial(contact.mismatch_justification)
            ):
                raise JustificationRequired(
                    "the amended level and next step do not fit: justify them",
                    "mismatch_justification",
                )
            return self._save(session, contact, user, "amend", before, now, reason.strip())

    # ------------------------------------------------------------------ reading
    def get(self, contact_id: int) -> Contact:
        with self.read() as session:
            return self._load(session, contact_id, None)

    def detail(self, contact_id: int) -> ContactDetail:
        """The whole record with its related rows and the names of the people on it."""
        with self.read() as session:
            contact = self._load(session, contact_id, None)
            child = session.get(Child, contact.child_id)
            assert child is not None
            household = list(
                session.exec(
                    select(HouseholdMember).where(HouseholdMember.contact_id == contact_id)
                ).all()
            )
            checks = list(
                session.exec(
                    select(PartnerCheck)
                    .where(PartnerCheck.contact_id == contact_id)
                    .order_by(col(PartnerCheck.checked_at))
                ).all()
            )
            moves = list(
                session.exec(
                    select(Transition)
                    .where(Transition.contact_id == contact_id)
                    .order_by(col(Transition.id))
                ).all()
            )
            siblings: list[Contact] = []
            if contact.family_id is not None:
                siblings = list(
                    session.exec(
                        select(Contact).where(
                            Contact.family_id == contact.family_id, Contact.id != contact_id
                        )
                    ).all()
                )
            names = {
                u.id: u.display_name for u in session.exec(select(User)).all() if u.id is not None
            }
            return ContactDetail(contact, child, household, checks, moves, siblings, names)

    def queue_signature(self) -> tuple[int, int]:
        """How many contacts are open and how many audited changes exist (cheap to poll).

        Every change to a contact (and to a user) appends an audit entry under the writer
        lock, so a new, edited, moved or closed contact moves the audit counter; unlike a
        timestamp it does not depend on the clocks of the screeners' machines agreeing.
        """
        with self.read() as session:
            count = session.exec(
                select(func.count()).select_from(Contact).where(col(Contact.is_open).is_(True))
            ).one()
            counter = session.get(Counter, "audit")
            return int(count), counter.value if counter else 0

    def queue(self, *, assigned_to: str | None = None, limit: int = 2000) -> list[QueueRow]:
        """Open contacts, nearest deadline first: one indexed query of only the shown columns."""
        with self.read() as session:
            stmt = (
                sa_select(
                    col(Contact.id),
                    col(Contact.reference),
                    col(Child.first_name),
                    col(Child.last_name),
                    col(Contact.priority),
                    col(Contact.state),
                    col(Contact.level),
                    col(User.username),
                    col(Contact.received_at),
                    col(Contact.deadline_at),
                    col(Contact.version),
                    col(Contact.consent_outcome),
                    col(Contact.override_authorised_by_id),
                )
                .join(Child, col(Child.id) == col(Contact.child_id))
                .outerjoin(User, col(User.id) == col(Contact.assigned_to_id))
                .where(col(Contact.is_open).is_(True))
                .order_by(col(Contact.deadline_at), col(Contact.id))
                .limit(limit)
            )
            if assigned_to is not None:
                stmt = stmt.where(col(User.username) == assigned_to)
            return [
                QueueRow(
                    id=cid,
                    reference=reference,
                    child_name=f"{first} {last}".strip(),
                    priority=priority,
                    state=state,
                    level=level,
                    assigned_to=username or "",
                    received_at=received_at,
                    deadline_at=deadline_at,
                    version=version,
                    consent_outcome=consent,
                    override_pending=consent in ("refused", "not_sought") and authorised_by is None,
                )
                for (
                    cid,
                    reference,
                    first,
                    last,
                    priority,
                    state,
                    level,
                    username,
                    received_at,
                    deadline_at,
                    version,
                    consent,
                    authorised_by,
                ) in session.execute(stmt).all()
            ]

    def find_children(
        self,
        first_name: str,
        last_name: str,
        date_of_birth: date | None = None,
        nhs_number: str = "",
    ) -> list[Child]:
        """Children already known by identifier, or by name and date of birth."""
        conditions: list[Any] = []
        nhs = nhs_number.replace(" ", "")
        if nhs:
            conditions.append(col(Child.nhs_number) == nhs)
        if last_name.strip() and (first_name.strip() or date_of_birth):
            name_match: list[Any] = [func.lower(Child.last_name) == last_name.strip().lower()]
            if first_name.strip():
                name_match.append(func.lower(Child.first_name) == first_name.strip().lower())
            if date_of_birth is not None:
                name_match.append(col(Child.date_of_birth) == date_of_birth)
            conditions.append(and_(*name_match))
        if not conditions:
            return []
        with self.read() as session:
            return list(session.exec(select(Child).where(or_(*conditions)).limit(20)).all())

    def earlier_contacts(
        self,
        child_ids: Sequence[int],
        *,
        exclude_contact_id: int | None = None,
        at: datetime | None = None,
    ) -> list[EarlierContact]:
        """Earlier contacts about these children, flagging repeats within 12 months."""
        if not child_ids:
            return []
        now = at or self.clock.now()
        with self.read() as session:
            stmt = (
                select(Contact)
                .where(col(Contact.child_id).in_(list(child_ids)))
                .order_by(col(Contact.received_at).desc())
            )
            if exclude_contact_id is not None:
                stmt = stmt.where(Contact.id != exclude_contact_id)
            out = []
            for c in session.exec(stmt).all():
                assert c.id is not None
                out.append(
                    EarlierContact(
                        id=c.id,
                        reference=c.reference,
                        received_at=c.received_at,
                        state=c.state,
                        level=c.level,
                        next_step=c.next_step,
                        concern=c.concern,
                        within_12_months=now - c.received_at <= REPEAT_WINDOW,
                    )
                )
            return out

    # ------------------------------------------------------------------ drafts
    def save_draft(
        self,
        actor: str,
        kind: str,
        payload: dict[str, Any],
        draft_id: int | None = None,
        contact_id: int | None = None,
    ) -> int:
        """Keep form text as it is typed; cheap enough to call on every change."""
        now = self.clock.now()
        with self.write() as session:
            user = self._actor(session, actor)
            draft = session.get(Draft, draft_id) if draft_id is not None else None
            if draft is None or draft.user_id != user.id:
                assert user.id is not None
                draft = Draft(
                    user_id=user.id,
                    kind=kind,
                    contact_id=contact_id,
                    payload=payload,
                    updated_at=now,
                )
            else:
                draft.payload = dict(payload)
                draft.updated_at = now
            session.add(draft)
            session.flush()
            assert draft.id is not None
            return draft.id

    def drafts(self, actor: str) -> list[Draft]:
        with self.read() as session:
            user = self._actor(session, actor)
            return list(
                session.exec(
                    select(Draft)
                    .where(Draft.user_id == user.id)
                    .order_by(col(Draft.updated_at).desc())
                ).all()
            )

    def discard_draft(self, actor: str, draft_id: int) -> None:
        with self.write() as session:
            user = self._actor(session, actor)
            draft = session.get(Draft, draft_id)
            if draft is not None and draft.user_id == user.id:
                session.delete(draft)
