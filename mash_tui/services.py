"""Provides the thin facade the screens and the command line call: one method per use-case.

Each write runs one use-case from `mash_tui.usecases` in its own unit of work at the
clock's now; each read asks `mash_tui.queries`. The importer and the demo open a unit of
work of their own (`Services.unit_of_work`) and call the same use-case functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from mash_tui.domain import rules
from mash_tui.domain.clock import Clock, SystemClock
from mash_tui.domain.deadlines import DeadlinePolicy
from mash_tui.domain.inputs import (
    ConsentInput,
    DecisionInput,
    IntakeInput,
    LevelInput,
    PartnerCheckInput,
)
from mash_tui.domain.levels import Framework, load_builtin
from mash_tui.domain.matching import ChildQuery
from mash_tui.domain.oversight import OversightPolicy
from mash_tui.domain.states import Role
from mash_tui.queries import detail as detail_queries
from mash_tui.queries import lookups
from mash_tui.queries import queue as queue_queries
from mash_tui.queries.detail import ContactDetail, EarlierContact
from mash_tui.queries.queue import QueueRow
from mash_tui.store.audit import AuditCheck, verify_chain
from mash_tui.store.audit_rows import contact_differences
from mash_tui.store.checkpoint import Head, against_checkpoints, read_head
from mash_tui.store.engine import is_read_only_error, session_factory
from mash_tui.store.lock import writer_session
from mash_tui.store.row_changes import check_row_changes
from mash_tui.store.tables import (
    AuditEntry,
    Contact,
    Draft,
    HouseholdMember,
    PartnerCheck,
    User,
)
from mash_tui.usecases import drafts as draft_cases
from mash_tui.usecases import intake as intake_cases
from mash_tui.usecases import oversight, screening, users
from mash_tui.usecases.tx import Tx, active_user, unit_of_work

if TYPE_CHECKING:
    from mash_tui.domain.weeks import IsoWeek
    from mash_tui.exports import StagedFile
    from mash_tui.queries.drilldown import ContactRef
    from mash_tui.queries.weekly import WeeklySummary

__all__ = ["AuditCheck", "ContactDetail", "EarlierContact", "QueueRow", "Services"]


class Services:
    """Every use-case of mash-tui, over an engine and a clock that are passed in."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock | None = None,
        policy: DeadlinePolicy | None = None,
        framework: Framework | None = None,
        oversight: OversightPolicy | None = None,
    ) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.policy = policy or DeadlinePolicy()
        self.framework = framework or load_builtin()
        self.oversight = oversight or OversightPolicy()
        self._sessions = session_factory(engine)

    # ------------------------------------------------------------------ sessions
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction that first takes the single writer lock row."""
        with writer_session(self._sessions) as session:
            yield session

    @contextmanager
    def unit_of_work(self, at: datetime | None = None) -> Iterator[Tx]:
        """Several acts in one transaction, each at a chosen instant in a named person's name."""
        now = at if at is not None else self.clock.now()
        with unit_of_work(
            self._sessions,
            now=now,
            policy=self.policy,
            framework=self.framework,
            oversight=self.oversight,
        ) as tx:
            yield tx

    # ------------------------------------------------------------------ users
    def identify(self, username: str) -> User:
        """The active user record for a login, or a clear refusal."""
        with self.read() as session:
            return active_user(session, username)

    def require(self, username: str, minimum: str = Role.SCREENER) -> User:
        """Refuse a login without an active record, or without at least this role."""
        with self.read() as session:
            return active_user(session, username, Role(minimum))

    def has_users(self) -> bool:
        """Whether anyone has a user record yet (a first run has none)."""
        with self.read() as session:
            return lookups.has_users(session)

    def list_users(self) -> list[User]:
        """Every user record, by login."""
        with self.read() as session:
            return lookups.users(session)

    def screeners(self) -> list[User]:
        """Active users a contact can be assigned to."""
        with self.read() as session:
            return lookups.screeners(session)

    def add_user(
        self,
        actor: str | None,
        username: str,
        display_name: str,
        role: str = Role.SCREENER,
        *,
        db_login: str = "",
    ) -> User:
        """Add a user; the very first user may be added by nobody (first run)."""
        with self.unit_of_work() as tx:
            return users.add_user(tx, actor, username, display_name, role, db_login=db_login)

    def set_user_active(self, actor: str, username: str, active: bool) -> User:
        """Disable (or re-enable) an account; the history it made stays."""
        with self.unit_of_work() as tx:
            return users.set_user_active(tx, actor, username, active)

    # ------------------------------------------------------------------ audit
    def record_export(
        self,
        actor: str,
        what: str,
        detail: dict[str, Any],
        staged: StagedFile | None = None,
    ) -> None:
        """Exports are changes too: who took which figures out, when, and the audit head they
        were made at. A staged file is put in place inside the same transaction (and taken
        away if that fails), so no export stands without its audit entry and no entry names
        a file that was never written."""
        try:
            with self.unit_of_work() as tx:
                head = read_head(tx.session, tx.now)
                if head is not None:
                    detail = {**detail, "audit_head": {"id": head.id, "hash": head.hash}}
                users.record_export(tx, actor, what, detail)
                tx.session.flush()
                if staged is not None:
                    staged.publish()
        except BaseException:
            if staged is not None:
                staged.discard()
            raise

    def verify_audit(self, actor: str, checkpoints: Sequence[Head] = ()) -> AuditCheck:
        """Walk the chain; report the first entry altered, inserted or removed, (given
        checkpoints kept outside the database) a trail cut short or rewritten since, and
        any contact whose row was changed without an audit entry.

        A manager or reporting officer asks, and the check is audited in their name; on a
        read-only copy (an inspector's snapshot) it still answers and says it was not recorded.
        """
        self.require(actor, Role.REPORTING)
        result = self._check_chain(checkpoints)
        detail = {"ok": result.ok, "entries": result.entries, "checkpoints": len(checkpoints)}
        try:
            with self.unit_of_work() as tx:
                users.record_audit_check(tx, actor, detail, "" if result.ok else result.message)
        except DBAPIError as exc:
            # The answer still stands. A trail found damaged may refuse the entry (a forged
            # row where the next one goes): the answer already says what is wrong with it.
            if not result.ok:
                return result
            if not is_read_only_error(exc):
                raise
            return AuditCheck(
                result.ok,
                result.entries,
                result.first_bad_id,
                f"{result.message} (this check is not recorded in the trail: "
                "the database is read-only)",
            )
        return result

    def _check_chain(self, checkpoints: Sequence[Head]) -> AuditCheck:
        with self.read() as session:
            result = verify_chain(session)
            if not result.ok:
                return result
            problem = against_checkpoints(session, list(checkpoints))
        if problem is not None:
            return AuditCheck(False, result.entries, None, problem)
        problem = check_row_changes(self.engine)
        if problem is not None:
            return AuditCheck(False, result.entries, None, problem)
        differences = contact_differences(self.engine)
        if differences:
            more = len(differences) - 1
            also = f" (and {more} more contact{'s' if more != 1 else ''})" if more else ""
            return AuditCheck(False, result.entries, None, differences[0].line() + also)
        if checkpoints:
            newest = max(head.id for head in checkpoints)
            return AuditCheck(
                True,
                result.entries,
                None,
                f"{result.message}; agrees with {len(checkpoints)} checkpoint"
                f"{'s' if len(checkpoints) != 1 else ''} (up to entry {newest})",
            )
        return result

    def audit_head(self) -> Head | None:
        """The audit chain's newest entry now, for a checkpoint kept outside the database."""
        with self.read() as session:
            return read_head(session, self.clock.now())

    def history(self, contact_id: int) -> list[AuditEntry]:
        """Every audited change to one contact, oldest first."""
        with self.read() as session:
            return detail_queries.history(session, contact_id)

    # ------------------------------------------------------------------ checks
    def check_intake(self, intake: IntakeInput) -> dict[str, str]:
        """The intake's rule errors without writing anything, so a form can list them all at once."""
        return rules.check_intake(intake, self.clock.now())

    @staticmethod
    def consent_satisfied(contact: Contact) -> bool:
        """Consent given, or an override with grounds and rationale a manager authorised."""
        return not rules.check_consent_settled(
            contact.consent_outcome,
            contact.override_grounds,
            contact.override_rationale,
            contact.override_authorised_by_id,
        )

    def fits(self, level: int | None, next_step: str) -> bool:
        """Whether the framework lists this next step for this level."""
        return rules.fits(self.framework, level, next_step)

    def framework_for(self, contact: Contact) -> Framework:
        """The framework a contact was judged against (today: the one loaded)."""
        return self.framework

    # ------------------------------------------------------------------ intake
    def create_contact(
        self, actor: str, intake: IntakeInput, *, draft: bool = False
    ) -> list[Contact]:
        """Log a contact: one per child, siblings linked as a family."""
        with self.unit_of_work() as tx:
            return intake_cases.create_contact(tx, actor, intake, draft=draft)

    def complete_intake(self, actor: str, contact_id: int, version: int) -> Contact:
        """Move a draft contact into screening once its intake is whole."""
        with self.unit_of_work() as tx:
            return intake_cases.complete_intake(tx, actor, contact_id, version)

    def update_contact(
        self, actor: str, contact_id: int, version: int, changes: Mapping[str, Any]
    ) -> Contact:
        """Edit intake details of an open contact; the deadline follows received time and priority."""
        with self.unit_of_work() as tx:
            return intake_cases.update_contact(tx, actor, contact_id, version, changes)

    def add_household_member(
        self, actor: str, contact_id: int, name: str, relationship: str = "", notes: str = ""
    ) -> HouseholdMember:
        """Add someone living with the child to an open contact."""
        with self.unit_of_work() as tx:
            return intake_cases.add_household_member(
                tx, actor, contact_id, name, relationship, notes
            )

    # ------------------------------------------------------------------ screening
    def record_consent(
        self, actor: str, contact_id: int, version: int, consent: ConsentInput
    ) -> Contact:
        """Record consent, or the grounds and rationale for proceeding without it."""
        with self.unit_of_work() as tx:
            return screening.record_consent(tx, actor, contact_id, version, consent)

    def log_partner_check(
        self, actor: str, contact_id: int, check: PartnerCheckInput
    ) -> PartnerCheck:
        """Log what a partner agency was asked and shared, and why."""
        with self.unit_of_work() as tx:
            return screening.log_partner_check(tx, actor, contact_id, check)

    def set_level(self, actor: str, contact_id: int, version: int, choice: LevelInput) -> Contact:
        """Record the Level of Need against the framework in force, keeping its version."""
        with self.unit_of_work() as tx:
            return screening.set_level(tx, actor, contact_id, version, choice)

    def record_decision(
        self, actor: str, contact_id: int, version: int, decision: DecisionInput
    ) -> Contact:
        """The next step with its analysis; consent must be settled first."""
        with self.unit_of_work() as tx:
            return screening.record_decision(tx, actor, contact_id, version, decision)

    def submit(self, actor: str, contact_id: int, version: int) -> Contact:
        """Send a decided contact to a manager for authorisation."""
        with self.unit_of_work() as tx:
            return screening.submit(tx, actor, contact_id, version)

    # ------------------------------------------------------------------ oversight
    def authorise_override(
        self, actor: str, contact_id: int, version: int, note: str = ""
    ) -> Contact:
        """A manager agrees to share without consent, on the recorded rationale, with a note
        (required when the contact is late)."""
        with self.unit_of_work() as tx:
            return oversight.authorise_override(tx, actor, contact_id, version, note)

    def authorise(self, actor: str, contact_id: int, version: int, note: str = "") -> Contact:
        """A manager agrees the decision; the contact leaves the MASH and its clock stops.
        The manager's note is required when it is late or its level and next step differ."""
        with self.unit_of_work() as tx:
            return oversight.authorise(tx, actor, contact_id, version, note)

    def note_reasons(self, contact: Contact, *, override: bool = False) -> list[str]:
        """Why a manager's note is required to authorise this contact (or its override) now,
        so a dialog can say so before the manager types; empty when the note is optional."""
        return oversight.reasons_for(
            contact, self.framework, self.policy, self.clock.now(), override=override
        )

    def return_contact(self, actor: str, contact_id: int, version: int, comment: str) -> Contact:
        """Send a contact back to its screener with the manager's comment."""
        with self.unit_of_work() as tx:
            return oversight.return_contact(tx, actor, contact_id, version, comment)

    def reassign(self, actor: str, contact_id: int, version: int, to_username: str) -> Contact:
        """Give an open contact to another screener."""
        with self.unit_of_work() as tx:
            return oversight.reassign(tx, actor, contact_id, version, to_username)

    def record_referrer_informed(
        self, actor: str, contact_id: int, version: int, at: datetime | None = None
    ) -> Contact:
        """When the referrer was told the outcome."""
        with self.unit_of_work() as tx:
            return oversight.record_referrer_informed(tx, actor, contact_id, version, at)

    def amend(
        self, actor: str, contact_id: int, version: int, changes: Mapping[str, Any], reason: str
    ) -> Contact:
        """Change an authorised contact: managers only, with a recorded reason."""
        with self.unit_of_work() as tx:
            return oversight.amend(tx, actor, contact_id, version, changes, reason)

    # ------------------------------------------------------------------ reading
    def get(self, contact_id: int) -> Contact:
        """One contact as stored."""
        with self.read() as session:
            return detail_queries.get(session, contact_id)

    def by_reference(self, reference: str) -> Contact:
        """One contact by its reference, as people quote it."""
        with self.read() as session:
            return detail_queries.by_reference(session, reference)

    def detail(self, contact_id: int) -> ContactDetail:
        """The whole record with its related rows and the names of the people on it."""
        with self.read() as session:
            return detail_queries.detail(session, contact_id)

    def weekly_summary(
        self, week: IsoWeek | str, *, as_at: datetime | None = None, with_trend: bool = True
    ) -> WeeklySummary:
        """A week's timeliness figures as at an instant (default now), with their trend."""
        from mash_tui.queries.weekly import weekly_summary

        return weekly_summary(self, week, as_at=as_at, with_trend=with_trend)

    def drilldown(
        self, week: IsoWeek | str, figure_key: str, *, as_at: datetime | None = None
    ) -> list[ContactRef]:
        """The contacts behind one weekly figure, found by the very condition that counted them."""
        from mash_tui.queries.drilldown import drilldown

        return drilldown(self, week, figure_key, as_at=as_at)

    def queue_signature(self) -> tuple[int, int]:
        """How many contacts are open and how many audited changes exist (cheap to poll)."""
        with self.read() as session:
            return queue_queries.queue_signature(session)

    def queue(
        self, *, assigned_to: str | None = None, limit: int = 2000, repeats: bool = False
    ) -> list[QueueRow]:
        """Open contacts, nearest deadline first (with `repeats`: which are repeat contacts)."""
        with self.read() as session:
            return queue_queries.queue(
                session, assigned_to=assigned_to, limit=limit, repeats=repeats
            )

    def find_children(
        self,
        first_name: str,
        last_name: str,
        date_of_birth: date | None = None,
        nhs_number: str = "",
        postcode: str = "",
    ) -> list[lookups.ChildMatch]:
        """Known children who may be the one typed, likeliest first, each with the reason."""
        query = ChildQuery(first_name, last_name, date_of_birth, nhs_number, postcode)
        with self.read() as session:
            return lookups.find_children(session, query)

    def earlier_contacts(
        self,
        child_ids: Sequence[int],
        *,
        exclude_contact_id: int | None = None,
        at: datetime | None = None,
    ) -> list[EarlierContact]:
        """Earlier contacts about these children, flagging repeats within 12 months."""
        with self.read() as session:
            return detail_queries.earlier_contacts(
                session, child_ids, at or self.clock.now(), exclude_contact_id=exclude_contact_id
            )

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
        with self.unit_of_work() as tx:
            return draft_cases.save_draft(tx, actor, kind, payload, draft_id, contact_id)

    def drafts(self, actor: str) -> list[Draft]:
        """The person's saved drafts, newest first."""
        with self.read() as session:
            return lookups.drafts(session, active_user(session, actor).id)

    def discard_draft(self, actor: str, draft_id: int) -> None:
        """Forget a draft once its contact is saved or thrown away."""
        with self.unit_of_work() as tx:
            draft_cases.discard_draft(tx, actor, draft_id)
