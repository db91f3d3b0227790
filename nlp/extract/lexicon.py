"""Language data of the extraction rules, one YAML file per language in nlp/lexicons/.

A language is added by writing its file, never by code. `_common.yaml` holds what every language
shares (company suffixes, currency symbols, treaty numbers) and is merged into each file.
"""

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from .text import fold

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"
COMMON = "_common"
FALLBACK_LANGUAGE = "en"
# A phrase entry starting with this is a regular expression (e.g. German compounds "…betrug").
REGEX_PREFIX = "re:"

DurationUnit = Literal["days", "weeks", "months"]


class Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str
    region: str | None = None
    # category -> key -> phrases; categories are listed in components.CATEGORIES
    phrases: dict[str, dict[str, list[str]]] = {}
    months: dict[str, int] = {}
    date_connectors: list[str] = []
    date_labels: list[str] = []
    place_date_connectors: list[str] = []
    deadline_cues: list[str] = []
    # Requesting states that write numeric dates month first ("03/05/2027" is 5 March).
    month_first_states: list[str] = []
    # Whether everyone writing the language puts the day first in a numeric date; English is
    # written both ways (London 5/3, Washington 3/5).
    day_first_only: bool = True
    relative_deadlines: list[str] = []
    duration_units: dict[str, DurationUnit] = {}
    reference_types: list[str] = []
    reference_labels: list[str] = []
    passport_labels: list[str] = []
    plate_labels: list[str] = []
    phone_labels: list[str] = []
    currencies: dict[str, str] = {}
    # Words that multiply the number before them ("3,5 Mio.", "2 milliards"): the value of a
    # "billion" is the language's own (10^9 in English, 10^12 in French and German).
    scale_words: dict[str, float] = {}
    # Words between a scale word and the currency ("millions d'euros", "milioni di euro").
    scale_connectors: list[str] = []
    authority_heads: list[str] = []
    honorifics: list[str] = []
    name_skip: list[str] = []
    name_particles: list[str] = []
    # "die Beschuldigten Kevin Dahlke und Jannik Dahlke": a name joined by one of these to a
    # name read after a role word shares its role.
    conjunctions: list[str] = []
    company_suffixes: list[str] = []
    organisation_heads: list[str] = []
    # Endings the language adds to a phrase's last word ("Computerbetrug" -> "Computerbetrugs"):
    # each plain phrase also matches with one of them.
    inflections: list[str] = []
    # Titles of the officials who sign a request ("Oberstaatsanwältin", "juge d'instruction"):
    # an authority's name ends where one begins.
    official_titles: list[str] = []

    def folded_set(self, words: list[str]) -> frozenset[str]:
        return frozenset(fold(w).lower() for w in words)


def available_languages() -> frozenset[str]:
    return frozenset(p.stem for p in LEXICON_DIR.glob("*.yaml") if not p.stem.startswith("_"))


def lexicon_language(language: str | None) -> str:
    """The lexicon used for a document: its own language, or English when there is none."""
    return language if language in available_languages() else FALLBACK_LANGUAGE


@cache
def load_lexicon(language: str) -> Lexicon:
    data = _merge(_read(COMMON), _read(language))
    return Lexicon.model_validate(data)


@cache
def authority_regex(language: str) -> re.Pattern[str]:
    """Words that make a name an authority ("Juzgado", "Amtsgericht"), matched on folded text as
    whole words so that "court" is not found in "Harcourt Square"; compounds are written as
    expressions in the lexicon."""
    return re.compile(alternation(load_lexicon(language).authority_heads), re.IGNORECASE)


@cache
def official_titles_regex(language: str) -> re.Pattern[str]:
    """Titles of signing officials, matched like authority heads (folded, whole words)."""
    return re.compile(alternation(load_lexicon(language).official_titles), re.IGNORECASE)


def _read(name: str) -> dict[str, Any]:
    with (LEXICON_DIR / f"{name}.yaml").open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle) or {}
    if not isinstance(loaded, dict):
        raise ValueError(f"lexicon {name}.yaml is not a mapping")
    return loaded


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + extra
    return extra


def alternation(phrases: list[str]) -> str:
    """One regex alternative per phrase, matched accent-folded with any whitespace between words;
    entries marked as regular expressions are taken as written. Longest first, so the most
    specific phrase wins at a position."""
    parts = [
        fold(p[len(REGEX_PREFIX) :]) if p.startswith(REGEX_PREFIX) else _phrase_regex(p)
        for p in sorted(phrases, key=len, reverse=True)
    ]
    return "|".join(f"(?:{part})" for part in parts) or r"(?!)"


def _phrase_regex(phrase: str) -> str:
    words = fold(phrase).split()
    body = r"\s+".join(re.escape(w) for w in words)
    head = r"\b" if words and words[0][0].isalnum() else ""
    tail = r"\b" if words and words[-1][-1].isalnum() else ""
    return f"{head}{body}{tail}"
