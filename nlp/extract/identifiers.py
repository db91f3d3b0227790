"""Identifiers: IBAN (mod-97), phone (E.164), e-mail, IP address, crypto wallet, and passport and
vehicle plate where a label announces them."""

import ipaddress
import re
from collections.abc import Iterator, Sequence
from functools import cache

import phonenumbers

from rogatory.models import Identifier, IdentifierKind

from .lexicon import alternation, load_lexicon
from .pipeline import Analysed

_EXTRACTOR = "rules:identifiers@1"
_EXTRACTOR_OCR = "rules:identifiers-ocr-corrected@1"
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
# Check digits misread by OCR ("DEO6", "LU1I5"): letters for digits or one character too many.
# Only a correction that passes mod-97 and the country's length is taken.
_OCR_IBAN = re.compile(
    r"\b(?P<country>[A-Z]{2})(?P<check>[\dOIl]{2,3})"
    r"(?P<rest>(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b"
)
_OCR_DIGITS = str.maketrans("OIl", "011")
# ISO 13616 lengths of the countries seen in requests; others are checked by mod-97 alone.
_IBAN_LENGTHS = {
    "AD": 24,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FR": 27,
    "GB": 22,
    "GI": 23,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IT": 27,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MT": 31,
    "NL": 18,
    "NO": 15,
    "PL": 28,
    "PT": 25,
    "RO": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "TR": 26,
    "BR": 29,
    "AE": 23,
    "MA": 28,
    "TN": 24,
    "RS": 22,
    "UA": 29,
}
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
# OCR reads "@" as a capital O or Q inside an address in lower case:
# "instruccion3.madridOexample.org". A zero is left alone: "ps90example.pt" may be "ps90@" or
# "ps9@".
_OCR_EMAIL = re.compile(
    r"(?<![\w.+-])(?P<local>[a-z0-9][a-z0-9._+-]*[a-z0-9])[OQ](?P<domain>[a-z][a-z0-9-]*"
    r"(?:\.[a-z0-9-]+)*\.[a-z]{2,})\b"
)
# A capital O read for a zero among the digits of a phone number ("+33 6 39 98 41 O7").
_OCR_ZERO = re.compile(r"(?<=[\d ])O(?=\d|\b)")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_WALLET = re.compile(
    r"\b(?:bc1[a-z0-9]{25,62}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[0-9a-fA-F]{40})\b"
)
# Bech32 has no "b", "i", "o" or "1" after its separator: an OCR'd "I" there is an "l", and a
# "bcl" prefix is "bc1".
_OCR_BECH32 = re.compile(r"\bbc[1l](?P<data>[a-zA-Z0-9]{25,62})\b")
_DOCUMENT_NUMBER = r"\b(?P<value>(?=[A-Z0-9]*\d)[A-Z0-9]{6,12})\b"
_PLATE = (
    r"\b(?P<value>(?=[A-Z0-9 -]*\d)(?=[A-Z0-9 -]*[A-Z])"
    r"[A-Z0-9]{1,4}(?:[- ][A-Z0-9]{1,4}){1,2})\b"
)
# Between a label and its value: "Pasaporte: mexicano núm. G48213907".
_LABEL_GAP = r".{0,40}?"
# A number without "+" or "00" is a phone number only right after a label ("Tel.", "Rufnummer").
_PHONE_LABEL_REACH = 25
_INTERNATIONAL = re.compile(r"\+|00[1-9]")


def identifiers(pages: Sequence[Analysed], language: str) -> list[Identifier]:
    found: dict[tuple[IdentifierKind, str], Identifier] = {}
    for page in pages:
        for identifier in _all(page, language):
            found.setdefault((identifier.kind, identifier.value), identifier)
    return list(found.values())


def _all(page: Analysed, language: str) -> Iterator[Identifier]:
    yield from _ibans(page)
    yield from _ocr_ibans(page)
    yield from _phones(page, language)
    yield from _simple(page, _EMAIL, IdentifierKind.EMAIL, lower=True)
    yield from _ocr_emails(page)
    yield from _ocr_wallets(page)
    yield from _ips(page)
    # No checksum of the wallet is verified (base58check / bech32), so validity stays unknown.
    yield from _simple(page, _WALLET, IdentifierKind.CRYPTO_WALLET, valid=None)
    lex = load_lexicon(language)
    yield from _labelled(page, lex.passport_labels, _DOCUMENT_NUMBER, IdentifierKind.PASSPORT)
    yield from _labelled(page, lex.plate_labels, _PLATE, IdentifierKind.VEHICLE_PLATE)


def _make(
    page: Analysed, kind: IdentifierKind, value: str, valid: bool | None, start: int, end: int
) -> Identifier:
    return Identifier(
        kind=kind,
        value=value,
        valid=valid,
        evidence=page.text.evidence(start, end, _EXTRACTOR, 0.9 if valid is not False else 0.6),
    )


def iban_is_valid(iban: str) -> bool:
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def _ibans(page: Analysed) -> Iterator[Identifier]:
    text = page.text.normalised
    for match in _IBAN.finditer(text):
        start, end = match.span()
        compact = match.group().replace(" ", "")
        expected = _IBAN_LENGTHS.get(compact[:2])
        if expected and len(compact) > expected:
            # A word in capitals after the IBAN ("… 1332 EUR") was read as a last group.
            compact = compact[:expected]
            end = start + _position_of(match.group(), expected)
        yield _make(page, IdentifierKind.IBAN, compact, iban_is_valid(compact), start, end)


