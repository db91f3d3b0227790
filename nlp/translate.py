"""Translation to English with Argos Translate, from packages installed in the data directory.

argostranslate reads its settings from the environment when first imported and imports stanza
(and so torch) on the way, so it is configured here and imported only once a package covers the
language pair: a document that needs no translation never pays for it.
"""

import json
import os
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel

from rogatory.models import Translation, TranslationStatus


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
