"""The extraction scored against the labelled sample requests.

Each sample of `samples/manifest.yaml` has a source text, a rendered scan and a gold extraction
(`samples/gold/<id>.json`). A sample marked `heldout: true` was kept out of rule tuning, so its
figures are reported apart: they say how the rules do on requests they were not written for.

List fields (offences, parties, identifiers, …) are scored as sets per document (precision,
recall, F1, micro-F1 over all of them); scalar fields (document type, states, authority, dates,
flags) by accuracy: the share of documents where the value, null included, is the gold one.
"""

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from rogatory.models import Page, PageSource

MANIFEST = "manifest.yaml"

SCALARS = (
    "doc_type",
    "requesting_state",
    "requested_state",
    "requesting_authority",
    "document_date",
    "deadline",
    "urgent",
    "in_custody",
)
# How two list entries are judged the same fact: a party must have the right name AND role.
LIST_KEYS: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "offences": lambda f: (f["category"],),
    "measures": lambda f: (f["type"],),
    "legal_basis": lambda f: (f["instrument"],),
    "parties": lambda f: (_name(f["name"]), f["role"]),
    "identifiers": lambda f: (f["kind"], f["value"]),
    "amounts": lambda f: (round(float(f["value"]), 2), f["currency"]),
}
LISTS = (*LIST_KEYS, "references")
# Diagnostic only, not in the micro average: a party found with a wrong role counts here.
PARTY_NAMES = "parties (name only)"
# Diagnostic only: an authority read right but for an OCR slip ("Staatsanwaltschaft Ill").
SIMILAR_AUTHORITY = "requesting_authority ~90%"
_SIMILAR = 90.0

Subset = Callable[["Sample"], bool]
SUBSETS: dict[str, Subset] = {
    "all": lambda s: True,
    "tuned": lambda s: not s.heldout,
    "held-out": lambda s: s.heldout,
}


