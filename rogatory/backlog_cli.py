"""Backlog commands: `backlog`, `schedule`, `reprocess`."""

import time
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from rogatory.terminal import add_row, err, out

if TYPE_CHECKING:
    from rogatory.models.run import FileOutcome, RunReport


class ProgressBar:
    """Files done of those to do, pages read, pages per minute, time left and failures, on
    stderr so that stdout keeps only the report."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None
        self._started = time.perf_counter()
        self._pages = 0
        self._failures = 0

    def started(self, files: int, todo: int) -> None:
        self._started = time.perf_counter()
        description = f"{todo} to do of {files} found"
        self._task = self._progress.add_task(description, total=todo, pages=0, rate=0.0, failed=0)

    def finished(self, outcome: "FileOutcome") -> None:
        self._pages += outcome.pages
        self._failures += outcome.failure is not None
        minutes = (time.perf_counter() - self._started) / 60
        if self._task is not None:
            self._progress.update(
                self._task,
                advance=1,
                pages=self._pages,
                rate=self._pages / minutes if minutes else 0.0,
                failed=self._failures,
            )
        if outcome.failure:
            self._progress.console.print(
                f"failed: {outcome.path} [{outcome.failure.stage}] {outcome.failure.reason}",
                markup=False,
                highlight=False,
            )


def progress_display() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[pages]} pages · {task.fields[rate]:.1f} pages/min"),
        TextColumn("· {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
    )


def backlog(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or glob patterns")],
    concurrency: Annotated[
        int | None, typer.Option(help="Documents in flight (default: backlog_concurrency)", min=1)
    ] = None,
) -> None:
    """Process a backlog: skip what is already stored, resume after a crash, report per stage."""
    from rogatory.flows import progress
    from rogatory.flows.backlog import run_backlog

    with progress_display() as display:
        token = progress.listener.set(ProgressBar(display))
        try:
            report = run_backlog(paths, concurrency)
        finally:
            progress.listener.reset(token)
    print_report(report)
    if report.failures:
        raise typer.Exit(code=3)


def print_report(report: "RunReport") -> None:
    summary = Table("files", "skipped", "duplicates", "processed", "with errors", "failed", "pages")
    for column in ("pages/min", "seconds", "store retries"):
        summary.add_column(column)
    add_row(
        summary,
        report.files,
        report.skipped,
        report.duplicates,
        report.processed,
        report.with_errors,
        len(report.failures),
        report.pages,
        f"{report.pages_per_minute:.1f}",
        f"{report.seconds:.1f}",
        report.store_retries,
    )
    out.print(summary)
    from rogatory.models.run import TIMED_STAGES

    stages = Table("stage", "seconds (summed over documents)", "share")
    total = sum(report.stage_seconds.get(stage, 0.0) for stage in TIMED_STAGES) or 1.0
    for stage in TIMED_STAGES:
        seconds = report.stage_seconds.get(stage, 0.0)
        add_row(stages, stage, f"{seconds:.2f}", f"{100 * seconds / total:.0f}%")
    out.print(stages)
    if report.failures:
        failures = Table("failed file", "stage", "reason")
        for failure in report.failures:
            add_row(failures, failure.path, failure.stage, failure.reason)
        out.print(failures)


def schedule(
    cron: Annotated[
        str | None, typer.Option(help="When to run, in UTC (default: the schedule_cron setting)")
    ] = None,
    interval: Annotated[
        int | None, typer.Option(help="Run every N seconds instead of on a cron", min=1)
    ] = None,
) -> None:
    """Watch the inbox folder (inbox_dir): serve it as a Prefect deployment whose scheduled runs
    process what arrived, one run at a time, until Ctrl-C or SIGTERM. Runs show in the Prefect UI
    of the server at PREFECT_API_URL; without it, a Prefect server is started on
    127.0.0.1:4200 (PREFECT_SERVER_API_PORT) for as long as the command runs."""
    from rogatory.flows.schedule import ServerFailed, inbox_dir, schedule_of, serve_inbox
    from rogatory.settings import get_settings

    settings = get_settings()
    cron = cron or settings.schedule_cron
    try:
        when = schedule_of(cron, interval)
    except ValueError as error:
        err.print(f"rogatory: {error}", markup=False)
        raise typer.Exit(code=2) from None
    described = f"every {interval} s" if interval else f"on cron {cron}"
    err.print(f"watching {inbox_dir(settings)} {described}", markup=False, highlight=False)
    try:
        serve_inbox(when)
    except ServerFailed as error:
        err.print(f"rogatory: {error}", markup=False)
        raise typer.Exit(code=1) from None


def reprocess(
    stage: Annotated[
        str, typer.Option(help="First stage to run again: language, extract, translate, route")
    ],
    since: Annotated[datetime, typer.Option(help="Documents received at or after this time")],
) -> None:
    """Run a stage and the ones after it again on stored records, from their stored page text
    (no OCR), e.g. after the extraction rules improved."""
    from rogatory.flows.reprocess import LATER_STAGES, reprocess_records

    if stage not in LATER_STAGES:
        err.print(f"rogatory: --stage must be one of {', '.join(LATER_STAGES)}", markup=False)
        raise typer.Exit(code=2)
    # A time given without a zone is the operator's local time.
    done, seconds = reprocess_records(stage, since.astimezone())
    table = Table("records", *(f"{name} s" for name in seconds))
    add_row(table, done, *(f"{value:.2f}" for value in seconds.values()))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command()(backlog)
    app.command()(schedule)
    app.command()(reprocess)
