"""Language of a document's text with langdetect, made deterministic."""

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from rogatory.models import Language, LanguageCandidate

# Unseeded, langdetect flipped es↔pt and ru↔bg between runs on short texts.
DetectorFactory.seed = 0

# Paragraphs are recognised reliably; a few words are not worth a guess.
_MIN_LETTERS = 20
# Beyond this, more text does not change the answer but costs time.
_SAMPLE_CHARS = 10_000


def detect_language(text: str) -> Language:
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return Language(code=None, confidence=0.0, candidates=[])
    try:
        found = detect_langs(sample)
    except LangDetectException:
        return Language(code=None, confidence=0.0, candidates=[])
    candidates = [LanguageCandidate(code=c.lang, p=round(c.prob, 4)) for c in found]
    best = candidates[0]
    return Language(code=best.code, confidence=best.p, candidates=candidates)
