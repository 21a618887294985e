"""The `edition` command: build | check | serve | new.

Exit status: 0 on success, 1 on problems in the content or configuration, 2 on usage errors.
Problems are printed as `path:line:col: severity: message`, all of them, then a count.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
import threading
from pathlib import Path

from generator import __version__
from generator.build import BuildOptions, BuildResult, build
from generator.cli_report import report
from generator.progress import StreamProgress, stage_summary

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised where the command is, so that it ends as on Ctrl+C: its workers ended, its temporary folders removed."""


def _terminate(signal_number: int, frame: object) -> None:
    raise Terminated


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
    build_cmd.add_argument("--quiet", action="store_true", help="print no progress, only the problems and the summary")
    build_cmd.add_argument("--force", action="store_true", help="replace an output folder this generator did not write (it says what it replaces)")

    check_cmd = commands.add_parser("check", help="validate everything, write nothing")
    edition_arg(check_cmd)
    check_cmd.add_argument("--quiet", action="store_true", help="print no progress, only the problems and the summary")

    serve_cmd = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change")
    edition_arg(serve_cmd)
    serve_cmd.add_argument("--port", type=port_number, default=8000, help="port (default 8000)")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--force", action="store_true", help="replace an output folder this generator did not write (it says what it replaces)")

    new_cmd = commands.add_parser("new", help="create a new edition with an example document")
    new_cmd.add_argument("directory", metavar="DIR")
    return parser


def port_number(text: str) -> int:
    """A TCP port for argparse: 0 (any free one) to 65535."""
    if not text.strip().isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0 to 65535)")
    return int(text)


def summary(result: BuildResult, *, wrote: bool) -> str:
    counted = f"{result.documents} document(s), {result.persons} person(s)"
    if result.organizations:  # (an edition without an organisations register is not told of one)
        counted += f", {result.organizations} organisation(s)"
    if wrote and result.unchanged:
        return f"Built {counted}: nothing changed since the last build, {result.output_dir} stands ({result.seconds:.2f} s)"
    if wrote:
        search = f", of which the search index {result.search_seconds:.2f} s" if result.search_seconds else ""
        return (
            f"Built {counted}: {result.pages_written} files written to {result.output_dir} in {result.seconds:.2f} s{search}"
            f"\n  stages: {stage_summary(result.stage_seconds)}"
        )
    return f"Checked {counted}: {len(result.files)} pages would be written ({result.seconds:.2f} s; stages: {stage_summary(result.stage_seconds)})"


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
    in_main_thread = threading.current_thread() is threading.main_thread()  # (only there may a handler be set)
    on_terminate = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except OSError as problem:  # the file system refused something no check foresaw: say what, without a traceback
        where = f" ({problem.filename})" if problem.filename else ""
        print(f"edition: {problem.strerror or problem}{where}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, on_terminate)


def _run(args: argparse.Namespace) -> int:
    if args.command == "new":
        from generator.scaffold import create_edition

        return create_edition(Path(args.directory))
    edition_dir = Path(args.edition_dir)
    try:
        is_folder = edition_dir.is_dir()
    except OSError as problem:  # a name too long for the file system
        print(f"edition: '{edition_dir}' cannot be a folder: {problem.strerror or problem}", file=sys.stderr)
        return EXIT_USAGE
    if not is_folder:
        print(f"edition: '{edition_dir}' is not a folder", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "serve":
        from generator.serve import serve

        return serve(edition_dir, host=args.host, port=args.port, strict=args.strict, force=args.force)
    write = args.command == "build"
    out = Path(args.out) if write and args.out else None
    global _last_result
    progress = None if args.quiet else StreamProgress(sys.stderr)
    result = _last_result = build(edition_dir, BuildOptions(out, write=write, strict=args.strict, progress=progress, force=write and args.force))
    if progress is not None:
        progress.close()
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
