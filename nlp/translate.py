"""Translation for reading, never as a source of facts.

Each page is cut into paragraphs and sentences; names, numbers, dates and identifiers are masked
(`protect`), the sentences of the whole document go through Argos Translate, and each comes back
only if its placeholders did. Page and paragraph structure is kept so that a reviewer reads the
translation beside the page it renders.
"""

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from rogatory.models import Extraction, Page, Translation, TranslationFlag, TranslationStatus
from rogatory.nlp.packages import PackageInfo, find_route, installed_packages, load_argos
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
    translation = translate_protected(
        pages, source, extraction, argos_translator(route, packages_dir)
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


def argos_translator(route: list[PackageInfo], packages_dir: Path) -> Translator:
    """The route's packages, given all of a document's sentences at once.

    `argostranslate.translate` takes one text at a time, splits it into sentences again and
    hands CTranslate2 batches of 32 tokens, i.e. one sentence each: 0.7 s a page with the demo
    models; its sentence splitter also imports stanza and torch (0.8 s in every process). The
    sentences here are already split and masked: each package of the route gets them in one
    `translate_batch` call, with the decoding options argostranslate uses, and only
    argostranslate's package code (metadata, tokenizer) is used."""
    hops = [_package_translator(package.path, packages_dir) for package in route]

    def translate(sentences: list[str]) -> list[str]:
        for hop in hops:
            sentences = hop(sentences) if sentences else sentences
        return sentences

    return translate


@cache
def _package_translator(package_path: Path, packages_dir: Path) -> Translator:
    """One installed package, its model loaded once a process."""
    import ctranslate2

    argos = load_argos(packages_dir)
    settings = argos.settings
    package = argos.package.Package(package_path)
    model = ctranslate2.Translator(
        str(package_path / "model"),
        device=settings.device,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
        compute_type=settings.compute_type,
    )

    def translate(sentences: list[str]) -> list[str]:
        tokens = [package.tokenizer.encode(sentence) for sentence in sentences]
        prefix = [[package.target_prefix]] * len(tokens) if package.target_prefix else None
        results = model.translate_batch(
            tokens,
            target_prefix=prefix,
            replace_unknowns=True,
            max_batch_size=settings.batch_size,
            batch_type="examples",
            beam_size=settings.beam_size,
            num_hypotheses=1,
            length_penalty=0.2,
        )
        return [_decoded(package, result.hypotheses[0]) for result in results]

    return translate


def _decoded(package: Any, tokens: list[str]) -> str:
    text: str = package.tokenizer.decode(tokens)
    if package.target_prefix and text.startswith(package.target_prefix):
        text = text[len(package.target_prefix) :]
    return text.removeprefix(" ")
