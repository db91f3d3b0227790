"""Render the sample request texts into scanned-looking PDF/TIFF files.

Each entry of manifest.yaml names a UTF-8 source text (pages separated by form feeds), a scan
condition and an output file. The output is image-only, like what a central authority receives
from a scanner or a fax machine, so the pipeline has to OCR it.

    python samples/render.py [--out DIR]

The script is deterministic: every random choice is drawn from a generator seeded with the
sample id, and the PDF dates are fixed, so re-running it reproduces the same bytes.
"""

from __future__ import annotations

import argparse
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# Condensed serif: plain DejaVuSerif is too wide for an 80-column line at 11 pt on A4.
FONTS: dict[str, tuple[str, str]] = {
    "serif": ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf"),
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
}

DPI = 300
PAGE_W, PAGE_H = 2480, 3508  # A4 at 300 dpi
MARGIN_L, MARGIN_R, MARGIN_T = 180, 170, 200
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R
COLUMNS = 80  # source lines are at most 80 characters; runs of spaces map onto this grid
BODY_SIZES = (48, 47, 46, 45, 44, 43, 42)  # 11-12 pt at 300 dpi, largest that fits is used
LINE_SPACING = 1.32
FAX_SIZE = (1728, 2292)  # ITU-T T.4 fine mode: 1728 pels per line, ~196 lines per inch
FAX_DPI = (204, 196)
PDF_DATE = datetime(2026, 2, 1, 12, 0, 0, tzinfo=UTC).utctimetuple()  # Pillow wants struct_time

COL_RUN = re.compile(r" {2,}")


@dataclass(frozen=True)
class Sample:
    id: str
    language: str
    source: Path
    output: str
    condition: str
    font: str


@dataclass(frozen=True)
class Fonts:
    body: ImageFont.FreeTypeFont
    head: ImageFont.FreeTypeFont
    sub: ImageFont.FreeTypeFont
    justify: bool  # typewriter-style (mono) letters are set ragged-right


def load_manifest(path: Path) -> list[Sample]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Sample(
            id=e["id"],
            language=e["language"],
            source=HERE / e["source"],
            output=e["output"],
            condition=e["condition"],
            font=e.get("font", "serif"),
        )
        for e in data["samples"]
    ]


def rng_for(sample_id: str) -> np.random.Generator:
    # crc32 rather than hash(): str hashes are salted per process and would break determinism.
    return np.random.default_rng(zlib.crc32(sample_id.encode("utf-8")))


def split_pages(text: str) -> list[list[str]]:
    pages = [p.rstrip("\n") for p in text.split("\f")]
    return [p.split("\n") for p in pages if p.strip()]


def pick_fonts(kind: str, lines: list[str]) -> Fonts:
    """Largest body size at which every source line still fits the text width."""
    regular, bold = (str(FONT_DIR / name) for name in FONTS[kind])
    longest = max(lines, key=len, default="")
    size = BODY_SIZES[-1]
    for candidate in BODY_SIZES:
        if ImageFont.truetype(regular, candidate).getlength(longest) <= TEXT_W:
            size = candidate
            break
    return Fonts(
        body=ImageFont.truetype(regular, size),
        head=ImageFont.truetype(bold, size + 6),
        sub=ImageFont.truetype(regular, size - 6),
        justify=kind != "mono",
    )


def fit_font(font: ImageFont.FreeTypeFont, text: str) -> ImageFont.FreeTypeFont:
    """Shrink a letterhead font until the line fits; long authority names must not be clipped."""
    while font.getlength(text) > TEXT_W and font.size > 24:
        font = font.font_variant(size=font.size - 1)
    return font


def split_letterhead(lines: list[str]) -> tuple[list[str], list[str]]:
    """The first block of page 1 (up to the first blank line) is the authority's letterhead."""
    for i, line in enumerate(lines):
        if not line.strip():
            return lines[:i], lines[i + 1 :]
    return [], lines


def draw_letterhead(draw: ImageDraw.ImageDraw, head: list[str], fonts: Fonts, ink: int) -> int:
    y = MARGIN_T - 60
    for i, line in enumerate(head):
        font = fit_font(fonts.head if i == 0 else fonts.sub, line.strip())
        width = font.getlength(line.strip())
        draw.text((MARGIN_L + (TEXT_W - width) / 2, y), line.strip(), font=font, fill=ink)
        y += int(font.size * 1.35)
    y += 12
    draw.line([(MARGIN_L, y), (PAGE_W - MARGIN_R, y)], fill=ink, width=4)
    return y + 60


@dataclass(frozen=True)
class Paragraph:
    """Wrapped prose from the source, reflowed to the page width like a word processor would."""

    first_indent: int  # in source columns
    rest_indent: int
    text: str


