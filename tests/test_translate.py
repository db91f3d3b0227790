"""Protected spans and the placeholder check, without a model: the translator here is a plain
function, so that what is checked is the masking, numbering, restoring and flagging. The demo
models run through argostranslate in tests/test_translate_packages.py."""

import json
import re
from pathlib import Path

import pytest

from rogatory.models import (
    Evidence,
    Extraction,
    Page,
    PageSource,
    Party,
    PartyKind,
    PartyRole,
    TranslationStatus,
)
from rogatory.nlp.packages import PackageInfo, find_route
from rogatory.nlp.protect import PLACEHOLDER, paragraphs, protected_spans
from rogatory.nlp.translate import translate_pages, translate_protected

LETTER = (
    "JUZGADO CENTRAL DE INSTRUCCIÓN Nº 3\n"
    "Madrid, 20 de enero de 2026\n\n"
    "Diligencias Previas 245/2025. Se investiga a D. Juan Blanco García por blanqueo de "
    "capitales. El Sr. Blanco\ntransfirió 7.086.905 € a la cuenta ES91 2100 0418 4502 0005 1332 "
    "el 3.3.2025. Contacto: juan.blanco@example.es, +34 91 123 45 67.\n\n"
    "La víctima, lorenzo pardo, declaró ante la policía. Se ruega que la diligencia se practique "
    "antes del 15 de marzo de 2026, conforme al art. 301 del Código Penal."
)
VALUES = [
    "20 de enero de 2026",
    "245/2025",
    "D. Juan Blanco García",
    "Sr. Blanco",
    "7.086.905",
    "ES91 2100 0418 4502 0005 1332",
    "3.3.2025",
    "juan.blanco@example.es",
    "+34 91 123 45 67",
    "15 de marzo de 2026",
    "art. 301",
    "lorenzo pardo",
]


def _page(text: str = LETTER) -> Page:
    return Page(number=1, text=text, source=PageSource.OCR)


def _extraction(text: str = LETTER) -> Extraction:
    """The party in lower case is found by no pattern, only by extraction's evidence."""
    start = text.index("lorenzo pardo")
    evidence = Evidence(
        text="lorenzo pardo",
        page=1,
        start=start,
        end=start + len("lorenzo pardo"),
        extractor="test",
        confidence=0.9,
    )
    party = Party(
        name="lorenzo pardo", role=PartyRole.VICTIM, kind=PartyKind.PERSON, evidence=evidence
    )
    return Extraction(parties=[party])


def test_names_numbers_dates_and_identifiers_are_protected() -> None:
    spans = protected_spans(_page(), _extraction())
    protected = [LETTER[s.start : s.end] for s in spans]
    for value in VALUES:
        assert any(value in span for span in protected), value
    assert "Diligencias Previas 245/2025" in protected  # a reference is kept whole
    assert not any("blanqueo" in span or "transfirió" in span for span in protected)


def test_placeholders_are_numbered_from_one_in_every_sentence() -> None:
    page = _page()
    segments = [
        s for p in paragraphs(page, protected_spans(page, _extraction())) for s in p.segments
    ]
    assert len(segments) >= 6
    for segment in segments:
        numbers = [int(n) for n in PLACEHOLDER.findall(segment.masked)]
        assert sorted(set(numbers)) == list(range(1, len(set(numbers)) + 1))
        assert "\n" not in segment.masked


def _word_for_word(batch: list[str]) -> list[str]:
    words = {"Se investiga a": "Under investigation is", "por": "for", "cuenta": "account"}
    out = []
    for text in batch:
        for source, target in words.items():
            text = text.replace(source, target)
        out.append(text)
    return out


