"""The store: received documents, their arrivals, their records and the review queue.

Records are kept whole as JSON (the public contract, as the machine produced it) and the queue
fields are copied out beside them; every change is written with its audit entry in one
transaction, so a crash never leaves a record without its queue item, a decision without its
audit entry or an arrival without its document (`view` reads, then writes the entry; `purge`
and `reroute` say how they split their work). The live review state (claims, decisions) lives
in the queue item and is laid over the record's `review` when a record is read.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from rogatory.models import Record, Review, ReviewStatus

from . import audit, claims, decisions
from . import purge as purging
from .custody import Custody, Report
from .custody import verify as check_custody
from .database import WRITES, connect, lock_document
from .entries import Arrival, AuditEntry, Correction, QueueEntry
from .routing import RoutingRules, route
from .schema import upgrade
from .tables import ArrivalRow, AuditRow, CorrectionRow, DocumentRow, QueueItemRow, RecordRow

# A record that reaches the store unrouted must still be seen by a person, not vanish.
NOT_ROUTED = Review(status=ReviewStatus.ERROR, queue="intake", priority=1, reasons=["not routed"])
PIPELINE = "pipeline"
# Items re-routed per transaction: few enough that their row locks are held only briefly.
REROUTE_BATCH = 500
# Rows fetched at a time when every record is read for verification.
CUSTODY_BATCH = 200
# The audit actions whose entries carry the hash of the record as written.
RECORD_WRITES = ("process", "reprocess")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._clock = clock
        self._reads = sessionmaker(engine)
        self._writes = sessionmaker(engine.execution_options(**{WRITES: True}))

    @classmethod
    def open(cls, url: str, clock: Clock = utc_now) -> "Store":
        """Connect to the database at `url`, creating or upgrading its schema as needed."""
        engine = connect(url)
        upgrade(engine)
        return cls(engine, clock)

    def close(self) -> None:
        self._engine.dispose()

    def save(self, record: Record, arrival_filename: str, original_path: str) -> None:
        """Store one arrival of a document and its record; the same id replaces the record.
        Reprocessing updates the machine's routing but keeps what people decided: an approved
        item stays approved and a claimed one stays with its reviewer."""
        now = self._clock()
        document = record.document
        with self._writes.begin() as session:
            lock_document(session, document.sha256)
            received = session.get(DocumentRow, document.sha256)
            if received is None:
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
            elif not received.original_path:
                # Purged, and now received again: a new first arrival.
                received.filename = document.filename
                received.first_received_at = document.received_at
                received.original_path = original_path
            session.add(
                ArrivalRow(
                    sha256=document.sha256,
                    filename=arrival_filename,
                    received_at=document.received_at,
                )
            )
            _write_record(session, record, now, "process")

    def replace(self, record: Record) -> None:
        """Write back a stored record produced again from its stored pages (better rules, a new
        translation package): not an arrival, so no arrival row; routing is updated and people's
        decisions kept as in `save`, under the audit action "reprocess"."""
        with self._writes.begin() as session:
            lock_document(session, record.document.sha256)
            if session.get(RecordRow, record.id) is None:
                raise KeyError(f"no stored record {record.id} to replace")
            _write_record(session, record, self._clock(), "reprocess")

    def get(self, record_id: str) -> Record | None:
        return self._record(RecordRow.id == record_id)

    def view(self, record_id: str, viewer: str) -> Record | None:
        """The record as a person reads it; the reading is written to the audit trail, because
        oversight bodies must be able to tell who saw what."""
        record = self.get(record_id)
        if record is not None:
            with self._writes.begin() as session:
                audit.append(session, record_id, viewer, "view", {}, self._clock())
        return record

    def find_by_sha256(self, sha256: str) -> Record | None:
        return self._record(RecordRow.sha256 == sha256)

    def queue(
        self, status: ReviewStatus | None = None, queue: str | None = None, limit: int = 100
    ) -> list[QueueEntry]:
        """Queue items, most urgent first: priority, then nearest deadline, then oldest."""
        query = select(QueueItemRow)
        if status is not None:
            query = query.where(QueueItemRow.status == status.value)
        if queue is not None:
            query = query.where(QueueItemRow.queue == queue)
        query = query.order_by(*claims.MOST_URGENT_FIRST).limit(limit)
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

    def claim_next(
        self, reviewer: str, lease: timedelta, queue: str | None = None
    ) -> QueueEntry | None:
        """Claim the most urgent free item for `reviewer`; None when nothing is free."""
        with self._writes.begin() as session:
            record_id = claims.claim_next(session, reviewer, lease, self._clock(), queue)
            return None if record_id is None else _entry(session, record_id)

    def claim(self, record_id: str, reviewer: str, lease: timedelta) -> QueueEntry:
        """Claim one item, or renew the lease of an item `reviewer` already holds."""
        with self._writes.begin() as session:
            claims.claim(session, record_id, reviewer, lease, self._clock())
            return _entry(session, record_id)

    def release(self, record_id: str, reviewer: str) -> QueueEntry:
        with self._writes.begin() as session:
            claims.release(session, record_id, reviewer, self._clock())
            return _entry(session, record_id)

    def expire_leases(self) -> list[str]:
        """Free every item whose lease has run out; their ids."""
        with self._writes.begin() as session:
            return claims.expire(session, self._clock())

    def approve(self, record_id: str, reviewer: str, reason: str | None = None) -> QueueEntry:
        return self._decide(record_id, reviewer, ReviewStatus.APPROVED, reason)

    def reject(self, record_id: str, reviewer: str, reason: str | None = None) -> QueueEntry:
        return self._decide(record_id, reviewer, ReviewStatus.REJECTED, reason)

    def return_(self, record_id: str, reviewer: str, reason: str) -> QueueEntry:
        """Hand the item back to the queue with the reason why, for someone else to take up."""
        return self._decide(record_id, reviewer, ReviewStatus.RETURNED, reason)

    def correct(self, record_id: str, reviewer: str, field: str, value: Any) -> Correction:
        """A person's value for one extraction field (validated as the record's schema would);
        the record keeps the machine's value."""
        with self._writes.begin() as session:
            row = decisions.correct(session, record_id, reviewer, field, value, self._clock())
            return Correction.model_validate(row)

    def corrections(self, record_id: str) -> list[Correction]:
        query = (
            select(CorrectionRow)
            .where(CorrectionRow.record_id == record_id)
            .order_by(CorrectionRow.field)
        )
        with self._reads() as session:
            return [Correction.model_validate(row) for row in session.scalars(query)]

    def audit(self, record_id: str | None = None) -> list[AuditEntry]:
        """The audit trail in the order it was written, of one record or of all."""
        query = select(AuditRow).order_by(AuditRow.id)
        if record_id is not None:
            query = query.where(AuditRow.record_id == record_id)
        with self._reads() as session:
            return [AuditEntry.model_validate(row) for row in session.scalars(query)]

    def custody(self) -> Iterator[Custody]:
        """Every received document with its record and the hash the store last recorded for
        that record: what `rogatory verify` checks. Streamed: a store can hold 100,000."""
        recorded: dict[str, str] = {}
        with self._reads() as session:
            for record_id, changes in session.execute(
                select(AuditRow.record_id, AuditRow.changes)
                .where(AuditRow.action.in_(RECORD_WRITES))
                .order_by(AuditRow.id)
                .execution_options(yield_per=CUSTODY_BATCH)
            ):
                if audit.RECORD_DIGEST in changes:
                    recorded[record_id] = changes[audit.RECORD_DIGEST][1]
            query = (
                select(DocumentRow.sha256, RecordRow.id, RecordRow.record)
                .outerjoin(RecordRow, RecordRow.sha256 == DocumentRow.sha256)
                .order_by(DocumentRow.sha256)
                .execution_options(yield_per=CUSTODY_BATCH)
            )
            for sha256, record_id, record in session.execute(query):
                yield Custody(
                    sha256=sha256,
                    record_id=record_id,
                    record=record,
                    recorded_digest=recorded.get(record_id) if record_id else None,
                )

    def verify(self, originals: Path, previews: Path, kept_head: str | None = None) -> Report:
        """Re-hash everything kept against what was recorded (see `custody`), the audit trail's
        chain included; `kept_head` is a head digest printed by an earlier run."""
        with self._reads() as session:
            chain = audit.check_chain(
                session.scalars(
                    select(AuditRow)
                    .order_by(AuditRow.id)
                    .execution_options(yield_per=CUSTODY_BATCH)
                )
            )
            found = None
            if kept_head is not None:
                found = (
                    kept_head == audit.GENESIS
                    or session.scalars(
                        select(AuditRow.id).where(AuditRow.digest == kept_head).limit(1)
                    ).first()
                    is not None
                )
        return check_custody(self.custody(), originals, previews, chain, found)

    def purge(self, sha256: str, actor: str, reason: str) -> list[str]:
        """Remove a document and what was derived from it from the store (see `purging`); the
        hashes purged, whose files the caller then deletes."""
        with self._writes.begin() as session:
            lock_document(session, sha256)
            purged = purging.purge(session, sha256, actor, reason, self._clock())
        with self._reads() as session:
            purging.checkpoint(session)
        return purged

    def unknown(self, hashes: list[str]) -> list[str]:
        """Those of the given hashes that name no received document."""
        query = select(DocumentRow.sha256).where(DocumentRow.sha256.in_(hashes))
        with self._reads() as session:
            known = set(session.scalars(query))
        return [sha256 for sha256 in hashes if sha256 not in known]

    def older_than(self, age: timedelta) -> list[str]:
        """Hashes of the documents first received longer than `age` ago, not yet purged."""
        query = select(DocumentRow.sha256).where(
            DocumentRow.first_received_at < self._clock() - age, DocumentRow.original_path != ""
        )
        with self._reads() as session:
            return list(session.scalars(query.order_by(DocumentRow.first_received_at)))

    def reroute(self, rules: RoutingRules, today: date) -> list[str]:
        """Route every stored record again (after a change of rules, or as deadlines draw near)
        with people's corrections applied; the ids of the items whose routing changed. Works in
        batches, each its own transaction, so reviewers can keep claiming meanwhile; a run cut
        short is finished by running it again."""
        now = self._clock()
        changed: list[str] = []
        after = ""
        while True:
            with self._writes.begin() as session:
                items = session.scalars(
                    select(QueueItemRow)
                    .where(QueueItemRow.record_id > after)
                    .order_by(QueueItemRow.record_id)
                    .limit(REROUTE_BATCH)
                    .with_for_update()
                ).all()
                if not items:
                    return changed
                records = _corrected(session, [item.record_id for item in items])
                for item in items:
                    record = records[item.record_id]
                    changes = _route_into(item, route(record, rules, today), now)
                    _describe(item, record)
                    if changes:
                        audit.append(session, record.id, audit.SYSTEM, "reroute", changes, now)
                        changed.append(record.id)
                after = items[-1].record_id

    def _decide(
        self, record_id: str, reviewer: str, decision: ReviewStatus, reason: str | None
    ) -> QueueEntry:
        with self._writes.begin() as session:
            decisions.decide(session, record_id, reviewer, decision, reason, self._clock())
            return _entry(session, record_id)

    def _record(self, where: ColumnElement[bool]) -> Record | None:
        query = select(RecordRow.record, QueueItemRow).join(QueueItemRow).where(where)
        with self._reads() as session:
            found = session.execute(query).first()
            if found is None:
                return None
            record = Record.model_validate(found.record)
            record.review = _review(found.QueueItemRow)
            return record