Block = Paragraph | str  # a str is a layout line (form, table, signature) drawn as written


def is_wrapped_prose(block: list[str]) -> bool:
    """A run of long lines without column gaps is a paragraph the author wrapped by hand.

    Short lines (headings, "Key: value" pairs, signatures) and lines aligned with runs of
    spaces keep their line breaks, so forms and letter headers keep their shape.
    """
    if len(block) < 2 or any(COL_RUN.search(line.strip()) for line in block):
        return False
    rest = {len(line) - len(line.lstrip(" ")) for line in block[1:]}
    return len(rest) == 1 and all(len(line.strip()) >= 55 for line in block[:-1])


def to_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    run: list[str] = []

    def flush() -> None:
        if is_wrapped_prose(run):
            first = len(run[0]) - len(run[0].lstrip(" "))
            rest = len(run[1]) - len(run[1].lstrip(" "))
            blocks.append(Paragraph(first, rest, " ".join(line.strip() for line in run)))
        else:
            blocks.extend(run)
        run.clear()

    for line in lines:
        starts_item = bool(re.match(r" *(\d+\.|[a-z]\)|\(\w\)|-|\[[X ]\]) ", line))
        if not line.strip() or (starts_item and run):
            flush()
        if line.strip():
            run.append(line)
        else:
            blocks.append("")
    flush()
    return blocks


