from generator.content import read_edition
from generator.diagnostics import Diagnostics
from generator.index import build_index
from tests.conftest import document


def test_roles_chronology_and_unknown_ids(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/b.md": document("B", "1951-10-18", authors="[ann-author]", recipients="[roy-recipient]"),
            "content/documents/a.md": document("A", "1951-10", persons="[ann-author, roy-recipient]", recipients="[ann-author]"),
            "content/documents/c.md": document("C", "1951-10-18", persons="[ann-autor]"),
        }
    )
    diagnostics = Diagnostics()
    edition = read_edition(root, diagnostics)
    index = build_index(edition, diagnostics)
    assert [d.id for d in index.documents] == ["a", "b", "c"]  # a month sorts before its days; ties by id
    assert index.previous["b"].id == "a" and index.next["b"].id == "c" and index.next["c"] is None
    ann = [(a.document.id, a.roles) for a in index.appearances_of("person", "ann-author")]
    assert ann == [("a", ("recipient", "mentioned")), ("b", ("author",))]
    assert index.roles_in("person", "roy-recipient", "b") == ("recipient",)
    assert [d.format() for d in diagnostics.sorted()] == [
        "content/documents/c.md:4:1: error: 'ann-autor' in 'persons' is not in content/persons.yml; did you mean 'ann-author'?\n"
        "    hint: add an entry with 'id: ann-autor' to content/persons.yml, or correct the id"
    ]


def test_registers_are_sorted_by_sort_name(make_edition) -> None:
    persons = "- id: z\n  name: Zed Able\n  sort_name: Able, Zed\n- id: b\n  name: Bea Baker\n"
    diagnostics = Diagnostics()
    index = build_index(read_edition(make_edition(persons=persons), diagnostics), diagnostics)
    assert [p.id for p in index.persons] == ["z", "b"]
