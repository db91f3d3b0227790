"""`rogatory queue …`: the review queue from the command line — list, claim, decide, correct,
read the audit trail, route again. Every action is recorded under the reviewer's name."""

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from rogatory.models import ReviewStatus
from rogatory.review.audit import write_csv, write_jsonl
from rogatory.review.claims import QueueError
from rogatory.review.entries import QueueEntry
from rogatory.review.routing import RoutingRulesError, load_rules
from rogatory.review.store import Store
from rogatory.settings import get_settings
from rogatory.terminal import add_row, err, out

queue_app = typer.Typer(add_completion=False, help=__doc__)

RecordId = Annotated[str, typer.Argument(help="The record id (rq-…)")]
Reviewer = Annotated[
    str,
    typer.Option(
        envvar="ROGATORY_REVIEWER",
        default_factory=getpass.getuser,
        show_default="your login name",
        help="Who acts: recorded in the audit trail",
    ),
]
Reason = Annotated[str | None, typer.Option(help="Why; kept in the audit trail")]


class Export(StrEnum):
    TABLE = "table"
    JSONL = "jsonl"
    CSV = "csv"


@contextmanager
def opened() -> Iterator[Store]:
    """The configured store; a refused queue action ends the command with its reason."""
    store = Store.open(get_settings().store_url)
    try:
        yield store
    except QueueError as error:
        err.print(f"rogatory: {error}", markup=False, highlight=False)
        raise typer.Exit(code=1) from None
    finally:
        store.close()


@queue_app.callback(invoke_without_command=True)
def main(ctx: typer.Context) -> None:
    """The review queue; without a command, list it."""
    if ctx.invoked_subcommand is None:
        list_queue()


@queue_app.command("list")
def list_queue(
    status: Annotated[ReviewStatus | None, typer.Option(help="Only items with this status")] = None,
    queue: Annotated[str | None, typer.Option(help="Only this desk's items")] = None,
    limit: Annotated[int, typer.Option(help="At most this many items")] = 100,
) -> None:
    """The review queue, most urgent first."""
    with opened() as store:
        _print_entries(store.queue(status=status, queue=queue, limit=limit))


@queue_app.command()
def claim(
    reviewer: Reviewer,
    record_id: Annotated[
        str | None, typer.Argument(help="The record to claim (default: the most urgent free one)")
    ] = None,
    queue: Annotated[str | None, typer.Option(help="Take the next item of this desk")] = None,
    lease_minutes: Annotated[int, typer.Option(min=1, help="How long the claim holds")] = 30,
) -> None:
    """Claim an item for review; claiming an item you hold renews its lease."""
    lease = timedelta(minutes=lease_minutes)
    with opened() as store:
        if record_id is None:
            entry = store.claim_next(reviewer, lease, queue=queue)
            if entry is None:
                err.print("rogatory: nothing to claim")
                raise typer.Exit(code=1)
        else:
            entry = store.claim(record_id, reviewer, lease)
        _print_entries([entry])


@queue_app.command()
def release(record_id: RecordId, reviewer: Reviewer) -> None:
    """Give a claimed item back undecided."""
    with opened() as store:
        _print_entries([store.release(record_id, reviewer)])


@queue_app.command()
def approve(record_id: RecordId, reviewer: Reviewer, reason: Reason = None) -> None:
    with opened() as store:
        _print_entries([store.approve(record_id, reviewer, reason)])


@queue_app.command()
def reject(record_id: RecordId, reviewer: Reviewer, reason: Reason = None) -> None:
    with opened() as store:
        _print_entries([store.reject(record_id, reviewer, reason)])


@queue_app.command("return")
def return_(
    record_id: RecordId,
    reason: Annotated[str, typer.Option(help="Why it goes back to the queue")],
    reviewer: Reviewer,
) -> None:
    """Hand a claimed item back to the queue with a reason, for someone else to take up."""
    with opened() as store:
        _print_entries([store.return_(record_id, reviewer, reason)])


@queue_app.command()
def correct(
    record_id: RecordId,
    reviewer: Reviewer,
    field: Annotated[str, typer.Argument(help="An extraction field, e.g. deadline")],
    value: Annotated[str, typer.Argument(help="The right value, e.g. 2026-03-15")],
    as_json: Annotated[
        bool, typer.Option("--json", help="VALUE is JSON (lists, null, numbers)")
    ] = False,
) -> None:
    """Correct one field of a claimed item's extraction; the machine's value is kept beside it."""
    parsed: Any = json.loads(value) if as_json else value
    with opened() as store:
        correction = store.correct(record_id, reviewer, field, parsed)
    out.print_json(correction.model_dump_json())


@queue_app.command()
def audit(
    record_id: Annotated[
        str | None, typer.Argument(help="One record's trail (default: every record's)")
    ] = None,
    export: Annotated[Export, typer.Option("--format", help="table, jsonl or csv")] = Export.TABLE,
) -> None:
    """The audit trail: who did what, when, and each change from → to."""
    with opened() as store:
        entries = store.audit(record_id)
    if export is Export.JSONL:
        write_jsonl(entries, sys.stdout)
    elif export is Export.CSV:
        write_csv(entries, sys.stdout)
    else:
        table = Table("at", "record", "actor", "action", "changes", "reason")
        for entry in entries:
            changes = "; ".join(
                f"{name}: {before} → {after}" for name, (before, after) in entry.changes.items()
            )
            add_row(
                table,
                f"{entry.at:%Y-%m-%d %H:%M:%S}",
                entry.record_id,
                entry.actor,
                entry.action,
                changes,
                entry.reason or "",
            )
        out.print(table)


@queue_app.command()
def reroute(
    rules: Annotated[
        Path | None, typer.Option(help="Routing rules file (default: the packaged rules)")
    ] = None,
) -> None:
    """Route every stored record again, after a change of rules or as deadlines draw near."""
    try:
        loaded = load_rules(rules)
    except RoutingRulesError as error:
        err.print(f"rogatory: {error}", markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    with opened() as store:
        changed = store.reroute(loaded, datetime.now(UTC).date())
    err.print(f"rogatory: routing changed for {len(changed)} record(s)")
    for record_id in changed:
        print(record_id)


@queue_app.command()
def expire() -> None:
    """Free every claimed item whose lease has run out."""
    with opened() as store:
        freed = store.expire_leases()
    err.print(f"rogatory: {len(freed)} lease(s) expired")
    for record_id in freed:
        print(record_id)


def _print_entries(entries: list[QueueEntry]) -> None:
    table = Table(
        "priority", "record", "file", "lang", "type", "deadline", "status", "queue", "reasons"
    )
    for entry in entries:
        add_row(
            table,
            entry.priority,
            entry.record_id,
            entry.filename,
            entry.language or "-",
            entry.doc_type or "-",
            entry.deadline or "-",
            _status(entry),
            entry.queue,
            "; ".join(entry.reasons),
        )
    out.print(table)


def _status(entry: QueueEntry) -> str:
    if entry.status is not ReviewStatus.CLAIMED or entry.lease_until is None:
        return entry.status
    return f"claimed by {entry.claimed_by} until {entry.lease_until:%Y-%m-%d %H:%M} UTC"
