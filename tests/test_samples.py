"""The sample set is usable as gold: canonical ids only, and every label traceable to its text."""

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from rogatory.models import DocType, IdentifierKind, LegalBasis, Measure, Offence, PartyRole

from conftest import SAMPLES

MANIFEST = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))["samples"]
IDS = [sample["id"] for sample in MANIFEST]


def test_the_set_covers_six_languages_and_the_main_request_types() -> None:
    assert len(MANIFEST) >= 30
    languages = Counter(s["language"] for s in MANIFEST)
    assert set(languages) >= {"es", "fr", "de", "it", "pt", "en"}
    assert min(languages.values()) >= 4
    assert {s["doc_type"] for s in MANIFEST} >= {
        "mla_request",
        "eio",
        "extradition_request",
        "provisional_arrest_request",
        "service_of_documents",
    }
    assert {s["condition"] for s in MANIFEST} == {"clean", "fax", "noisy", "skewed"}
    assert all((SAMPLES / "requests" / s["output"]).is_file() for s in MANIFEST)


@pytest.mark.parametrize("sample_id", IDS)
def test_gold_uses_the_vocabulary_and_the_text(sample_id: str) -> None:
    gold = json.loads((SAMPLES / "gold" / f"{sample_id}.json").read_text(encoding="utf-8"))
    text = " ".join(
        Path(SAMPLES / "sources" / f"{sample_id}.txt").read_text(encoding="utf-8").split()
    )
    extraction = gold["extraction"]
    DocType(extraction["doc_type"])
    for offence in extraction["offences"]:
        Offence(offence["category"])
    for measure in extraction["measures"]:
        Measure(measure["type"])
    for basis in extraction["legal_basis"]:
        LegalBasis(basis["instrument"])
    for identifier in extraction["identifiers"]:
        IdentifierKind(identifier["kind"])
    for party in extraction["parties"]:
        PartyRole(party["role"])
        assert party["name"] in text, f"{party['name']} is not written in {sample_id}"
    for reference in extraction["references"]:
        assert reference in text
