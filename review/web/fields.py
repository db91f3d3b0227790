"""The extraction as the review form edits it: each single-valued field with the machine's value,
a person's correction if any, the evidence and its confidence; each listed fact (offence, party,
identifier ...) with its evidence, which a reviewer may strike out (a fact a person added through
the API is shown as theirs), and the references, one a line. How a posted form becomes
corrections."""

from typing import Any

from pydantic import BaseModel
from starlette.datastructures import FormData

from rogatory.models import DocType, Evidence, Extraction

from ..decisions import PERSON
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
# Listed facts: (field, how one is labelled, the key of its value in the record's JSON).
LISTS = [
    ("offences", "offence", "category"),
    ("measures", "measure", "type"),
    ("legal_basis", "legal basis", "instrument"),
    ("parties", "party", "name"),
    ("identifiers", "identifier", "value"),
    ("amounts", "amount", "value"),
]
# Sent with the form only when the lists were editable, so a form without them strikes nothing.
LISTS_SHOWN = "lists"


class FieldView(BaseModel):
    name: str
    kind: str
    options: list[str]
    value: Any
    machine: Any
    evidence: Evidence | None
    corrected_by: str | None


class FactView(BaseModel):
    field: str
    index: int
    kind: str
    value: str
    evidence: Evidence
    entered_by: str | None = None  # a person's fact, not the machine's


def _entered_by(evidence: Evidence) -> str | None:
    extractor = evidence.extractor
    return extractor.removeprefix(PERSON) if extractor.startswith(PERSON) else None


def _current(extraction: Extraction, corrections: list[Correction]) -> dict[str, Any]:
    """The extraction as people corrected it, as JSON."""
    current = extraction.model_dump(mode="json")
    current.update({c.field: c.corrected_value for c in corrections})
    return current


def fact_views(extraction: Extraction, corrections: list[Correction]) -> list[FactView]:
    current = _current(extraction, corrections)
    return [
        FactView(
            field=field,
            index=index,
            kind=_kind(label, fact),
            value=str(fact[key]) + (f" {fact['currency']}" if fact.get("currency") else ""),
            evidence=(evidence := Evidence.model_validate(fact["evidence"])),
            entered_by=_entered_by(evidence),
        )
        for field, label, key in LISTS
        for index, fact in enumerate(current[field])
    ]


def _kind(label: str, fact: dict[str, Any]) -> str:
    if "role" in fact:
        return f"{fact['role']} ({fact['kind']})"
    return str(fact["kind"]) if "kind" in fact else label


def references(extraction: Extraction, corrections: list[Correction]) -> list[str]:
    return list(_current(extraction, corrections)["references"])


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


def changes(
    extraction: Extraction, corrections: list[Correction], form: FormData
) -> dict[str, Any]:
    """The fields whose posted value differs from the present one: {field: new value}."""
    changed: dict[str, Any] = {}
    if form.get(LISTS_SHOWN):
        current = _current(extraction, corrections)
        for field, _label, _key in LISTS:
            kept = set(form.getlist(f"keep-{field}"))
            facts = [fact for n, fact in enumerate(current[field]) if str(n) in kept]
            if len(facts) != len(current[field]):
                changed[field] = facts
        raw = form.get("references")
        lines = [line.strip() for line in raw.splitlines()] if isinstance(raw, str) else []
        if [line for line in lines if line] != current["references"]:
            changed["references"] = [line for line in lines if line]
    views = field_views(extraction, corrections)
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
