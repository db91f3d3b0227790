"""The intake stages on their own: fingerprint, originals archive, page splitting."""

import errno
import hashlib
import stat
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from rogatory.models import PageSource
from rogatory.nlp.errors import DocumentError, MachineError
from rogatory.nlp.fingerprint import DOCX, EMAIL, fingerprint, sniff_media_type
from rogatory.nlp.mail import email_attachments
from rogatory.nlp.ocr import ocr_image
from rogatory.nlp.pages import SplitOptions, split_pages
from rogatory.review.originals import keep_original, original_path

from conftest import SPANISH_LETTER, TESSDATA, docx, email_with, render_page, text_pdf


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"II*\x00\x08\x00", "image/tiff"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"Solicitud de asistencia judicial", "text/plain"),
        # A stray NUL and a broken sequence in a letter: still text; UTF-16 is not.
        (b"Solicitud de asistencia judicial \x00\xff" + b"x" * 98, "text/plain"),
        ("Solicitud".encode("utf-16-le"), "application/octet-stream"),
        (b"\x00\x01\x02binary", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_media_type_is_sniffed_from_content(head: bytes, media_type: str) -> None:
    assert sniff_media_type(head) == media_type


def test_fingerprint_ignores_the_extension(tmp_path: Path) -> None:
    disguised = text_pdf(["Hello"], tmp_path / "letter.txt")
    found = fingerprint(disguised)
    assert found.media_type == "application/pdf"
    assert found.sha256 == hashlib.sha256(disguised.read_bytes()).hexdigest()
    assert found.size_bytes == disguised.stat().st_size


def test_original_is_kept_read_only_and_content_addressed(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_bytes(b"request")
    sha = hashlib.sha256(b"request").hexdigest()
    kept = keep_original(source, sha, tmp_path / "originals")
    assert kept == original_path(tmp_path / "originals", sha)
    assert kept.read_bytes() == b"request"
    assert not kept.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert keep_original(source, sha, tmp_path / "originals") == kept


def test_an_original_that_cannot_be_written_leaves_no_partial_file(tmp_path: Path) -> None:
    disk = tmp_path / "disk"  # a 64 KiB file system of its own: a larger file fills it up
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], check=True)
    try:
        content = bytes(range(256)) * 1024
        source = tmp_path / "big.pdf"
        source.write_bytes(content)
        with pytest.raises(OSError) as failed:
            keep_original(source, hashlib.sha256(content).hexdigest(), disk)
        assert failed.value.errno == errno.ENOSPC
        assert [path for path in disk.rglob("*") if path.is_file()] == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_born_digital_pdf_uses_its_text_layer(tmp_path: Path) -> None:
    pdf = text_pdf(["Letter of request", *SPANISH_LETTER[3:]], tmp_path / "digital.pdf")
    pages = split_pages(pdf, "application/pdf", tmp_path, SplitOptions())
    assert len(pages) == 1
    assert pages[0].source == PageSource.TEXT_LAYER
    assert "blanqueo de" in (pages[0].text or "")


def test_scanned_pdf_pages_are_rasterised(tmp_path: Path) -> None:
    image = render_page(SPANISH_LETTER, tmp_path / "scan.png")
    pdf = tmp_path / "scan.pdf"
    with Image.open(image) as page:
        page.save(pdf, "PDF", resolution=300, save_all=True, append_images=[page.copy()])
    pages = split_pages(pdf, "application/pdf", tmp_path, SplitOptions(dpi=150))
    assert [p.number for p in pages] == [1, 2]
    assert all(p.source == PageSource.OCR and p.image and p.image.exists() for p in pages)
    with Image.open(pages[0].image) as raster:  # type: ignore[arg-type]
        assert raster.width == pytest.approx(2480 / 2, abs=2)


