"""`edition new DIR`: a minimal edition that builds at once."""

from __future__ import annotations

import sys
from pathlib import Path

FILES = {
    "site.yml": """\
title: My Edition
subtitle: Documents edited with the edition generator
editors: [Your Name]
language: en
license: CC BY 4.0
output: _site
introduction: |
  This edition publishes transcriptions of archival documents. Each document has a page
  with its metadata, its transcript and an apparatus of notes.
""",
    "content/documents/1951-10-18-example.md": """\
---
title: Example letter from Ann Author to Roy Recipient
date: 1951-10-18
type: letter
authors: [ann-author]
recipients: [roy-recipient]
summary: An example document; replace it with your first transcript.
---
Dear Roy,

I am sending you [the] copy of the report you asked for. [Stamp: RECEIVED 20 October 1951]

[signature] Ann Author
""",
    "content/persons.yml": """\
- id: ann-author
  name: Ann Author
  sort_name: Author, Ann
  description: The writer of the example letter.
- id: roy-recipient
  name: Roy Recipient
  sort_name: Recipient, Roy
  aliases: [Roy]
  description: The addressee of the example letter.
""",
    "content/pages/about.md": """\
---
title: About
order: 1
---
Describe the edition here: its sources, its editors and its conventions. Square brackets in a
transcript mark the editor's interventions; each becomes a note in the apparatus.
""",
    ".gitignore": "_site/\n.edition-cache/\n",
}


def create_edition(target: Path) -> int:
    try:
        if target.exists() and not target.is_dir():
            print(f"edition: '{target}' already exists and is not a folder; choose a new folder", file=sys.stderr)
            return 2
        if target.exists() and any(target.iterdir()):
            print(f"edition: '{target}' already exists and is not empty; choose a new folder", file=sys.stderr)
            return 2
        for name, text in FILES.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as problem:
        where = problem.filename or target
        print(f"edition: cannot create the edition in '{target}': {problem.strerror or problem} ({where})", file=sys.stderr)
        return 2
    print(f"Created a new edition in {target}.\nBuild it with:  edition build {target}\nPreview it with: edition serve {target}")
    return 0
