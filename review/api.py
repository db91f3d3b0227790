"""The review queue over HTTP (OpenAPI schema at /api/openapi.json): the same operations as
`rogatory queue`, for scripts and other systems.

Callers sign in with `POST /session` (username and password) and send the token they get as
`Authorization: Bearer <token>`; the token lasts as long as a browser session and acts with its
user's role. Who acts is always the signed-in user, never a name the caller supplies.
"""

import io
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rogatory.models import Record, ReviewStatus

from .audit import write_csv, write_jsonl
from .claims import NotClaimed, QueueError, UnknownRecord
from .decisions import InvalidCorrection
from .entries import AuditEntry, Correction, QueueEntry
from .routing import load_rules
from .search import Results, SearchQuery
from .users import Permission, SignedIn
from .web.reads import shown
from .web.signin import client_address
from .web.throttle import TooManyFailures
from .web.workspace import Workspace

# Longer than a working day would keep items locked after a reviewer went home.
MAX_LEASE_SECONDS = 12 * 3600
bearer = HTTPBearer(auto_error=False)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(Body):
    username: str
    password: str


class Token(BaseModel):
    token: str
    expires_at: datetime


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


def create_app(space: Workspace) -> FastAPI:
    """The API over the workspace's store; the web app mounts it at /api."""
    app = FastAPI(title="Rogatory review queue", description=__doc__, docs_url=None, redoc_url=None)
    store = space.store

    def caller(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> SignedIn:
        found = (
            space.accounts.session(credentials.credentials, space.clock()) if credentials else None
        )
        if found is None:
            raise HTTPException(401, "sign in: POST /session", {"WWW-Authenticate": "Bearer"})
        return found

    def allowed(permission: Permission) -> Any:
        def check(who: Annotated[SignedIn, Depends(caller)]) -> str:
            if not who.user.can(permission):
                raise HTTPException(403, f"a {who.user.role.value} may not {permission.value}")
            return who.user.username

        return Depends(check)

    Reader = Annotated[str, allowed(Permission.READ)]
    Reviewer = Annotated[str, allowed(Permission.REVIEW)]
    Administrator = Annotated[str, allowed(Permission.ADMINISTER)]

    @app.exception_handler(QueueError)
    def refused(_request: Request, error: QueueError) -> JSONResponse:
        code = next(code for kind, code in STATUS_CODES if isinstance(error, kind))
        return JSONResponse({"detail": str(error)}, status_code=code)

    @app.post("/session", responses={429: {"description": "Too many failed sign-ins"}})
    def sign_in(body: Credentials, request: Request) -> Token:
        """A token for `Authorization: Bearer …`. Repeated failures for a username from one
        address lock it out for a while (429 with Retry-After)."""
        try:
            opened = space.sign_in(body.username, body.password, client_address(request))
        except TooManyFailures as locked:
            raise HTTPException(429, str(locked), {"Retry-After": str(locked.seconds)}) from None
        if opened is None:
            raise HTTPException(401, "wrong username or password")
        secret, session = opened
        return Token(token=secret, expires_at=session.expires_at)

    @app.delete("/session", status_code=204)
    def sign_out(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if credentials:
            space.accounts.sign_out(credentials.credentials)

    @app.get("/queue")
    def list_queue(
        _who: Reader,
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
    def expire(_who: Administrator) -> list[str]:
        """Free every item whose lease has run out; their ids."""
        return store.expire_leases()

    @app.post("/queue/reroute")
    def reroute(_who: Administrator) -> list[str]:
        """Route every record again with the current rules; the ids whose routing changed."""
        return store.reroute(load_rules(space.rules_path), datetime.now(UTC).date())

    @app.get("/records/{record_id}")
    def get_record(record_id: str, reader: Reader) -> Record:
        """The record; the reading is written to the audit trail."""
        record = store.view(record_id, reader)
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
    def corrections(record_id: str, reader: Reader) -> list[Correction]:
        """People's values beside the machine's; the reading is written to the audit trail."""
        if store.view(record_id, reader) is None:
            raise HTTPException(404, f"no record {record_id}")
        return store.corrections(record_id)

    @app.get("/records/{record_id}/audit")
    def record_audit(record_id: str, _who: Reader) -> list[AuditEntry]:
        return store.audit(record_id)

    @app.get("/search")
    def search(
        reader: Reader,
        request: Request,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Results:
        """Full text over original and translation, facet filters and counts, person names:
        parameters text, name, state, offence, measure, legal_basis, language, doc_type, status,
        deadline_from, deadline_to, received_from, received_to (dates as YYYY-MM-DD). Each record
        listed is written to the audit trail with the query."""
        try:
            query = SearchQuery.from_params(request.query_params)
        except ValidationError as error:
            raise HTTPException(422, error.errors(include_url=False)) from None
        results = space.search.search(query, limit=limit, offset=offset)
        shown(space, reader, "search", query, results.hits)
        return results

    @app.get("/audit")
    def export_audit(
        _who: Reader, export: Annotated[ExportFormat, Query(alias="format")]
    ) -> Response:
        """The whole audit trail for an oversight body, as JSON lines or CSV."""
        buffer = io.StringIO()
        writer = write_jsonl if export is ExportFormat.JSONL else write_csv
        writer(store.audit(), buffer)
        return Response(buffer.getvalue(), media_type=EXPORT_MEDIA_TYPES[export])

    return app
