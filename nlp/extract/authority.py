"""The requesting authority: a labelled field, else the authority line of the letterhead."""

import re
from collections.abc import Sequence
from functools import cache

from rogatory.models import Evidence

from .lexicon import load_lexicon
from .pipeline import Analysed
from .states import letterhead_end
from .text import fold

_EXTRACTOR = "rules:authority@1"
# Letterhead lines put several things on one line: "TRIBUNAL JUDICIAIRE DE LYON - CABINET DE …".
_SEGMENT_BREAK = re.compile(r"\s+[-–|]\s+|\s{2,}|,\s*")
_TRAILING = re.compile(r"[\s,;:.]*(?:\([^)]*\))?[\s,;:.]*$")
_LEADING = re.compile(r"^[\s:.\-–]*")
_MIN_LETTERS = 4


@cache
def _heads(language: str) -> tuple[str, ...]:
    return tuple(fold(h).lower() for h in load_lexicon(language).authority_heads)


def requesting_authority(pages: Sequence[Analysed], language: str) -> tuple[str, Evidence] | None:
    return _labelled(pages) or _letterhead(pages, language)


def _labelled(pages: Sequence[Analysed]) -> tuple[str, Evidence] | None:
    for page in pages:
        for cue in page.spans("cue:authority_label"):
            start = page.text.offsets[cue.end_char - 1] + 1
            _, line_end = page.text.line(page.text.line_index(start))
            found = _value(page, start, line_end, 0.85)
            if found:
                return found
    return None


def _letterhead(pages: Sequence[Analysed], language: str) -> tuple[str, Evidence] | None:
    if not pages:
        return None
    page = pages[0]
    heads = _heads(language)
    limit = letterhead_end(page)
    for index in range(page.text.line_count):
        position, line_end = page.text.line(index)
        if position >= limit:
            break
        for brk in [*_SEGMENT_BREAK.finditer(page.text.original, position, line_end), None]:
            end = brk.start() if brk else line_end
            segment = page.text.folded_original[position:end].lower()
            found = _value(page, position, end, 0.7) if any(h in segment for h in heads) else None
            if found:
                return found
            position = brk.end() if brk else line_end
    return None


def _value(page: Analysed, start: int, end: int, confidence: float) -> tuple[str, Evidence] | None:
    raw = page.text.original[start:end]
    lead = _LEADING.match(raw)
    begin = start + (lead.end() if lead else 0)
    trail = _TRAILING.search(page.text.original, begin, end)
    stop = trail.start() if trail else end
    value = " ".join(page.text.original[begin:stop].split())
    if sum(ch.isalpha() for ch in value) < _MIN_LETTERS:
        return None
    return value, page.text.evidence(begin, stop, _EXTRACTOR, confidence, normalised=False)
