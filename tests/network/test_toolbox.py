"""Shared toolbox: uploads checked by extension AND content, stored under MEDIA_ROOT, served as
attachments with nosniff and a restrictive CSP; drafts visible to partners only."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from maillage.network.models import ToolboxItem
from maillage.network.services import toolbox_add
from maillage.network.uploads import MAX_BYTES, UploadRefused, check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
DOCX = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("guide.pdf", PDF, "application/pdf"),
        ("affiche.png", PNG, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
        ("cr.odt", ODT, "application/vnd.oasis.opendocument.text"),
        (
            "cr.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_types(name, data, content_type):
    assert check_upload(data=data, filename=name) == content_type


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "type de fichier non accepté"),
        ("script.svg", b"<svg onload=alert(1)>", "type de fichier non accepté"),
        ("faux.pdf", b"<html><script>alert(1)</script>", "ne correspond pas"),
        ("faux.png", PDF, "ne correspond pas"),
        ("faux.odt", DOCX, "OpenDocument"),
        ("faux.docx", ODT, "ne correspond pas"),
        ("tableur.ods", ODT, "ne correspond pas"),
        (
            "macro.docx",
            _zip(
                {"[Content_Types].xml": b"", "word/document.xml": b"", "word/vbaProject.bin": b""}
            ),
            "macros",
        ),
        ("casse.xlsx", b"PK\x03\x04 pas un zip", "illisible"),
        ("vide.pdf", b"", "vide"),
        ("gros.pdf", b"%PDF-" + b"0" * MAX_BYTES, "trop volumineux"),
    ],
)
def test_refused_types_name_the_file_and_the_reason(name, data, reason):
    with pytest.raises(UploadRefused) as exc:
        check_upload(data=data, filename=name)
    assert name in str(exc.value) and reason in str(exc.value)


def test_upload_is_stored_outside_static_and_served_as_attachment(roles, armentieres, media):
    client = Client()
    client.force_login(roles.partner_a)
    url = reverse("web:toolbox", args=["armentieres"])
    upload = SimpleUploadedFile("Guide parents.pdf", PDF, content_type="text/html")
    response = client.post(
        url,
        {
            "title": "Guide des modes d'accueil",
            "audience": "parents",
            "theme": "petite-enfance",
            "file": upload,
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ToolboxItem.objects.get(title="Guide des modes d'accueil")
    path = item.file.path
    assert path.startswith(str(media)) and "static" not in path
    assert item.content_type == "application/pdf"  # from the content, not the browser's claim
    download = Client().get(reverse("web:toolbox-download", args=["armentieres", item.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in download["Content-Security-Policy"]
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    download.close()


def test_refused_upload_writes_nothing(roles, media):
    client = Client()
    client.force_login(roles.partner_a)
    response = client.post(
        reverse("web:toolbox", args=["armentieres"]),
        {
            "title": "Faux PDF",
            "audience": "parents",
            "theme": "parentalite",
            "file": SimpleUploadedFile("faux.pdf", b"<html><script>alert(1)</script>"),
        },
    )
    assert response.status_code == 400
    assert "ne correspond pas" in response.content.decode()
    assert not ToolboxItem.objects.filter(title="Faux PDF").exists()
    assert not any(media.rglob("*.pdf")) if media.exists() else True


def test_unpublished_item_is_for_members_only(roles, armentieres, media):
    item = toolbox_add(
        territory=armentieres,
        user=roles.coordinator,
        title="Note interne aux partenaires",
        audience="professionnels",
        theme="parentalite",
        data=PDF,
        filename="note.pdf",
        published=False,
    )
    url = reverse("web:toolbox-download", args=["armentieres", item.pk])
    listing = reverse("web:toolbox", args=["armentieres"])
    assert Client().get(url).status_code == 404
    assert item.title not in Client().get(listing).content.decode()
    member = Client()
    member.force_login(roles.observer)
    response = member.get(url)
    assert response.status_code == 200
    response.close()
    assert item.title in member.get(listing).content.decode()


def test_link_or_file_exactly_one_and_observer_cannot_add(roles, armentieres):
    with pytest.raises(ValidationError) as exc:
        toolbox_add(
            territory=armentieres,
            user=roles.coordinator,
            title="Rien",
            audience="parents",
            theme="parentalite",
        )
    assert "file" in exc.value.message_dict
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        toolbox_add(
            territory=armentieres,
            user=roles.observer,
            title="Lien",
            audience="parents",
            theme="parentalite",
            url="https://www.caf.fr/",
        )


def _with_bad_crc(data: bytes, member: str) -> bytes:
    """The same ZIP with one member's stored CRC-32 altered (central directory and local header)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    wrong = (info.CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
    right = info.CRC.to_bytes(4, "little")
    assert data.count(right) == 2  # the local header and the central directory
    return data.replace(right, wrong)


@pytest.mark.parametrize("name", ["cr.odt", "tableur.ods"])
def test_an_opendocument_whose_mimetype_crc_lies_is_refused_in_french(name):
    """A damaged ``mimetype`` member raised an uncaught BadZipFile (a 500 on the toolbox form)."""
    kind = "text" if name.endswith("odt") else "spreadsheet"
    data = _zip({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode()})
    with pytest.raises(UploadRefused) as exc:
        check_upload(data=_with_bad_crc(data, "mimetype"), filename=name)
    assert name in str(exc.value) and "corrompu" in str(exc.value)
