"""The audit trail: every action on a record, appended in the transaction that makes the change, so
an oversight body reading it sees exactly what happened and nothing that did not."""

import csv
import hashlib
import json
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .entries import AuditEntry
from .tables import AuditRow

# The actor of what the software does on its own (routing, expired leases).
SYSTEM = "rogatory"
# The key under which a save records the hash of the record it stored, for `rogatory verify`.
RECORD_DIGEST = "record_sha256"

Changes = dict[str, list[Any]]


def append(
    session: Session,
    record_id: str,
    actor: str,
    action: str,
    changes: Changes,
    at: datetime,
    reason: str | None = None,
) -> None:
    """Add an entry to the trail, sealed and linked to the one before it (see `chain`)."""
    lock_trail(session)
    previous = session.scalars(select(AuditRow.digest).order_by(AuditRow.id.desc()).limit(1))
    salt = secrets.token_hex(16)
    row = AuditRow(
        record_id=record_id,
        at=at,
        actor=actor,
        action=action,
        changes=changes,
        reason=reason,
        salt=salt,
        content_digest=content_digest(salt, changes, reason),
    )
    row.digest = link(previous.first() or GENESIS, row)
    session.add(row)
    # Written now, so that the next entry of this transaction finds this one as its previous.
    session.flush()


def lock_trail(session: Session) -> None:
    """Take the trail's end for this transaction: two writers must not link to the same entry.
    SQLite has one writer at a time already; PostgreSQL waits on an advisory lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(TRAIL_LOCK)))


def changed(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """{name: [from, to]} for each value that differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record_digest(record: dict[str, Any]) -> str:
    """SHA-256 of a record's JSON in one canonical form (sorted keys, no spaces): the same on
    SQLite and PostgreSQL, whose JSONB keeps neither key order nor spacing."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# The chain: each entry's `digest` is SHA-256 of the previous entry's digest and the entry's
# who, what and when with its `content_digest`, SHA-256 of a random salt and its changes and
# reason. A purge erases the changes, the reason and the salt, which leaves the content digest
# meaningless (the values cannot be guessed back from it) and the chain whole.
GENESIS = ""
# Any fixed number: the key of PostgreSQL's advisory lock on the end of the trail.
TRAIL_LOCK = 0x726F6761


def content_digest(salt: str, changes: Changes, reason: str | None) -> str:
    return _sha256([salt, changes, reason])


def link(previous: str, row: AuditRow) -> str:
    """The digest of an entry written after the one whose digest is `previous`."""
    at = row.at if row.at.tzinfo is None else row.at.astimezone(UTC).replace(tzinfo=None)
    fields = [row.record_id, at.isoformat(), row.actor, row.action, row.content_digest]
    return _sha256([previous, fields])


def _sha256(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Chain(BaseModel):
    """What re-computing the chain found: the digest of its last entry (to keep off the machine
    and compare later), how many entries it has, how many were written before it began, and
    where it breaks."""

    head: str = GENESIS
    entries: int = 0
    unchained: int = 0
    breaks: list[str] = []


def check_chain(rows: Iterable[AuditRow]) -> Chain:
    """Re-compute the chain over the whole trail, given in the order it was written."""
    chain = Chain()
    for row in rows:
        if row.digest is None:
            if chain.entries:
                chain.breaks.append(f"entry {row.id} is not linked into the chain")
            else:
                chain.unchained += 1
            continue
        if link(chain.head, row) != row.digest:
            chain.breaks.append(f"entry {row.id} does not follow from the entry before it")
        elif (
            row.salt is not None
            and content_digest(row.salt, row.changes, row.reason) != row.content_digest
        ):
            chain.breaks.append(f"entry {row.id}: its changes or reason were altered")
        elif row.salt is None and (row.changes or row.reason is not None):
            chain.breaks.append(f"entry {row.id}: its seal was removed but not its content")
        # Carry on from the stored digest: one altered entry is one break, not all that follow.
        chain.head = row.digest
        chain.entries += 1
    return chain


CSV_COLUMNS = ["id", "record_id", "at", "actor", "action", "changes", "reason"]


def write_jsonl(entries: Iterable[AuditEntry], stream: TextIO) -> None:
    for entry in entries:
        stream.write(entry.model_dump_json() + "\n")


def write_csv(entries: Iterable[AuditEntry], stream: TextIO) -> None:
    """One row per action; `changes` stays a JSON object so that nested values survive."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = entry.model_dump(mode="json")
        row["changes"] = json.dumps(row["changes"], ensure_ascii=False, sort_keys=True)
        writer.writerow([defused(row[column]) for column in CSV_COLUMNS])


# What makes a spreadsheet read a cell as a formula when it starts one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (actors, reasons and corrected values
    are typed by people) gets a leading apostrophe, the spreadsheets' own mark for text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
