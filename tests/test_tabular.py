"""Spreadsheets in and out: one reader and one writer for every import and export."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy

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
