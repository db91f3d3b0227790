"""Split a file into pages: one page source per media type, picked from the sniffed type.

A page comes out either with text (a sane PDF text layer, a text file) or with an image file
ready for OCR. PDFs go through poppler in subprocesses so a hostile PDF can crash or hang only a
child process, bounded by a timeout.
"""

import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image, ImageSequence
from pydantic import BaseModel

from rogatory.models import PageSource

from .errors import DocumentError
from .fingerprint import DOCX, EMAIL
from .mail import email_text
from .ocr import PAGE_IMAGE

_POPPLER_TIMEOUT_S = 120
# A text layer with fewer letters than this is a scan with a stray caption, not real text.
_MIN_TEXT_LAYER_LETTERS = 40
_MIN_LETTER_RATIO = 0.5


class RawPage(BaseModel):
    number: int
    source: PageSource
    text: str | None = None
    image: Path | None = None


class SplitOptions(BaseModel):
    dpi: int = 200  # see `Settings.ocr_dpi`
    max_pages: int = 500
    max_bytes: int = 200 * 1024 * 1024
    max_image_pixels: int = 150_000_000


Splitter = Callable[[Path, Path, SplitOptions], list[RawPage]]


def split_pages(path: Path, media_type: str, workdir: Path, options: SplitOptions) -> list[RawPage]:
    # Pillow's own decompression-bomb guard, set from our limit rather than left at its default
    # or disabled: it stops any decode we did not check first (a frame it finds mid-file).
    Image.MAX_IMAGE_PIXELS = options.max_image_pixels
    size = path.stat().st_size
    if size == 0:
        raise DocumentError("pages", "the file is empty")
    if size > options.max_bytes:
        raise DocumentError(
            "pages", f"the file has {size} bytes, more than the limit of {options.max_bytes}"
        )
    splitter = _SPLITTERS.get(media_type)
    if splitter is None:
        raise DocumentError("pages", f"unsupported file type {media_type}")
    pages = splitter(path, workdir, options)
    if not pages:
        raise DocumentError("pages", "the file has no pages")
    # A NUL is never text, and PostgreSQL refuses it in JSON: dropped whatever the source.
    return [
        page.model_copy(update={"text": page.text.replace("\x00", "")}) if page.text else page
        for page in pages
    ]


def _check_page_count(count: int, options: SplitOptions) -> None:
    if count > options.max_pages:
        raise DocumentError("pages", f"{count} pages exceed the limit of {options.max_pages}")


def _check_pixels(width: float, height: float, options: SplitOptions) -> None:
    """Refuse a page image before anything decodes it: the header says how big it would be."""
    pixels = round(width) * round(height)
    if pixels > options.max_image_pixels:
        raise DocumentError(
            "pages",
            f"a page of {round(width)}×{round(height)} pixels exceeds the limit of "
            f"{options.max_image_pixels} pixels",
        )


