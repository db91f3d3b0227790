"""What a reviewer does with a claimed item: correct the machine's extraction, then approve,
reject or return it. Each needs a live claim by that reviewer and leaves an audit entry."""

from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rogatory.models import Extraction, ReviewStatus

from . import audit
from .claims import CLAIMED, Item, NotClaimed, QueueError, explain, held_by
from .tables import CorrectionRow, RecordRow

# The audit trail names each decision by its verb.
DECISIONS = {
    ReviewStatus.APPROVED: "approve",
    ReviewStatus.REJECTED: "reject",
    ReviewStatus.RETURNED: "return",
}
# Evidence is where the machine found a value; a person's value has no span to point at.
CORRECTABLE_FIELDS = sorted(set(Extraction.model_fields) - {"evidence"})


class InvalidCorrection(QueueError):
    pass


def decide(
    session: Session,
    record_id: str,
    reviewer: str,
    decision: ReviewStatus,
    reason: str | None,
    now: datetime,
) -> None:
    if decision not in DECISIONS:
        raise ValueError(f"{decision.value} is not a decision")
    if decision is ReviewStatus.RETURNED and not (reason and reason.strip()):
        raise QueueError("an item is returned with a reason")
    decided = session.execute(
        update(Item)
        .where(Item.record_id == record_id, held_by(reviewer, now))
        .values(
            status=decision.value,
            claimed_by=None,
            lease_until=None,
            unclaimed_status=None,
            updated_at=now,
        )
        .returning(Item.record_id)
        .execution_options(synchronize_session=False)
    ).first()
    if decided is None:
        raise NotClaimed(explain(session, record_id, reviewer, now))
    changes: audit.Changes = {"status": [CLAIMED, decision.value], "claimed_by": [reviewer, None]}
    audit.append(session, record_id, reviewer, DECISIONS[decision], changes, now, reason)


def correct(
    session: Session, record_id: str, reviewer: str, field: str, value: Any, now: datetime
) -> CorrectionRow:
    """Set a person's value for one extraction field; the record keeps the machine's value."""
    held = session.execute(
        select(Item.record_id)
        .where(Item.record_id == record_id, held_by(reviewer, now))
        # Held until commit so that the claim cannot expire and pass on mid-correction.
        .with_for_update()
    ).first()
    if held is None:
        raise NotClaimed(explain(session, record_id, reviewer, now))
    record = session.scalars(select(RecordRow.record).where(RecordRow.id == record_id)).one()
    machine = record["extraction"]
    corrected = _validated(machine, field, value)
    row = session.get(CorrectionRow, (record_id, field))
    before = machine.get(field) if row is None else row.corrected_value
    if row is None:
        row = CorrectionRow(record_id=record_id, field=field, machine_value=machine.get(field))
        session.add(row)
    row.corrected_value = corrected
    row.corrected_by = reviewer
    row.corrected_at = now
    changes = {f"extraction.{field}": [before, corrected]}
    audit.append(session, record_id, reviewer, "correct", changes, now)
    return row


def _validated(machine: dict[str, Any], field: str, value: Any) -> Any:
    """The value as the record's schema would store it, or a clear error."""
    if field not in CORRECTABLE_FIELDS:
        raise InvalidCorrection(
            f"'{field}' cannot be corrected; fields: {', '.join(CORRECTABLE_FIELDS)}"
        )
    try:
        extraction = Extraction.model_validate({**machine, field: value})
    except ValidationError as exc:
        problems = "; ".join(error["msg"] for error in exc.errors())
        raise InvalidCorrection(f"{field}: {problems} (got {value!r})") from None
    return extraction.model_dump(mode="json")[field]
