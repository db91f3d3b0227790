"""`rogatory eval`: the scorer on hand-made predictions, and the command on the samples, from
their source texts and (slow) through the whole flow from a rendered scan."""

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rogatory.cli import app
from rogatory.evaluation import (
    PARTY_NAMES,
    SIMILAR_AUTHORITY,
    Outcome,
    Sample,
    Scores,
    list_counts,
    load_gold,
    load_samples,
    report,
    scalar_hits,
)
from rogatory.settings import get_settings

from conftest import SAMPLES

EMPTY: dict[str, Any] = {
    "doc_type": None,
    "requesting_state": None,
    "requested_state": None,
    "requesting_authority": None,
    "document_date": None,
    "deadline": None,
    "urgent": False,
    "in_custody": False,
    "references": [],
    "offences": [],
    "measures": [],
    "legal_basis": [],
    "parties": [],
    "identifiers": [],
    "amounts": [],
}
GOLD = {
    **EMPTY,
    "doc_type": "eio",
    "requesting_authority": "Juzgado de Instrucción nº 3 de Madrid",
    "deadline": "2026-03-15",
    "references": ["Diligencias Previas 245/2025"],
    "offences": [{"category": "money_laundering"}, {"category": "fraud"}],
    "parties": [{"name": "Juan Pérez García", "role": "suspect", "kind": "person"}],
    "amounts": [{"value": 1234567.89, "currency": "EUR"}],
}


def test_list_fields_are_scored_as_sets_and_a_party_needs_its_role() -> None:
    predicted = {
        **EMPTY,
        "references": ["245/2025", "99/2026"],
        "offences": [{"category": "money_laundering"}, {"category": "drug_trafficking"}],
        "parties": [{"name": "JUAN  Pérez García", "role": "witness", "kind": "person"}],
        "identifiers": [{"kind": "case_reference", "value": "245/2025", "valid": None}],
        "amounts": [{"value": 1234567.89, "currency": "EUR"}],
    }
    counts = list_counts(predicted, GOLD)
    assert counts["offences"] == Counter(tp=1, fp=1, fn=1)
    assert counts["parties"] == Counter(tp=0, fp=1, fn=1)
    assert counts[PARTY_NAMES] == Counter(tp=1, fp=0, fn=0)
    assert counts["references"] == Counter(tp=1, fp=1, fn=0)
    # A case reference is scored under references only.
    assert counts["identifiers"] == Counter(tp=0, fp=0, fn=0)
    assert counts["amounts"] == Counter(tp=1, fp=0, fn=0)


def test_a_reference_matches_only_as_a_whole_value_with_or_without_its_label() -> None:
    gold = {
        **EMPTY,
        "references": ["DP 1234/2025", "Rechtshilfe 2025/88", "Case No. 25 Cr. 318"],
    }
    # A year shared by two references is part of each, not either of them.
    only_year = list_counts({**EMPTY, "references": ["2025"]}, gold)["references"]
    assert only_year == Counter(tp=0, fp=1, fn=3)
    # The same values written with another label, or none, are the same references.
    relabelled = {**EMPTY, "references": ["Diligencias Previas 1234/2025", "25 Cr. 318 SDNY"]}
    assert list_counts(relabelled, gold)["references"] == Counter(tp=2, fp=0, fn=1)
    # A longer number that contains the reference is another reference.
    longer = list_counts({**EMPTY, "references": ["DP 11234/2025"]}, gold)["references"]
    assert longer == Counter(tp=0, fp=1, fn=3)


def test_scalars_are_right_only_when_equal_null_included() -> None:
    predicted = {
        **EMPTY,
        "doc_type": "eio",
        "requesting_authority": "JUZGADO DE INSTRUCCIÓN Nº 3 DE MADRID",
        "deadline": "2026-04-20",
    }
    hits = scalar_hits(predicted, GOLD)
    assert hits["doc_type"] and hits["requesting_authority"] and hits["requested_state"]
    assert not hits["deadline"]
    # The same words without accents or with other punctuation are the same authority.
    plain = scalar_hits(
        {**EMPTY, "requesting_authority": "Juzgado de Instruccion n.º 3 de Madrid"}, GOLD
    )
    assert plain["requesting_authority"]
    other_court = scalar_hits(
        {**EMPTY, "requesting_authority": "Juzgado de Instrucción nº 4 de Madrid"}, GOLD
    )
    assert not other_court["requesting_authority"]


def test_an_authority_with_an_ocr_slip_is_wrong_but_shown_as_similar() -> None:
    slipped = {**EMPTY, "requesting_authority": "Juzgado de Instrucción n? 3 de Madrid"}
    hits = scalar_hits(slipped, GOLD)
    assert not hits["requesting_authority"]
    assert hits[SIMILAR_AUTHORITY]
    other = scalar_hits({**EMPTY, "requesting_authority": "Audiencia Nacional"}, GOLD)
    assert not other[SIMILAR_AUTHORITY]


