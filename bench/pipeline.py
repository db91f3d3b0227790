"""Backlogs end to end, each figure against a baseline measured in the same run:
- pages/minute of `rogatory backlog` on ≥100 scanned pages against plain `tesseract -l <lang>`
  on the same page images with as many tesseract processes as cores;
- resident memory (the flow's process and every worker) over a 1,000-document text-only
  batch, sampled as it goes: it must stay flat;
- Prefect's (and Dask's) own cost per document: wall time × workers less the time the
  documents spent in the pipeline, and CPU time of every process of the run against the plain
  pipeline's CPU time on the same documents in one process.

BENCH_PIPELINE=text runs only the text batch, and BENCH_TEXT_DOCUMENTS sets its size (1,000),
for measuring memory and overhead without the scanned pages' minutes of OCR; BENCH_PIPELINE=scanned
runs only the scanned pages, and BENCH_SCANNED_DOCUMENTS sets how many four-page scans (130, i.e.
520 pages). A run starts its workers and loads their models once, ~10 s before its first
document is stored (printed apart): on a backlog that is a small part of the run, on the 104
pages of 26 scans a seventh of it (0.74 of plain tesseract's pages/minute there, 0.87–0.88 on
520 pages, 30 November 2026)."""

import contextlib
import os
import resource
import subprocess
import sys
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
from rogatory.settings import get_settings

from bench.ocr import SAMPLES, WORKERS, plain_tesseract

PAGES_PER_DOCUMENT = 4
MEMORY_SAMPLES = 10
# Text documents run through the plain pipeline in this process: the CPU baseline.
BASELINE_DOCUMENTS = 100


def text_documents() -> int:
    return int(os.environ.get("BENCH_TEXT_DOCUMENTS", "1000"))


def scanned_documents() -> int:
    return int(os.environ.get("BENCH_SCANNED_DOCUMENTS", "130"))


def sample_pages(workdir: Path) -> list[tuple[list[Path], str]]:
    """Each sample scan's page images with its tesseract language, at the scans' own 300 dpi:
    what plain tesseract is given. The backlog renders the PDFs at `ROGATORY_OCR_DPI`."""
    manifest = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
    found = []
    for sample in manifest["samples"]:
        path = SAMPLES / "requests" / sample["output"]
        folder = workdir / "sample-pages" / sample["id"]
        folder.mkdir(parents=True)
        pages = split_pages(path, fingerprint(path).media_type, folder, SplitOptions(dpi=300))
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
    for number in range(scanned_documents()):
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


def text_backlog(workdir: Path, documents: int) -> Path:
    inbox = workdir / "texts"
    inbox.mkdir()
    letter = (SAMPLES / "sources" / "es01_mla_madrid.txt").read_text(encoding="utf-8")
    for number in range(documents):
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


class FirstStored:
    """A progress listener that notes how long the run took to store its first document."""

    def __init__(self) -> None:
        self.began = time.perf_counter()
        self.after = 0.0

    def started(self, files: int, todo: int) -> None:
        pass

    def finished(self, outcome: object) -> None:
        self.after = self.after or time.perf_counter() - self.began


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
    os.environ["ROGATORY_DATA_DIR"] = str(path)
    get_settings.cache_clear()


def slope_per_100(samples: list[tuple[int, float]]) -> float:
    """Least-squares slope of MiB against documents done, per 100 documents."""
    mean_x = sum(x for x, _ in samples) / len(samples)
    mean_y = sum(y for _, y in samples) / len(samples)
    spread = sum((x - mean_x) ** 2 for x, _ in samples)
    return 100 * sum((x - mean_x) * (y - mean_y) for x, y in samples) / spread if spread else 0.0


def main() -> None:
    console = Console(width=120)
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        use_data_dir(workdir / "warm-up")
        from rogatory.flows.process import process_document

        warm = workdir / "warm.txt"
        warm.write_text("Comisión rogatoria.\n", encoding="utf-8")
        process_document(warm)  # Prefect's temporary server starts outside the measurements
        part = os.environ.get("BENCH_PIPELINE", "all")
        if part != "text":
            scanned_part(console, workdir)
        if part != "scanned":
            text_part(console, workdir, text_documents())


