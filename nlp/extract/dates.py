"""Dates in the text, the document's own date and the deadline set to the requested state."""

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from rogatory.models import Evidence

from .lexicon import DurationUnit, alternation, load_lexicon
from .pipeline import Analysed
from .text import fold

_ORDINAL = r"(?:\.|º|°|er|st|nd|rd|th)?"
# A date so high on the first page is in the letterhead: the document's date if nothing better.
_TOP_LINES = 12
# How far before a date a deadline cue ("antes del", "bis zum") may start.
_CUE_REACH = 60
# A numeric date whose day and month could be swapped ("03/05/2027") with nothing in the
# document to settle the order: its evidence says the date may be wrong.
_UNSURE_ORDER_CONFIDENCE = 0.3
_MONTHS_IN_YEAR = 12


@dataclass(frozen=True)
class DateMatch:
    start: int  # offsets in the normalised page text
    end: int
    value: date
    unsure: bool = False  # day and month of a numeric date may be the other way round

    def confidence(self, confidence: float) -> float:
        return min(confidence, _UNSURE_ORDER_CONFIDENCE) if self.unsure else confidence


@dataclass(frozen=True)
class NumericOrder:
    """How the document writes numeric dates: month first ("03/25/2027") or day first."""

    month_first: bool = False
    # Settled by the document itself: one of its numeric dates has a part above 12.
    certain: bool = False


@dataclass(frozen=True)
class Deadline:
    value: date
    text: str
    evidence: Evidence


@cache
def _date_regex(language: str) -> re.Pattern[str]:
    lex = load_lexicon(language)
    months = alternation(list(lex.months))
    joiner = rf"(?:(?:{alternation(lex.date_connectors)})\s+)?"
    dmy = rf"(?P<d1>\d{{1,2}}){_ORDINAL}\s+{joiner}(?P<m1>{months})\.?\s+{joiner}(?P<y1>\d{{4}})"
    mdy = rf"(?P<m2>{months})\.?\s+(?P<d2>\d{{1,2}}){_ORDINAL},?\s+(?P<y2>\d{{4}})"
    numeric = r"(?P<a3>\d{1,2})[./](?P<b3>\d{1,2})[./](?P<y3>\d{4})"
    return re.compile(rf"(?<![\w/.])(?:{dmy}|{mdy}|{numeric})(?!\d)", re.IGNORECASE)


@cache
def _month_numbers(language: str) -> dict[str, int]:
    return {fold(name).lower(): number for name, number in load_lexicon(language).months.items()}


def numeric_order(
    pages: Sequence[Analysed], language: str, requesting_state: str | None
) -> NumericOrder:
    """Day first is settled in a language written no other way (not English), unless the
    request comes from a state of `month_first_states` (the United States), read month first.
    An unsettled order is settled by the document's own numeric dates when one has a part above
    12 and none says otherwise; a lone "11/16/2027" quoted in a German letter does not turn
    its other dates round."""
    lex = load_lexicon(language)
    month_first = requesting_state in lex.month_first_states
    if lex.day_first_only and not month_first:
        return NumericOrder(month_first=False, certain=True)
    orders = set()
    for page in pages:
        for match in _date_regex(language).finditer(page.text.folded):
            if match.group("a3"):
                first, second = int(match.group("a3")), int(match.group("b3"))
                if (first > _MONTHS_IN_YEAR) != (second > _MONTHS_IN_YEAR):
                    orders.add(second > _MONTHS_IN_YEAR)
    if len(orders) == 1:
        return NumericOrder(month_first=orders.pop(), certain=True)
    return NumericOrder(month_first=month_first)


def find_dates(
    page: Analysed, language: str, order: NumericOrder = NumericOrder()
) -> list[DateMatch]:
    months = _month_numbers(language)
    found = []
    for match in _date_regex(language).finditer(page.text.folded):
        groups = match.groupdict()
        unsure = False
        if groups["d1"]:
            day, month, year = groups["d1"], groups["m1"], groups["y1"]
        elif groups["d2"]:
            day, month, year = groups["d2"], groups["m2"], groups["y2"]
        else:
            first, second, year = groups["a3"], groups["b3"], groups["y3"]
            day, month = (second, first) if order.month_first else (first, second)
            swappable = max(int(first), int(second)) <= _MONTHS_IN_YEAR and first != second
            unsure = swappable and not order.certain
        number = int(month) if month.isdigit() else months[" ".join(month.lower().split())]
        try:
            value = date(int(year), number, int(day))
        except ValueError:
            continue
        found.append(DateMatch(match.start(), match.end(), value, unsure))
    return found


