"""spaCy components of the extraction pipeline, registered by name like spaCy's own.

`rogatory_lexicon` marks every lexicon phrase as a span labelled "<category>:<key>" in
doc.spans[SPANS]; `rogatory_negation` moves the spans said not to be part of the request to
doc.spans[NEGATED]. Both are configured by language only: the language's lexicon is the data.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .lexicon import REGEX_PREFIX, alternation, load_lexicon
from .text import fold

_STOPS = {".", "!", "?", ";"}
SPANS = "rogatory"
NEGATED = "rogatory_negated"

# Categories competing for the same words: the longest phrase wins, so "Convención … contra el
# Tráfico Ilícito de Estupefacientes" is a treaty and not a drug offence, and a "block" phrase
# ("Serious Fraud Office") silences the shorter phrase inside it. Other labels compete only
# with themselves.
LAYERS = {
    "offence": "facts",
    "measure": "facts",
    "legal_basis": "facts",
    "block": "facts",
    "role": "roles",
    "role_after": "roles",
    "organisation": "roles",
    "state": "places",
    "demonym": "places",
    "city": "places",
}


def label_category(label: str) -> str:
    return label.split(":", 1)[0]


class LexiconMatcher:
    def __init__(self, nlp: Language, lexicon: str) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regexes: list[tuple[str, re.Pattern[str]]] = []
        endings = load_lexicon(lexicon).inflections
        for category, entries in load_lexicon(lexicon).phrases.items():
            for key, phrases in entries.items():
                label = f"{category}:{key}"
                plain = [p for p in phrases if not p.startswith(REGEX_PREFIX)]
                regex = [p for p in phrases if p.startswith(REGEX_PREFIX)]
                # Only facts inflect: role words are listed with their forms, and an inflected
                # one could be another word ("Name" -> "im Namen").
                forms = _inflected(plain, endings if LAYERS.get(category) == "facts" else ())
                if forms:
                    self.matcher.add(label, [nlp.make_doc(p) for p in forms])
                if regex:
                    self.regexes.append((label, re.compile(alternation(regex), re.IGNORECASE)))

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, start, end, label=key) for key, start, end in self.matcher(doc)]
        for label, regex in self.regexes:
            for match in regex.finditer(doc.text):
                span = doc.char_span(match.start(), match.end(), label, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        doc.spans[SPANS] = _longest_per_layer(spans)
        return doc


def _inflected(phrases: Iterable[str], endings: Iterable[str]) -> list[str]:
    """Each folded phrase as written and with each inflection ending on its last word."""
    folded = [fold(p) for p in phrases]
    return folded + [p + ending for p in folded for ending in endings]


# Between equally long phrases of a layer, the earlier category wins: "SVIZZERA" is the state,
# not the feminine demonym.
_PRECEDENCE = ("state", "city", "demonym")


def _precedence(span: Span) -> int:
    category = label_category(span.label_)
    return _PRECEDENCE.index(category) if category in _PRECEDENCE else len(_PRECEDENCE)


def _longest_per_layer(spans: Iterable[Span]) -> list[Span]:
    layers: dict[str, list[Span]] = defaultdict(list)
    # filter_spans keeps the first of equally long spans (its sort is stable).
    for span in sorted(spans, key=_precedence):
        layers[LAYERS.get(label_category(span.label_), span.label_)].append(span)
    kept = [span for group in layers.values() for span in filter_spans(group)]
    return sorted(kept, key=lambda span: (span.start, span.end))


@Language.factory("rogatory_lexicon", default_config={"lexicon": "en"})
def make_lexicon_matcher(nlp: Language, name: str, lexicon: str) -> LexiconMatcher:
    return LexiconMatcher(nlp, lexicon)


class Negation:
    """A scoped span is negated by a near cue just before it ("non mis en cause", "nicht
    beschuldigt") or by a clause cue in its sentence ("… no es objeto de la presente solicitud")."""

    def __init__(self, scoped: list[str], near_tokens: int, clause_tokens: int) -> None:
        self.scoped = tuple(scoped)
        self.near_tokens = near_tokens
        self.clause_tokens = clause_tokens

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans[SPANS])
        near = [s for s in spans if s.label_ == "cue:negation_near"]
        clause = [s for s in spans if s.label_ == "cue:negation_clause"]
        kept, negated = [], []
        for span in spans:
            scoped = span.label_.startswith(self.scoped)
            if scoped and (self._near(span, near) or self._clause(span, clause)):
                negated.append(span)
            else:
                kept.append(span)
        doc.spans[SPANS] = kept
        doc.spans[NEGATED] = negated
        return doc

    def _near(self, span: Span, cues: list[Span]) -> bool:
        return any(0 <= span.start - cue.end <= self.near_tokens for cue in cues)

    def _clause(self, span: Span, cues: list[Span]) -> bool:
        return any(
            min(abs(span.start - cue.end), abs(cue.start - span.end)) <= self.clause_tokens
            and not _sentence_break(span.doc, min(span.end, cue.end), max(span.start, cue.start))
            for cue in cues
        )


def _sentence_break(doc: Doc, start: int, end: int) -> bool:
    """A full stop followed by a capital between two tokens. spaCy's sentencizer would also
    split after every abbreviation ("art. 2 d.lgs. 74/2000"), which legal text is full of."""
    return any(
        doc[i].text in _STOPS and i + 1 < len(doc) and doc[i + 1].text[:1].isupper()
        for i in range(start, min(end, len(doc)))
    )


@Language.factory(
    "rogatory_negation",
    default_config={
        "scoped": ["offence:", "role:", "role_after:", "cue:custody", "cue:urgent"],
        "near_tokens": 3,
        "clause_tokens": 40,
    },
)
def make_negation(
    nlp: Language, name: str, scoped: list[str], near_tokens: int, clause_tokens: int
) -> Negation:
    return Negation(scoped, near_tokens, clause_tokens)
