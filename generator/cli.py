"""The `edition` command: build | check | serve | new.

Exit status: 0 on success, 1 on problems in the content or configuration, 2 on usage errors.
Problems are printed as `path:line:col: severity: message`, all of them, then a count.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.build import BuildResult, build
from generator.cli_report import report

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edition", description="Build a static critical edition from Markdown transcripts and YAML registers.")
    parser.add_argument("--version", action="version", version=f"edition {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def edition_arg(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("edition_dir", nargs="?", default=".", metavar="EDITION_DIR", help="the edition folder (default: the current folder)")
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")

    build_cmd = commands.add_parser("build", help="build the site")
    edition_arg(build_cmd)
    build_cmd.add_argument("--out", metavar="DIR", help="output folder (default: site.yml's output, else _site)")

    check_cmd = commands.add_parser("check", help="validate everything, write nothing")
    edition_arg(check_cmd)

    serve_cmd = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change")
    edition_arg(serve_cmd)
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")

    new_cmd = commands.add_parser("new", help="create a new edition with an example document")
    new_cmd.add_argument("directory", metavar="DIR")
    return parser


def _progress(stream: TextIO):  # type: ignore[no-untyped-def]
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < 200:
            return
        width = 30
        filled = width * done // total
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} documents")
        if done == total:
            stream.write("\r" + " " * (width + 30) + "\r")
        stream.flush()

    return show


def summary(result: BuildResult, *, wrote: bool) -> str:
    if wrote and result.unchanged:
        return (f"Built {result.documents} document(s), {result.persons} person(s): "
                f"nothing changed since the last build, {result.output_dir} stands ({result.seconds:.2f} s)")
    if wrote:
        search = f", of which the search index {result.search_seconds:.2f} s" if result.search_seconds else ""
        return (f"Built {result.documents} document(s), {result.persons} person(s): "
                f"{result.pages_written} files written to {result.output_dir} in {result.seconds:.2f} s{search}")
    return f"Checked {result.documents} document(s), {result.persons} person(s): {len(result.files)} pages would be written"


# The last build's result, kept until the process ends (`run` ends it at once): freeing the build's objects one by
# one as `_run` returned took 0.29 s after a full build of 10,000 documents.
_last_result: BuildResult | None = None


def run() -> None:
    """The `edition` command itself: `main`, then the process ends at once with its exit status.

    A build's millions of objects would otherwise be freed one by one as Python shuts down: at
    30,000 documents that took about 0.4 s after the site was written, and it grows with the edition.
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away, a stream closed
            stream.flush()
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "new":
        from generator.scaffold import create_edition

        return create_edition(Path(args.directory))
    edition_dir = Path(args.edition_dir)
    if not edition_dir.is_dir():
        print(f"edition: '{edition_dir}' is not a folder", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "serve":
        from generator.serve import serve

        return serve(edition_dir, host=args.host, port=args.port, strict=args.strict)
    write = args.command == "build"
    out = Path(args.out) if write and args.out else None
    global _last_result
    result = _last_result = build(edition_dir, out, write=write, strict=args.strict, progress=_progress(sys.stderr))
    # The build's millions of objects live until this process ends, and it collected no garbage while it ran (see
    # build.py): put away from the collector, they are not walked by its first collections, seconds at 10,000 documents.
    gc.freeze()
    report(result.diagnostics, strict=args.strict, stream=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    if result.diagnostics.failed(strict=args.strict):
        print("No site was written." if write else "The edition has problems.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(summary(result, wrote=write))
    return EXIT_OK
