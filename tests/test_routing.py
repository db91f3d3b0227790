"""Routing rules: the packaged rules file, each review reason, and errors in a bad rules file."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from rogatory.models import (
    DocType,
    Document,
    Evidence,
    Extraction,
    Language,
    Page,
    PageSource,
    Record,
    ReviewStatus,
    StageError,
    Translation,
    TranslationFlag,
    TranslationStatus,
    record_id,
)
from rogatory.review.routing import (
    PACKAGED_RULES,
    RoutingRules,
    RoutingRulesError,
    load_rules,
    route,
)

TODAY = date(2026, 3, 10)

MakeRecord = Callable[..., Record]


@pytest.fixture
def rules() -> RoutingRules:
    return load_rules()


@pytest.fixture
def make_record() -> MakeRecord:
    """A clean record (text layer, confident language, translated) that needs no flag."""

    def make(
        *,
        doc_type: DocType | None = DocType.MLA_REQUEST,
        pages: list[Page] | None = None,
        language: Language | None = None,
        translation: TranslationStatus = TranslationStatus.TRANSLATED,
        errors: list[StageError] | None = None,
        **facts: Any,
    ) -> Record:
        sha256 = "c" * 64
        return Record(
            id=record_id(sha256),
            document=Document(
                sha256=sha256,
                filename="request.pdf",
                media_type="application/pdf",
                size_bytes=10,
                received_at=datetime(2026, 3, 9, tzinfo=UTC),
                page_count=1,
            ),
            pages=pages or [Page(number=1, text="Solicitud", source=PageSource.TEXT_LAYER)],
            language=language or Language(code="es", confidence=0.99),
            translation=Translation(status=translation),
            extraction=Extraction(doc_type=doc_type, **facts),
            errors=errors or [],
        )

    return make


def scan(number: int, confidence: float) -> Page:
    return Page(number=number, text="…", source=PageSource.OCR, ocr_confidence=confidence)


@pytest.mark.parametrize(
    ("doc_type", "queue", "priority"),
    [
        (DocType.PROVISIONAL_ARREST_REQUEST, "extradition", 1),
        (DocType.EXTRADITION_REQUEST, "extradition", 2),
        (DocType.EIO, "eio", 3),
        (DocType.MLA_REQUEST, "mla", 3),
        (DocType.SERVICE_OF_DOCUMENTS, "mla", 3),
        (DocType.OTHER, "intake", 3),
        (None, "intake", 3),
    ],
)
def test_doc_types_go_to_their_desk(
    rules: RoutingRules,
    make_record: MakeRecord,
    doc_type: DocType | None,
    queue: str,
    priority: int,
) -> None:
    review = route(make_record(doc_type=doc_type), rules, TODAY)
    assert (review.status, review.queue, review.priority, review.reasons) == (
        ReviewStatus.PENDING,
        queue,
        priority,
        [],
    )


@pytest.mark.parametrize(
    ("facts", "reason", "priority"),
    [
        ({"in_custody": True}, "person in custody", 1),
        ({"urgent": True}, "marked urgent", 2),
        ({"deadline": TODAY + timedelta(days=5)}, "deadline in 5 days", 2),
        ({"deadline": TODAY + timedelta(days=1)}, "deadline in 1 day", 2),
        ({"deadline": TODAY}, "deadline today", 2),
        ({"deadline": TODAY - timedelta(days=3)}, "deadline passed 3 days ago", 1),
    ],
)
def test_facts_that_make_a_request_urgent(
    rules: RoutingRules, make_record: MakeRecord, facts: dict[str, Any], reason: str, priority: int
) -> None:
    review = route(make_record(**facts), rules, TODAY)
    assert (review.status, review.priority, review.reasons) == (
        ReviewStatus.PENDING,
        priority,
        [reason],
    )


def test_a_far_deadline_is_no_reason(rules: RoutingRules, make_record: MakeRecord) -> None:
    within = rules.flags.deadline_soon.within_days
    review = route(make_record(deadline=TODAY + timedelta(days=within + 1)), rules, TODAY)
    assert (review.priority, review.reasons) == (3, [])


@pytest.mark.parametrize(
    ("confidence", "reasons"),
    [(0.3, ["deadline uncertain (confidence 0.30): check day and month"]), (0.5, []), (0.9, [])],
)
def test_a_deadline_whose_day_and_month_are_unsure_is_a_reason(
    rules: RoutingRules, make_record: MakeRecord, confidence: float, reasons: list[str]
) -> None:
    far = TODAY + timedelta(days=60)
    evidence = Evidence(
        text="03/05/2027", page=1, start=0, end=10, extractor="test", confidence=confidence
    )
    record = make_record(deadline=far, evidence={"deadline": evidence})
    assert route(record, rules, TODAY).reasons == reasons


def test_reasons_never_make_a_request_less_urgent(
    rules: RoutingRules, make_record: MakeRecord
) -> None:
    record = make_record(doc_type=DocType.PROVISIONAL_ARREST_REQUEST, urgent=True)
    assert route(record, rules, TODAY).priority == 1


@pytest.mark.parametrize(
    ("pages", "reason"),
    [
        ([scan(1, 0.93), scan(2, 0.54)], "low OCR confidence (0.54) on page 2"),
        (
            [scan(1, 0.41), scan(2, 0.6), scan(3, 0.65), scan(4, 0.9), scan(5, 0.5)],
            "low OCR confidence (lowest 0.41) on pages 1-3, 5",
        ),
    ],
)
def test_low_ocr_confidence(
    rules: RoutingRules, make_record: MakeRecord, pages: list[Page], reason: str
) -> None:
    review = route(make_record(pages=pages), rules, TODAY)
    assert (review.priority, review.reasons) == (3, [reason])


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        (Language(code="pt", confidence=0.62), "low language confidence (0.62)"),
        (Language(code=None, confidence=0.0), "language not detected"),
    ],
)
def test_unsure_language(
    rules: RoutingRules, make_record: MakeRecord, language: Language, reason: str
) -> None:
    assert route(make_record(language=language), rules, TODAY).reasons == [reason]


@pytest.mark.parametrize(
    ("status", "reasons"),
    [
        (TranslationStatus.UNAVAILABLE, ["translation unavailable"]),
        (TranslationStatus.FAILED, ["translation failed"]),
        (TranslationStatus.NOT_NEEDED, []),
    ],
)
def test_missing_translation(
    rules: RoutingRules, make_record: MakeRecord, status: TranslationStatus, reasons: list[str]
) -> None:
    assert route(make_record(translation=status), rules, TODAY).reasons == reasons


def test_sentences_left_untranslated_need_a_reader(
    rules: RoutingRules, make_record: MakeRecord
) -> None:
    record = make_record()
    flag = TranslationFlag(page=1, start=0, end=9, reason="a protected value did not come back")
    assert record.translation is not None
    for count, reason in (
        (1, "1 sentence left untranslated"),
        (3, "3 sentences left untranslated"),
    ):
        translation = record.translation.model_copy(update={"flags": [flag] * count})
        flagged = record.model_copy(update={"translation": translation})
        assert route(flagged, rules, TODAY).reasons == [reason]


def test_stage_errors_give_status_error_with_their_messages(
    rules: RoutingRules, make_record: MakeRecord
) -> None:
    errors = [
        StageError(stage="ocr", message="tesseract timed out on page 3"),
        StageError(stage="extract", message="no text to extract from"),
    ]
    review = route(make_record(errors=errors, in_custody=True), rules, TODAY)
    assert (review.status, review.priority, review.reasons) == (
        ReviewStatus.ERROR,
        1,
        [
            "ocr: tesseract timed out on page 3",
            "extract: no text to extract from",
            "person in custody",
        ],
    )


def packaged() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(PACKAGED_RULES.read_text(encoding="utf-8"))
    return loaded


def write_rules(tmp_path: Path, rules: object) -> Path:
    path = tmp_path / "routing.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    return path


def test_thresholds_come_from_the_rules_file(tmp_path: Path, make_record: MakeRecord) -> None:
    data = packaged()
    data["flags"]["deadline_soon"]["within_days"] = 3
    data["flags"]["low_ocr_confidence"]["below"] = 0.5
    rules = load_rules(write_rules(tmp_path, data))
    record = make_record(deadline=TODAY + timedelta(days=5), pages=[scan(1, 0.54)])
    assert route(record, rules, TODAY).reasons == []


def bad_priority(data: dict[str, Any]) -> None:
    data["routes"][1]["priority"] = 7


def misspelt_flag_field(data: dict[str, Any]) -> None:
    data["flags"]["deadline_soon"]["within_day"] = data["flags"]["deadline_soon"].pop("within_days")


def unknown_doc_type(data: dict[str, Any]) -> None:
    data["routes"][2]["doc_types"] = ["eoi"]


def doc_type_twice(data: dict[str, Any]) -> None:
    data["routes"][3]["doc_types"].append("eio")


def missing_fallback_queue(data: dict[str, Any]) -> None:
    del data["fallback"]["queue"]


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (bad_priority, "rule 'extradition', field 'priority': Input should be less than or equal"),
        (misspelt_flag_field, "rule 'deadline_soon', field 'within_day': Extra inputs are not"),
        (unknown_doc_type, "rule 'european investigation order', field 'doc_types[0]'"),
        (
            doc_type_twice,
            "doc type 'eio' is routed by both rule 'european investigation order' "
            "and rule 'mutual legal assistance'",
        ),
        (missing_fallback_queue, "rule 'fallback', field 'queue': Field required"),
    ],
)
def test_a_bad_rules_file_names_the_rule_and_field(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = packaged()
    spoil(data)
    path = write_rules(tmp_path, data)
    with pytest.raises(RoutingRulesError) as raised:
        load_rules(path)
    assert str(path) in str(raised.value)
    assert expected in str(raised.value)


def test_an_unreadable_rules_file_is_a_rules_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("routes: [\n", encoding="utf-8")
    with pytest.raises(RoutingRulesError, match="cannot read routing rules"):
        load_rules(broken)
    with pytest.raises(RoutingRulesError, match="cannot read routing rules"):
        load_rules(tmp_path / "absent.yaml")
