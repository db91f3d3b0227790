"""What machine translation must not touch, and the check that it did not.

Names of parties and people, identifiers, amounts, dates, numbers and legal citations are
replaced by placeholders before translation and put back after. Numbering starts at ⟦1⟧ in every
sentence: the demo model copies ⟦1⟧–⟦99⟧ as single pieces, while numbers from ⟦100⟧ up go
through digit by digit and came back swapped (⟦244⟧ → ⟦424⟧) in 13–33% of held-out sentences.
A sentence whose translation does not give back exactly the placeholders it was given is kept in
the original and flagged: a wrong name or number in a translation is worse than none.
"""

import re
from collections import Counter
from collections.abc import Iterator

from pydantic import BaseModel

from rogatory.models import Evidence, EvidenceSource, Extraction, Page

PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧")

_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre|januar|jänner|februar|märz|maerz|april|juni|juli|august|"
    "september|oktober|november|dezember|gennaio|febbraio|aprile|maggio|giugno|luglio|agosto|"
    "settembre|ottobre|dicembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|"
    "dezembro|january|february|march|may|june|july|october|december"
)
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_HONORIFICS = (
    r"(?:Sr|Sra|Srta|D|Dª|Dña|Don|Doña|M|Mme|Mlle|Me|Herr|Frau|Hr|Fr|Sig|Sig\.ra|Dott|Avv|"
    r"Mr|Mrs|Ms|Dr|Prof|Sr\.ª|Exmo|Ilmo)\.?"
)
_NAME_WORD = rf"[{_UPPER}][\w'’-]*"
_LOWER = "a-zß-öø-ÿā-ž'’"
_TITLE_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}]?[{_LOWER}]+)*"
_PARTICLE = r"(?:de|del|de la|da|das|do|dos|di|van|von|der|den|le|la|du|y|e)"

# Each pattern finds a kind of value the reader must see exactly as written.
_PATTERNS = [
    # Anchored at a token's start: unanchored, a 20,000-character token took seconds to scan.
    re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail
    re.compile(r"(?:https?://|www\.)\S+"),  # address on the web
    re.compile(  # dates written with a month name
        rf"\b\d{{1,2}}(?:\.|º|°|er|st|nd|rd|th)?\s+(?:de\s+)?(?:{_MONTHS})\.?,?\s+"
        rf"(?:de\s+|del\s+)?\d{{4}}\b|\b(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:§§?|\b[Aa]rt(?:\.|ículo|icle|igo|ikel|icolo))[ \t]*\d+[\w.]*(?:[ \t]+[A-Z][\w.]{1,7})?"
    ),
    # A person introduced by an honorific, then a run of capitalised words and particles.
    re.compile(rf"\b{_HONORIFICS}\s+{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD})*"),
    # Surnames in capitals, then the given name, as legal documents write them ("GARCÍA LÓPEZ,
    # Juan"); capitals alone are as often a heading to translate.
    re.compile(
        rf"\b[{_UPPER}]{{2,}}(?:[ -]+[{_UPPER}]{{2,}}){{0,4}},[ ]+{_NAME_WORD}(?:[ ]+{_NAME_WORD})*"
    ),
    # Any token holding a digit: numbers, amounts, references, phones, IBANs, plates.
    re.compile(r"(?<!\S)\S*\d\S*"),
]
# Capitalised runs of two words or more: names of people, places and bodies. A word that opens
# sentences ("El", "Die", "Gegen") is not part of a name; in German every noun is capitalised, so
# a noun before a name ("Gesellschaft Juan Blanco García") is kept with it: untranslated, not
# wrong.
_NAME_RUN = re.compile(rf"{_TITLE_WORD}(?:[ ]+(?:{_PARTICLE}[ ]+)?{_TITLE_WORD})+")
_OPENER_WORDS = """
el la los las lo un una unos unas le les une des der die das den dem ein eine einer einem il gli
uno o os a as um uma the an this these en in im am por par para per pour con mit von dans sur
según selon nach gemäß gegen contra contre se si es wir nous noi nós we este esta estos estas ce
cette ces dieser diese dieses questo questa al au aux del du dal do da de of on at from to with zu
zur zum bei auf aus durch für über unter als wie wenn dass que qui quien cuando quand como comme y
et und e and or ou oder mais pero aber ma mas sehr estimado estimada madame monsieur dear
"""
_OPENERS = frozenset(_OPENER_WORDS.split())
_TRAILING = ".,;:)]}»”\"'"
_LEADING = "([{«“\"'"

