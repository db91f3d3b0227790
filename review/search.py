"""Search over every stored record: full text of the original pages and of the English
translation (SQLite FTS5, or PostgreSQL full-text search), filters on the record's facts, facet
counts, and fuzzy person names. The index tables are written by triggers (migration 0003), so
this module only reads."""

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    CTE,
    ColumnElement,
    Engine,
    Select,
    and_,
    cast,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session, sessionmaker

from rogatory.models import DocType, ReviewStatus

from . import names
from .tables import QueueItemRow, RecordFacetRow

Item = QueueItemRow
Fact = RecordFacetRow
# Facts listed beside each hit and offered as facets, in the order the page shows them.
FACT_FACETS = ["state", "offence", "measure", "legal_basis"]
# Facets that the index triggers also write into the full-text index as tokens (migration 0003).
INDEXED_FACETS = [*FACT_FACETS, "language", "doc_type"]
TOKEN = re.compile(r"[a-z0-9_]+")
ITEM_FACETS = {"language": Item.language, "doc_type": Item.doc_type, "status": Item.status}
FACETS = [*FACT_FACETS, *ITEM_FACETS]
MAX_PAGE = 200
# The label of the summary row that carries the number of hits.
TOTAL = "*total"
# Exports are read in batches of this many records so memory stays flat on large results.
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
        matched_names = self._names(query)
        matching = self._matching(query, matched_names)
        with self._reads() as session:
            total, facets = self._summary(session, matching)
            hits = _page(
                session, _newest_first(matching).limit(min(limit, MAX_PAGE)).offset(offset)
            )
        return Results(total=total, hits=hits, facets=facets, names=matched_names)

    def export(self, query: SearchQuery) -> Iterator[Hit]:
        """Every hit, in the order `search` pages them. The query is built once (names matched
        once, no facet counts) and read a batch at a time, each batch after the last hit of the
        one before, so a late batch costs what the first did."""
        found = _newest_first(self._matching(query, self._names(query))).limit(EXPORT_BATCH)
        after: Hit | None = None
        while True:
            batch = found if after is None else found.where(_after(after))
            with self._reads() as session:
                hits = _page(session, batch)
            yield from hits
            if len(hits) < EXPORT_BATCH:
                return
            after = hits[-1]

    def person_names(self) -> list[str]:
        with self._reads() as session:
            query = select(Fact.value).where(Fact.facet == "person").distinct()
            return list(session.scalars(query))

    def _names(self, query: SearchQuery) -> dict[str, float]:
        return names.similar(query.name, self.person_names()) if query.name.strip() else {}

    def _matching(
        self, query: SearchQuery, matched_names: dict[str, float]
    ) -> ColumnElement[bool] | None:
        """The condition on queue items that every part of the query holds (None: every item
        does). Words and indexed
        facts are one query to the full-text index; the rest is checked on the records it
        finds."""
        conditions: list[ColumnElement[bool]] = []
        filters = query.filters()
        tokens = [
            f"{facet}_{filters[facet]}".lower() for facet in INDEXED_FACETS if facet in filters
        ]
        if any(not TOKEN.fullmatch(token) for token in tokens):
            return false()  # no fact is written that way
        words = query.words()
        if words or tokens:
            found = self._index_matches(words, tokens)
            if self._postgresql:
                # As an array the few hits are looked up by key; as IN (subquery) PostgreSQL
                # hashed them against a scan of every queue item (30 ms, not 3, at 100,000).
                conditions.append(Item.record_id == func.any(func.array(found.scalar_subquery())))
            else:
                conditions.append(Item.record_id.in_(found))
        if "status" in filters:
            conditions.append(Item.status == filters["status"])
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
        return and_(*conditions) if conditions else None

    def _index_matches(self, words: list[str], tokens: list[str]) -> Select[Any]:
        """Records whose text holds every word and whose facts include every token."""
        if self._postgresql:
            parts: list[ColumnElement[Any]] = []
            if words:
                parts.append(func.plainto_tsquery("simple", func.search_fold(" ".join(words))))
            if tokens:
                parts.append(cast(literal(" & ".join(f"'{t}'" for t in tokens)), TSQUERY))
            wanted = reduce(lambda one, other: one.op("&&")(other), parts)
            return select(POSTGRESQL_TEXT.c.record_id).where(
                POSTGRESQL_TEXT.c.document.op("@@")(wanted)
            )
        # Each word and token quoted: FTS5 reads it as a plain term, never as query syntax.
        groups = []
        if words:
            groups.append("{original translation} : (" + _quoted(words) + ")")
        if tokens:
            groups.append("facets : (" + _quoted(tokens) + ")")
        return (
            select(SQLITE_KEYS.c.record_id)
            .join(SQLITE_TEXT, SQLITE_TEXT.c.rowid == SQLITE_KEYS.c.key)
            .where(literal_column("record_search").op("MATCH")(" AND ".join(groups)))
        )

    def _summary(
        self, session: Session, matching: ColumnElement[bool] | None
    ) -> tuple[int, dict[str, list[FacetCount]]]:
        """The number of hits and the facet counts, in one statement: the hits are found once
        (a common table expression) and every count is read from them."""
        hits = (
            select(*ITEM_FACETS.values(), Item.record_id)
            .where(true() if matching is None else matching)
            .cte("hits")
        )
        # The facts first: with the count first, SQLite 3.40 took 40 ms instead of 4 to run
        # the same plan.
        parts: list[Select[tuple[str, str, int]]] = [
            self._fact_counts(hits, everything=matching is None),
            *(
                select(literal(facet), hits.c[facet], func.count())
                .where(hits.c[facet].is_not(None))
                .group_by(hits.c[facet])
                for facet in ITEM_FACETS
            ),
            select(literal(TOTAL), literal(""), func.count()).select_from(hits),
        ]
        counts: dict[str, list[FacetCount]] = defaultdict(list)
        total = 0
        for facet, value, count in session.execute(union_all(*parts)):
            if facet == TOTAL:
                total = count
            elif facet is not None:
                counts[facet].append(FacetCount(value=value, count=count))
        return total, {
            facet: sorted(counts[facet], key=lambda c: (-c.count, c.value))
            for facet in FACETS
            if counts[facet]
        }

    def _fact_counts(self, hits: CTE, everything: bool) -> Select[tuple[str, str, int]]:
        """Counts of each fact among the hits. The facts are read hit by hit (by record id):
        with many facts and few hits, both databases otherwise chose to read every fact of these
        kinds and look each up among the hits (SQLite 100 ms, PostgreSQL 80 ms with 1,500 hits
        in 100,000 records)."""
        counted = select(Fact.facet, Fact.value, func.count())
        if everything:  # every record: the facts straight from their index
            return counted.where(Fact.facet.in_(FACT_FACETS)).group_by(Fact.facet, Fact.value)
        of_hit = and_(Fact.record_id == hits.c.record_id, Fact.facet.in_(FACT_FACETS))
        if self._postgresql:
            # OFFSET 0 keeps PostgreSQL from flattening the lateral subquery into a hash join.
            facts = select(Fact.facet, Fact.value).where(of_hit).offset(0).lateral("facts")
            return (
                select(facts.c.facet, facts.c.value, func.count())
                .select_from(hits)
                .join(facts, true())
                .group_by(facts.c.facet, facts.c.value)
            )
        # An outer join, which SQLite never reorders. Hits without such facts give one row of
        # nulls, skipped by the caller.
        return counted.select_from(hits).outerjoin(Fact, of_hit).group_by(Fact.facet, Fact.value)


def _newest_first(matching: ColumnElement[bool] | None) -> Select[tuple[QueueItemRow]]:
    return (
        select(Item)
        .where(true() if matching is None else matching)
        .order_by(Item.received_at.desc(), Item.record_id)
    )


def _after(hit: Hit) -> ColumnElement[bool]:
    """The items that `_newest_first` lists after this hit."""
    return or_(
        Item.received_at < hit.received_at,
        and_(Item.received_at == hit.received_at, Item.record_id > hit.record_id),
    )


def _page(session: Session, items: Select[tuple[QueueItemRow]]) -> list[Hit]:
    hits = [_hit(item) for item in session.scalars(items)]
    _describe(session, hits)
    return hits


def _describe(session: Session, hits: list[Hit]) -> None:
    """Each hit's facts and persons, read in one query for the whole page."""
    by_id = {hit.record_id: hit for hit in hits}
    if not by_id:
        return
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


def _quoted(terms: list[str]) -> str:
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


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
