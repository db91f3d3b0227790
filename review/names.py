"""Person names compared the way analysts need: "Pérez" finds "Perez", "Александр Иванов" finds
"Aleksandr Ivanov" and "Alexander Iwanow", a swapped surname and forename still match."""

import re
from functools import lru_cache

from rapidfuzz import fuzz, process
from text_unidecode import unidecode

# Spellings that transliteration schemes and languages write differently for the same sound,
# each folded to one form (applied in order, after the name is in plain Latin letters).
SOUNDS = [("kh", "h"), ("ph", "f"), ("x", "ks"), ("w", "v"), ("j", "y"), ("ou", "u")]
DOUBLED = re.compile(r"(\w)\1+")
NOT_LETTERS = re.compile(r"[^a-z ]+")
# A match scores at least this (0-100) on rapidfuzz's token-set ratio of the folded names.
MIN_SCORE = 85
# Two full names are taken for the same person from this token-sort ratio up.
SAME_PERSON_SCORE = 90


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """The name in a form where spelling variants of the same name coincide."""
    folded = NOT_LETTERS.sub(" ", unidecode(name).lower())
    for written, sound in SOUNDS:
        folded = folded.replace(written, sound)
    return " ".join(DOUBLED.sub(r"\1", folded).split())


def _matches(query: str, names: list[str]) -> list[tuple[int, float]]:
    """(index, score) of the names that match `query`: rapidfuzz's token-set ratio of the folded
    names, all compared at once."""
    wanted = fold(query)
    if not wanted:
        return []
    found = process.extract(
        wanted,
        [fold(name) for name in names],
        scorer=fuzz.token_set_ratio,
        score_cutoff=MIN_SCORE,
        limit=None,
    )
    return [(index, score) for _folded, score, index in found]


def similar(query: str, names: list[str]) -> dict[str, float]:
    """The names that match `query`, with their scores."""
    return {names[index]: score for index, score in _matches(query, names)}


def candidates(query: str, named: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (key, name) pairs whose name may be `query`'s person: those `similar` would find,
    a superset of those `same_person` accepts."""
    return [named[index] for index, _ in _matches(query, [name for _, name in named])]


def same_person(one: str, other: str) -> bool:
    """Whether two written names are likely the same person: all of the shorter name's parts (at
    least two: a forename alone links nobody) appear in the longer, or both read nearly alike."""
    a, b = fold(one).split(), fold(other).split()
    shorter, longer = sorted((set(a), set(b)), key=len)
    if len(shorter) >= 2 and shorter <= longer:
        return True
    return (
        min(len(a), len(b)) >= 2
        and fuzz.token_sort_ratio(" ".join(a), " ".join(b)) >= SAME_PERSON_SCORE
    )
