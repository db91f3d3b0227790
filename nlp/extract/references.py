"""Case references: the number after a label ("Aktenzeichen: 7420 Js 218734/24"), or a named
procedure with its number ("Diligencias Previas 245/2025"), read on the page's own lines because
a wide gap in the layout ends a reference."""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from rogatory.models import Evidence

from .lexicon import alternation, load_lexicon
from .pipeline import Analysed

_EXTRACTOR = "rules:references@1"
# Tokens joined by one space, or continued at the start of the next line by a number.
_RUN = r"(?P<value>[A-Z0-9][^\s]*(?:(?:[ \t]|[ \t]?\n(?=\d))[^\s]+){0,5})"
_NUMBER_WORD = r"(?:n[.°º]*|no\.?|nr\.?|num\.?|núm\.?)"
# Letters-only words inside a reference: "Js", "Cr.", "FZN"; a first word may be longer ("BEPI").
_MAX_LETTERS_IN_CODE = 3
_MAX_LETTERS_IN_PREFIX = 5
_MIN_DIGITS = 2
_TRIM = ",;:)("


@dataclass(frozen=True)
class Reference:
    value: str
    evidence: Evidence


@cache
def _regexes(language: str) -> tuple[tuple[re.Pattern[str], bool], ...]:
    lex = load_lexicon(language)
    types = re.compile(
        rf"(?i:(?P<label>{alternation(lex.reference_types)}))[ \t]*(?:[:.][ \t]*)?"
        rf"(?i:{_NUMBER_WORD}[ \t]*)?\n?{_RUN}"
    )
    labels = re.compile(
        rf"(?i:(?P<label>{alternation(lex.reference_labels)}))[ \t]*(?:[:.][ \t]*)?\n?{_RUN}"
    )
    # A named procedure keeps its name; a plain label ("Az.", "Our ref:") does not.
    return (types, True), (labels, False)


def _code_length(run: str) -> int:
    """Length of the leading part of `run` that reads as a reference code."""
    end = 0
    for match in re.finditer(r"\S+", run):
        token = match.group().rstrip(_TRIM)
        has_digit = any(ch.isdigit() for ch in token)
        if has_digit:
            token = token.rstrip(_TRIM + ".")
        letters = token.replace(".", "")
        longest = _MAX_LETTERS_IN_PREFIX if end == 0 else _MAX_LETTERS_IN_CODE
        is_code = (
            has_digit
            or token == "/"
            or (letters.isalpha() and letters[:1].isupper() and len(letters) <= longest)
        )
        if not token or not is_code:
            break
        end = match.start() + len(token)
    return end


def references(pages: Sequence[Analysed], language: str) -> list[Reference]:
    found: dict[str, Reference] = {}
    for page in pages:
        text = page.text.folded_original
        for regex, keep_label in _regexes(language):
            for match in _matches(regex, text):
                start = match.start("value")
                end = start + _code_length(match.group("value"))
                code = text[start:end]
                if sum(ch.isdigit() for ch in code) < _MIN_DIGITS:
                    continue
                begin = match.start("label") if keep_label else start
                value = " ".join(page.text.original[begin:end].split())
                key = re.sub(r"\W", "", code).lower()
                if key not in found:
                    evidence = page.text.evidence(begin, end, _EXTRACTOR, 0.8, normalised=False)
                    found[key] = Reference(value, evidence)
    return list(found.values())


def _matches(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches that may begin inside the rest of the previous one's line: a match runs to the
    line end, and a second reference can follow the first ("n. 9921/2024 R.G.N.R. - n. 5510/2024
    R.G. G.I.P.")."""
    position = 0
    while (match := regex.search(text, position)) is not None:
        yield match
        start = match.start("value")
        position = max(start + _code_length(match.group("value")), match.start() + 1)
