"""The requesting authority: a labelled field, else the authority line of the letterhead."""

import re
from collections.abc import Sequence

from rogatory.models import Evidence

from .components import SPANS
from .lexicon import authority_regex, official_titles_regex
from .pipeline import Analysed
from .states import letterhead_end

_EXTRACTOR = "rules:authority@1"
# Letterhead lines put several things on one line: "TRIBUNAL JUDICIAIRE DE LYON - CABINET DE …".
_SEGMENT_BREAK = re.compile(r"\s+[-–|]\s+|\s{2,}|,\s*")
_TRAILING = re.compile(r"[\s,;:.]*(?:\([^)]*\))?[\s,;:.]*$")
_LEADING = re.compile(r"^[\s:.\-–]*")
_MIN_LETTERS = 4
_MAX_WRAPPED_WORDS = 3
# OCR slips inside an authority's name that its shape makes safe to undo: the ordinal sign of
# "nº 3" read as "?", the Roman numeral "III" read with lower-case L ("Staatsanwaltschaft Ill").
_OCR_NUMERO = re.compile(r"\b([Nn])[?°](?=\s*\d)")
_OCR_ROMAN = re.compile(r"\b(?=[Il1]*I)(?=[Il1]*[l1])[Il1]{3,4}\b")


def requesting_authority(pages: Sequence[Analysed], language: str) -> tuple[str, Evidence] | None:
    return _labelled(pages, language) or _letterhead(pages, language)


def _labelled(pages: Sequence[Analysed], language: str) -> tuple[str, Evidence] | None:
    for page in pages:
        for cue in page.spans("cue:authority_label"):
            start = page.text.offsets[cue.end_char - 1] + 1
            line = page.text.line_index(start)
            line_end = page.text.line(line)[1]
            if not _LEADING.sub("", page.text.original[start:line_end]).strip():
                # "SECTION A - Autorità di emissione" with the authority on the line below
                # (past one blank line), unless that line is a labelled field of its own.
                below = _next_filled(page, line)
                if below is None:
                    continue
                start, line_end = page.text.line(below)
                if ":" in page.text.original[start:line_end]:
                    continue
            elif page.text.wraps(line):
                line_end = _wrapped_field(page, line)
            found = _value(page, start, _next_label(page, start, line_end), 0.85, language)
            if found:
                return found
    return None


def _letterhead(pages: Sequence[Analysed], language: str) -> tuple[str, Evidence] | None:
    if not pages:
        return None
    page = pages[0]
    heads = authority_regex(language)
    limit = letterhead_end(page)
    for index in range(page.text.line_count):
        position, line_end = page.text.line(index)
        if position >= limit:
            break
        for brk in [*_SEGMENT_BREAK.finditer(page.text.original, position, line_end), None]:
            end = brk.start() if brk else line_end
            segment = page.text.folded_original[position:end]
            found = None
            if heads.search(segment):
                found = _value(page, position, _continued(page, end, brk is None), 0.7, language)
            if found:
                return found
            position = brk.end() if brk else line_end
    return None


def _next_filled(page: Analysed, line: int) -> int | None:
    for below in (line + 1, line + 2):
        if below < page.text.line_count:
            start, end = page.text.line(below)
            if page.text.original[start:end].strip():
                return below
    return None


def _next_label(page: Analysed, start: int, end: int) -> int:
    """A value ends where the next labelled field begins: OCR may join two fields on one line
    ("Autoridad requirente: Audiencia … Autoridad requerida: …")."""
    for cue in page.doc.spans[SPANS]:
        if not cue.label_.startswith("cue:"):
            continue
        position = page.text.offsets[cue.start_char]
        if start < position < end:
            return position
    return end


def _wrapped_field(page: Analysed, line: int) -> int:
    """End of a form field value wrapped onto a short next line without a label of its own
    ("Autoridad de emisión: Fiscalía …, Sección de Delitos" / "Informáticos")."""
    end = page.text.line(line)[1]
    if line + 1 >= page.text.line_count:
        return end
    start, next_end = page.text.line(line + 1)
    below = page.text.original[start:next_end].strip()
    plain = not any(ch == ":" or ch.isdigit() for ch in below)
    if below and plain and len(below.split()) <= _MAX_WRAPPED_WORDS:
        return next_end
    return end


def _continued(page: Analysed, end: int, at_line_end: bool) -> int:
    """A letterhead authority goes on to the next line when that line begins in lower case
    ("PROCURA DELLA REPUBBLICA" / "presso il Tribunale di Torino")."""
    below = _next_filled(page, page.text.line_index(end))
    if not at_line_end or below is None:
        return end
    start, next_end = page.text.line(below)
    return next_end if page.text.original[start:next_end].strip()[:1].islower() else end


def _value(
    page: Analysed, start: int, end: int, confidence: float, language: str
) -> tuple[str, Evidence] | None:
    raw = page.text.original[start:end]
    lead = _LEADING.match(raw)
    begin = start + (lead.end() if lead else 0)
    # A signing official run into the name ("Staatsanwaltschaft Wien, Oberstaatsanwältin …",
    # or a second column joined by OCR) ends it.
    title = official_titles_regex(language).search(page.text.folded_original, begin + 1, end)
    end = title.start() if title else end
    trail = _TRAILING.search(page.text.original, begin, end)
    stop = trail.start() if trail else end
    value = " ".join(page.text.original[begin:stop].split())
    if sum(ch.isalpha() for ch in value) < _MIN_LETTERS:
        return None
    value = _OCR_ROMAN.sub(lambda m: "I" * len(m.group(0)), _OCR_NUMERO.sub(r"\1º", value))
    return value, page.text.evidence(begin, stop, _EXTRACTOR, confidence, normalised=False)
