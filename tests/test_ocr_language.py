"""OCR, language detection and translation availability, each on its own, with real tesseract."""

from pathlib import Path

import pytest
from PIL import Image

from rogatory.nlp.language import detect_language
from rogatory.nlp.ocr import estimate_skew, ocr_image, ocr_images

from conftest import SPANISH_LETTER, render_page


@pytest.mark.parametrize("skew", [-3.0, -1.2, 0.0, 1.6, 2.5])
def test_skew_estimate_straightens_the_page(tmp_path: Path, skew: float) -> None:
    page = render_page(SPANISH_LETTER, tmp_path / "p.png", rotate_deg=skew)
    with Image.open(page) as image:
        assert estimate_skew(image) == pytest.approx(-skew, abs=0.2)


def test_skewed_scan_is_read_after_deskewing(spanish_scan: Path) -> None:
    result = ocr_image(spanish_scan, "spa", timeout_s=120)
    assert result.deskew_angle == pytest.approx(-1.8, abs=0.2)
    assert "blanqueo de" in result.text
    assert "ES91 2100 0418 4502 0005 1332" in result.text
    assert "Juan Pérez García" in result.text
    assert result.confidence is not None and result.confidence > 0.8
    assert result.languages == "spa"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (" ".join(SPANISH_LETTER), "es"),
        (
            "Le juge d'instruction du tribunal judiciaire de Lyon demande l'audition du témoin.",
            "fr",
        ),
        ("Die Staatsanwaltschaft Frankfurt am Main ersucht um die Vernehmung des Zeugen.", "de"),
        (
            "Il pubblico ministero chiede l'assunzione della testimonianza della persona offesa.",
            "it",
        ),
        ("O Ministério Público solicita a inquirição da testemunha e a apreensão dos bens.", "pt"),
    ],
)
def test_language_is_detected_deterministically(text: str, code: str) -> None:
    first = detect_language(text)
    assert first.code == code
    assert first.candidates[0].code == code
    assert detect_language(text) == first


def test_too_little_text_has_no_language() -> None:
    assert detect_language("12/2025 — 3").code is None


@pytest.mark.parametrize("turned", [90, 180])
def test_turned_page_is_read_upright(tmp_path: Path, turned: int) -> None:
    upright = render_page(SPANISH_LETTER, tmp_path / "upright.png")
    with Image.open(upright) as page:
        page.rotate(turned, expand=True, fillcolor=255).save(tmp_path / "turned.png")
    straight = ocr_image(upright, "spa", timeout_s=120)
    result = ocr_image(tmp_path / "turned.png", "spa", timeout_s=120)
    assert result.rotation == turned
    assert result.text == straight.text
    assert straight.rotation == 0


def test_word_boxes_point_into_the_text_and_onto_the_page(spanish_scan: Path) -> None:
    result = ocr_image(spanish_scan, "spa", timeout_s=120)
    assert len(result.words) > 50
    assert all(not result.text[w.start : w.end].isspace() for w in result.words)
    assert " ".join(result.text[w.start : w.end] for w in result.words) == " ".join(
        result.text.split()
    )
    blanqueo = next(w for w in result.words if result.text[w.start : w.end] == "blanqueo")
    with Image.open(spanish_scan) as page:
        assert 0 < blanqueo.left < page.width and 0 < blanqueo.top < page.height / 3


def test_pages_read_by_one_tesseract_come_back_each_with_its_own_words(
    tmp_path: Path, spanish_scan: Path
) -> None:
    """A document's pages go to one tesseract process; each page must get its own text, boxes
    and turn, as if read alone: a blank page, a turned page and a skewed one in between."""
    blank = tmp_path / "blank.png"
    Image.new("L", (2480, 3508), 255).save(blank, dpi=(300, 300))
    upright = render_page(SPANISH_LETTER[:6], tmp_path / "short.png")
    with Image.open(upright) as page:
        page.rotate(180, expand=True, fillcolor=255).save(tmp_path / "turned.png")
    images = [spanish_scan, blank, tmp_path / "turned.png"]
    together = ocr_images(images, "spa", timeout_s=120)
    alone = [ocr_image(image, "spa", timeout_s=120) for image in images]
    assert [r.text for r in together] == [r.text for r in alone]
    assert [r.words for r in together] == [r.words for r in alone]
    assert [r.rotation for r in together] == [0, 0, 180]
    assert together[1].text == "" and "Juan Pérez García" in together[0].text
