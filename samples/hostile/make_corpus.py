"""Hostile and broken files, written into a folder at test time (none is committed: some are
built to be huge once decoded). Each is what an intake desk may really receive, or what an
attacker would send to the reader of such a desk.

    python -m samples.hostile.make_corpus OUT_DIR

Intake files go to OUT_DIR; the translation package that tries to escape its folder goes to
OUT_DIR/../packages, because it is installed with `rogatory models install`, not ingested.
"""

import io
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from PIL import Image

LETTER = (
    "Juzgado de Instrucción nº 3 de Madrid. Comisión rogatoria en las Diligencias Previas "
    "245/2025 por un presunto delito de blanqueo de capitales contra Juan Pérez García."
)
# Decoded sizes far above every default limit, from a few hundred KB to a few MB on disk.
BOMB_BYTES = 512 * 1024 * 1024
HUGE_IMAGE_SIDE = 30_000
THOUSANDS_OF_PAGES = 5_000
NESTING = 50
ESCAPING_PACKAGE = "escape.argosmodel"


def serialise(objects: list[bytes]) -> bytes:
    """Objects numbered from 1 (the first is the catalog), every offset in the xref right."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf(page_contents: list[bytes], media_box: str = "0 0 595 842", deflate: bool = False) -> bytes:
    """A PDF with one page per content stream, compressed as most real PDFs' are if asked."""
    count = len(page_contents)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, content in enumerate(page_contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [{media_box}] /Contents {5 + 2 * index} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        data = zlib.compress(content) if deflate else content
        decode = b"/Filter /FlateDecode " if deflate else b""
        objects.append(b"<< %s/Length %d >>\nstream\n%s\nendstream" % (decode, len(data), data))
    return serialise(objects)


def text_content(text: str) -> bytes:
    words = text.encode("cp1252", "replace").replace(b"(", b"").replace(b")", b"")
    return b"BT /F1 11 Tf 72 770 Td (" + words + b") Tj ET"


def letter_pdf() -> bytes:
    return pdf([text_content(LETTER)])


def empty(folder: Path) -> None:
    (folder / "empty.pdf").write_bytes(b"")


def truncated_pdf(folder: Path) -> None:
    whole = letter_pdf()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 3])


def wrong_header_pdf(folder: Path) -> None:
    """A PDF body, its page compressed as usual, behind a header no reader knows."""
    body = pdf([text_content(LETTER)], deflate=True).replace(b"%PDF-1.4", b"%PFD-9.9", 1)
    (folder / "wrong-header.pdf").write_bytes(body)


def encrypted_pdf(folder: Path) -> None:
    plain = folder / ".plain.pdf"
    plain.write_bytes(letter_pdf())
    target = folder / "encrypted.pdf"
    command = ["qpdf", "--encrypt", "secret", "secret", "256", "--", str(plain), str(target)]
    subprocess.run(command, check=True)
    plain.unlink()


def thousands_of_pages_pdf(folder: Path) -> None:
    """Every page shares one content stream: 5,000 pages in a few hundred KB."""
    content = text_content(LETTER)
    kids = " ".join(f"{4 + i} 0 R" for i in range(THOUSANDS_OF_PAGES))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {THOUSANDS_OF_PAGES} >>".encode(),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"
    ] * THOUSANDS_OF_PAGES
    (folder / "thousands-of-pages.pdf").write_bytes(serialise(objects))


def giant_page_pdf(folder: Path) -> None:
    """One page 200 inches square, no text layer: rasterised at 200 dpi it would be 1.6 Gpx."""
    (folder / "giant-page.pdf").write_bytes(pdf([b"0 0 m 10 10 l S"], "0 0 14400 14400"))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(folder: Path) -> None:
    """30,000 × 30,000 one-bit pixels, all white: 900 Mpx from under 1 MB. Written by hand
    because making it with Pillow would take the memory it is built to exhaust."""
    side = HUGE_IMAGE_SIDE
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
    png += png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")
    (folder / "huge-30000x30000.png").write_bytes(png)


