"""OCR on the sample scans, and on their clean pages turned 90° and 180°: our page stage
(deskew, orientation, tesseract) against plain `tesseract -l <lang>` on the same page images,
both with one tesseract thread per process and as many pages in flight as there are cores.
Character error rate against the source text, and pages per minute. The pages are rendered at
`ROGATORY_OCR_DPI`: `ROGATORY_OCR_DPI=300 python -m bench ocr` compares resolutions."""

import os
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import yaml
from PIL import Image
from rapidfuzz.distance import Levenshtein
from rich.console import Console
from rich.table import Table

from rogatory.nlp.fingerprint import fingerprint
from rogatory.nlp.ocr import TESSERACT_LANGUAGES, ocr_image
from rogatory.nlp.pages import RawPage, SplitOptions, split_pages
from rogatory.settings import get_settings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
WORKERS = os.cpu_count() or 1


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate over whitespace-normalised text: line wrapping is not an error."""
    hyp, ref = " ".join(hypothesis.split()), " ".join(reference.split())
    return Levenshtein.distance(hyp, ref) / max(len(ref), 1)


def turned(page: RawPage, angle: int) -> RawPage:
    """The same scan put on the glass the wrong way round."""
    assert page.image is not None
    target = page.image.with_name(f"{page.image.stem}-turned-{angle}.pgm")
    with Image.open(page.image) as image:
        image.rotate(angle, expand=True).save(target)
    return page.model_copy(update={"image": target})


def plain_tesseract(image: Path, language: str) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        ["tesseract", str(image), "-", "-l", language], capture_output=True, env=env, check=True
    )
    return done.stdout.decode("utf-8")


def ours(image: Path, language: str) -> str:
    return ocr_image(image, language, timeout_s=300).text


def timed_run(reader: Callable[[Path, str], str], jobs: list["Job"]) -> tuple[list[str], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        texts = list(pool.map(lambda job: reader(job.page.image, job.language), jobs))
    return texts, time.perf_counter() - started


class Job(NamedTuple):
    page: RawPage
    language: str
    reference: str
    condition: str


def collect_jobs(workdir: Path) -> list[Job]:
    manifest = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
    jobs = []
    for sample in manifest["samples"]:
        path = SAMPLES / "requests" / sample["output"]
        sample_dir = workdir / sample["id"]
        sample_dir.mkdir()
        options = SplitOptions(dpi=get_settings().ocr_dpi)
        pages = split_pages(path, fingerprint(path).media_type, sample_dir, options)
        source = (SAMPLES / "sources" / f"{sample['id']}.txt").read_text(encoding="utf-8")
        language = TESSERACT_LANGUAGES[sample["language"]]
        for page, reference in zip(pages, source.split("\f"), strict=True):
            jobs.append(Job(page, language, reference, sample["condition"]))
            if sample["condition"] == "clean":
                jobs += [
                    Job(turned(page, angle), language, reference, f"rotated {angle}°")
                    for angle in (90, 180)
                ]
    return jobs


def main() -> None:
    console = Console(width=120)
    with tempfile.TemporaryDirectory() as workdir:
        jobs = collect_jobs(Path(workdir))
        table = Table(
            title=f"OCR on {len(jobs)} sample pages at {get_settings().ocr_dpi} dpi, "
            f"{WORKERS} pages in flight"
        )
        table.add_column("condition")
        for column in (
            "pages",
            "CER ours",
            "CER plain",
            "pages/min ours",
            "pages/min plain",
            "ratio",
        ):
            table.add_column(column, justify="right")
        # Upright and turned pages are timed apart: a turned page costs us a second reading,
        # and plain tesseract's speed on it buys nothing but garbage.
        groups = {
            "upright": [j for j in jobs if not j.condition.startswith("rotated")],
            "turned": [j for j in jobs if j.condition.startswith("rotated")],
        }
        for name, group in groups.items():
            base_texts, base_s = timed_run(plain_tesseract, group)
            our_texts, our_s = timed_run(ours, group)
            by_condition: dict[str, list[tuple[float, float]]] = defaultdict(list)
            for job, base, our in zip(group, base_texts, our_texts, strict=True):
                by_condition[job.condition].append(
                    (cer(our, job.reference), cer(base, job.reference))
                )
            for condition, pairs in sorted(by_condition.items()):
                table.add_row(
                    condition,
                    str(len(pairs)),
                    f"{sum(p[0] for p in pairs) / len(pairs):.2%}",
                    f"{sum(p[1] for p in pairs) / len(pairs):.2%}",
                    "",
                    "",
                    "",
                )
            ours_ppm, base_ppm = 60 * len(group) / our_s, 60 * len(group) / base_s
            table.add_row(
                f"all {name}",
                str(len(group)),
                "",
                "",
                f"{ours_ppm:.1f}",
                f"{base_ppm:.1f}",
                f"{ours_ppm / base_ppm:.2f}",
                end_section=True,
            )
    console.print(table)
