"""The preview server, run as `edition serve` in a subprocess and spoken to over loopback."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, document


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
    # (the checkout's generator first on the path, whatever is installed: the server runs in the edition's folder)
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
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


@pytest.mark.parametrize(
    "path",
    [
        "/../site.yml",
        "/%2e%2e/site.yml",
        "/..%2fsite.yml",
        "/assets/../../site.yml",
        "/%5c..%5csite.yml",
        "/..%5c..%5csite.yml",
        "//site.yml",
        "/%00/../site.yml",
        "/.%2e/site.yml",
    ],
)
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
    expected = {"/": 200, "/documents/a/": 200, "/persons/": 200, "/assets/edition.css": 200, "/no/such/page": 404, "/../site.yml": 403, "/documents": 301}
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


def raw_request(port: int, data: bytes) -> bytes:
    """What the server answers to `data` sent as it is, until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_answers_only_requests_for_its_own_address(server: tuple[int, Path]) -> None:
    port, _ = server
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        answer = raw_request(port, f"GET /documents/a/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.0 200 ") and b"First title" in answer, host
    # A name of another site that resolves to this machine (DNS rebinding), another port, no Host at all, a Host of bytes
    for host_line in (
        f"Host: attacker.example:{port}\r\n",
        "Host: attacker.example\r\n",
        "Host: 127.0.0.1:1\r\n",
        "Host: 127.0.0.1\r\n",
        "",
        "Host: \xff\xfe\r\n",
        f"Host: 127.0.0.1:{port}.attacker.example\r\n",
    ):
        answer = raw_request(port, f"GET /documents/a/ HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n".encode("latin-1"))
        assert answer.startswith(b"HTTP/1.0 421 ") and b"First title" not in answer, host_line
        assert answer.endswith(b"This server answers only to its own address."), host_line


def test_answers_malformed_requests_with_400_and_no_traceback(make_edition) -> None:  # type: ignore[no-untyped-def]
    root = make_edition({"content/documents/a.md": document("First title")})
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(root), "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT
    )
    try:
        for _ in range(100):
            try:
                get(port, "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        host = f"Host: 127.0.0.1:{port}\r\nConnection: close\r\n"
        malformed = {
            b"GARBAGE\r\n\r\n": b"400",
            b"GET / HTTP/9.9\r\n\r\n": b"505",
            f"GET /__edition/wait?version=abc HTTP/1.1\r\n{host}\r\n".encode(): b"400",
            f"GET /__edition/wait?version=99999999999999999999999 HTTP/1.1\r\n{host}\r\n".encode(): b"400",
            f"GET /{'a' * 5000} HTTP/1.1\r\n{host}\r\n".encode(): b"400",
            f"GET /{'a/' * 3000} HTTP/1.1\r\n{host}\r\n".encode(): b"400",
            f"GET /%ff%fe/%00 HTTP/1.1\r\n{host}\r\n".encode(): b"403",
            f"GET / HTTP/1.1\r\n{host}X: {'y' * 70000}\r\n\r\n".encode(): b"431",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)): b"",
        }
        for data, status in malformed.items():
            answer = raw_request(port, data)
            assert status in answer.split(b"\r\n", 1)[0] or (status == b"" and not answer.startswith(b"HTTP/1.0 2")), (data[:60], answer[:80])
        assert get(port, "/documents/a/")[0] == 200  # still serving
    finally:
        process.terminate()
        _, console = process.communicate(timeout=10)
    assert "Traceback" not in console
