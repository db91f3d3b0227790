"""`make bench`: run every benchmark (or those named: `python -m bench ocr search`) and print its
table. A benchmark is a module of this package with a `main()`."""

import importlib
import pkgutil
import sys

import bench

ORDER = ["ocr", "pages", "translate", "pipeline", "queue", "search", "extraction"]


def _benchmarks() -> list[str]:
    found = {
        m.name
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name not in {"__main__", "databases"}
        and hasattr(importlib.import_module(f"bench.{m.name}"), "main")
    }
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


names = sys.argv[1:] or _benchmarks()
for name in names:
    importlib.import_module(f"bench.{name}").main()
