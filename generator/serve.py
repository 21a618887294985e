"""`edition serve`: build, serve the output on 127.0.0.1, rebuild on change, reload the browser.

The browser long-polls a build counter (as MkDocs' dev server does) and reloads when it moves.
A failed rebuild keeps the last good site on screen, with the problems shown in a banner on
every page and in the terminal. Only files inside the output folder are served.
"""

from __future__ import annotations

import html
import ipaddress
import json
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from generator.build import BuildOptions, build
from generator.cli_report import report
from generator.incremental.session import BuildSession
from generator.search import SearchFailed

RELOAD_SCRIPT = """<script>
(function poll(version) {
  fetch("/__edition/wait?version=" + version).then(function (r) { return r.json(); }).then(function (state) {
    if (state.version !== version) { location.reload(); } else { poll(version); }
  }).catch(function () { setTimeout(function () { poll(version); }, 1000); });
})(%d);
</script>"""


class BuildState:
    """The build counter and the last problems, shared by the watcher and the request threads."""

    def __init__(self) -> None:
        self.version = 0
        self.problems = ""
        self.changed = threading.Condition()
        self.session = BuildSession(pages_first=True)  # what the next rebuild may reuse
        self.following: threading.Thread | None = None  # what follows the pages of the last update (see BuildSession)

    def publish(self, problems: str) -> None:
        with self.changed:
            self.version += 1
            self.problems = problems
            self.changed.notify_all()

    def wait(self, version: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != version, timeout=timeout)
            return self.version


