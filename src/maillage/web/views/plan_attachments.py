"""Journal attachments: downloaded by the territory's members only, from storage, never
rendered by the browser (see :func:`attachment_download`)."""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from maillage.plan.models import ActivityAttachment
from maillage.plan.selectors import activity_attachment_get
from maillage.territory.models import Territory

from ..decorators import MEMBER, territory_view
from .accounts_network import ATTACHMENT_CSP

# One content type per accepted extension (``plan.models.ATTACHMENT_EXTENSIONS``).
ATTACHMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
FILENAME_FORBIDDEN = set('<>:"/\\|?*;')


def attachment_content_type(attachment: ActivityAttachment) -> str:
    """By the stored file's extension (checked on upload); unknown → a plain download."""
    ext = PurePath(attachment.file.name or "").suffix.lower().lstrip(".")
    return ATTACHMENT_CONTENT_TYPES.get(ext, "application/octet-stream")


def attachment_filename(attachment: ActivityAttachment) -> str:
    """The name offered to the browser: the uploaded name without any folder, control or
    invisible character (e.g. a right-to-left override) nor reserved one, always ending with
    the stored file's extension."""
    ext = PurePath(attachment.file.name or "").suffix.lower()
    name = str(attachment.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in name:
        kind = unicodedata.category(char)[0]
        if kind == "C":
            continue
        kept.append(" " if kind == "Z" or char in FILENAME_FORBIDDEN else char)
    name = " ".join("".join(kept).split())
    if ext and name.lower().endswith(ext):
        name = name[: -len(ext)]
    return f"{name.strip(' .')[:150].strip(' .') or 'piece-jointe'}{ext}"


@require_safe
@territory_view(
    role=MEMBER, denied=gettext_lazy("Pièces jointes réservées aux partenaires du territoire.")
)
def attachment_download(request: HttpRequest, territory: Territory, pk: int) -> FileResponse:
    """A journal attachment, for the territory's members only (coordinator, partners, observers):
    the journal is public but its attachments may be internal documents (minutes of a working
    group). Served from storage as a download, never rendered by the browser."""
    attachment = activity_attachment_get(territory=territory, pk=pk)
    if attachment is None or not attachment.file:
        raise Http404(_g("Pièce jointe introuvable dans ce journal."))
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:  # the database row outlived its file
        raise Http404(_g("Fichier de la pièce jointe introuvable.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment_filename(attachment),
        content_type=attachment_content_type(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cache-Control"] = "private, no-store"
    return response
