"""Parties: names next to role words ("el investigado Juan Pérez García", "Aylin DEMIR,
Kontoinhaberin"), and companies recognised by their legal form ("… Trading, Lda.").

Names are read as runs of capitalised words in the folded doc and reported as written in the
page. Judges and prosecutors carry no role word, so they are not parties.
"""

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from rogatory.models import Party, PartyKind, PartyRole

from .components import NEGATED, SPANS, label_category
from .lexicon import authority_regex, load_lexicon
from .pipeline import Analysed

_EXTRACTOR = "rules:parties@1"
# Lowercase words tolerated between a role word and the name ("perjudicadas figura Dª. …").
_MAX_SKIPPED_WORDS = 2
_FORWARD_REACH = 8
# How far back a role word placed after the name looks for it ("Yanis KERBOUCHE, né le …,
# mis en examen").
_BACKWARD_REACH = 25
_MAX_NAME_TOKENS = 10
_MIN_PERSON_WORDS = 2
# Tokens a legal form may be split into ("S.p" "." "A.").
_GLUED_TOKENS = 3
_LINKS = {":", ",", "(", ")", "-"}
_NOT_NAME_LABELS = ("state:", "demonym:", "city:")
# What a heading may hold besides its role word: numbering, punctuation.
_HEADING_REST = re.compile(r"[\W\d_]*")
_LIST_ITEM = re.compile(r"\s*(?:\(?[a-z0-9]{1,2}[.)]|[-–•*])\s+")


@dataclass(frozen=True)
class _Words:
    honorifics: frozenset[str]
    skip: frozenset[str]
    particles: frozenset[str]
    conjunctions: frozenset[str]
    suffixes: frozenset[str]
    organisation_heads: frozenset[str]
    authorities: re.Pattern[str]


@cache
def _words(language: str) -> _Words:
    lex = load_lexicon(language)
    return _Words(
        honorifics=lex.folded_set(lex.honorifics),
        skip=lex.folded_set(lex.name_skip),
        particles=lex.folded_set(lex.name_particles),
        conjunctions=lex.folded_set(lex.conjunctions),
        suffixes=frozenset(s.rstrip(".") for s in lex.folded_set(lex.company_suffixes)),
        organisation_heads=lex.folded_set(lex.organisation_heads),
        authorities=authority_regex(language),
    )


def parties(pages: Sequence[Analysed], language: str) -> list[Party]:
    found: dict[tuple[str, ...], Party] = {}
    for page in pages:
        reader = _NameReader(page, _words(language))
        cues = sorted(
            [*page.spans("role:"), *page.spans("role_after:"), *page.spans("organisation:")],
            key=lambda s: s.start,
        )
        for cue in cues:
            # An organisation word always comes before the name ("la sociedad X"); a role
            # word may also follow it ("X, mis en examen"); a `role_after` phrase only follows
            # it ("X is under investigation in the Southern District …").
            category = label_category(cue.label_)
            name = None if category == "role_after" else reader.forward(cue.end)
            names = reader.coordinated(name) if name else []
            if name is None and category != "organisation":
                name = reader.backward(cue.start)
                names = [name] if name else []
            role = PartyRole(cue.label_.split(":", 1)[1])
            for each in names:
                _keep(found, reader.party(each, role, category == "organisation", 0.7))
        for cue in page.spans("role:"):
            for name in reader.listed_under(cue):
                role = PartyRole(cue.label_.split(":", 1)[1])
                _keep(found, reader.party(name, role, False, 0.6))
        for name in reader.companies():
            _keep(found, reader.party(name, PartyRole.OTHER, True, 0.5))
    return list(found.values())


def _keep(found: dict[tuple[str, ...], Party], party: Party) -> None:
    """First mention wins, except that a real role replaces "other"."""
    key = tuple(sorted(re.findall(r"\w+", party.name.casefold())))
    known = found.get(key)
    if known is None or (known.role == PartyRole.OTHER and party.role != PartyRole.OTHER):
        found[key] = party


