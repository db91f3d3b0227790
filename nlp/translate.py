"""Translation for reading, never as a source of facts.

Each page is cut into paragraphs and sentences; names, numbers, dates and identifiers are masked
(`protect`), the sentences of the whole document go through Argos Translate, and each comes back
only if its placeholders did. Page and paragraph structure is kept so that a reviewer reads the
translation beside the page it renders.
"""

from collections.abc import Callable
from pathlib import Path

from rogatory.models import Extraction, Page, Translation, TranslationFlag, TranslationStatus
from rogatory.nlp.packages import find_route, installed_packages, load_argos
from rogatory.nlp.protect import Paragraph, paragraphs, protected_spans

# Translates a batch of masked sentences, in order.
Translator = Callable[[list[str]], list[str]]


def translate_pages(
    pages: list[Page],
    source: str | None,
    extraction: Extraction,
    target: str,
    packages_dir: Path,
    max_chars: int = 200_000,
) -> Translation:
    if source == target:
        return Translation(target=target, status=TranslationStatus.NOT_NEEDED)
    unavailable = Translation(target=target, status=TranslationStatus.UNAVAILABLE)
    if source is None:
        return unavailable.model_copy(update={"note": "the language was not detected"})
    route = find_route(installed_packages(packages_dir), source, target)
    if route is None:
        note = f"no installed translation package takes {source} to {target}"
        return unavailable.model_copy(update={"note": note})
    length = sum(len(page.text) for page in pages)
    if length > max_chars:
        note = f"{length} characters: longer than the {max_chars} translated by machine"
        return unavailable.model_copy(update={"note": note})
    argos = load_argos(packages_dir).translate.get_translation_from_codes(source, target)
    translation = translate_protected(
        pages, source, extraction, lambda batch: [argos.translate(text) for text in batch]
    )
    engine = "+".join(package.engine for package in route)
    return translation.model_copy(update={"target": target, "engine": engine})


def translate_protected(
    pages: list[Page], source: str, extraction: Extraction, translator: Translator
) -> Translation:
    """The pages translated sentence by sentence with their values masked; a sentence whose
    translation fails a check stays in the original and is flagged."""
    laid_out = [paragraphs(page, protected_spans(page, extraction)) for page in pages]
    todo = [
        segment
        for page_paragraphs in laid_out
        for paragraph in page_paragraphs
        for segment in paragraph.segments
        if segment.translatable
    ]
    translated = dict(zip((id(s) for s in todo), translator([s.masked for s in todo]), strict=True))
    flags: list[TranslationFlag] = []
    texts = [_page_text(page_paragraphs, translated, flags) for page_paragraphs in laid_out]
    return Translation(
        status=TranslationStatus.TRANSLATED, text="\n\n".join(texts), pages=texts, flags=flags
    )


def _page_text(
    page_paragraphs: list[Paragraph], translated: dict[int, str], flags: list[TranslationFlag]
) -> str:
    rendered = []
    for paragraph in page_paragraphs:
        sentences = []
        for segment in paragraph.segments:
            if id(segment) not in translated:
                sentences.append(segment.text)
                continue
            problem = segment.problem(translated[id(segment)])
            if problem is None:
                sentences.append(segment.restore(translated[id(segment)]))
                continue
            flags.append(
                TranslationFlag(
                    page=segment.page, start=segment.start, end=segment.end, reason=problem
                )
            )
            sentences.append(segment.text)
        rendered.append(" ".join(sentences))
    return "\n\n".join(rendered)