def _ocr_ibans(page: Analysed) -> Iterator[Identifier]:
    for match in _OCR_IBAN.finditer(page.text.normalised):
        check = match.group("check")
        if check.isdigit():
            continue  # read right (or spaced otherwise): found by _ibans
        rest = match.group("rest").replace(" ", "")
        drops = [check] if len(check) == 2 else [check[:i] + check[i + 1 :] for i in range(3)]
        for digits in dict.fromkeys(d.translate(_OCR_DIGITS) for d in drops):
            value = match.group("country") + digits + rest
            if iban_is_valid(value):
                yield _ocr_make(page, IdentifierKind.IBAN, value, True, *match.span())
                break


def _position_of(spaced: str, count: int) -> int:
    """Index in `spaced` just after its count-th non-space character."""
    seen = 0
    for index, ch in enumerate(spaced):
        seen += ch != " "
        if seen == count:
            return index + 1
    return len(spaced)


@cache
def _phone_label(language: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{alternation(load_lexicon(language).phone_labels)})", re.IGNORECASE)


def _phones(page: Analysed, language: str) -> Iterator[Identifier]:
    region = load_lexicon(language).region or "ZZ"
    # Same length as the page text, so every offset still holds.
    text = _OCR_ZERO.sub("0", page.text.normalised)
    # Long digit groups of an IBAN ("… 0000 1068 …") read as a number dialled with "00".
    taken = [m.span() for m in _IBAN.finditer(text)]
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        if any(start < match.end and match.start < end for start, end in taken):
            continue
        international = _INTERNATIONAL.match(match.raw_string.lstrip("(["))
        before = page.text.folded[max(0, match.start - _PHONE_LABEL_REACH) : match.start]
        if not (international or _phone_label(language).search(before)):
            continue
        end = _line_end(page, match.start, match.end)
        try:
            number = phonenumbers.parse(text[match.start : end], region)
        except phonenumbers.NumberParseException:
            continue
        value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        valid = phonenumbers.is_valid_number(number)
        yield _make(page, IdentifierKind.PHONE, value, valid, match.start, end)


def _line_end(page: Analysed, start: int, end: int) -> int:
    """A phone number in a form field ends with its line: the digits of a list item below are
    not part of it. In wrapped prose it may go on."""
    original_start, original_end = page.text.to_original(start, end)
    newline = page.text.original.find("\n", original_start, original_end)
    if newline < 0 or page.text.wraps(page.text.line_index(original_start)):
        return end
    return next(i for i in range(start, end) if page.text.offsets[i] >= newline)


def _simple(
    page: Analysed,
    regex: re.Pattern[str],
    kind: IdentifierKind,
    *,
    lower: bool = False,
    valid: bool | None = True,
) -> Iterator[Identifier]:
    for match in regex.finditer(page.text.normalised):
        value = match.group().lower() if lower else match.group()
        yield _make(page, kind, value, valid, match.start(), match.end())


def _ocr_emails(page: Analysed) -> Iterator[Identifier]:
    text = page.text.normalised
    for match in _OCR_EMAIL.finditer(text):
        if "@" in text[match.start() : match.end()]:
            continue
        value = f"{match.group('local')}@{match.group('domain')}"
        yield _ocr_make(page, IdentifierKind.EMAIL, value, True, match.start(), match.end())


def _ocr_wallets(page: Analysed) -> Iterator[Identifier]:
    text = page.text.normalised
    for match in _OCR_BECH32.finditer(text):
        data = match.group("data")
        if match.group().startswith("bc1") and data.islower():
            continue  # read right: found by _WALLET
        value = "bc1" + data.replace("I", "l").lower()
        if not set(value[3:]) <= _BECH32_CHARSET:
            continue
        yield _ocr_make(page, IdentifierKind.CRYPTO_WALLET, value, None, *match.span())


_BECH32_CHARSET = frozenset("qpzry9x8gf2tvdw0s3jn54khce6mua7l")


def _ocr_make(
    page: Analysed, kind: IdentifierKind, value: str, valid: bool | None, start: int, end: int
) -> Identifier:
    """An identifier read through a likely OCR error: its evidence quotes the page as read and
    says that the value was corrected."""
    return Identifier(
        kind=kind,
        value=value,
        valid=valid,
        evidence=page.text.evidence(start, end, _EXTRACTOR_OCR, 0.5),
    )


def _ips(page: Analysed) -> Iterator[Identifier]:
    for regex in (_IPV4, _IPV6):
        for match in regex.finditer(page.text.normalised):
            try:
                address = ipaddress.ip_address(match.group())
            except ValueError:
                continue
            yield _make(page, IdentifierKind.IP_ADDRESS, str(address), True, *match.span())


@cache
def _labelled_regex(labels: tuple[str, ...], value: str) -> re.Pattern[str]:
    return re.compile(rf"(?i:{alternation(list(labels))}){_LABEL_GAP}{value}")


def _labelled(
    page: Analysed, labels: list[str], value: str, kind: IdentifierKind
) -> Iterator[Identifier]:
    if not labels:
        return
    for match in _labelled_regex(tuple(labels), value).finditer(page.text.folded):
        start, end = match.span("value")
        # Passports and plates have no checksum: their validity is unknown, not proven.
        yield _make(page, kind, page.text.normalised[start:end], None, start, end)
