"""One document through every stage: fingerprint → pages → ocr → language → extract → translate
→ route → store, as plain functions so that a worker process runs a whole document with no
per-stage orchestration cost (Prefect spends 30–39 ms of server CPU per task run).

A stage that fails on the document leaves an error on the record and the record still reaches
the review queue. A fault of the machine (see `faults.py`) is raised instead: the document is
not stored and the next run takes it up again."""

import logging
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from rogatory import __version__
from rogatory.models import (
    Document,
    Extraction,
    Language,
    Page,
    Pipeline,
    Record,
    Stage,
    StageError,
    Translation,
    record_id,
)
from rogatory.nlp.errors import DocumentError
from rogatory.nlp.extract import EXTRACTOR_VERSION, extract
from rogatory.nlp.fingerprint import EMAIL, fingerprint
from rogatory.nlp.language import detect_language
from rogatory.nlp.mail import email_attachments
from rogatory.nlp.ocr import (
    PAGE_IMAGE,
    TESSERACT_LANGUAGES,
    ocr_image,
    ocr_images,
    tesseract_version,
    write_preview,
)
from rogatory.nlp.pages import RawPage, SplitOptions, split_pages
from rogatory.nlp.translate import translate_pages
from rogatory.review.originals import keep_original
from rogatory.review.routing import load_rules, route
from rogatory.settings import Settings, get_settings

from .faults import as_environment_fault, require_tesseract_languages
from .saving import save_record
from .timing import StageClock

log = logging.getLogger("rogatory.flows")

# Below this, the language told by the top of the first page is not trusted.
PROBE_CONFIDENCE = 0.9
PROBE_DPI = 150


def run_pipeline(
    path: Path,
    filename: str | None = None,
    received_at: datetime | None = None,
    parent_id: str | None = None,
    depth: int = 0,
    clock: StageClock | None = None,
) -> Record:
    settings = get_settings()
    clock = clock or StageClock()
    received_at = received_at or datetime.now(UTC)
    filename = filename or path.name
    found = fingerprint(path)
    try:
        original = keep_original(path, found.sha256, settings.originals_dir)
    except OSError as error:
        fault = as_environment_fault(error, "store")
        if fault is None:
            raise
        raise fault from error

    errors: list[StageError] = []
    pages: list[Page] = []
    attachment_ids: list[str] = []
    # Stages that never ran stay null, so the queue shows why a file failed, not their absence.
    language: Language | None = None
    translation: Translation | None = None
    extraction = Extraction()
    workspace = settings.data_dir / "work"
    workspace.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workspace) as temporary:
        workdir = Path(temporary)
        with recorded_as("pages", errors):
            options = SplitOptions(
                dpi=settings.ocr_dpi,
                max_pages=settings.max_pages,
                max_bytes=settings.max_file_bytes,
                max_image_pixels=settings.max_image_pixels,
            )
            raw_pages = split_pages(original, found.media_type, workdir, options)
            with recorded_as("ocr", errors), clock.timed("ocr"):
                pages = read_pages(raw_pages, settings.page_images_dir / found.sha256, settings)
        if found.media_type == EMAIL:
            with recorded_as("pages", errors):
                attachment_ids = process_attachments(
                    original, workdir, record_id(found.sha256), received_at, depth, clock
                )
    full_text = "\n\n".join(page.text for page in pages)
    if pages:
        with recorded_as("language", errors), clock.timed("language"):
            language = detect_language(full_text)
        code = language.code if language else None
        # Facts come from the original first; their spans are what translation must not touch.
        with recorded_as("extract", errors), clock.timed("extraction"):
            extraction = extract(pages, code, received_at)
        with recorded_as("translate", errors), clock.timed("translation"):
            translation = translate(pages, code, extraction, settings)

    record = Record(
        id=record_id(found.sha256),
        document=Document(
            sha256=found.sha256,
            filename=filename,
            media_type=found.media_type,
            size_bytes=found.size_bytes,
            received_at=received_at,
            page_count=len(pages),
            parent_id=parent_id,
            attachment_ids=attachment_ids,
        ),
        pages=pages,
        language=language,
        translation=translation,
        extraction=extraction,
        errors=errors,
        pipeline=pipeline_of(translation),
    )
    record.review = route(record, load_rules(), datetime.now(UTC).date())
    with clock.timed("store"):
        clock.store_retries += save_record(record, filename, original, settings.store_url)
    return record


def translate(
    pages: list[Page], language: str | None, extraction: Extraction, settings: Settings
) -> Translation:
    return translate_pages(
        pages,
        language,
        extraction,
        settings.translation_target,
        settings.translation_packages_dir,
        max_chars=settings.translation_max_chars,
    )


