"""Purge: a document and everything derived from it leave the store, and the audit trail keeps
only the fact that it was there and was purged.

The audit trail is append-only (the database refuses to update or delete its rows, migration
0002), and its entries reference the record they are about. So a purge keeps, in one transaction:
the record's row as a tombstone (its id and hash, no content), so that the trail still points
somewhere; the trail's entries, each stripped of its changed values and free-text reason (which
may hold people's names: corrections store values); and appends one "purge" entry with the hash.
The guard on the trail is lifted for that one redacting UPDATE and put back before the
transaction commits, so no other transaction ever sees the trail unguarded. The search index is
emptied by the triggers on `records` (migration 0003) when the row becomes a tombstone.
"""

import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from . import audit
from .originals import original_path
from .tables import ArrivalRow, AuditRow, CorrectionRow, DocumentRow, QueueItemRow, RecordRow

# The key that makes a `records` row a tombstone; a tombstone holds nothing else but the id.
TOMBSTONE = "purged_at"
ACTION = "purge"


class UnknownDocument(LookupError):
    pass


def is_tombstone(record: dict[str, Any]) -> bool:
    return TOMBSTONE in record


def purge(session: Session, sha256: str, actor: str, reason: str, now: datetime) -> list[str]:
    """Purge the document with this hash and the attachments it brought (documents of their
    own, derived from it) that nothing else brought; the hashes purged, the given one first.
    An unknown hash is an error; one purged before is purged again, which finds nothing left to
    remove."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Pages freed by this transaction are overwritten with zeros, not left readable in
        # the file's free space.
        session.execute(text("PRAGMA secure_delete = ON"))
    done, forgotten = _forget(session, sha256, now)
    # The trail is redacted once, after every row lock the purge needs is held: a reviewer's
    # transaction waiting on the trail then never holds a row the purge still has to take.
    if forgotten:
        # The end of the trail first, as every writer takes it, then the trail itself.
        audit.lock_trail(session)
        with _audit_guard_lifted(session):
            session.execute(
                update(AuditRow)
                .where(AuditRow.record_id.in_(forgotten))
                .values(changes={}, reason=None, salt=None)
            )
    for record_id, record_sha256 in forgotten.items():
        changes = {"sha256": [record_sha256, None]}
        audit.append(session, record_id, actor, ACTION, changes, now, reason)
    if sqlite:
        _merge_full_text_indexes(session)
    return done


def _forget(session: Session, sha256: str, now: datetime) -> tuple[list[str], dict[str, str]]:
    """Empty the document, the attachments it alone brought and their records; the hashes
    emptied, and the records made tombstones now (by id, with their hash)."""
    if session.get(DocumentRow, sha256) is None:
        raise UnknownDocument(f"no document {sha256}")
    doomed = _brought(session, sha256)
    _forget_arrivals_through(session, doomed)
    forgotten: dict[str, str] = {}
    for current, row in doomed.items():
        document = session.get_one(DocumentRow, current)
        if row is not None:
            session.execute(delete(CorrectionRow).where(CorrectionRow.record_id == row.id))
            session.execute(delete(QueueItemRow).where(QueueItemRow.record_id == row.id))
            row.record = {"id": row.id, TOMBSTONE: now.isoformat()}
            row.pipeline_version = None
            row.updated_at = now
            forgotten[row.id] = current
        document.filename = ""
        document.original_path = ""
        session.execute(delete(ArrivalRow).where(ArrivalRow.sha256 == current))
    return list(doomed), forgotten


def _forget_arrivals_through(session: Session, doomed: dict[str, RecordRow | None]) -> None:
    """An attachment that stays loses the arrivals the purged documents brought (one per arrival
    of theirs at the same time): the name an e-mail gave it is the e-mail's content, and a later
    purge of its last other source must not take such an arrival for another reason to stay."""
    listed = [
        attachment
        for row in doomed.values()
        if row is not None
        for attachment in row.record["document"].get("attachment_ids", [])
    ]
    kept = set(session.scalars(select(RecordRow.sha256).where(RecordRow.id.in_(listed))))
    kept -= set(doomed)
    if not kept:
        return
    brought = Counter(
        session.scalars(select(ArrivalRow.received_at).where(ArrivalRow.sha256.in_(doomed)))
    )
    for sha in kept:
        left = brought.copy()
        for arrival in session.scalars(select(ArrivalRow).where(ArrivalRow.sha256 == sha)):
            if left[arrival.received_at] > 0:
                left[arrival.received_at] -= 1
                session.delete(arrival)


def _brought(session: Session, sha256: str) -> dict[str, RecordRow | None]:
    """The document and, through attachment lists, every attachment it brought that is evidence
    of nothing else: one still listed by a record that stays, or received on another occasion
    (an arrival at a time none of the purged documents arrived), stays with its own attachments.
    Each hash with its live record, the given one first."""
    found: dict[str, RecordRow | None] = {}
    todo = [sha256]
    while todo:
        current = todo.pop(0)
        if current in found:
            continue
        row = session.scalars(select(RecordRow).where(RecordRow.sha256 == current)).first()
        found[current] = None if row is None or is_tombstone(row.record) else row
        if found[current] is not None:
            listed = row.record["document"].get("attachment_ids", []) if row else []
            todo += session.scalars(select(RecordRow.sha256).where(RecordRow.id.in_(listed)))
    # Keeping one attachment keeps what it brought in turn: repeat until nothing changes.
    while kept := [sha for sha in list(found)[1:] if _used_elsewhere(session, sha, found)]:
        for sha in kept:
            del found[sha]
        found = {sha: found[sha] for sha in _reachable(sha256, found)}
    return found


def _reachable(sha256: str, candidates: dict[str, RecordRow | None]) -> list[str]:
    """The candidates still reached from the given document through attachment lists."""
    ids = {row.id: sha for sha, row in candidates.items() if row is not None}
    reached = [sha256]
    for current in reached:
        row = candidates[current]
        for listed in row.record["document"].get("attachment_ids", []) if row else []:
            if listed in ids and ids[listed] not in reached:
                reached.append(ids[listed])
    return reached


def _used_elsewhere(session: Session, sha256: str, doomed: dict[str, RecordRow | None]) -> bool:
    row = doomed[sha256]
    purged_ids = [other.id for other in doomed.values() if other is not None]
    if row is not None and _listed_by_others(session, row.id, purged_ids):
        return True
    brought_at = set(
        session.scalars(
            select(ArrivalRow.received_at).where(
                ArrivalRow.sha256.in_([sha for sha in doomed if sha != sha256])
            )
        )
    )
    own = session.scalars(select(ArrivalRow.received_at).where(ArrivalRow.sha256 == sha256))
    return any(received not in brought_at for received in own)


def _listed_by_others(session: Session, record_id: str, purged_ids: list[str]) -> bool:
    """Whether a record outside the purge lists this one among its attachments (a scan of the
    records' JSON: purges are rare, and no index on attachment lists is kept for them)."""
    if session.get_bind().dialect.name == "postgresql":
        listed = "record -> 'document' -> 'attachment_ids' ? :id"
    else:
        listed = (
            "EXISTS (SELECT 1 FROM json_each(record, '$.document.attachment_ids') "
            "WHERE json_each.value = :id)"
        )
    query = select(RecordRow.id).where(text(listed).bindparams(id=record_id))
    return (
        session.scalars(query.where(RecordRow.id.not_in(purged_ids)).limit(1)).first() is not None
    )


def _merge_full_text_indexes(session: Session) -> None:
    """An FTS5 index keeps a deleted row's words in its segments, marked deleted, until they
    are merged (SQLite 3.40 has no 'secure-delete' option): merge them all now."""
    tables = session.scalars(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND lower(sql) LIKE 'create virtual table % using fts5%'"
        )
    ).all()
    for name in tables:
        session.execute(text(f'INSERT INTO "{name}" ("{name}") VALUES (\'optimize\')'))


