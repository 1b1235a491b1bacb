"""The repository itself: no file keeps the markers of a merge conflict that was never resolved."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def test_no_file_holds_a_conflict_marker():
    command = ["git", "ls-files", "-z"]  # a fixed command
    listed = subprocess.run(command, cwd=ROOT, capture_output=True, check=True, text=True)  # noqa: S603, S607
    listed = listed.stdout.split("\0")
    found = []
    for name in filter(None, listed):
        path = ROOT / name
        if path.suffix in {".png", ".jpg", ".mo", ".ico", ".woff2", ".zip", ".gz"} or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if line.startswith(MARKERS)]
    assert found == []
