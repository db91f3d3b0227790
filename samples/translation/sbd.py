"""A tiny sentence-boundary model in MiniSBD's ONNX format, trained here, shipped in each package.

Why: argostranslate 1.11 splits every paragraph into sentences before translating. With
``ARGOS_CHUNK_TYPE`` DEFAULT/ARGOSTRANSLATE or MINISBD it uses ``MiniSBDSentencizer``, which loads
``<package>/minisbd/<first *.onnx>`` if the package has one and otherwise *downloads* a model
(``minisbd.models.get_model_file`` -> GitHub releases). STANZA and SPACY download too, and NONE
makes the package unusable (``PackageTranslation`` raises NotImplementedError and the language
pair disappears). So an offline package must carry its own MiniSBD model.

What MiniSBD expects (minisbd 0.9.5, ``inference.py``/``modules``): an ONNX graph with inputs
``units`` (int64 [batch, chars]: one id per character) and ``features`` (float32
[batch, chars, n_features]) and one output of logits [batch, chars, 5]; the argmax per character
is 0 = inside a token, 1 = end of token, 2 = end of sentence, 3/4 = the same for multi-word tokens.
Model metadata (``custom_metadata_map``) carries JSON strings: ``config`` (feat_funcs, batch_size,
max_seqlen, ...), ``vocab`` (a stanza-style state dict with ``_unit2id``/``_id2unit``, <PAD>=0,
<UNK>=1) and ``lexicon`` (null). Only sentence ends matter to the splitter, so this model has two
classes and writes them into columns 0 and 2 of the five.

The network is a small dilated 1-D convolution over characters (about +-10 characters of
context: enough to see "Sr.", "Nr.", "art." to the left and a capital letter to the right),
trained on paragraphs assembled from the corpus sentences, with abbreviations, dates, amounts and
numbered items injected so that a full stop is not always a boundary.

    python sbd.py --corpus work/corpus --out work/minisbd.onnx
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from corpus import read_tsv
from torch import nn

FEAT_FUNCS = ["capitalized", "numeric", "end_of_para", "start_of_para"]
PAD, UNK = "<PAD>", "<UNK>"
ENDS = ".?!"

# Abbreviations and dotted tokens found inside sentences of legal letters.
ABBREVIATIONS = [
    "Sr.",
    "Sra.",
    "D.",
    "Dª.",
    "Dña.",
    "Dr.",
    "Dra.",
    "Prof.",
    "Avda.",
    "núm.",
    "n.º",
    "pág.",
    "art.",
    "arts.",
    "p. ej.",
    "etc.",
    "Cía.",
    "S.A.",
    "S.L.",
    "Tel.",
    "Tél.",
    "M.",
    "Mme.",
    "Mlle.",
    "av.",
    "bd.",
    "cf.",
    "env.",
    "p.",
    "Nr.",
    "Abs.",
    "Az.",
    "geb.",
    "z. B.",
    "bzw.",
    "vgl.",
    "ca.",
    "i.V.m.",
    "S.",
    "Str.",
    "St.",
    "Dipl.-Ing.",
    "Mr.",
    "Mrs.",
    "No.",
    "e.g.",
    "i.e.",
    "approx.",
    "Art.",
    "lit.",
    "Ziff.",
    "u.a.",
    "d.h.",
    "ggf.",
    "Ref.",
    "Exp.",
]


def _street(rng: random.Random) -> str:
    """Addresses abbreviate inside words: "Bahnhofstr. 5", "Avda. de X núm. 3", "bd. Y n° 4"."""
    word = rng.choice(["Bahnhof", "Haupt", "Linden", "Garten", "Berg", "Kirch", "Schiller"])
    n = rng.randint(1, 250)
    return rng.choice(
        [
            f"{word}str. {n}",
            f"{word}-Str. {n}",
            f"Avda. de {rng.choice(['América', 'Europa', 'la Paz'])} núm. {n}",
            f"c/ Mayor, n.º {n}",
            f"bd. {rng.choice(['Haussmann', 'Voltaire'])} n° {n}",
            f"Pl. {rng.choice(['Castilla', 'Mayor'])} {n}",
            f"Postf. {n}",
            f"Zi. {n}",
        ]
    )


def _inject(sentence: str, rng: random.Random) -> str:
    """Insert an abbreviation, often followed by a capitalised word or a number, mid-sentence."""
    words = sentence.split(" ")
    if len(words) < 3:
        return sentence
    pos = rng.randint(1, len(words) - 1)
    if rng.random() < 0.3:
        return " ".join([*words[:pos], _street(rng), *words[pos:]])
    follow = rng.choice(
        [
            "",
            str(rng.randint(1, 999)),
            rng.choice(
                [
                    "Müller",
                    "García",
                    "Dupont",
                    "Castellana",
                    "Ruiz",
                    "Weber",
                    "Lefèvre",
                    "⟦3⟧",
                    "⟦12⟧",
                ]
            ),
            f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1960, 2026)}",
        ]
    )
    insert = rng.choice(ABBREVIATIONS) + (" " + follow if follow else "")
    return " ".join([*words[:pos], insert, *words[pos:]])


def make_paragraph(sentences: list[str], rng: random.Random) -> tuple[str, list[int]]:
    """Join sentences into one paragraph; label 1 on each sentence's last character."""
    text, labels = "", []
    for i, sentence in enumerate(sentences):
        if rng.random() < 0.5:
            sentence = _inject(sentence, rng)
        if rng.random() < 0.1:
            sentence = rng.choice(["1. ", "2. ", "3) ", "a) ", "b) ", "II. ", "- "]) + sentence
        if i:
            sep = " " if rng.random() < 0.9 else "  "
            text += sep
            labels += [0] * len(sep)
        text += sentence
        labels += [0] * (len(sentence) - 1) + [1]
    return text, labels


