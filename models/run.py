"""What a backlog run reports: per file, what happened; per run, totals and time per stage."""

from pydantic import BaseModel, Field

from .record import Stage

# Stages a run is timed by, in pipeline order.
TIMED_STAGES = ("ocr", "language", "translation", "extraction", "store")


class FileFailure(BaseModel):
    """A file the run could not finish: it is not in the store, so the next run takes it up."""

    path: str
    stage: Stage
    reason: str


class FileOutcome(BaseModel):
    path: str
    sha256: str
    record_id: str | None = None
    pages: int = 0
    errors: list[str] = Field(
        default=[], description="Stage errors on the stored record ('stage: message')"
    )
    failure: FileFailure | None = None
    seconds: float = 0.0
    stage_seconds: dict[str, float] = {}
    worker: str = Field(default="", description="host:pid of the process that ran it")
    store_retries: int = Field(default=0, description="Saves tried again, the store being away")


class RunReport(BaseModel):
    files: int = Field(description="Files found")
    skipped: int = Field(description="Already processed by this pipeline version")
    duplicates: int = Field(default=0, description="Same content as another file of the run")
    processed: int = 0
    pages: int = 0
    with_errors: int = Field(default=0, description="Stored with stage errors on the record")
    failures: list[FileFailure] = []
    seconds: float = 0.0
    stage_seconds: dict[str, float] = Field(
        default={}, description="Summed over documents: OCR, language, translation, extraction…"
    )
    workers: dict[str, int] = Field(default={}, description="Documents per worker process")
    store_retries: int = 0

    @property
    def pages_per_minute(self) -> float:
        return 60 * self.pages / self.seconds if self.seconds else 0.0
