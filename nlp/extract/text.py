"""A page's text in the two forms extraction needs, with offsets that lead back to the page.

OCR output breaks phrases over lines and hyphenates words at line ends, so matching runs on a
*normalised* copy (whitespace runs collapsed to one space, line-end hyphenation joined); every
normalised position remembers the page offset it came from, so evidence always quotes the page.
Matching also runs accent-folded, because OCR and typists drop accents ("detencion"); folding
replaces one character by one character, so folded and unfolded copies share offsets.
"""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from rogatory.models import Evidence, EvidenceSource

_SOFT_HYPHEN = "\u00ad"
# A hyphen at a line end between letters, the next line starting in lower case: a split word.
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n\s*(?=[a-zà-öø-ÿ])")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
# OCR reads specks in the margin as an opening quote before a line's first word ("‘in Criminal
# Matters"); a line rarely opens a quotation in lower case.
_MARGIN_SPECK = re.compile(r"(?m)^[ \t]*[‘'`´](?=[a-zà-öø-ÿ])")
# Lines nearly as long as the page's longest are wrapped prose: a name or a number may run on to
# the next line. Shorter lines are form fields, headings or list items, whatever follows them.
_PROSE_SHARE = 0.6
_MIN_PROSE_CHARS = 30


def fold(text: str) -> str:
    """Strip accents character by character, keeping the length (and so every offset)."""
    return "".join(_fold_char(ch) for ch in text.translate(_APOSTROPHES))


def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


@dataclass(frozen=True)
class PageText:
    number: int
    original: str
    normalised: str
    offsets: tuple[int, ...]  # normalised index -> index in `original`

    @classmethod
    def of(cls, number: int, original: str) -> "PageText":
        joins = {m.start(): m.end() for m in _LINE_END_HYPHEN.finditer(original)}
        specks = {m.end() - 1 for m in _MARGIN_SPECK.finditer(original)}
        chars: list[str] = []
        offsets: list[int] = []
        i = 0
        while i < len(original):
            ch = original[i]
            if i in joins:
                i = joins[i]
            elif ch == _SOFT_HYPHEN or i in specks:
                i += 1
            elif ch.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    offsets.append(i)
                i += 1
            else:
                chars.append(ch)
                offsets.append(i)
                i += 1
        return cls(number, original, "".join(chars), tuple(offsets))

    @cached_property
    def folded(self) -> str:
        return fold(self.normalised)

    @cached_property
    def folded_original(self) -> str:
        return fold(self.original)

    @cached_property
    def _line_starts(self) -> tuple[int, ...]:
        return (0, *(m.end() for m in re.finditer(r"\n", self.original)))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A normalised span as a span of the page text."""
        return self.offsets[start], self.offsets[end - 1] + 1

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    @cached_property
    def _prose_chars(self) -> int:
        longest = max((len(line.strip()) for line in self.original.splitlines()), default=0)
        return max(_MIN_PROSE_CHARS, int(longest * _PROSE_SHARE))

    def wraps(self, line: int) -> bool:
        """Whether a line of the page is wrapped prose that continues on the next line."""
        start, end = self.line(line)
        return len(self.original[start:end].strip()) >= self._prose_chars

    def line_index(self, original_pos: int) -> int:
        return bisect_right(self._line_starts, original_pos) - 1

    def line(self, index: int) -> tuple[int, int]:
        """Start and end (without the newline) of one line of the page text."""
        start = self._line_starts[index]
        newline = self.original.find("\n", start)
        return start, len(self.original) if newline < 0 else newline

    def evidence(
        self, start: int, end: int, extractor: str, confidence: float, *, normalised: bool = True
    ) -> Evidence:
        """Evidence for a span of the normalised text, or of the page text itself."""
        if normalised:
            start, end = self.to_original(start, end)
        return Evidence(
            text=self.original[start:end],
            page=self.number,
            start=start,
            end=end,
            source=EvidenceSource.ORIGINAL,
            extractor=extractor,
            confidence=confidence,
        )