def broken_ifd_tiff(folder: Path) -> None:
    """A real TIFF whose first directory claims 60,000 entries and lies past the end."""
    buffer = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buffer, format="TIFF")
    data = bytearray(buffer.getvalue())
    (ifd,) = struct.unpack_from("<I", data, 4)
    struct.pack_into("<H", data, ifd, 60_000)
    (folder / "broken-ifd.tif").write_bytes(bytes(data))


def mail(subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Autoridad Central <central@example.es>"
    message["To"] = "Central Authority <intake@example.org>"
    message["Date"] = "Mon, 02 Feb 2026 09:00:00 +0100"
    message["Subject"] = subject
    message.set_content(body)
    return message


def word_bomb() -> bytes:
    """A .docx whose body unpacks to 512 MiB of spaces (compressed ~1,000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as stream:
            chunk = b" " * (1 << 20)
            for _ in range(BOMB_BYTES >> 20):
                stream.write(chunk)
    return buffer.getvalue()


def zip_bomb_attachment(folder: Path) -> None:
    message = mail("Documentos adjuntos", "Adjuntamos la comisión rogatoria.\n")
    message.add_attachment(
        word_bomb(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="comision.docx",
    )
    (folder / "zip-bomb-attachment.eml").write_bytes(bytes(message))


def nested_email(folder: Path) -> None:
    """An e-mail inside an e-mail, 50 levels deep."""
    inner = mail("Nivel 50", LETTER)
    for level in range(NESTING - 1, 0, -1):
        outer = mail(f"Nivel {level}", f"Reenvío del nivel {level + 1}.\n")
        outer.add_attachment(inner)
        inner = outer
    (folder / "nested-50.eml").write_bytes(bytes(inner))


def zip_slip_docx(folder: Path) -> None:
    """A Word file whose archive also holds entries that would land outside any folder it were
    unpacked into."""
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = f'<w:document xmlns:w="{namespace}"><w:body><w:p><w:r><w:t>{LETTER}</w:t></w:r></w:p>'
    with zipfile.ZipFile(folder / "zip-slip.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body + "</w:body></w:document>")
        archive.writestr("../../../../zip-slip-escaped.txt", "written outside")
        archive.writestr("/tmp/zip-slip-absolute.txt", "written outside")


def passwd_attachment(folder: Path) -> None:
    message = mail("Comisión rogatoria", "Adjuntamos la comisión rogatoria.\n")
    message.add_attachment(
        letter_pdf(), maintype="application", subtype="pdf", filename="../../etc/passwd"
    )
    (folder / "attachment-named-etc-passwd.eml").write_bytes(bytes(message))


def nul_and_invalid_utf8(folder: Path) -> None:
    damaged = LETTER.encode() + b"\x00\x00 \xff\xfe \xc3\x28 " + LETTER.encode() + b"\x00"
    (folder / "nul-and-invalid-utf8.txt").write_bytes(damaged)


def escaping_package(folder: Path) -> None:
    """An Argos Translate package whose entries climb out of the packages folder."""
    with zipfile.ZipFile(folder / ESCAPING_PACKAGE, "w") as archive:
        archive.writestr("translate-es_en/metadata.json", '{"from_code": "es", "to_code": "en"}')
        archive.writestr("translate-es_en/../../../argos-escaped.txt", "written outside")


INTAKE: tuple[Callable[[Path], None], ...] = (
    empty,
    truncated_pdf,
    wrong_header_pdf,
    encrypted_pdf,
    thousands_of_pages_pdf,
    giant_page_pdf,
    huge_png,
    broken_ifd_tiff,
    zip_bomb_attachment,
    nested_email,
    zip_slip_docx,
    passwd_attachment,
    nul_and_invalid_utf8,
)


def make_corpus(intake: Path, packages: Path) -> None:
    intake.mkdir(parents=True, exist_ok=True)
    packages.mkdir(parents=True, exist_ok=True)
    for make in INTAKE:
        make(intake)
    escaping_package(packages)


if __name__ == "__main__":
    out = Path(sys.argv[1])
    make_corpus(out, out.parent / "packages")
