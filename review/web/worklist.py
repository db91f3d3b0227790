"""The queue as the queue page lists it: most urgent first, filtered by desk, status, language and
document type, with the values each filter can take."""

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from ..claims import MOST_URGENT_FIRST
from ..entries import QueueEntry
from ..tables import QueueItemRow

Item = QueueItemRow
FILTERS = {
    "queue": Item.queue,
    "status": Item.status,
    "language": Item.language,
    "doc_type": Item.doc_type,
}


class QueueFilter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    queue: str | None = None
    status: str | None = None
    language: str | None = None
    doc_type: str | None = None


class Worklist:
    def __init__(self, engine: Engine) -> None:
        self._reads = sessionmaker(engine)

    def items(self, wanted: QueueFilter, limit: int = 200) -> list[QueueEntry]:
        query = select(Item)
        for name, value in wanted.model_dump().items():
            if value:
                query = query.where(FILTERS[name] == value)
        with self._reads() as session:
            rows = session.scalars(query.order_by(*MOST_URGENT_FIRST).limit(limit))
            return [QueueEntry.model_validate(row) for row in rows]

    def choices(self) -> dict[str, list[str]]:
        """The values present in the queue, per filter, for the filter menus."""
        with self._reads() as session:
            return {
                name: sorted(v for v in session.scalars(select(field).distinct()) if v)
                for name, field in FILTERS.items()
            }

    def entry(self, record_id: str) -> QueueEntry | None:
        with self._reads() as session:
            row = session.get(Item, record_id)
            return None if row is None else QueueEntry.model_validate(row)
