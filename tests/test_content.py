import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator import content, parallel
from generator.bench import write_corpus
from generator.content import read_edition
from generator.diagnostics import Diagnostics
from tests.conftest import document


def load(root: Path) -> tuple[object, list[str]]:
    diagnostics = Diagnostics()
    edition = read_edition(root, diagnostics)
    return edition, [d.format() for d in diagnostics.sorted()]


def test_reads_documents_sorted_by_date_with_body_line(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/b.md": document("Later", "1951-11"),
            "content/documents/sub/a.md": document("Earlier", "1951", authors="[ann-author]"),
        }
    )
    edition, problems = load(root)
    assert problems == []
    assert [d.id for d in edition.documents] == ["a", "b"]
    first = edition.documents[0]
    assert first.authors == ("ann-author",) and first.body == "Text.\n" and first.body_line == 6
    assert first.path == "content/documents/sub/a.md"


def test_bom_and_crlf_are_accepted(make_edition) -> None:
    text = document("Windows file").replace("\n", "\r\n")
    root = make_edition({"content/documents/w.md": b"\xef\xbb\xbf" + text.encode()})
    edition, problems = load(root)
    assert problems == [] and edition.documents[0].title == "Windows file"


def test_every_broken_file_is_reported_with_its_position(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/no-front.md": "Just text\n",
            "content/documents/open.md": "---\ntitle: x\n",
            "content/documents/bad-yaml.md": "---\ntitle: [unclosed\ndate: 1951\n---\n",
            "content/documents/no-title.md": "---\ndate: 1951\n---\ntext\n",
            "content/documents/bad-date.md": "---\ntitle: T\ndate: 1951-02-30\n---\n",
            "content/documents/wrong-type.md": "---\ntitle: T\ndate: 1951\nauthors: ann-author\nsubjects: {a: b}\n---\n",
            "content/documents/latin1.md": "---\ntitle: caf\xe9\ndate: 1951\n---\n".encode("latin-1"),
            "content/documents/good.md": document("Good"),
        }
    )
    edition, problems = load(root)
    assert [d.id for d in edition.documents] == ["good"]
    text = "\n".join(problems)
    assert "content/documents/no-front.md:1:1: error: the file does not start with front matter" in text
    assert "content/documents/open.md:1:1: error: the front matter is not closed" in text
    assert "content/documents/bad-yaml.md:3:" in text
    assert "content/documents/no-title.md:1:1: error: the front matter has no 'title'" in text
    assert "content/documents/bad-date.md:3:7: error: '1951-02-30' is not a real day" in text
    assert "content/documents/wrong-type.md:4:10: error: 'authors': expected a list of register ids, e.g. [ann-author]" in text
    assert "content/documents/wrong-type.md:5:11: error: 'subjects': expected a list of texts" in text
    assert "content/documents/latin1.md:2:11: error: this file is not UTF-8: byte 0xe9 at offset 14" in text


def test_unknown_field_is_a_warning_with_suggestion(make_edition) -> None:
    root = make_edition({"content/documents/a.md": document(autors="[ann-author]")})
    _, problems = load(root)
    assert problems[0].startswith("content/documents/a.md:4:1: warning: unknown field 'autors' is ignored; did you mean 'authors'?")


def test_duplicate_ids_across_folders(make_edition) -> None:
    root = make_edition({"content/documents/one/x.md": document(), "content/documents/two/x.md": document()})
    _, problems = load(root)
    assert any("the document id 'x' is also used by content/documents/one/x.md" in p for p in problems)


def test_register_validation(make_edition) -> None:
    persons = "- id: a\n  name: A\n- id: a\n  name: Again\n- name: No id\n- id: Bad Id\n  name: B\n"
    root = make_edition(persons=persons)
    edition, problems = load(root)
    assert [p.id for p in edition.persons] == ["a"]
    assert any("persons.yml:3:7: error: the id 'a' is already used at line 1" in p for p in problems)
    assert any("persons.yml:5:3: error: this entry has no 'id'" in p for p in problems)
    assert any("persons.yml:6:7: error: 'id': 'Bad Id' is not a valid id" in p for p in problems)


def test_symlink_outside_the_edition_is_refused(make_edition, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text(document("Secret"))
    root = make_edition()
    (root / "content/documents").mkdir(parents=True)
    (root / "content/documents/link.md").symlink_to(outside)
    edition, problems = load(root)
    assert edition.documents == ()
    assert "content/documents/link.md:1:1: error: this file is a link to a place outside the edition folder" in problems[0]


def test_the_registers_read_alongside_the_documents_report_after_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The registers are read while the workers read the documents; their problems still come after the documents'.
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)
    root = tmp_path / "edition"
    write_corpus(root, 12, persons_count=10)
    (root / "content" / "documents" / "no-title.md").write_text("---\ndate: 1951\n---\ntext\n", encoding="utf-8")
    places = root / "content" / "places.yml"
    places.write_text("- id: pyongyang\n  name: Pyongyang\n  colour: red\n", encoding="utf-8")
    for jobs in (1, 2):
        found = Diagnostics()
        assert read_edition(root, found, jobs=jobs) is not None
        paths = [d.location.path for d in found.items if d.location.path.endswith(("no-title.md", "places.yml"))]
        assert paths == ["content/documents/no-title.md", "content/places.yml"], paths


