"""Properties of the extractors and parsers over generated input (hypothesis): arbitrary text
never makes them raise, every evidence span points at its own text inside its page, and IBANs,
phone numbers and amounts come back as the value that was written, however it was written."""

import string
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from rogatory.models import Evidence, EvidenceSource, Extraction, IdentifierKind, Page, PageSource
from rogatory.nlp.errors import DocumentError
from rogatory.nlp.extract import extract
from rogatory.nlp.extract.amounts import parse_number
from rogatory.nlp.extract.lexicon import available_languages
from rogatory.nlp.fingerprint import sniff_media_type
from rogatory.nlp.mail import email_attachments, email_text
from rogatory.nlp.pages import SplitOptions, split_pages

RECEIVED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LANGUAGES = sorted(available_languages())
# No wall-clock deadline (the machine is shared); a fixed budget of examples per property.
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of real requests, so that generated text reaches the rules and not only the tokenizer.
FRAGMENTS = [
    "Comisión rogatoria",
    "Juzgado de Instrucción nº 3 de Madrid",
    "blanqueo de capitales",
    "Juan Pérez García",
    "investigado",
    "testigo",
    "antes del 15 de marzo de 2026",
    "dentro de 30 días",
    "IBAN ES91 2100 0418 4502 0005 1332",
    "Tel.: +34 612 345 678",
    "1.250.000,00 EUR",
    "EUR 1,180,000.00",
    "Letter of Request",
    "money laundering",
    "European Investigation Order",
    "Rechtshilfeersuchen",
    "Festnahme",
    "Haftbefehl",
    "demande d'entraide pénale",
    "mandat d'arrêt européen",
    "rogatoria internazionale",
    "carta rogatória",
    "☐",
    "☒",
    "\n",
    "\n\n",
    "\t",
    "(",
    ")",
    ":",
    "…",
    "ﬁ",
    "İ",
    "ß",
    "\u00ad",
    "\u200b",
    "\ufffd",
]
texts = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=40), max_size=30).map(" ".join)
page_lists = st.lists(texts, min_size=1, max_size=3)


