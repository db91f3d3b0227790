"""Analyst search at an authority's scale: 100,000 records on a SQLite file and on the PostgreSQL
server, a full-text query with two filters (language and offence) as the search page runs it —
hits, total and facet counts. Baseline in the same run: the same question answered without the
index, by scanning the stored records' text with LIKE."""

import copy
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, insert, text

from rogatory.models import (
    DocType,
    Document,
    Evidence,
    Extraction,
    Offence,
    OffenceFact,
    Page,
    PageSource,
    Record,
    Translation,
    TranslationStatus,
    record_id,
)
from rogatory.review.database import connect
from rogatory.review.search import Search, SearchQuery
from rogatory.review.store import Store
from rogatory.review.tables import DocumentRow, QueueItemRow, RecordRow

from bench.databases import postgres_schema

RECORDS = 100_000
BATCH = 2_000
QUERIES = 40
BASELINE_QUERIES = 3
WORDS_PER_TEXT = 80
VOCABULARY = 5_000
LANGUAGES = ["es", "fr", "de", "it", "pt"]
OFFENCES = [
    Offence.FRAUD,
    Offence.MONEY_LAUNDERING,
    Offence.CORRUPTION,
    Offence.CYBERCRIME,
    Offence.DRUG_TRAFFICKING,
    Offence.SWINDLING,
    Offence.TAX_EVASION,
    Offence.THEFT,
]
RECEIVED = datetime(2025, 1, 1, tzinfo=UTC)
EVIDENCE = Evidence(text="x", page=1, start=0, end=1, extractor="bench", confidence=0.9)
SYLLABLES = ["ba", "co", "de", "fi", "gu", "la", "me", "no", "pra", "ri", "so", "ta", "ve", "zu"]


def vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def template() -> dict[str, Any]:
    record = Record(
        id="rq-0",
        document=Document(
            sha256="0" * 64,
            filename="request.pdf",
            media_type="application/pdf",
            size_bytes=1000,
            received_at=RECEIVED,
            page_count=1,
        ),
        pages=[Page(number=1, text="", source=PageSource.OCR)],
        translation=Translation(status=TranslationStatus.TRANSLATED, engine="bench", text=""),
        extraction=Extraction(doc_type=DocType.MLA_REQUEST),
    )
    return record.model_dump(mode="json")


def rows(
    start: int, count: int, words: list[str], rng: random.Random
) -> Iterator[tuple[dict[str, Any], ...]]:
    """Documents, records and queue items as the pipeline leaves them, written in bulk: saving
    100,000 records one by one would measure the store, not the search. Word frequencies follow
    Zipf's law, as in real text."""
    base = template()
    weights = [1 / (rank + 1) for rank in range(len(words))]
    for n in range(start, start + count):
        sha256 = f"{n:064x}"[::-1]
        received = RECEIVED + timedelta(minutes=7 * n)
        offences = rng.sample(OFFENCES, rng.randint(1, 2))
        language = rng.choice(LANGUAGES)
        record = copy.deepcopy(base)
        record["language"] = {"code": language, "confidence": 0.99, "candidates": []}
        record["id"] = record_id(sha256)
        record["document"].update(sha256=sha256, received_at=received.isoformat())
        record["pages"][0]["text"] = " ".join(rng.choices(words, weights, k=WORDS_PER_TEXT))
        record["translation"]["text"] = " ".join(rng.choices(words, weights, k=WORDS_PER_TEXT))
        record["extraction"]["offences"] = [
            OffenceFact(category=o, evidence=EVIDENCE).model_dump(mode="json") for o in offences
        ]
        yield (
            {
                "sha256": sha256,
                "filename": f"request-{n}.pdf",
                "media_type": "application/pdf",
                "size_bytes": 1000,
                "first_received_at": received,
                "original_path": f"/originals/{sha256}",
            },
            {
                "id": record["id"],
                "sha256": sha256,
                "record": record,
                "pipeline_version": None,
                "created_at": received,
                "updated_at": received,
            },
            {
                "record_id": record["id"],
                "status": "pending",
                "queue": "mla",
                "priority": rng.randint(1, 5),
                "deadline": date(2025, 3, 1) + timedelta(days=rng.randint(0, 600)),
                "reasons": [],
                "doc_type": "mla_request",
                "language": language,
                "filename": f"request-{n}.pdf",
                "received_at": received,
                "updated_at": received,
            },
        )