def _poppler(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, timeout=_POPPLER_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as error:
        raise DocumentError(
            "pages", f"{args[0]} took longer than {_POPPLER_TIMEOUT_S} s"
        ) from error
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "Incorrect password" in stderr:
            raise DocumentError("pages", "the PDF is encrypted and needs a password")
        reason = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {done.returncode}"
        raise DocumentError("pages", f"unreadable PDF: {reason}")
    return done.stdout.decode("utf-8", "replace")


def _pdf_page_count(path: Path) -> int:
    info = _poppler(["pdfinfo", str(path)])
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    if match is None:
        raise DocumentError("pages", "unreadable PDF: no page count")
    return int(match.group(1))


def _is_sane_text(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    return letters >= _MIN_TEXT_LAYER_LETTERS and letters / max(visible, 1) >= _MIN_LETTER_RATIO


def _split_pdf(path: Path, workdir: Path, options: SplitOptions) -> list[RawPage]:
    count = _pdf_page_count(path)
    _check_page_count(count, options)
    layer = _poppler(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"]).split("\f")
    pages = []
    for number in range(1, count + 1):
        text = layer[number - 1] if number <= len(layer) else ""
        if _is_sane_text(text):
            pages.append(RawPage(number=number, source=PageSource.TEXT_LAYER, text=text))
        else:
            pages.append(
                RawPage(
                    number=number,
                    source=PageSource.OCR,
                    image=_rasterise(path, number, workdir, options),
                )
            )
    return pages


def _rasterise(path: Path, number: int, workdir: Path, options: SplitOptions) -> Path:
    _check_pdf_page_pixels(path, number, options)
    stem = workdir / f"page-{number:04d}"
    _poppler(
        [
            "pdftoppm",
            "-r",
            str(options.dpi),
            "-gray",
            "-tiff",
            "-tiffcompression",
            "none",
            "-singlefile",
            "-f",
            str(number),
            "-l",
            str(number),
            str(path),
            str(stem),
        ]
    )
    return stem.with_suffix(PAGE_IMAGE)


_PAGE_SIZE = re.compile(r"^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.MULTILINE)


def _check_pdf_page_pixels(path: Path, number: int, options: SplitOptions) -> None:
    """A page's size in points times the resolution: a page drawn 200 inches wide would
    otherwise make poppler allocate gigabytes."""
    info = _poppler(["pdfinfo", "-f", str(number), "-l", str(number), str(path)])
    match = _PAGE_SIZE.search(info)
    if match is None:
        raise DocumentError("pages", f"unreadable PDF: no size for page {number}")
    width, height = (float(value) * options.dpi / 72 for value in match.groups())
    _check_pixels(width, height, options)


def _split_image(path: Path, workdir: Path, options: SplitOptions) -> list[RawPage]:
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            _check_page_count(frames, options)
            pages = []
            for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
                # Each frame's header is read by now; its pixels only by the convert below.
                _check_pixels(frame.width, frame.height, options)
                target = workdir / f"page-{index:04d}{PAGE_IMAGE}"
                # Uncompressed: a fax frame would otherwise be written back with its group 4
                # compression, which takes only 1-bit images.
                _normalise_resolution(frame, options).save(target, compression="raw")
                pages.append(RawPage(number=index, source=PageSource.OCR, image=target))
            return pages
    except Image.DecompressionBombError as error:
        # Pillow refuses at open past twice its limit, before our own check can run.
        raise DocumentError(
            "pages", f"the image exceeds the limit of {options.max_image_pixels} pixels: {error}"
        ) from error
    except (OSError, ValueError) as error:
        raise DocumentError("pages", f"unreadable image: {error}") from error


def _normalise_resolution(frame: Image.Image, options: SplitOptions) -> Image.Image:
    """Greyscale with square pixels at the OCR resolution: fax pages come as 204×98 or 204×196
    dpi, and tesseract reads stretched glyphs badly. The resolution comes from the file, so the
    size it leads to is checked against the limit too: a damaged TIFF said 1 dpi."""
    dpi = options.dpi
    x_dpi, y_dpi = (float(v) for v in frame.info.get("dpi", (dpi, dpi)))
    if x_dpi <= 0 or y_dpi <= 0 or (abs(x_dpi - dpi) < 1 and abs(y_dpi - dpi) < 1):
        return frame.convert("L")
    size = (round(frame.width * dpi / x_dpi), round(frame.height * dpi / y_dpi))
    _check_pixels(*size, options)
    resized = frame.convert("L").resize(size, Image.Resampling.LANCZOS)
    resized.info["dpi"] = (dpi, dpi)
    return resized


def _split_text(path: Path, workdir: Path, options: SplitOptions) -> list[RawPage]:
    texts = path.read_bytes().decode("utf-8", "replace").split("\f")
    if len(texts) > 1 and not texts[-1].strip():
        texts.pop()
    _check_page_count(len(texts), options)
    return [
        RawPage(number=number, source=PageSource.TEXT_LAYER, text=text)
        for number, text in enumerate(texts, start=1)
    ]


_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _split_docx(path: Path, workdir: Path, options: SplitOptions) -> list[RawPage]:
    """Paragraph text of a Word file; explicit page breaks start a new page."""
    try:
        with zipfile.ZipFile(path) as archive:
            body = archive.getinfo("word/document.xml")
            # The size in the zip directory can lie; the read is bounded all the same.
            if body.file_size > options.max_bytes:
                raise DocumentError("pages", "the Word document's text is larger than the limit")
            with archive.open(body) as stream:
                xml = stream.read(options.max_bytes + 1)
        if len(xml) > options.max_bytes:
            raise DocumentError("pages", "the Word document's text is larger than the limit")
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as error:
        raise DocumentError("pages", f"unreadable Word document: {error}") from error
    pages: list[list[str]] = [[]]
    for paragraph in root.iter(f"{_WORD}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD}t":
                parts.append(node.text or "")
            elif node.tag == f"{_WORD}tab":
                parts.append("\t")
            elif node.tag == f"{_WORD}br" and node.get(f"{_WORD}type") == "page":
                pages.append([])
            elif node.tag in (f"{_WORD}br", f"{_WORD}cr"):
                parts.append("\n")
        pages[-1].append("".join(parts))
    _check_page_count(len(pages), options)
    return [
        RawPage(number=number, source=PageSource.TEXT_LAYER, text="\n".join(lines).strip("\n"))
        for number, lines in enumerate(pages, start=1)
    ]


def _split_email(path: Path, workdir: Path, options: SplitOptions) -> list[RawPage]:
    """The message text only: attachments are documents of their own (`email_attachments`)."""
    return [RawPage(number=1, source=PageSource.TEXT_LAYER, text=email_text(path))]


_SPLITTERS: dict[str, Splitter] = {
    "application/pdf": _split_pdf,
    "image/png": _split_image,
    "image/jpeg": _split_image,
    "image/tiff": _split_image,
    "image/webp": _split_image,
    "text/plain": _split_text,
    DOCX: _split_docx,
    EMAIL: _split_email,
}
