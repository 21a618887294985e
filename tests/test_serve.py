"""The preview server, run as `edition serve` in a subprocess and spoken to over loopback."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import document


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", errors="replace")


@pytest.fixture
def server(make_edition) -> Iterator[tuple[int, Path]]:
    root = make_edition({"content/documents/a.md": document("First title")})
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(root), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
    try:
        for _ in range(100):
            try:
                get(port, "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield port, root
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for_version(port: int, version: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        _, body = get(port, f"/__edition/wait?version={version}")
        if json.loads(body)["version"] != version:
            return json.loads(body)["version"]
    raise AssertionError("no rebuild")


def test_serves_pages_with_the_reload_script(server: tuple[int, Path]) -> None:
    port, _ = server
    status, body = get(port, "/documents/a/")
    assert status == 200 and "First title" in body and "/__edition/wait" in body
    assert get(port, "/no/such/page")[0] == 404


@pytest.mark.parametrize("path", ["/../site.yml", "/%2e%2e/site.yml", "/..%2fsite.yml", "/assets/../../site.yml",
                                  "/%5c..%5csite.yml", "/..%5c..%5csite.yml", "//site.yml", "/%00/../site.yml", "/.%2e/site.yml"])
def test_refuses_paths_outside_the_output(server: tuple[int, Path], path: str) -> None:
    port, _ = server
    status, body = get(port, path)
    assert status in (403, 404) and "title:" not in body


def request(port: int, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_symbolic_links_in_the_output_that_point_outside_are_refused(server: tuple[int, Path]) -> None:
    port, root = server
    (root / "_site/leaked.yml").symlink_to(root / "site.yml")
    (root / "_site/leaked-folder").symlink_to(root / "content")
    (root / "_site/inside.html").symlink_to(root / "_site/404.html")
    for path in ("/leaked.yml", "/leaked-folder/persons.yml", "/leaked-folder/"):
        status, body = get(port, path)
        assert status in (403, 404) and "title:" not in body and "Ann Author" not in body, path
    assert get(port, "/inside.html")[0] == 200  # a link within the output is fine


def test_head_answers_from_the_output_only(server: tuple[int, Path]) -> None:
    port, _ = server
    assert request(port, "HEAD", "/site.yml")[0] == 404  # site.yml is in the server's working folder
    status, headers, body = request(port, "HEAD", "/documents/a/")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_a_folder_redirect_stays_on_this_server(server: tuple[int, Path]) -> None:
    port, _ = server
    status, headers, _ = request(port, "GET", "//documents")
    assert status == 301 and headers["Location"] == "/documents/"


def test_stays_up_under_concurrent_requests(server: tuple[int, Path]) -> None:
    port, _ = server
    expected = {"/": 200, "/documents/a/": 200, "/persons/": 200, "/assets/edition.css": 200, "/no/such/page": 404,
                "/../site.yml": 403, "/documents": 301}
    paths = [path for _ in range(29) for path in expected][:200]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda path: request(port, "GET", path)[0], paths))
    assert statuses == [expected[path] for path in paths]
    status, body = get(port, "/documents/a/")
    assert status == 200 and "First title" in body


def test_rebuilds_on_change_and_keeps_the_last_good_site_on_failure(server: tuple[int, Path]) -> None:
    port, root = server
    version = json.loads(get(port, "/__edition/wait?version=-1")[1])["version"]
    (root / "content/documents/a.md").write_text(document("Second title"))
    version = wait_for_version(port, version)
    assert "Second title" in get(port, "/documents/a/")[1]
    (root / "content/documents/a.md").write_text(document("Broken", authors="[nobody]"))
    wait_for_version(port, version)
    status, body = get(port, "/documents/a/")
    assert status == 200 and "Second title" in body
    assert "The last rebuild failed" in body and "nobody" in body
