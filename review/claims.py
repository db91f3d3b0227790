"""Claims: a reviewer holds a queue item for a lease, so that nobody works the same item twice.

Every change of a claim is one conditional UPDATE whose WHERE clause states what must still be true
(the item is free, or still held by this reviewer); the database applies it atomically, so two
reviewers or processes racing for an item can never both win. On PostgreSQL the next item is
picked with `FOR UPDATE SKIP LOCKED` so that claimers take different items instead of queueing
behind one row; on SQLite the write transaction already runs alone.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_, select, update
from sqlalchemy.orm import Session

from rogatory.models import ReviewStatus

from . import audit
from .tables import QueueItemRow

Item = QueueItemRow

# Statuses the machine sets; everything else is a person's doing and outlives reprocessing.
MACHINE_STATUSES = (ReviewStatus.PENDING.value, ReviewStatus.ERROR.value)
# A returned item goes back to the queue for someone else to pick up.
CLAIMABLE_STATUSES = [*MACHINE_STATUSES, ReviewStatus.RETURNED.value]
CLAIMED = ReviewStatus.CLAIMED.value

# Items without a deadline come after those with one. Said as `deadline IS NULL` rather than
# NULLS LAST so that both databases read this order straight from ix_queue_items_urgency: SQLite
# keeps NULLs first in an index and would otherwise sort the whole queue for every claim.
MOST_URGENT_FIRST = (
    Item.priority,
    Item.deadline.is_(None),
    Item.deadline,
    Item.received_at,
    Item.record_id,  # a stable order between otherwise equal items
)


class QueueError(Exception):
    """A queue action that cannot be done in the item's present state."""


class UnknownRecord(QueueError):
    pass


class NotClaimed(QueueError):
    """The action needs a live claim on the item by the reviewer asking for it."""


def free(now: datetime) -> ColumnElement[bool]:
    """Items nobody holds: waiting for review, or claimed by someone whose lease ran out."""
    return or_(
        Item.status.in_(CLAIMABLE_STATUSES),
        and_(Item.status == CLAIMED, Item.lease_until <= now),
    )


def held_by(reviewer: str, now: datetime) -> ColumnElement[bool]:
    return and_(Item.status == CLAIMED, Item.claimed_by == reviewer, Item.lease_until > now)


def claim_next(
    session: Session, reviewer: str, lease: timedelta, now: datetime, queue: str | None = None
) -> str | None:
    """Claim the most urgent free item (of `queue` if given); None when there is none."""
    query = select(Item.record_id, Item.status, Item.claimed_by).where(free(now))
    if queue is not None:
        query = query.where(Item.queue == queue)
    query = query.order_by(*MOST_URGENT_FIRST).limit(1).with_for_update(skip_locked=True)
    # The candidate is locked (PostgreSQL) or the transaction writes alone (SQLite), so the
    # conditional update succeeds; should another isolation ever let it lose, try the next.
    while (candidate := session.execute(query).first()) is not None:
        if _take(session, candidate.record_id, reviewer, lease, now, free(now)):
            _log_claim(session, candidate, reviewer, now + lease, now)
            return str(candidate.record_id)
    return None


def claim(session: Session, record_id: str, reviewer: str, lease: timedelta, now: datetime) -> None:
    """Claim one item, or renew the lease on an item this reviewer already holds."""
    current = session.execute(
        select(Item.record_id, Item.status, Item.claimed_by)
        .where(Item.record_id == record_id)
        .with_for_update()
    ).first()
    if current is None:
        raise UnknownRecord(f"no record {record_id}")
    if not _take(session, record_id, reviewer, lease, now, free(now) | held_by(reviewer, now)):
        raise NotClaimed(explain(session, record_id, reviewer, now))
    _log_claim(session, current, reviewer, now + lease, now)


def release(session: Session, record_id: str, reviewer: str, now: datetime) -> None:
    """Give an item back undecided; a reviewer may release their claim even after its lease ran
    out, as long as nobody else has taken the item since."""
    mine = and_(Item.status == CLAIMED, Item.claimed_by == reviewer)
    restored = _unclaim(session, mine & (Item.record_id == record_id), now)
    if not restored:
        raise NotClaimed(explain(session, record_id, reviewer, now))
    [(_, status)] = restored
    changes: audit.Changes = {"status": [CLAIMED, status], "claimed_by": [reviewer, None]}
    audit.append(session, record_id, reviewer, "release", changes, now)


def expire(session: Session, now: datetime) -> list[str]:
    """End every claim whose lease has run out; the ids of the items set free."""
    stale = session.execute(
        select(Item.record_id, Item.claimed_by)
        .where(Item.status == CLAIMED, Item.lease_until <= now)
        .with_for_update(skip_locked=True)
    ).all()
    holders = {row.record_id: row.claimed_by for row in stale}
    restored = _unclaim(session, Item.record_id.in_(holders) & (Item.lease_until <= now), now)
    for record_id, status in restored:
        changes: audit.Changes = {
            "status": [CLAIMED, status],
            "claimed_by": [holders[record_id], None],
        }
        audit.append(session, record_id, audit.SYSTEM, "expire", changes, now)
    return sorted(record_id for record_id, _ in restored)


def explain(session: Session, record_id: str, reviewer: str, now: datetime) -> str:
    """Why `reviewer` cannot act on the item, in words for the person at the desk."""
    item = session.get(Item, record_id)
    if item is None:
        return f"no record {record_id}"
    if item.status != CLAIMED:
        return f"{record_id} is {item.status}, not claimed"
    if item.claimed_by != reviewer:
        return f"{record_id} is claimed by {item.claimed_by}"
    if item.lease_until is not None and item.lease_until <= now:
        return f"{reviewer}'s lease on {record_id} ran out at {item.lease_until.isoformat()}"
    return f"{record_id} cannot be changed now"


def _take(
    session: Session,
    record_id: str,
    reviewer: str,
    lease: timedelta,
    now: datetime,
    allowed: ColumnElement[bool],
) -> bool:
    taken = session.execute(
        update(Item)
        .where(Item.record_id == record_id, allowed)
        .values(
            status=CLAIMED,
            claimed_by=reviewer,
            lease_until=now + lease,
            # A claim taken over from an expired one keeps what the first claim took it from.
            unclaimed_status=case(
                (Item.status == CLAIMED, Item.unclaimed_status), else_=Item.status
            ),
            updated_at=now,
        )
        .returning(Item.record_id)
        .execution_options(synchronize_session=False)
    ).first()
    return taken is not None


def _unclaim(session: Session, where: ColumnElement[bool], now: datetime) -> list[tuple[str, str]]:
    restored = session.execute(
        update(Item)
        .where(where)
        .values(
            status=Item.unclaimed_status,
            claimed_by=None,
            lease_until=None,
            unclaimed_status=None,
            updated_at=now,
        )
        .returning(Item.record_id, Item.status)
        .execution_options(synchronize_session=False)
    ).all()
    return [(row.record_id, row.status) for row in restored]


def _log_claim(
    session: Session, before: Any, reviewer: str, until: datetime, now: datetime
) -> None:
    changes = audit.changed(
        {"status": before.status, "claimed_by": before.claimed_by},
        {"status": CLAIMED, "claimed_by": reviewer},
    )
    changes["lease_until"] = [None, until.isoformat()]
    audit.append(session, before.record_id, reviewer, "claim", changes, now)
