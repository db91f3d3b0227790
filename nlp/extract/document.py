"""extract(): every field of the extraction of one document, from its pages."""

from collections.abc import Sequence
from datetime import datetime

from rogatory.models import (
    DocType,
    Evidence,
    Extraction,
    Identifier,
    IdentifierKind,
    LegalBasis,
    LegalBasisFact,
    Measure,
    MeasureFact,
    Offence,
    OffenceFact,
    Page,
)

from .amounts import amounts
from .authority import requesting_authority
from .dates import deadline, document_date, numeric_order
from .facts import first_fact, keyed_facts
from .identifiers import identifiers
from .lexicon import lexicon_language
from .parties import parties
from .pipeline import analyse
from .references import references
from .states import request_states


def extract(pages: Sequence[Page], language: str | None, received_at: datetime) -> Extraction:
    lang = lexicon_language(language)
    analysed = analyse(pages, lang)
    evidence: dict[str, Evidence] = {}
    result = Extraction()

    doc_type = first_fact(analysed, "doc_type:", "rules:doc_type@1")
    if doc_type:
        result.doc_type = DocType(doc_type[0])
        evidence["doc_type"] = doc_type[1]

    requesting, requested = request_states(analysed)
    if requesting:
        result.requesting_state = requesting.code
        evidence["requesting_state"] = requesting.evidence
    if requested:
        result.requested_state = requested.code
        evidence["requested_state"] = requested.evidence

    authority = requesting_authority(analysed, lang)
    if authority:
        result.requesting_authority, evidence["requesting_authority"] = authority

    order = numeric_order(analysed, lang, result.requesting_state)
    dated = document_date(analysed, lang, order)
    if dated:
        result.document_date, evidence["document_date"] = dated

    due = deadline(analysed, lang, received_at, order)
    if due:
        result.deadline, result.deadline_text = due.value, due.text
        evidence["deadline"] = due.evidence

    for flag, cue in (("urgent", "cue:urgent"), ("in_custody", "cue:custody")):
        found = first_fact(analysed, cue, f"rules:{flag}@1")
        if found:
            setattr(result, flag, True)
            evidence[flag] = found[1]

    refs = references(analysed, lang)
    result.references = [r.value for r in refs]
    result.offences = [
        OffenceFact(category=Offence(k), evidence=e) for k, e in keyed_facts(analysed, "offence")
    ]
    result.measures = [
        MeasureFact(type=Measure(k), evidence=e) for k, e in keyed_facts(analysed, "measure")
    ]
    result.legal_basis = [
        LegalBasisFact(instrument=LegalBasis(k), evidence=e)
        for k, e in keyed_facts(analysed, "legal_basis")
    ]
    result.parties = parties(analysed, lang)
    result.identifiers = identifiers(analysed, lang) + [
        Identifier(
            kind=IdentifierKind.CASE_REFERENCE, value=r.value, valid=None, evidence=r.evidence
        )
        for r in refs
    ]
    result.amounts = amounts(analysed, lang)
    result.evidence = evidence
    return result