def checkpoint(session: Session) -> None:
    """Empty SQLite's write-ahead log, which still holds the purged rows' old pages, into the
    database file (where secure deletion zeroed them). Best effort: a reader holding an old
    snapshot keeps the log until it finishes, and the next checkpoint clears it."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


@contextmanager
def _audit_guard_lifted(session: Session) -> Iterator[None]:
    """The append-only triggers on the audit trail, dropped and restored within the caller's
    transaction (both databases make DDL transactional; should the body fail, the rollback
    restores them). Each comes back from its own stored definition, so this neither repeats nor
    drifts from the migration that made it."""
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        names = session.scalars(
            text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entries'::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'"
            )
        ).all()
        for name in names:
            session.execute(text(f'ALTER TABLE audit_entries DISABLE TRIGGER "{name}"'))
        yield
        session.flush()  # the body's ORM changes are written while the guard is off
        for name in names:
            session.execute(text(f'ALTER TABLE audit_entries ENABLE TRIGGER "{name}"'))
    else:
        triggers = session.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
            )
        ).all()
        for name, _ in triggers:
            session.execute(text(f'DROP TRIGGER "{name}"'))
        yield
        session.flush()
        for _, sql in triggers:
            session.execute(text(sql))


def remove_files(sha256: str, originals: Path, previews: Path) -> list[Path]:
    """Delete the original and the page previews of a purged document; the paths removed.
    Called after the store's purge committed: should this fail part-way, purging again
    finishes it, and `rogatory verify` reports what is left."""
    removed = []
    kept = original_path(originals, sha256)
    if kept.exists():
        kept.unlink()
        removed.append(kept)
    folder = previews / sha256
    if folder.exists():
        shutil.rmtree(folder)
        removed.append(folder)
    return removed
