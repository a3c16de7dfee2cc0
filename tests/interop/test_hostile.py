"""Hostile and broken input: every importer ends in a French report or a clean refusal,
never an unhandled exception, never a partial write (property-based, derandomized)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory.models import Structure
from maillage.interop.datainclusion import datainclusion_export, dumps
from maillage.interop.datainclusion_import import datainclusion_import
from maillage.interop.dump import DumpError
from maillage.interop.geojson import zones_import
from maillage.interop.restore import restore_territory
from maillage.interop.structures_sheet import structures_import as sheet_import
from maillage.interop.structures_sheet import structures_table
from maillage.territory.models import Zone

pytestmark = pytest.mark.django_db
BOUNDED = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)


_CACHE: dict[str, object] = {}


def _once(key, compute):
    """Compute an export once per test run (the examples only corrupt a copy of it)."""
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]


def _counts():
    return Structure.objects.count(), Zone.objects.count()


def _refused_or_ok(report, before):
    assert report.problems or report.ok
    for problem in report.problems:
        assert problem.file and problem.message
    if report.problems:
        assert _counts() == before


@BOUNDED
@given(data=st.binary(max_size=2000), ext=st.sampled_from(["csv", "xlsx", "ods", "txt"]))
def test_random_bytes_as_a_spreadsheet(armentieres, data, ext):
    before = _counts()
    _refused_or_ok(sheet_import(territory=armentieres, data=data, filename=f"f.{ext}"), before)


@BOUNDED
@given(
    names=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]),
    extra=st.sampled_from(["", ";Longitude", ";Courriel", ";Service : âge minimum (ans)"]),
)
def test_mis_encoded_csv_with_arbitrary_names(armentieres, names, encoding, extra):
    cells = [n.replace("\n", " ").replace("\r", " ").replace(";", ",") for n in names]
    lines = ["Nom" + extra] + [f"{c};x" if extra else c for c in cells]
    data = "\n".join(lines).encode(encoding, errors="replace")
    before = _counts()
    _refused_or_ok(sheet_import(territory=armentieres, data=data, filename="f.csv"), before)


@BOUNDED
@given(cut=st.floats(min_value=0.0, max_value=0.99), fmt=st.sampled_from(["xlsx", "ods"]))
def test_truncated_workbooks_are_refused(armentieres, cut, fmt):
    data = _once(fmt, lambda: structures_table(territory=armentieres, fmt=fmt))
    truncated = data[: int(len(data) * cut)]
    before = _counts()
    report = sheet_import(territory=armentieres, data=truncated, filename=f"f.{fmt}")
    assert not report.ok and _counts() == before


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_zip_bomb_workbook_is_refused(armentieres, fmt):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (61 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024  # small on disk, huge once unzipped
    report = sheet_import(territory=armentieres, data=buffer.getvalue(), filename=f"b.{fmt}")
    assert not report.ok and "volumineux" in report.problems[0].message


def test_oversized_files_are_refused(armentieres):
    big = b"Nom\n" + b"a" * (11 * 1024 * 1024)
    assert (
        "volumineux"
        in sheet_import(territory=armentieres, data=big, filename="f.csv").problems[0].message
    )
    assert (
        "volumineux"
        in datainclusion_import(
            territory=armentieres, structures=b"[" + b" " * (31 * 1024 * 1024) + b"]"
        )
        .problems[0]
        .message
    )


@BOUNDED
@given(value=JSON)
def test_arbitrary_json_as_datainclusion(armentieres, value):
    before = _counts()
    data = json.dumps(value).encode()
    _refused_or_ok(
        datainclusion_import(territory=armentieres, structures=data, services=data), before
    )


@BOUNDED
@given(
    field=st.sampled_from(
        ["nom", "date_maj", "longitude", "code_insee", "siret", "maillage_capacite", "id"]
    ),
    value=JSON,
)
def test_one_corrupted_field_in_a_real_export(armentieres, field, value):
    export = _once("datainclusion", lambda: datainclusion_export(territory=armentieres))
    records = [dict(r) for r in export.structures]
    records[0][field] = value
    before = _counts()
    report = datainclusion_import(
        territory=armentieres, structures=dumps(records), services=dumps(export.services)
    )
    _refused_or_ok(report, before)


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_refused(armentieres, depth):
    data = b"[" * depth + b"]" * depth
    report = datainclusion_import(territory=armentieres, structures=data)
    assert not report.ok and "imbriquée" in report.problems[0].message
    report = zones_import(territory=armentieres, data=data, filename="q.geojson")
    assert not report.ok and "imbriquée" in report.problems[0].message


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_json_not_in_utf8_is_refused_in_french(armentieres, encoding):
    data = json.dumps([{"nom": "Crèche"}], ensure_ascii=False).encode(encoding)
    report = datainclusion_import(territory=armentieres, structures=data)
    assert not report.ok and "UTF-8" in report.problems[0].message


@BOUNDED
@given(value=JSON)
def test_arbitrary_json_as_quartiers(armentieres, value):
    before = _counts()
    wrapped = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": value}]}
    for data in (value, wrapped):
        report = zones_import(
            territory=armentieres, data=json.dumps(data).encode(), filename="q.geojson"
        )
        _refused_or_ok(report, before)


@BOUNDED
@given(data=st.binary(max_size=500))
def test_random_bytes_as_an_archive(armentieres, data):
    with pytest.raises(DumpError):
        restore_territory(source=data)


@BOUNDED
@given(
    model=st.sampled_from(["territory.commune", "territory.territory", "directory.structure"]),
    pk=JSON,
    fields=st.dictionaries(
        st.sampled_from(["name", "slug", "insee_code", "territory", "lon", "period_start"]), JSON
    ),
)
def test_archives_with_garbage_rows_are_refused(armentieres, model, pk, fields):
    manifest = {
        "format": "maillage-dump",
        "format_version": 1,
        "territory": {"slug": "territoire-exemple"},
        "models": [{"model": model, "file": "data/x.json"}],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data/x.json", json.dumps([{"pk": pk, "fields": fields}]))
    before = _counts()
    try:
        restore_territory(source=buffer.getvalue())
    except DumpError:
        assert _counts() == before


# --------------------------------------------------------------------------- malformed workbooks
# (issue 12 item 4: XML attributes and cell values no office suite writes)

ATTR_TEXT = st.text(alphabet="0123456789-+.eE abcxyz,;éà", max_size=12)
REPEAT = st.one_of(ATTR_TEXT, st.integers(-5, 10**15).map(str))


def _one_of_each_sheet():
    from .spreadsheets import ods_bytes, ods_cell, ods_row, xlsx_bytes, xlsx_cell, xlsx_row

    return ods_bytes, ods_cell, ods_row, xlsx_bytes, xlsx_cell, xlsx_row


@BOUNDED
@given(
    value_type=st.sampled_from(["float", "percentage", "currency", "date", "string", "boolean"]),
    value=ATTR_TEXT,
    columns=st.one_of(st.none(), REPEAT),
    rows=st.one_of(st.none(), REPEAT),
)
def test_malformed_ods_attributes_are_refused_or_read(
    armentieres, value_type, value, columns, rows
):
    ods_bytes, ods_cell, ods_row, *_ = _one_of_each_sheet()
    attrs = {"value_type": value_type, "value": value, "date_value": value}
    if columns is not None:
        attrs["number_columns_repeated"] = columns
    data = ods_bytes(
        ods_row(ods_cell("Nom"), ods_cell("Commune")),
        ods_row(ods_cell("[exemple fictif] Lieu"), ods_cell("x", **attrs), repeat=rows),
    )
    _malformed_is_refused_naming_the_file(armentieres, data, "hostile.ods")


@BOUNDED
@given(
    kind=st.sampled_from(["n", "s", "b", "d", "e", "str", "inlineStr", "zz"]),
    value=ATTR_TEXT,
    ref=st.one_of(st.none(), st.just("B2"), ATTR_TEXT),
    row=st.one_of(st.none(), st.just("2"), REPEAT),
    style=st.sampled_from([None, 0, 1, "x"]),
)
def test_malformed_xlsx_cells_are_refused_or_read(armentieres, kind, value, ref, row, style):
    *_, xlsx_bytes, xlsx_cell, xlsx_row = _one_of_each_sheet()
    data = xlsx_bytes(
        xlsx_row(1, xlsx_cell("A1", "Nom", t="inlineStr"), xlsx_cell("B1", "Commune", t="str")),
        xlsx_row(
            row,
            xlsx_cell(None, "[exemple fictif] Lieu", t="str"),
            xlsx_cell(ref, value, t=kind, s=style),
        ),
        shared=["a", "b"],
        date_style=True,
    )
    _malformed_is_refused_naming_the_file(armentieres, data, "hostile.xlsx")


def _malformed_is_refused_naming_the_file(armentieres, data, filename):
    from maillage.interop.tabular import TableError, read_table

    try:
        read_table(data, filename=filename)
    except TableError as exc:
        assert filename in str(exc)
    before = _counts()
    report = sheet_import(territory=armentieres, data=data, filename=filename, dry_run=False)
    _refused_or_ok(report, before)
    assert all(filename in str(p) for p in report.problems if p.file == filename)