def test_micro_f1_and_accuracy_over_documents() -> None:
    sample = Sample(
        id="x", language="es", source=Path("x"), output=Path("x"), received_at="2026-02-01T00:00Z"
    )
    perfect = Outcome(sample, GOLD, GOLD)
    empty = Outcome(sample, EMPTY, GOLD)
    scores = Scores.of([perfect, empty])
    assert scores.documents == 2
    assert scores.accuracy("doc_type") == 0.5
    assert scores.field("offences") == (1.0, 0.5, pytest.approx(2 / 3))
    precision, recall, _ = scores.micro
    assert precision == 1.0 and recall == 0.5
    assert "doc_type: got None, want 'eio'" in empty.differences()


def test_report_shows_each_held_out_round_apart() -> None:
    def sample(name: str, heldout: bool, round_: int | None) -> Sample:
        return Sample(
            id=name,
            language="es",
            source=Path(name),
            output=Path(name),
            received_at="2026-02-01T00:00Z",
            heldout=heldout,
            round=round_,
        )

    outcomes = [
        Outcome(sample("a", False, None), GOLD, GOLD),
        Outcome(sample("b", True, 1), GOLD, GOLD),
        Outcome(sample("c", True, 3), EMPTY, GOLD),
    ]
    table = report(outcomes)
    assert "held-out (2)" in table and "round 1 (1)" in table and "round 3 (1)" in table
    assert "round 2" not in table
    doc_type = next(line for line in table.splitlines() if line.startswith("doc_type"))
    # all, tuned, held-out, round 1, round 3
    assert doc_type.split()[1:] == ["0.67", "1.00", "0.50", "1.00", "0.00"]


def test_manifest_holds_out_rounds_in_every_language() -> None:
    """A third chosen before tuning (round 1), then rounds written before later rule changes:
    each held-out sample says its round, and each round covers the six languages."""
    samples = load_samples(SAMPLES)
    held_out = [s for s in samples if s.heldout]
    assert len(samples) >= 30
    assert len(held_out) / len(samples) >= 0.3
    assert all(s.round is not None for s in held_out)
    assert not any(s.round is not None for s in samples if not s.heldout)
    rounds = sorted({s.round for s in held_out if s.round is not None})
    assert rounds == list(range(1, len(rounds) + 1)) and len(rounds) >= 3
    for number in rounds:
        languages = {s.language for s in held_out if s.round == number}
        assert languages >= {"es", "fr", "de", "it", "pt", "en"}, number


def test_eval_command_on_source_texts() -> None:
    result = CliRunner().invoke(
        app, ["eval", str(SAMPLES), "--texts", "--only", "es01_mla_madrid", "--details", "all"]
    )
    assert result.exit_code == 0, result.output
    assert "--- es01_mla_madrid" in result.output
    assert "micro (list fields)" in result.output
    assert "held-out (0)" in result.output and "tuned (1)" in result.output
    offences = next(line for line in result.output.splitlines() if line.startswith("offences"))
    assert offences.split()[-3:] == ["-", "-", "-"]  # no held-out document, no score


def test_eval_command_refuses_a_folder_without_manifest_and_unknown_ids(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["eval", str(tmp_path), "--texts"])
    assert missing.exit_code == 2
    assert "manifest.yaml" in missing.output
    unknown = runner.invoke(app, ["eval", str(SAMPLES), "--texts", "--only", "xx99_nothing"])
    assert unknown.exit_code == 2
    assert "xx99_nothing" in unknown.output


@pytest.mark.slow
def test_eval_command_runs_the_whole_flow_on_a_scan(tmp_path: Path) -> None:
    """A real scan through OCR and the flow: the command writes the OCR'd pages it scored, and
    re-extracting those pages gives the same scores."""
    sample_id = "pt01_eio_lisboa"
    data_dir = os.environ["ROGATORY_DATA_DIR"]
    cache = tmp_path / "ocr"
    scan = CliRunner().invoke(
        app, ["eval", str(SAMPLES), "--only", sample_id, "--cache", str(cache)]
    )
    assert scan.exit_code == 0, scan.output
    # The run used a data folder of its own and gave the session's back.
    assert os.environ["ROGATORY_DATA_DIR"] == data_dir
    assert get_settings().data_dir == Path(data_dir)
    kept = json.loads((cache / f"{sample_id}.json").read_text(encoding="utf-8"))
    assert kept["language"] == "pt"
    assert all(page["source"] == "ocr" for page in kept["pages"])
    gold = load_gold(SAMPLES, next(s for s in load_samples(SAMPLES) if s.id == sample_id))
    assert gold["requesting_authority"].split()[0] in " ".join(p["text"] for p in kept["pages"])
    again = CliRunner().invoke(
        app,
        ["eval", str(SAMPLES), "--only", sample_id, "--cache", str(cache), "--from-cache"],
    )
    assert again.exit_code == 0, again.output
    # Timings go to stderr; the table on stdout must be the same.
    assert again.stdout == scan.stdout
    assert "offences" in scan.stdout
