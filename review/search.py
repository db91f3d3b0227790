"""Search over every stored record: full text of the original pages and of the English
translation (SQLite FTS5, or PostgreSQL full-text search), filters on the record's facts, facet
counts, and fuzzy person names. The index tables are written by triggers (migration 0003), so
this module only reads."""

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import sessionmaker

from rogatory.models import DocType, ReviewStatus

from . import names
from .tables import QueueItemRow, RecordFacetRow

Item = QueueItemRow
Fact = RecordFacetRow
# Facts listed beside each hit and offered as facets, in the order the page shows them.
FACT_FACETS = ["state", "offence", "measure", "legal_basis"]
ITEM_FACETS = {"language": Item.language, "doc_type": Item.doc_type, "status": Item.status}
FACETS = [*FACT_FACETS, *ITEM_FACETS]
MAX_PAGE = 200
# Exports are read in pages of this many records so memory stays flat on large results.
EXPORT_BATCH = 500
SQLITE_KEYS = table("search_keys", column("key"), column("record_id"))
SQLITE_TEXT = table("record_search", column("rowid"))
WORD = re.compile(r"\w+")
POSTGRESQL_TEXT = table("record_search", column("record_id"), column("document"))


class SearchQuery(BaseModel):
    """What an analyst asks for; every part is optional and all given parts must hold."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        default="", max_length=500, description="Words in the original or translation"
    )
    name: str = Field(default="", max_length=200, description="A person's name, spelt any way")
    state: str | None = None
    offence: str | None = None
    measure: str | None = None
    legal_basis: str | None = None
    language: str | None = None
    doc_type: DocType | None = None
    status: ReviewStatus | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    received_from: date | None = None
    received_to: date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> "SearchQuery":
        """The query of a URL's parameters (a search form's): empty fields are not asked for, and
        parameters that are not part of a query (a page number) are left to the caller."""
        return cls.model_validate(
            {name: value for name, value in params.items() if value and name in cls.model_fields}
        )

    def words(self) -> list[str]:
        """The text's words; punctuation and query syntax are never passed to the engine."""
        return WORD.findall(self.text)

    def filters(self) -> dict[str, str]:
        """The facet filters that are set, by facet name."""
        values = self.model_dump(mode="json", include=set(FACETS))
        return {facet: value for facet, value in values.items() if value}


class Hit(BaseModel):
    record_id: str
    filename: str
    doc_type: str | None
    language: str | None
    status: str
    queue: str
    priority: int
    deadline: date | None
    received_at: datetime
    facts: dict[str, list[str]] = {}
    persons: list[str] = []


class FacetCount(BaseModel):
    value: str
    count: int


class Results(BaseModel):
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    names: dict[str, float] = Field(
        default={}, description="Person names the name query matched, with their scores"
    )