def fill(url: str, words: list[str]) -> float:
    """Seconds to write the records (the triggers index them as they go in)."""
    Store.open(url).close()
    engine = connect(url)
    rng = random.Random(7)
    started = time.perf_counter()
    try:
        for start in range(0, RECORDS, BATCH):
            documents, records, items = zip(*rows(start, BATCH, words, rng), strict=True)
            with engine.begin() as connection:
                connection.execute(insert(DocumentRow), list(documents))
                connection.execute(insert(RecordRow), list(records))
                connection.execute(insert(QueueItemRow), list(items))
        # Statistics and visibility as a running server's autovacuum keeps them: without, the
        # planners guess at empty tables and PostgreSQL cannot answer from its indexes alone.
        maintenance = "ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            connection.exec_driver_sql(maintenance)
    finally:
        engine.dispose()
    return time.perf_counter() - started


def queries(words: list[str], count: int) -> list[SearchQuery]:
    """Words an analyst might look for (neither the commonest nor hapaxes) with two filters."""
    rng = random.Random(11)
    return [
        SearchQuery(
            text=rng.choice(words[20:400]),
            language=rng.choice(LANGUAGES),
            offence=rng.choice(OFFENCES).value,
        )
        for _ in range(count)
    ]


def timed(run: Callable[[SearchQuery], int], asked: list[SearchQuery]) -> tuple[list[float], int]:
    timings, hits = [], 0
    for query in asked:
        started = time.perf_counter()
        hits += run(query)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, hits // len(asked)


def scan(engine: Engine) -> Callable[[SearchQuery], int]:
    """The baseline: no index, the records' JSON read and matched row by row."""

    def run(query: SearchQuery) -> int:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(*) FROM records r JOIN queue_items q ON q.record_id = r.id "
                        "JOIN record_facets f ON f.record_id = r.id "
                        "WHERE CAST(r.record AS TEXT) LIKE :like AND q.language = :language "
                        "AND f.facet = 'offence' AND f.value = :offence"
                    ),
                    {
                        "like": f"%{query.text}%",
                        "language": query.language,
                        "offence": query.offence,
                    },
                ).scalar_one()
            )

    return run


def measure(url: str, words: list[str]) -> list[str]:
    filled = fill(url, words)
    engine = connect(url)
    try:
        search = Search(engine)
        asked = queries(words, QUERIES)
        search.search(asked[0])  # a first query warms the caches, as a running server's are
        indexed, hits = timed(lambda q: search.search(q).total, asked)
        baseline, _ = timed(scan(engine), asked[:BASELINE_QUERIES])
    finally:
        engine.dispose()
    median, p95 = statistics.median(indexed), statistics.quantiles(indexed, n=20)[-1]
    scanned = statistics.median(baseline)
    return [
        f"{filled:.0f}",
        str(hits),
        f"{median:.1f}",
        f"{p95:.1f}",
        "yes" if p95 <= 100 else "NO",
        f"{scanned:.0f}",
        f"{scanned / median:.0f}×",
    ]


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="rogatory-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'rogatory.db'}"


def main() -> None:
    words = vocabulary(random.Random(5))
    table = Table(
        "database",
        "fill s",
        "hits/query",
        "median ms",
        "p95 ms",
        "p95 ≤ 100 ms",
        "scan ms (baseline)",
        "speed-up",
        title=f"Search: full text + language + offence over {RECORDS:,} records, "
        f"{QUERIES} queries (hits, total, facet counts)",
    )
    for name, database in (("SQLite", sqlite_url), ("PostgreSQL", postgres_schema)):
        with database() as url:
            table.add_row(name, *measure(url, words))
    Console(width=160).print(table)
