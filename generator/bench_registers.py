"""Benchmark: a 5,000-person register with aliases matched against 1,000 documents.

    python -m generator.bench_registers [--persons 5000] [--documents 1000] [--words 400]

Builds a synthetic edition in memory (seeded, so every run sees the same text), then times
building the one matcher, matching every document's text with it, and the whole annotate
stage (Markdown, editorial brackets, mentions and near misses) over all documents.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass

from generator.annotate import annotate_text
from generator.config import SiteConfig
from generator.diagnostics import Location
from generator.markup import create_parser
from generator.model import Person
from generator.registers import NameMatcher

SYLLABLES = ("ka", "li", "mo", "ren", "zhu", "pe", "ng", "ta", "vo", "sha", "kim", "ol", "dan", "ber", "gu", "se", "ri", "no")


@dataclass(frozen=True)
class Result:
    names: int  # registered names and aliases
    characters: int  # of text matched
    inserted: int  # names put into the texts
    found: int  # mentions the matcher found
    build_seconds: float
    match_seconds: float
    annotate_seconds: float


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def synthetic_register(persons: int, rng: random.Random) -> list[Person]:
    """Persons with a two- or three-word name, a surname alias and a cover name, all distinct."""
    used: set[str] = set()
    register: list[Person] = []
    while len(register) < persons:
        given, family, cover = _word(rng), _word(rng) + _word(rng), _word(rng) + "ov"
        name = f"{given} {family}" if rng.random() < 0.7 else f"{given} {_word(rng)} {family}"
        forms = (name, family, cover)
        if used & set(forms) or len(set(forms)) < 3:
            continue
        used.update(forms)
        register.append(Person(id=f"p{len(register)}", name=name, location=Location("content/persons.yml"), aliases=(family, cover)))
    return register


def synthetic_texts(register: list[Person], documents: int, words: int, rng: random.Random) -> tuple[list[str], int]:
    """Lower-case filler with about one registered name in twenty words, in paragraphs."""
    vocabulary = [_word(rng).lower() for _ in range(3000)]
    texts, inserted = [], 0
    for _ in range(documents):
        tokens = [rng.choice(vocabulary) for _ in range(words)]
        for slot in rng.sample(range(words), words // 20):
            tokens[slot] = rng.choice(rng.choice(register).names)
            inserted += 1
        paragraphs = [" ".join(tokens[i : i + 80]) + "." for i in range(0, words, 80)]
        texts.append("\n\n".join(paragraphs) + "\n")
    return texts, inserted


def run(persons: int = 5000, documents: int = 1000, words: int = 400, seed: int = 1951) -> Result:
    rng = random.Random(seed)
    register = synthetic_register(persons, rng)
    texts, inserted = synthetic_texts(register, documents, words, rng)

    started = time.perf_counter()
    matcher = NameMatcher({"person": register})
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    found = sum(len(matcher.find(text)) for text in texts)
    match_seconds = time.perf_counter() - started

    config = SiteConfig(title="Benchmark")
    md = create_parser(config)
    started = time.perf_counter()
    for number, text in enumerate(texts):
        annotate_text(text, md=md, config=config, path=f"d{number}.md", first_line=1, env_extra={"registers": matcher, "link_prefix": "../../"})
    annotate_seconds = time.perf_counter() - started
    return Result(len(matcher.names), sum(map(len, texts)), inserted, found, build_seconds, match_seconds, annotate_seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--words", type=int, default=400)
    args = parser.parse_args(argv)
    result = run(args.persons, args.documents, args.words)
    print(f"register: {args.persons} persons, {result.names} names and aliases")
    print(f"texts: {args.documents} documents, {result.characters:,} characters, {result.inserted} names inserted")
    print(f"build the matcher:      {result.build_seconds:.3f} s")
    print(f"match every text:       {result.match_seconds:.3f} s ({result.found} mentions found)")
    print(f"annotate every text:    {result.annotate_seconds:.3f} s (Markdown, brackets, mentions, near misses)")


if __name__ == "__main__":
    main()
