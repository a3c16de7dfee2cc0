"""Journal import from the spreadsheets partners keep today (CSV, XLSX or ODS), and export.

Columns: ``date, type, titre, axe, objectifs, quartiers, partenaires, participants, description,
instance`` (list cells separated by ``;``; ``instance`` names the body that met, optional).
Every row is validated first; a file with any refused row writes
nothing unless ``valid_only`` is asked. Writes happen in one transaction. An activity identical in
date, type, titre and axe to one already in the journal (or earlier in the file) is skipped, so an
import is safe to re-run.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.interop.tabular import TableError, read_table, write_table
from maillage.territory.models import Territory
from maillage.territory.services import territory_touch
from maillage.text import fold

from .models import Activity, Partner
from .selectors import journal_queryset
from .validation import PlanLookup, PlanValidationError, activity_validate

JOURNAL_COLUMNS: list[tuple[str, str]] = [
    ("date", "date"),
    ("type", "type"),
    ("titre", "titre"),
    ("axe", "axe"),
    ("objectifs", "objectifs"),
    ("quartiers", "quartiers"),
    ("partenaires", "partenaires"),
    ("participants", "participants"),
    ("description", "description"),
    ("instance", "instance"),
]
REQUIRED = ("date", "type", "titre", "axe")
ALIASES = {
    "objectif": "objectifs",
    "quartier": "quartiers",
    "partenaire": "partenaires",
    "axes": "axe",
    "nombre de participants": "participants",
    "instance reunie": "instance",
}
LIST_SEPARATOR = ";"
MAX_PARTICIPANTS = 1_000_000


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Ligne {line}, colonne « {field} » : {message}").format(
            line=self.line, field=self.field, message=self.message
        )


@dataclass
class JournalImportReport:
    filename: str
    dry_run: bool
    valid_only: bool
    rows: int = 0
    valid: int = 0
    created: int = 0
    duplicates: list[int] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)
    written: bool = False

    @property
    def refused_lines(self) -> list[int]:
        return sorted({p.line for p in self.refused})

    def lines(self) -> list[str]:
        out = [
            _(
                "{rows} ligne(s) lue(s) dans « {filename} » : {valid} valide(s), "
                "{refused} refusée(s), {duplicates} déjà au journal."
            ).format(
                rows=self.rows,
                filename=self.filename,
                valid=self.valid,
                refused=len(self.refused_lines),
                duplicates=len(self.duplicates),
            )
        ]
        out += [str(p) for p in self.refused]
        if self.dry_run:
            out.append(
                _("Simulation : {n} activité(s) seraient créées, rien n'est écrit.").format(
                    n=self.created
                )
            )
        elif self.written:
            out.append(_("{n} activité(s) créée(s).").format(n=self.created))
        else:
            out.append(
                _(
                    "Rien n'a été écrit : corrigez les lignes refusées, ou importez seulement "
                    "les lignes valides (--valid-only)."
                )
            )
        return out


def _unprotect(text: str) -> str:
    """Undo the « ' » our exports put before a text starting like a formula (« '-4 »)."""
    text = text.strip()
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(LIST_SEPARATOR) if part.strip()]


def parse_date(text: str) -> dt.date:
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text[:10] if "T" in text else text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("date « {text} » illisible (JJ/MM/AAAA ou AAAA-MM-JJ attendu).").format(text=text)
    )


def parse_participants(text: str) -> int | None:
    text = (text or "").strip().replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    not_integer = _("nombre entier attendu, trouvé « {text} ».").format(text=text)
    try:
        number = float(text.replace(",", "."))
    except ValueError as exc:
        raise ValueError(not_integer) from exc
    if not math.isfinite(number) or number != int(number):
        raise ValueError(not_integer)
    if number < 0:
        raise ValueError(
            _("le nombre de participants ne peut pas être négatif ({text}).").format(text=text)
        )
    if number > MAX_PARTICIPANTS:
        raise ValueError(_("nombre de participants invraisemblable ({text}).").format(text=text))
    return int(number)


def _column_map(columns: list[str], filename: str) -> dict[str, str]:
    known = {key for key, _label in JOURNAL_COLUMNS}
    mapping = {}
    for column in columns:
        key = fold(column)
        key = ALIASES.get(key, key)
        if key in known:
            mapping[key] = column
    if missing := [c for c in REQUIRED if c not in mapping]:
        raise TableError(
            _(
                "colonne(s) obligatoire(s) absente(s) de l'en-tête : {missing} "
                "(en-têtes attendus : {expected})."
            ).format(
                missing=", ".join(missing), expected=", ".join(k for k, _l in JOURNAL_COLUMNS)
            ),
            filename=filename,
        )
    return mapping


def activity_key(*, date: dt.date, kind_id: int, title: str, axis_ids: set[int]) -> tuple:
    """What makes two journal entries the same activity (for safe re-imports)."""
    return (date, kind_id, fold(title), frozenset(axis_ids))


def existing_activity_keys(*, territory: Territory) -> set[tuple]:
    """The :func:`activity_key` of every activity already in the territory's journal."""
    axes: dict[int, set[int]] = {}
    for act, axis in Activity.axes.through.objects.filter(
        activity__territory=territory
    ).values_list("activity_id", "axis_id"):
        axes.setdefault(act, set()).add(axis)
    return {
        activity_key(date=date, kind_id=kind_id, title=title, axis_ids=axes.get(pk, set()))
        for pk, date, kind_id, title in Activity.objects.filter(territory=territory).values_list(
            "pk", "date", "kind_id", "title"
        )
    }


