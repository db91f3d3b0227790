"""The `process_document` flow: one file through the whole pipeline (`pipeline.py`) as one
Prefect flow run. Stage errors become `record.errors` and the record still reaches the review
queue; a fault of the machine (tesseract language data missing, disk full, store unreachable
after retries) raises `EnvironmentFault` and stores nothing, so running the file again resumes."""

from datetime import datetime
from pathlib import Path

from prefect import flow

from rogatory.models import Record

from .pipeline import run_pipeline


@flow(name="process_document")
def process_document(
    path: Path,
    filename: str | None = None,
    received_at: datetime | None = None,
    parent_id: str | None = None,
    depth: int = 0,
) -> Record:
    return run_pipeline(path, filename, received_at, parent_id, depth)
