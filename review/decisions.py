"""What a reviewer does with a claimed item: correct the machine's extraction, then approve,
reject or return it. Each needs a live claim by that reviewer and leaves an audit entry."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, get_args

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
# Lists of facts that each carry their evidence (references are plain strings).
FACT_LISTS = {
    name
    for name, field in Extraction.model_fields.items()
    if "evidence" in getattr(next(iter(get_args(field.annotation)), None), "model_fields", {})
}
# The extractor named in the evidence of a fact a person entered: "person:<username>".
PERSON = "person:"


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
    return correct_many(session, record_id, reviewer, {field: value}, now)[0]


def correct_many(
    session: Session, record_id: str, reviewer: str, values: Mapping[str, Any], now: datetime
) -> list[CorrectionRow]:
    """Set a person's values for several extraction fields, all or none: every value is checked
    before any is written, and the caller's transaction writes them together, with one audit
    entry listing each change."""
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
    rows = {
        row.field: row
        for row in session.scalars(
            select(CorrectionRow).where(CorrectionRow.record_id == record_id)
        )
    }
    current = {**machine, **{field: row.corrected_value for field, row in rows.items()}}
    corrected = _all_validated(machine, values)
    changes: audit.Changes = {}
    for field, value in corrected.items():
        if field in FACT_LISTS:
            value = _attributed(value, machine.get(field, []) + current.get(field, []), reviewer)
        row = rows.get(field)
        if row is None:
            row = CorrectionRow(record_id=record_id, field=field, machine_value=machine.get(field))
            session.add(row)
            rows[field] = row
        row.corrected_value = value
        row.corrected_by = reviewer
        row.corrected_at = now
        changes[f"extraction.{field}"] = [current.get(field), value]
    audit.append(session, record_id, reviewer, "correct", changes, now)
    return [rows[field] for field in corrected]


def _all_validated(machine: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Each value as the record's schema would store it, or one error naming every bad one."""
    validated: dict[str, Any] = {}
    problems: list[str] = []
    for field, value in values.items():
        try:
            validated[field] = _validated(machine, field, value)
        except InvalidCorrection as error:
            problems.append(str(error))
    if problems:
        raise InvalidCorrection("; ".join(problems) + " (nothing was saved)")
    if not validated:
        raise InvalidCorrection("no field to correct")
    return validated


def _attributed(facts: list[Any], known: list[Any], reviewer: str) -> list[Any]:
    """The facts with each that neither the machine nor an earlier correction holds marked as
    this person's: whatever evidence a caller sends, a fact the machine never found must not pass
    for the machine's."""
    return [fact if fact in known else _entered_by(fact, reviewer) for fact in facts]


def _entered_by(fact: dict[str, Any], reviewer: str) -> dict[str, Any]:
    evidence = {**fact["evidence"], "extractor": PERSON + reviewer, "confidence": 1.0}
    return {**fact, "evidence": evidence}


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
