"""Upload checks of the shared toolbox: allowed types by extension AND content (magic bytes).

Accepted: PDF, ODT/DOCX, ODS/XLSX, PNG/JPEG, up to :data:`MAX_BYTES`. An office document must
be a real ZIP package of the announced kind (ODF ``mimetype`` entry, OOXML main part).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePath

MAX_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


class UploadRefused(ValueError):
    """The file is not accepted; the message (French) names the file and the reason."""


def _zip_kind(data: bytes, ext: str, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadRefused(f"« {name} » : fichier {ext.upper()} illisible ou corrompu.") from exc
    if len(names) > MAX_ZIP_ENTRIES:
        raise UploadRefused(f"« {name} » : archive anormale (trop d'éléments).")
    if ext in ("odt", "ods"):
        if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
            raise UploadRefused(f"« {name} » : ce n'est pas un document OpenDocument.")
        try:
            mimetype = archive.read("mimetype")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
            # A member whose CRC, size or compression lies: the archive is damaged.
            damaged = f"« {name} » : fichier {ext.upper()} illisible ou corrompu."
            raise UploadRefused(damaged) from exc
        if mimetype.decode("ascii", "replace").strip() != CONTENT_TYPES[ext]:
            raise UploadRefused(f"« {name} » : le contenu ne correspond pas à l'extension .{ext}.")
    elif ext in OOXML_MAIN_PART:
        if "[Content_Types].xml" not in names or OOXML_MAIN_PART[ext] not in names:
            raise UploadRefused(f"« {name} » : le contenu ne correspond pas à l'extension .{ext}.")
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise UploadRefused(f"« {name} » : les documents avec macros sont refusés.")


def check_upload(*, data: bytes, filename: str) -> str:
    """Return the content type of an accepted file, or raise :class:`UploadRefused`."""
    name = PurePath(filename or "").name or "fichier"
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in CONTENT_TYPES:
        allowed = "PDF, ODT, DOCX, ODS, XLSX, PNG, JPEG"
        raise UploadRefused(f"« {name} » : type de fichier non accepté (acceptés : {allowed}).")
    if not data:
        raise UploadRefused(f"« {name} » : fichier vide.")
    if len(data) > MAX_BYTES:
        raise UploadRefused(
            f"« {name} » : fichier trop volumineux ({MAX_BYTES // 2**20} Mo au plus)."
        )
    ok = {
        "pdf": data.startswith(b"%PDF-"),
        "png": data.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpg": data.startswith(b"\xff\xd8\xff"),
        "jpeg": data.startswith(b"\xff\xd8\xff"),
    }.get(ext)
    if ok is None:
        if not data.startswith(b"PK\x03\x04"):
            raise UploadRefused(f"« {name} » : le contenu ne correspond pas à l'extension .{ext}.")
        _zip_kind(data, ext, name)
    elif not ok:
        raise UploadRefused(f"« {name} » : le contenu ne correspond pas à l'extension .{ext}.")
    return CONTENT_TYPES[ext]
