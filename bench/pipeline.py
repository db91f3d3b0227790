"""Backlogs end to end, each figure against a baseline measured in the same run:
- pages/minute of `rogatory backlog` on ≥100 scanned pages against plain `tesseract -l <lang>`
  on the same page images with as many tesseract processes as cores;
- resident memory (the flow's process and every worker) over a 1,000-document text-only
  batch, sampled as it goes: it must stay flat;
- Prefect's (and Dask's) own cost per document: wall time × workers less the time the
  documents spent in the pipeline, per document."""

import contextlib
import os
import resource
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import psutil
import yaml
from PIL import Image
from rich.console import Console
from rich.table import Table

from rogatory.nlp.fingerprint import fingerprint
from rogatory.nlp.ocr import TESSERACT_LANGUAGES
from rogatory.nlp.pages import SplitOptions, split_pages

from bench.ocr import SAMPLES, WORKERS, plain_tesseract

SCANNED_DOCUMENTS = 26
PAGES_PER_DOCUMENT = 4
TEXT_DOCUMENTS = 1000
MEMORY_SAMPLES = 10


def sample_pages(workdir: Path) -> list[tuple[list[Path], str]]:
    """Each sample scan's page images with its tesseract language."""
    manifest = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
    found = []
    for sample in manifest["samples"]:
        path = SAMPLES / "requests" / sample["output"]
        folder = workdir / "sample-pages" / sample["id"]
        folder.mkdir(parents=True)
        pages = split_pages(path, fingerprint(path).media_type, folder, SplitOptions())
        images = [p.image for p in pages if p.image is not None]
        if images:
            found.append((images, TESSERACT_LANGUAGES[sample["language"]]))
    return found


def scanned_backlog(workdir: Path) -> list[tuple[Path, str]]:
    """Scanned PDFs of PAGES_PER_DOCUMENT pages, each from one sample's pages in turn; one pixel
    set apart so that no two are the same file. Returns every page image with its language."""
    inbox = workdir / "scans"
    inbox.mkdir()
    samples = sample_pages(workdir)
    pages: list[tuple[Path, str]] = []
    for number in range(SCANNED_DOCUMENTS):
        images, language = samples[number % len(samples)]
        chosen = [images[i % len(images)] for i in range(PAGES_PER_DOCUMENT)]
        rasters = [Image.open(image).convert("L") for image in chosen]
        rasters[0].putpixel((0, 0), number % 256)
        for index, raster in enumerate(rasters):
            page = workdir / "pages" / f"{number}-{index}.png"
            page.parent.mkdir(exist_ok=True)
            raster.save(page)
            pages.append((page, language))
        rasters[0].save(
            inbox / f"scan-{number:03}.pdf",
            "PDF",
            resolution=300,
            save_all=True,
            append_images=rasters[1:],
        )
    return pages


def text_backlog(workdir: Path) -> Path:
    inbox = workdir / "texts"
    inbox.mkdir()
    letter = (SAMPLES / "sources" / "es01_mla_madrid.txt").read_text(encoding="utf-8")
    for number in range(TEXT_DOCUMENTS):
        (inbox / f"text-{number:04}.txt").write_text(
            f"{letter}\nReferencia interna {number}/2026\n", encoding="utf-8"
        )
    return inbox


def tree_rss() -> dict[str, int]:
    """Resident bytes of this process (the flow), the temporary Prefect server, and the Dask
    processes (scheduler, nannies, workers), which are all its descendants."""
    me = psutil.Process()
    found = {"flow": me.memory_info().rss, "Prefect server": 0, "Dask workers": 0}
    for process in me.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):  # a process that ended meanwhile
            role = "Prefect server" if "uvicorn" in " ".join(process.cmdline()) else "Dask workers"
            found[role] += process.memory_info().rss
    return found


class MemoryProbe:
    """A progress listener that samples memory every `every` documents."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.done = 0
        self.pipeline_seconds = 0.0
        self.samples: list[tuple[int, dict[str, int]]] = []

    def started(self, files: int, todo: int) -> None:
        self.samples.append((0, tree_rss()))

    def finished(self, outcome: object) -> None:
        from rogatory.models.run import FileOutcome

        assert isinstance(outcome, FileOutcome)
        self.done += 1
        self.pipeline_seconds += outcome.seconds
        if self.done % self.every == 0:
            self.samples.append((self.done, tree_rss()))


class Measured(NamedTuple):
    wall: float
    cpu: float
    load: float


def cpu_seconds() -> float:
    """CPU time of this process, its ended children (and theirs, waited for), and the living
    Prefect server: everything a run costs."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime
    for process in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


