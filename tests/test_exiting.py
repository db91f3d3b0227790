"""A process ends without collecting what it still holds: that collection made a worker's exit
slow, so whether it ran is what is checked (a finaliser in a reference cycle runs only in it)."""

import subprocess
import sys

import pytest

PROGRAM = """
import sys
from rogatory.exiting import skip_final_collection

class Held:
    def __del__(self):
        print("collected", flush=True)

held = Held()
held.itself = held  # a cycle: only the collector frees it
del held
if sys.argv[1] == "skip":
    skip_final_collection()
"""


@pytest.mark.parametrize(("mode", "collected"), [("skip", False), ("default", True)])
def test_the_final_collection_is_skipped_once_asked(mode: str, collected: bool) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode], capture_output=True, text=True, check=True
    )
    assert ("collected" in done.stdout) is collected
