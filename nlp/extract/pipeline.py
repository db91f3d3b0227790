"""The spaCy pipeline of a language, built once per process, and its view of one page."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from rogatory.models import Evidence, Page

from .components import NEGATED, SPANS
from .context import in_unticked_box
from .text import PageText


@cache
def pipeline(language: str) -> Language:
    nlp = spacy.blank(language)
    nlp.add_pipe("rogatory_lexicon", config={"lexicon": language})
    nlp.add_pipe("rogatory_negation")
    return nlp


@dataclass(frozen=True)
class Analysed:
    """A page with its normalised text and the spaCy doc of the folded text (same offsets)."""

    text: PageText
    doc: Doc

    def spans(self, prefix: str) -> Iterator[Span]:
        """Lexicon spans whose label starts with `prefix`, neither negated nor in an empty box."""
        for span in self.doc.spans[SPANS]:
            if span.label_.startswith(prefix) and not self.unticked(span):
                yield span

    def negated(self, prefix: str) -> Iterator[Span]:
        return (s for s in self.doc.spans[NEGATED] if s.label_.startswith(prefix))

    def unticked(self, span: Span) -> bool:
        return in_unticked_box(self.text, self.text.offsets[span.start_char])

    def evidence(self, span: Span, extractor: str, confidence: float) -> Evidence:
        return self.text.evidence(span.start_char, span.end_char, extractor, confidence)

    def surface(self, start: int, end: int) -> str:
        """Normalised text as written (accents kept) for a char span of the doc."""
        return self.text.normalised[start:end]


def analyse(pages: Sequence[Page], language: str) -> list[Analysed]:
    nlp = pipeline(language)
    texts = [PageText.of(page.number, page.text) for page in pages]
    docs = nlp.pipe(t.folded for t in texts)
    return [Analysed(text, doc) for text, doc in zip(texts, docs, strict=True)]
