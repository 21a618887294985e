"""The command line the FRUS conversion tools share: each rewrites one edition folder in place."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def run(usage: str | None, main: Callable[[Path], int]) -> None:
    """Call `main` on the edition folder named on the command line; print `usage` for -h, or for no such edition."""
    text = (usage or "").strip()
    if len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help"):
        print(text)
        raise SystemExit(0)
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "site.yml").is_file():
        print(text, file=sys.stderr)
        print("\nerror: give one edition folder (a folder with a site.yml); run this on a copy", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(Path(sys.argv[1])))
