"""Translation to English with Argos Translate, from packages installed in the data directory.

argostranslate reads its settings from the environment when first imported and imports stanza
(and so torch) on the way, so it is configured here and imported only once a package covers the
language pair: a document that needs no translation never pays for it.
"""

import json
import os
import zipfile
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel

from rogatory.models import Extraction, Page, Translation, TranslationStatus


class PackageInfo(BaseModel):
    from_code: str
    to_code: str
    package_version: str
    path: Path

    @property
    def engine(self) -> str:
        return f"argos:{self.from_code}-{self.to_code}@{self.package_version}"


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


class PackageRejected(ValueError):
    """An .argosmodel file that is not a well-formed package, or would write outside its folder."""


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
    return top


def install_package(path: Path, packages_dir: Path) -> PackageInfo:
    """Install an .argosmodel file with argostranslate's own installer, after `check_package`."""
    folder = check_package(path)
    packages_dir.mkdir(parents=True, exist_ok=True)
    load_argos(packages_dir).package.install_from_path(path)
    return next(p for p in installed_packages(packages_dir) if p.path.name == folder)


def translate_pages(
    pages: list[Page], source: str | None, extraction: Extraction, target: str, packages_dir: Path
) -> Translation:
    """The document's translation, page by page, to read beside the pages it renders."""
    return translate_text("\n\n".join(page.text for page in pages), source, target, packages_dir)


def translate_text(text: str, source: str | None, target: str, packages_dir: Path) -> Translation:
    if source == target:
        return Translation(target=target, status=TranslationStatus.NOT_NEEDED)
    package = next(
        (
            p
            for p in installed_packages(packages_dir)
            if p.from_code == source and p.to_code == target
        ),
        None,
    )
    if source is None or package is None:
        return Translation(target=target, status=TranslationStatus.UNAVAILABLE)
    translation = load_argos(packages_dir).translate.get_translation_from_codes(source, target)
    return Translation(
        target=target,
        status=TranslationStatus.TRANSLATED,
        engine=package.engine,
        text=translation.translate(text),
    )


@lru_cache(maxsize=1)
def load_argos(packages_dir: Path) -> ModuleType:
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    # MiniSBD sentence splitting runs offline when the package carries its ONNX model.
    os.environ.setdefault("ARGOS_CHUNK_TYPE", "MINISBD")
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    for xdg in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ.setdefault(xdg, str(packages_dir.parent / "xdg" / xdg.lower()))
    import argostranslate.translate

    return argostranslate
