"""Every caller of the spreadsheet reader turns a malformed or expanding file into its French
message, naming the file, and writes nothing: the journal import page (400, never 500), the CLI
journal import (exit code 1, no traceback), the structures import report, the dataset loader."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories import coordinator

from maillage.cli import main
from maillage.directory.models import Structure
from maillage.interop.structures_sheet import structures_import
from maillage.plan.models import Activity
from maillage.territory.errors import DatasetError
from maillage.territory.loader import read_csv_rows

from .spreadsheets import malformed_workbooks

pytestmark = pytest.mark.django_db
CASES = malformed_workbooks()


@pytest.fixture
def coordinator_client(client, armentieres):
    user = coordinator(armentieres, username="coordination")
    client.force_login(user)
    return client


@pytest.mark.parametrize("case", sorted(CASES))
def test_journal_import_page_refuses_in_french_never_500(armentieres, coordinator_client, case):
    name, data = CASES[case]
    before = Activity.objects.count()
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = coordinator_client.post(
        reverse("web:plan-journal-import", args=["armentieres"]), {"file": upload}
    )
    assert response.status_code == 400
    assert f"Fichier « {name} », feuille « Journal »" in response.content.decode()
    assert Activity.objects.count() == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_journal_import_refuses_in_french_without_traceback(armentieres, tmp_path, case):
    name, data = CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = Activity.objects.count()
    out = CliRunner().invoke(main, ["journal", "import", str(path), "--territory", "armentieres"])
    assert out.exit_code == 1, out.output
    assert (
        "Traceback" not in out.output
        and out.exception is None
        or isinstance(out.exception, SystemExit)
    )
    assert f"Import refusé, rien n'a été écrit. Fichier « {name} », feuille « Journal »" in (
        out.output
    )
    assert Activity.objects.count() == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_structures_import_reports_file_sheet_and_cell(armentieres, case):
    name, data = CASES[case]
    before = Structure.objects.count()
    report = structures_import(territory=armentieres, data=data, filename=name)
    assert not report.ok and Structure.objects.count() == before
    text = str(report.problems[0])
    assert name in text and "feuille « Journal »" in text


@pytest.mark.parametrize("case", sorted(CASES))
def test_dataset_loader_maps_the_table_error(tmp_path, case):
    name, data = CASES[case]
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DatasetError) as excinfo:
        read_csv_rows(tmp_path / name, f"raw/{name}", required=["Date"])
    assert f"raw/{name}" in str(excinfo.value) and "feuille « Journal »" in str(excinfo.value)
