"""The `process_backlog` flow: discover files, skip what this pipeline version already stored,
run the rest as one Prefect task per document on Dask worker processes (a local cluster, or the
scheduler at `dask_address`), and report per file and per stage.

Crash safety comes from the store, not from Prefect's state: a document is done exactly when its
record is committed (record, arrival, queue item and audit entry in one transaction), so a run
killed at any moment is finished by running it again. Worker processes keep their loaded models
(spaCy pipelines, translation packages) from one document to the next."""

import logging
import os
import queue
import socket
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import dask.config
from distributed import Client, KilledWorker, get_worker
from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL
from prefect.states import Crashed, State
from prefect_dask import DaskTaskRunner
from prefect_dask.task_runners import PrefectDaskFuture

from rogatory import __version__
from rogatory.exiting import skip_final_collection
from rogatory.models import Record
from rogatory.models.run import FileFailure, FileOutcome, RunReport
from rogatory.nlp.fingerprint import fingerprint
from rogatory.settings import Settings, get_settings

from . import progress
from .discovery import discover, processed
from .faults import EnvironmentFault
from .leftovers import sweep_partials
from .pipeline import run_pipeline
from .saving import open_store
from .timing import StageClock

log = logging.getLogger("rogatory.flows")


# Documents per Prefect task run at most. A task run costs ~200 ms of Prefect and Dask work
# (API calls to the server, state changes, events), three times the pipeline's own time on a
# text document: shared by a chunk of documents it is a few per cent.
CHUNK_DOCUMENTS = 8
# How long the flow waits for news from the workers before it looks at its futures again.
POLL_SECONDS = 0.5
# How long a lost worker's task run may take to reach the Prefect server, to be marked crashed.
CRASH_MARK_WAIT_S = 30


class Job(NamedTuple):
    path: str
    sha256: str
    size_bytes: int


def largest_first(jobs: Iterable[Job]) -> list[Job]:
    """The biggest files first, the smallest last: a 300-page scan that came up at the end would
    keep one core busy for minutes while the others wait. Size stands in for pages, which are
    not known before a file is opened."""
    return sorted(jobs, key=lambda job: (-job.size_bytes, job.path))


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
        _describe(outcome, record)
    outcome.seconds = time.perf_counter() - started
    outcome.stage_seconds = dict(clock.seconds)
    outcome.store_retries = clock.store_retries
    return outcome


@task(name="process_files", cache_policy=NONE)
def process_files(chunk: list[Job], topic: str) -> list[FileOutcome]:
    """Documents one after another in one task run. Each one is announced on the Dask event
    `topic` as it starts and as it ends, so that the flow reports every file as soon as it is
    done and knows which one a lost worker held."""
    worker = get_worker()
    skip_final_collection()  # the nanny waits for its worker's exit when the cluster closes
    outcomes = []
    for job in chunk:
        worker.log_event(topic, {"started": job.path})
        outcome = process_file.fn(job.path, job.sha256)
        worker.log_event(topic, {"finished": outcome.model_dump(mode="json")})
        outcomes.append(outcome)
    return outcomes


@flow(name="process_backlog", log_prints=False)
def process_backlog(patterns: list[str], concurrency: int | None = None) -> RunReport:
    settings = get_settings()
    started = time.perf_counter()
    swept = sweep_partials([settings.originals_dir, settings.page_images_dir])
    if swept:
        log.warning("removed %d partial files abandoned by an earlier run", swept)
    files = discover(patterns)
    done = processed(settings.store_url, __version__)
    todo: dict[str, Job] = {}
    report = RunReport(files=len(files), skipped=0)
    for path in files:
        try:
            found = fingerprint(path)
        except OSError as error:
            reason = f"cannot read: {error.strerror or error}"
            report.failures.append(FileFailure(path=str(path), stage="fingerprint", reason=reason))
            continue
        if found.sha256 in done:
            report.skipped += 1
        elif found.sha256 in todo:
            report.duplicates += 1
        else:
            todo[found.sha256] = Job(str(path), found.sha256, found.size_bytes)
    del done  # a large store's hashes need not stay in memory for the whole run
    progress.current().started(len(files), len(todo))
    workers = concurrency or settings.backlog_concurrency
    for outcome in Flight(largest_first(todo.values()), workers, settings.store_url).outcomes():
        _add(report, outcome)
        progress.current().finished(outcome)
    report.seconds = time.perf_counter() - started
    try:
        save_report(report, settings)
    except OSError as error:  # a full disk must not hide the report from the operator
        log.warning("run report not saved: %s", error)
    return report