def wrap(text: str, font: ImageFont.FreeTypeFont, first_w: float, rest_w: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        width = first_w if not lines else rest_w
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def draw_justified(
    draw: ImageDraw.ImageDraw, x: float, y: int, line: str, font: ImageFont.FreeTypeFont, ink: int
) -> None:
    words = line.split(" ")
    gaps = len(words) - 1
    extra = (MARGIN_L + TEXT_W - x - font.getlength(line)) / gaps if gaps else 0.0
    # Very loose lines look worse justified than ragged, as on a real word processor.
    if extra <= 0 or extra > 3 * font.getlength(" "):
        draw.text((x, y), line, font=font, fill=ink)
        return
    space = font.getlength(" ") + extra
    for word in words:
        draw.text((x, y), word, font=font, fill=ink)
        x += font.getlength(word) + space


def draw_columns(
    draw: ImageDraw.ImageDraw, y: int, line: str, font: ImageFont.FreeTypeFont, ink: int
) -> None:
    """Place space-aligned segments on an 80-column grid, so tables and dates keep their layout."""
    cell = TEXT_W / COLUMNS
    min_gap = font.getlength("  ")
    x_end = 0.0
    for match in re.finditer(r"\S+(?: \S+)*", line):
        x = max(MARGIN_L + match.start() * cell, x_end + min_gap if x_end else 0.0)
        draw.text((x, y), match.group(), font=font, fill=ink)
        x_end = x + font.getlength(match.group())


def draw_paragraph(
    draw: ImageDraw.ImageDraw, y: int, para: Paragraph, fonts: Fonts, ink: int
) -> int:
    font = fonts.body
    cell = TEXT_W / COLUMNS
    x_first = MARGIN_L + para.first_indent * cell
    x_rest = MARGIN_L + para.rest_indent * cell
    right = MARGIN_L + TEXT_W
    lines = wrap(para.text, font, right - x_first, right - x_rest)
    step = int(font.size * LINE_SPACING)
    for i, line in enumerate(lines):
        x = x_first if i == 0 else x_rest
        if fonts.justify and i < len(lines) - 1:
            draw_justified(draw, x, y, line, font, ink)
        else:
            draw.text((x, y), line, font=font, fill=ink)
        y += step
    return y


def render_page(lines: list[str], fonts: Fonts, first: bool, ink: int) -> Image.Image:
    page = Image.new("L", (PAGE_W, PAGE_H), 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN_T
    if first:
        head, lines = split_letterhead(lines)
        if head:
            y = draw_letterhead(draw, head, fonts, ink)
    step = int(fonts.body.size * LINE_SPACING)
    for block in to_blocks(lines):
        if isinstance(block, Paragraph):
            y = draw_paragraph(draw, y, block, fonts, ink)
            continue
        if block.strip():
            draw_columns(draw, y, block, fonts.body, ink)
        y += step
    if y > PAGE_H - 120:
        raise ValueError(f"text overflows the page by {y - PAGE_H + 120} px")
    return page


# --- scan conditions ---------------------------------------------------------------------------


def to_image(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")


def add_specks(arr: np.ndarray, rng: np.random.Generator, density: float) -> np.ndarray:
    """Dust and toner specks: small dark blobs, the typical defect of a flatbed scan."""
    h, w = arr.shape
    count = int(h * w * density)
    ys = rng.integers(0, h - 3, count)
    xs = rng.integers(0, w - 3, count)
    sizes = rng.integers(1, 4, count)
    shades = rng.integers(40, 160, count)
    out = arr.copy()
    for y, x, s, v in zip(ys, xs, sizes, shades, strict=True):
        out[y : y + s, x : x + s] = np.minimum(out[y : y + s, x : x + s], v)
    return out


def paper_tone(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    # Scanners rarely give pure white; a flat tone keeps JPEG/deflate sizes small.
    tone = int(rng.integers(238, 248))
    return arr * (tone / 255.0)


def cond_clean(page: Image.Image, rng: np.random.Generator) -> Image.Image:
    soft = page.filter(ImageFilter.GaussianBlur(0.6))
    arr = paper_tone(np.asarray(soft, dtype=np.float32), rng)
    return to_image(add_specks(arr, rng, 2e-6))


def cond_skewed(page: Image.Image, rng: np.random.Generator) -> Image.Image:
    angle = float(rng.uniform(1.0, 2.5) * rng.choice([-1.0, 1.0]))
    rotated = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    arr = paper_tone(np.asarray(rotated.filter(ImageFilter.GaussianBlur(0.7)), np.float32), rng)
    return to_image(add_specks(arr, rng, 4e-5))


def cond_noisy(page: Image.Image, rng: np.random.Generator) -> Image.Image:
    blurred = page.filter(ImageFilter.GaussianBlur(float(rng.uniform(1.3, 1.7))))
    arr = paper_tone(np.asarray(blurred, dtype=np.float32), rng)
    # Uneven illumination across the page, as from a copier lid not fully closed.
    gradient = np.linspace(0.0, float(rng.uniform(12, 22)), PAGE_W, dtype=np.float32)
    arr = arr - gradient[None, :] + rng.normal(0.0, 5.0, arr.shape)
    return to_image(add_specks(arr, rng, 1.5e-5))


def cond_fax(page: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Bilevel at fax fine resolution: thin strokes break up, edges get jagged."""
    small = page.filter(ImageFilter.GaussianBlur(0.8)).resize(FAX_SIZE, Image.Resampling.BILINEAR)
    arr = np.asarray(small, dtype=np.float32) + rng.normal(0.0, 18.0, (FAX_SIZE[1], FAX_SIZE[0]))
    # A couple of dropped/streaked scan lines, the signature of a noisy phone line.
    for row in rng.integers(0, FAX_SIZE[1], 3):
        arr[row, :] = 255.0 if rng.random() < 0.5 else arr[row, :] - 90.0
    bilevel = np.where(arr < 150.0, 0, 255).astype(np.uint8)
    return Image.fromarray(bilevel, mode="L").convert("1", dither=Image.Dither.NONE)


CONDITIONS = {"clean": cond_clean, "skewed": cond_skewed, "noisy": cond_noisy, "fax": cond_fax}


# --- output --------------------------------------------------------------------------------------


def save_pages(pages: list[Image.Image], path: Path, condition: str, title: str) -> None:
    first, rest = pages[0], pages[1:]
    if path.suffix == ".pdf":
        # The noisy pages get a harsher JPEG, like a cheap copier's scan-to-mail.
        quality = 40 if condition == "noisy" else 60
        first.save(
            path, "PDF", resolution=float(DPI), save_all=True, append_images=rest,
            quality=quality, optimize=True, title=title, creationDate=PDF_DATE, modDate=PDF_DATE,
        )  # fmt: skip
    elif condition == "fax":
        first.save(
            path, "TIFF", compression="group4", save_all=True, append_images=rest, dpi=FAX_DPI
        )
    else:
        first.save(
            path, "TIFF", compression="tiff_adobe_deflate", save_all=True, append_images=rest,
            dpi=(DPI, DPI),
        )  # fmt: skip


def render_sample(sample: Sample, out_dir: Path) -> Path:
    rng = rng_for(sample.id)
    pages_text = split_pages(sample.source.read_text(encoding="utf-8"))
    fonts = pick_fonts(sample.font, [line for page in pages_text for line in page])
    ink = int(rng.integers(10, 45))
    degrade = CONDITIONS[sample.condition]
    pages = [
        degrade(render_page(lines, fonts, first=(i == 0), ink=ink), rng)
        for i, lines in enumerate(pages_text)
    ]
    path = out_dir / sample.output
    save_pages(pages, path, sample.condition, title=sample.id)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "requests", help="output directory")
    parser.add_argument("--manifest", type=Path, default=HERE / "manifest.yaml")
    parser.add_argument("--only", nargs="*", help="render only these sample ids")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for sample in load_manifest(args.manifest):
        if args.only and sample.id not in args.only:
            continue
        path = render_sample(sample, args.out)
        print(f"{sample.id:30s} {sample.condition:7s} {path.stat().st_size / 1024:8.0f} KiB {path}")


if __name__ == "__main__":
    main()
