"""Files attached to articles: PDF and Word (.docx) only, known by their content, not by the
name or the type the browser sends.

A PDF starts with `%PDF-`; a .docx is a ZIP archive holding `[Content_Types].xml` and
`word/document.xml` (the archive's directory is read, nothing is unpacked). The name's ending
must agree with the content, so that an .exe renamed .pdf and a PDF renamed .docx are refused.
The file is kept under a random name; the user's name is only shown and given back on download.
"""

import io
import re
import unicodedata
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from villagedesk.library.models import AttachmentKind

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# A .docx of the library's size has tens of parts; thousands are a trap, not a document.
MAX_DOCX_PARTS = 2000

SUFFIXES = {AttachmentKind.PDF: ".pdf", AttachmentKind.DOCX: ".docx"}
CONTENT_TYPES = {
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}


def kind_of(content: bytes) -> str | None:
    """The kind of file the bytes are, or None for anything but a PDF or a .docx."""
    if content.startswith(b"%PDF-"):
        return AttachmentKind.PDF
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                entries = archive.infolist()
                names = {entry.filename for entry in entries}
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if (
            len(entries) <= MAX_DOCX_PARTS
            and {
                "[Content_Types].xml",
                "word/document.xml",
            }
            <= names
        ):
            return AttachmentKind.DOCX
    return None


def name_kept(name: str) -> str:
    """The file's own name without folders, control characters or quotes, at most 150
    characters with its ending."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'["<>|:*?]', "_", name).strip(" .") or "file"
    stem, dot, suffix = name.rpartition(".")
    if dot and len(name) > 150:
        return stem[: 149 - len(suffix)] + "." + suffix
    return name[:150]


def attachment_checked(upload) -> tuple[ContentFile, str, str]:
    """The file to keep (under a random name), its kind and its own name; ValidationError for
    a file too large, empty, of another kind, or whose ending says another kind."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": MAX_ATTACHMENT_BYTES // 1024 // 1024,
            }
        )
    upload.seek(0)
    content = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file is too large."))
    kind = kind_of(content)
    name = name_kept(upload.name or "")
    if kind is None or not name.lower().endswith(SUFFIXES[kind]):
        raise ValidationError(
            _(
                "Attach a PDF or a Word document (.docx); this file is neither, or its name ends "
                "otherwise than its content."
            )
        )
    return ContentFile(content, name=f"{uuid.uuid4().hex}{SUFFIXES[kind]}"), kind, name


def attachment_response(attachment) -> FileResponse:
    """The kept file as a download under its own name, never shown in the browser."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=CONTENT_TYPES[attachment.kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
