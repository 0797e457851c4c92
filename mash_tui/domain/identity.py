"""Provides who is acting in the app: the login, the name people see and the role."""

from __future__ import annotations

from dataclasses import dataclass

from mash_tui.domain import states


@dataclass(frozen=True)
class Identity:
    """Who is using the app, as the user record says."""

    login: str
    display_name: str
    role: str

    @property
    def is_manager(self) -> bool:
        return states.is_manager(self.role)