def test_fax_tiff_frames_become_square_pixel_pages(tmp_path: Path) -> None:
    scan = Image.open(render_page(SPANISH_LETTER, tmp_path / "p.png")).convert("1")
    fax = scan.resize((scan.width * 204 // 300, scan.height * 98 // 300))
    tiff = tmp_path / "fax.tif"
    fax.save(tiff, compression="group4", save_all=True, append_images=[fax], dpi=(204, 98))
    options = SplitOptions()
    pages = split_pages(tiff, "image/tiff", tmp_path, options)
    assert len(pages) == 2
    with Image.open(pages[1].image) as page:  # type: ignore[arg-type]
        a4 = (8.27 * options.dpi, 11.69 * options.dpi)
        assert page.size == pytest.approx(a4, abs=6)


def test_encrypted_pdf_is_a_clear_error(tmp_path: Path) -> None:
    plain = text_pdf(SPANISH_LETTER, tmp_path / "plain.pdf")
    locked = tmp_path / "locked.pdf"
    subprocess.run(
        ["qpdf", "--encrypt", "secret", "secret", "256", "--", str(plain), str(locked)], check=True
    )
    with pytest.raises(DocumentError, match="encrypted"):
        split_pages(locked, "application/pdf", tmp_path, SplitOptions())


@pytest.mark.parametrize(
    ("content", "media_type", "reason"),
    [
        (b"", "application/octet-stream", "empty"),
        (b"\x00\x01\x02", "application/octet-stream", "unsupported"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "application/pdf", "unreadable PDF"),
    ],
)
def test_unreadable_files_raise_with_a_reason(
    tmp_path: Path, content: bytes, media_type: str, reason: str
) -> None:
    broken = tmp_path / "broken"
    broken.write_bytes(content)
    with pytest.raises(DocumentError, match=reason):
        split_pages(broken, media_type, tmp_path, SplitOptions())


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 2048)
    with pytest.raises(DocumentError, match="2048 bytes, more than the limit of 1024"):
        split_pages(big, "text/plain", tmp_path, SplitOptions(max_bytes=1024))


def test_too_many_pages_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "long.txt"
    text.write_text("\f".join(f"page {n}" for n in range(6)))
    with pytest.raises(DocumentError, match="exceed the limit"):
        split_pages(text, "text/plain", tmp_path, SplitOptions(max_pages=5))


def test_mixed_pdf_reads_text_layer_pages_and_rasterises_scanned_ones(tmp_path: Path) -> None:
    digital = text_pdf(SPANISH_LETTER, tmp_path / "digital.pdf")
    with Image.open(render_page(SPANISH_LETTER, tmp_path / "scan.png")) as page:
        page.save(tmp_path / "scan.pdf", "PDF", resolution=300)
    mixed = tmp_path / "mixed.pdf"
    subprocess.run(
        ["qpdf", "--empty", "--pages", str(digital), str(tmp_path / "scan.pdf"), "--", str(mixed)],
        check=True,
    )
    pages = split_pages(mixed, "application/pdf", tmp_path, SplitOptions(dpi=100))
    assert [(p.number, p.source) for p in pages] == [
        (1, PageSource.TEXT_LAYER),
        (2, PageSource.OCR),
    ]


def test_word_document_text_and_page_breaks(tmp_path: Path) -> None:
    word = docx(
        ["Letter of request", "Bank records of the suspect", "Annex"], tmp_path / "x.bin", 1
    )
    found = fingerprint(word)
    assert found.media_type == DOCX
    pages = split_pages(word, found.media_type, tmp_path, SplitOptions())
    assert [p.text for p in pages] == ["Letter of request\nBank records of the suspect", "Annex"]


def test_email_text_and_attachments_as_files(tmp_path: Path) -> None:
    pdf = text_pdf(SPANISH_LETTER, tmp_path / "letter.pdf")
    mail = email_with(pdf, tmp_path / "message", "../../etc/passwd")
    found = fingerprint(mail)
    assert found.media_type == EMAIL
    [page] = split_pages(mail, EMAIL, tmp_path, SplitOptions())
    assert "Subject: Comisión rogatoria" in (page.text or "")
    assert "Adjuntamos la comisión rogatoria" in (page.text or "")
    [attachment] = email_attachments(mail, tmp_path / "work", max_bytes=10**6)
    assert attachment.filename == "../../etc/passwd"
    assert attachment.path.parent == tmp_path / "work" / "attachments"
    assert attachment.path.read_bytes() == pdf.read_bytes()
    with pytest.raises(DocumentError, match="attachments exceed"):
        email_attachments(mail, tmp_path / "small", max_bytes=100)


MULTIPART = b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n'
PLAIN_BODY = b"--b\r\nContent-Type: text/plain\r\n\r\nSolicitud de asistencia\r\n"
PDF_PART = (
    b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="a.pdf"'
    b"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b--\r\n"
)
# Malformed mail that the standard library's parser cannot read whole (found by fuzzing), each
# with the body and the attachments it must still yield.
MALFORMED_MAIL = {
    "unknown body charset": (
        b'From: a@example.org\r\nContent-Type: text/plain; charset="x-bogus"\r\n\r\n'
        b"Solicitud de asistencia \xe9\r\n",
        "Solicitud de asistencia \ufffd",
        [],
    ),
    "unknown html charset": (
        b"Content-Type: text/html; charset=x-bogus\r\n\r\n<p>Solicitud de asistencia</p>\r\n",
        "Solicitud de asistencia",
        [],
    ),
    "truncated address in a multipart": (
        b"From: a@[\r\n" + MULTIPART + b"\r\n" + PLAIN_BODY + PDF_PART,
        "Solicitud de asistencia",
        [("a.pdf", b"%PDF-1.4")],
    ),
    "open angle address, undecodable file name": (
        b"To: <\r\n" + MULTIPART + b"\r\n" + PLAIN_BODY + b"--b\r\nContent-Disposition: "
        b"attachment; filename*=utf-8''%ff\r\n\r\nannex\r\n--b--\r\n",
        "Solicitud de asistencia",
        [("\ufffd", b"annex")],
    ),
    "unknown charsets on the body and a text attachment": (
        MULTIPART
        + b"\r\n"
        + PLAIN_BODY.replace(b"text/plain", b"text/plain; charset=x-bogus")
        + b"--b\r\nContent-Type: text/plain; charset=x-bogus"
        b'\r\nContent-Disposition: attachment; filename="n.txt"\r\n\r\nannex\r\n--b--\r\n',
        "Solicitud de asistencia",
        [("n.txt", b"annex")],
    ),
}


@pytest.mark.parametrize("case", MALFORMED_MAIL)
def test_malformed_email_still_yields_its_body_and_attachments(tmp_path: Path, case: str) -> None:
    raw, body, attached = MALFORMED_MAIL[case]
    mail = tmp_path / "message"
    mail.write_bytes(raw)
    [page] = split_pages(mail, EMAIL, tmp_path, SplitOptions())
    assert (page.text or "").endswith(body)
    found = email_attachments(mail, tmp_path / "work", max_bytes=10**6)
    assert [(a.filename, a.path.read_bytes().strip()) for a in found] == attached


@pytest.mark.parametrize(("suffix", "media_type"), [("jpg", "image/jpeg"), ("webp", "image/webp")])
def test_photos_and_webp_are_pages(tmp_path: Path, suffix: str, media_type: str) -> None:
    with Image.open(render_page(SPANISH_LETTER, tmp_path / "p.png")) as page:
        page.save(tmp_path / f"photo.{suffix}", quality=80, dpi=(150, 150))
    photo = tmp_path / f"photo.{suffix}"
    assert fingerprint(photo).media_type == media_type
    [raw] = split_pages(photo, media_type, tmp_path, SplitOptions())
    assert raw.source == PageSource.OCR and raw.image is not None
    with Image.open(raw.image) as normalised:
        assert normalised.mode == "L"


def test_a_page_that_takes_too_long_to_read_is_a_clear_error(tmp_path: Path) -> None:
    """Four dense pages side by side: several seconds of tesseract, far over a 1 s limit."""
    page = Image.open(render_page(SPANISH_LETTER * 4, tmp_path / "page.png"))
    wide = Image.new("L", (page.width * 4, page.height), 255)
    for column in range(4):
        wide.paste(page, (column * page.width, 0))
    wide.save(tmp_path / "wide.png")
    with pytest.raises(DocumentError, match="tesseract took longer than 1 s") as caught:
        ocr_image(tmp_path / "wide.png", "spa", timeout_s=1)
    assert caught.value.stage == "ocr"
    # The child was stopped, not left reading.
    running = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True)
    assert running.stdout == ""


