"""Test set-up: every test session gets its own data directory (store, originals, Prefect home)
before any Rogatory module reads its settings."""

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

os.environ["ROGATORY_DATA_DIR"] = tempfile.mkdtemp(prefix="rogatory-test-")
os.environ.pop("ROGATORY_DATABASE_URL", None)

import pytest
from PIL import Image, ImageDraw, ImageFont

from rogatory.models import (
    DocType,
    Document,
    Extraction,
    Language,
    Page,
    PageSource,
    Pipeline,
    Record,
    Review,
    ReviewStatus,
    record_id,
)
from rogatory.review.store import Store
from rogatory.settings import get_settings

from bench.databases import postgres_schema
from samples.hostile.make_corpus import serialise

# Fixtures of the web tests, loaded as a plugin so that pytest rewrites their asserts.
pytest_plugins = ["web_support"]

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
CLI = str(REPO / ".venv" / "bin" / "rogatory")
TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")

SPANISH_LETTER = [
    "JUZGADO DE INSTRUCCIÓN Nº 3 DE MADRID",
    "Diligencias Previas 245/2025",
    "",
    "Comisión rogatoria dirigida a las autoridades competentes del Reino Unido.",
    "Este Juzgado instruye diligencias por un presunto delito de blanqueo de",
    "capitales contra el investigado Juan Pérez García, quien habría recibido",
    "transferencias de origen ilícito en la cuenta ES91 2100 0418 4502 0005 1332.",
    "Se solicita la información bancaria relativa a dicha cuenta y la declaración",
    "como testigo de la señora Ana López Ruiz, con domicilio en Londres.",
    "Se ruega que la ejecución se realice antes del 15 de marzo de 2026.",
]


def render_page(lines: Sequence[str], path: Path, rotate_deg: float = 0.0) -> Path:
    """A page as a 300 dpi scan would give it, optionally turned counter-clockwise."""
    font = ImageFont.truetype(FONT, 46)
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    for index, line in enumerate(lines):
        draw.text((220, 260 + index * 80), line, font=font, fill=0)
    if rotate_deg:
        page = page.rotate(rotate_deg, resample=Image.Resampling.BICUBIC, fillcolor=255)
    page.save(path, dpi=(300, 300))
    return path


def text_pdf(lines: Sequence[str], path: Path) -> Path:
    """A born-digital one-page PDF with a real text layer (Helvetica, WinAnsi encoding)."""

    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = "BT /F1 11 Tf 72 770 Td 14 TL " + " ".join(f"({escape(x)}) '" for x in lines) + " ET"
    stream = body.encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    path.write_bytes(serialise(objects))
    return path


def docx(paragraphs: Sequence[str], path: Path, page_break_after: int | None = None) -> Path:
    """A minimal but complete Word package: content types, relationships and the body."""
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = []
    for index, text in enumerate(paragraphs):
        body.append(f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')
        if index == page_break_after:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
    document = f'<w:document xmlns:w="{namespace}"><w:body>{"".join(body)}</w:body></w:document>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", document)
    return path


def email_with(attachment: Path, path: Path, attachment_name: str) -> Path:
    message = EmailMessage()
    message["From"] = "Autoridad Central <central@example.es>"
    message["To"] = "Central Authority <intake@example.org>"
    message["Date"] = "Mon, 02 Feb 2026 09:00:00 +0100"
    message["Subject"] = "Comisión rogatoria — Diligencias Previas 245/2025"
    message.set_content("Adjuntamos la comisión rogatoria. Se ruega acusar recibo.\n")
    message.add_attachment(
        attachment.read_bytes(), maintype="application", subtype="pdf", filename=attachment_name
    )
    path.write_bytes(bytes(message))
    return path


@pytest.fixture
def spanish_scan(tmp_path: Path) -> Path:
    return render_page(SPANISH_LETTER, tmp_path / "carta.png", rotate_deg=1.8)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind the store supports: a SQLite file, and a schema of
    its own on the PostgreSQL server (ROGATORY_TEST_POSTGRES_URL); an unreachable server fails."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'rogatory.db'}"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    yield opened
    opened.close()


RECEIVED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

MakeRecord = Callable[..., Record]


@pytest.fixture
def make_record() -> MakeRecord:
    def make(
        content: str = "a",
        *,
        filename: str = "request.pdf",
        received_at: datetime = RECEIVED,
        doc_type: DocType | None = DocType.MLA_REQUEST,
        deadline: date | None = None,
        priority: int = 3,
        status: ReviewStatus = ReviewStatus.PENDING,
        queue: str = "mla",
        reasons: list[str] | None = None,
    ) -> Record:
        sha256 = (content * 64)[:64]
        return Record(
            id=record_id(sha256),
            document=Document(
                sha256=sha256,
                filename=filename,
                media_type="application/pdf",
                size_bytes=1234,
                received_at=received_at,
                page_count=1,
            ),
            pages=[Page(number=1, text="Comisión rogatoria", source=PageSource.TEXT_LAYER)],
            language=Language(code="es", confidence=0.99),
            extraction=Extraction(doc_type=doc_type, deadline=deadline),
            review=Review(status=status, queue=queue, priority=priority, reasons=reasons or []),
            pipeline=Pipeline(version="0.1.0"),
        )

    return make


def save(store: Store, record: Record) -> None:
    store.save(record, record.document.filename, f"/originals/{record.document.sha256}")


@pytest.fixture
def own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data directory of this test's own, set through the environment that worker processes
    inherit; cached stores are let go afterwards."""
    data = tmp_path / "data"
    monkeypatch.setenv("ROGATORY_DATA_DIR", str(data))
    get_settings.cache_clear()
    yield data
    # Imported here: importing the flows configures Prefect, which most tests never start.
    from rogatory.flows.saving import close_stores

    close_stores()
    monkeypatch.undo()
    get_settings.cache_clear()
