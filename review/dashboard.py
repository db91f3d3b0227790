"""The figures a central authority reports: backlog by queue and age, requests in by week, time
from receipt to decision, deadlines due and overdue, requests by state and offence."""

import statistics
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from .entries import QueueEntry
from .tables import AuditRow, QueueItemRow, RecordFacetRow

Item = QueueItemRow
OPEN_STATUSES = ["pending", "claimed", "returned", "error"]
DECISIONS = ["approve", "reject"]
# Age of open items in days: (label, first day of the bucket).
AGE_BUCKETS = [("0–7 days", 0), ("8–30 days", 8), ("31–90 days", 31), ("over 90 days", 91)]
WEEKS = 12
TOP = 10


class Count(BaseModel):
    label: str
    count: int


class Backlog(BaseModel):
    queue: str
    by_age: list[int]  # one count per AGE_BUCKETS entry

    @property
    def total(self) -> int:
        return sum(self.by_age)


class Figures(BaseModel):
    today: date
    age_buckets: list[str]
    backlog: list[Backlog]
    weekly: list[Count]
    decided: int
    median_days_to_decision: float | None
    due_this_week: list[QueueEntry]
    overdue: list[QueueEntry]
    by_state: list[Count]
    by_offence: list[Count]


class Dashboard:
    def __init__(self, engine: Engine) -> None:
        self._reads = sessionmaker(engine)

    def figures(self, now: datetime) -> Figures:
        today = now.astimezone(UTC).date()
        with self._reads() as session:
            open_items = Item.status.in_(OPEN_STATUSES)
            backlog: dict[str, list[int]] = {}
            rows = session.execute(select(Item.queue, Item.received_at).where(open_items))
            for queue, received_at in rows:
                ages = backlog.setdefault(queue, [0] * len(AGE_BUCKETS))
                ages[_bucket((today - received_at.date()).days)] += 1
            first_week = _monday(today) - timedelta(weeks=WEEKS - 1)
            received = session.scalars(
                select(Item.received_at).where(Item.received_at >= _midnight(first_week))
            )
            weeks = Counter(_monday(at.date()) for at in received)
            decided_at = (
                select(AuditRow.record_id, func.min(AuditRow.at).label("at"))
                .where(AuditRow.action.in_(DECISIONS))
                .group_by(AuditRow.record_id)
                .subquery()
            )
            durations = [
                (at - received_at).total_seconds() / 86400
                for at, received_at in session.execute(
                    select(decided_at.c.at, Item.received_at).join(
                        Item, Item.record_id == decided_at.c.record_id
                    )
                )
            ]
            deadlines = select(Item).where(open_items).order_by(Item.deadline, Item.record_id)
            due = session.scalars(
                deadlines.where(Item.deadline >= today, Item.deadline < today + timedelta(7))
            ).all()
            overdue = session.scalars(deadlines.where(Item.deadline < today)).all()
            return Figures(
                today=today,
                age_buckets=[label for label, _ in AGE_BUCKETS],
                backlog=[Backlog(queue=q, by_age=ages) for q, ages in sorted(backlog.items())],
                weekly=[
                    Count(label=week.isoformat(), count=weeks[week])
                    for week in (first_week + timedelta(weeks=n) for n in range(WEEKS))
                ],
                decided=len(durations),
                median_days_to_decision=statistics.median(durations) if durations else None,
                due_this_week=[QueueEntry.model_validate(item) for item in due],
                overdue=[QueueEntry.model_validate(item) for item in overdue],
                by_state=_counts(session, "state"),
                by_offence=_counts(session, "offence"),
            )


def _counts(session: Session, facet: str) -> list[Count]:
    rows = session.execute(
        select(RecordFacetRow.value, func.count())
        .where(RecordFacetRow.facet == facet)
        .group_by(RecordFacetRow.value)
        .order_by(func.count().desc(), RecordFacetRow.value)
        .limit(TOP)
    )
    return [Count(label=value, count=count) for value, count in rows]


def _bucket(age_days: int) -> int:
    return max(n for n, (_, first) in enumerate(AGE_BUCKETS) if age_days >= first or n == 0)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