def scanned_part(console: Console, workdir: Path) -> None:
    from rogatory.flows import progress
    from rogatory.flows.backlog import run_backlog

    pages = scanned_backlog(workdir)

    def plain() -> None:
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda job: plain_tesseract(*job), pages))

    # End to end means translated as well: the demo packages, as `make demo` installs them.
    data = workdir / "scanned-data"
    packages = sorted((SAMPLES / "models").glob("*.argosmodel"))
    subprocess.run(
        [str(Path(sys.executable).with_name("rogatory")), "models", "install", *map(str, packages)],
        env={**os.environ, "ROGATORY_DATA_DIR": str(data)},
        check=True,
        capture_output=True,
    )

    def ours() -> None:
        use_data_dir(data)
        first = FirstStored()
        token = progress.listener.set(first)
        try:
            report = run_backlog([str(workdir / "scans")], concurrency=WORKERS)
        finally:
            progress.listener.reset(token)
        assert report.failures == [] and report.pages == len(pages), report
        stages = ", ".join(f"{k} {v:.0f} s" for k, v in sorted(report.stage_seconds.items()))
        console.print(f"backlog per stage (summed over documents): {stages}")
        console.print(
            f"the first document was stored {first.after:.1f} s after the run began "
            "(workers started, their models loaded on the way)"
        )

    # Other work on the machine changes wall times from one minute to the next: the two
    # are timed in turn (plain, ours, plain), and CPU time is counted as well.
    runs = [("plain tesseract", measure(plain)), ("rogatory backlog", measure(ours))]
    runs.append(("plain tesseract", measure(plain)))
    plain_runs = [m for name, m in runs if name == "plain tesseract"]
    plain_wall = sum(m.wall for m in plain_runs) / len(plain_runs)
    plain_cpu = sum(m.cpu for m in plain_runs) / len(plain_runs)
    table = Table(title=f"{len(pages)} scanned pages in {scanned_documents()} documents")
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
        f"plain tesseract reads the 300 dpi page images; the backlog renders the PDFs at "
        f"{get_settings().ocr_dpi} dpi (ROGATORY_OCR_DPI); "
        "ratio: against the mean of the plain runs; CPU: this process, its children "
        "(tesseract, Dask workers and what they ran) and the Prefect server; load: the "
        "1-minute load average at the end of the run"
    )


def text_part(console: Console, workdir: Path, documents: int) -> None:
    from rogatory.flows import progress
    from rogatory.flows.backlog import run_backlog

    inbox = text_backlog(workdir, documents)
    plain_cpu = plain_cpu_per_document(sorted(inbox.iterdir())[:BASELINE_DOCUMENTS], workdir)
    use_data_dir(workdir / "texts-data")
    probe = MemoryProbe(every=max(1, documents // MEMORY_SAMPLES))
    token = progress.listener.set(probe)

    def backlog() -> None:
        texts = run_backlog([str(inbox)], concurrency=WORKERS)
        assert texts.failures == [] and texts.processed == documents, texts

    try:
        run = measure(backlog)
    finally:
        progress.listener.reset(token)
    wall = run.wall

    memory = Table(title=f"{documents} text documents: resident memory of all processes")
    roles = list(probe.samples[0][1])
    for column in ("documents done", *(f"{role} MiB" for role in roles), "all MiB"):
        memory.add_column(column, justify="right")
    for done, rss in probe.samples:
        mib = [rss[role] / 2**20 for role in roles]
        memory.add_row(str(done), *(f"{m:.0f}" for m in mib), f"{sum(mib):.0f}")
    # Flat means: no slope once the workers have loaded what they keep (the second half).
    second_half = [(done, rss) for done, rss in probe.samples if done >= documents // 2]
    slopes = [
        slope_per_100([(done, rss[role] / 2**20) for done, rss in second_half]) for role in roles
    ]
    total_slope = slope_per_100([(done, sum(rss.values()) / 2**20) for done, rss in second_half])
    memory.add_row(
        "MiB per 100 documents, second half", *(f"{s:+.2f}" for s in slopes), f"{total_slope:+.2f}"
    )
    console.print(memory)
    first = sum(next(rss for done, rss in probe.samples if done > 0).values())
    peak = max(sum(rss.values()) for _, rss in probe.samples)
    overhead = (wall * WORKERS - probe.pipeline_seconds) / documents
    in_pipeline = probe.pipeline_seconds / documents
    cpu_overhead = run.cpu / documents - plain_cpu
    console.print(
        f"memory: peak / after the first {probe.every} documents {peak / first:.3f}, "
        f"{total_slope:+.2f} MiB per 100 documents over the second half; "
        f"{documents / wall * 60:.0f} documents/min (load {run.load:.1f})\n"
        f"Prefect + Dask overhead per document: {overhead * 1000:.0f} ms of worker time "
        f"(wall {wall:.0f} s × {WORKERS} workers − {in_pipeline * 1000:.0f} ms in the pipeline); "
        f"{cpu_overhead * 1000:.0f} ms of CPU (the run's {run.cpu / documents * 1000:.0f} ms − "
        f"{plain_cpu * 1000:.0f} ms of the plain pipeline in one process, ratio "
        f"{run.cpu / documents / plain_cpu:.2f}; the run's CPU includes starting the workers "
        f"and loading their models)"
    )


def plain_cpu_per_document(files: list[Path], workdir: Path) -> float:
    """CPU seconds per document of `run_pipeline` called in this process, models loaded."""
    from rogatory.flows.pipeline import run_pipeline

    use_data_dir(workdir / "plain-data")
    started = time.process_time()
    for path in files:
        run_pipeline(path)
    return (time.process_time() - started) / len(files)
