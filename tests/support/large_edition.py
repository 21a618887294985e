"""A generated edition of many documents within one year, for the tests of long lists, search and the phone."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

from generator.bench import document_source, person_source, synthetic_documents, synthetic_persons

COLLECTIONS = ("Central Files", "Conference Files", "Presidential Papers")
TERMS = ("NATO", "UN", "SEATO", "CIA", "JCS", "USIA")


def write_one_year_edition(root: Path, documents: int = 1_000, year: int = 1958, persons: int = 300, *, search: bool = False, seed: int = 7) -> Path:
    """`documents` documents dated across `year`, numbered, in three collections, naming `persons` persons and some terms (every mention linked)."""
    rng = random.Random(seed)
    people = synthetic_persons(rng, persons)
    docs = synthetic_documents(rng, documents, people)
    (root / "content" / "documents").mkdir(parents=True)
    (root / "site.yml").write_text(
        f"title: One Year of {documents} Documents\nlanguage: en\nregisters:\n  link: all\nsearch:\n  enabled: {'true' if search else 'false'}\n",
        encoding="utf-8",
    )
    (root / "content" / "persons.yml").write_text("".join(person_source(p) for p in people), encoding="utf-8")
    (root / "content" / "places.yml").write_text("".join(f"- id: l{n:04d}\n  name: Place {n}\n" for n in range(1, 201)), encoding="utf-8")
    (root / "content" / "terms.yml").write_text(
        "".join(f"- id: {t.lower()}\n  term: {t}\n  expansion: The {t} of the synthetic edition\n" for t in TERMS), encoding="utf-8"
    )
    for number, document in enumerate(docs, start=1):
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        dated = dataclasses.replace(
            document, date=f"{year:04d}-{month:02d}-{day:02d}", body=document.body.replace(" agreed.", f" agreed with the {rng.choice(TERMS)}.", 1)
        )
        source = document_source(dated).replace("---\n", f"---\nnumber: '{number}'\ncollection: {json.dumps(COLLECTIONS[number % len(COLLECTIONS)])}\n", 1)
        (root / "content" / "documents" / f"{document.id}.md").write_text(source, encoding="utf-8")
    return root