def paragraphs(
    rows: list[list[str]], count: int, rng: random.Random
) -> list[tuple[str, list[int]]]:
    sentences = [s for row in rows for s in row[-2:] if s and s[-1] in ENDS]
    headings = [s for row in rows for s in row[-2:] if s and s[-1] not in ENDS]
    out = []
    for _ in range(count):
        if rng.random() < 0.05:  # a heading or a form line on its own
            text = rng.choice(headings)
            out.append((text, [0] * (len(text) - 1) + [1]))
            continue
        out.append(make_paragraph(rng.sample(sentences, rng.randint(1, 6)), rng))
    return out


def features(text: str) -> np.ndarray:
    """The per-character features MiniSBD computes for ``FEAT_FUNCS`` (see its data.py)."""
    feats = np.zeros((len(text), len(FEAT_FUNCS)), dtype=np.float32)
    for i, ch in enumerate(text):
        feats[i, 0] = ch.isupper()
        feats[i, 1] = ch.isdigit()
    if len(text):
        feats[-1, 2] = 1.0
        feats[0, 3] = 1.0
    return feats


class CharConv(nn.Module):
    def __init__(self, vocab: int, emb: int = 24, channels: int = 32) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, emb, padding_idx=0)
        width = emb + len(FEAT_FUNCS)
        self.convs = nn.ModuleList(
            [
                nn.Conv1d(width, channels, 5, padding=2),
                nn.Conv1d(channels, channels, 5, padding=4, dilation=2),
                nn.Conv1d(channels, channels, 3, padding=4, dilation=4),
            ]
        )
        self.out = nn.Linear(channels, 2)

    def forward(self, units: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        x = torch.cat([self.embed(units), features], dim=-1).transpose(1, 2)
        for i, conv in enumerate(self.convs):
            y = torch.relu(conv(x))
            x = y if i == 0 else x + y  # residual from the second layer on
        logits = self.out(x.transpose(1, 2))  # [B, T, 2]: not-boundary, sentence end
        # MiniSBD's five classes: keep 0 and 2, make 1, 3, 4 unreachable.
        blocked = torch.full_like(logits[..., :1], -30.0)
        return torch.cat([logits[..., :1], blocked, logits[..., 1:], blocked, blocked], dim=-1)


def to_batch(
    items: list[tuple[str, list[int]]], unit2id: dict[str, int]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    length = max(len(t) for t, _ in items) + 1
    units = torch.zeros((len(items), length), dtype=torch.long)
    feats = torch.zeros((len(items), length, len(FEAT_FUNCS)))
    labels = torch.full((len(items), length), -100, dtype=torch.long)
    for row, (text, lab) in enumerate(items):
        units[row, : len(text)] = torch.tensor([unit2id.get(c, 1) for c in text])
        feats[row, : len(text)] = torch.from_numpy(features(text))
        labels[row, : len(text)] = torch.tensor(lab)
    return units, feats, labels


def boundary_f1(
    model: CharConv, items: list[tuple[str, list[int]]], unit2id: dict[str, int]
) -> tuple[float, float, float]:
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for i in range(0, len(items), 64):
            chunk = items[i : i + 64]
            units, feats, labels = to_batch(chunk, unit2id)
            pred = model(units, feats).argmax(-1).eq(2)
            gold = labels.eq(1)
            # The paragraph end is always a boundary in MiniSBD: score inner boundaries only.
            for row, (text, _) in enumerate(chunk):
                pred[row, len(text) - 1 :] = False
                gold[row, len(text) - 1 :] = False
            tp += int((pred & gold).sum())
            fp += int((pred & ~gold).sum())
            fn += int((~pred & gold).sum())
    model.train()
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def export(model: CharConv, id2unit: list[str], out: Path) -> None:
    import onnx

    model.eval()
    out.parent.mkdir(parents=True, exist_ok=True)
    dummy = (torch.zeros((1, 8), dtype=torch.long), torch.zeros((1, 8, len(FEAT_FUNCS))))
    axes = {
        "units": {0: "batch", 1: "chars"},
        "features": {0: "batch", 1: "chars"},
        "logits": {0: "batch", 1: "chars"},
    }
    torch.onnx.export(
        model,
        dummy,
        str(out),
        input_names=["units", "features"],
        output_names=["logits"],
        dynamic_axes=axes,
        opset_version=17,
        dynamo=False,
    )
    graph = onnx.load(str(out))
    meta = {
        "lang_code": "es,fr,de,en",
        "config": json.dumps(
            {
                "feat_funcs": FEAT_FUNCS,
                "batch_size": 32,
                "max_seqlen": 1000,
                "skip_newline": False,
                "no_ssplit": False,
                "use_dictionary": False,
                "num_dict_feat": 0,
            }
        ),
        "vocab": json.dumps(
            {
                "lang": "",
                "idx": 0,
                "cutoff": 0,
                "lower": False,
                "_unit2id": {u: i for i, u in enumerate(id2unit)},
                "_id2unit": id2unit,
            },
            ensure_ascii=False,
        ),
        "lexicon": "null",
    }
    del graph.metadata_props[:]
    for key, value in meta.items():
        graph.metadata_props.add(key=key, value=value)
    onnx.save(graph, str(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--heldout-dir", type=Path, default=Path(__file__).parent / "heldout")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--steps", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    rows = read_tsv(args.corpus / "train.tsv")
    train = paragraphs(rows, 12_000, rng)
    held_rows = [
        r for lang in ("es", "fr", "de") for r in read_tsv(args.heldout_dir / f"{lang}.tsv")
    ]
    test = paragraphs([[r[0], ""] for r in held_rows], 600, random.Random(99))

    counts = Counter(c for text, _ in train for c in text)
    id2unit = [PAD, UNK, *sorted(c for c, n in counts.items() if n >= 3)]
    unit2id = {u: i for i, u in enumerate(id2unit)}
    model = CharConv(len(id2unit))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    # Boundaries are ~1% of characters: weigh them up so recall does not collapse.
    loss_fn = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 1.0, 4.0, 1.0, 1.0]), ignore_index=-100)
    started = time.time()
    for step in range(1, args.steps + 1):
        items = rng.sample(train, 32)
        units, feats, labels = to_batch(items, unit2id)
        target = labels.clone()
        target[target == 1] = 2  # label 1 ("boundary") is MiniSBD class 2
        loss = loss_fn(model(units, feats).reshape(-1, 5), target.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 500 == 0:
            p, r, f = boundary_f1(model, test, unit2id)
            print(
                f"step {step} loss {loss.item():.4f}  held-out boundary P {p:.3f} R {r:.3f} "
                f"F1 {f:.3f}  {time.time() - started:.0f}s",
                flush=True,
            )
    export(model, id2unit, args.out)
    p, r, f = boundary_f1(model, test, unit2id)
    (args.out.parent / "minisbd.json").write_text(
        json.dumps(
            {
                "precision": p,
                "recall": r,
                "f1": f,
                "test_paragraphs": len(test),
                "parameters": sum(x.numel() for x in model.parameters()),
                "bytes": args.out.stat().st_size,
            },
            indent=2,
        )
    )
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB), held-out inner "
        f"boundaries P {p:.3f} R {r:.3f} F1 {f:.3f}"
    )


if __name__ == "__main__":
    main()
