"""Extraction: the scores of `rogatory eval` on the labelled samples, from their source texts and
from their rendered scans through the whole flow, and the time extraction takes per page against
the bare spaCy tokenizer of the same language on the same pages (its floor), in the same run."""

import time
from pathlib import Path

import spacy

from rogatory.eval_cli import Shown, evaluate
from rogatory.evaluation import load_samples, source_pages
from rogatory.nlp.extract import extract
from rogatory.nlp.extract.pipeline import pipeline

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ROUNDS = 3


def _speed() -> None:
    samples = load_samples(SAMPLES)
    documents = [(s, source_pages(s)) for s in samples]
    pages = sum(len(p) for _, p in documents)
    tokenizers = {s.language: spacy.blank(s.language) for s in samples}
    for sample, _ in documents:
        pipeline(sample.language)  # built once per process, as in a worker
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for sample, doc_pages in documents:
            for page in doc_pages:
                tokenizers[sample.language](page.text)
    floor = (time.perf_counter() - started) / (ROUNDS * pages)
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for sample, doc_pages in documents:
            extract(doc_pages, sample.language, sample.received_at)
    spent = (time.perf_counter() - started) / (ROUNDS * pages)
    print(
        f"extraction: {spent * 1000:.1f} ms per page over {pages} pages, "
        f"{spent / floor:.1f}× the bare tokenizer ({floor * 1000:.2f} ms per page)"
    )


def main() -> None:
    print("== extraction on the source texts")
    evaluate(SAMPLES, texts=True, cache=None, from_cache=False, only=None, details=Shown.NONE)
    print("\n== extraction on the rendered scans, whole flow (OCR, language, extract)")
    evaluate(SAMPLES, texts=False, cache=None, from_cache=False, only=None, details=Shown.NONE)
    print()
    _speed()