def test_values_come_back_exactly_and_structure_is_kept() -> None:
    result = translate_protected(
        [_page(), _page("Página dos.")], "es", _extraction(), _word_for_word
    )
    assert result.status == TranslationStatus.TRANSLATED
    assert result.flags == []
    assert result.pages is not None and len(result.pages) == 2
    assert result.pages[0].count("\n\n") == 2  # three paragraphs
    assert "Under investigation is D. Juan Blanco García for blanqueo" in result.pages[0]
    for value in VALUES:
        assert value in result.pages[0]
    assert "⟦" not in result.text


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t.replace("⟦2⟧", ""),  # lost
        lambda t: t.replace("⟦2⟧", "⟦1⟧"),  # swapped
        lambda t: t.replace("⟦2⟧", "⟦2⟧ ⟦2⟧"),  # repeated
        lambda t: t.replace("⟦2⟧", "⟦12⟧"),  # renumbered
    ],
)
def test_a_sentence_that_loses_a_placeholder_stays_in_the_original_and_is_flagged(
    damage: object,
) -> None:
    def damaging(batch: list[str]) -> list[str]:
        return [damage(t) if "transfirió" in t else t.replace("por", "for") for t in batch]  # type: ignore[operator]

    result = translate_protected([_page()], "es", _extraction(), damaging)
    assert len(result.flags) == 1
    flag = result.flags[0]
    sentence = LETTER[flag.start : flag.end]
    assert sentence.startswith("El Sr. Blanco") and "transfirió" in sentence
    assert sentence in result.text  # kept as written, newline and all
    assert "D. Juan Blanco García for blanqueo" in result.text  # the others are translated


def test_a_placeholder_written_in_the_source_is_itself_protected() -> None:
    text = "El acusado escribió ⟦1⟧ y ⟦7⟧ en la nota."
    result = translate_protected([_page(text)], "es", Extraction(), _word_for_word)
    assert result.flags == []
    assert "⟦1⟧ y ⟦7⟧" in result.text


def _installed(tmp_path: Path, *pairs: str) -> Path:
    """Package folders as argostranslate lays them out; only their metadata is read here."""
    for pair in pairs:
        source, target = pair.split("-")
        folder = tmp_path / f"translate-{source}_{target}-1_0"
        folder.mkdir(parents=True)
        metadata = {"from_code": source, "to_code": target, "package_version": "1.0"}
        (folder / "metadata.json").write_text(json.dumps(metadata))
    return tmp_path


def _route(packages: list[PackageInfo], source: str, target: str) -> list[str] | None:
    found = find_route(packages, source, target)
    return None if found is None else [f"{p.from_code}-{p.to_code}" for p in found]


def test_routes_prefer_the_direct_pair_then_pivot_through_english(tmp_path: Path) -> None:
    from rogatory.nlp.packages import installed_packages

    packages = installed_packages(_installed(tmp_path, "es-en", "en-de", "es-fr", "fr-de", "ca-es"))
    assert _route(packages, "es", "en") == ["es-en"]
    assert _route(packages, "es", "de") == ["es-en", "en-de"]
    assert _route(packages, "ca", "en") == ["ca-es", "es-en"]
    assert _route(packages, "it", "en") is None
    assert _route(packages, "en", "en") == []


def test_no_package_means_unavailable_with_a_reason(tmp_path: Path) -> None:
    packages_dir = _installed(tmp_path, "es-en")
    result = translate_pages(
        [_page("Si chiede l'audizione.")], "it", Extraction(), "en", packages_dir
    )
    assert result.status == TranslationStatus.UNAVAILABLE
    assert result.note == "no installed translation package takes it to en"
    assert result.text is None


def test_english_needs_no_translation(tmp_path: Path) -> None:
    result = translate_pages([_page("Letter of request")], "en", Extraction(), "en", tmp_path)
    assert result.status == TranslationStatus.NOT_NEEDED


def test_a_text_over_the_length_limit_is_not_translated(tmp_path: Path) -> None:
    packages_dir = _installed(tmp_path, "es-en")
    result = translate_pages([_page()], "es", Extraction(), "en", packages_dir, max_chars=100)
    assert result.status == TranslationStatus.UNAVAILABLE
    assert result.note is not None and re.search(
        r"^\d+ characters: longer than the 100", result.note
    )


def test_a_citation_before_a_blank_line_is_still_masked() -> None:
    """A value pattern that ran across the paragraph break used to be dropped whole, sending
    "art. 301" to the model unmasked."""
    text = "Los hechos se castigan conforme al art. 301\n\nEl investigado vive en la casa 22."
    page = _page(text)
    masked = [s for p in paragraphs(page, protected_spans(page, Extraction())) for s in p.segments]
    assert [s.masked for s in masked] == [
        "Los hechos se castigan conforme al ⟦1⟧",
        "El investigado vive en la casa ⟦1⟧.",
    ]
    assert [s.values for s in masked] == [{1: "art. 301"}, {1: "22"}]
