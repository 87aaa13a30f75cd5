"""Photos of points of interest go through the one photo check: limited, re-encoded, no EXIF."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from villagedesk.areas.models import PointOfInterest

pytestmark = pytest.mark.django_db

POINT = {"category": "school", "name": "小学", "latitude": "25.5", "longitude": "102.5"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_exif(name="school.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (2400, 1200), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (25.0, 30.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def add_point(client, village, photo):
    url = reverse("directory:point-create", args=[village.code])
    return client.post(url, {**POINT, "photo": photo})


def test_a_real_photo_is_stored_reencoded_without_its_metadata(client, cadre_a, village_a):
    client.force_login(cadre_a)
    assert add_point(client, village_a, jpeg_with_exif()).status_code == 302
    point = PointOfInterest.objects.get()
    assert "school" not in point.photo.name  # stored under a new name
    with Image.open(point.photo.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 1600
        assert not stored.getexif()
    assert client.get(reverse("directory:point-photo", args=[point.pk])).status_code == 200


def test_an_html_file_named_jpg_is_refused(client, cadre_a, village_a):
    client.force_login(cadre_a)
    fake = SimpleUploadedFile(
        "school.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    response = add_point(client, village_a, fake)
    assert response.status_code == 200
    assert "not a photo we can read" in response.content.decode()
    assert not PointOfInterest.objects.exists()


def test_an_oversized_photo_is_refused(client, cadre_a, village_a, monkeypatch):
    monkeypatch.setattr("villagedesk.core.photos.MAX_UPLOAD_BYTES", 10_000)
    client.force_login(cadre_a)
    response = add_point(client, village_a, jpeg_with_exif())
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert not PointOfInterest.objects.exists()


def test_changing_a_point_keeps_its_photo(client, cadre_a, village_a):
    client.force_login(cadre_a)
    add_point(client, village_a, jpeg_with_exif())
    point = PointOfInterest.objects.get()
    stored = point.photo.name
    url = reverse("directory:point-edit", args=[point.pk])
    assert client.post(url, {**POINT, "name": "村小"}).status_code == 302
    point.refresh_from_db()
    assert point.name == "村小" and point.photo.name == stored
