"""Routing: which desk reviews a record, how urgent it is and why a person must look at it.

The rules are data (routing.yaml) so that an authority can move document types between desks or
change thresholds without a release; this module validates them and applies them, nothing more.
"""

from collections.abc import Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from rogatory.models import DocType, Page, Record, Review, ReviewStatus, TranslationStatus

PACKAGED_RULES = Path(__file__).with_name("routing.yaml")

Priority = Annotated[int, Field(ge=1, le=5)]
MISSING_TRANSLATION = {TranslationStatus.UNAVAILABLE, TranslationStatus.FAILED}


class RoutingRulesError(ValueError):
    """The routing rules file cannot be read or breaks a rule of its schema."""


class Rule(BaseModel):
    # A misspelt key must fail loudly: silently ignoring it would switch a check off.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Route(Rule):
    name: str = Field(min_length=1)
    doc_types: list[DocType] = Field(min_length=1)
    queue: str = Field(min_length=1)
    priority: Priority


class Fallback(Rule):
    queue: str = Field(min_length=1)
    priority: Priority


class Flag(Rule):
    """A condition that adds a review reason; with a priority it also makes the record at least
    that urgent."""

    priority: Priority | None = None


class DeadlineSoon(Flag):
    within_days: int = Field(ge=0)


class Threshold(Flag):
    below: float = Field(ge=0.0, le=1.0)


class Flags(Rule):
    errors: Flag
    in_custody: Flag
    urgent: Flag
    deadline_passed: Flag
    deadline_soon: DeadlineSoon
    low_ocr_confidence: Threshold
    low_language_confidence: Threshold
    low_deadline_confidence: Threshold
    translation_missing: Flag


class RoutingRules(Rule):
    routes: list[Route]
    fallback: Fallback
    flags: Flags

    @model_validator(mode="after")
    def _one_route_per_doc_type(self) -> Self:
        routed: dict[DocType, str] = {}
        for route_ in self.routes:
            for doc_type in route_.doc_types:
                if doc_type in routed:
                    raise ValueError(
                        f"doc type '{doc_type}' is routed by both rule '{routed[doc_type]}' "
                        f"and rule '{route_.name}'"
                    )
                routed[doc_type] = route_.name
        return self

    def desk(self, doc_type: DocType | None) -> Route | Fallback:
        for route_ in self.routes:
            if doc_type in route_.doc_types:
                return route_
        return self.fallback


@lru_cache(maxsize=8)
def load_rules(path: Path | None = None) -> RoutingRules:
    """The routing rules in `path`, by default those packaged with Rogatory."""
    source = path or PACKAGED_RULES
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RoutingRulesError(f"{source}: cannot read routing rules: {exc}") from exc
    try:
        return RoutingRules.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"  - {_describe(error, raw)}" for error in exc.errors())
        raise RoutingRulesError(f"{source}: invalid routing rules:\n{problems}") from None


def route(record: Record, rules: RoutingRules, today: date) -> Review:
    """The review a record needs, decided from the record alone (no database, no clock)."""
    desk = rules.desk(record.extraction.doc_type)
    findings = list(_findings(record, rules.flags, today))
    raised = [flag.priority for flag, _ in findings if flag.priority is not None]
    return Review(
        status=ReviewStatus.ERROR if record.errors else ReviewStatus.PENDING,
        queue=desk.queue,
        priority=min([desk.priority, *raised]),
        reasons=[reason for _, reason in findings],
    )


def _findings(record: Record, flags: Flags, today: date) -> Iterator[tuple[Flag, str]]:
    for error in record.errors:
        yield flags.errors, f"{error.stage}: {error.message}"
    facts = record.extraction
    if facts.in_custody:
        yield flags.in_custody, "person in custody"
    if facts.urgent:
        yield flags.urgent, "marked urgent"
    if facts.deadline is not None:
        days_left = (facts.deadline - today).days
        if days_left < 0:
            yield flags.deadline_passed, f"deadline passed {_days(-days_left)} ago"
        elif days_left == 0:
            yield flags.deadline_soon, "deadline today"
        elif days_left <= flags.deadline_soon.within_days:
            yield flags.deadline_soon, f"deadline in {_days(days_left)}"
        evidence = facts.evidence.get("deadline")
        if evidence is not None and evidence.confidence < flags.low_deadline_confidence.below:
            yield (
                flags.low_deadline_confidence,
                f"deadline uncertain (confidence {evidence.confidence:.2f}): check day and month",
            )
    ocr = _low_ocr_confidence(record.pages, flags.low_ocr_confidence.below)
    if ocr:
        yield flags.low_ocr_confidence, ocr
    language = record.language
    if language is not None:
        confidence = language.confidence
        if language.code is None:
            yield flags.low_language_confidence, "language not detected"
        elif confidence < flags.low_language_confidence.below:
            yield flags.low_language_confidence, f"low language confidence ({confidence:.2f})"
    translation = record.translation
    if translation and translation.status in MISSING_TRANSLATION:
        yield flags.translation_missing, f"translation {translation.status.value}"
    elif translation and translation.flags:
        count = len(translation.flags)
        yield flags.translation_missing, f"{count} sentence{'s' * (count > 1)} left untranslated"


def _low_ocr_confidence(pages: Sequence[Page], below: float) -> str | None:
    low = [
        (page.number, page.ocr_confidence)
        for page in pages
        if page.ocr_confidence is not None and page.ocr_confidence < below
    ]
    if not low:
        return None
    if len(low) == 1:
        number, confidence = low[0]
        return f"low OCR confidence ({confidence:.2f}) on page {number}"
    lowest = min(confidence for _, confidence in low)
    return f"low OCR confidence (lowest {lowest:.2f}) on pages {_ranges([n for n, _ in low])}"


def _ranges(numbers: list[int]) -> str:
    """'1-3, 7' for [1, 2, 3, 7]: a long scan must not give a reason as long as the document."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _describe(error: ErrorDetails, raw: Any) -> str:
    """One validation error in the words of the rules file: which rule, which field, what."""
    loc = error["loc"]
    rule: str | None
    if len(loc) > 1 and loc[0] == "routes" and isinstance(loc[1], int):
        rule, field = _route_name(raw, loc[1]), loc[2:]
    elif len(loc) > 1 and loc[0] == "flags":
        rule, field = str(loc[1]), loc[2:]
    else:
        rule, field = (str(loc[0]) if loc else None), loc[1:]
    where = []
    if rule is not None:
        where.append(f"rule '{rule}'")
    if field:
        where.append(f"field '{_dotted(field)}'")
    message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
    value = error["input"]
    if error["type"] != "missing" and isinstance(value, str | int | float | bool):
        message += f" (got {value!r})"
    return f"{', '.join(where)}: {message}" if where else message


def _route_name(raw: Any, index: int) -> str:
    try:
        name = raw["routes"][index]["name"]
    except (KeyError, IndexError, TypeError):
        name = None
    return name if isinstance(name, str) and name else f"routes[{index}]"


def _dotted(path: Sequence[int | str]) -> str:
    """('doc_types', 0) as 'doc_types[0]'."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return text.lstrip(".")
