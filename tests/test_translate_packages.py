"""The demo Argos packages installed from their files and used through argostranslate's own code
path, in a child process inside a network namespace with nothing but loopback."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rogatory.nlp.packages import PackageRejected, check_package

from conftest import REPO, SAMPLES

pytestmark = pytest.mark.slow

CHILD = """
import json, sys
from pathlib import Path
from rogatory.models import Extraction, Page
from rogatory.nlp.packages import installed_packages, load_argos
from rogatory.nlp.translate import translate_pages

packages_dir = Path(sys.argv[1])
argos = load_argos(packages_dir)
for package in sys.argv[2:]:
    argos.package.install_from_path(Path(package))
page = Page(number=1, source="ocr", text=sys.stdin.read())
result = {
    "installed": sorted(f"{p.from_code}-{p.to_code}" for p in installed_packages(packages_dir)),
    "es": translate_pages([page], "es", Extraction(), "en", packages_dir).model_dump(mode="json"),
    "it": translate_pages([page], "it", Extraction(), "en", packages_dir).status,
}
print(json.dumps(result))
"""
# Held-out wording (samples/translation/heldout/es.tsv) with real values in place of placeholders.
LETTER = (
    "Se solicita la detención provisional de D. Juan Blanco García con fines de extradición.\n\n"
    "El 10 de abril de 2025 se transfirieron 7.086.905 € a la cuenta "
    "ES91 2100 0418 4502 0005 1332.\n"
    "Los documentos deben remitirse a la Fiscalía de Madrid antes del 15 de marzo de 2026."
)
VALUES = [
    "D. Juan Blanco García",
    "10 de abril de 2025",
    "7.086.905",
    "ES91 2100 0418 4502 0005 1332",
    "15 de marzo de 2026",
]


def test_demo_packages_install_from_files_and_translate_offline(tmp_path: Path) -> None:
    packages = sorted(str(p) for p in (SAMPLES / "models").glob("*.argosmodel"))
    assert len(packages) == 3
    offline = ["unshare", "--map-root-user", "--net"]
    done = subprocess.run(
        [*offline, sys.executable, "-c", CHILD, str(tmp_path / "argos"), *packages],
        input=LETTER,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["installed"] == ["de-en", "es-en", "fr-en"]
    spanish = result["es"]
    assert spanish["status"] == "translated"
    assert spanish["engine"] == "argos:es-en@1.0"
    assert "extradition" in spanish["text"].lower()
    assert len(spanish["pages"]) == 1 and spanish["pages"][0].count("\n\n") == 1
    # Every value is in the English exactly as written, whether its sentence was translated or
    # (flagged) kept in the original.
    for value in VALUES:
        assert value in spanish["text"]
    flagged = [LETTER[f["start"] : f["end"]] for f in spanish["flags"]]
    assert all(sentence in spanish["text"] for sentence in flagged)
    assert len(flagged) < 3
    assert result["it"] == "unavailable"


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        (["pkg/metadata.json", "pkg/../../etc/cron.d/evil"], "escape"),
        (["pkg/metadata.json", "/etc/passwd"], "exactly one package folder"),
        (["pkg/model/model.bin"], "no pkg/metadata.json"),
        (["pkg/metadata.json"], "metadata.json is not valid"),
    ],
)
def test_a_crafted_package_is_refused(tmp_path: Path, entries: list[str], reason: str) -> None:
    crafted = tmp_path / "crafted.argosmodel"
    with zipfile.ZipFile(crafted, "w") as archive:
        for entry in entries:
            archive.writestr(entry, "{}")
    with pytest.raises(PackageRejected, match=reason):
        check_package(crafted)


def test_models_install_and_list_from_the_command_line(tmp_path: Path) -> None:
    cli = str(REPO / ".venv" / "bin" / "rogatory")
    env = {"PATH": "/usr/bin:/bin", "ROGATORY_DATA_DIR": str(tmp_path)}
    package = str(SAMPLES / "models" / "translate-fr_en-1_0.argosmodel")
    installed = subprocess.run(
        ["unshare", "--map-root-user", "--net", cli, "models", "install", package],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    assert "installed argos:fr-en@1.0" in installed.stderr
    listed = subprocess.run([cli, "models", "list"], capture_output=True, text=True, env=env)
    assert "argos:fr-en@1.0" in listed.stdout
    assert (tmp_path / "models" / "argos" / "translate-fr_en-1_0" / "metadata.json").exists()


def test_install_from_the_index_needs_a_network_and_says_so(tmp_path: Path) -> None:
    cli = str(REPO / ".venv" / "bin" / "rogatory")
    env = {"PATH": "/usr/bin:/bin", "ROGATORY_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [
            "unshare",
            "--map-root-user",
            "--net",
            cli,
            "models",
            "install",
            "--from-index",
            "es",
            "en",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 2
    assert "cannot reach the Argos package index" in done.stderr
    assert "install it from the file" in done.stderr
    assert not list((tmp_path / "models" / "argos").glob("*/metadata.json"))
