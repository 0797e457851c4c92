"""Helpers shared by the team tests: walk a contact through its life in one call.

Kept in a test module (with a check of its own) so the role, audit, concurrency and
live-view tests build contacts the same way and stay short.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from mash_tui.domain.inputs import ChildInput, ConsentInput, DecisionInput, IntakeInput, LevelInput
from mash_tui.services import Services
from mash_tui.store.tables import Contact

RATIONALE = (
    "The father refused consent but the school reports fresh bruising and the "
    "child says she is frightened to go home tonight"
)


def intake(
    services: Services, first: str = "Ava", last: str = "Jones", **extra: Any
) -> IntakeInput:
    """A valid intake received an hour before the services' clock."""
    child = ChildInput(first, last, gender="F", ethnicity="WBRI")
    fields: dict[str, Any] = {
        "received_at": services.clock.now() - timedelta(hours=1),
        "source_code": "2A",
        "concern": "Bruise on the arm seen in PE; the child was quiet all day.",
        "children": [child],
        "referrer_name": "Ms Head",
        "referrer_agency": "Oak Primary",
    }
    fields.update(extra)
    return IntakeInput(**fields)


def cid(contact: Contact) -> int:
    """The id of a stored contact (always set once saved)."""
    assert contact.id is not None
    return contact.id


def create(services: Services, actor: str = "scr", **extra: Any) -> Contact:
    """One new contact in screening, assigned to the actor."""
    return services.create_contact(actor, intake(services, **extra))[0]


def consent_given() -> ConsentInput:
    return ConsentInput("given", sought_by="Sam", sought_from="Mother", method="phone")


def consent_refused() -> ConsentInput:
    return ConsentInput(
        "refused",
        sought_by="Sam",
        sought_from="Father",
        method="phone",
        grounds="Risk of significant harm",
        lawful_basis="Children Act 1989 s47",
        rationale=RATIONALE,
    )


def level() -> LevelInput:
    return LevelInput(3, "Several unmet needs that call for a multi-agency plan.")


def decision() -> DecisionInput:
    return DecisionInput(
        next_step="early_help",
        analysis="Needs are emerging and the family will engage with support.",
        sos_worried="Unexplained bruise.",
        sos_working_well="Mother engages with school.",
        sos_needs_to_happen="Early help assessment within ten days.",
        sos_scale=6,
    )


def decided(services: Services, actor: str = "scr", *, refused: bool = False) -> Contact:
    """A contact with consent, level and decision recorded, not yet submitted."""
    c = create(services, actor)
    if refused:
        c = services.record_consent(actor, cid(c), c.version, consent_refused())
        c = services.authorise_override("mgr", cid(c), c.version)
    else:
        c = services.record_consent(actor, cid(c), c.version, consent_given())
    c = services.set_level(actor, cid(c), c.version, level())
    return services.record_decision(actor, cid(c), c.version, decision())


def submitted(services: Services, actor: str = "scr") -> Contact:
    """A contact waiting for a manager's authorisation."""
    c = decided(services, actor)
    return services.submit(actor, cid(c), c.version)


def authorised(services: Services, actor: str = "scr", manager: str = "mgr") -> Contact:
    """A contact a manager has authorised (it has left the MASH)."""
    c = submitted(services, actor)
    return services.authorise(manager, cid(c), c.version)


def sql(services: Services, statement: str, **params: Any) -> None:
    """Run raw SQL behind the service layer's back, as a tamperer with database access would.

    Such a tamperer owns the tables, so they first take away the append-only guard
    (migration 0002) that refuses every plain UPDATE or DELETE on the audit trail.
    """
    with services.engine.begin() as conn:
        drop_audit_guard(conn)
        conn.execute(sa.text(statement), params)


def drop_audit_guard(conn: sa.Connection) -> None:
    """Remove the triggers that make audit_log append-only (the deliberate step of a tamperer)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    else:
        conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