def chunk_size(waiting: int, workers: int) -> int:
    """CHUNK_DOCUMENTS, or fewer as the documents left to submit run out: the last chunks hold
    one document each, so that no worker is left with several while the others have none."""
    return max(1, min(CHUNK_DOCUMENTS, waiting // (4 * workers)))


class Flight:
    """The documents of a run in chunks, two chunks per worker submitted at a time (one being
    processed, the next one waiting on the worker, so that no worker waits for the flow between
    chunks). The rest wait unread: memory stays flat however long the backlog.

    A worker lost with a chunk (killed, out of memory, its machine down) fails only the document
    it was processing: that one is reported failed and not retried in this run (a document that
    crashes its worker would crash the next one too); it is not stored, so the next run takes it
    up. Its chunk mates stored before the loss are reported from the store, the others go back to
    the front of the queue, once: lost a second time, they are reported failed too."""

    def __init__(self, jobs: list[Job], workers: int, store_url: str) -> None:
        self.waiting = deque(jobs)
        self.workers = workers
        self.window = 2 * workers
        self.store_url = store_url
        # Per chunk in flight: its documents not reported yet, and the one being processed.
        self.running: dict[PrefectDaskFuture[list[FileOutcome]], dict[str, Job]] = {}
        self.current: dict[PrefectDaskFuture[list[FileOutcome]], str] = {}
        self.resubmitted: set[str] = set()
        self.topic = f"rogatory-backlog-{uuid.uuid4().hex}"
        self.news: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()

    def outcomes(self) -> Iterator[FileOutcome]:
        client = dask_client()
        client.subscribe_topic(self.topic, lambda event: self.news.put(event[1]))
        try:
            while self.waiting or self.running:
                self._submit()
                # Futures first: the news sent before a chunk ended is in the queue by then.
                ended = [f for f in self.running if f.wrapped_future.done()]
                yield from self._read_news(block=not ended)
                for future in ended:
                    yield from self._end(future)
        finally:
            client.unsubscribe_topic(self.topic)

    def _submit(self) -> None:
        while len(self.running) < self.window and self.waiting:
            size = chunk_size(len(self.waiting), self.workers)
            chunk = [self.waiting.popleft() for _ in range(min(size, len(self.waiting)))]
            future = process_files.submit(chunk, self.topic)
            assert isinstance(future, PrefectDaskFuture)  # dask_client() checked the runner
            self.running[future] = {job.path: job for job in chunk}

    def _read_news(self, block: bool) -> Iterator[FileOutcome]:
        try:
            news = self.news.get(timeout=POLL_SECONDS) if block else self.news.get_nowait()
            while True:
                yield from self._note(news)
                news = self.news.get_nowait()
        except queue.Empty:
            return

    def _note(self, news: dict[str, Any]) -> Iterator[FileOutcome]:
        if "started" in news:
            future = self._holder(news["started"])
            if future is not None:
                self.current[future] = news["started"]
            return
        outcome = FileOutcome.model_validate(news["finished"])
        future = self._holder(outcome.path)
        if future is not None:  # else reported already, from the chunk's result
            del self.running[future][outcome.path]
            yield outcome

    def _holder(self, path: str) -> PrefectDaskFuture[list[FileOutcome]] | None:
        return next((f for f, jobs in self.running.items() if path in jobs), None)

    def _end(self, future: PrefectDaskFuture[list[FileOutcome]]) -> Iterator[FileOutcome]:
        unreported = self.running.pop(future)
        held = self.current.pop(future, None)
        try:
            outcomes = future.result()
        except KilledWorker as error:
            mark_crashed(future, error)
            yield from self._lost(list(unreported.values()), held, error)
        except Exception as error:  # Prefect or Dask failed the chunk: not one document's fault
            reason = f"internal error: {type(error).__name__}: {error}"
            yield from (failed(job, reason) for job in unreported.values())
        else:
            yield from (outcome for outcome in outcomes if outcome.path in unreported)

    def _lost(self, jobs: list[Job], held: str | None, error: Exception) -> Iterator[FileOutcome]:
        stored = processed(self.store_url, __version__)
        again = []
        for job in jobs:
            if job.sha256 in stored:  # committed before the loss; its news was lost with it
                yield stored_outcome(job, self.store_url)
            elif job.path == held:
                yield failed(job, f"worker lost while processing it: {error}")
            elif job.path in self.resubmitted:
                yield failed(job, f"worker lost twice before processing it: {error}")
            else:
                again.append(job)
        self.resubmitted.update(job.path for job in again)
        if again:
            self.waiting.extendleft(reversed(again))


def mark_crashed(future: PrefectDaskFuture[list[FileOutcome]], error: Exception) -> None:
    """A lost worker cannot end its task run, which Prefect would show Running for ever. The
    server records a worker's task run from its events, which can still be on their way: the
    state is set once the server knows the run. Only the Prefect view depends on it: the run goes
    on whether the API takes the state or not."""
    deadline = time.monotonic() + CRASH_MARK_WAIT_S
    try:
        with get_client(sync_client=True) as client:
            while True:
                try:
                    client.read_task_run(future.task_run_id)
                    break
                except ObjectNotFound:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(POLL_SECONDS)
            state: State[None] = Crashed(message=f"worker lost: {error}")
            client.set_task_run_state(future.task_run_id, state, force=True)
    except Exception:  # the API away or refusing: the documents' outcomes are what matters
        log.warning("could not mark task run %s crashed", future.task_run_id, exc_info=True)


def failed(job: Job, reason: str) -> FileOutcome:
    failure = FileFailure(path=job.path, stage="pages", reason=reason)
    return FileOutcome(path=job.path, sha256=job.sha256, failure=failure)


def dask_client() -> Client:
    """The client of the flow's Dask task runner."""
    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if not isinstance(runner, DaskTaskRunner):
        raise TypeError("process_backlog runs on a DaskTaskRunner (see run_backlog)")
    return runner.client


def stored_outcome(job: Job, store_url: str) -> FileOutcome:
    outcome = FileOutcome(path=job.path, sha256=job.sha256)
    record = open_store(store_url).find_by_sha256(job.sha256)
    if record is not None:
        _describe(outcome, record)
    return outcome


def _describe(outcome: FileOutcome, record: Record) -> None:
    outcome.record_id = record.id
    outcome.pages = len(record.pages)
    outcome.errors = [f"{e.stage}: {e.message}" for e in record.errors]


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
    cluster of one single-threaded worker process per document in flight. Their documents share
    the `ocr_workers` tesseract processes: with a document per core, each reads its pages in one
    tesseract, which loads its language model once a document (on the benchmark's scans 1.66
    against 1.84 CPU-s a page)."""
    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": concurrency,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": ":0",  # a free port: never clash with another run
            "env": {
                "PREFECT_API_URL": prefect_api_url(),
                "ROGATORY_OCR_WORKERS": str(max(1, settings.ocr_workers // concurrency)),
            },
        }
    )


def prefect_api_url() -> str:
    """The API the flow run reports to, for its workers to report to as well. Without
    PREFECT_API_URL a command gets Prefect's temporary server, and each worker process would
    start one of its own: two more servers a run (16 CPU-s on the benchmark's 104 scanned pages),
    left running when a worker is killed."""
    configured = PREFECT_API_URL.value()
    if configured:
        return str(configured)
    from prefect.server.api.server import SubprocessASGIServer  # the server's code: only here

    server = SubprocessASGIServer()  # the instance the flow's own client starts and reuses
    server.start()
    return server.api_url


# Dask settings of the clusters a run starts (the scheduler and nannies live in the flow's
# process and hand their settings to the worker processes they spawn):
# - Dask's statistical profiler samples every thread every 10 ms and keeps the last 1,000
#   one-second profiles of every worker and of the flow's event loop, for a dashboard nobody
#   looks at here: the memory of a run grew with its length by that alone.
# - Dask keeps its last 1,000 messages of every connection, task transitions and events of
#   every topic, for debugging: the messages that submit a task carry its whole specification
#   (Prefect's serialised flow run context), so memory grew over the first thousand tasks.
#   A hundred is plenty for a post-mortem.
# - A task whose worker is lost is not handed to another worker: `Flight` decides what happens
#   to each document of a lost chunk.
# - Every event loop (scheduler, nannies, workers) ticks every 20 ms to warn of its own stalls,
#   and every worker and nanny reads its memory every 100 ms: 8% of a core for an idle cluster
#   of two workers (2.5 CPU-s in 30 s), 1% with a tick and a memory check a second. A worker
#   past its memory limit is still stopped, within a second.
DASK_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.low-level-log-length": 100,
    "distributed.scheduler.allowed-failures": 0,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def run_backlog(patterns: list[str], concurrency: int | None = None) -> RunReport:
    """The flow on the task runner the settings choose."""
    settings = get_settings()
    workers = concurrency or settings.backlog_concurrency
    runner = task_runner(settings, workers)
    configured = process_backlog.with_options(task_runner=runner)  # type: ignore[arg-type]
    with dask.config.set(DASK_CONFIG):
        return configured(patterns, workers)
