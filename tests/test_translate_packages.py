"""The demo Argos packages installed from their files and used through argostranslate's own code
path, in a child process inside a network namespace with nothing but loopback."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rogatory.nlp.translate import PackageRejected, check_package

from conftest import REPO, SAMPLES

pytestmark = pytest.mark.slow

CHILD = """
import json, sys
from pathlib import Path
from rogatory.nlp.translate import installed_packages, load_argos, translate_text

packages_dir = Path(sys.argv[1])
argos = load_argos(packages_dir)
for package in sys.argv[2:]:
    argos.package.install_from_path(Path(package))
result = {
    "installed": sorted(f"{p.from_code}-{p.to_code}" for p in installed_packages(packages_dir)),
    "es": translate_text(
        "Se solicita la detención provisional de ⟦1⟧ con fines de extradición.",
        "es", "en", packages_dir,
    ).model_dump(mode="json"),
    "it": translate_text("Si chiede l'audizione del testimone.", "it", "en", packages_dir).status,
}
print(json.dumps(result))
"""


def test_demo_packages_install_from_files_and_translate_offline(tmp_path: Path) -> None:
    packages = sorted(str(p) for p in (SAMPLES / "models").glob("*.argosmodel"))
    assert len(packages) == 3
    offline = ["unshare", "--map-root-user", "--net"]
    done = subprocess.run(
        [*offline, sys.executable, "-c", CHILD, str(tmp_path / "argos"), *packages],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["installed"] == ["de-en", "es-en", "fr-en"]
    assert result["es"]["status"] == "translated"
    assert result["es"]["engine"] == "argos:es-en@1.0"
    assert "⟦1⟧" in result["es"]["text"]
    assert "extradition" in result["es"]["text"].lower()
    assert result["it"] == "unavailable"


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        (["pkg/metadata.json", "pkg/../../etc/cron.d/evil"], "escape"),
        (["pkg/metadata.json", "/etc/passwd"], "exactly one package folder"),
        (["pkg/model/model.bin"], "no pkg/metadata.json"),
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
