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


def test_manifest_holds_out_a_third_or_more() -> None:
    """A third chosen before tuning, plus a second round written after the rules were frozen."""
    samples = load_samples(SAMPLES)
    held_out = [s for s in samples if s.heldout]
    assert len(samples) >= 30
    assert 0.3 <= len(held_out) / len(samples) <= 0.5
    assert {s.language for s in held_out} >= {"es", "fr", "de", "it", "pt", "en"}


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
