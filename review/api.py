"""The review queue over HTTP (OpenAPI docs at /docs): the same operations as `rogatory queue`.

Who acts comes from the `X-Reviewer` header, which the authority's authenticating proxy sets;
this service does not authenticate people itself.
"""

import io
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from rogatory.models import Record, ReviewStatus

from .audit import write_csv, write_jsonl
from .claims import NotClaimed, QueueError, UnknownRecord
from .decisions import InvalidCorrection
from .entries import AuditEntry, Correction, QueueEntry
from .routing import load_rules
from .store import Store

Reviewer = Annotated[str, Header(alias="X-Reviewer", min_length=1)]
# Longer than a working day would keep items locked after a reviewer went home.
MAX_LEASE_SECONDS = 12 * 3600


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimNext(Body):
    lease_seconds: int = Field(default=1800, ge=1, le=MAX_LEASE_SECONDS)
    queue: str | None = None


class Claim(Body):
    lease_seconds: int = Field(default=1800, ge=1, le=MAX_LEASE_SECONDS)


class Decision(Body):
    reason: str | None = None


class Return(Body):
    reason: str = Field(min_length=1)


class NewCorrection(Body):
    field: str
    value: Any


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


EXPORT_MEDIA_TYPES = {ExportFormat.JSONL: "application/x-ndjson", ExportFormat.CSV: "text/csv"}
# Refusals by kind: unknown record, someone else's or no claim, a value the record cannot hold.
STATUS_CODES: list[tuple[type[QueueError], int]] = [
    (UnknownRecord, 404),
    (NotClaimed, 409),
    (InvalidCorrection, 422),
    (QueueError, 409),
]


def create_app(store: Store, rules_path: Path | None = None) -> FastAPI:
    """The API over `store`; `rules_path` names the routing rules that re-routing applies."""
    app = FastAPI(title="Rogatory review queue", description=__doc__)

    @app.exception_handler(QueueError)
    def refused(_request: Request, error: QueueError) -> JSONResponse:
        code = next(code for kind, code in STATUS_CODES if isinstance(error, kind))
        return JSONResponse({"detail": str(error)}, status_code=code)

    @app.get("/queue")
    def list_queue(
        status: ReviewStatus | None = None,
        queue: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[QueueEntry]:
        """Queue items, most urgent first."""
        return store.queue(status=status, queue=queue, limit=limit)

    @app.post(
        "/queue/claim",
        response_model=QueueEntry,
        responses={204: {"description": "Nothing is free"}},
    )
    def claim_next(reviewer: Reviewer, body: ClaimNext) -> QueueEntry | Response:
        """Claim the most urgent free item."""
        lease = timedelta(seconds=body.lease_seconds)
        entry = store.claim_next(reviewer, lease, queue=body.queue)
        return Response(status_code=204) if entry is None else entry

    @app.post("/queue/expire")
    def expire() -> list[str]:
        """Free every item whose lease has run out; their ids."""
        return store.expire_leases()

    @app.post("/queue/reroute")
    def reroute() -> list[str]:
        """Route every record again with the current rules; the ids whose routing changed."""
        return store.reroute(load_rules(rules_path), datetime.now(UTC).date())

    @app.get("/records/{record_id}")
    def get_record(record_id: str, reviewer: Reviewer) -> Record:
        record = store.view(record_id, reviewer)
        if record is None:
            raise HTTPException(404, f"no record {record_id}")
        return record

    @app.post("/records/{record_id}/claim")
    def claim(record_id: str, reviewer: Reviewer, body: Claim) -> QueueEntry:
        """Claim this item, or renew the lease on it."""
        return store.claim(record_id, reviewer, timedelta(seconds=body.lease_seconds))

    @app.post("/records/{record_id}/release")
    def release(record_id: str, reviewer: Reviewer) -> QueueEntry:
        return store.release(record_id, reviewer)

    @app.post("/records/{record_id}/approve")
    def approve(record_id: str, reviewer: Reviewer, body: Decision) -> QueueEntry:
        return store.approve(record_id, reviewer, body.reason)

    @app.post("/records/{record_id}/reject")
    def reject(record_id: str, reviewer: Reviewer, body: Decision) -> QueueEntry:
        return store.reject(record_id, reviewer, body.reason)

    @app.post("/records/{record_id}/return")
    def return_(record_id: str, reviewer: Reviewer, body: Return) -> QueueEntry:
        """Hand the item back to the queue with a reason."""
        return store.return_(record_id, reviewer, body.reason)

    @app.post("/records/{record_id}/corrections")
    def correct(record_id: str, reviewer: Reviewer, body: NewCorrection) -> Correction:
        """A person's value for one extraction field; the machine's value is kept."""
        return store.correct(record_id, reviewer, body.field, body.value)

    @app.get("/records/{record_id}/corrections")
    def corrections(record_id: str) -> list[Correction]:
        return store.corrections(record_id)

    @app.get("/records/{record_id}/audit")
    def record_audit(record_id: str) -> list[AuditEntry]:
        return store.audit(record_id)

    @app.get("/audit")
    def export_audit(export: Annotated[ExportFormat, Query(alias="format")]) -> Response:
        """The whole audit trail for an oversight body, as JSON lines or CSV."""
        buffer = io.StringIO()
        writer = write_jsonl if export is ExportFormat.JSONL else write_csv
        writer(store.audit(), buffer)
        return Response(buffer.getvalue(), media_type=EXPORT_MEDIA_TYPES[export])

    return app
