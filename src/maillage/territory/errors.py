"""Errors raised when a dataset cannot be loaded."""

from __future__ import annotations


class DatasetError(Exception):
    """A dataset file is missing or malformed.

    The message is French and names the file, the line or feature, and the field.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        location: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.location = location
        self.field = field
        self.detail = message
        parts = []
        if file:
            parts.append(f"fichier « {file} »")
        if location:
            parts.append(location)
        if field:
            parts.append(f"champ « {field} »")
        prefix = ", ".join(parts)
        super().__init__(f"{prefix[:1].upper()}{prefix[1:]} : {message}" if prefix else message)
