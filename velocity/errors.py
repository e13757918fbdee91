"""The one error type the core raises, and the exit codes the CLI maps it to.

Anything that is not a VelocityError is a bug and must stay loud.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    DATA = 1
    USAGE = 2
    INTERRUPTED = 130


class VelocityError(Exception):
    """A problem with the seller's data or store, told in one line, with a hint on how to fix it."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        code: ExitCode = ExitCode.DATA,
        *,
        kind: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        self.kind = kind  # the export kind the problem was found in, once known

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class NotAnExport(VelocityError):
    """A file that is not one velocity reads (binary, an unknown header, other JSON): an error when named,
    skipped with a note when met inside a folder."""
