"""Extraction stage: the facts of a request (type, states, parties, offences, deadline, …) from
its page texts, each with evidence pointing into the page it came from.

Rules over a spaCy pipeline built from the language's lexicon (nlp/lexicons/<lang>.yaml); a new
language is a new lexicon file.
"""

from .document import extract

# Named on every record, so records made by older rules can be found and re-extracted.
EXTRACTOR_VERSION = "rules@4"

__all__ = ["EXTRACTOR_VERSION", "extract"]
