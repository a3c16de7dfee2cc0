"""Dataset tables are read by ``interop.tabular``: encodings, delimiters, limits, French errors."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from maillage.interop.tabular import MAX_ROWS, Limits
from maillage.territory import loader
from maillage.territory.errors import DatasetError
from maillage.territory.loader import DATASETS_DIR, load_dataset, read_manifest
from maillage.territory.models import (
    CellZone,
    Commune,
    DatasetSource,
    PopulationCell,
    Statistic,
    Territory,
    Zone,
)

MODELS = (Territory, Commune, Zone, PopulationCell, CellZone, Statistic, DatasetSource)
POP_AGE = "raw/insee_rp_armentieres_pop_age_2011_2016_2022.csv"
ANNUAIRE = "raw/ecoles_armentieres_annuaire.csv"


@pytest.fixture
def dataset_copy(tmp_path: Path) -> Path:
    target = tmp_path / "armentieres"
    shutil.copytree(DATASETS_DIR / "armentieres", target)
    return target


def csv_paths(folder: Path) -> list[str]:
    return [s.path for s in read_manifest(folder).files if s.path.endswith(".csv")]


def snapshot() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def _swap_delimiter(data: bytes) -> bytes:
    text = data.decode("utf-8")
    first = text.split("\n", 1)[0]
    old = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=old))
    out = io.StringIO()
    csv.writer(out, delimiter="," if old == ";" else ";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


VARIANTS = {
    "windows-1252": lambda data: data.decode("utf-8").encode("cp1252"),
    "utf-8 with BOM": lambda data: b"\xef\xbb\xbf" + data,
    "other delimiter and CRLF": _swap_delimiter,
}


@pytest.mark.django_db
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_dataset_csv_rewritten_loads_the_same(variant, dataset_copy):
    """Rewriting every CSV (encoding, BOM, delimiter) changes nothing but their checksums."""
    names = csv_paths(dataset_copy)
    # Every CSV of the dataset folder is declared in the manifest, so all of them are rewritten.
    on_disk = {p.relative_to(dataset_copy).as_posix() for p in dataset_copy.rglob("*.csv")}
    assert len(names) >= 12
    assert sorted(names) == sorted(on_disk)
    rewritten = []
    for name in names:
        path = dataset_copy / name
        new = VARIANTS[variant](path.read_bytes())
        if new != path.read_bytes():  # an ASCII-only file is the same in Windows-1252
            path.write_bytes(new)
            rewritten.append(name)
    assert len(rewritten) >= len(names) - 1
    report = load_dataset(str(dataset_copy), dry_run=True)
    changed = {key: n for key, n in report.counts.items() if key[1] != "inchangé"}
    # Any value read differently (an accent, a number, a column) would create or modify a row.
    assert changed == {("sources de données", "modifié"): len(rewritten)}
    assert report.counts[("statistiques", "inchangé")] == Statistic.objects.count()


def _rewrite(folder: Path, name: str, edit) -> None:
    path = folder / name
    path.write_bytes(edit(path.read_bytes().decode("utf-8")))


def _short_row(text: str) -> bytes:
    # Row 2 cut right after its « value » field: « unit » and the next fields are missing.
    lines = text.split("\n")
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[1]]))
    assert header[:6] == ["subject", "key", "label", "theme", "value", "unit"]
    assert row[1] == "population_ctg" and row[5]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row[: header.index("unit")])
    lines[1] = out.getvalue()
    return "\n".join(lines).encode("utf-8")


def _duplicate_column(text: str) -> bytes:
    # The last column of the header is renamed « name », a column the header already has.
    header, rest = text.split("\n", 1)
    columns = header.split(",")
    assert "name" in columns[:-1] and columns[-1] != "name"
    return (",".join([*columns[:-1], "name"]) + "\n" + rest).encode("utf-8")


def _extra_value(text: str) -> bytes:
    lines = text.split("\n")
    lines[4] += ";en trop"
    return "\n".join(lines).encode("utf-8")


def _renamed_column_cp1252_after_blank_line(text: str) -> bytes:
    header, rest = text.split("\n", 1)
    header = header.replace(",value,", ",valeur,")
    return ("\n" + header + "\n" + rest).encode("cp1252")


MALFORMED = {
    "short row": (
        lambda d: _rewrite(d, "statistics_ctg.csv", _short_row),
        ["Fichier « statistics_ctg.csv »", "ligne 2", "champ « unit »", "valeur manquante"],
    ),
    "duplicate column": (
        lambda d: _rewrite(d, "structures_ctg.csv", _duplicate_column),
        ["Fichier « structures_ctg.csv »", "ligne 1", "champ « name »", "colonne en double"],
    ),
    "extra value": (
        lambda d: _rewrite(d, ANNUAIRE, _extra_value),
        [f"Fichier « {ANNUAIRE} »", "ligne 5", "plus de valeurs que de colonnes"],
    ),
    "missing column, windows-1252, blank first line": (
        lambda d: _rewrite(d, "statistics_ctg.csv", _renamed_column_cp1252_after_blank_line),
        ["Fichier « statistics_ctg.csv »", "ligne 2", "champ « value »", "colonne absente"],
    ),
    "binary content": (
        lambda d: (d / POP_AGE).write_bytes(b"\x00\x01\x02 pas un CSV"),
        [f"Fichier « {POP_AGE} »", "contenu binaire"],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_table_is_refused_naming_file_line_field_and_nothing_written(case, dataset_copy):
    corrupt, expected = MALFORMED[case]
    corrupt(dataset_copy)
    Statistic.objects.filter(key="population_ctg").update(value=1)  # detect any rewrite
    before = snapshot()
    with pytest.raises(DatasetError) as excinfo:
        load_dataset(str(dataset_copy))
    message = str(excinfo.value)
    for fragment in expected:
        assert fragment in message
    assert snapshot() == before
    assert Statistic.objects.get(key="population_ctg").value == 1


def _append_out_of_perimeter_rows(folder: Path, count: int) -> None:
    # Exemple fictif: rows of a non-existent commune code (99999), outside the perimeter, as in
    # a national file given as is; the kind skips them.
    with (folder / POP_AGE).open("a", encoding="utf-8", newline="") as handle:
        handle.write("99999,POP T0,Ensemble,2022,0,0.0\n" * count)


@pytest.mark.django_db
def test_a_dataset_table_may_hold_more_rows_than_an_upload(dataset_copy):
    _append_out_of_perimeter_rows(dataset_copy, MAX_ROWS)
    report = load_dataset(str(dataset_copy), dry_run=True)
    changed = {key: n for key, n in report.counts.items() if key[1] != "inchangé"}
    assert changed == {("sources de données", "modifié"): 1}


@pytest.mark.django_db
def test_a_dataset_table_over_the_loader_limit_is_refused(dataset_copy, monkeypatch):
    monkeypatch.setattr(loader, "DATASET_TABLE_LIMITS", Limits(max_rows=30))
    before = snapshot()
    with pytest.raises(DatasetError) as excinfo:
        load_dataset(str(dataset_copy))
    assert str(excinfo.value).startswith(
        "Fichier « statistics_ctg.csv », ligne 32 : trop de lignes (plus de 30)."
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_a_dataset_table_may_be_a_spreadsheet(dataset_copy):
    """The extension chooses the reader, as for every import: XLSX loads like its CSV."""
    from openpyxl import Workbook

    source = dataset_copy / "statistics_ctg.csv"
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(dataset_copy / "statistics_ctg.xlsx")
    source.unlink()
    manifest = dataset_copy / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert text.count("path: statistics_ctg.csv") == 1
    manifest.write_text(text.replace("path: statistics_ctg.csv", "path: statistics_ctg.xlsx"))
    fields = ("territory", "commune", "zone", "key", "vintage", "source", "label", "value", "unit")
    csv_stats = Statistic.objects.filter(dataset__path="statistics_ctg.csv")
    before = sorted(csv_stats.values_list(*fields))
    report = load_dataset(str(dataset_copy))
    changed = {key: n for key, n in report.counts.items() if key[1] != "inchangé"}
    # A new source (the .xlsx path) that the same statistics now point to.
    assert changed == {
        ("sources de données", "créé"): 1,
        ("statistiques", "modifié"): len(before),
    }
    after = Statistic.objects.filter(dataset__path="statistics_ctg.xlsx").values_list(*fields)
    assert len(before) == 32 and sorted(after) == before
