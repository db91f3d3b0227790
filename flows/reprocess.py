"""Re-running the later stages of stored records (after better extraction rules, a new
translation package) from their stored page text: no file is read and nothing is OCRed again.

A re-run is not an arrival, so records are written back with `Store.replace` rather than
`Store.save` (which adds an arrival row). It stays one transaction per record: the record, its
queue routing (people's decisions kept) and an audit entry with the record's new hash."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Literal

from prefect import flow
from sqlalchemy import select

from rogatory.models import Extraction, Record
from rogatory.nlp.extract import extract
from rogatory.nlp.language import detect_language
from rogatory.review.routing import load_rules, route
from rogatory.review.tables import QueueItemRow, RecordRow
from rogatory.settings import Settings, get_settings

from .pipeline import pipeline_of, recorded_as, translate
from .saving import open_engine, open_store
from .timing import StageClock

RestartStage = Literal["language", "extract", "translate", "route"]
# Stages from which a re-run can start, each followed by those after it.
LATER_STAGES: tuple[RestartStage, ...] = ("language", "extract", "translate", "route")
BATCH = 200


def rerun(record: Record, stage: RestartStage, settings: Settings, clock: StageClock) -> Record:
    """The record with `stage` and every later stage run again on its stored pages."""
    again = LATER_STAGES[LATER_STAGES.index(stage) :]
    errors = [e for e in record.errors if e.stage not in again]
    language, extraction, translation = record.language, record.extraction, record.translation
    received_at = record.document.received_at
    if record.pages and "language" in again:
        with recorded_as("language", errors), clock.timed("language"):
            language = detect_language("\n\n".join(page.text for page in record.pages))
    code = language.code if language else None
    if record.pages and "extract" in again:
        extraction = Extraction()
        with recorded_as("extract", errors), clock.timed("extraction"):
            extraction = extract(record.pages, code, received_at)
    if record.pages and "translate" in again:
        with recorded_as("translate", errors), clock.timed("translation"):
            translation = translate(record.pages, code, extraction, settings)
    updated = record.model_copy(
        update={
            "language": language,
            "extraction": extraction,
            "translation": translation,
            "errors": errors,
            "pipeline": pipeline_of(translation),
        }
    )
    updated.review = route(updated, load_rules(), datetime.now(UTC).date())
    return updated


def stored_since(store_url: str, since: datetime) -> Iterator[Record]:
    """Stored records of documents received at or after `since`, in batches."""
    engine = open_engine(store_url)
    after = ""
    while True:
        query = (
            select(RecordRow.id, RecordRow.record)
            .join(QueueItemRow, QueueItemRow.record_id == RecordRow.id)
            .where(QueueItemRow.received_at >= since, RecordRow.id > after)
            .order_by(RecordRow.id)
            .limit(BATCH)
        )
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield Record.model_validate(row.record)
        after = rows[-1].id


@flow(name="reprocess_records")
def reprocess_records(stage: RestartStage, since: datetime) -> tuple[int, dict[str, float]]:
    """Re-run `stage` and later on every record received since `since`; the count and the
    seconds spent per stage."""
    settings = get_settings()
    clock = StageClock()
    done = 0
    for record in stored_since(settings.store_url, since):
        updated = rerun(record, stage, settings, clock)
        with clock.timed("store"):
            open_store(settings.store_url).replace(updated)
        done += 1
    return done, dict(clock.seconds)