def evidences(value: object) -> Iterator[Evidence]:
    """Every evidence anywhere in an extraction."""
    if isinstance(value, Evidence):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from evidences(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from evidences(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from evidences(item)


def pages_of(page_texts: list[str]) -> list[Page]:
    return [
        Page(number=number, text=text, source=PageSource.TEXT_LAYER)
        for number, text in enumerate(page_texts, start=1)
    ]


def check_evidence(extraction: Extraction, pages: list[Page]) -> None:
    for evidence in evidences(extraction):
        assert evidence.source is EvidenceSource.ORIGINAL
        assert 1 <= evidence.page <= len(pages)
        text = pages[evidence.page - 1].text
        assert 0 <= evidence.start <= evidence.end <= len(text)
        assert text[evidence.start : evidence.end] == evidence.text


@pytest.mark.parametrize("language", [*LANGUAGES, None, "xx"])
@PROPERTY
@given(page_texts=page_lists)
def test_extraction_never_raises_and_evidence_points_into_the_page(
    language: str | None, page_texts: list[str]
) -> None:
    pages = pages_of(page_texts)
    check_evidence(extract(pages, language, RECEIVED), pages)


def iban(country: str, bban: str) -> str:
    """The IBAN with its ISO 13616 check digits."""
    rearranged = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


# Countries whose account numbers are digits only, with the BBAN length.
BBAN_DIGITS = {"ES": 20, "DE": 18, "PT": 21, "BE": 12, "AT": 16, "PL": 24}


@PROPERTY
@given(
    country=st.sampled_from(sorted(BBAN_DIGITS)),
    seed=st.integers(min_value=0),
    spaced=st.booleans(),
    language=st.sampled_from(LANGUAGES),
)
def test_an_iban_comes_back_as_written(
    country: str, seed: int, spaced: bool, language: str
) -> None:
    bban = str(seed).zfill(BBAN_DIGITS[country])[-BBAN_DIGITS[country] :]
    compact = iban(country, bban)
    written = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if spaced else compact
    pages = pages_of([f"Cuenta bancaria IBAN {written}, titular desconocido."])
    extraction = extract(pages, language, RECEIVED)
    found = [i for i in extraction.identifiers if i.kind is IdentifierKind.IBAN]
    assert [(i.value, i.valid) for i in found] == [(compact, True)]
    assert found[0].evidence.text == written
    check_evidence(extraction, pages)


PHONE_REGIONS = ["ES", "FR", "DE", "IT", "PT", "GB", "US", "CH", "BE"]


@PROPERTY
@given(
    region=st.sampled_from(PHONE_REGIONS),
    tail=st.integers(min_value=0, max_value=9999),
    style=st.sampled_from(
        [phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.E164]
    ),
    language=st.sampled_from(LANGUAGES),
)
def test_a_phone_number_comes_back_in_e164(
    region: str, tail: int, style: int, language: str
) -> None:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None
    national = str(example.national_number)
    number = phonenumbers.parse(f"+{example.country_code}{national[:-4]}{tail:04d}")
    assume(phonenumbers.is_valid_number(number))
    written = phonenumbers.format_number(number, style)
    pages = pages_of([f"Datos de contacto\n{written}\nFin."])
    extraction = extract(pages, language, RECEIVED)
    found = [i for i in extraction.identifiers if i.kind is IdentifierKind.PHONE]
    expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert [i.value for i in found] == [expected]
    check_evidence(extraction, pages)


@PROPERTY
@given(whole=st.integers(min_value=0, max_value=10**12), cents=st.integers(0, 99))
def test_an_amount_reads_the_same_in_every_notation(whole: int, cents: int) -> None:
    english = f"{whole:,}.{cents:02d}"
    continental = english.replace(",", " ").replace(".", ",").replace(" ", ".")
    swiss = f"{whole:,}".replace(",", "'") + f".{cents:02d}"
    expected = whole + cents / 100
    for written in (english, continental, swiss):
        assert parse_number(written) == pytest.approx(expected), written


MAGIC = {
    b"%PDF-1.7": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff\xe0": "image/jpeg",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
    b"RIFF\x00\x00\x00\x00WEBP": "image/webp",
    b"PK\x03\x04": "application/zip",
}


@PROPERTY
@given(magic=st.sampled_from(list(MAGIC)), rest=st.binary(max_size=600))
def test_a_file_is_known_by_its_magic_whatever_follows(magic: bytes, rest: bytes) -> None:
    assert sniff_media_type(magic + rest) == MAGIC[magic]


@PROPERTY
@given(head=st.binary(max_size=600) | st.text(max_size=300).map(str.encode))
def test_any_bytes_get_the_media_type_their_content_shows(head: bytes) -> None:
    found = sniff_media_type(head)
    shown_by_magic = {MAGIC[m] for m in MAGIC if head.startswith(m[:4]) and m[:4] != b"RIFF"}
    if found in ("text/plain", "message/rfc822"):
        # Text is nearly all valid UTF-8 and carries no binary signature.
        replaced = head.decode("utf-8", "replace").count("\ufffd")
        assert head and replaced <= 1 + len(head) * 0.02 and not shown_by_magic
    elif found == "application/pdf":
        assert b"%PDF-" in head[:1024]
    elif found == "image/webp":
        assert head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    elif found == "application/octet-stream":
        assert not shown_by_magic and b"%PDF-" not in head[:1024]
    else:
        assert found in shown_by_magic


mail_like = st.lists(
    st.sampled_from(
        [
            b"From: a@example.org\r\n",
            b"Subject: =?utf-8?b?w7Q=?=\r\n",
            b"Date: Mon, 02 Feb 2026 09:00:00 +0100\r\n",
            b"MIME-Version: 1.0\r\n",
            b'Content-Type: multipart/mixed; boundary="b"\r\n',
            b"Content-Type: message/rfc822\r\n",
            b"Content-Transfer-Encoding: base64\r\n",
            b"Content-Disposition: attachment; filename=../../x\r\n",
            b"\r\n",
            b"--b\r\n",
            b"--b--\r\n",
            b"<html><script>x</script>",
            # Malformed pieces the standard library's parser trips on (from a fuzz run).
            b'Content-Type: text/plain; charset="x-bogus"\r\n',
            b"Content-Type: text/html; charset=x-bogus\r\n",
            b"From: a@[\r\n",
            b"To: <\r\n",
            b'From: "unterminated <a@b\r\n',
            b"Subject: =?x-bogus?q?abc?=\r\n",
            b"Content-Disposition: attachment; filename*=utf-8''%ff\r\n",
            b"Content-Disposition: attachment; filename*=x-bogus''abc\r\n",
            b"Content-Type: text/plain; charset*=x''\r\n",
            b"Content-Transfer-Encoding: quoted-printable\r\n",
            b"Date: Mon, 99 Foo 2026 99:99:99 +9999\r\n",
            b"\xe9\xff body \r\n",
        ]
    )
    | st.binary(max_size=30),
    max_size=30,
).map(b"".join)


@PROPERTY
@given(raw=mail_like)
def test_malformed_mail_is_read_without_raising(raw: bytes) -> None:
    """Whatever the headers and parts, the e-mail yields its text and its attachments (a
    DocumentError is kept for mail with nothing readable, which these pieces never make)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "message"
        path.write_bytes(raw)
        assert isinstance(email_text(path), str)
        attachments = email_attachments(path, Path(folder) / "work", max_bytes=10**6)
        for attachment in attachments:
            assert attachment.path.parent == Path(folder) / "work" / "attachments"


@PROPERTY
@given(raw=st.binary(min_size=1, max_size=400) | st.text(string.printable).map(str.encode))
def test_text_files_of_any_bytes_split_into_pages_without_nul(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "text"
        path.write_bytes(raw)
        try:
            pages = split_pages(path, "text/plain", Path(folder), SplitOptions(max_pages=1000))
        except DocumentError:
            return
        assert all("\x00" not in (page.text or "") for page in pages)
        assert [page.number for page in pages] == list(range(1, len(pages) + 1))
