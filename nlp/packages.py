"""Argos Translate packages in the project's data directory: found, checked, installed.

argostranslate reads its settings from the environment when first imported, so it is configured
here and imported only once a package covers the language pair: a document that needs no
translation never pays for it. Only its package and settings modules are imported: its
`translate` module imports stanza, and so torch, for a sentence splitter Rogatory never uses.
Nothing is downloaded unless a person asks for it with `rogatory models install --from-index`.
"""

import json
import logging
import os
import urllib.error
import urllib.request
import zipfile
from collections import deque
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel

PIVOT = "en"


class PackageInfo(BaseModel):
    from_code: str
    to_code: str
    package_version: str
    path: Path

    @property
    def engine(self) -> str:
        return f"argos:{self.from_code}-{self.to_code}@{self.package_version}"


class PackageRejected(ValueError):
    """An .argosmodel file that is not a well-formed package, or would write outside its folder."""


class IndexUnavailable(RuntimeError):
    """The Argos package index could not be reached or holds no package for the pair."""


def installed_packages(packages_dir: Path) -> list[PackageInfo]:
    """Packages as argostranslate lays them out: one directory each with a metadata.json."""
    found = []
    for metadata in sorted(packages_dir.glob("*/metadata.json")):
        try:
            data = json.loads(metadata.read_text(encoding="utf-8"))
            found.append(PackageInfo(**data, path=metadata.parent))
        except (ValueError, TypeError):
            continue
    return found


def find_route(packages: list[PackageInfo], source: str, target: str) -> list[PackageInfo] | None:
    """The packages that take `source` to `target`: the direct pair, else the shortest chain
    (through English first, as most packages are to or from it). argostranslate chains them
    itself; this tells whether it can and which engines the record should name."""
    if source == target:
        return []
    queue: deque[tuple[str, list[PackageInfo]]] = deque([(source, [])])
    seen = {source}
    while queue:
        code, path = queue.popleft()
        steps = sorted(
            (p for p in packages if p.from_code == code and p.to_code not in seen),
            key=lambda p: (p.to_code != target, p.to_code != PIVOT),
        )
        for package in steps:
            if package.to_code == target:
                return [*path, package]
            seen.add(package.to_code)
            queue.append((package.to_code, [*path, package]))
    return None


def check_package(path: Path) -> str:
    """The package's folder name, after checking that every entry of the zip stays inside that
    one folder: a crafted archive must not write anywhere else on an air-gapped server."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as error:
        raise PackageRejected(f"{path.name} is not a zip archive: {error}") from error
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) != 1:
        raise PackageRejected(f"{path.name} must hold exactly one package folder")
    top = tops.pop()
    for name in names:
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise PackageRejected(f"{path.name}: entry {name!r} would escape the package folder")
    if f"{top}/metadata.json" not in names:
        raise PackageRejected(f"{path.name} has no {top}/metadata.json")
    with zipfile.ZipFile(path) as archive:
        raw = archive.read(f"{top}/metadata.json")
    try:
        PackageInfo(**json.loads(raw), path=Path(top))
    except (ValueError, TypeError) as error:
        raise PackageRejected(f"{path.name}: {top}/metadata.json is not valid: {error}") from error
    return top


def install_package(path: Path, packages_dir: Path) -> PackageInfo:
    """Install an .argosmodel file with argostranslate's own installer, after `check_package`."""
    folder = check_package(path)
    packages_dir.mkdir(parents=True, exist_ok=True)
    load_argos(packages_dir).package.install_from_path(path)
    return next(p for p in installed_packages(packages_dir) if p.path.name == folder)


def install_from_index(
    source: str, target: str, packages_dir: Path, timeout_s: float = 30
) -> PackageInfo:
    """Fetch the Argos index and install the package for the pair — only ever on a person's
    explicit request, on a machine with a network. The download passes the same checks as a file.
    """
    argos = load_argos(packages_dir)
    settings = argos.settings
    try:
        with urllib.request.urlopen(settings.remote_package_index, timeout=timeout_s) as answer:
            index = answer.read()
    except (urllib.error.URLError, OSError) as error:
        raise IndexUnavailable(
            f"cannot reach the Argos package index at {settings.remote_package_index} ({error}); "
            "on an air-gapped machine, copy the .argosmodel file over and install it from the file"
        ) from error
    Path(settings.local_package_index).write_bytes(index)
    available = [
        p
        for p in argos.package.get_available_packages()
        if p.from_code == source and p.to_code == target
    ]
    if not available:
        raise IndexUnavailable(f"the Argos package index has no package from {source} to {target}")
    newest = max(available, key=lambda p: _version_key(p.package_version))
    try:
        download = newest.download()
    except Exception as error:  # argostranslate raises a bare Exception on a failed download
        raise IndexUnavailable(f"downloading {newest} failed: {error}") from error
    try:
        return install_package(Path(download), packages_dir)
    finally:
        Path(download).unlink(missing_ok=True)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


@lru_cache(maxsize=1)
def load_argos(packages_dir: Path) -> ModuleType:
    """argostranslate, imported once per process and pointed at the project's data directory."""
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    # MiniSBD sentence splitting runs offline when the package carries its ONNX model.
    os.environ.setdefault("ARGOS_CHUNK_TYPE", "MINISBD")
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    # One CTranslate2 thread: documents already run one per core in a backlog, and more
    # threads on a busy core only spin. ARGOS_INTRA_THREADS set by the operator wins.
    os.environ.setdefault("ARGOS_INTRA_THREADS", "1")
    for xdg in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ.setdefault(xdg, str(packages_dir.parent / "xdg" / xdg.lower()))
    import argostranslate.package
    import argostranslate.settings

    # argostranslate logs at INFO every paragraph it translates, and logs never hold document text.
    logging.getLogger("argostranslate").setLevel(logging.WARNING)
    logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
    return argostranslate
