"""Train the shared SentencePiece model and one small multi-source MarianMT (es+fr+de -> en).

CPU only, one thread (the machine has two cores and the other one is for everybody else).
Training is bounded by wall time and checkpoints every few minutes, so an interrupted run resumes
where it stopped (``--resume`` is the default when a checkpoint exists).

    python train.py --corpus work/corpus --work work --minutes 30
"""

from __future__ import annotations

import os

# Before torch is imported: one thread for BLAS/OpenMP too.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse
import copy
import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sentencepiece as spm
import torch
from corpus import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN, placeholder, read_tsv
from torch import nn

if TYPE_CHECKING:
    from transformers import MarianMTModel

EOS, UNK, PAD = "</s>", "<unk>", "<pad>"
EXPORT_POSITIONS = 1024  # CTranslate2 truncates inputs at 1024 tokens by default


@dataclass(frozen=True)
class ModelShape:
    d_model: int = 128
    layers: int = 3
    heads: int = 4
    ffn: int = 512
    max_positions: int = 256


# --- SentencePiece -----------------------------------------------------------------------------


def train_sentencepiece(corpus_dir: Path, out_dir: Path, vocab_size: int) -> Path:
    """Unigram model shared by es, fr, de and en.

    ⟦1⟧..⟦99⟧ are single pieces so the usual placeholders are copied as one token; ⟦ and ⟧ on their
    own plus ``split_digits`` let larger numbers (⟦123⟧) through as ⟦ 1 2 3 ⟧, and make amounts and
    account numbers digit sequences the model learns to copy.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    text = out_dir / "spm_input.txt"
    rows = read_tsv(corpus_dir / "train.tsv")
    with text.open("w", encoding="utf-8") as f:
        for _, src, tgt in rows:
            f.write(src + "\n" + tgt + "\n")
    symbols = [placeholder(i) for i in range(1, 100)] + [PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE]
    prefix = out_dir / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=str(text),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        split_digits=True,
        user_defined_symbols=symbols,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        input_sentence_size=200_000,
        shuffle_input_sentence=True,
        seed_sentencepiece_size=200_000,
        num_threads=1,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def marian_vocab(sp: spm.SentencePieceProcessor) -> list[str]:
    """Marian's layout, which the CTranslate2 converter expects: </s>=0, <unk>=1, ..., <pad> last
    (the converter drops the trailing <pad> and starts the decoder from a zero embedding)."""
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not sp.is_unknown(i)]
    return [EOS, UNK, *pieces, PAD]


# --- Data --------------------------------------------------------------------------------------

Example = tuple[list[int], list[int]]


def encode(sp: spm.SentencePieceProcessor, index: dict[str, int], text: str) -> list[int]:
    unk = index[UNK]
    return [index.get(p, unk) for p in sp.encode(text, out_type=str)] + [index[EOS]]


def load_examples(
    path: Path, sp: spm.SentencePieceProcessor, index: dict[str, int], max_len: int
) -> list[Example]:
    examples = []
    for _, src, tgt in read_tsv(path):
        s, t = encode(sp, index, src), encode(sp, index, tgt)
        if len(s) <= max_len and len(t) <= max_len:
            examples.append((s, t))
    return examples


def make_batches(examples: list[Example], max_tokens: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches (little padding), in random order."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i][0]), rng.random()))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        longest_if = max(longest, len(examples[i][0]), len(examples[i][1]))
        if current and longest_if * (len(current) + 1) > max_tokens:
            batches.append(current)
            current, longest_if = [], max(len(examples[i][0]), len(examples[i][1]))
        current.append(i)
        longest = longest_if
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def collate(examples: list[Example], ids: list[int], pad: int) -> dict[str, torch.Tensor]:
    src = [examples[i][0] for i in ids]
    tgt = [examples[i][1] for i in ids]
    s_len, t_len = max(map(len, src)), max(map(len, tgt))
    input_ids = torch.full((len(ids), s_len), pad, dtype=torch.long)
    dec_in = torch.full((len(ids), t_len), pad, dtype=torch.long)
    labels = torch.full((len(ids), t_len), -100, dtype=torch.long)
    for row, (s, t) in enumerate(zip(src, tgt, strict=True)):
        input_ids[row, : len(s)] = torch.tensor(s)
        # Decoder input starts with <pad>: Marian's decoder_start_token (a zero embedding).
        dec_in[row, 1 : len(t)] = torch.tensor(t[:-1])
        labels[row, : len(t)] = torch.tensor(t)
    return {
        "input_ids": input_ids,
        "attention_mask": input_ids.ne(pad).long(),
        "decoder_input_ids": dec_in,
        "labels": labels,
    }


# --- Model -------------------------------------------------------------------------------------


def build_model(vocab_size: int, shape: ModelShape) -> MarianMTModel:
    from transformers import MarianConfig, MarianMTModel

    pad = vocab_size - 1
    config = MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=shape.d_model,
        encoder_layers=shape.layers,
        decoder_layers=shape.layers,
        encoder_attention_heads=shape.heads,
        decoder_attention_heads=shape.heads,
        encoder_ffn_dim=shape.ffn,
        decoder_ffn_dim=shape.ffn,
        max_position_embeddings=shape.max_positions,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        activation_function="swish",
        scale_embedding=True,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        # HF's default (0.02) with post-norm Marian learned to ignore the source here.
        init_std=shape.d_model**-0.5,
    )
    model = MarianMTModel(config)
    std = shape.d_model**-0.5
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "embed_positions" in name or "layer_norm" in name:
                continue
            if name.endswith("bias"):
                param.zero_()
            elif param.dim() == 2:
                param.normal_(0.0, std)
        model.model.shared.weight[pad].zero_()
    return model


def smoothed_loss(logits: torch.Tensor, labels: torch.Tensor, eps: float = 0.1) -> torch.Tensor:
    return nn.functional.cross_entropy(
        logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=-100, label_smoothing=eps
    )


def lr_at(step: int, peak: float, warmup: int) -> float:
    step = max(step, 1)
    return peak * min(step / warmup, math.sqrt(warmup / step))


# --- Training loop -----------------------------------------------------------------------------


def greedy(
    model: MarianMTModel,
    sp: spm.SentencePieceProcessor,
    index: dict[str, int],
    vocab: list[str],
    text: str,
    max_len: int = 120,
) -> str:
    model.eval()
    with torch.no_grad():
        ids = torch.tensor([encode(sp, index, text)])
        out = model.generate(  # type: ignore[misc]
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            num_beams=1,
            max_new_tokens=max_len,
            do_sample=False,
        )
    pieces = [vocab[i] for i in out[0].tolist() if i not in (0, len(vocab) - 1)]
    model.train()
    return sp.decode_pieces(pieces)


def train(args: argparse.Namespace) -> None:
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    work: Path = args.work
    spm_dir = work / "spm"
    spm_model = spm_dir / "sentencepiece.model"
    if not spm_model.exists():
        train_sentencepiece(args.corpus, spm_dir, args.vocab_size)
    sp = spm.SentencePieceProcessor(model_file=str(spm_model))
    vocab = marian_vocab(sp)
    index = {p: i for i, p in enumerate(vocab)}
    shape = ModelShape(d_model=args.d_model, layers=args.layers, heads=args.heads, ffn=args.ffn)

    train_ex = load_examples(args.corpus / "train.tsv", sp, index, args.max_len)
    dev_rows = read_tsv(args.corpus / "dev.tsv")
    dev_ex = load_examples(args.corpus / "dev.tsv", sp, index, args.max_len)
    print(
        f"vocab {len(vocab)}  train {len(train_ex)}  dev {len(dev_ex)}  "
        f"src tokens/sentence {sum(len(s) for s, _ in train_ex) / len(train_ex):.1f}",
        flush=True,
    )

    model = build_model(len(vocab), shape)
    print(f"parameters {sum(p.numel() for p in model.parameters()):,}", flush=True)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=args.lr, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.0
    )
    ckpt_path = work / "checkpoint.pt"
    state: dict[str, Any] = {"step": 0, "epoch": 0, "batch": 0, "elapsed": 0.0}
    if ckpt_path.exists() and not args.restart:
        ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        state = ckpt["state"]
        print(f"resumed at step {state['step']} ({state['elapsed'] / 60:.1f} min done)", flush=True)

    def save() -> None:
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save(
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "state": state,
                "shape": shape.__dict__,
            },
            tmp,
        )
        tmp.replace(ckpt_path)  # atomic: a kill during save leaves the previous checkpoint

    pad = len(vocab) - 1
    budget = args.minutes * 60
    started, last_save, last_log = time.time(), time.time(), time.time()
    base_elapsed = state["elapsed"]
    model.train()
    loss_sum, tok_sum = 0.0, 0
    max_steps = args.max_steps or 10**9

    def more() -> bool:
        return state["elapsed"] < budget and state["step"] < max_steps

    while more():
        # The batch order of an epoch depends only on (seed, epoch): resuming re-creates it.
        batches = make_batches(train_ex, args.max_tokens, random.Random(args.seed + state["epoch"]))
        while state["batch"] < len(batches) and more():
            batch = collate(train_ex, batches[state["batch"]], pad)
            for group in optimizer.param_groups:
                group["lr"] = lr_at(state["step"] + 1, args.lr, args.warmup)
            out = model(
                input_ids=batch["input_ids"],
                attention_mask=batch["attention_mask"],
                decoder_input_ids=batch["decoder_input_ids"],
            )
            loss = smoothed_loss(out.logits, batch["labels"])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            n = int(batch["labels"].ne(-100).sum())
            loss_sum, tok_sum = loss_sum + loss.item() * n, tok_sum + n
            state["step"] += 1
            state["batch"] += 1
            state["elapsed"] = base_elapsed + time.time() - started
            if time.time() - last_log > 60:
                print(
                    f"step {state['step']} epoch {state['epoch']} "
                    f"batch {state['batch']}/{len(batches)} loss {loss_sum / tok_sum:.3f} "
                    f"lr {lr_at(state['step'], args.lr, args.warmup):.2e} "
                    f"{state['elapsed'] / 60:.1f} min",
                    flush=True,
                )
                loss_sum, tok_sum, last_log = 0.0, 0, time.time()
            if time.time() - last_save > args.save_every * 60:
                save()
                last_save = time.time()
                row = dev_rows[state["step"] % len(dev_rows)]
                print(
                    f"  dev: {row[1]}\n   -> {greedy(model, sp, index, vocab, row[1])}", flush=True
                )
        if state["batch"] >= len(batches):
            state["epoch"] += 1
            state["batch"] = 0
    save()
    print(
        f"training done: {state['step']} steps, {state['epoch']} epochs, "
        f"{state['elapsed'] / 60:.1f} min",
        flush=True,
    )

    model.eval()
    with torch.no_grad():
        total, count = 0.0, 0
        for ids in make_batches(dev_ex, args.max_tokens, random.Random(0)):
            batch = collate(dev_ex, ids, pad)
            out = model(
                input_ids=batch["input_ids"],
                attention_mask=batch["attention_mask"],
                decoder_input_ids=batch["decoder_input_ids"],
            )
            n = int(batch["labels"].ne(-100).sum())
            total += float(smoothed_loss(out.logits, batch["labels"], eps=0.0)) * n
            count += n
    print(f"dev loss {total / count:.3f}", flush=True)
    export_hf(model, sp, vocab, spm_model, work / "hf")
    (work / "training.json").write_text(
        json.dumps(
            {
                **state,
                "parameters": sum(p.numel() for p in model.parameters()),
                "shape": shape.__dict__,
                "vocab": len(vocab),
                "train_pairs": len(train_ex),
                "dev_loss": total / count,
            },
            indent=2,
        )
    )


def export_hf(
    model: MarianMTModel,
    sp: spm.SentencePieceProcessor,
    vocab: list[str],
    spm_model: Path,
    out: Path,
) -> None:
    """A Hugging Face model directory with MarianTokenizer files, as the CT2 converter wants.

    The exported model gets a sinusoidal position table of ``EXPORT_POSITIONS`` rows instead of
    the 256 used in training: CTranslate2 raises on inputs longer than the table ("No position
    encodings are defined for positions >= 256"), and a sentence splitter can hand it a long
    unpunctuated form block. Marian's sinusoids do not depend on the table size, so rows 0-255
    are identical and the weights are unchanged; only very long inputs (never seen in training,
    translated badly) no longer crash.
    """
    import shutil

    from transformers import MarianMTModel

    out.mkdir(parents=True, exist_ok=True)
    config = copy.deepcopy(model.config)
    config.max_position_embeddings = EXPORT_POSITIONS
    wide = MarianMTModel(config)
    state = {k: v for k, v in model.state_dict().items() if "embed_positions" not in k}
    missing, unexpected = wide.load_state_dict(state, strict=False)
    if unexpected or any("embed_positions" not in k for k in missing):
        raise RuntimeError(f"export mismatch: missing {missing}, unexpected {unexpected}")
    for name in ("encoder", "decoder"):
        small = getattr(model.model, name).embed_positions.weight
        big = getattr(wide.model, name).embed_positions.weight
        if not torch.equal(small, big[: small.shape[0]]):
            raise RuntimeError("sinusoidal position table changed with its size")
    wide.save_pretrained(out)
    (out / "vocab.json").write_text(
        json.dumps({p: i for i, p in enumerate(vocab)}, ensure_ascii=False), encoding="utf-8"
    )
    shutil.copy(spm_model, out / "source.spm")
    shutil.copy(spm_model, out / "target.spm")
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "MarianTokenizer",
                "unk_token": UNK,
                "eos_token": EOS,
                "pad_token": PAD,
                "model_max_length": EXPORT_POSITIONS,
                "separate_vocabs": False,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--minutes", type=float, default=30.0, help="training wall-time budget")
    parser.add_argument("--vocab-size", type=int, default=2000)
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ffn", type=int, default=512)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument("--max-tokens", type=int, default=2500, help="padded tokens per batch")
    parser.add_argument("--max-len", type=int, default=150)
    parser.add_argument("--save-every", type=float, default=4.0, help="minutes")
    parser.add_argument(
        "--max-steps",
        type=int,
        default=0,
        help="stop after this many updates (0: only the time budget); the "
        "time budget makes the step count machine-dependent, this makes it exact",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--restart", action="store_true", help="ignore an existing checkpoint")
    train(parser.parse_args())


if __name__ == "__main__":
    main()
