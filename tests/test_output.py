"""The write stage's staging folder, and files that the process which made them writes there (output.place)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.output import OutputProblem, StagingFolder, TextPieces, Written, stage_file
from generator.tracking import bytes_digest


def test_a_placed_file_is_written_into_its_new_folders_and_only_its_digest_comes_back(tmp_path: Path) -> None:
    placed = stage_file(tmp_path, "documents/d1/index.html", "<p>Ф</p>")
    assert placed == Written(bytes_digest("<p>Ф</p>".encode()))
    assert (tmp_path / "documents/d1/index.html").read_text(encoding="utf-8") == "<p>Ф</p>"
    assert stage_file(tmp_path, "documents/d1/d1.xml", b"<TEI/>") == Written(bytes_digest(b"<TEI/>"))  # the folder is there now


def test_a_file_that_cannot_be_placed_comes_back_whole(tmp_path: Path) -> None:
    assert stage_file(None, "index.html", b"page") == b"page"  # an update: the build writes it in place
    gone = tmp_path / "discarded"
    assert stage_file(gone, "documents/d1/index.html", "page") == "page"  # the build writes it, and reports what goes wrong
    assert not gone.exists()  # a discarded staging folder is not made again
    assert stage_file(tmp_path, "../outside.html", b"page") == b"page"
    assert not (tmp_path.parent / "outside.html").exists()


def test_a_file_made_of_pieces_is_written_as_their_text_with_the_digest_of_its_bytes(tmp_path: Path) -> None:
    # As edition.xml: its head and end as texts, many members encoded already, some long enough to be batches of
    # their own, characters beyond ASCII.
    members = [f"<TEI n='{n}'>Ф—{'x' * (n * 200_000)}</TEI>" for n in range(8)]
    pieces: list[str | bytes] = ["<teiCorpus>—", *(member.encode() for member in members), "</teiCorpus>\n"]
    text = "<teiCorpus>—" + "".join(members) + "</teiCorpus>\n"
    output = tmp_path / "_site"
    staging = StagingFolder(output)
    assert staging.add_pieces("edition.xml", TextPieces(pieces)) == bytes_digest(text.encode())
    assert TextPieces(pieces).joined() == text.encode()
    staging.publish()
    assert (output / "edition.xml").read_text(encoding="utf-8") == text


def test_files_the_workers_wrote_are_counted_and_a_path_made_twice_fails_the_publishing(tmp_path: Path) -> None:
    output = tmp_path / "_site"
    staging = StagingFolder(output)
    assert staging.folder is not None
    staging.add("index.html", b"home")
    assert isinstance(stage_file(staging.folder, "documents/d1/index.html", b"page"), Written)
    assert staging.claim("documents/d1/index.html")
    assert staging.publish() == 2
    assert (output / "documents/d1/index.html").read_bytes() == b"page"

    again = StagingFolder(output)
    again.add("index.html", b"home")
    assert not again.claim("index.html")
    with pytest.raises(OutputProblem, match=r"two pages would be written to 'index\.html'"):
        again.publish()
    again.discard()
    assert (output / "index.html").read_bytes() == b"home"  # the site before stands


def test_the_files_a_finishing_step_adds_are_counted_with_the_builds(tmp_path: Path) -> None:
    staging = StagingFolder(tmp_path / "_site")
    staging.add("index.html", b"home")
    staging.add("documents/d1/index.html", b"page")

    def add_an_index(folder: Path) -> None:  # as the search indexer adds its bundle
        (folder / "pagefind" / "fragment").mkdir(parents=True)
        (folder / "pagefind" / "pagefind.js").write_bytes(b"js")
        (folder / "pagefind" / "fragment" / "a.pf_fragment").write_bytes(b"a")
        (folder / "index.html").write_bytes(b"home, rewritten")  # a file of the build's, rewritten: not one more
        (folder / "robots.txt").write_bytes(b"")

    assert staging.publish(add_an_index) == 5
