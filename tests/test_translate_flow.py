"""The whole flow with the demo packages installed from their files, as `make demo` does: a
Spanish scan is translated with every name, identifier and amount as written; an Italian one,
for which no package is installed, says so and is still fully extracted."""

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from rogatory.models import TranslationStatus
from rogatory.review.store import Store

from conftest import CLI, SAMPLES

pytestmark = pytest.mark.slow


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ROGATORY_DATA_DIR": str(data_dir)}
    env.pop("ROGATORY_DATABASE_URL", None)
    return subprocess.run(
        [CLI, *args], capture_output=True, text=True, env=env, timeout=900, check=False
    )


def test_translation_in_the_flow(tmp_path: Path) -> None:
    packages = sorted(str(p) for p in (SAMPLES / "models").glob("*.argosmodel"))
    installed = _run("models", "install", *packages, data_dir=tmp_path)
    assert installed.returncode == 0, installed.stderr
    spanish = SAMPLES / "requests" / "es01_mla_madrid.pdf"
    italian = SAMPLES / "requests" / "it01_rogatoria_milano.tif"
    ingested = _run("ingest", str(spanish), str(italian), data_dir=tmp_path)
    assert ingested.returncode == 0, ingested.stderr

    store = Store.open(f"sqlite:///{tmp_path / 'rogatory.db'}")
    es, it = (store.find_by_sha256(_sha256(path)) for path in (spanish, italian))
    assert es is not None and it is not None

    assert es.translation is not None
    assert es.translation.status == TranslationStatus.TRANSLATED
    assert es.translation.engine == "argos:es-en@1.0"
    assert es.translation.pages is not None and len(es.translation.pages) == len(es.pages)
    english = es.translation.text or ""
    values = [p.name for p in es.extraction.parties]
    values += [i.evidence.text for i in es.extraction.identifiers]
    values += [a.evidence.text for a in es.extraction.amounts]
    assert len(values) >= 5
    for value in values:
        assert value in english, value
    for flag in es.translation.flags:
        assert es.pages[flag.page - 1].text[flag.start : flag.end] in english
    # Logs never hold document text: argostranslate's own INFO lines quote every paragraph.
    lines = [line for page in es.pages for line in page.text.splitlines() if len(line) > 30]
    assert lines and not [line for line in lines if line in ingested.stderr]
    assert "argostranslate" not in ingested.stderr

    gold = json.loads((SAMPLES / "gold" / "it01_rogatoria_milano.json").read_text())["extraction"]
    assert it.translation is not None
    assert it.translation.status == TranslationStatus.UNAVAILABLE
    assert it.translation.note == "no installed translation package takes it to en"
    assert it.review is not None and "translation unavailable" in it.review.reasons
    assert it.extraction.doc_type == gold["doc_type"]
    assert it.extraction.requesting_state == gold["requesting_state"]
    found = {o.category for o in it.extraction.offences}
    assert found & {o["category"] for o in gold["offences"]}
    assert it.extraction.parties


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
