"""Structures and services in spreadsheets (CSV, XLSX, ODS): template, import, export.

One row describes a structure and, optionally, one of its services; several rows naming the same
structure (same source identifier, or same name and address) add several services. The export
has exactly the template's columns, so a list can be exported, corrected and imported back.
Imports are safe to re-run (existing structures are matched, see :mod:`.matching`), can be
simulated (``dry_run``), and write nothing when a row is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from maillage.directory.models import Structure
from maillage.directory.summaries import public_provenance
from maillage.territory.models import Commune, Territory
from maillage.text import fold

from .report import ImportReport
from .tabular import Table, TableError, read_table, write_table
from .writer import DirectoryWriter, Where, run_import

STRUCTURE_COLUMNS: list[tuple[str, str]] = [
    ("source", "Source"),
    ("source_id", "Identifiant à la source"),
    ("name", "Nom"),
    ("typology", "Typologie (code)"),
    ("organisation", "Organisation"),
    ("sector", "Secteur"),
    ("description", "Description"),
    ("address", "Adresse"),
    ("postcode", "Code postal"),
    ("commune", "Commune (code INSEE ou nom)"),
    ("lon", "Longitude"),
    ("lat", "Latitude"),
    ("position_precision", "Précision de la position"),
    ("position_source", "Source de la position"),
    ("opening_hours", "Horaires (format OpenStreetMap)"),
    ("phone", "Téléphone"),
    ("email", "Courriel"),
    ("website", "Site web"),
    ("acceslibre_url", "Fiche Acceslibre"),
    ("siret", "SIRET"),
    ("uai", "UAI"),
    ("finess", "FINESS"),
    ("grouped_count", "Nombre de lieux regroupés"),
    ("data_updated_on", "Données mises à jour le"),
    ("note", "Note"),
    ("published", "Publiée (oui/non)"),
]
SERVICE_COLUMNS: list[tuple[str, str]] = [
    ("service_source_id", "Service : identifiant"),
    ("service_name", "Service : nom"),
    ("service_description", "Service : description"),
    ("service_type", "Service : type"),
    ("service_thematiques", "Service : thématiques"),
    ("service_publics", "Service : publics"),
    ("service_frais", "Service : frais"),
    ("service_modes_accueil", "Service : modes d'accueil"),
    ("service_opening_hours", "Service : horaires"),
    ("service_age_min", "Service : âge minimum (ans)"),
    ("service_age_max", "Service : âge maximum (ans, exclu)"),
    ("service_capacity", "Service : capacité (places)"),
    ("service_places_open_to_public", "Service : places ouvertes aux extérieurs"),
    ("service_insertion_places", "Service : places à vocation d'insertion"),
    ("service_childcare_modes", "Service : modes d'accueil du jeune enfant"),
]
COLUMNS = STRUCTURE_COLUMNS + SERVICE_COLUMNS
LABELS = dict(COLUMNS)
SERVICE_LABELS = {k.removeprefix("service_"): v for k, v in SERVICE_COLUMNS}
FLOATS = {"lon", "lat", "service_age_min", "service_age_max"}
INTEGERS = {
    "grouped_count",
    "service_capacity",
    "service_places_open_to_public",
    "service_insertion_places",
}
LISTS = {
    "service_thematiques",
    "service_publics",
    "service_modes_accueil",
    "service_childcare_modes",
}
PRECISION_LABELS = {"exact": "exacte", "approximate": "approchée", "unknown": "inconnue"}
PRECISIONS = {fold(v): k for k, v in PRECISION_LABELS.items()} | {k: k for k in PRECISION_LABELS}
_LIST_SPLIT = re.compile(r"[,;|\n]+")
_YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
_NO = {"non", "n", "no", "faux", "false", "0"}


def template(*, fmt: str) -> bytes:
    """An empty spreadsheet with the expected columns (header row only)."""
    return write_table([], columns=COLUMNS, fmt=fmt)


# --------------------------------------------------------------------------- export


def structure_rows(*, territory: Territory, published_only: bool = False) -> list[dict[str, Any]]:
    """One row per structure and service (a structure without service has one row)."""
    structures = (
        Structure.objects.filter(territory=territory)
        .select_related("commune", "typology", "organisation")
        .prefetch_related("services")
        .order_by("name", "pk")
    )
    if published_only:  # what the public may download: no declared-only supply, no notes
        structures = structures.filter(published=True, declared_only=False)
    rows = []
    for s in structures:
        base = {key: getattr(s, key) for key, _ in STRUCTURE_COLUMNS if hasattr(s, key)}
        if published_only:
            base.update(public_provenance({"public_source": s.public_source, **base}))
            base.pop("public_source")
        base.update(
            {
                "typology": s.typology.code if s.typology is not None else "",
                "organisation": s.organisation.name if s.organisation is not None else "",
                "commune": s.commune.insee_code if s.commune is not None else "",
                "published": s.published,
                "position_precision": PRECISION_LABELS.get(s.position_precision, ""),
            }
        )
        services = [sv for sv in s.services.all() if sv.published or not published_only]
        if not services:
            rows.append(base)
        for sv in services:
            row = dict(base)
            for key, _ in SERVICE_COLUMNS:
                value = getattr(sv, key.removeprefix("service_"))
                row[key] = ", ".join(value) if isinstance(value, list) else value
            rows.append(row)
    return rows


def structures_table(*, territory: Territory, fmt: str, published_only: bool = False) -> bytes:
    rows = structure_rows(territory=territory, published_only=published_only)
    return write_table(rows, columns=COLUMNS, fmt=fmt)


# --------------------------------------------------------------------------- import


def _header_map(table: Table) -> tuple[dict[str, str], list[str]]:
    """Spreadsheet column → key, accepting the French header or the key, and unknown columns."""
    known = {fold(label): key for key, label in COLUMNS} | {fold(key): key for key, _ in COLUMNS}
    mapping, unknown = {}, []
    for column in table.columns:
        key = known.get(fold(column))
        if key:
            mapping[column] = key
        else:
            unknown.append(column)
    return mapping, unknown


class _RowParser:
    def __init__(self, report: ImportReport, filename: str) -> None:
        self.report, self.filename = report, filename
        self.communes = {c.insee_code: c.insee_code for c in Commune.objects.all()}
        self.communes |= {fold(c.name): c.insee_code for c in Commune.objects.all()}

    def refuse(self, line: int, key: str, message: str) -> None:
        self.report.refuse(
            file=self.filename, row=line, field=LABELS.get(key, key), message=message
        )

    def parse(self, line: int, values: dict[str, str]) -> dict[str, Any] | None:
        before = len(self.report.problems)
        out: dict[str, Any] = {}
        for key, text in values.items():
            text = text.strip()
            if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
                text = text[1:]  # undo the export's formula protection
            out[key] = self._value(line, key, text)
        if len(self.report.problems) > before:
            return None
        return out

    def _value(self, line: int, key: str, text: str) -> Any:
        if key in FLOATS or key in INTEGERS:
            if not text:
                return None
            try:
                number = float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
            except ValueError:
                self.refuse(line, key, f"nombre attendu (« {text[:40]} »).")
                return None
            if number != number or number in (float("inf"), float("-inf")):
                self.refuse(line, key, "nombre attendu.")
                return None
            if key in INTEGERS:
                if not number.is_integer() or abs(number) > 1_000_000:
                    self.refuse(line, key, f"nombre entier attendu (« {text[:40]} »).")
                    return None
                return int(number)
            return number
        if key in LISTS:
            return sorted({v.strip() for v in _LIST_SPLIT.split(text) if v.strip()})
        if key == "published":
            if not text or text.lower() in _YES:
                return True
            if text.lower() in _NO:
                return False
            self.refuse(line, key, "« oui » ou « non » attendu.")
            return None
        if key == "commune" and text:
            code = self.communes.get(text) or self.communes.get(fold(text))
            if code is None:
                self.refuse(line, key, f"commune « {text[:60]} » inconnue.")
            return code
        if key == "data_updated_on":
            if not text:
                return None
            try:
                return dt.date.fromisoformat(text[:10])
            except ValueError:
                try:
                    return dt.datetime.strptime(text[:10], "%d/%m/%Y").date()
                except ValueError:
                    self.refuse(line, key, "date attendue (JJ/MM/AAAA ou AAAA-MM-JJ).")
                    return None
        if key == "email" and text:
            try:
                EmailValidator()(text)
            except ValidationError:
                self.refuse(line, key, f"adresse de courriel invalide (« {text[:60]} »).")
        if key in ("website", "acceslibre_url") and text:
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError:
                self.refuse(line, key, f"adresse web invalide (« {text[:60]} »).")
        if key == "position_precision" and text:
            if fold(text) in PRECISIONS:
                return PRECISIONS[fold(text)]
            self.refuse(line, key, "« exacte », « approchée » ou « inconnue » attendu.")
        return text


def _structure_key(row: dict[str, Any]) -> str:
    if row.get("source") and row.get("source_id"):
        return f"id|{row['source']}|{row['source_id']}"
    place = row.get("address") or f"sans adresse {row.get('commune') or row.get('postcode')}"
    return f"nom|{fold(row.get('name'))}|{fold(place)}"


def _structure_fields(row: dict[str, Any], writer: DirectoryWriter) -> dict[str, Any]:
    skip = {"source", "source_id", "organisation"}
    fields = {k: row.get(k) for k, _ in STRUCTURE_COLUMNS if k not in skip and k in row}
    for key in ("typology", "commune"):
        if key in fields:
            fields[key] = fields[key] or None
    if "published" in fields and fields["published"] is None:
        fields.pop("published")
    if fields.get("lon") is None or fields.get("lat") is None:
        for key in ("position_precision", "position_source"):
            fields.pop(key, None)
    elif fields.get("position_precision") in (None, "", Structure.Precision.UNKNOWN):
        fields["position_precision"] = Structure.Precision.APPROXIMATE
    org = writer.organisation(row.get("organisation") or "")
    if org is not None:
        fields["organisation"] = org
    return fields


def _service_fields(row: dict[str, Any]) -> dict[str, Any]:
    fields = {
        k.removeprefix("service_"): row[k]
        for k, _ in SERVICE_COLUMNS
        if k in row and k not in ("service_source_id",)
    }
    fields["name"] = row.get("service_name") or ""
    return fields


def structures_import(
    *, territory: Territory, data: bytes, filename: str, dry_run: bool = False
) -> ImportReport:
    """Import a spreadsheet of structures (and services) into ``territory``: all or nothing."""

    def body(report: ImportReport) -> None:
        try:
            table = read_table(data, filename=filename)
        except TableError as exc:
            report.refuse(
                file=exc.filename, row=exc.row, field=exc.field or "", message=exc.located_detail
            )
            return
        mapping, unknown = _header_map(table)
        for column in unknown:
            report.refuse(
                file=table.filename,
                row=None,
                field=column,
                message="colonne inconnue (voir le modèle : maillage import structures "
                "--template).",
            )
        if "name" not in mapping.values():
            report.refuse(
                file=table.filename, row=None, field=LABELS["name"], message="colonne absente."
            )
        if report.problems:
            return
        parser = _RowParser(report, table.filename)
        groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for line, raw in table.rows:
            row = parser.parse(line, {mapping[c]: v for c, v in raw.items() if c in mapping})
            if row is None:
                continue
            if not row.get("name"):
                parser.refuse(line, "name", "Le nom est obligatoire.")
                continue
            groups.setdefault(_structure_key(row), []).append((line, row))
        writer = DirectoryWriter(
            territory=territory, report=report, labels=LABELS, service_labels=SERVICE_LABELS
        )
        for rows in groups.values():
            first_line, first = rows[0]
            for line, row in rows[1:]:
                for key, _ in STRUCTURE_COLUMNS:
                    if row.get(key) not in (None, "", first.get(key)):
                        parser.refuse(
                            line,
                            key,
                            f"valeur différente de la ligne {first_line} pour la même structure.",
                        )
            structure = writer.structure(
                where=Where(table.filename, first_line),
                source=first.get("source") or "",
                source_id=first.get("source_id") or "",
                fields=_structure_fields(first, writer),
            )
            if structure is None:
                continue
            for line, row in rows:
                if not row.get("service_name"):
                    if any(row.get(k) not in (None, "", []) for k, _ in SERVICE_COLUMNS):
                        parser.refuse(line, "service_name", "nom du service manquant.")
                    continue
                writer.service(
                    where=Where(table.filename, line),
                    structure=structure,
                    source=structure.source if row.get("service_source_id") else "",
                    source_id=row.get("service_source_id") or "",
                    fields=_service_fields(row),
                )

    return run_import(dry_run=dry_run, body=body)


__all__ = [
    "COLUMNS",
    "structure_rows",
    "structures_import",
    "structures_table",
    "template",
]
