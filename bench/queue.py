"""The review queue at an authority's scale: list latency and claims per second with 100,000
items in the queue, on a SQLite file and on the PostgreSQL server, both measured here."""

import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from rogatory.models import Document, Record, Review, ReviewStatus, record_id
from rogatory.review.database import connect
from rogatory.review.store import Store
from rogatory.review.tables import DocumentRow, QueueItemRow, RecordRow

from bench.databases import postgres_schema

ITEMS = 100_000
BATCH = 5_000
LISTINGS = 20
CLAIMERS = 8
CLAIMS_EACH = 50
RECEIVED = datetime(2026, 3, 1, tzinfo=UTC)


def rows(start: int, count: int, rng: random.Random) -> Iterator[tuple[dict, dict, dict]]:
    """Documents, records and queue items as the pipeline would leave them, written in bulk
    because saving 100,000 records one by one would measure the pipeline, not the queue."""
    for n in range(start, start + count):
        sha256 = f"{n:064x}"[::-1]  # the id is taken from the first characters: make them differ
        received = RECEIVED + timedelta(minutes=n)
        review = Review(status=ReviewStatus.PENDING, queue="mla", priority=rng.randint(1, 5))
        record = Record(
            id=record_id(sha256),
            document=Document(
                sha256=sha256,
                filename=f"request-{n}.pdf",
                media_type="application/pdf",
                size_bytes=1000,
                received_at=received,
                page_count=1,
            ),
            review=review,
        )
        deadline = date(2026, 4, 1) + timedelta(days=rng.randint(0, 90)) if n % 3 else None
        yield (
            {
                "sha256": sha256,
                "filename": record.document.filename,
                "media_type": "application/pdf",
                "size_bytes": 1000,
                "first_received_at": received,
                "original_path": f"/originals/{sha256}",
            },
            {
                "id": record.id,
                "sha256": sha256,
                "record": record.model_dump(mode="json"),
                "pipeline_version": None,
                "created_at": received,
                "updated_at": received,
            },
            {
                "record_id": record.id,
                "status": review.status.value,
                "queue": review.queue,
                "priority": review.priority,
                "deadline": deadline,
                "reasons": [],
                "doc_type": None,
                "language": None,
                "filename": record.document.filename,
                "received_at": received,
                "updated_at": received,
            },
        )


def fill(url: str, items: int) -> None:
    Store.open(url).close()  # the schema
    engine = connect(url)
    rng = random.Random(6)
    try:
        for start in range(0, items, BATCH):
            documents, records, queue_items = zip(*rows(start, BATCH, rng), strict=True)
            with engine.begin() as connection:
                connection.execute(insert(DocumentRow), list(documents))
                connection.execute(insert(RecordRow), list(records))
                connection.execute(insert(QueueItemRow), list(queue_items))
        # Statistics as a running server's autovacuum would have them: without, PostgreSQL
        # plans the listing for an empty table and sorts all 100,000 items.
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()


def list_latency_ms(store: Store) -> float:
    timings = []
    for _ in range(LISTINGS):
        started = time.perf_counter()
        store.queue(status=ReviewStatus.PENDING, limit=100)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def claims_per_second(url: str) -> float:
    def desk(worker: int) -> None:
        store = Store.open(url)
        try:
            for _ in range(CLAIMS_EACH):
                store.claim_next(f"reviewer-{worker}", timedelta(hours=1))
        finally:
            store.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLAIMERS) as pool:
        list(pool.map(desk, range(CLAIMERS)))
    return CLAIMERS * CLAIMS_EACH / (time.perf_counter() - started)


@contextmanager
def sqlite_file() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as workdir:
        yield f"sqlite:///{Path(workdir) / 'rogatory.db'}"


def main(items: int = ITEMS) -> None:
    table = Table("database", "items", "fill s", "list ms (median)", "claims/s (8 desks)")
    for name, database in (("SQLite", sqlite_file), ("PostgreSQL", postgres_schema)):
        with database() as url:
            started = time.perf_counter()
            fill(url, items)
            filled = time.perf_counter() - started
            store = Store.open(url)
            try:
                latency = list_latency_ms(store)
            finally:
                store.close()
            rate = claims_per_second(url)
        table.add_row(name, f"{items:,}", f"{filled:.0f}", f"{latency:.1f}", f"{rate:.0f}")
    Console(width=120).print(table)
