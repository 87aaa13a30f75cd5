"""Attached files: PDF and .docx known by their content, size-limited, kept under a random name,
given back as a download under their own name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from villagedesk.library import attachments
from villagedesk.library.attachments import attachment_checked, name_kept

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def docx_bytes(names=("[Content_Types].xml", "word/document.xml")) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def test_a_pdf_is_kept_under_a_random_name():
    content, kind, name = attachment_checked(SimpleUploadedFile("通知.pdf", PDF))
    assert kind == "pdf"
    assert name == "通知.pdf"
    assert content.name.endswith(".pdf") and "通知" not in content.name
    assert content.read() == PDF


def test_a_docx_is_known_by_its_parts():
    _, kind, _ = attachment_checked(SimpleUploadedFile("guide.docx", docx_bytes()))
    assert kind == "docx"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", EXE),  # a program renamed
        ("setup.docx", EXE),
        ("setup.exe", EXE),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("sheet.docx", docx_bytes(("[Content_Types].xml", "xl/workbook.xml"))),  # an .xlsx
        ("broken.docx", b"PK\x03\x04 not really a zip"),
        ("guide.pdf", docx_bytes()),  # a .docx named .pdf
        ("guide.docx", PDF),  # a PDF named .docx
        ("guide.doc", PDF),
        ("empty.pdf", b""),
    ],
)
def test_a_file_of_another_kind_is_refused(name, content):
    with pytest.raises(ValidationError):
        attachment_checked(SimpleUploadedFile(name, content))


def test_a_file_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 100)
    with pytest.raises(ValidationError, match="too large"):
        attachment_checked(SimpleUploadedFile("big.pdf", PDF + b"x" * 100))
    attachment_checked(SimpleUploadedFile("small.pdf", PDF))


def test_a_docx_of_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_DOCX_PARTS", 2)
    many = docx_bytes(("[Content_Types].xml", "word/document.xml", "word/styles.xml"))
    with pytest.raises(ValidationError):
        attachment_checked(SimpleUploadedFile("many.docx", many))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\通知.pdf", "通知.pdf"),
        ('a"b\r\n.pdf', "a_b.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_the_name_kept_has_no_folders_quotes_or_control_characters(sent, kept):
    assert name_kept(sent) == kept