def read_pages(raw_pages: list[RawPage], previews: Path, settings: Settings) -> list[Page]:
    """OCR with the document's own language. The top of the first scanned page read with the
    probe languages tells which traineddata the whole document should use (the whole page when
    the top cannot tell). The page is then read with it even when tesseract is more confident of
    the probe: on the samples, a six-language pass reported higher confidence on 6 of 11 first
    pages yet had twice the character error rate (accents dropped, e.g. "à" read as "a")."""
    scanned = [raw for raw in raw_pages if raw.image is not None]
    language = settings.ocr_probe_languages
    read = {raw.number: text_page(raw) for raw in raw_pages if raw.image is None}
    if scanned and scanned[0].image is not None:
        detected = language_of_top(
            scanned[0].image, language, settings.ocr_dpi, settings.ocr_timeout_s
        )
        if detected is None:  # the top told nothing (a turned or sparse page): read it whole
            [probe] = read_scans(scanned[:1], language, settings.ocr_timeout_s, previews)
            detected = TESSERACT_LANGUAGES.get(detect_language(probe.text).code or "", language)
            if detected == language:
                read[probe.number] = probe
        language = detected
    todo = [raw for raw in scanned if raw.number not in read]
    # One tesseract process per group of pages loads the model once for the group; groups run
    # side by side, and tesseract runs in its own processes, so threads keep the cores busy.
    groups = [todo[i :: settings.ocr_workers] for i in range(min(settings.ocr_workers, len(todo)))]
    with ThreadPoolExecutor(max_workers=max(len(groups), 1)) as pool:
        for pages in pool.map(
            lambda group: read_scans(group, language, settings.ocr_timeout_s, previews), groups
        ):
            read.update((page.number, page) for page in pages)
    return [read[raw.number] for raw in raw_pages]


def text_page(raw: RawPage) -> Page:
    return Page(number=raw.number, text=raw.text or "", source=raw.source)


def read_scans(raws: list[RawPage], languages: str, timeout_s: int, previews: Path) -> list[Page]:
    require_tesseract_languages(languages)
    results = ocr_images([raw.image for raw in raws if raw.image], languages, timeout_s)
    pages = []
    for raw, result in zip(raws, results, strict=True):
        write_preview(result.image, previews / f"{raw.number}.png")
        pages.append(
            Page(
                number=raw.number,
                text=result.text,
                source=raw.source,
                ocr_confidence=result.confidence,
                ocr_languages=result.languages,
                rotation=result.rotation,
                deskew_angle=result.deskew_angle,
                words=result.words,
                width=result.width,
                height=result.height,
            )
        )
    return pages


def language_of_top(image: Path, probe_languages: str, dpi: int, timeout_s: int) -> str | None:
    """The tesseract language of a page told by its top: the top 35% at 150 dpi, read
    with the probe languages, costs about a third of reading the whole page and named the
    language of all 42 sample scans' first pages (the top 30% did too, 25% missed one; at 100
    dpi, one). None when it cannot tell with confidence."""
    require_tesseract_languages(probe_languages)
    with Image.open(image) as page:
        top = page.convert("L").crop((0, 0, page.width, page.height * 35 // 100))
    if dpi > PROBE_DPI:
        size = (top.width * PROBE_DPI // dpi, top.height * PROBE_DPI // dpi)
        top = top.resize(size, Image.Resampling.BOX)
    probe = image.with_name(f"{image.stem}.probe{PAGE_IMAGE}")
    top.save(probe)
    found = detect_language(ocr_image(probe, probe_languages, timeout_s).text)
    if found.code in TESSERACT_LANGUAGES and found.confidence >= PROBE_CONFIDENCE:
        return TESSERACT_LANGUAGES[found.code]
    return None


def process_attachments(
    email: Path,
    workdir: Path,
    email_id: str,
    received_at: datetime,
    depth: int,
    clock: StageClock,
) -> list[str]:
    """Each attachment is a document of its own, linked both ways with the e-mail."""
    settings = get_settings()
    if depth >= settings.max_attachment_depth:
        raise DocumentError(
            "pages", f"attachments nested more than {settings.max_attachment_depth} deep"
        )
    return [
        run_pipeline(
            attachment.path,
            attachment.filename,
            received_at,
            parent_id=email_id,
            depth=depth + 1,
            clock=clock,
        ).id
        for attachment in email_attachments(email, workdir, settings.max_attachments_bytes)
    ]


@contextmanager
def recorded_as(stage: Stage, errors: list[StageError]) -> Iterator[None]:
    try:
        yield
    except DocumentError as error:
        errors.append(StageError(stage=error.stage, message=error.message))
    except Exception as error:  # a bug or an unforeseen input must not lose the document
        fault = as_environment_fault(error, stage)
        if fault is not None:
            raise fault from error
        log.exception("stage %s failed", stage)
        errors.append(
            StageError(stage=stage, message=f"internal error: {type(error).__name__}: {error}")
        )


def pipeline_of(translation: Translation | None) -> Pipeline:
    components = {
        "ocr": f"tesseract@{tesseract_version()}",
        "language": "langdetect@1.0.9",
        "extract": EXTRACTOR_VERSION,
    }
    if translation and translation.engine:
        components["translate"] = translation.engine
    return Pipeline(version=__version__, components=components)
