"""Printing diagnostics for the editor: one line each, sorted by place, then a count."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from generator.diagnostics import Diagnostics

# OCR noise can make thousands of the same warning in one file; the first few say what to fix.
MAX_SAME_KIND = 10


def report(diagnostics: Diagnostics, *, strict: bool, stream: TextIO) -> None:
    items = diagnostics.sorted()
    shown: Counter[tuple[str, str]] = Counter()
    hidden: Counter[tuple[str, str]] = Counter()
    for diagnostic in items:
        kind = (diagnostic.location.path, diagnostic.code)
        if shown[kind] >= MAX_SAME_KIND:
            hidden[kind] += 1
            continue
        shown[kind] += 1
        print(diagnostic.format(strict=strict), file=stream)
    for (path, code), count in sorted(hidden.items()):
        print(f"{path}: {count} more of the same kind ({code}) not shown", file=stream)
    errors = sum(1 for d in items if d.severity.value == "error")
    warnings = len(items) - errors
    if items:
        if strict and warnings:
            print(f"{errors + warnings} error(s) ({warnings} from warnings, --strict)", file=stream)
        else:
            print(f"{errors} error(s), {warnings} warning(s)", file=stream)
