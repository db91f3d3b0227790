"""Evidence shown where it was read: the OCR word boxes that overlap each evidence span on the page
image, and the page text cut into plain and marked stretches."""

from pydantic import BaseModel

from rogatory.models import Evidence, EvidenceSource, Extraction, Page, Record


class Span(BaseModel):
    page: int
    start: int
    end: int
    label: str


class Box(BaseModel):
    left: int
    top: int
    width: int
    height: int
    label: str


class Stretch(BaseModel):
    text: str
    label: str | None = None  # set when the stretch is evidence


def evidence_spans(extraction: Extraction) -> list[Span]:
    """Every span of the original text that a value was taken from, labelled with the field."""
    found: list[tuple[str, Evidence]] = [
        *((f"offence: {o.category.value}", o.evidence) for o in extraction.offences),
        *((f"measure: {m.type.value}", m.evidence) for m in extraction.measures),
        *((f"legal basis: {b.instrument.value}", b.evidence) for b in extraction.legal_basis),
        *((f"{p.role.value}: {p.name}", p.evidence) for p in extraction.parties),
        *((f"{i.kind.value}: {i.value}", i.evidence) for i in extraction.identifiers),
        *((f"amount: {a.value:g} {a.currency or ''}", a.evidence) for a in extraction.amounts),
        *((name, evidence) for name, evidence in extraction.evidence.items()),
    ]
    return [
        Span(page=e.page, start=e.start, end=e.end, label=label)
        for label, e in found
        if e.source is EvidenceSource.ORIGINAL
    ]


def boxes(page: Page, spans: list[Span]) -> list[Box]:
    """The word boxes of `page` inside any of the spans (in the pixels of the OCR'd image)."""
    return [
        Box(left=w.left, top=w.top, width=w.width, height=w.height, label=span.label)
        for span in spans
        if span.page == page.number
        for w in page.words
        if w.start < span.end and span.start < w.end
    ]


def stretches(page: Page, spans: list[Span]) -> list[Stretch]:
    """The page text as consecutive stretches; where spans overlap, the first one marks it."""
    marks = sorted((s for s in spans if s.page == page.number), key=lambda s: (s.start, s.end))
    out: list[Stretch] = []
    at = 0
    for span in marks:
        start, end = max(span.start, at), min(span.end, len(page.text))
        if start >= end:
            continue
        if start > at:
            out.append(Stretch(text=page.text[at:start]))
        out.append(Stretch(text=page.text[start:end], label=span.label))
        at = end
    if at < len(page.text):
        out.append(Stretch(text=page.text[at:]))
    return out


def page_views(record: Record) -> list[tuple[Page, list[Box], list[Stretch]]]:
    spans = evidence_spans(record.extraction)
    return [(page, boxes(page, spans), stretches(page, spans)) for page in record.pages]