class Sample(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    language: str
    source: Path
    output: Path
    received_at: datetime
    heldout: bool = False
    # Which held-out round: each was written or set aside before a round of rule changes.
    round: int | None = None


def load_samples(root: Path) -> list[Sample]:
    """The manifest's samples, their paths made absolute."""
    data = yaml.safe_load((root / MANIFEST).read_text(encoding="utf-8"))
    samples = []
    for entry in data["samples"]:
        entry = {
            **entry,
            "source": root / entry["source"],
            "output": root / "requests" / entry["output"],
        }
        samples.append(Sample.model_validate(entry))
    return samples


def load_gold(root: Path, sample: Sample) -> dict[str, Any]:
    gold = json.loads((root / "gold" / f"{sample.id}.json").read_text(encoding="utf-8"))
    extraction: dict[str, Any] = gold["extraction"]
    return extraction


def source_pages(sample: Sample) -> list[Page]:
    """The pages of the source text (split on form feeds), as if read from a text layer."""
    text = sample.source.read_text(encoding="utf-8")
    return [
        Page(number=n, text=t, source=PageSource.TEXT_LAYER)
        for n, t in enumerate(text.split("\f"), 1)
    ]


def extract_pages(pages: Sequence[Page], sample: Sample) -> dict[str, Any]:
    """The extraction of pages as JSON, with the sample's own language and receipt time (the
    full pipeline detects the language itself)."""
    # Imported here: spaCy (and the torch it pulls in) would slow every `rogatory` command.
    from rogatory.nlp.extract import extract

    return extract(pages, sample.language, sample.received_at).model_dump(mode="json")


def _text(value: str) -> str:
    return " ".join(value.casefold().split())


def _folded(value: str) -> str:
    """Without case or accents (compatibility forms too: "nº" is "no")."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _name(value: str) -> str:
    """A name's words in any order, without punctuation or accents: "HUBER, Maximilian Georg"
    is "Maximilian Georg Huber", "Ltd." at the end of a sentence is "Ltd", and "Lucia Beltran"
    read by OCR without its accents is still the party "Lucía Beltrán"."""
    return " ".join(sorted(re.findall(r"\w+", _folded(value))))


def _scalar(value: Any) -> Any:
    """Text values in their own word order, without case, accents or punctuation: the authority
    "Juzgado de Instrucción n.º 2" is "Juzgado de Instruccion nº 2" (the same rule for every
    sample; a wrong or misread word still counts as wrong)."""
    if not isinstance(value, str):
        return value
    return " ".join(re.sub(r"[^\w\s]", "", _folded(value)).split())


def _reference_value(reference: str) -> str:
    """A reference without its labels: the words before its first digit and after its last go
    ("Case No. 25 Cr. 318" is "25 Cr. 318", "n. 40213/2025 R.G.N.R." is "40213/2025"), then
    case, accents and punctuation."""
    words = _folded(reference).split()
    numbered = [i for i, word in enumerate(words) if any(c.isdigit() for c in word)]
    kept = words[numbered[0] : numbered[-1] + 1] if numbered else words
    return re.sub(r"\W", "", "".join(kept))


def _same_reference(a: str, b: str) -> bool:
    """The same whole value, whatever label each side carries: "2025" is not "DP 1234/2025"."""
    x, y = _reference_value(a), _reference_value(b)
    return bool(x) and x == y


def _set_counts(predicted: set[Any], gold: set[Any]) -> Counter[str]:
    return Counter(tp=len(predicted & gold), fp=len(predicted - gold), fn=len(gold - predicted))


def list_counts(predicted: dict[str, Any], gold: dict[str, Any]) -> dict[str, Counter[str]]:
    """True positives, false positives and false negatives per list field of one document.
    Case references are scored once, under `references`, not again among identifiers."""
    counts: dict[str, Counter[str]] = {}
    for name, key in LIST_KEYS.items():
        items = [f for f in predicted[name] if f.get("kind") != "case_reference"]
        counts[name] = _set_counts({key(f) for f in items}, {key(f) for f in gold[name]})
    counts[PARTY_NAMES] = _set_counts(
        {_name(p["name"]) for p in predicted["parties"]},
        {_name(p["name"]) for p in gold["parties"]},
    )
    found, wanted = predicted["references"], gold["references"]
    matched = sum(any(_same_reference(p, g) for p in found) for g in wanted)
    extra = sum(not any(_same_reference(p, g) for g in wanted) for p in found)
    counts["references"] = Counter(tp=matched, fp=extra, fn=len(wanted) - matched)
    return counts


def scalar_hits(predicted: dict[str, Any], gold: dict[str, Any]) -> dict[str, bool]:
    hits = {name: _scalar(predicted[name]) == _scalar(gold[name]) for name in SCALARS}
    found, wanted = predicted["requesting_authority"], gold["requesting_authority"]
    similar = found is not None and wanted is not None
    similar = similar and fuzz.ratio(_text(found), _text(wanted)) >= _SIMILAR
    hits[SIMILAR_AUTHORITY] = hits["requesting_authority"] or similar
    return hits


def prf(counts: Counter[str]) -> tuple[float, float, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class Outcome:
    """One sample's prediction against its gold extraction."""

    sample: Sample
    predicted: dict[str, Any]
    gold: dict[str, Any]
    error: str | None = None

    @property
    def counts(self) -> dict[str, Counter[str]]:
        return list_counts(self.predicted, self.gold)

    @property
    def hits(self) -> dict[str, bool]:
        return scalar_hits(self.predicted, self.gold)

    def differences(self) -> list[str]:
        """What a reviewer of the rules needs: each wrong scalar and each missed or extra fact."""
        lines = [
            f"{name}: got {self.predicted[name]!r}, want {self.gold[name]!r}"
            for name, hit in self.hits.items()
            if not hit and name in SCALARS
        ]
        for name, key in LIST_KEYS.items():
            got = {key(f) for f in self.predicted[name] if f.get("kind") != "case_reference"}
            want = {key(f) for f in self.gold[name]}
            lines += [f"{name}: missed {k}" for k in sorted(want - got, key=repr)]
            lines += [f"{name}: extra {k}" for k in sorted(got - want, key=repr)]
        found, wanted = self.predicted["references"], self.gold["references"]
        lines += [
            f"references: missed {g!r}"
            for g in wanted
            if not any(_same_reference(p, g) for p in found)
        ]
        lines += [
            f"references: extra {p!r}"
            for p in found
            if not any(_same_reference(p, g) for g in wanted)
        ]
        return lines


@dataclass
class Scores:
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    hits: dict[str, list[bool]] = field(default_factory=dict)
    documents: int = 0

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> "Scores":
        scores = cls()
        for outcome in outcomes:
            scores.documents += 1
            for name, counts in outcome.counts.items():
                scores.counts.setdefault(name, Counter()).update(counts)
            for name, hit in outcome.hits.items():
                scores.hits.setdefault(name, []).append(hit)
        return scores

    def field(self, name: str) -> tuple[float, float, float]:
        return prf(self.counts.get(name, Counter()))

    @property
    def micro(self) -> tuple[float, float, float]:
        return prf(sum((self.counts.get(name, Counter()) for name in LISTS), Counter()))

    def accuracy(self, name: str) -> float:
        hits = self.hits.get(name, [])
        return sum(hits) / len(hits) if hits else 1.0


def score_by_subset(outcomes: Sequence[Outcome]) -> dict[str, Scores]:
    """All, tuned and held-out samples, then each held-out round apart."""
    subsets = {
        name: Scores.of(o for o in outcomes if keep(o.sample)) for name, keep in SUBSETS.items()
    }
    rounds = sorted({o.sample.round for o in outcomes if o.sample.round is not None})
    for number in rounds:
        subsets[f"round {number}"] = Scores.of(o for o in outcomes if o.sample.round == number)
    return subsets


def _prf_cell(scores: Scores, values: tuple[float, float, float]) -> str:
    """Precision, recall and F1, or a dash for a subset without documents."""
    if not scores.documents:
        return f"{'-':>12}{'-':>5}{'-':>5}"
    return "{:>12.2f}{:>5.2f}{:>5.2f}".format(*values)


def report(outcomes: Sequence[Outcome]) -> str:
    """Per-field precision / recall / F1, micro-F1 and scalar accuracy for all samples and for the
    tuned and held-out ones apart, as a plain-text table."""
    subsets = score_by_subset(outcomes)
    names = list(subsets)
    heading = "".join(f"{f'{n} ({subsets[n].documents})':>22}" for n in names)
    lines = [f"{'list field':24}{heading}", f"{'':24}" + f"{'P    R    F1':>22}" * len(names)]
    for name in [*LISTS, PARTY_NAMES]:
        cells = "".join(_prf_cell(subsets[n], subsets[n].field(name)) for n in names)
        lines.append(f"{name:24}{cells}")
    cells = "".join(_prf_cell(subsets[n], subsets[n].micro) for n in names)
    lines += [f"{'micro (list fields)':24}{cells}", "", f"{'scalar field':24}{heading}"]
    for name in [*SCALARS, SIMILAR_AUTHORITY]:
        cells = "".join(
            f"{subsets[n].accuracy(name):>22.2f}" if subsets[n].documents else f"{'-':>22}"
            for n in names
        )
        lines.append(f"{name:24}{cells}")
    failed = [o for o in outcomes if o.error]
    if failed:
        lines.append("")
        lines += [f"{o.sample.id}: {o.error}" for o in failed]
    return "\n".join(lines)
