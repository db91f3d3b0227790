"""The extraction's single-valued fields as the review form edits them: the machine's value, a
person's correction if any, the evidence and its confidence, and how a posted form becomes
corrections."""

from typing import Any

from pydantic import BaseModel
from starlette.datastructures import FormData

from rogatory.models import DocType, Evidence, Extraction

from ..entries import Correction

# (field, input kind); the order is the form's.
EDITABLE = [
    ("doc_type", "select"),
    ("requesting_state", "text"),
    ("requested_state", "text"),
    ("requesting_authority", "text"),
    ("document_date", "date"),
    ("deadline", "date"),
    ("deadline_text", "text"),
    ("urgent", "checkbox"),
    ("in_custody", "checkbox"),
]
OPTIONS = {"doc_type": [doc_type.value for doc_type in DocType]}


class FieldView(BaseModel):
    name: str
    kind: str
    options: list[str]
    value: Any
    machine: Any
    evidence: Evidence | None
    corrected_by: str | None


def field_views(extraction: Extraction, corrections: list[Correction]) -> list[FieldView]:
    machine = extraction.model_dump(mode="json")
    corrected = {c.field: c for c in corrections}
    return [
        FieldView(
            name=name,
            kind=kind,
            options=OPTIONS.get(name, []),
            value=corrected[name].corrected_value if name in corrected else machine[name],
            machine=machine[name],
            evidence=extraction.evidence.get(name),
            corrected_by=corrected[name].corrected_by if name in corrected else None,
        )
        for name, kind in EDITABLE
    ]


def changes(views: list[FieldView], form: FormData) -> dict[str, Any]:
    """The fields whose posted value differs from the present one: {field: new value}."""
    changed = {}
    for view in views:
        posted: Any
        if view.kind == "checkbox":
            posted = form.get(view.name) == "on"
        else:
            raw = form.get(view.name)
            posted = raw.strip() or None if isinstance(raw, str) else None
        if posted != view.value:
            changed[view.name] = posted
    return changed
