"""The request record: the public contract of `rogatory process --json`, the API and the store.

Field names follow shared/spec/record.md and are fixed; fields may be added, never renamed.
"""

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from .vocabulary import DocType, IdentifierKind, LegalBasis, Measure, Offence, PartyKind, PartyRole

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Document(Model):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str = Field(description="Name as received; untrusted, never used as a path")
    media_type: str
    size_bytes: int = Field(ge=0)
    received_at: AwareDatetime
    page_count: int = Field(ge=0)
    parent_id: str | None = Field(
        default=None, description="Record of the e-mail this file was attached to"
    )
    attachment_ids: list[str] = Field(
        default=[], description="Records of the files attached to this e-mail"
    )


class PageSource(StrEnum):
    OCR = "ocr"
    TEXT_LAYER = "text_layer"


class WordBox(Model):
    """One OCR word: its span in the page text and its box in pixels on the page image as OCR
    read it (upright and deskewed), so evidence spans can be highlighted on the scan."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    left: int
    top: int
    width: int = Field(ge=0)
    height: int = Field(ge=0)
    confidence: Probability | None = None


class Page(Model):
    number: int = Field(ge=1)
    text: str
    source: PageSource
    ocr_confidence: Probability | None = Field(
        default=None, description="Mean word confidence from tesseract; null for text layers"
    )
    ocr_languages: str | None = Field(default=None, description="tesseract languages, e.g. 'spa'")
    rotation: int = Field(
        default=0, description="Degrees turned clockwise to make the page upright"
    )
    deskew_angle: float | None = Field(default=None, description="Degrees of skew corrected")
    words: list[WordBox] = Field(default=[], description="OCR word boxes; empty for text layers")
    width: int | None = Field(default=None, description="Pixels of the image the boxes refer to")
    height: int | None = None


class LanguageCandidate(Model):
    code: str
    p: Probability


class Language(Model):
    code: str | None = Field(description="ISO 639-1, null when the text is too short to tell")
    confidence: Probability
    candidates: list[LanguageCandidate] = []


class TranslationStatus(StrEnum):
    TRANSLATED = "translated"
    NOT_NEEDED = "not_needed"
    UNAVAILABLE = "unavailable"
    FAILED = "failed"


class TranslationFlag(Model):
    """A sentence left in the original because translating it would have lost a protected value
    (a name, number, date or identifier); the reader is told instead of misled."""

    page: int = Field(ge=1)
    start: int = Field(ge=0, description="Character span of the sentence in the page text")
    end: int = Field(ge=0)
    reason: str


class Translation(Model):
    target: str = "en"
    status: TranslationStatus
    engine: str | None = None
    text: str | None = None
    pages: list[str] | None = Field(
        default=None, description="The translation page by page; `text` is them joined"
    )
    flags: list[TranslationFlag] = []
    note: str | None = Field(default=None, description="Why there is no translation, if not")


class EvidenceSource(StrEnum):
    ORIGINAL = "original"
    TRANSLATION = "translation"


class Evidence(Model):
    """Where a value came from: a span of one page's text (or of the translation)."""

    text: str
    page: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source: EvidenceSource = EvidenceSource.ORIGINAL
    extractor: str = Field(description="Component and version, e.g. 'rules:offences@1'")
    confidence: Probability


class OffenceFact(Model):
    category: Offence
    evidence: Evidence


class MeasureFact(Model):
    type: Measure
    evidence: Evidence


class LegalBasisFact(Model):
    instrument: LegalBasis
    evidence: Evidence


class Party(Model):
    name: str = Field(description="As written in the original, never translated")
    role: PartyRole
    kind: PartyKind
    evidence: Evidence


class Identifier(Model):
    kind: IdentifierKind
    value: str = Field(description="Normalised value (IBAN without spaces, phone in E.164, ...)")
    valid: bool | None = Field(description="Checksum or format check; null where none exists")
    evidence: Evidence


class Amount(Model):
    value: float
    currency: str | None = Field(description="ISO 4217")
    evidence: Evidence


class Extraction(Model):
    doc_type: DocType | None = None
    requesting_state: CountryCode | None = None
    requested_state: CountryCode | None = None
    requesting_authority: str | None = None
    document_date: date | None = None
    references: list[str] = []
    offences: list[OffenceFact] = []
    measures: list[MeasureFact] = []
    legal_basis: list[LegalBasisFact] = []
    parties: list[Party] = []
    deadline: date | None = None
    deadline_text: str | None = None
    urgent: bool = False
    in_custody: bool = False
    identifiers: list[Identifier] = []
    amounts: list[Amount] = []
    evidence: dict[str, Evidence] = Field(
        default={},
        description="Evidence of the scalar fields, keyed by field name (doc_type, deadline, ...)",
    )


class ReviewStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    ERROR = "error"


class Review(Model):
    status: ReviewStatus
    queue: str
    priority: int = Field(ge=1, le=5, description="1 is the most urgent")
    reasons: list[str] = []


Stage = Literal["fingerprint", "pages", "ocr", "language", "translate", "extract", "route", "store"]


class StageError(Model):
    stage: Stage
    message: str


class Pipeline(Model):
    """What produced the record, so a result can be reproduced and re-run after an upgrade."""

    version: str
    components: dict[str, str] = {}


class Record(Model):
    id: str
    document: Document
    pages: list[Page] = []
    language: Language | None = None
    translation: Translation | None = None
    extraction: Extraction = Extraction()
    review: Review | None = None
    errors: list[StageError] = []
    pipeline: Pipeline | None = None


def record_id(sha256: str) -> str:
    """One document, one record: the id is derived from the content hash, so re-ingestion is
    idempotent and the id is stable across runs and machines."""
    return f"rq-{sha256[:20]}"
