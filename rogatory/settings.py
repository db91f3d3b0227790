"""The one settings object. Every value can be set with an environment variable ROGATORY_<NAME>."""

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROGATORY_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Originals, the SQLite store, models and Prefect's home live under here",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite under data_dir when unset"
    )
    # 200, not the 300 tesseract's documentation suggests: on the sample scans (11–12 pt, 300 dpi
    # originals) the character error rate was 0.42% against 0.82% (faxes, 204×98 dpi originals,
    # 0.55% against 2.07%), extraction scored the same, 7–10 pt print read as well, and tesseract
    # took a fifth less time (docs/backlog.md, "OCR resolution").
    ocr_dpi: int = Field(default=200, ge=72, le=600)
    ocr_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    ocr_probe_languages: str = Field(
        default="eng",
        description="tesseract languages of a first pass whose text tells the document's language",
    )
    ocr_timeout_s: int = Field(default=120, ge=1, description="tesseract time limit per page")
    max_file_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    max_attachment_depth: int = Field(
        default=3, ge=0, description="E-mails inside e-mails are opened this many levels deep"
    )
    max_pages: int = Field(default=500, ge=1)
    max_image_pixels: int = Field(
        default=150_000_000,
        ge=1,
        description="Pillow's decompression-bomb limit, set deliberately: an A3 page at 600 dpi "
        "is 70 Mpx",
    )
    max_attachments_bytes: int = Field(
        default=200 * 1024 * 1024, ge=1, description="All attachments of one e-mail, unpacked"
    )
    translation_target: str = "en"
    translation_max_chars: int = Field(
        default=200_000, ge=1, description="Longer texts are not machine-translated"
    )
    retention_days: int | None = Field(
        default=None, ge=1, description="`rogatory purge --expired` deletes documents older"
    )
    backlog_concurrency: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, description="Documents in flight"
    )
    dask_address: str | None = Field(
        default=None, description="tcp://host:8786 of a Dask scheduler; local processes when unset"
    )
    inbox_dir: Path | None = Field(
        default=None, description="Folder `rogatory schedule` watches (data_dir/inbox when unset)"
    )
    schedule_cron: str = Field(default="*/15 * * * *", description="When scheduled backlogs run")
    session_max_age_s: int = Field(default=8 * 3600, ge=60, description="Web sign-in lifetime")

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def page_images_dir(self) -> Path:
        """Page previews, data_dir/pages/<sha256>/<n>.png: derived, rebuilt by reprocessing."""
        return self.data_dir / "pages"

    @property
    def translation_packages_dir(self) -> Path:
        return self.data_dir / "models" / "argos"

    @property
    def prefect_home(self) -> Path:
        return self.data_dir / "prefect"

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'rogatory.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
