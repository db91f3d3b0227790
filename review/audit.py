"""The audit trail: every action on a record, appended in the transaction that makes the change, so
an oversight body reading it sees exactly what happened and nothing that did not."""

import csv
import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

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
    session.add(
        AuditRow(
            record_id=record_id, at=at, actor=actor, action=action, changes=changes, reason=reason
        )
    )


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
        writer.writerow([_defused(row[column]) for column in CSV_COLUMNS])


# What makes a spreadsheet read a cell as a formula when it starts one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defused(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (actors, reasons and corrected values
    are typed by people) gets a leading apostrophe, the spreadsheets' own mark for text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
