"""`rogatory eval`: the pipeline scored against labelled requests."""

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from rogatory.evaluation import (
    MANIFEST,
    SUBSETS,
    Outcome,
    Sample,
    extract_pages,
    load_gold,
    load_samples,
    report,
    source_pages,
)
from rogatory.models import Page

DATA_DIR_VARIABLE = "ROGATORY_DATA_DIR"


class Mode(StrEnum):
    SCANS = "scans"
    TEXTS = "texts"
    CACHE = "cache"


class Shown(StrEnum):
    NONE = "none"
    TUNED = "tuned"
    HELDOUT = "held-out"
    ALL = "all"


def register(app: typer.Typer) -> None:
    app.command(name="eval")(evaluate)


def evaluate(
    samples_dir: Annotated[Path, typer.Argument(help="Folder with manifest.yaml")] = Path(
        "samples"
    ),
    texts: Annotated[
        bool, typer.Option("--texts", help="Score the source texts, not the scans (fast)")
    ] = False,
    cache: Annotated[
        Path | None,
        typer.Option(
            help="Folder of OCR'd pages: written by a scan run, re-extracted by --from-cache"
        ),
    ] = None,
    from_cache: Annotated[
        bool, typer.Option("--from-cache", help="Re-extract the pages kept in --cache")
    ] = False,
    only: Annotated[list[str] | None, typer.Option(help="Only these sample ids")] = None,
    details: Annotated[
        Shown, typer.Option(help="Print each sample's wrong and missed facts for these samples")
    ] = Shown.NONE,
) -> None:
    """Run the pipeline on the labelled samples (rendered scans, by default through the whole
    flow in a temporary data folder) and print per-field precision, recall and F1, micro-F1 over
    the list fields and the accuracy of the scalar fields: all, tuned and held-out samples."""
    if not (samples_dir / MANIFEST).is_file():
        raise typer.BadParameter(f"no {MANIFEST} in {samples_dir}", param_hint="SAMPLES_DIR")
    listed = load_samples(samples_dir)
    unknown = sorted(set(only or ()) - {s.id for s in listed})
    if unknown:
        raise typer.BadParameter(f"not in the manifest: {', '.join(unknown)}", param_hint="--only")
    samples = [s for s in listed if not only or s.id in only]
    if from_cache and cache is None:
        raise typer.BadParameter("--from-cache needs --cache DIR")
    mode = Mode.TEXTS if texts else Mode.CACHE if from_cache else Mode.SCANS
    outcomes = list(_outcomes(samples_dir, samples, mode, cache))
    if details != Shown.NONE:
        keep = SUBSETS["all" if details == Shown.ALL else details.value]
        for outcome in outcomes:
            if keep(outcome.sample):
                print(f"--- {outcome.sample.id}", *outcome.differences(), sep="\n")
    print(report(outcomes))


def _outcomes(
    root: Path, samples: Sequence[Sample], mode: Mode, cache: Path | None
) -> Iterator[Outcome]:
    predict = {Mode.TEXTS: _from_text, Mode.CACHE: _from_cache, Mode.SCANS: _from_scans}[mode]
    for sample, predicted in zip(samples, predict(samples, cache), strict=True):
        yield Outcome(sample, predicted, load_gold(root, sample))


def _from_text(samples: Sequence[Sample], cache: Path | None) -> Iterator[dict[str, Any]]:
    for sample in samples:
        yield extract_pages(source_pages(sample), sample)


def _from_cache(samples: Sequence[Sample], cache: Path | None) -> Iterator[dict[str, Any]]:
    assert cache is not None
    for sample in samples:
        kept = json.loads((cache / f"{sample.id}.json").read_text(encoding="utf-8"))
        pages = [Page.model_validate(p) for p in kept["pages"]]
        # The language the pipeline detected, as the flow would pass it.
        language = kept["language"]
        detected = sample.model_copy(update={"language": language}) if language else sample
        yield extract_pages(pages, detected)


def _from_scans(samples: Sequence[Sample], cache: Path | None) -> Iterator[dict[str, Any]]:
    """Each scan through `process_document`, with a data folder (store, originals, Prefect home)
    of its own so that an evaluation never touches the user's records."""
    from rogatory.settings import get_settings

    previous = os.environ.get(DATA_DIR_VARIABLE)
    with tempfile.TemporaryDirectory(prefix="rogatory-eval-") as data_dir:
        os.environ[DATA_DIR_VARIABLE] = data_dir
        get_settings.cache_clear()
        try:
            yield from _run_flow(samples, cache)
        finally:
            # The caller's settings again (a test session, or a command run in-process).
            if previous is None:
                os.environ.pop(DATA_DIR_VARIABLE, None)
            else:
                os.environ[DATA_DIR_VARIABLE] = previous
            get_settings.cache_clear()


def _run_flow(samples: Sequence[Sample], cache: Path | None) -> Iterator[dict[str, Any]]:
    # Imported here: the flows read the settings (and configure Prefect) when imported.
    from rogatory.flows.process import process_document

    for sample in samples:
        started = time.monotonic()
        record = process_document(sample.output, received_at=sample.received_at)
        print(f"{sample.id}: {time.monotonic() - started:.1f} s", file=sys.stderr)
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            kept = {
                "language": record.language.code if record.language else None,
                "pages": [p.model_dump(mode="json") for p in record.pages],
            }
            (cache / f"{sample.id}.json").write_text(json.dumps(kept), encoding="utf-8")
        yield record.extraction.model_dump(mode="json")
