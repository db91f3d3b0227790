"""The review page: the scan with the evidence marked, the original text and the translation, the
extracted fields as a form, decisions, cross-references and the record's audit trail."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi import Path as PathParameter
from fastapi.responses import FileResponse, RedirectResponse

from rogatory.models import ReviewStatus

from ..decisions import correct_many
from .auth import Form, Reader, Reviewer, Space, text_field
from .fields import changes, fact_views, field_views, references
from .highlight import page_views
from .templates import render

router = APIRouter()


@router.get("/records/{record_id}")
def record_page(record_id: str, request: Request, space: Space, who: Reader) -> Response:
    # Every opening of the page is a reading of the record, written to the audit trail.
    record = space.store.view(record_id, who.user.username)
    entry = space.worklist.entry(record_id)
    if record is None or entry is None:
        raise HTTPException(404, f"no record {record_id}")
    space.recent_views.note(who.user.username, record_id, space.clock())
    corrections = space.store.corrections(record_id)
    images = space.page_images_dir / record.document.sha256
    held = (
        entry.status is ReviewStatus.CLAIMED
        and entry.claimed_by == who.user.username
        and entry.lease_until is not None
        and entry.lease_until > space.clock()
    )
    return render(
        request,
        "record.html",
        record=record,
        entry=entry,
        held=held,
        pages=[
            (page, boxes, stretches, (images / f"{page.number}.png").is_file())
            for page, boxes, stretches in page_views(record)
        ],
        translated_pages=record.translation.pages if record.translation else None,
        fields=field_views(record.extraction, corrections),
        facts=fact_views(record.extraction, corrections),
        references=references(record.extraction, corrections),
        links=space.crossref.links(record_id),
        trail=space.store.audit(record_id),
    )


@router.get("/records/{record_id}/pages/{number}.png")
def page_image(
    record_id: str, number: Annotated[int, PathParameter(ge=1)], space: Space, who: Reader
) -> Response:
    """A page preview. Shown by the record page, whose view is audited; fetched on its own, it is
    a view of the record of its own."""
    viewer = who.user.username
    if space.recent_views.covers(viewer, record_id, space.clock()):
        record = space.store.get(record_id)
    else:
        record = space.store.view(record_id, viewer)
        space.recent_views.note(viewer, record_id, space.clock())
    if record is None:
        raise HTTPException(404, f"no record {record_id}")
    image: Path = space.page_images_dir / record.document.sha256 / f"{number}.png"
    if not image.is_file():
        raise HTTPException(404, "no image of this page")
    return FileResponse(image, media_type="image/png")


@router.post("/records/{record_id}/correct")
def correct(record_id: str, space: Space, who: Reviewer, form: Form) -> Response:
    record = space.store.get(record_id)
    if record is None:
        raise HTTPException(404, f"no record {record_id}")
    changed = changes(record.extraction, space.store.corrections(record_id), form)
    if changed:  # the whole form or nothing: a bad field leaves every field as it was
        with space.writes.begin() as session:
            correct_many(session, record_id, who.user.username, changed, space.clock())
    return RedirectResponse(f"/records/{record_id}#fields", status_code=303)


@router.post("/records/{record_id}/decide")
def decide(record_id: str, space: Space, who: Reviewer, form: Form) -> Response:
    decision, reason = text_field(form, "decision"), text_field(form, "reason") or None
    reviewer = who.user.username
    if decision == "approve":
        space.store.approve(record_id, reviewer, reason)
    elif decision == "reject":
        space.store.reject(record_id, reviewer, reason)
    elif decision == "return":
        space.store.return_(record_id, reviewer, reason or "")
    else:
        raise HTTPException(422, "decision: approve, reject or return")
    return RedirectResponse("/queue", status_code=303)
