"""The `process_backlog` flow: discover files, skip what this pipeline version already stored,
run the rest as one Prefect task per document on Dask worker processes (a local cluster, or the
scheduler at `dask_address`), and report per file and per stage.

Crash safety comes from the store, not from Prefect's state: a document is done exactly when its
record is committed (record, arrival, queue item and audit entry in one transaction), so a run
killed at any moment is finished by running it again. Worker processes keep their loaded models
(spaCy pipelines, translation packages) from one document to the next."""

import logging
import os
import socket
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.futures import PrefectFuture, as_completed
from prefect_dask import DaskTaskRunner

from rogatory import __version__
from rogatory.models.run import FileFailure, FileOutcome, RunReport
from rogatory.nlp.fingerprint import fingerprint
from rogatory.settings import Settings, get_settings

from . import progress
from .discovery import discover, processed
from .faults import EnvironmentFault
from .leftovers import sweep_partials
from .pipeline import run_pipeline
from .timing import StageClock

log = logging.getLogger("rogatory.flows")


@task(name="process_file", cache_policy=NONE)
def process_file(path: str, sha256: str) -> FileOutcome:
    clock = StageClock()
    started = time.perf_counter()
    outcome = FileOutcome(path=path, sha256=sha256, worker=f"{socket.gethostname()}:{os.getpid()}")
    try:
        # Received when it landed in the backlog's folder: the same time on every rerun, so a
        # rerun after a crash recognises the arrivals it already stored.
        received_at = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
        record = run_pipeline(Path(path), received_at=received_at, clock=clock)
    except EnvironmentFault as fault:
        outcome.failure = FileFailure(path=path, stage=fault.stage, reason=fault.message)
    except Exception as error:  # one file must never stop the batch
        log.exception("%s failed", path)
        reason = f"internal error: {type(error).__name__}: {error}"
        outcome.failure = FileFailure(path=path, stage="store", reason=reason)
    else:
        outcome.record_id = record.id
        outcome.pages = len(record.pages)
        outcome.errors = [f"{e.stage}: {e.message}" for e in record.errors]
    outcome.seconds = time.perf_counter() - started
    outcome.stage_seconds = dict(clock.seconds)
    outcome.store_retries = clock.store_retries
    return outcome


@flow(name="process_backlog", log_prints=False)
def process_backlog(patterns: list[str], concurrency: int | None = None) -> RunReport:
    settings = get_settings()
    started = time.perf_counter()
    swept = sweep_partials([settings.originals_dir, settings.page_images_dir])
    if swept:
        log.warning("removed %d partial files abandoned by an earlier run", swept)
    files = discover(patterns)
    done = processed(settings.store_url, __version__)
    todo: dict[str, Path] = {}
    report = RunReport(files=len(files), skipped=0)
    for path in files:
        try:
            sha256 = fingerprint(path).sha256
        except OSError as error:
            reason = f"cannot read: {error.strerror or error}"
            report.failures.append(FileFailure(path=str(path), stage="fingerprint", reason=reason))
            continue
        if sha256 in done:
            report.skipped += 1
        elif sha256 in todo:
            report.duplicates += 1
        else:
            todo[sha256] = path
    progress.current().started(len(files), len(todo))
    window = concurrency or settings.backlog_concurrency
    for outcome in _run_bounded(todo, window):
        _add(report, outcome)
        progress.current().finished(outcome)
    report.seconds = time.perf_counter() - started
    try:
        save_report(report, settings)
    except OSError as error:  # a full disk must not hide the report from the operator
        log.warning("run report not saved: %s", error)
    return report


def _run_bounded(todo: dict[str, Path], window: int) -> Iterator[FileOutcome]:
    """Submit at most `window` documents at a time: memory stays flat however long the
    backlog, and a killed run has at most `window` documents in flight."""
    waiting = iter(todo.items())
    running: dict[PrefectFuture[FileOutcome], tuple[str, Path]] = {}
    while True:
        while len(running) < window and (item := next(waiting, None)) is not None:
            sha256, path = item
            running[process_file.submit(str(path), sha256)] = item
        if not running:
            return
        finished = next(as_completed(list(running)))
        sha256, path = running.pop(finished)
        try:
            yield finished.result()
        except Exception as error:  # the worker itself died (killed, out of memory) on it
            reason = f"worker lost: {type(error).__name__}: {error}"
            failure = FileFailure(path=str(path), stage="pages", reason=reason)
            yield FileOutcome(path=str(path), sha256=sha256, failure=failure)


def _add(report: RunReport, outcome: FileOutcome) -> None:
    if outcome.failure:
        report.failures.append(outcome.failure)
    else:
        report.processed += 1
        report.pages += outcome.pages
        report.with_errors += bool(outcome.errors)
    report.workers[outcome.worker] = report.workers.get(outcome.worker, 0) + 1
    report.store_retries += outcome.store_retries
    totals = defaultdict(float, report.stage_seconds)
    for stage, seconds in outcome.stage_seconds.items():
        totals[stage] += seconds
    report.stage_seconds = dict(totals)


def save_report(report: RunReport, settings: Settings) -> Path:
    """Every run leaves its report under data_dir/runs, for the timings to be compared later."""
    folder = settings.data_dir / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"backlog-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.json"
    target.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return target


def task_runner(settings: Settings, concurrency: int) -> DaskTaskRunner:
    """The scheduler at `dask_address` when one is set (a team's cluster); otherwise a local
    cluster of one single-threaded worker process per document in flight."""
    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": concurrency,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",  # a free port: never clash with another run
        }
    )


def run_backlog(patterns: list[str], concurrency: int | None = None) -> RunReport:
    """The flow on the task runner the settings choose."""
    settings = get_settings()
    workers = concurrency or settings.backlog_concurrency
    runner = task_runner(settings, workers)
    configured = process_backlog.with_options(task_runner=runner)  # type: ignore[arg-type]
    return configured(patterns, workers)


@flow(name="scheduled_backlog")
def scheduled_backlog() -> RunReport:
    """The inbox folder as a backlog: what arrived since the last run is processed, the rest
    skipped. Served on a schedule by `rogatory schedule`."""
    settings = get_settings()
    inbox = settings.inbox_dir or settings.data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    return run_backlog([str(inbox)])
