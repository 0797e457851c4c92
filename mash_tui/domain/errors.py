"""Provides the typed refusals whose message a person understands; the UI and CLI show them as they are."""

from __future__ import annotations


class MashError(Exception):
    """Base of every refusal the service layer makes."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationFailed(MashError):
    """One or more fields are wrong; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        field, message = next(iter(self.errors.items()))
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{message}{more}", field)


class PermissionDenied(MashError):
    """The person's role does not allow this."""


class UnknownUser(MashError):
    """No active user record for this login."""


class NotFound(MashError):
    """The contact or user asked for does not exist."""


class InvalidTransition(MashError):
    """A state change that the contact's life does not allow."""


class ConsentRequired(MashError):
    """Consent is not recorded as given and no authorised override exists."""


class JustificationRequired(MashError):
    """The level and next step do not fit and nothing explains why."""


class StaleVersion(MashError):
    """Somebody else saved the contact first; nothing was overwritten."""


class ImportFailed(MashError):
    """Rows of an import are wrong; nothing was imported."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        row, column, reason = problems[0]
        super().__init__(
            f"row {row}, column {column}: {reason}"
            + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else "")
        )


def first_line(exc: BaseException) -> str:
    """One line for a person: the error's own message, never a traceback."""
    text = getattr(exc, "message", None) or str(exc).strip() or type(exc).__name__
    return str(text).splitlines()[0]
