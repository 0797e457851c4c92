"""Provides the draft use-cases: form text kept as it is typed, and discarded when done."""

from __future__ import annotations

from typing import Any

from mash_tui.domain import rules
from mash_tui.store.tables import Draft
from mash_tui.usecases.guards import refuse
from mash_tui.usecases.tx import Tx

__all__ = ["discard_draft", "save_draft"]


def save_draft(
    tx: Tx,
    actor: str,
    kind: str,
    payload: dict[str, Any],
    draft_id: int | None = None,
    contact_id: int | None = None,
) -> int:
    """Keep form text as it is typed; cheap enough to call on every change."""
    refuse(rules.check_lengths("drafts", {"kind": kind}))
    user = tx.person(actor)
    draft = tx.session.get(Draft, draft_id) if draft_id is not None else None
    if draft is None or draft.user_id != user.id:
        assert user.id is not None
        draft = Draft(
            user_id=user.id, kind=kind, contact_id=contact_id, payload=payload, updated_at=tx.now
        )
    else:
        draft.payload = dict(payload)
        draft.updated_at = tx.now
    tx.session.add(draft)
    tx.session.flush()
    assert draft.id is not None
    return draft.id


def discard_draft(tx: Tx, actor: str, draft_id: int) -> None:
    """Forget a draft once its contact is saved or the person throws it away."""
    user = tx.person(actor)
    draft = tx.session.get(Draft, draft_id)
    if draft is not None and draft.user_id == user.id:
        tx.session.delete(draft)
