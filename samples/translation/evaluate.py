"""Evaluate the demo .argosmodel packages exactly as the pipeline uses them, with no network.

Installs each package into a temporary ``ARGOS_PACKAGES_DIR``, translates the held-out sentences
through ``argostranslate.translate.get_translation_from_codes(src, "en").translate(text)`` and
reports chrF (sacrebleu), placeholder survival and speed; then translates held-out *paragraphs*
(three sentences in one string) so MiniSBD sentence splitting is exercised too, and the
hand-written ``heldout/free-<lang>.tsv`` sentences that follow no template.

Zero network: it re-runs itself inside a new network namespace (``unshare -rn``: only a loopback
that is down) when ``unshare`` works, and in any case a socket guard makes every connection attempt
fail loudly and counts it; a non-zero count fails the run.

    .venv/bin/python samples/translation/evaluate.py [--json samples/translation/evaluation.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PLACEHOLDER_RE = re.compile(r"⟦\d+⟧")
NETNS_FLAG = "ROGATORY_EVAL_IN_NETNS"

network_attempts: list[str] = []


def guard_sockets() -> None:
    """Make any attempt to reach the network raise, and remember it."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        network_attempts.append(repr(args[:2]))
        raise OSError("network access attempted during offline evaluation")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign,assignment]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


def configure_argos(tmp: Path) -> None:
    """argostranslate reads these once, at import: set them first (the pipeline must too)."""
    os.environ["ARGOS_PACKAGES_DIR"] = str(tmp / "packages")
    os.environ["ARGOS_CHUNK_TYPE"] = "MINISBD"  # packaged minisbd/*.onnx, never a download
    os.environ["ARGOS_DEVICE_TYPE"] = "cpu"
    os.environ["ARGOS_INTRA_THREADS"] = "1"  # one core, as on a busy 2-core machine
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def read_heldout(path: Path) -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line]
    return [(r[0], r[1]) for r in rows]


def placeholder_survival(sources: list[str], outputs: list[str]) -> dict[str, float | int]:
    """Share of placeholders copied exactly, and of sentences with every placeholder intact
    (same multiset: none lost, none duplicated, none invented)."""
    total = kept = sentences = intact = 0
    for src, out in zip(sources, outputs, strict=True):
        want = Counter(PLACEHOLDER_RE.findall(src))
        if not want:
            continue
        got = Counter(PLACEHOLDER_RE.findall(out))
        sentences += 1
        total += sum(want.values())
        kept += sum(min(n, got[p]) for p, n in want.items())
        intact += got == want
    return {
        "placeholders": total,
        "kept": kept,
        "rate": kept / total if total else 1.0,
        "sentences": sentences,
        "sentences_intact": intact,
        "sentence_rate": intact / sentences if sentences else 1.0,
    }


