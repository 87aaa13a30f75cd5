"""Every uploaded image goes through `photo_checked`: what comes out is a plain, upright JPEG of
limited size, carrying nothing but the picture."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404
from PIL import ExifTags, Image

from villagedesk.core import photos
from villagedesk.core.photos import MAX_PIXELS, photo_checked, photo_response


def upload(content: bytes, name: str = "p.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_from_phone(size=(400, 200)) -> bytes:
    """A photo as a phone stores it: pixels sideways, an EXIF tag saying how to turn them, and
    the camera's make and position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise to display
    exif[ExifTags.Base.Make] = "VillageCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (25.0, 7.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (102.0, 39.0, 15.0)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def opened(content) -> Image.Image:
    return Image.open(io.BytesIO(content.read()))


def test_a_photo_taken_sideways_comes_out_upright():
    with opened(photo_checked(upload(jpeg_from_phone(size=(400, 200))))) as image:
        assert image.size == (200, 400)


def test_no_exif_and_no_position_are_kept():
    result = photo_checked(upload(jpeg_from_phone())).read()
    with Image.open(io.BytesIO(result)) as image:
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Exif" not in result
    assert b"VillageCam" not in result


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    content = jpeg_from_phone()
    monkeypatch.setattr(photos, "MAX_UPLOAD_BYTES", len(content) - 1)
    with pytest.raises(ValidationError, match="too large"):
        photo_checked(upload(content))


def test_a_photo_over_the_pixel_limit_is_refused():
    # Small on disk (one bit a pixel, compressed), huge once decoded.
    out = io.BytesIO()
    Image.new("1", (8000, MAX_PIXELS // 8000 + 1)).save(out, format="PNG")
    assert len(out.getvalue()) < photos.MAX_UPLOAD_BYTES
    with pytest.raises(ValidationError, match="too many pixels"):
        photo_checked(upload(out.getvalue(), "big.png", "image/png"))


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        bytes(range(256)) * 40,
        b"",
        # A pixel map whose header Pillow's reader fails on with a ValueError.
        b"P6\n2 2x\n255\n" + bytes(12),
        # A well-formed pixel map: a kind of image no phone sends, never read.
        b"P6\n2 2\n255\n" + bytes(12),
    ],
    ids=["html", "svg", "random-bytes", "empty", "broken-ppm", "ppm"],
)
def test_what_is_no_photo_is_refused_whatever_its_name(content):
    with pytest.raises(ValidationError, match="not a photo"):
        photo_checked(upload(content, "holiday.jpg"))


def test_a_transparent_png_becomes_a_jpeg():
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 128, 0, 100)).save(out, format="PNG")
    result = photo_checked(upload(out.getvalue(), "logo.png", "image/png"))
    assert result.name.endswith(".jpg")
    with opened(result) as image:
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        assert image.size == (300, 200)


def test_a_kept_photo_whose_file_is_gone_is_not_found(settings, tmp_path):
    """A row naming a file no longer in storage (a restored database, a pruned disk) answers
    404, as no photo at all does, never a server error."""
    settings.MEDIA_ROOT = tmp_path
    gone = FieldFile(None, FileField(), "visits/gone.jpg")
    gone.storage = default_storage
    for photo in (gone, FieldFile(None, FileField(), "")):
        with pytest.raises(Http404):
            photo_response(photo)
