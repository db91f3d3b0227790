"""OCR of one page image with tesseract, after straightening it.

Skew of 1–2° silently costs tesseract most of a page's words while it still reports high
confidence, so every page is deskewed first. Images are handed to tesseract as files: given a PIL
image, pytesseract would re-encode it as PNG on every call. Page images are uncompressed TIFF
(`PAGE_IMAGE`): leptonica reads a PGM ~0.2 s a page slower, and writing a PNG costs ~0.25 s.
"""

import hashlib
import math
import os
import subprocess
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from PIL import Image
from pydantic import BaseModel, Field
from pytesseract.pytesseract import file_to_dict, osd_to_dict

from rogatory.models import WordBox

from .errors import DocumentError, MachineError

# tesseract's OpenMP threads made each page ~5× slower on 2 cores; pages run in parallel instead,
# and OpenCV's thread pool would only contend with them.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
cv2.setNumThreads(1)

TESSERACT_LANGUAGES = {"en": "eng", "es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por"}

PAGE_IMAGE = ".tif"

_MAX_SKEW_DEG = 5.0
_MIN_SKEW_DEG = 0.1
# Skew is estimated on a quarter-size copy (50–75 dpi): enough rows per text line, 16× fewer pixels.
_SKEW_SCALE = 4


_PNG_OPTIONS = [
    cv2.IMWRITE_PNG_COMPRESSION,
    1,
    cv2.IMWRITE_PNG_FILTER,
    cv2.IMWRITE_PNG_FILTER_UP,
    cv2.IMWRITE_PNG_STRATEGY,
    cv2.IMWRITE_PNG_STRATEGY_RLE,
]

# Below this mean word confidence a page is suspected to be turned, and its orientation checked.
_SUSPECT_CONFIDENCE = 0.6


class OcrResult(BaseModel):
    text: str
    confidence: float | None
    languages: str
    rotation: int = 0
    deskew_angle: float
    words: list[WordBox] = []
    image: Path = Field(description="The upright, deskewed image tesseract read: boxes refer to it")
    width: int
    height: int


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    return str(pytesseract.get_tesseract_version())