def evaluate(models_dir: Path, heldout_dir: Path, langs: list[str]) -> dict[str, object]:
    import sacrebleu

    tmp = Path(tempfile.mkdtemp(prefix="rogatory-argos-eval-"))
    try:
        configure_argos(tmp)
        t0 = time.perf_counter()
        import argostranslate.package
        import argostranslate.translate

        import_seconds = time.perf_counter() - t0
        results: dict[str, object] = {"import_seconds": round(import_seconds, 2)}
        for lang in langs:
            package = next(models_dir.glob(f"translate-{lang}_en-*.argosmodel"))
            argostranslate.package.install_from_path(package)
            t0 = time.perf_counter()
            translation = argostranslate.translate.get_translation_from_codes(lang, "en")
            translation.translate("Hola.")  # loads the CTranslate2 model and the splitter
            load_seconds = time.perf_counter() - t0

            rows = read_heldout(heldout_dir / f"{lang}.tsv")
            sources, refs = [r[0] for r in rows], [r[1] for r in rows]
            t0 = time.perf_counter()
            outputs = [translation.translate(s) for s in sources]
            seconds = time.perf_counter() - t0

            # Paragraphs of three held-out sentences: splitting + translation + rejoining.
            para_src = [" ".join(sources[i : i + 3]) for i in range(0, len(sources) - 2, 3)]
            para_ref = [" ".join(refs[i : i + 3]) for i in range(0, len(refs) - 2, 3)]
            para_out = [translation.translate(p) for p in para_src]

            # Hand-written sentences outside the templates: how far the demo model generalises.
            free_rows = read_heldout(heldout_dir / f"free-{lang}.tsv")
            free_out = [translation.translate(s) for s, _ in free_rows]

            # Placeholder stress set: every entity a placeholder, half numbered from 90 to 300.
            ph_rows = read_heldout(heldout_dir / f"placeholders-{lang}.tsv")
            ph_out = [translation.translate(s) for s, _ in ph_rows]
            low = [i for i, (s, _) in enumerate(ph_rows) if "⟦1⟧" in s]
            high = [i for i in range(len(ph_rows)) if i not in low]

            with_ph = [i for i, s in enumerate(sources) if PLACEHOLDER_RE.search(s)]
            results[lang] = {
                "package": package.name,
                "package_bytes": package.stat().st_size,
                "sentences": len(sources),
                "chrf": round(sacrebleu.corpus_chrf(outputs, [refs]).score, 1),
                "bleu": round(sacrebleu.corpus_bleu(outputs, [refs]).score, 1),
                "exact_match": sum(o == r for o, r in zip(outputs, refs, strict=True)) / len(refs),
                "chrf_with_placeholders": round(
                    sacrebleu.corpus_chrf(
                        [outputs[i] for i in with_ph], [[refs[i] for i in with_ph]]
                    ).score,
                    1,
                ),
                "placeholder_survival": placeholder_survival(sources, outputs),
                "paragraph_chrf": round(sacrebleu.corpus_chrf(para_out, [para_ref]).score, 1),
                "paragraphs": len(para_src),
                "load_seconds": round(load_seconds, 2),
                "sentences_per_second": round(len(sources) / seconds, 1),
                "placeholder_set": {
                    "sentences": len(ph_rows),
                    "chrf": round(
                        sacrebleu.corpus_chrf(ph_out, [[r for _, r in ph_rows]]).score, 1
                    ),
                    "numbered_from_1": placeholder_survival(
                        [ph_rows[i][0] for i in low], [ph_out[i] for i in low]
                    ),
                    "numbered_from_90_to_300": placeholder_survival(
                        [ph_rows[i][0] for i in high], [ph_out[i] for i in high]
                    ),
                    "failures": [
                        {"source": s, "output": o}
                        for (s, _), o in zip(ph_rows, ph_out, strict=True)
                        if Counter(PLACEHOLDER_RE.findall(s)) != Counter(PLACEHOLDER_RE.findall(o))
                    ][:10],
                },
                "free_sentences": len(free_rows),
                "free_chrf": round(
                    sacrebleu.corpus_chrf(free_out, [[r for _, r in free_rows]]).score, 1
                ),
                "free_placeholder_survival": placeholder_survival(
                    [s for s, _ in free_rows], free_out
                ),
                "examples": [
                    {"source": s, "reference": r, "output": o}
                    for s, r, o in list(zip(sources, refs, outputs, strict=True))[:6]
                ],
                "free_examples": [
                    {"source": s, "reference": r, "output": o}
                    for (s, r), o in zip(free_rows, free_out, strict=True)
                ],
            }
        results["network_attempts"] = len(network_attempts)
        results["network_namespace"] = os.environ.get(NETNS_FLAG) == "1"
        results["downloaded_minisbd_models"] = sorted(
            p.name for p in (tmp / "data").rglob("*.onnx")
        )
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-dir", type=Path, default=REPO / "samples" / "models")
    parser.add_argument("--heldout-dir", type=Path, default=HERE / "heldout")
    parser.add_argument("--langs", nargs="+", default=["es", "fr", "de"])
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--no-netns", action="store_true", help="socket guard only")
    args = parser.parse_args()

    if not args.no_netns and os.environ.get(NETNS_FLAG) is None and shutil.which("unshare"):
        probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
        if probe.returncode == 0:
            env = {**os.environ, NETNS_FLAG: "1"}
            sys.exit(
                subprocess.run(["unshare", "-rn", sys.executable, *sys.argv], env=env).returncode
            )

    guard_sockets()
    results = evaluate(args.models_dir, args.heldout_dir, args.langs)
    print(
        f"{'pair':8} {'chrF':>6} {'BLEU':>6} {'exact':>6} {'ph kept':>9} {'ph sent':>9} "
        f"{'para chrF':>9} {'free chrF':>9} {'sent/s':>7} {'load s':>6}"
    )
    for lang in args.langs:
        r = results[lang]
        assert isinstance(r, dict)
        ph = r["placeholder_survival"]
        print(
            f"{lang}->en   {r['chrf']:6.1f} {r['bleu']:6.1f} {r['exact_match']:6.0%} "
            f"{ph['kept']:>4}/{ph['placeholders']:<4} "
            f"{ph['sentences_intact']:>4}/{ph['sentences']:<4} "
            f"{r['paragraph_chrf']:9.1f} {r['free_chrf']:9.1f} {r['sentences_per_second']:7.1f} "
            f"{r['load_seconds']:6.2f}"
        )
    print("placeholder stress set (all entities masked): kept / sentences intact")
    for lang in args.langs:
        r = results[lang]
        assert isinstance(r, dict)
        ps = r["placeholder_set"]
        a, b = ps["numbered_from_1"], ps["numbered_from_90_to_300"]
        print(
            f"{lang}->en   from 1: {a['kept']}/{a['placeholders']} kept, "
            f"{a['sentences_intact']}/{a['sentences']} intact;   from 90-300: "
            f"{b['kept']}/{b['placeholders']} kept, {b['sentences_intact']}/{b['sentences']} intact"
        )
    print(
        f"network attempts: {results['network_attempts']}  (network namespace: "
        f"{results['network_namespace']}); "
        f"MiniSBD downloads: {results['downloaded_minisbd_models']}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    if results["network_attempts"] or results["downloaded_minisbd_models"]:
        sys.exit("network was attempted: the packages are not offline-safe")


if __name__ == "__main__":
    main()
