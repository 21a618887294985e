"""Shared fixtures: the sample edition built once, and small editions made in temporary folders."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings
from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from generator.build import BuildOptions, BuildResult, build
from tests.support.checkers import launch_chromium

REPO_ROOT = Path(__file__).resolve().parent.parent
BILINGUAL = REPO_ROOT / "tests" / "editions" / "bilingual"  # a small test edition: two versions and a facsimile

MINIMAL_SITE = "title: Test Edition\nlanguage: en\n"
MINIMAL_PERSONS = """\
- id: ann-author
  name: Ann Author
  sort_name: Author, Ann
- id: roy-recipient
  name: Roy Recipient
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def document(title: str = "A letter", date: str = "1951-10-18", body: str = "Text.", **fields: str) -> str:
    lines = ["---", f"title: {title}", f"date: '{date}'"] + [f"{k}: {v}" for k, v in fields.items()] + ["---", body, ""]
    return "\n".join(lines)


@pytest.fixture
def make_edition(tmp_path: Path) -> Callable[..., Path]:
    """A small edition in a temporary folder: site.yml, a persons register and the given files."""

    def make(files: dict[str, str | bytes] | None = None, *, site: str = MINIMAL_SITE, persons: str | None = MINIMAL_PERSONS) -> Path:
        root = tmp_path / "edition"
        base: dict[str, str | bytes] = {"site.yml": site}
        if persons is not None:
            base["content/persons.yml"] = persons
        return write_files(root, {**base, **(files or {})})

    return make


def build_elsewhere(edition: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> BuildResult:
    """A build of a folder of the repository, with its site and cache in a temporary folder: the repository stays as it is."""
    folder = tmp_path_factory.mktemp(name)
    return build(edition, BuildOptions(folder / "site", cache_dir=folder / "cache"))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    result = build_elsewhere(REPO_ROOT, tmp_path_factory, "sample")
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return result


@pytest.fixture(scope="session")
def sample_site(sample_build: BuildResult) -> Path:
    assert sample_build.output_dir is not None
    return sample_build.output_dir


@pytest.fixture(scope="session")
def bilingual_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    result = build_elsewhere(BILINGUAL, tmp_path_factory, "bilingual")
    assert not result.diagnostics.items, [d.format() for d in result.diagnostics.items]
    return result


@pytest.fixture(scope="session")
def bilingual_site(bilingual_build: BuildResult) -> Path:
    assert bilingual_build.output_dir is not None
    return bilingual_build.output_dir


def parse_html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# Property-based tests: a quick run in the suite, a long one with `make fuzz`.
settings.register_profile("default", max_examples=150, deadline=None)
settings.register_profile("fuzz", max_examples=20_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Browser assertions wait for the page; on a loaded two-core machine five seconds can be too short.
expect.set_options(timeout=20_000)


# Module scope, not session: Playwright's sync API cannot start while another instance runs, and
# other test modules start their own.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright)
    yield browser
    browser.close()
