"""`rogatory queue …` against a real store: a reviewer's day from the command line."""

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from rogatory.queue_cli import queue_app
from rogatory.review.store import Store
from rogatory.settings import get_settings

from conftest import MakeRecord, save

Run = Callable[..., Result]


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    monkeypatch.setenv("ROGATORY_DATABASE_URL", database_url)
    get_settings.cache_clear()

    def invoke(*args: str, reviewer: str = "alice") -> Result:
        return CliRunner().invoke(queue_app, list(args), env={"ROGATORY_REVIEWER": reviewer})

    yield invoke
    get_settings.cache_clear()


@pytest.fixture
def two(store: Store, make_record: MakeRecord) -> list[str]:
    records = [make_record("1", priority=1, filename="urgent.pdf"), make_record("2")]
    for record in records:
        save(store, record)
    return [record.id for record in records]


def test_a_reviewer_claims_corrects_and_approves(run: Run, two: list[str]) -> None:
    listed = run("list")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.index("urgent.pdf") < listed.stdout.index(two[1])
    assert run().stdout == listed.stdout  # `rogatory queue` alone lists

    claimed = run("claim", "--lease-minutes", "10")
    assert claimed.exit_code == 0, claimed.output
    assert "urgent.pdf" in claimed.stdout and "claimed by alice" in claimed.stdout

    refused = run("claim", two[0], reviewer="bob")
    assert (refused.exit_code, refused.stderr.strip()) == (
        1,
        f"rogatory: {two[0]} is claimed by alice",
    )

    corrected = run("correct", two[0], "references", '["DP 245/2025"]', "--json")
    assert corrected.exit_code == 0, corrected.output
    assert json.loads(corrected.stdout)["corrected_value"] == ["DP 245/2025"]
    assert run("approve", two[0], "--reason", "complete").exit_code == 0
    assert "approved" in run("list", "--status", "approved").stdout

    trail = run("audit", two[0], "--format", "jsonl")
    assert [json.loads(line)["action"] for line in trail.stdout.splitlines()] == [
        "process",
        "claim",
        "correct",
        "approve",
    ]
    rows = list(csv.DictReader(io.StringIO(run("audit", "--format", "csv").stdout)))
    assert [row["action"] for row in rows].count("process") == 2
    assert "references: [] → ['DP 245/2025']" in run("audit", two[0]).stdout


def test_return_needs_a_reason_and_release_frees(run: Run, two: list[str]) -> None:
    assert run("claim", two[1]).exit_code == 0
    assert run("return", two[1]).exit_code == 2  # --reason is required
    returned = run("return", two[1], "--reason", "needs a reader of Polish")
    assert returned.exit_code == 0 and "returned" in returned.stdout
    assert run("claim", two[1], reviewer="bob").exit_code == 0
    assert "pending" not in run("release", two[1], reviewer="bob").stdout


def test_expire_and_reroute_say_what_they_changed(run: Run, two: list[str], tmp_path: Path) -> None:
    expired = run("expire")
    assert (expired.exit_code, expired.stdout) == (0, "")
    rerouted = run("reroute")  # the packaged rules put an MLA request at priority 3, not 1
    assert (rerouted.exit_code, rerouted.stdout) == (0, f"{two[0]}\n")
    bad = tmp_path / "routing.yaml"
    bad.write_text("routes: []\n", encoding="utf-8")
    refused = run("reroute", "--rules", str(bad))
    assert refused.exit_code == 2 and "invalid routing rules" in refused.stderr
