"""``maillage restore`` on a damaged zip (a header lying about sizes, a CRC mismatch, a cut file):
a French refusal, a non-zero exit code, nothing written — database and stored files alike."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.cli import main
from maillage.directory.models import Structure
from maillage.interop.dump import DumpError, dump_territory
from maillage.interop.restore import restore_territory
from maillage.plan.fictif import demo_journal_load
from maillage.plan.models import Activity
from maillage.plan.services import activity_record

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def archive(armentieres, settings, tmp_path):
    """A real dump of Armentières with one attachment (an *exemple fictif*)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_journal_load(territory=armentieres, count=3, today=TODAY)
    activity = Activity.objects.filter(territory=armentieres).first()
    activity_record(
        territory=armentieres,
        date=TODAY,
        kind=activity.kind,
        title="[exemple fictif] Comité",
        axes=[a.number for a in activity.axes.all()],
        attachments=[SimpleUploadedFile("compte-rendu.txt", b"exemple fictif\n" * 200)],
        is_fictional=True,
    )
    buffer = io.BytesIO()
    dump_territory(territory=armentieres, output=buffer)
    return buffer.getvalue()


def _central_entry(data: bytearray, name: str) -> int:
    offset = 0
    while True:
        offset = data.find(b"PK\x01\x02", offset)
        assert offset >= 0, name
        length = int.from_bytes(data[offset + 28 : offset + 30], "little")
        if data[offset + 46 : offset + 46 + length] == name.encode():
            return offset
        offset += 4


def _damage(good: bytes, member: str, how: str) -> bytes:
    data = bytearray(good)
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        info = source.getinfo(member)
    if how == "crc":  # one byte of the compressed data flipped
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        data[start + info.compress_size // 2] ^= 0xFF
    elif how == "size":  # the directory says 10 bytes once unzipped
        entry = _central_entry(data, member)
        data[entry + 24 : entry + 28] = (10).to_bytes(4, "little")
    elif how == "local-header":  # the local header names another file
        data[info.header_offset + 30] ^= 0x01
    return bytes(data)


def _member(good: bytes, prefix: str) -> str:
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        return next(n for n in source.namelist() if n.startswith(prefix))


@pytest.mark.parametrize("how", ["crc", "size", "local-header"])
@pytest.mark.parametrize("prefix", ["manifest.json", "data/", "media/"])
def test_damaged_archive_is_refused_in_french_and_nothing_is_written(
    armentieres, archive, settings, how, prefix
):
    member = _member(archive, prefix)
    damaged = _damage(archive, member, how)
    structures = Structure.objects.count()
    stored = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    with pytest.raises(DumpError) as excinfo:
        restore_territory(source=damaged, replace=True)
    assert "Archive corrompue" in str(excinfo.value) and member in str(excinfo.value)
    assert Structure.objects.count() == structures
    assert Structure.objects.filter(territory=armentieres).exists()
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == stored


def test_restore_command_on_a_damaged_zip_exits_non_zero_without_traceback(archive, tmp_path):
    path = tmp_path / "sauvegarde.zip"
    path.write_bytes(_damage(archive, _member(archive, "data/"), "size"))
    out = CliRunner().invoke(main, ["restore", str(path), "--replace"])
    assert out.exit_code == 1
    assert "Archive corrompue" in out.output and "Traceback" not in out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)


def test_truncated_archive_is_refused(archive):
    with pytest.raises(DumpError, match="illisible|corrompue"):
        restore_territory(source=archive[: len(archive) - 30])
