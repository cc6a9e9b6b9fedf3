"""The kit's exception hierarchy.

Every error the kit raises on purpose derives from :class:`KitError`, so the CLI can print it
as one line (no traceback) and callers can catch the family in one place.
"""

from __future__ import annotations


class KitError(Exception):
    """Raised when the kit refuses or fails a request for a reason it can explain in one line."""

    exit_code = 1

    def __str__(self) -> str:  # one line, always
        return " ".join(super().__str__().split("\n"))


class UsageError(KitError):
    """Raised when a command is called with an unknown lab, parameter, option or value type."""

    exit_code = 2


class DataError(KitError):
    """Raised when an input file cannot be read or does not have the expected form.

    Carries where the problem is (``file``, ``row``, ``column``) so the message reads
    ``file:row:column: message`` like a compiler error. ``row`` is 1-based over data rows
    (the header is row 0) unless the reader says otherwise.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column

    def __str__(self) -> str:
        where = [str(p) for p in (self.file, self.row, self.column) if p is not None]
        text = " ".join(self.message.split("\n"))
        return f"{':'.join(where)}: {text}" if where else text


class PlanError(DataError):
    """Raised when a detailed plan or a building proposal cannot be read or is invalid."""


class LabError(KitError):
    """Raised when a lab folder is malformed (missing lab.yml, notebook or parameters cell)."""


class MissingDependencyError(KitError):
    """Raised when an optional dependency is missing; the message names the extra to install."""