def test_a_tessdata_folder_without_the_tsv_config_is_a_machine_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tessdata = tmp_path / "tessdata"  # the Spanish model, but no configs/ folder
    tessdata.mkdir()
    (tessdata / "spa.traineddata").symlink_to(TESSDATA / "spa.traineddata")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tessdata))
    page = render_page(SPANISH_LETTER, tmp_path / "page.png")
    with pytest.raises(MachineError, match=r"'tsv' config .*configs") as caught:
        ocr_image(page, "spa", timeout_s=60)
    assert caught.value.stage == "ocr" and str(tessdata) in caught.value.message


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_page_images_over_the_pixel_limit_are_refused_before_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # restored after
    small = SplitOptions(max_image_pixels=1000)
    image = tmp_path / "page.png"
    Image.new("L", (40, 40), 255).save(image)  # 1,600 px: between Pillow's warning and refusal
    with pytest.raises(DocumentError, match="a page of 40×40 pixels exceeds the limit of 1000"):
        split_pages(image, "image/png", tmp_path, small)
    assert Image.MAX_IMAGE_PIXELS == 1000  # Pillow's own guard, set from the same setting
    Image.new("L", (80, 80), 255).save(image)  # past twice the limit: Pillow refuses at open
    with pytest.raises(DocumentError, match="exceeds the limit of 1000 pixels"):
        split_pages(image, "image/png", tmp_path, small)
    pdf = text_pdf(["x"], tmp_path / "page.pdf")  # A4, no real text: to be rasterised at 300 dpi
    at_300 = SplitOptions(dpi=300, max_image_pixels=8_000_000)
    with pytest.raises(DocumentError, match="a page of 2479×3508 pixels exceeds"):
        split_pages(pdf, "application/pdf", tmp_path, at_300)
    assert split_pages(image, "image/png", tmp_path, SplitOptions())  # the default reads it
