"""Photos from phones, for every upload of an image: checked to be images, size-limited,
re-encoded and stripped of metadata.

Re-encoding drops whatever a file carries besides the picture (EXIF position, scripts hidden in
odd formats) and keeps the stored size small for villages with a weak signal.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
# What phones and cameras save; Pillow's other readers (PPM, PCX, ICO …) are never tried.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")


def photo_checked(upload) -> ContentFile:
    """A JPEG of at most MAX_SIDE pixels a side made from the upload; ValidationError otherwise."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The photo is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
            }
        )
    try:
        upload.seek(0)
        with Image.open(upload, formats=FORMATS) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=82, optimize=True)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ):
        raise ValidationError(_("This file is not a photo we can read.")) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def photo_response(photo) -> FileResponse:
    """A kept photo (every photo is kept as a JPEG), or 404 where none is kept or its file is
    gone."""
    if not photo:
        raise Http404
    try:
        handle = photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type="image/jpeg")
