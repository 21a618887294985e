"""Printing diagnostics for the editor: one line each, sorted by place, then a count."""

from __future__ import annotations

from typing import TextIO

from generator.diagnostics import Diagnostics


def report(diagnostics: Diagnostics, *, strict: bool, stream: TextIO) -> None:
    items = diagnostics.sorted()
    for diagnostic in items:
        print(diagnostic.format(strict=strict), file=stream)
    errors = sum(1 for d in items if d.severity.value == "error")
    warnings = len(items) - errors
    if items:
        if strict and warnings:
            print(f"{errors + warnings} error(s) ({warnings} from warnings, --strict)", file=stream)
        else:
            print(f"{errors} error(s), {warnings} warning(s)", file=stream)
