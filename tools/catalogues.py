#!/usr/bin/env python3
"""The theme's message catalogues: extract every message into themes/default/locale/messages.pot
and merge it into each language's messages.po (new messages untranslated, gone ones dropped).

    python tools/catalogues.py          # update the template and the catalogues
    python tools/catalogues.py --check  # exit 1 if the template is out of date

Translators then fill in the empty `msgstr` lines; the build compiles the .po files itself.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "themes" / "default"
TEMPLATE = THEME / "locale" / "messages.pot"
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def extract() -> Catalog:
    catalogue = Catalog(project="edition", domain="messages", fuzzy=False)
    sources = [
        (THEME / "templates", [("**.html", "jinja2.ext:babel_extract")], JINJA_OPTIONS),
        (ROOT / "generator", [("i18n.py", "python")], {}),
    ]
    for folder, method_map, options in sources:
        extracted = extract_from_dir(str(folder), method_map, {pattern: options for pattern, _ in method_map}, keywords={**DEFAULT_KEYWORDS, "N_": None})
        for filename, line, message, comments, context in extracted:
            where = (folder / filename).relative_to(ROOT).as_posix()
            catalogue.add(message, None, [(where, line)], auto_comments=comments, context=context)
    return catalogue


def render(catalogue: Catalog, **options: bool) -> bytes:
    out = io.BytesIO()
    write_po(out, catalogue, width=120, omit_header=False, sort_output=True, **options)
    return out.getvalue()


def messages_of(po: bytes) -> set[object]:
    return {m.id for m in read_po(io.BytesIO(po)) if m.id}


def main(argv: list[str]) -> int:
    template = extract()
    if "--check" in argv:
        current = messages_of(TEMPLATE.read_bytes()) if TEMPLATE.exists() else set()
        if current != {m.id for m in template if m.id}:
            print(f"{TEMPLATE.relative_to(ROOT)} is out of date: run python tools/catalogues.py", file=sys.stderr)
            return 1
        return 0
    TEMPLATE.write_bytes(render(template, no_location=True))
    for po in sorted(THEME.glob("locale/*/LC_MESSAGES/messages.po")):
        catalogue = read_po(io.BytesIO(po.read_bytes()))
        catalogue.update(template, no_fuzzy_matching=True)
        po.write_bytes(render(catalogue, no_location=True, ignore_obsolete=True))
        print(f"updated {po.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