class _NameReader:
    def __init__(self, page: Analysed, words: _Words) -> None:
        self.page = page
        self.doc: Doc = page.doc
        self.words = words
        # Words of the lexicon (role words, offences, cues) end a name; places may be in one.
        self.blocked = {
            i
            for key in (SPANS, NEGATED)
            for span in self.doc.spans[key]
            if not span.label_.startswith(_NOT_NAME_LABELS)
            for i in range(span.start, span.end)
        }
        # "Persona perjudicada: la mercantil Textil Montseny, S.A.": a role word reads on past
        # the organisation word to the name.
        self.organisation_words = {
            i
            for span in self.doc.spans[SPANS]
            if label_category(span.label_) == "organisation"
            for i in range(span.start, span.end)
        }

    def _lower(self, token: Token) -> str:
        return token.lower_.rstrip(".")

    def is_word(self, token: Token) -> bool:
        text = token.text
        letters = sum(ch.isalpha() for ch in text)
        return (
            token.i not in self.blocked
            and text[:1].isupper()
            and not any(ch.isdigit() for ch in text)
            and (letters >= 2 or text.endswith("."))
            and token.lower_ not in self.words.skip
            and token.lower_ not in self.words.honorifics
        )

    def _is_suffix(self, token: Token) -> bool:
        return self._lower(token) in self.words.suffixes

    def _joinable(self, j: int) -> bool:
        """Whether token j can stand inside a name, given its right neighbour."""
        token = self.doc[j]
        nxt = self.doc[j + 1] if j + 1 < len(self.doc) else None
        previous = self.doc[j - 1] if j > 0 else None
        if previous is not None and self._is_suffix(previous):
            # A legal form ends the name, but for a compound one ("S.A. de C.V.").
            return token.lower_ in self.words.particles and nxt is not None and self._is_suffix(nxt)
        if self.is_word(token) or token.text == "&":
            return True
        if token.text == "-" and previous is not None and nxt is not None:
            # "Okafor-Reid", "Jean-Marc": a hyphen inside a word, which spaCy splits off.
            return not previous.whitespace_ and not token.whitespace_ and self.is_word(nxt)
        if token.lower_ in self.words.skip and token.text[:1].isupper() and j > 0:
            # "SCI Les Aravis": a capitalised article inside a name, never at its start.
            return self.is_word(self.doc[j - 1]) and nxt is not None and self.is_word(nxt)
        if token.lower_ in self.words.particles:
            # "Agencia Vasca de la Energía": particles may come in a row before the next word.
            k = j + 1
            while k < len(self.doc) - 1 and self.doc[k].lower_ in self.words.particles:
                k += 1
            return k < len(self.doc) and self.is_word(self.doc[k])
        return token.text == "," and nxt is not None and self._is_suffix(nxt)

    def _linked(self, j: int) -> bool:
        """Token j may continue a name begun before it: same line, or a wrapped prose line.
        Two tokens on different lines of a short (form) line belong to different fields."""
        text = self.page.text
        before, after = self.doc[j - 1], self.doc[j]
        first = text.line_index(text.offsets[before.idx])
        second = text.line_index(text.offsets[after.idx])
        return first == second or (second == first + 1 and text.wraps(first))

    def _starts_run(self, j: int) -> bool:
        k = j - 1
        while k >= 0 and self.doc[k].lower_ in self.words.particles:
            k -= 1
        if k < j - 1:
            # "la denuncia de la Agencia …": particles join a name only after one of its words.
            return k < 0 or not (self.is_word(self.doc[k]) and self._linked(k + 1))
        return j == 0 or not (self._joinable(j - 1) and self._linked(j))

    def _run_end(self, start: int, end: int) -> int:
        while (
            end < len(self.doc)
            and end - start < _MAX_NAME_TOKENS
            and self._joinable(end)
            and self._linked(end)
        ):
            end += 1
        return end

    def _surname_first(self, start: int, end: int) -> bool:
        """A surname in capitals, a comma, then the given names: "HUBER, Maximilian Georg"."""
        doc = self.doc
        return (
            end == start + 1
            and end + 1 < len(doc)
            and doc[start].text.isupper()
            and doc[end].text == ","
            and self.is_word(doc[end + 1])
            and not doc[end + 1].text.isupper()
            and self._linked(end + 1)
        )

    def read(self, start: int) -> tuple[int, int] | None:
        doc = self.doc
        end = self._run_end(start, start + 1)
        if self._surname_first(start, end):
            end = self._run_end(start, end + 2)
        while end > start and not self.is_word(doc[end - 1]):
            end -= 1
        end = self._glued_suffix_end(start, end)
        return (start, end) if self._valid(start, end) else None

    def _glued_suffix_end(self, start: int, end: int) -> int:
        """A legal form split by the tokenizer ("S.r.l." as "S.r.l" "."; "S.p.A.," as "S.p" "."
        "A." ","): the name takes the tokens glued to its last word that complete one."""
        doc = self.doc
        word = end - 1
        while word > start and not doc[word - 1].whitespace_:
            word -= 1
        best = end
        for stop in range(end + 1, min(end + _GLUED_TOKENS, len(doc)) + 1):
            if doc[stop - 2].whitespace_:
                break
            if doc[word:stop].text.lower().rstrip(".") in self.words.suffixes:
                best = stop
        return best

    def _valid(self, start: int, end: int) -> bool:
        tokens = self.doc[start:end]
        # Courts and prosecution offices are the authorities of the case, never its parties,
        # also when their head word is not capitalised ("condenado pelo juízo Central …").
        if self.words.authorities.search(self.doc[max(0, start - 1) : end].text):
            return False
        if self._organisation(tokens):
            return True
        capitalised = [t for t in tokens if self.is_word(t)]
        return len(capitalised) >= _MIN_PERSON_WORDS and not self._place(start, end)

    def _place(self, start: int, end: int) -> bool:
        return any(
            s.start <= start and end <= s.end
            for s in self.doc.spans[SPANS]
            if s.label_.startswith(_NOT_NAME_LABELS)
        )

    def _organisation(self, tokens: Span) -> bool:
        return any(self._is_suffix(t) or t.lower_ in self.words.organisation_heads for t in tokens)

    def forward(self, index: int) -> tuple[int, int] | None:
        skipped = 0
        for j in range(index, min(index + _FORWARD_REACH, len(self.doc))):
            token = self.doc[j]
            if j in self.organisation_words:
                continue
            if j in self.blocked:
                return None
            if self.is_word(token):
                return self.read(j)
            lower = token.lower_
            if token.text in _LINKS or lower in self.words.skip or lower in self.words.honorifics:
                continue
            if token.is_alpha and token.is_lower and skipped < _MAX_SKIPPED_WORDS:
                skipped += 1
                continue
            return None
        return None

    def coordinated(self, name: tuple[int, int]) -> list[tuple[int, int]]:
        """The name and those joined to it by a conjunction right before a name ("Kevin Dahlke
        und Jannik Dahlke")."""
        names = [name]
        end = name[1]
        while end + 1 < len(self.doc) and self.doc[end].lower_ in self.words.conjunctions:
            if not (self.is_word(self.doc[end + 1]) and self._linked(end + 1)):
                break
            following = self.read(end + 1)
            if following is None:
                break
            names.append(following)
            end = following[1]
        return names

    def backward(self, index: int) -> tuple[int, int] | None:
        """The first name of the clause that a role word closes: in "Frau Helga Brandstetter,
        Geschäftsführerin der Solaris Projekt GmbH, als Zeugin" the witness is Helga
        Brandstetter, the company is only her apposition."""
        found = None
        for j in range(index - 1, max(-1, index - _BACKWARD_REACH), -1):
            token = self.doc[j]
            if j in self.blocked or token.text == ";" or self._sentence_end(j):
                break
            if not self._linked(j + 1):  # a heading or form field above is another matter
                break
            if self.is_word(token) and self._starts_run(j):
                found = self.read(j) or found
        return found

    def _sentence_end(self, j: int) -> bool:
        if self.doc[j].text != ".":
            return False
        before = self.doc[j - 1] if j > 0 else None
        abbreviation = before is not None and (
            self._is_suffix(before)
            or len(before.text) == 1
            or before.lower_ in self.words.honorifics
        )
        return not abbreviation

    def listed_under(self, cue: Span) -> list[tuple[int, int]]:
        """The names opening the list items below a heading that is only a role word
        ("2. PERSONS UNDER INVESTIGATION" / "(a) Graham WHITCOMBE, …" / "(b) Apex … Ltd")."""
        text = self.page.text
        cue_start = text.offsets[cue.start_char]
        cue_end = text.offsets[cue.end_char - 1] + 1
        line = text.line_index(cue_start)
        start, end = text.line(line)
        rest = text.original[start:cue_start] + text.original[cue_end:end]
        if not _HEADING_REST.fullmatch(rest):
            return []
        names = []
        in_item = False
        for below in range(line + 1, text.line_count):
            start, end = text.line(below)
            content = text.original[start:end]
            if not content.strip():
                continue  # OCR puts blank lines between items
            item = _LIST_ITEM.match(content)
            if item is None:
                # An item's continuation: indented, or its item line ran to the margin.
                if in_item and (content[:1].isspace() or text.wraps(below - 1)):
                    continue
                break
            in_item = True
            token = self._token_at(start + item.end())
            name = self.forward(token) if token is not None else None
            if name:
                names.append(name)
        return names

    def _token_at(self, original_pos: int) -> int | None:
        position = bisect_left(self.page.text.offsets, original_pos)
        if position >= len(self.doc.text):
            return None
        span = self.doc.char_span(position, position + 1, alignment_mode="expand")
        return span.start if span is not None else None

    def companies(self) -> list[tuple[int, int]]:
        """Names ending in a legal form ("NordSolar Invest GmbH"), wherever they stand."""
        names = []
        for token in self.doc:
            if not (self._is_suffix(token) and token.text[:1].isupper()):
                continue
            start = token.i
            while not self._starts_run(start):
                start -= 1
            while start < token.i and not self.is_word(self.doc[start]):
                start += 1
            if start == token.i:
                continue
            name = self.read(start)
            if name and name[1] > token.i:
                names.append(name)
        return names

    def party(
        self, name: tuple[int, int], role: PartyRole, organisation: bool, confidence: float
    ) -> Party:
        start, end = name
        tokens = self.doc[start:end]
        kind = organisation or self._organisation(tokens)
        return Party(
            name=self.page.surface(tokens.start_char, tokens.end_char),
            role=role,
            kind=PartyKind.ORGANISATION if kind else PartyKind.PERSON,
            evidence=self.page.evidence(tokens, _EXTRACTOR, confidence),
        )
