"""A data·inclusion export in the sources: its structures of the perimeter (and their services)
are kept, listed in the manifest, and loaded by ``maillage load`` into the directory.

The export is an *exemple fictif* generated here in the published layout (JSON lists of records
of the data·inclusion v1 schema, as in ``structures.json`` / ``services.json``): invented names,
no position (the structures load « à localiser »), real commune codes only to place them in or
out of the perimeter. There is no real data·inclusion file in ``data/national``.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from maillage.directory.models import Service, Structure
from maillage.territory.loader import load_dataset

from .conftest import creer


def _structure(n: int, code_insee: str) -> dict:
    return {
        "source": "exemple-fictif",
        "id": f"exemple-fictif--s{n}",
        "nom": f"Centre social n° {n} (exemple fictif)",
        "date_maj": "2025-01-0" + str(1 + n % 9),
        "code_insee": code_insee,
        "description": "Structure d'exemple fictif, générée par le test.",
    }


def _service(n: int, structure: int) -> dict:
    return {
        "source": "exemple-fictif",
        "structure_id": f"exemple-fictif--s{structure}",
        "id": f"exemple-fictif--v{n}",
        "nom": f"Accompagnement des familles n° {n} (exemple fictif)",
        "description": "Service d'exemple fictif, généré par le test.",
        "date_maj": "2025-01-02",
    }


def write_export(folder: Path, structures: list[dict], services: list[dict]) -> None:
    (folder / "structures.json").write_text(json.dumps(structures, ensure_ascii=False), "utf-8")
    (folder / "services.json").write_text(json.dumps(services, ensure_ascii=False), "utf-8")


def _build(sources: Path, tmp_path: Path):
    out = tmp_path / "roubaix"
    result = creer("--communes", "59512", "--sources", str(sources), "-o", str(out))
    return out, result


def test_datainclusion_export_is_cut_and_loaded(db, sources, tmp_path):
    structures = [_structure(1, "59512"), _structure(2, "59512"), _structure(3, "13055")]
    services = [_service(1, 1), _service(2, 1), _service(3, 3)]
    write_export(sources, structures, services)
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 0, result.output

    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    kinds = [f["kind"] for f in manifest["files"]]
    di = manifest["files"][kinds.index("datainclusion")]
    assert di["licence"] and di["source_url"].startswith("https://www.data.gouv.fr/")
    kept = json.loads((out / di["path"]).read_text(encoding="utf-8"))
    assert [r["id"] for r in kept] == ["exemple-fictif--s1", "exemple-fictif--s2"]
    assert kept == structures[:2]  # records copied as they are
    services_entry = next(f for f in manifest["files"] if f["path"] == di["services"])
    assert services_entry["kind"] == "reference" and services_entry["licence"]
    assert [r["id"] for r in json.loads((out / di["services"]).read_text("utf-8"))] == [
        "exemple-fictif--v1",
        "exemple-fictif--v2",
    ]
    text = (out / "SOURCES.md").read_text(encoding="utf-8")
    assert "2 structure(s) sur 3" in text and "2 service(s) sur 3" in text

    load_dataset(str(out))
    fiches = Structure.objects.filter(territory__slug="roubaix", source="exemple-fictif")
    assert sorted(fiches.values_list("source_id", flat=True)) == ["s1", "s2"]
    assert not fiches.filter(lon__isnull=False).exists()  # no position: « à localiser »
    assert set(fiches.values_list("commune__insee_code", flat=True)) == {"59512"}
    assert Service.objects.filter(structure__in=fiches).count() == 2
    again = load_dataset(str(out))
    assert again.changed == 0, again.lines()


def test_a_missing_export_is_reported_not_fatal(sources, tmp_path):
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 0, result.output
    text = (out / "SOURCES.md").read_text(encoding="utf-8")
    assert "structures et services (export data·inclusion)" in text.split("## Absents")[1]


def test_a_record_refused_by_the_schema_stops_the_build(sources, tmp_path):
    bad = _structure(1, "59512")
    del bad["nom"]
    write_export(sources, [_structure(2, "13055"), bad], [])
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 1, result.output
    assert "Création refusée, rien n'a été écrit." in result.output
    for text in ("structures.json", "enregistrement n° 2", "nom"):
        assert text in result.output, result.output
    assert not out.exists()


def test_structures_are_typed_from_the_schema_referentials(db, sources, tmp_path):
    """``typologie`` (schema v0) and a single ``reseaux_porteurs`` (v1) give the directory type
    when they name one without doubt; other codes leave the structure untyped."""
    records = [_structure(n, "59512") for n in range(1, 7)]
    records[0]["typologie"] = "CS"  # Centre social
    records[1]["typologie"] = "CIAS"  # intercommunal: not Maillage's communal CCAS
    records[2]["reseaux_porteurs"] = ["mission-locale"]
    records[3]["reseaux_porteurs"] = ["caf"]  # also the structures the CAF approves
    records[4]["reseaux_porteurs"] = ["mission-locale", "france-travail"]
    records[5]["typologie"] = "CS"
    records[5]["maillage_typologie"] = "evs"  # Maillage's own addition wins
    write_export(sources, records, [])
    out, result = _build(sources, tmp_path)
    assert result.exit_code == 0, result.output
    text = (out / "SOURCES.md").read_text(encoding="utf-8")
    assert "1 par `maillage_typologie`, 2 par le champ `typologie`" in text
    assert "3 sans type" in text
    load_dataset(str(out))
    typed = dict(
        Structure.objects.filter(territory__slug="roubaix", source="exemple-fictif").values_list(
            "source_id", "typology__code"
        )
    )
    assert typed == {
        "s1": "centre-social",
        "s2": None,
        "s3": "mission-locale",
        "s4": None,
        "s5": None,
        "s6": "evs",
    }
