"""Pages of one document in parallel: the wall time of a 20-page scanned PDF through the whole
`process_document` flow against the same flow on its first page alone, both measured here."""

import os
import tempfile
import time
from pathlib import Path

from PIL import Image
from rich.console import Console

from rogatory.nlp.pages import SplitOptions, split_pages

from bench.ocr import SAMPLES

PAGES = 20


def scanned_pdf(pages: int, target: Path) -> Path:
    """A scan of `pages` pages made from the sample scans' pages, taken in turn."""
    rasters = []
    for sample in sorted((SAMPLES / "requests").glob("*.pdf")):
        folder = target.parent / sample.stem
        folder.mkdir(exist_ok=True)
        rasters += [p.image for p in split_pages(sample, "application/pdf", folder, SplitOptions())]
    images = [Image.open(rasters[index % len(rasters)]) for index in range(pages)]  # type: ignore[arg-type]
    images[0].save(target, "PDF", resolution=300, save_all=True, append_images=images[1:])
    return target


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        os.environ["ROGATORY_DATA_DIR"] = str(Path(workdir) / "data")
        from rogatory.flows.process import process_document

        one = scanned_pdf(1, Path(workdir) / "one.pdf")
        many = scanned_pdf(PAGES, Path(workdir) / "many.pdf")
        process_document(one)  # starts Prefect's temporary server outside the measurement
        timings = {}
        for name, pdf in (("one", one), ("many", many)):
            started = time.perf_counter()
            process_document(pdf)
            timings[name] = time.perf_counter() - started
    cores = os.cpu_count() or 1
    Console(width=120).print(
        f"{PAGES}-page scan: {timings['many']:.1f} s, one page: {timings['one']:.1f} s — "
        f"{timings['many'] / timings['one']:.1f}× one page's wall time "
        f"(sequential would be ~{PAGES}×, ideal on {cores} cores ~{PAGES / cores:.0f}×)"
    )