def journal_import(
    *,
    territory: Territory,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    valid_only: bool = False,
    author: Any = None,
) -> JournalImportReport:
    """Validate every row of a journal spreadsheet, then write them in one transaction.

    Raises :class:`~maillage.interop.tabular.TableError` when the file itself is unreadable
    (format, encoding, header); row problems are reported in the returned report.
    """
    table = read_table(data, filename=filename)
    mapping = _column_map(table.columns, table.filename)
    report = JournalImportReport(filename=table.filename, dry_run=dry_run, valid_only=valid_only)
    lookup = PlanLookup.build(territory)
    existing = existing_activity_keys(territory=territory)
    to_create: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for line, row in table.rows:
        report.rows += 1

        def cell(key: str, row: dict = row) -> str:
            return _unprotect(row.get(mapping[key]) or "") if key in mapping else ""

        problems: list[RowProblem] = []
        values: dict[str, Any] = {
            "kind": cell("type"),
            "title": cell("titre"),
            "axes": _split(cell("axe")),
            "objectives": _split(cell("objectifs")),
            "zones": _split(cell("quartiers")),
            "partners": _split(cell("partenaires")),
            "description": cell("description"),
            "body": " ".join(cell("instance").split())[:200],
        }
        try:
            values["date"] = parse_date(cell("date"))
        except ValueError as exc:
            problems.append(RowProblem(line, "date", str(exc)))
            values["date"] = None
        try:
            values["participants"] = parse_participants(cell("participants"))
        except ValueError as exc:
            problems.append(RowProblem(line, "participants", str(exc)))
            values["participants"] = None
        if not values["kind"]:
            problems.append(RowProblem(line, "type", _("type d'activité obligatoire.")))
        try:
            resolved = activity_validate(
                territory=territory,
                date=values["date"] or dt.date(territory.period_start, 1, 1),
                kind=values["kind"] or "?",
                title=values["title"],
                axes=values["axes"],
                objectives=values["objectives"],
                zones=values["zones"],
                participants=values["participants"],
                lookup=lookup,
            )
        except PlanValidationError as exc:
            seen = {p.field for p in problems}
            problems += [
                RowProblem(line, _field(name), " ".join(messages))
                for name, messages in exc.message_dict.items()
                if _field(name) not in seen
            ]
            resolved = None
        if problems or resolved is None:
            report.refused += problems
            continue
        report.valid += 1
        key = activity_key(
            date=values["date"],
            kind_id=resolved["kind"].pk,
            title=values["title"],
            axis_ids={a.pk for a in resolved["axes"]},
        )
        if key in existing:
            report.duplicates.append(line)
            continue
        existing.add(key)
        to_create.append((values, resolved))
    if report.refused and not valid_only:
        return report
    report.created = len(to_create)
    if dry_run or not to_create:
        report.written = not dry_run
        return report
    with transaction.atomic():
        _bulk_write(territory=territory, rows=to_create, author=author)
        territory_touch(territory=territory)
    report.written = True
    return report


