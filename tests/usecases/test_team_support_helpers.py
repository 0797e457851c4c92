"""The shared builders walk a contact all the way to authorised."""

from __future__ import annotations

from team_support import authorised

from mash_tui.domain.states import ContactState
from mash_tui.services import Services


def test_helpers_walk_a_contact_to_authorised(services: Services) -> None:
    c = authorised(services)
    assert c.state == ContactState.AUTHORISED
    assert not c.is_open
    assert services.verify_audit("mgr").ok