def estimate_skew(image: Image.Image) -> float:
    """Angle in degrees (counter-clockwise, as `Image.rotate` takes it) that makes text lines
    horizontal: the angle whose row projection of the ink is sharpest."""
    small = np.asarray(image.convert("L").reduce(_SKEW_SCALE), dtype=np.uint8)
    ys, xs = np.nonzero(small < _ink_threshold(small))
    if len(ys) < 100:
        return 0.0
    ys, xs = ys.astype(np.float64), xs.astype(np.float64) - small.shape[1] / 2

    def sharpness(angle: float) -> float:
        rows = ys - xs * math.tan(math.radians(angle))
        counts = np.bincount(np.round(rows - rows.min()).astype(np.int64))
        return float(np.dot(counts, counts))

    coarse = max(np.arange(-_MAX_SKEW_DEG, _MAX_SKEW_DEG + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(coarse - 0.5, coarse + 0.51, 0.05), key=sharpness)
    return round(float(fine), 2)


def _ink_threshold(grey: np.ndarray) -> int:
    """Otsu's threshold: scans vary from pale faxes to dark photocopies."""
    histogram = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    weight_dark = np.cumsum(histogram)
    weight_light = weight_dark[-1] - weight_dark
    mean_dark = np.cumsum(histogram * levels) / np.maximum(weight_dark, 1)
    mean_light = (np.sum(histogram * levels) - np.cumsum(histogram * levels)) / np.maximum(
        weight_light, 1
    )
    between = weight_dark * weight_light * (mean_dark - mean_light) ** 2
    return int(np.argmax(between))


def prepare_page(image_path: Path) -> tuple[Path, float]:
    """Deskew the page; returns the image tesseract should read and the angle corrected.

    Greyscale goes to tesseract as it is: a global Otsu binarisation first was measured on the
    sample scans at 0.81% vs 0.69% CER on fax pages and 0.37% vs 0.34% on noisy ones. The turn
    is bicubic, as Pillow's, but by OpenCV: 21 against 79 ms for a 200 dpi A4 page; CER on the
    54 sample pages 0.42 → 0.41%, the turned copy now keeping its resolution. Bilinear or
    nearest read worse."""
    with Image.open(image_path) as image:
        angle = estimate_skew(image)
        if abs(angle) < _MIN_SKEW_DEG:
            return image_path, 0.0
        grey = np.asarray(image.convert("L"))
        # Kept: tesseract sizes its text finding by it (a rotated copy used to say 1 dpi).
        resolution = image.info.get("dpi")
    height, width = grey.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    straight = cv2.warpAffine(
        grey, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=(255,)
    )
    target = image_path.with_name(f"{image_path.stem}.deskewed{PAGE_IMAGE}")
    Image.fromarray(straight).save(target, **({"dpi": resolution} if resolution else {}))
    return target, angle


def ocr_images(image_paths: list[Path], languages: str, timeout_s: int) -> list[OcrResult]:
    """Read pages with one tesseract process: its language model loads once, not once a page,
    which saved ~0.1 CPU-s a page (a tenth of reading one). A page that reads badly is then
    checked for a 90/180/270° turn and read again upright; checking only then keeps the
    orientation pass off the cost of upright pages."""
    if not image_paths:
        return []
    read = _read(image_paths, languages, timeout_s)
    return [
        _upright(path, result, languages, timeout_s)
        for path, result in zip(image_paths, read, strict=True)
    ]


def ocr_image(image_path: Path, languages: str, timeout_s: int) -> OcrResult:
    return ocr_images([image_path], languages, timeout_s)[0]


def _upright(image_path: Path, result: OcrResult, languages: str, timeout_s: int) -> OcrResult:
    if result.confidence is not None and result.confidence >= _SUSPECT_CONFIDENCE:
        return result
    rotation = detect_rotation(image_path, timeout_s)
    if rotation == 0:
        return result
    with Image.open(image_path) as image:
        upright = image.rotate(-rotation, expand=True)
    turned = image_path.with_name(f"{image_path.stem}.upright{PAGE_IMAGE}")
    upright.save(turned)
    second = _read([turned], languages, timeout_s)[0]
    if (second.confidence or 0) <= (result.confidence or 0):
        return result
    return second.model_copy(update={"rotation": rotation})


def write_preview(image_path: Path, target: Path, width: int = 1240) -> None:
    """A PNG of the page as tesseract read it, for reviewers to see beside the text, at most
    `width` pixels wide (150 dpi for A4): 100,000 pages fit in tens of GB, and word boxes still
    land on the words. Shrunk by area averaging, and compressed with PNG's "up" filter and
    run-length matching: 9 ms a page to encode against 28 ms for Pillow's adaptive filtering,
    for files 7% smaller."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(image_path) as image:
        grey = np.asarray(image.convert("L"))
    height, full_width = grey.shape
    if full_width > width:
        size = (width, max(1, round(height * width / full_width)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    _, encoded = cv2.imencode(".png", grey, _PNG_OPTIONS)
    data = encoded.tobytes()
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    # Its hash beside it, in `sha256sum -c` form, so that `rogatory verify` can tell a damaged
    # or altered preview from the one the pipeline wrote.
    sidecar = preview_digest_path(target)
    partial_sidecar = sidecar.with_name(f".{sidecar.name}.partial")
    partial_sidecar.write_text(f"{hashlib.sha256(data).hexdigest()}  {target.name}\n")
    partial.replace(target)
    partial_sidecar.replace(sidecar)


def preview_digest_path(preview: Path) -> Path:
    return preview.with_name(f"{preview.name}.sha256")


def detect_rotation(image_path: Path, timeout_s: int) -> int:
    """Degrees clockwise that make the page upright, from tesseract's orientation detection;
    0 when it cannot tell (too little text)."""
    try:
        osd = osd_to_dict(_tesseract(image_path, "osd", ["--psm", "0"], timeout_s))
    except DocumentError:
        return 0
    return int(osd.get("rotate", 0)) % 360


def _tesseract(image_path: Path, languages: str, options: list[str], timeout_s: int) -> str:
    """tesseract's output read from its stdout. pytesseract would have it write a file under the
    system's temporary folder: the page's text, outside the data directory."""
    command = ["tesseract", str(image_path), "stdout", "-l", languages, *options]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as error:
        raise DocumentError("ocr", f"tesseract took longer than {timeout_s} s") from error
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DocumentError(
            "ocr", f"tesseract failed: {lines[-1] if lines else f'exit {done.returncode}'}"
        )
    return done.stdout.decode("utf-8", "replace")


def _read(image_paths: list[Path], languages: str, timeout_s: int) -> list[OcrResult]:
    """The pages deskewed, then read by one tesseract; its time limit grows with the pages."""
    prepared = [prepare_page(path) for path in image_paths]
    source = prepared[0][0] if len(prepared) == 1 else _listing([path for path, _ in prepared])
    output = _tesseract(source, languages, ["--psm", "3", "tsv"], timeout_s * len(prepared))
    table = file_to_dict(output, "\t", -1)
    if "text" not in table:
        # tesseract only warns when a config file is missing, then writes plain text instead.
        tessdata = os.environ.get("TESSDATA_PREFIX", "tesseract's tessdata folder")
        raise MachineError(
            "ocr",
            f"tesseract wrote no word table: its 'tsv' config is missing from {tessdata}/configs "
            "(reinstall tesseract-ocr or point TESSDATA_PREFIX at a complete tessdata folder)",
        )
    return [
        _result(page_table, path, angle, languages)
        for page_table, (path, angle) in zip(_by_page(table, len(prepared)), prepared, strict=True)
    ]


def _listing(images: list[Path]) -> Path:
    """A text file naming the images, one a line: tesseract reads such a file as a document."""
    listing = images[0].with_name(f"{images[0].stem}.pages.txt")
    listing.write_text("".join(f"{image}\n" for image in images), encoding="utf-8")
    return listing


def _by_page(table: dict[str, list[object]], pages: int) -> list[dict[str, list[object]]]:
    rows: list[list[int]] = [[] for _ in range(pages)]
    for index, page in enumerate(table["page_num"]):
        rows[int(str(page)) - 1].append(index)
    return [
        {column: [values[i] for i in indices] for column, values in table.items()}
        for indices in rows
    ]


def _result(table: dict[str, list[object]], image: Path, angle: float, languages: str) -> OcrResult:
    text, words = _assemble(table)
    with Image.open(image) as opened:
        width, height = opened.size
    known = [word.confidence for word in words if word.confidence is not None]
    confidence = round(sum(known) / len(known), 3) if known else None
    return OcrResult(
        text=text,
        confidence=confidence,
        languages=languages,
        deskew_angle=angle,
        words=words,
        image=image,
        width=width,
        height=height,
    )


def _assemble(data: dict[str, list[object]]) -> tuple[str, list[WordBox]]:
    """Rebuild the page text from tesseract's word table — words joined by spaces, lines by
    newlines, paragraphs and blocks by a blank line — keeping each word's span and box."""
    text = ""
    words: list[WordBox] = []
    last_line: tuple[int, int, int] | None = None
    for index, raw in enumerate(data["text"]):
        word = str(raw).strip()
        if not word:
            continue
        line = (
            _int(data, "block_num", index),
            _int(data, "par_num", index),
            _int(data, "line_num", index),
        )
        if last_line is not None:
            text += " " if line == last_line else "\n" if line[:2] == last_line[:2] else "\n\n"
        last_line = line
        confidence = float(str(data["conf"][index]))
        words.append(
            WordBox(
                start=len(text),
                end=len(text) + len(word),
                left=_int(data, "left", index),
                top=_int(data, "top", index),
                width=_int(data, "width", index),
                height=_int(data, "height", index),
                confidence=round(confidence / 100, 3) if confidence >= 0 else None,
            )
        )
        text += word
    return text, words


def _int(data: dict[str, list[object]], column: str, index: int) -> int:
    return int(str(data[column][index]))
