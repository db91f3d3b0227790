"""The two states of the request: who asks and who is asked, not every country mentioned.

In order of trust: a labelled field ("Estado de emisión: …", "Autoridad requerida: … Suiza"),
then for the requesting state the letterhead, and for the requested state the first other state
named on the first pages (the address block). A state that cannot be found stays null.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Span

from rogatory.models import Evidence

from .pipeline import Analysed

_EXTRACTOR = "rules:states@1"
# How many tokens after a label the state may come ("Autoridad requerida: Autoridad judicial
# competente de la Confederación Suiza").
_LABEL_REACH = 12
LETTERHEAD_LINES = 3
_PLACES = ("state:", "demonym:", "city:")


@dataclass(frozen=True)
class StateFinding:
    code: str
    evidence: Evidence


def request_states(
    pages: Sequence[Analysed],
) -> tuple[StateFinding | None, StateFinding | None]:
    # The addressee ("a las autoridades competentes de Francia") is never the requesting state,
    # even when it stands in the first lines.
    addressed = _labelled(pages, "cue:requested", None)
    addressee = addressed.code if addressed else None
    requesting = _labelled(pages, "cue:requesting", addressee) or _letterhead(pages, addressee)
    if addressed and requesting and addressed.code == requesting.code:
        addressed = None
    excluded = requesting.code if requesting else None
    return requesting, addressed or _first_other(pages, excluded)


def _places(page: Analysed, prefixes: tuple[str, ...] = _PLACES) -> Iterator[Span]:
    for prefix in prefixes:
        yield from page.spans(prefix)


def _finding(page: Analysed, span: Span, confidence: float) -> StateFinding:
    return StateFinding(span.label_.split(":", 1)[1], page.evidence(span, _EXTRACTOR, confidence))


def _labelled(
    pages: Sequence[Analysed], cue_label: str, excluded: str | None
) -> StateFinding | None:
    for page in pages:
        places = sorted(_places(page), key=lambda s: s.start)
        for cue in page.spans(cue_label):
            for place in places:
                if 0 <= place.start - cue.end <= _LABEL_REACH:
                    finding = _finding(page, place, 0.9)
                    if finding.code != excluded:
                        return finding
                    break
    return None


def letterhead_end(page: Analysed) -> int:
    """Offset in the page text where the letterhead (its first non-empty lines) ends."""
    seen = 0
    for index in range(page.text.line_count):
        start, end = page.text.line(index)
        if page.text.original[start:end].strip():
            seen += 1
            if seen == LETTERHEAD_LINES:
                return end
    return len(page.text.original)


def _letterhead(pages: Sequence[Analysed], excluded: str | None) -> StateFinding | None:
    if not pages:
        return None
    page = pages[0]
    limit = letterhead_end(page)
    # The first place named: "… - ESTADOS UNIDOS MEXICANOS", "… DE MILANO", "EMBASSY OF THE
    # UNITED STATES OF AMERICA - ROME".
    for span in sorted(_places(page), key=lambda s: s.start):
        code = span.label_.split(":", 1)[1]
        before_limit = page.text.offsets[span.start_char] < limit
        if before_limit and code != excluded and not _inside_a_name(span):
            return _finding(page, span, 0.7)
    return None


def _inside_a_name(span: Span) -> bool:
    """A state name read as the end of a longer proper name: "102 Petty France, London"."""
    if span.start == 0 or span.end - span.start > 1:
        return False
    before = span.doc[span.start - 1]
    return before.text.istitle() and before.is_alpha and bool(before.whitespace_)


def _first_other(pages: Sequence[Analysed], excluded: str | None) -> StateFinding | None:
    for page in pages[:2]:
        for span in sorted(page.spans("state:"), key=lambda s: s.start):
            if span.label_.split(":", 1)[1] != excluded:
                return _finding(page, span, 0.5)
    return None