def _bulk_write(
    *, territory: Territory, rows: list[tuple[dict[str, Any], dict[str, Any]]], author: Any
) -> None:
    """Write validated rows: activities then their links, a few queries for the whole file."""
    partners = {fold(p.name): p for p in Partner.objects.filter(territory=territory)}
    for values, _resolved in rows:
        for name in values["partners"]:
            name = " ".join(name.split())[:300]
            if name and fold(name) not in partners:
                partners[fold(name)] = Partner.objects.create(territory=territory, name=name)
    activities = Activity.objects.bulk_create(
        [
            Activity(
                territory=territory,
                date=values["date"],
                kind=resolved["kind"],
                title=" ".join(values["title"].split()),
                description=values["description"],
                body=values["body"],
                participants=values["participants"],
                author=author,
            )
            for values, resolved in rows
        ]
    )
    if any(a.pk is None for a in activities):  # pragma: no cover (backends without RETURNING)
        raise RuntimeError("bulk_create did not return primary keys")
    links: dict[str, list] = {"axes": [], "objectives": [], "zones": [], "partners": []}
    for activity, (values, resolved) in zip(activities, rows, strict=True):
        links["axes"] += [(activity.pk, a.pk) for a in resolved["axes"]]
        links["objectives"] += [(activity.pk, o.pk) for o in dict.fromkeys(resolved["objectives"])]
        links["zones"] += [(activity.pk, z.pk) for z in dict.fromkeys(resolved["zones"])]
        chosen = dict.fromkeys(
            partners[fold(" ".join(n.split())[:300])] for n in values["partners"] if n.strip()
        )
        links["partners"] += [(activity.pk, p.pk) for p in chosen]
    for name, field_name in (
        ("axes", "axis_id"),
        ("objectives", "objective_id"),
        ("zones", "zone_id"),
        ("partners", "partner_id"),
    ):
        through = getattr(Activity, name).through
        through.objects.bulk_create(
            [through(activity_id=a, **{field_name: b}) for a, b in links[name]]
        )


_FIELD_NAMES = {"titre": "titre", "type": "type", "axe": "axe", "position": "quartiers"}


def _field(name: str) -> str:
    return _FIELD_NAMES.get(name, name)


def journal_template(*, fmt: str = "xlsx") -> bytes:
    """An empty journal spreadsheet (headers only) in ``fmt`` (csv, xlsx or ods)."""
    return write_table([], columns=JOURNAL_COLUMNS, fmt=fmt)


def journal_rows(*, territory: Territory, **filters: Any) -> list[dict[str, Any]]:
    """The journal as rows with the import columns (an export re-imports unchanged).

    ``filters`` are those of :func:`~maillage.plan.selectors.journal_queryset`; oldest first.
    """
    through = {
        name: getattr(Activity, name).through.objects.filter(activity__territory=territory)
        for name in ("axes", "objectives", "zones", "partners")
    }
    lists: dict[str, dict[int, list]] = {name: {} for name in through}
    for name, fields in (
        ("axes", ("axis__number",)),
        ("objectives", ("objective__axis__number", "objective__number")),
        ("zones", ("zone__name",)),
        ("partners", ("partner__name",)),
    ):
        for act, *values in through[name].order_by("pk").values_list("activity_id", *fields):
            lists[name].setdefault(act, []).append(values)
    rows = []
    activities = (
        journal_queryset(territory=territory, **filters)
        .order_by("date", "pk")
        .values_list("pk", "date", "kind__name", "title", "participants", "description", "body")
    )
    for pk, date, kind, title, participants, description, body in activities:
        objectives = sorted(lists["objectives"].get(pk, []))
        rows.append(
            {
                "date": date,
                "type": kind,
                "titre": title,
                "axe": "; ".join(str(n) for (n,) in sorted(lists["axes"].get(pk, []))),
                "objectifs": "; ".join(f"{a}.{o}" for a, o in objectives),
                "quartiers": "; ".join(n for (n,) in lists["zones"].get(pk, [])),
                "partenaires": "; ".join(n for (n,) in lists["partners"].get(pk, [])),
                "participants": participants,
                "description": description,
                "instance": body,
            }
        )
    return rows
