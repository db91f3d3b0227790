"""OCR on the sample scans: our page stage (deskew + tesseract) against plain `tesseract -l <lang>`
on the same page images, both with one tesseract thread per process and as many pages in flight
as there are cores. Character error rate against the source text, and pages per minute."""

import os
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein
from rich.console import Console
from rich.table import Table

from rogatory.nlp.fingerprint import fingerprint
from rogatory.nlp.ocr import TESSERACT_LANGUAGES, ocr_image
from rogatory.nlp.pages import RawPage, SplitOptions, split_pages

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
WORKERS = os.cpu_count() or 1


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate over whitespace-normalised text: line wrapping is not an error."""
    hyp, ref = " ".join(hypothesis.split()), " ".join(reference.split())
    return Levenshtein.distance(hyp, ref) / max(len(ref), 1)


def plain_tesseract(image: Path, language: str) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        ["tesseract", str(image), "-", "-l", language], capture_output=True, env=env, check=True
    )
    return done.stdout.decode("utf-8")


def ours(image: Path, language: str) -> str:
    return ocr_image(image, language, timeout_s=300).text


def timed_run(
    reader: Callable[[Path, str], str], jobs: list[tuple[RawPage, str]]
) -> tuple[list[str], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        texts = list(pool.map(lambda job: reader(job[0].image, job[1]), jobs))
    return texts, time.perf_counter() - started


def main() -> None:
    manifest = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as workdir:
        jobs, references, conditions = [], [], []
        for sample in manifest["samples"]:
            path = SAMPLES / "requests" / sample["output"]
            sample_dir = Path(workdir) / sample["id"]
            sample_dir.mkdir()
            pages = split_pages(path, fingerprint(path).media_type, sample_dir, SplitOptions())
            source = (SAMPLES / "sources" / f"{sample['id']}.txt").read_text(encoding="utf-8")
            for page, reference in zip(pages, source.split("\f"), strict=True):
                jobs.append((page, TESSERACT_LANGUAGES[sample["language"]]))
                references.append(reference)
                conditions.append(sample["condition"])

        baseline_texts, baseline_s = timed_run(plain_tesseract, jobs)
        our_texts, our_s = timed_run(ours, jobs)

    by_condition: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for condition, reference, base, our in zip(
        conditions, references, baseline_texts, our_texts, strict=True
    ):
        by_condition[condition].append((cer(our, reference), cer(base, reference)))

    table = Table(title=f"OCR on {len(jobs)} sample pages, {WORKERS} pages in flight")
    table.add_column("condition")
    for column in ("pages", "CER ours", "CER plain tesseract"):
        table.add_column(column, justify="right")
    for condition, pairs in sorted(by_condition.items()):
        mean_ours = sum(p[0] for p in pairs) / len(pairs)
        mean_base = sum(p[1] for p in pairs) / len(pairs)
        table.add_row(condition, str(len(pairs)), f"{mean_ours:.2%}", f"{mean_base:.2%}")
    console = Console()
    console.print(table)
    ours_ppm, base_ppm = 60 * len(jobs) / our_s, 60 * len(jobs) / baseline_s
    console.print(
        f"pages/minute: ours {ours_ppm:.1f}, plain tesseract {base_ppm:.1f}, "
        f"ratio {ours_ppm / base_ppm:.2f}"
    )