def measure(run: Callable[[], None]) -> Measured:
    cpu, started = cpu_seconds(), time.perf_counter()
    run()
    return Measured(time.perf_counter() - started, cpu_seconds() - cpu, os.getloadavg()[0])


def use_data_dir(path: Path) -> None:
    from rogatory.settings import get_settings

    os.environ["ROGATORY_DATA_DIR"] = str(path)
    get_settings.cache_clear()


def main() -> None:
    console = Console(width=120)
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        use_data_dir(workdir / "warm-up")
        from rogatory.flows import progress
        from rogatory.flows.backlog import run_backlog
        from rogatory.flows.process import process_document

        warm = workdir / "warm.txt"
        warm.write_text("Comisión rogatoria.\n", encoding="utf-8")
        process_document(warm)  # Prefect's temporary server starts outside the measurements

        pages = scanned_backlog(workdir)

        def plain() -> None:
            with ThreadPoolExecutor(WORKERS) as pool:
                list(pool.map(lambda job: plain_tesseract(*job), pages))

        def ours() -> None:
            use_data_dir(workdir / f"scanned-{time.monotonic_ns()}")
            report = run_backlog([str(workdir / "scans")], concurrency=WORKERS)
            assert report.failures == [] and report.pages == len(pages), report
            stages = ", ".join(f"{k} {v:.0f} s" for k, v in sorted(report.stage_seconds.items()))
            console.print(f"backlog per stage (summed over documents): {stages}")

        # Other work on the machine changes wall times from one minute to the next: the two
        # are timed in turn (plain, ours, plain), and CPU time is counted as well.
        runs = [("plain tesseract", measure(plain)), ("rogatory backlog", measure(ours))]
        runs.append(("plain tesseract", measure(plain)))
        plain_runs = [m for name, m in runs if name == "plain tesseract"]
        plain_wall = sum(m.wall for m in plain_runs) / len(plain_runs)
        plain_cpu = sum(m.cpu for m in plain_runs) / len(plain_runs)
        table = Table(title=f"{len(pages)} scanned pages in {SCANNED_DOCUMENTS} documents")
        for column in ("run", "minutes", "pages/min", "ratio", "CPU s/page", "CPU ratio", "load"):
            table.add_column(column, justify="right")
        for name, m in runs:
            table.add_row(
                f"{name}, {WORKERS} at once",
                f"{m.wall / 60:.2f}",
                f"{len(pages) / m.wall * 60:.1f}",
                f"{plain_wall / m.wall:.2f}",
                f"{m.cpu / len(pages):.2f}",
                f"{plain_cpu / m.cpu:.2f}",
                f"{m.load:.1f}",
            )
        console.print(table)
        console.print(
            "ratio: against the mean of the plain runs; CPU: this process, its children "
            "(tesseract, Dask workers and what they ran) and the Prefect server; load: the "
            "1-minute load average at the end of the run"
        )

        inbox = text_backlog(workdir)
        use_data_dir(workdir / "texts-data")
        probe = MemoryProbe(every=TEXT_DOCUMENTS // MEMORY_SAMPLES)
        token = progress.listener.set(probe)
        started = time.perf_counter()
        try:
            texts = run_backlog([str(inbox)], concurrency=WORKERS)
        finally:
            progress.listener.reset(token)
        wall = time.perf_counter() - started
        assert texts.failures == [] and texts.processed == TEXT_DOCUMENTS, texts

        memory = Table(title=f"{TEXT_DOCUMENTS} text documents: resident memory of all processes")
        roles = list(probe.samples[0][1])
        for column in ("documents done", *(f"{role} MiB" for role in roles), "all MiB"):
            memory.add_column(column, justify="right")
        for done, rss in probe.samples:
            mib = [rss[role] / 2**20 for role in roles]
            memory.add_row(str(done), *(f"{m:.0f}" for m in mib), f"{sum(mib):.0f}")
        console.print(memory)
        first = sum(next(rss for done, rss in probe.samples if done > 0).values())
        last = sum(probe.samples[-1][1].values())
        overhead = (wall * WORKERS - probe.pipeline_seconds) / TEXT_DOCUMENTS
        in_pipeline = probe.pipeline_seconds / TEXT_DOCUMENTS
        console.print(
            f"memory at the end / after the first {probe.every}: {last / first:.2f}; "
            f"{TEXT_DOCUMENTS / wall * 60:.0f} documents/min; pipeline {in_pipeline * 1000:.0f} ms "
            f"per document, Prefect + Dask overhead {overhead * 1000:.0f} ms per document "
            f"(wall {wall:.0f} s × {WORKERS} workers − time in the pipeline)"
        )