def document_date(
    pages: Sequence[Analysed], language: str, order: NumericOrder = NumericOrder()
) -> tuple[date, Evidence] | None:
    """The date of the place/date line ("Madrid, a 20 de enero de 2026") or of a "Date:" label;
    failing both, a date at the top of the first page, with low confidence."""
    lex = load_lexicon(language)
    label = re.compile(rf"(?:{alternation(lex.date_labels)})\s*:?\s*$", re.IGNORECASE)
    # A label heading its line ("Date: …") dates the document; one in running text ("con fecha
    # 14 de octubre" of an earlier letter) counts no more than a date near the top.
    line_label = re.compile(rf"^\W*(?:{alternation(lex.date_labels)})\s*:?\s*$", re.IGNORECASE)
    place = re.compile(
        rf"[A-Z][\w'.-]*(?:[ ]+[\w'.-]+){{0,3}},[ ]*"
        rf"(?:(?:{alternation(lex.place_date_connectors)})[ ]+)?$"
    )
    best: tuple[int, date, Evidence] | None = None
    for index, page in enumerate(pages):
        for found in find_dates(page, language, order):
            start = page.text.offsets[found.start]
            line_start, _ = page.text.line(page.text.line_index(start))
            before = page.text.folded[max(0, found.start - 40) : found.start]
            line_before = page.text.folded_original[line_start:start]
            if line_label.search(line_before):
                score, confidence = 3, 0.9
            elif place.search(line_before):
                score, confidence = 2, 0.85
            elif label.search(before) or (index == 0 and page.text.line_index(start) < _TOP_LINES):
                score, confidence = 1, 0.4
            else:
                continue
            if best is None or score > best[0]:
                evidence = page.text.evidence(
                    found.start, found.end, "rules:document_date@1", found.confidence(confidence)
                )
                best = (score, found.value, evidence)
    return None if best is None else (best[1], best[2])


def deadline(
    pages: Sequence[Analysed],
    language: str,
    received_at: datetime,
    order: NumericOrder = NumericOrder(),
) -> Deadline | None:
    """A date announced by a deadline cue, else a period counted from receipt."""
    return _dated_deadline(pages, language, order) or _relative_deadline(
        pages, language, received_at
    )


def _dated_deadline(
    pages: Sequence[Analysed], language: str, order: NumericOrder
) -> Deadline | None:
    cue = re.compile(rf"(?:{alternation(load_lexicon(language).deadline_cues)})\s*$", re.I)
    for page in pages:
        for found in find_dates(page, language, order):
            window_start = max(0, found.start - _CUE_REACH)
            match = cue.search(page.text.folded[window_start : found.start])
            if match is None:
                continue
            start = window_start + match.start()
            return Deadline(
                found.value,
                page.text.normalised[start : found.end],
                page.text.evidence(start, found.end, "rules:deadline@1", found.confidence(0.8)),
            )
    return None


@cache
def _relative_regexes(language: str) -> tuple[re.Pattern[str], ...]:
    lex = load_lexicon(language)
    return tuple(re.compile(fold(r), re.IGNORECASE) for r in lex.relative_deadlines)


def _relative_deadline(
    pages: Sequence[Analysed], language: str, received_at: datetime
) -> Deadline | None:
    lex = load_lexicon(language)
    units = {fold(word).lower(): unit for word, unit in lex.duration_units.items()}
    for page in pages:
        for regex in _relative_regexes(language):
            match = regex.search(page.text.folded)
            unit = units.get(match.group("unit").lower()) if match else None
            if match is None or unit is None:
                continue
            return Deadline(
                _add(received_at.date(), int(match.group("n")), unit),
                page.text.normalised[match.start() : match.end()],
                # Counted from the day of receipt by this office, which the text cannot confirm.
                page.text.evidence(match.start(), match.end(), "rules:deadline-relative@1", 0.5),
            )
    return None


def _add(start: date, count: int, unit: DurationUnit) -> date:
    if unit == "days":
        return start + timedelta(days=count)
    if unit == "weeks":
        return start + timedelta(weeks=count)
    month_index = start.month - 1 + count
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
