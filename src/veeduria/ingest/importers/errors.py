"""The two kinds of import error: a rejected file and a bad row."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ImportFailed(Exception):
    """The file was rejected; nothing was written. ``str()`` is the one-line message for the user,
    naming the file, the line and the column (in the active language)."""


class RowError(Exception):
    """One row could not be read (its line, its column and why)."""

    def __init__(self, line: int, column: str, message: str) -> None:
        super().__init__(
            _("línea %(line)d, columna %(column)s: %(message)s") % {"line": line, "column": column, "message": message}
        )
        self.line = line
        self.column = column
        self.message = message
