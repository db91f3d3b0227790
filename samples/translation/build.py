"""Build the demo Argos Translate packages es->en, fr->en and de->en from scratch, offline.

    .venv/bin/python samples/translation/build.py          # about 35 minutes on one core

Steps (each skipped when its output exists, so an interrupted build resumes; ``--clean`` starts
over): corpus -> SentencePiece + MarianMT training (checkpointed) -> CTranslate2 int8 conversion ->
MiniSBD sentence splitter -> package directories ->
``samples/models/translate-<xx>_en-1_0.argosmodel``.

One model translates all three source languages; it is packaged three times because an Argos
package is one language pair.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PACKAGE_VERSION = "1.0"
ARGOS_VERSION = "1.11"
NAMES = {"es": "Spanish", "fr": "French", "de": "German", "en": "English"}
# Zip entries get a fixed date so that the same model gives byte-identical packages.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


def package_name(src: str, tgt: str = "en") -> str:
    return f"translate-{src}_{tgt}-{PACKAGE_VERSION.replace('.', '_')}"


def run(script: str, *args: str) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run([sys.executable, str(HERE / script), *args], cwd=HERE, env=env, check=True)


def convert(hf_dir: Path, out: Path) -> None:
    """Same as ``ct2-transformers-converter --model hf --output_dir out --quantization int8``."""
    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(hf_dir)).convert(str(out), quantization="int8", force=True)
    # The model was trained, like Marian, with </s> closing the source. Argos passes only the
    # SentencePiece pieces, so CTranslate2 must append it: "add_source_eos" in the model config.
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    config["add_source_eos"] = True
    config_path.write_text(json.dumps(config, indent=2) + "\n")


def package_readme(src: str, training: dict[str, Any], sbd: dict[str, Any]) -> str:
    shape = training["shape"]
    minutes = round(training["elapsed"] / 60)
    return f"""# Rogatory demo package {NAMES[src]} -> English ({PACKAGE_VERSION})

Demo quality only. A {training["parameters"]:,}-parameter MarianMT (d_model {shape["d_model"]},
{shape["layers"]}+{shape["layers"]} layers) trained from scratch for {minutes} minutes
on one CPU core on a synthetic corpus of legal-assistance-request sentences written for Rogatory
(es, fr, de -> en). The same weights ship in the es, fr and de packages. It knows the phrasing of
letters of request, EIOs and extradition requests and little else; outside that domain it
produces fluent nonsense.

Names, numbers, dates and identifiers should be replaced by placeholders (⟦1⟧, ⟦2⟧, ...,
numbered per sentence) before translation and restored afterwards, after checking that the
output holds exactly the placeholders of the input.

Sentence splitting: `minisbd/minisbd.onnx`, a {sbd["parameters"]:,}-parameter character model in
MiniSBD's format, so argostranslate never downloads one (use ARGOS_CHUNK_TYPE=MINISBD).
Built by samples/translation/build.py in the Rogatory repository.
"""


def write_zip(src_dir: Path, out: Path) -> None:
    """A zip whose single top-level folder is the package (install_from_path extracts it as is)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in src_dir.rglob("*")):
            arcname = f"{src_dir.name}/{path.relative_to(src_dir).as_posix()}"
            if path.is_dir():
                info = zipfile.ZipInfo(arcname + "/", ZIP_DATE)
                info.external_attr = 0o40755 << 16
                zf.writestr(info, b"")
            else:
                info = zipfile.ZipInfo(arcname, ZIP_DATE)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(out)


def build_package(src: str, work: Path, models_dir: Path) -> Path:
    name = package_name(src)
    pkg = work / "packages" / name
    if pkg.exists():
        shutil.rmtree(pkg)
    pkg.mkdir(parents=True)
    shutil.copytree(work / "ct2", pkg / "model")
    shutil.copy(work / "model" / "spm" / "sentencepiece.model", pkg / "sentencepiece.model")
    (pkg / "minisbd").mkdir()
    shutil.copy(work / "minisbd" / "minisbd.onnx", pkg / "minisbd" / "minisbd.onnx")
    metadata = {
        "package_version": PACKAGE_VERSION,
        "argos_version": ARGOS_VERSION,
        "type": "translate",
        "from_code": src,
        "from_name": NAMES[src],
        "to_code": "en",
        "to_name": NAMES["en"],
    }
    (pkg / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    training = json.loads((work / "model" / "training.json").read_text())
    sbd = json.loads((work / "minisbd" / "minisbd.json").read_text())
    (pkg / "README.md").write_text(package_readme(src, training, sbd), encoding="utf-8")
    out = models_dir / f"{name}.argosmodel"
    write_zip(pkg, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--models-dir", type=Path, default=REPO / "samples" / "models")
    parser.add_argument("--minutes", type=float, default=30.0, help="MT training budget")
    parser.add_argument(
        "--max-steps",
        type=int,
        default=0,
        help="stop training after this many updates (e.g. the committed "
        "packages' count, from training.json) instead of by time only",
    )
    parser.add_argument("--clean", action="store_true", help="discard earlier work and start over")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    if args.clean and work.exists():
        shutil.rmtree(work)

    corpus = work / "corpus"
    if not (corpus / "train.tsv").exists():
        run("corpus.py", "--out", str(corpus))
    trained = (work / "model" / "hf" / "config.json").exists() or (
        work / "ct2" / "model.bin"
    ).exists()
    if not trained:
        run(
            "train.py",
            "--corpus",
            str(corpus),
            "--work",
            str(work / "model"),
            "--minutes",
            str(args.minutes),
            "--max-steps",
            str(args.max_steps),
        )
    if not (work / "ct2" / "model.bin").exists():
        convert(work / "model" / "hf", work / "ct2")
    if not (work / "minisbd" / "minisbd.onnx").exists():
        run("sbd.py", "--corpus", str(corpus), "--out", str(work / "minisbd" / "minisbd.onnx"))
    packages = {}
    for src in ("es", "fr", "de"):
        out = build_package(src, work, args.models_dir.resolve())
        packages[out.name] = {
            "bytes": out.stat().st_size,
            "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        }
        print(f"{out.relative_to(REPO)}  {out.stat().st_size / 1e6:.2f} MB")
    # What was built, kept in the repository next to the scripts (work/ is not committed).
    info = {
        "translation_model": json.loads((work / "model" / "training.json").read_text()),
        "sentence_splitter": json.loads((work / "minisbd" / "minisbd.json").read_text()),
        "packages": packages,
    }
    (HERE / "build-info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print("evaluate: .venv/bin/python samples/translation/evaluate.py")


if __name__ == "__main__":
    main()
