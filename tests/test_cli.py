"""The command line, run as a user runs it: exit status, messages, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.cli import main
from tests.conftest import document


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_check_reports_every_problem_with_file_line_and_column(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/broken.md": "---\ntitle: [oops\ndate: 1951\n---\n",
            "content/documents/unknown.md": document(authors="[ann-autor]"),
            "content/documents/untitled.md": "---\ndate: 1951\n---\nText\n",
            "content/documents/fine.md": document(),
        }
    )
    result = run("check", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("content/documents/broken.md:3:") and ": error: invalid YAML" in line for line in lines)
    assert "content/documents/unknown.md:4:1: error: 'ann-autor' in 'authors' is not in content/persons.yml; did you mean 'ann-author'?" in lines
    assert "content/documents/untitled.md:1:1: error: the front matter has no 'title'" in lines
    assert lines[-2] == "3 error(s), 0 warning(s)"
    assert not (root / "_site").exists()


def test_build_writes_the_site_and_prints_a_summary(make_edition) -> None:
    root = make_edition({"content/documents/a.md": document()})
    result = run("build", str(root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 document(s), 2 person(s): ")
    assert (root / "_site/documents/a/index.html").is_file()


def test_build_with_out_and_default_folder(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document()})
    assert run("build", "--out", str(tmp_path / "elsewhere"), cwd=root).returncode == 0
    assert (tmp_path / "elsewhere/index.html").is_file()


def test_strict_turns_warnings_into_errors(make_edition) -> None:
    root = make_edition({"content/documents/a.md": document(body="an [unbalanced bracket")})
    assert main(["build", str(root)]) == 0
    result = run("build", "--strict", str(root))
    assert result.returncode == 1
    assert "content/documents/a.md:5:4: error: '[' has no matching ']'" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("bogus").returncode == 2
    assert run("build", str(tmp_path / "missing")).returncode == 2


def test_missing_site_yml_is_explained(tmp_path: Path) -> None:
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert "site.yml:1:1: error: there is no site.yml in this folder" in result.stderr


def test_template_errors_name_the_template_and_line(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(),
            "themes/default/templates/404.html": '{% extends "base.html" %}\n{% block main %}\n{{ no_such_value }}\n{% endblock %}',
            "themes/default/templates/page.html": "{% if %}",
        }
    )
    result = run("build", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "themes/default/templates/404.html:3:1: error: template error: 'no_such_value' is undefined" in result.stderr


def test_a_template_reading_what_the_index_lacks_is_told_so_plainly(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(),
            "themes/default/templates/404.html": '{% extends "base.html" %}\n{% block main %}\n{{ index.persons_by_id.nobody.name }}\n{% endblock %}',
        }
    )
    result = run("build", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "404.html:3:1: error: template error: 'dict object' has no attribute 'nobody'" in result.stderr
    assert "hint: the template uses a value that does not exist" in result.stderr


def test_new_scaffolds_an_edition_that_builds(tmp_path: Path) -> None:
    target = tmp_path / "my-edition"
    assert run("new", str(target)).returncode == 0
    result = run("build", str(target))
    assert result.returncode == 0, result.stderr
    assert (target / "_site/documents/1951-10-18-example/index.html").is_file()
    assert (target / "_site/about/index.html").is_file()
    assert run("new", str(target)).returncode == 2  # not over an existing edition
