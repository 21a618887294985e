from pathlib import Path

from generator.content import read_edition
from generator.diagnostics import Diagnostics
from tests.conftest import document


def load(root: Path) -> tuple[object, list[str]]:
    diagnostics = Diagnostics()
    edition = read_edition(root, diagnostics)
    return edition, [d.format() for d in diagnostics.sorted()]


def test_reads_documents_sorted_by_date_with_body_line(make_edition) -> None:
    root = make_edition({
        "content/documents/b.md": document("Later", "1951-11"),
        "content/documents/sub/a.md": document("Earlier", "1951", authors="[ann-author]"),
    })
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
    root = make_edition({
        "content/documents/no-front.md": "Just text\n",
        "content/documents/open.md": "---\ntitle: x\n",
        "content/documents/bad-yaml.md": "---\ntitle: [unclosed\ndate: 1951\n---\n",
        "content/documents/no-title.md": "---\ndate: 1951\n---\ntext\n",
        "content/documents/bad-date.md": "---\ntitle: T\ndate: 1951-02-30\n---\n",
        "content/documents/wrong-type.md": "---\ntitle: T\ndate: 1951\nauthors: ann-author\nsubjects: {a: b}\n---\n",
        "content/documents/latin1.md": "---\ntitle: caf\xe9\ndate: 1951\n---\n".encode("latin-1"),
        "content/documents/good.md": document("Good"),
    })
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
