"""The folder's ``manifest.yaml`` and ``SOURCES.md``."""

from __future__ import annotations

from pathlib import Path

import yaml

from .common import BuildReport


def write_manifest(
    work: Path,
    report: BuildReport,
    period: tuple[int, int],
    period_defaulted: bool,
    neighbours_km: float,
    epci: str,
) -> None:
    chosen = f"EPCI {epci}" if epci else ", ".join(f"{n} ({c})" for c, n in report.communes)
    description = (
        f"Territoire construit par « maillage territoire creer » depuis les fichiers nationaux : "
        f"{chosen}."
    )
    data = {
        "format": 1,
        "territory": {
            "slug": report.slug,
            "name": report.name,
            "description": description,
            "communes": [c for c, _ in report.communes],
            "neighbours": [c for c, _ in report.neighbours],
            "period": list(period),
        },
        "files": [e.entry for e in report.extracts],
    }
    head = (
        "# Maillage dataset manifest — written by « maillage territoire creer », see SOURCES.md.\n"
    )
    if period_defaulted:
        head += "# period: année en cours + 3 par défaut — mettez celle de votre convention.\n"
    text = head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (work / "manifest.yaml").write_text(text, encoding="utf-8")


def write_sources_md(
    work: Path, report: BuildReport, sources: Path, neighbours_km: float, epci: str
) -> None:
    rule = f"à moins de {neighbours_km:g} km du territoire" if neighbours_km else "en contact"
    lines = [
        f"# Sources — {report.name}",
        "",
        "Dossier écrit par `maillage territoire creer` à partir des fichiers nationaux du dossier",
        f"`{sources.name}/`, lus dans leur format de publication, sans modification. Chaque",
        "fichier de `raw/` est un extrait : des entités ou des lignes du fichier national, jamais",
        "une valeur changée. Les CSV gardent leurs lignes octet pour octet ; les couches",
        "géographiques sont écrites en GeoJSON WGS84 (format stocké par Maillage, ADR 0001) avec",
        "les propriétés d'origine, plus les propriétés préfixées `_` que ce fichier décrit.",
        "",
        "## Périmètre",
        "",
        "- Territoire : "
        + (f"communes de l'EPCI {epci}" if epci else "communes choisies")
        + " — "
        + ", ".join(f"{n} ({c})" for c, n in report.communes),
        f"- Voisines (communes {rule}"
        + (" avec le territoire" if not neighbours_km else "")
        + ", dans le fichier des communes) : "
        + (", ".join(f"{n} ({c})" for c, n in report.neighbours) or "aucune"),
        "",
        "## Fichiers",
        "",
    ]
    for n, e in enumerate(report.extracts, start=1):
        entry = e.entry
        lines += [
            f"### {n}. `{entry['path']}` ({entry['kind']}"
            + (f", {entry['zone_kind']}" if "zone_kind" in entry else "")
            + ")",
            f"- Fichier national : `{e.source.label}` — {e.size} octets, SHA-256 `{e.sha256}`",
            f"- Titre : {entry['title']} ; producteur : {entry['producer']} ; licence : "
            f"{entry['licence']}",
            f"- Adresse de la source : {entry['source_url']}",
            f"- Millésime : {entry['vintage']}",
            f"- Provenance : {entry['origin']}",
            f"- Gardé : {e.kept}",
            "- Traitement : " + " ; ".join(e.treatment) + ".",
            "",
        ]
    if report.missing:
        lines += ["## Absents du dossier des sources", ""]
        lines += [f"- {m}" for m in report.missing] + [""]
    if report.notes:
        lines += ["## Remarques", ""] + [f"- {x}" for x in report.notes] + [""]
    if report.ignored:
        lines += ["## Fichiers ignorés", ""] + [f"- {x}" for x in report.ignored] + [""]
    (work / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")