def _entry(session: Session, record_id: str) -> QueueEntry:
    return QueueEntry.model_validate(
        session.get_one(QueueItemRow, record_id, populate_existing=True)
    )


def _review(item: QueueItemRow) -> Review:
    return Review(
        status=ReviewStatus(item.status),
        queue=item.queue,
        priority=item.priority,
        reasons=list(item.reasons),
    )


def _corrected(session: Session, record_ids: list[str]) -> dict[str, Record]:
    """The records as people corrected them: what routing should judge."""
    fixes: dict[str, dict[str, Any]] = defaultdict(dict)
    for record_id, field, value in session.execute(
        select(CorrectionRow.record_id, CorrectionRow.field, CorrectionRow.corrected_value).where(
            CorrectionRow.record_id.in_(record_ids)
        )
    ):
        fixes[record_id][field] = value
    records = {}
    for record_id, raw in session.execute(
        select(RecordRow.id, RecordRow.record).where(RecordRow.id.in_(record_ids))
    ):
        extraction = {**raw["extraction"], **fixes[record_id]}
        records[record_id] = Record.model_validate({**raw, "extraction": extraction})
    return records


def _write_record(session: Session, record: Record, now: datetime, action: str) -> None:
    """The record, its queue item routed and described, and the audit entry with the record's
    hash before and after: one write for a first process and a re-process alike."""
    row = session.get(RecordRow, record.id)
    if row is None:
        row = RecordRow(id=record.id, sha256=record.document.sha256, created_at=now)
        session.add(row)
    digests = [None if row.record is None else audit.record_digest(row.record)]
    row.record = record.model_dump(mode="json")
    digests.append(audit.record_digest(row.record))
    row.pipeline_version = record.pipeline.version if record.pipeline else None
    row.updated_at = now
    session.flush()
    item = session.get(QueueItemRow, record.id)
    if item is None:
        item = QueueItemRow(record_id=record.id)
        session.add(item)
    changes = _route_into(item, record.review or NOT_ROUTED, now)
    if digests[0] != digests[1]:
        changes[audit.RECORD_DIGEST] = digests
    _describe(item, record)
    audit.append(session, record.id, PIPELINE, action, changes, now)


def _route_into(item: QueueItemRow, review: Review, now: datetime) -> audit.Changes:
    """Apply the machine's routing to a queue item without undoing what people did."""
    before = {
        "status": item.status,
        "queue": item.queue,
        "priority": item.priority,
        "reasons": item.reasons,
    }
    machine = review.status.value
    if item.status is None or item.status in claims.MACHINE_STATUSES:
        item.status = machine
    elif item.unclaimed_status in claims.MACHINE_STATUSES:
        item.unclaimed_status = machine  # the claim ends in the newly routed state
    item.queue = review.queue
    item.priority = review.priority
    item.reasons = list(review.reasons)
    item.updated_at = now
    after = {
        "status": item.status,
        "queue": item.queue,
        "priority": item.priority,
        "reasons": item.reasons,
    }
    return audit.changed(before, after)


def _describe(item: QueueItemRow, record: Record) -> None:
    """The record's facts that the queue lists and sorts by."""
    item.deadline = record.extraction.deadline
    item.doc_type = record.extraction.doc_type.value if record.extraction.doc_type else None
    item.language = record.language.code if record.language else None
    item.filename = record.document.filename
    item.received_at = record.document.received_at
