"""What the store hands out besides whole records: plain pydantic values, never ORM rows, so
callers cannot lazy-load or mutate the database by accident."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from rogatory.models import DocType, ReviewStatus


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, from_attributes=True)


class QueueEntry(Entry):
    """One line of the review queue: enough to choose what to open next."""

    record_id: str
    filename: str
    language: str | None
    doc_type: DocType | None
    status: ReviewStatus
    queue: str
    priority: int
    deadline: date | None
    reasons: list[str]
    received_at: datetime
    claimed_by: str | None = None
    lease_until: datetime | None = None


class Arrival(Entry):
    """One receipt of a file; the same content received again is a new arrival."""

    filename: str
    received_at: datetime


class Correction(Entry):
    """A person's value for an extraction field beside the machine's."""

    field: str
    machine_value: Any
    corrected_value: Any
    corrected_by: str
    corrected_at: datetime


class AuditEntry(Entry):
    """One action on a record; `changes` maps each changed name to [from, to]."""

    id: int
    record_id: str
    at: datetime
    actor: str
    action: str
    changes: dict[str, list[Any]]
    reason: str | None
