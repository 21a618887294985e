"""The render stage's links: relative, so that a site works under any sub-path and from disk."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from generator.render import relative_path, relative_url

segments = st.sampled_from(["documents", "persons", "a", "b", "index.html", "d000001", "x.y", ".", "..", ""])
paths = st.lists(segments, min_size=1, max_size=5).map("/".join)


@given(target=paths, start=paths)
def test_relative_paths_are_those_of_posixpath(target: str, start: str) -> None:
    if not target or not start or start.startswith("/"):
        return  # relpath refuses these; a site's paths are never empty
    assert relative_path(target, start) == posixpath.relpath(target, start)


def test_links_between_pages() -> None:
    assert relative_url("documents/a/index.html", "persons/index.html") == "../../persons/index.html"
    assert relative_url("index.html", "documents/a/index.html#note-a") == "documents/a/index.html#note-a"
    assert relative_url("documents/a/index.html", "#top") == "#top"
    assert relative_url("documents/a/index.html", "documents/a/index.html") == "index.html"
    assert relative_url("documents/a/index.html", "https://example.org/") == "https://example.org/"