def test_documents_read_on_two_cores_are_read_as_on_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large edition's documents are read and parsed on every core: the edition and its problems, in their order, are the same.
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)  # a few documents stand for many
    root = tmp_path / "edition"
    write_corpus(root, 60, persons_count=10)
    folder = root / "content" / "documents"
    (folder / "broken-yaml.md").write_text("---\ntitle: [unclosed\ndate: 1951\n---\n", encoding="utf-8")
    (folder / "no-title.md").write_text("---\ndate: 1951\n---\ntext\n", encoding="utf-8")
    (folder / "gone.md").symlink_to(tmp_path / "nowhere.md")
    first = sorted(folder.glob("d*.md"))[0]
    (folder / "again.md").write_text(f"---\nid: {first.stem}\ntitle: Again\ndate: 1951\n---\ntext\n", encoding="utf-8")
    on_one, on_two = Diagnostics(), Diagnostics()
    on_one_memo, memo = content.ParseMemo(), content.ParseMemo()
    one = read_edition(root, on_one, on_one_memo, jobs=1)
    assert list(on_one_memo.parsed_by) == [os.getpid()]
    two = read_edition(root, on_two, memo, jobs=2)
    assert len(memo.parsed_by) == 2 and memo.parsed_by.total() == on_one_memo.parsed_by.total()
    assert one is not None and one == two and len(one.documents) == 60
    assert [d.format() for d in on_two.items] == [d.format() for d in on_one.items]
    assert {d.code for d in on_one.items} >= {"yaml", "outside-edition", "duplicate-id"} and len(on_one.items) >= 4

    # Read again with the memory: a document whose file was touched, its text the same, is the very object parsed before.
    for path in folder.glob("d*.md"):
        os.utime(path)
    again = read_edition(root, Diagnostics(), content.ParseMemo(memo.now, memo.files_now), jobs=2)
    assert again is not None and all(a is b for a, b in zip(again.documents, two.documents, strict=True))


REGISTER_WITH_PROBLEMS = """---
# Persons of the edition
- id: stalin
  name: Joseph Stalin
  aliases: [Filippov]
  colour: red

- id: mao
  name: Mao Zedong
  authority: {viaf: [1, 2]}
- just a name
- id: stalin
  name: Another Stalin
-
  id: zhou
  name: Zhou Enlai
# the last one
- name: No Id
"""


def _read(kind: str, text: str, memo: content.ParseMemo | None = None, *, whole: bool = False) -> tuple[list[Any], list[str]]:
    found = Diagnostics()
    entries = content.read_register(kind, content.SourceText("content/persons.yml", text), found, memo, whole=whole)
    return entries, [d.format() for d in found.items]


def test_a_register_read_entry_by_entry_reads_as_one_read_whole() -> None:
    by_entry = _read("persons", REGISTER_WITH_PROBLEMS)
    assert [e.id for e in by_entry[0]] == ["stalin", "zhou"] and len(by_entry[1]) >= 5
    assert _read("persons", REGISTER_WITH_PROBLEMS, whole=True) == by_entry


@pytest.mark.parametrize(
    "text",
    [
        "- id: a\n  name: &n Alpha\n- id: b\n  name: *n\n",  # an alias to another entry's anchor
        "- id: a\n  name: 'Alpha\n- id: b\n  name: Beta\n",  # a quotation mark left open
        "%YAML 1.1\n---\n- id: a\n  name: Alpha\n",  # a directive
        "id: a\nname: Alpha\n",  # not a list
    ],
)
def test_a_register_that_is_not_a_plain_list_of_entries_is_read_whole(text: str) -> None:
    assert _read("persons", text) == _read("persons", text, whole=True)


def test_a_changed_entry_is_read_alone_and_the_others_are_kept() -> None:
    text = "".join(f"- id: p{n}\n  name: Person {n}\n  description: Number {n}.\n" for n in range(50))
    first = content.ParseMemo()
    entries, _ = _read("persons", text, first)
    second = content.ParseMemo(first.now)
    again, _ = _read("persons", text.replace("Number 7.", "Number 7, revised."), second)
    assert second.parsed_by.total() == 1  # the one entry changed
    assert [a is b for a, b in zip(again, entries, strict=True)] == [n != 7 for n in range(50)]
    assert again[7].description == "Number 7, revised." and again[7].location == entries[7].location
    # An entry that moves to other lines is read again: its locations are others.
    moved, _ = _read("persons", "- id: p00\n  name: First\n" + text, content.ParseMemo(first.now))
    assert moved[1] == replace(entries[0], location=replace(entries[0].location, line=3)) and moved[1] is not entries[0]
