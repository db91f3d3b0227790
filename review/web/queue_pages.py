"""The queue page: items most urgent first with their reasons, filters, claim and release."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from .auth import Form, Reader, Reviewer, Space, text_field
from .templates import render
from .worklist import QueueFilter

router = APIRouter()
LEASE = timedelta(minutes=30)
SHOWN = 200


@router.get("/queue")
def queue_page(
    request: Request, space: Space, who: Reader, wanted: Annotated[QueueFilter, Query()]
) -> Response:
    return render(
        request,
        "queue.html",
        items=space.worklist.items(wanted, limit=SHOWN),
        limit=SHOWN,
        choices=space.worklist.choices(),
        wanted=wanted.model_dump(),
        now=space.clock(),
    )


@router.post("/queue/claim")
def claim_next(space: Space, who: Reviewer, form: Form) -> Response:
    entry = space.store.claim_next(
        who.user.username, LEASE, queue=text_field(form, "queue") or None
    )
    target = f"/records/{entry.record_id}" if entry else "/queue?empty=1"
    return RedirectResponse(target, status_code=303)


@router.post("/records/{record_id}/claim")
def claim(record_id: str, space: Space, who: Reviewer, form: Form) -> Response:
    space.store.claim(record_id, who.user.username, LEASE)
    return RedirectResponse(f"/records/{record_id}", status_code=303)


@router.post("/records/{record_id}/release")
def release(record_id: str, space: Space, who: Reviewer, form: Form) -> Response:
    space.store.release(record_id, who.user.username)
    return RedirectResponse("/queue", status_code=303)
