"""Spreadsheets in and out: one reader and one writer for every import and export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.interop.tabular import TableError, read_table, write_table

COLUMNS = [("date", gettext_lazy("Date")), ("titre", "Titre")]
ROWS = [{"date": "2025-01-02", "titre": '=HYPERLINK("http://x")'}, {"date": 3, "titre": "Crèche"}]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_round_trip_keeps_text_and_neutralises_formulas(fmt):
    table = read_table(write_table(ROWS, columns=COLUMNS, fmt=fmt), filename=f"liste.{fmt}")
    assert table.columns == ["Date", "Titre"]
    assert [row["Titre"] for _, row in table.rows] == ['\'=HYPERLINK("http://x")', "Crèche"]
    assert [line for line, _ in table.rows] == [2, 3]


def test_windows_1252_csv_is_read():
    table = read_table("Date;Titre\n2025;Crèche\n".encode("cp1252"), filename="a.csv")
    assert table.encoding == "cp1252" and table.rows[0][1]["Titre"] == "Crèche"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "vide.csv", "vide"),
        (b"a;b\n1;2;3\n", "x.csv", "ligne 2"),
        (b"a;a\n1;2\n", "x.csv", "colonne « a »"),
        (b"PK\x03\x04tronque", "x.xlsx", "corrompu"),
        (b"a,b\n", "x.pdf", "format non pris en charge"),
    ],
)
def test_bad_files_are_refused_with_a_french_message(data, name, message):
    with pytest.raises(TableError) as excinfo:
        read_table(data, filename=name)
    assert message in str(excinfo.value) and name in str(excinfo.value)


# Valid files read as before: the streaming readers give what openpyxl and odfpy gave.
CELL_VALUES = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=15),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)),
    st.booleans(),
)
ROWS_OF_VALUES = st.lists(st.lists(CELL_VALUES, min_size=1, max_size=5), min_size=1, max_size=6)
SAME = settings(max_examples=40, derandomize=True, deadline=None, database=None)


def _reference(filename, data):
    """What the previous readers (openpyxl read-only, odfpy) gave, through the same checks."""
    from maillage.interop import tabular

    if filename.endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        raw = [
            (i, list(r), 1) for i, r in enumerate(book.worksheets[0].iter_rows(values_only=True), 1)
        ]
        book.close()
    else:
        from odf.opendocument import load
        from odf.table import Table as OdsTable
        from odf.table import TableCell, TableRow

        raw = []
        sheet = load(io.BytesIO(data)).spreadsheet.getElementsByType(OdsTable)[0]
        for line, row in enumerate(sheet.getElementsByType(TableRow), 1):
            values = []
            for cell in row.getElementsByType(TableCell):
                kind = cell.getAttribute("valuetype")
                if kind == "date":
                    values.append(str(cell.getAttribute("datevalue"))[:10])
                elif kind in ("float", "percentage", "currency"):
                    values.append(tabular._cell_text(float(cell.getAttribute("value"))))
                else:
                    values.append(
                        "\n".join(str(p) for p in cell.childNodes if p.qname[1] == "p").strip()
                    )
            raw.append((line, values, 1))
    return tabular._build(filename, raw)


def _same(data, filename):
    try:
        expected = _reference(filename, data)
    except TableError as exc:
        with pytest.raises(TableError) as excinfo:
            read_table(data, filename=filename)
        assert excinfo.value.detail == exc.detail
        return
    got = read_table(data, filename=filename)
    assert (got.columns, got.rows, got.header_line) == (
        expected.columns,
        expected.rows,
        expected.header_line,
    )


@SAME
@given(rows=ROWS_OF_VALUES)
def test_xlsx_written_by_openpyxl_reads_as_openpyxl_read_it(rows):
    from openpyxl import Workbook

    book = Workbook()
    for i, values in enumerate(rows):
        book.active.append([f"Colonne {j}" for j in range(5)] if i == 0 else values)
    buffer = io.BytesIO()
    book.save(buffer)
    _same(buffer.getvalue(), "a.xlsx")


@SAME
@given(rows=ROWS_OF_VALUES, fmt=st.sampled_from(["xlsx", "ods"]))
def test_files_written_by_write_table_read_as_before(rows, fmt):
    columns = [(str(j), f"Colonne {j}") for j in range(5)]
    records = [{str(j): v for j, v in enumerate(values)} for values in rows]
    data = write_table(records, columns=columns, fmt=fmt)
    _same(data, f"a.{fmt}")