class PreviewHandler(SimpleHTTPRequestHandler):
    state: BuildState
    root: Path
    hosts: frozenset[str]  # the Host headers this server answers (see served_hosts)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        # A page of another site whose name points here (DNS rebinding) would send its own name as the Host.
        if (self.headers.get("Host") or "").strip().lower() not in self.hosts:
            self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8", b"This server answers only to its own address.")
            return
        try:
            self._answer()
        except (OSError, ValueError):  # a path too long for the file system, a file gone while it was read
            if not self.wfile.closed:
                self._send(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", b"Bad request")

    def _answer(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/__edition/wait":
            asked = parse_qs(parts.query).get("version", ["0"])[0] or "0"
            if not asked.lstrip("-").isdigit() or len(asked) > 18:
                self._send(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", b"Bad request: version must be a number")
                return
            body = json.dumps({"version": self.state.wait(int(asked), timeout=20)}).encode()
            self._send(HTTPStatus.OK, "application/json", body)
            return
        target = self._resolve(parts.path)
        if target is None:
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"Forbidden")
            return
        if target.is_dir():
            if not parts.path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                # One leading slash: "//documents/" would send the browser to a host called "documents".
                self.send_header("Location", "/" + parts.path.lstrip("/") + "/")
                self.end_headers()
                return
            target = target / "index.html"
        if not target.is_file():
            missing = self.root / "404.html"
            page = missing.read_bytes() if missing.is_file() else b"Not found"
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", self._inject(page))
            return
        data = target.read_bytes()
        if target.suffix == ".html":
            data = self._inject(data)
        self._send(HTTPStatus.OK, self.guess_type(str(target)), data)

    def do_HEAD(self) -> None:
        # The inherited HEAD would answer from the current folder, not from the output.
        self.do_GET()

    def _resolve(self, url_path: str) -> Path | None:
        """The file for a URL path, or None when it would leave the output folder."""
        relative = unquote(url_path).lstrip("/")
        if "\x00" in relative or any(part == ".." for part in relative.replace("\\", "/").split("/")):
            return None
        candidate = (self.root / relative).resolve()
        return candidate if candidate.is_relative_to(self.root.resolve()) else None

    def _inject(self, page: bytes) -> bytes:
        extra = RELOAD_SCRIPT % self.state.version
        if self.state.problems:
            extra = (
                '<div role="alert" style="position:fixed;inset:auto 0 0 0;max-height:40vh;overflow:auto;margin:0;'
                'padding:1rem;background:#fff3f0;color:#5a0000;border-top:3px solid #b00020;font:14px/1.4 monospace;z-index:99">'
                "<strong>The last rebuild failed; this is the previous site.</strong><pre>" + html.escape(self.state.problems) + "</pre></div>" + extra
            )
        text = page.decode("utf-8", errors="replace")
        index = text.rfind("</body>")
        text = text[:index] + extra + text[index:] if index >= 0 else text + extra
        return text.encode("utf-8")

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up or sends nonsense is its own affair: no traceback on the editor's console.
        pass


def served_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers a browser sends to this server: its address and port, and for a loopback one `localhost` too.

    A server bound to every address (0.0.0.0, ::) answers to any address written as digits and to this machine's names."""
    names = {host.lower()}
    try:
        address = ipaddress.ip_address(host or "0.0.0.0")  # ("" binds every address, as 0.0.0.0 does)
    except ValueError:
        address = None
    if host.lower() == "localhost" or (address is not None and address.is_loopback):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    if address is not None and address.version == 6:
        names.add(f"[{host.lower()}]")
    if address is not None and address.is_unspecified:
        names |= {"localhost", socket.gethostname().lower(), socket.getfqdn().lower()}
        names |= {info[4][0] for info in _addresses_of(socket.gethostname())}
        names |= {"127.0.0.1", "[::1]"}
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:
        hosts |= names
    return frozenset(hosts)


def _addresses_of(name: str) -> list[Any]:
    try:
        return socket.getaddrinfo(name, None)
    except OSError:
        return []


def rebuild(edition_dir: Path, state: BuildState, *, strict: bool) -> bool:
    if state.following is not None:
        state.following.join()  # one follow-up at a time on the folder, done before the memory is used again
    # The last build's memory stays in this process, so a rebuild neither reads nor writes it; the files
    # that hold every text and the search index of an update follow the pages in the background.
    result = build(edition_dir, BuildOptions(strict=strict), state.session)
    if state.session.follow_up is not None:
        state.following = threading.Thread(target=_follow_up_in_background, args=(state.session.follow_up,), daemon=True)
        state.following.start()
    report(result.diagnostics, strict=strict, stream=sys.stderr)
    failed = result.diagnostics.failed(strict=strict)
    problems = "\n".join(d.format(strict=strict) for d in result.diagnostics.sorted()) if failed else ""
    if failed:
        print("Rebuild failed; still serving the previous site.", file=sys.stderr)
    else:
        print(f"Rebuilt in {result.seconds:.2f} s", file=sys.stderr)
    state.publish(problems)
    return not failed


def _follow_up_in_background(follow_up: Callable[[], None]) -> None:
    try:
        follow_up()
    except SearchFailed as problem:
        print(f"The search index was not updated: {problem}", file=sys.stderr)
    except OSError as problem:  # the next rebuild makes the whole site again
        print(f"The edition-wide files were not updated: {problem.strerror or problem} ({problem.filename})", file=sys.stderr)


def serve(edition_dir: Path, *, host: str = "127.0.0.1", port: int = 8000, strict: bool = False, force: bool = False) -> int:
    from watchfiles import DefaultFilter, watch

    state = BuildState()
    handler: type[PreviewHandler] = type("Handler", (PreviewHandler,), {"state": state})
    # The address is taken before the build, so that one in use is said at once.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        server = type("Server", (PreviewServer,), {"address_family": family})((host, port), partial(handler))
    except (OSError, OverflowError, UnicodeError, TypeError, ValueError) as problem:  # (a host with a null character: TypeError)
        reason = problem.strerror if isinstance(problem, OSError) and problem.strerror else str(problem)
        print(f"edition serve: cannot serve on {host} port {port}: {reason}", file=sys.stderr)
        return 2
    try:
        result = build(edition_dir, BuildOptions(strict=strict, force=force))
    except BaseException:
        server.server_close()
        raise
    report(result.diagnostics, strict=strict, stream=sys.stderr)
    output_dir = result.output_dir.resolve() if result.output_dir is not None else None
    if output_dir is None or (result.diagnostics.failed(strict=strict) and not output_dir.is_dir()):
        server.server_close()
        if output_dir is not None:
            print("Fix the problems above, then run 'edition serve' again.", file=sys.stderr)
        return 1
    refused = any(problem.code == "output-folder" for problem in result.diagnostics.errors)  # a folder that is not a site of ours is not served
    if result.diagnostics.failed(strict=strict) and refused:
        server.server_close()
        print("Fix the problems above, then run 'edition serve' again.", file=sys.stderr)
        return 1
    handler.root = output_dir
    handler.hosts = served_hosts(host, server.server_port)
    print(f"Serving {output_dir} at http://{host if ':' not in host else f'[{host}]'}:{server.server_port}/ (Ctrl+C to stop)", file=sys.stderr)

    ignored = {output_dir, (edition_dir / ".edition-cache").resolve(), (edition_dir / ".venv").resolve()}

    class EditionFilter(DefaultFilter):
        def __call__(self, change: object, path: str) -> bool:
            resolved = Path(path).resolve()
            if any(resolved == d or resolved.is_relative_to(d) for d in ignored) or ".edition-build-" in path:
                return False
            return super().__call__(change, path)  # type: ignore[arg-type]

    stop = threading.Event()

    def watch_and_rebuild() -> None:
        for _changes in watch(edition_dir, watch_filter=EditionFilter(), stop_event=stop, debounce=200):
            try:
                rebuild(edition_dir, state, strict=strict)
            except Exception:  # a bug in the generator: show it, and keep serving the last good site
                traceback.print_exc()
                state.publish("The rebuild stopped with an internal error; the terminal shows where.")

    threading.Thread(target=watch_and_rebuild, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0
