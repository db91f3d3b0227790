"""Chain-of-custody commands: `verify` re-hashes what is kept, `purge` deletes a document and
everything derived from it."""

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from rogatory.queue_cli import Reviewer
from rogatory.settings import get_settings
from rogatory.terminal import add_row, err, out

if TYPE_CHECKING:
    from rogatory.review.store import Store

# Exit status of `verify` when anything kept does not match what was recorded.
MISMATCH = 1
# A purge reason is a fixed word, never free text: the purge entry must hold nothing personal.
EXPIRED = "retention period expired"
REQUESTED = "purge requested"


def verify(
    as_json: Annotated[bool, typer.Option("--json", help="The full report as JSON")] = False,
    kept_head: Annotated[
        str | None,
        typer.Option(help="A head digest printed by an earlier run, to find in the audit trail"),
    ] = None,
) -> None:
    """Re-hash every original, record and page preview against what was recorded when it was
    written, and the audit trail's hash chain; exit 1 if anything differs, is missing, or
    outlived a purge. Prints the chain's head digest: keep it off this machine."""
    from rogatory.review.store import Store

    settings = get_settings()
    store = Store.open(settings.store_url)
    try:
        report = store.verify(settings.originals_dir, settings.page_images_dir, kept_head)
    finally:
        store.close()
    if as_json:
        print(report.model_dump_json(indent=2))
    elif report.problems:
        table = Table("kind", "subject", "problem")
        for problem in report.problems:
            add_row(table, problem.kind.value, problem.subject, problem.detail)
        out.print(table)
    summary = [
        f"checked {report.originals} originals, {report.records} records, "
        f"{report.previews} page previews, {report.chain.entries} audit entries: "
        f"{len(report.problems)} problems"
    ]
    if report.unrecorded:
        summary.append(f"{len(report.unrecorded)} records saved before hashes were recorded")
    if report.chain.unchained:
        summary.append(f"{report.chain.unchained} audit entries written before the chain began")
    if report.unstored:
        summary.append(f"{len(report.unstored)} originals in no store entry (process them again)")
    err.print("; ".join(summary), markup=False, highlight=False)
    err.print(
        f"audit chain head: {report.chain.head or '(empty)'}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if report.problems:
        raise typer.Exit(code=MISMATCH)


def purge(
    actor: Reviewer,
    documents: Annotated[
        list[str] | None, typer.Argument(help="SHA-256 of documents, or record ids (rq-…)")
    ] = None,
    expired: Annotated[
        bool, typer.Option("--expired", help="Every document older than ROGATORY_RETENTION_DAYS")
    ] = False,
) -> None:
    """Delete documents and everything derived from them: records, queue items, corrections,
    arrivals, search index, page previews, originals, attachments they brought. The audit trail
    keeps one entry with the hash; earlier entries lose their values and reasons."""
    from rogatory.review.purge import remove_files
    from rogatory.review.store import Store

    settings = get_settings()
    if expired == bool(documents):
        err.print("rogatory: name documents to purge, or give --expired", markup=False)
        raise typer.Exit(code=2)
    if expired and settings.retention_days is None:
        err.print("rogatory: no retention period: set ROGATORY_RETENTION_DAYS", markup=False)
        raise typer.Exit(code=2)
    store = Store.open(settings.store_url)
    try:
        if expired:
            hashes = store.older_than(timedelta(days=settings.retention_days or 0))
            reason = EXPIRED
        else:
            hashes = [_sha256(store, given) for given in documents or []]
            reason = REQUESTED
        # Every name checked before anything is purged: a typo purges nothing.
        if unknown := store.unknown(hashes):
            for sha256 in unknown:
                err.print(
                    f"rogatory: no document {sha256}", markup=False, highlight=False, soft_wrap=True
                )
            raise typer.Exit(code=1)
        purged: dict[str, None] = {}
        for given in hashes:
            for sha256 in store.purge(given, actor, reason):
                # The files go as soon as the store forgot them, not after the last purge:
                # a later failure then leaves no original of a purged document behind.
                remove_files(sha256, settings.originals_dir, settings.page_images_dir)
                if sha256 not in purged:
                    purged[sha256] = None
                    out.print(sha256, markup=False, highlight=False)
    finally:
        store.close()
    err.print(f"purged {len(purged)} documents", markup=False, highlight=False)


def _sha256(store: "Store", given: str) -> str:
    if not given.startswith("rq-"):
        return given
    record = store.get(given)
    if record is None:
        err.print(f"rogatory: no record {given}", markup=False)
        raise typer.Exit(code=1)
    return record.document.sha256


def register(app: typer.Typer) -> None:
    app.command()(verify)
    app.command()(purge)
