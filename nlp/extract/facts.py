"""Facts read straight off lexicon spans: offences, measures, legal bases, the document type
and the urgent / in-custody flags."""

from collections.abc import Sequence

from rogatory.models import Evidence

from .pipeline import Analysed

_CONFIDENCE = 0.8


def keyed_facts(pages: Sequence[Analysed], category: str) -> list[tuple[str, Evidence]]:
    """Each key of a category once, with the evidence of its first mention."""
    found: dict[str, Evidence] = {}
    for page in pages:
        for span in page.spans(f"{category}:"):
            key = span.label_.split(":", 1)[1]
            if key not in found:
                found[key] = page.evidence(span, f"rules:{category}@1", _CONFIDENCE)
    return list(found.items())


def first_fact(
    pages: Sequence[Analysed], label_prefix: str, extractor: str
) -> tuple[str, Evidence] | None:
    """The first mention in reading order: a document names its type in its title."""
    for page in pages:
        for span in page.spans(label_prefix):
            return span.label_.split(":", 1)[1], page.evidence(span, extractor, _CONFIDENCE)
    return None
