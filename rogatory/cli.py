"""The `rogatory` command line. Records go to stdout, logs and reasons to stderr."""

import json
import logging
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from rogatory import backlog_cli, custody_cli, eval_cli, web_cli
from rogatory.exiting import skip_final_collection
from rogatory.queue_cli import Reviewer, queue_app
from rogatory.settings import get_settings
from rogatory.terminal import add_row, err, out

if TYPE_CHECKING:
    from rogatory.flows.faults import EnvironmentFault
    from rogatory.models import Record

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
app.add_typer(queue_app, name="queue")
models_app = typer.Typer(no_args_is_help=True, help="Translation packages, installed from files.")
app.add_typer(models_app, name="models")

# A fault of the machine (tesseract language data missing, disk full, store away): nothing was
# stored and running the same command again resumes; as `rogatory backlog` says it.
MACHINE_FAULT = 3
# Errors on these stages mean the file itself could not be read.
_UNREADABLE_STAGES = {"fingerprint", "pages", "ocr"}


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    skip_final_collection()
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of the record."""
    from rogatory.models import Record

    print(json.dumps(Record.model_json_schema(), indent=2))


@app.command()
def process(
    file: Annotated[Path, typer.Argument(help="The file to process")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole record as JSON")] = False,
    received_at: Annotated[
        datetime | None, typer.Option(help="When the request was received (default: now)")
    ] = None,
) -> None:
    """Run one file through the pipeline, store it and print its record."""
    _require_readable(file)
    from rogatory.flows.faults import EnvironmentFault
    from rogatory.flows.process import process_document

    try:
        # A time given without a zone is the operator's local time.
        record = process_document(
            file, received_at=received_at.astimezone() if received_at else None
        )
    except EnvironmentFault as fault:
        _report_fault(file, fault)
        raise typer.Exit(code=MACHINE_FAULT) from fault
    if as_json:
        print(record.model_dump_json(indent=2))
    else:
        _print_records([(record, None)])
    unreadable = [e for e in record.errors if e.stage in _UNREADABLE_STAGES]
    if unreadable:
        err.print(f"rogatory: {file.name}: {unreadable[0].message}", markup=False, highlight=False)
        raise typer.Exit(code=2)


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="Files or folders")]) -> None:
    """Process files and folders into the store; a file that fails does not stop the others."""
    from rogatory.flows.process import process_document

    files = sorted(_expand(paths))
    if not files:
        err.print("rogatory: no files found")
        raise typer.Exit(code=1)
    from rogatory.flows.faults import EnvironmentFault

    done, faults = [], 0
    for file in files:
        started = time.perf_counter()
        try:
            record = process_document(file)
        except EnvironmentFault as fault:  # the machine, not the file: nothing stored, go on
            _report_fault(file, fault)
            faults += 1
            continue
        done.append((record, time.perf_counter() - started))
    _print_records(done)
    if faults:
        raise typer.Exit(code=MACHINE_FAULT)


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(help="The record id (rq-…)")], viewer: Reviewer
) -> None:
    """Print one stored record as JSON; the reading is written to the audit trail."""
    from rogatory.review.store import Store

    record = Store.open(get_settings().store_url).view(record_id, viewer)
    if record is None:
        err.print(f"rogatory: no record {record_id}", markup=False)
        raise typer.Exit(code=1)
    print(record.model_dump_json(indent=2))


@models_app.command("list")
def models_list() -> None:
    """The installed translation packages."""
    from rogatory.nlp.packages import installed_packages

    table = Table("from", "to", "engine", "folder")
    for package in installed_packages(get_settings().translation_packages_dir):
        add_row(table, package.from_code, package.to_code, package.engine, package.path.name)
    out.print(table)


@models_app.command("install")
def models_install(
    files: Annotated[
        list[str], typer.Argument(help=".argosmodel files, or with --from-index: FROM TO codes")
    ],
    from_index: Annotated[
        bool,
        typer.Option(
            "--from-index",
            help="Download FROM TO from the Argos package index (needs a network; never implied)",
        ),
    ] = False,
) -> None:
    """Install translation packages from files (air-gapped), or from the Argos index on request."""
    from rogatory.nlp.packages import (
        IndexUnavailable,
        PackageRejected,
        install_from_index,
        install_package,
    )

    packages_dir = get_settings().translation_packages_dir
    try:
        if from_index:
            if len(files) != 2:
                err.print("rogatory: --from-index takes two language codes, e.g. es en")
                raise typer.Exit(code=2)
            installed = [install_from_index(files[0], files[1], packages_dir)]
        else:
            for file in files:
                _require_readable(Path(file))
            installed = [install_package(Path(file), packages_dir) for file in files]
    except (PackageRejected, IndexUnavailable) as error:
        err.print(f"rogatory: {error}", markup=False, highlight=False)
        raise typer.Exit(code=2) from error
    for package in installed:
        err.print(f"installed {package.engine}", markup=False, highlight=False)


def _report_fault(file: Path, fault: "EnvironmentFault") -> None:
    err.print(
        f"rogatory: {file}: [{fault.stage}] {fault.message} (nothing stored; run again once fixed)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _require_readable(file: Path) -> None:
    if not file.is_file():
        err.print(f"rogatory: {file}: not a readable file", markup=False, highlight=False)
        raise typer.Exit(code=2)


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            err.print(f"rogatory: {path}: no such file or folder", markup=False)
    return files


def _print_records(rows: Sequence[tuple["Record", float | None]]) -> None:
    table = Table("file", "language", "type", "offences", "deadline", "queue status", "seconds")
    for record, seconds in rows:
        extraction = record.extraction
        add_row(
            table,
            record.document.filename,
            record.language.code if record.language and record.language.code else "-",
            extraction.doc_type or "-",
            ", ".join(o.category for o in extraction.offences) or "-",
            extraction.deadline or "-",
            f"{record.review.queue}/{record.review.status}" if record.review else "-",
            f"{seconds:.1f}" if seconds is not None else "-",
        )
    out.print(table)


# Each area of the product adds its own commands: backlog runs, custody, evaluation, the web.
for area in (backlog_cli, custody_cli, eval_cli, web_cli):
    area.register(app)