# Words a full stop follows without ending the sentence ("art. 301", "Sr. Blanco").
_ABBREVIATION_WORDS = """
art arts núm num nº no nr sr sra dña dª mme mlle dr prof pág p pp vol etc cf vgl abs s ss ca z.b
bzw apdo av avda c st sig dott avv ltd inc co ref exp
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_SENTENCE_END = re.compile(r"[.!?;]+[\"'»”)]*\s+")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
# Translations between these European languages run 0.8–1.2 times the source's length; far
# outside, a model has dropped a clause or made one up (the demo model does both on unseen text).
_LENGTH_RATIO = (0.5, 2.0)
_CHECKED_LENGTH = 20
# A line shorter than this ends its segment: headings, form fields, addresses, list items.
_SHORT_LINE = 45


class Span(BaseModel):
    start: int
    end: int


class Segment(BaseModel):
    """A sentence (or a line of a form) of one page, with its protected values masked."""

    page: int
    start: int
    end: int
    text: str
    masked: str
    values: dict[int, str]

    @property
    def translatable(self) -> bool:
        return any(ch.isalpha() for ch in PLACEHOLDER.sub("", self.masked))

    def problem(self, translated: str) -> str | None:
        """Why the translation of this sentence must not be shown, if it must not."""
        sent = Counter(int(n) for n in PLACEHOLDER.findall(self.masked))
        if Counter(int(n) for n in PLACEHOLDER.findall(translated)) != sent:
            return "a protected value (name, number, date or identifier) did not come back"
        words = len(PLACEHOLDER.sub("", self.masked).strip())
        ratio = len(PLACEHOLDER.sub("", translated).strip()) / max(words, 1)
        if words >= _CHECKED_LENGTH and not _LENGTH_RATIO[0] <= ratio <= _LENGTH_RATIO[1]:
            return f"the translation is {ratio:.1f}× the sentence's length: content lost or made up"
        return None

    def restore(self, translated: str) -> str:
        return PLACEHOLDER.sub(lambda m: self.values[int(m.group(1))], translated)


class Paragraph(BaseModel):
    segments: list[Segment]


def protected_spans(page: Page, extraction: Extraction) -> list[Span]:
    """Spans of the page text to keep as written, merged where they touch."""
    text = page.text
    found = [
        Span(start=e.start, end=e.end)
        for e in _evidence(extraction)
        if e.page == page.number and e.source == EvidenceSource.ORIGINAL and e.end <= len(text)
    ]
    for pattern in _PATTERNS:
        found.extend(_trimmed(text, m.start(), m.end()) for m in pattern.finditer(text))
    found.extend(_name_runs(text))
    return _merged(text, [s for s in found if s.end > s.start])


def paragraphs(page: Page, spans: list[Span]) -> list[Paragraph]:
    """The page cut into paragraphs and sentences, each with its values masked from ⟦1⟧."""
    result = []
    for start, end in _paragraph_bounds(page.text):
        bounds = _segment_bounds(page.text, start, end, spans)
        result.append(Paragraph(segments=[_masked(page, s, e, spans) for s, e in bounds if s < e]))
    return [p for p in result if p.segments]


def _evidence(extraction: Extraction) -> Iterator[Evidence]:
    """Evidence of the values a reader must see as written; offences and measures are wording to
    translate, not values."""
    for group in (extraction.parties, extraction.identifiers, extraction.amounts):
        yield from (item.evidence for item in group)
    yield from (item.evidence for item in extraction.legal_basis)
    for field in ("deadline", "document_date", "references"):
        if field in extraction.evidence:
            yield extraction.evidence[field]


def _name_runs(text: str) -> Iterator[Span]:
    for match in _NAME_RUN.finditer(text):
        words = list(re.finditer(r"\S+", match.group()))
        while words and words[0].group().lower() in _OPENERS:
            words.pop(0)
        if len(words) >= 2:
            yield Span(start=match.start() + words[0].start(), end=match.end())


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start] in _LEADING:
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return Span(start=start, end=end)


def _merged(text: str, spans: list[Span]) -> list[Span]:
    """Overlapping spans become one, and so do spans separated by a single space or hyphen:
    "+34 91 123 45 67" is one phone number, not five numbers to translate around."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and (
            span.start <= merged[-1].end
            or (span.start - merged[-1].end == 1 and text[merged[-1].end] in " -")
        ):
            merged[-1] = Span(start=merged[-1].start, end=max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for gap in _PARAGRAPH.finditer(text):
        bounds.append((start, gap.start()))
        start = gap.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def _segment_bounds(text: str, start: int, end: int, spans: list[Span]) -> list[tuple[int, int]]:
    cuts = _line_cuts(text, start, end) + _sentence_cuts(text, start, end)
    # A cut inside a protected value would split it between two sentences.
    cuts = sorted({c for c in cuts if not any(s.start < c < s.end for s in spans)})
    bounds, previous = [], start
    for cut in cuts:
        bounds.append((previous, cut))
        previous = cut
    bounds.append((previous, end))
    return [_stripped(text, s, e) for s, e in bounds if text[s:e].strip()]


def _line_cuts(text: str, start: int, end: int) -> list[int]:
    cuts, position = [], start
    for line in text[start:end].split("\n")[:-1]:
        position += len(line) + 1
        stripped = line.rstrip()
        if len(stripped) < _SHORT_LINE or stripped.endswith((".", ":", ";", "!", "?")):
            cuts.append(position)
    return cuts


def _sentence_cuts(text: str, start: int, end: int) -> list[int]:
    cuts = []
    for match in _SENTENCE_END.finditer(text, start, end):
        before = text[start : match.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        following = text[match.end() : match.end() + 1]
        if word in _ABBREVIATIONS or len(word) == 1 or not following:
            continue
        if following.isupper() or following.isdigit() or following in "¿¡\"'«“(":
            cuts.append(match.end())
    return cuts


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _masked(page: Page, start: int, end: int, spans: list[Span]) -> Segment:
    text = page.text
    numbers: dict[str, int] = {}
    pieces, position = [], start
    for span in spans:
        # A value across a paragraph break is masked in each paragraph it touches.
        left, right = max(span.start, start), min(span.end, end)
        if left >= right:
            continue
        value = text[left:right]
        number = numbers.setdefault(value, len(numbers) + 1)
        pieces.append(text[position:left])
        pieces.append(f"⟦{number}⟧")
        position = right
    pieces.append(text[position:end])
    return Segment(
        page=page.number,
        start=start,
        end=end,
        text=text[start:end],
        masked=" ".join("".join(pieces).split()),
        values={number: value for value, number in numbers.items()},
    )
