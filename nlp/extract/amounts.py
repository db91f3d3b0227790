"""Amounts of money with their ISO 4217 currency, European number formats included
("7.086.905 €", "125.000,00 EUR", "CHF 48'500", "EUR 411.870,--", "US$ 3,200,000.00"), and
scale words of the language ("GBP 3.5 million", "2,5 millones de euros", "3 Mio. EUR")."""

import re
from collections.abc import Sequence
from functools import cache

from rogatory.models import Amount

from .lexicon import alternation, available_languages, load_lexicon
from .pipeline import Analysed
from .text import fold

_EXTRACTOR = "rules:amounts@1"
_NUMBER = (
    r"(?<![\d.,'])(?:\d{1,3}(?:[.,' \u00a0\u202f]\d{3})+|\d+)"
    r"(?:[.,]\d{1,2}(?!\d)|,-{1,2})?(?![\d])"
)
_GROUPING = re.compile(r"[' \u00a0\u202f]")
# OCR reads the section sign "§" as "$": "$ 263 Abs. 1 StGB", "$$ 146, 147". A bare "$" before
# a small plain number is taken for a section, not for dollars.
_SMALLEST_BARE_DOLLARS = 1000


@cache
def _regex(language: str) -> re.Pattern[str]:
    lex = load_lexicon(language)
    currency = alternation(list(lex.currencies))
    scale = _scale_alternation(tuple(lex.scale_words))
    connector = alternation(lex.scale_connectors)
    return re.compile(
        rf"(?P<c1>{currency})\s?(?P<n1>{_NUMBER})(?:\s?(?P<s1>{scale}))?"
        rf"|(?P<n2>{_NUMBER})(?:\s?(?P<s2>{scale})(?:\s+(?:{connector}))?)?\s?(?P<c2>{currency})",
        re.IGNORECASE,
    )


def _scale_alternation(words: tuple[str, ...]) -> str:
    """Scale words as whole words, also written against the number ("$2.5m"), where a word
    boundary before them cannot be asked for."""
    parts = (r"\s+".join(map(re.escape, fold(w).split())) for w in sorted(words, key=len)[::-1])
    return "|".join(rf"(?:{part})(?!\w)" for part in parts) or r"(?!)"


@cache
def _any_scale() -> re.Pattern[str]:
    """A scale word of any language: one the document's language does not know still means the
    number before it is not the amount, and dropping it beats reporting it 10^6 too small."""
    words = {w for language in available_languages() for w in load_lexicon(language).scale_words}
    return re.compile(rf"\s?(?:{_scale_alternation(tuple(words))})", re.IGNORECASE)


@cache
def _codes(language: str) -> dict[str, str]:
    return {_key(k): v for k, v in load_lexicon(language).currencies.items()}


@cache
def _scales(language: str) -> dict[str, float]:
    return {_key(k): v for k, v in load_lexicon(language).scale_words.items()}


def _key(word: str) -> str:
    return " ".join(fold(word).lower().split())


def parse_number(raw: str) -> float:
    """'1.250.000,00' -> 1250000.0, '1,180,000.00' -> 1180000.0, "48'500" -> 48500.0.
    With one kind of separator, a single one followed by exactly three digits groups thousands."""
    text = _GROUPING.sub("", re.sub(r",-+$", "", raw))
    if "," in text and "." in text:
        point = max(text.rfind(","), text.rfind("."))
        whole = re.sub(r"[.,]", "", text[:point])
        return float(f"{whole}.{text[point + 1 :]}")
    for separator in ",.":
        parts = text.split(separator)
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3):
            return float(text.replace(separator, ""))
        if len(parts) == 2:
            return float(f"{parts[0]}.{parts[1]}")
    return float(text)


def amounts(pages: Sequence[Analysed], language: str) -> list[Amount]:
    codes, scales = _codes(language), _scales(language)
    found: dict[tuple[float, str], Amount] = {}
    for page in pages:
        for match in _regex(language).finditer(page.text.folded):
            number = match.group("n1") or match.group("n2")
            symbol = match.group("c1") or match.group("c2")
            scale = match.group("s1") or match.group("s2")
            currency = codes[_key(symbol)]
            value = parse_number(number)
            if scale is None and (
                _any_scale().match(page.text.folded, match.end())
                or (symbol == "$" and number.isdigit() and value < _SMALLEST_BARE_DOLLARS)
            ):
                continue
            # Rounded to the cent: 1.2 × 10^9 is not 1200000000.0000002.
            value = round(value * scales[_key(scale)], 2) if scale else value
            evidence = page.text.evidence(match.start(), match.end(), _EXTRACTOR, 0.85)
            found.setdefault(
                (value, currency), Amount(value=value, currency=currency, evidence=evidence)
            )
    return list(found.values())
