"""The store: received documents, their arrivals, their records and the review queue.

Records are kept whole as JSON (the public contract) and the queue fields are copied out beside
them; `save` writes all of it in one transaction so a crash never leaves a record without its
queue item or an arrival without its document.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, nulls_last, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import sessionmaker

from rogatory.models import Record, Review, ReviewStatus

from .entries import Arrival, QueueEntry
from .tables import ArrivalRow, Base, DocumentRow, QueueItemRow, RecordRow

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option telling the SQLite begin hook that a transaction is going to write.
_WRITES = "rogatory_writes"

# A record that reaches the store unrouted must still be seen by a person, not vanish.
NOT_ROUTED = Review(status=ReviewStatus.ERROR, queue="intake", priority=1, reasons=["not routed"])


class Store:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._reads = sessionmaker(engine)
        self._writes = sessionmaker(engine.execution_options(**{_WRITES: True}))

    @classmethod
    def open(cls, url: str) -> "Store":
        """Connect to the database at `url`, creating its tables if they are missing."""
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            _prepare_sqlite(engine)
        Base.metadata.create_all(engine)
        return cls(engine)

    def close(self) -> None:
        self._engine.dispose()

    def save(self, record: Record, arrival_filename: str, original_path: str) -> None:
        """Store one arrival of a document and its record; the same id replaces the record."""
        now = datetime.now(UTC)
        document = record.document
        with self._writes.begin() as session:
            if session.get(DocumentRow, document.sha256) is None:
                session.add(
                    DocumentRow(
                        sha256=document.sha256,
                        filename=document.filename,
                        media_type=document.media_type,
                        size_bytes=document.size_bytes,
                        first_received_at=document.received_at,
                        original_path=original_path,
                    )
                )
                # Without relationship() the unit of work does not order inserts by foreign
                # key, so each parent is flushed before its children are added.
                session.flush()
            session.add(
                ArrivalRow(
                    sha256=document.sha256,
                    filename=arrival_filename,
                    received_at=document.received_at,
                )
            )
            row = session.get(RecordRow, record.id)
            if row is None:
                row = RecordRow(id=record.id, sha256=document.sha256, created_at=now)
                session.add(row)
            row.record = record.model_dump(mode="json")
            row.pipeline_version = record.pipeline.version if record.pipeline else None
            row.updated_at = now
            session.flush()
            item = session.get(QueueItemRow, record.id)
            if item is None:
                item = QueueItemRow(record_id=record.id)
                session.add(item)
            _fill_queue_item(item, record, now)

    def get(self, record_id: str) -> Record | None:
        with self._reads() as session:
            row = session.get(RecordRow, record_id)
            return None if row is None else Record.model_validate(row.record)

    def find_by_sha256(self, sha256: str) -> Record | None:
        with self._reads() as session:
            found = session.scalar(select(RecordRow.record).where(RecordRow.sha256 == sha256))
            return None if found is None else Record.model_validate(found)

    def queue(
        self, status: ReviewStatus | None = None, queue: str | None = None, limit: int = 100
    ) -> list[QueueEntry]:
        """Queue items, most urgent first: priority, then nearest deadline, then oldest."""
        query = select(QueueItemRow)
        if status is not None:
            query = query.where(QueueItemRow.status == status.value)
        if queue is not None:
            query = query.where(QueueItemRow.queue == queue)
        query = query.order_by(
            QueueItemRow.priority,
            nulls_last(QueueItemRow.deadline.asc()),
            QueueItemRow.received_at,
            QueueItemRow.record_id,  # a stable order between otherwise equal items
        ).limit(limit)
        with self._reads() as session:
            return [QueueEntry.model_validate(item) for item in session.scalars(query)]

    def arrivals(self, sha256: str) -> list[Arrival]:
        """Every receipt of the document with this content, oldest first."""
        query = (
            select(ArrivalRow)
            .where(ArrivalRow.sha256 == sha256)
            .order_by(ArrivalRow.received_at, ArrivalRow.id)
        )
        with self._reads() as session:
            return [Arrival.model_validate(row) for row in session.scalars(query)]


def _fill_queue_item(item: QueueItemRow, record: Record, now: datetime) -> None:
    review = record.review or NOT_ROUTED
    item.status = review.status.value
    item.queue = review.queue
    item.priority = review.priority
    item.reasons = list(review.reasons)
    item.deadline = record.extraction.deadline
    item.doc_type = record.extraction.doc_type.value if record.extraction.doc_type else None
    item.language = record.language.code if record.language else None
    item.filename = record.document.filename
    item.received_at = record.document.received_at
    # The pipeline's routing replaces the review state, so a claim on the old one is void.
    item.claimed_by = None
    item.lease_until = None
    item.updated_at = now


def _prepare_sqlite(engine: Engine) -> None:
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the review desk read while the pipeline writes; the busy timeout makes a second
    # writer wait instead of failing. sqlite3's own BEGIN handling is switched off so that
    # `_begin_sqlite_transaction` decides how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY, without
    # waiting, if another writer committed in between; taking the write lock up front makes
    # `save`'s read-then-insert wait its turn and see the other writer's rows.
    writes = connection.get_execution_options().get(_WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