class Search:
    def __init__(self, engine: Engine) -> None:
        self._reads = sessionmaker(engine)
        self._postgresql = engine.dialect.name == "postgresql"

    def search(self, query: SearchQuery, limit: int = 50, offset: int = 0) -> Results:
        """One page of hits, newest first, the total, and the facet counts of all hits."""
        with self._reads() as session:
            matched_names = self._names(query)
            matching = self._matching(query, matched_names)
            ids = matching.subquery()
            total = session.scalar(select(func.count()).select_from(ids)) or 0
            page = session.execute(
                select(Item)
                .where(Item.record_id.in_(select(ids.c.record_id)))
                .order_by(Item.received_at.desc(), Item.record_id)
                .limit(min(limit, MAX_PAGE))
                .offset(offset)
            ).scalars()
            hits = [_hit(item) for item in page]
            self._describe(hits)
            facets = self._facets(ids.c.record_id) if total else {}
            return Results(total=total, hits=hits, facets=facets, names=matched_names)

    def export(self, query: SearchQuery) -> Iterator[Hit]:
        """Every hit, in the order `search` pages them."""
        offset = 0
        while True:
            hits = self.search(query, limit=EXPORT_BATCH, offset=offset).hits
            yield from hits
            if len(hits) < EXPORT_BATCH:
                return
            offset += EXPORT_BATCH

    def person_names(self) -> list[str]:
        with self._reads() as session:
            query = select(Fact.value).where(Fact.facet == "person").distinct()
            return list(session.scalars(query))

    def _names(self, query: SearchQuery) -> dict[str, float]:
        return names.similar(query.name, self.person_names()) if query.name.strip() else {}

    def _matching(self, query: SearchQuery, matched_names: dict[str, float]) -> Select[Any]:
        """The ids of the records that satisfy every part of the query."""
        conditions: list[ColumnElement[bool]] = []
        words = query.words()
        if words:
            conditions.append(Item.record_id.in_(self._text_matches(words)))
        for facet, value in query.filters().items():
            if facet in ITEM_FACETS:
                conditions.append(ITEM_FACETS[facet] == value)
            else:
                conditions.append(_has(facet, [value]))
        if query.name.strip():
            conditions.append(_has("person", list(matched_names)))
        if query.deadline_from:
            conditions.append(Item.deadline >= query.deadline_from)
        if query.deadline_to:
            conditions.append(Item.deadline <= query.deadline_to)
        if query.received_from:
            conditions.append(Item.received_at >= _start_of(query.received_from))
        if query.received_to:
            conditions.append(Item.received_at < _start_of(query.received_to + timedelta(days=1)))
        return select(Item.record_id).where(and_(True, *conditions))

    def _text_matches(self, words: list[str]) -> Select[Any]:
        if self._postgresql:
            wanted = func.plainto_tsquery("simple", func.search_fold(" ".join(words)))
            return select(POSTGRESQL_TEXT.c.record_id).where(
                POSTGRESQL_TEXT.c.document.op("@@")(wanted)
            )
        # Each word quoted: FTS5 then reads it as a plain term, never as query syntax.
        phrase = " ".join('"' + word.replace('"', "") + '"' for word in words)
        return (
            select(SQLITE_KEYS.c.record_id)
            .join(SQLITE_TEXT, SQLITE_TEXT.c.rowid == SQLITE_KEYS.c.key)
            .where(literal_column("record_search").op("MATCH")(phrase))
        )

    def _facets(self, ids: Any) -> dict[str, list[FacetCount]]:
        counts: dict[str, list[FacetCount]] = defaultdict(list)
        with self._reads() as session:
            facts = session.execute(
                select(Fact.facet, Fact.value, func.count())
                .where(Fact.facet.in_(FACT_FACETS), Fact.record_id.in_(select(ids)))
                .group_by(Fact.facet, Fact.value)
            )
            for facet, value, count in facts:
                counts[facet].append(FacetCount(value=value, count=count))
            for facet, field in ITEM_FACETS.items():
                rows = session.execute(
                    select(field, func.count())
                    .where(Item.record_id.in_(select(ids)), field.is_not(None))
                    .group_by(field)
                )
                counts[facet] = [FacetCount(value=value, count=count) for value, count in rows]
        return {
            facet: sorted(counts[facet], key=lambda c: (-c.count, c.value))
            for facet in FACETS
            if counts[facet]
        }

    def _describe(self, hits: list[Hit]) -> None:
        """Each hit's facts and persons, read in one query for the whole page."""
        by_id = {hit.record_id: hit for hit in hits}
        if not by_id:
            return
        with self._reads() as session:
            rows = session.execute(
                select(Fact.record_id, Fact.facet, Fact.value)
                .where(Fact.record_id.in_(list(by_id)))
                .order_by(Fact.record_id, Fact.facet, Fact.value)
            )
            for record_id, facet, value in rows:
                hit = by_id[record_id]
                if facet == "person":
                    hit.persons.append(value)
                else:
                    hit.facts.setdefault(facet, []).append(value)


def _has(facet: str, values: list[str]) -> ColumnElement[bool]:
    return exists(
        select(Fact.id).where(
            Fact.record_id == Item.record_id, Fact.facet == facet, Fact.value.in_(values)
        )
    )


def _start_of(day: date) -> datetime:
    """Midnight UTC, the day's start as received dates are kept."""
    return datetime.combine(day, time(), tzinfo=UTC)


def _hit(item: QueueItemRow) -> Hit:
    return Hit(
        record_id=item.record_id,
        filename=item.filename,
        doc_type=item.doc_type,
        language=item.language,
        status=item.status,
        queue=item.queue,
        priority=item.priority,
        deadline=item.deadline,
        received_at=item.received_at,
    )
