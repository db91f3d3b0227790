"""The analysts' search page and its exports (every hit of a search as CSV or JSON); the records
each shows are written to the audit trail with the query."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from rogatory.models import DocType, ReviewStatus

from ..audit import defused
from ..search import FACETS, FACT_FACETS, Hit, SearchQuery
from .auth import Reader, Space
from .reads import audited_export, shown
from .templates import render

router = APIRouter()


def asked(request: Request) -> SearchQuery:
    try:
        return SearchQuery.from_params(request.query_params)
    except ValidationError as error:
        raise HTTPException(422, "; ".join(str(e["msg"]) for e in error.errors())) from None


Asked = Annotated[SearchQuery, Depends(asked)]
PAGE = 50
# Facets the form asks for as typed text; the others are chosen from their enum's values.
TYPED_FACETS = [*FACT_FACETS, "language"]
CSV_COLUMNS = [
    "record_id",
    "filename",
    "doc_type",
    "language",
    "status",
    "queue",
    "priority",
    "deadline",
    "received_at",
    *FACT_FACETS,
    "persons",
]


@router.get("/search")
def search_page(
    request: Request,
    space: Space,
    who: Reader,
    query: Asked,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    results = space.search.search(query, limit=PAGE, offset=(page - 1) * PAGE)
    shown(space, who.user.username, "search", query, results.hits)
    params = query.model_dump(mode="json", exclude_defaults=True)
    return render(
        request,
        "search.html",
        query=query,
        params=params,
        results=results,
        facets=FACETS,
        typed_facets=TYPED_FACETS,
        doc_types=[doc_type.value for doc_type in DocType],
        statuses=[status.value for status in ReviewStatus],
        page=page,
        pages=max(1, -(-results.total // PAGE)),
    )


def _row(hit: Hit) -> dict[str, str]:
    row = hit.model_dump(mode="json", exclude={"facts", "persons"})
    for facet in FACT_FACETS:
        row[facet] = "; ".join(hit.facts.get(facet, []))
    row["persons"] = "; ".join(hit.persons)
    return {column: "" if row[column] is None else str(row[column]) for column in CSV_COLUMNS}


def _csv(hits: Iterator[Hit]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS)
    writer.writeheader()
    for hit in hits:
        writer.writerow({k: defused(v) for k, v in _row(hit).items()})  # names are untrusted
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _json(hits: Iterator[Hit]) -> Iterator[str]:
    yield "["
    for n, hit in enumerate(hits):
        yield (
            ("," if n else "") + "\n" + json.dumps(hit.model_dump(mode="json"), ensure_ascii=False)
        )
    yield "\n]\n"


@router.get("/search/export.csv")
def export_csv(space: Space, who: Reader, query: Asked) -> Response:
    return StreamingResponse(
        _csv(audited_export(space, who.user.username, query, space.search.export(query))),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="rogatory-search.csv"'},
    )


@router.get("/search/export.json")
def export_json(space: Space, who: Reader, query: Asked) -> Response:
    return StreamingResponse(
        _json(audited_export(space, who.user.username, query, space.search.export(query))),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="rogatory-search.json"'},
    )
