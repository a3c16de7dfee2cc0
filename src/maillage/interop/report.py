"""The result of an import: counts and every refused row, in French, computed once.

Every importer of :mod:`maillage.interop` returns an :class:`ImportReport`; the CLI, the API and
the web pages render it. When ``problems`` is not empty nothing was written (one transaction).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One refused value: file, row (line number or record number), field and French message."""

    file: str
    row: int | None
    field: str
    message: str
    row_label: str = "ligne"

    def __str__(self) -> str:
        where = [f"Fichier « {self.file} »"]
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.field:
            where.append(f"champ « {self.field} »")
        return f"{', '.join(where)} : {self.message}"


@dataclass
class ImportReport:
    """Counts by kind of object (``created``/``updated``/``unchanged``) and refused rows."""

    dry_run: bool = False
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, what: str, outcome: str) -> None:
        target = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ignored": self.ignored,
        }
        counts = target[outcome]
        counts[what] = counts.get(what, 0) + 1

    def refuse(
        self, *, file: str, row: int | None, field: str, message: str, row_label: str = "ligne"
    ) -> None:
        self.problems.append(
            Problem(file=file, row=row, field=field, message=message, row_label=row_label)
        )

    def lines(self) -> list[str]:
        """French summary lines (counts, then every problem)."""
        out = []
        if self.problems:
            out.append(
                f"{len(self.problems)} erreur(s) : rien n'a été enregistré. "
                "Corrigez le fichier puis relancez l'import."
            )
            out += [f"  - {p}" for p in self.problems]
            return out
        prefix = "Simulation (rien n'est enregistré) : " if self.dry_run else ""
        labels = (
            ("created", "créé(s)"),
            ("updated", "modifié(s)"),
            ("unchanged", "inchangé(s)"),
            ("ignored", "ignoré(s) car hors du territoire"),
        )
        names = sorted({*self.created, *self.updated, *self.unchanged, *self.ignored})
        for name in names:
            parts = [
                f"{getattr(self, key).get(name, 0)} {label}"
                for key, label in labels
                if getattr(self, key).get(name)
            ]
            out.append(f"{prefix}{name} : {', '.join(parts)}")
        if not names:
            out.append(f"{prefix}aucune donnée à importer.")
        return out

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data
