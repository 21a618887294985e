"""Reading the edition's own files: nothing through a link that leads out of it, nothing but regular files.

A link out of the edition would publish what the editor did not put there (`assets/passwd.txt ->
/etc/passwd`); a named pipe where a file is expected would make the build wait for ever; a link
that leads round in a loop cannot be followed. Each is refused with a reason that the caller
turns into a message at the file.
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path

LINK_OUT = "is a link to a place outside the edition folder"
LINK_LOOP = "is a symbolic link that leads round in a loop"
NOT_A_FILE = "is not a regular file (a named pipe, a device or a socket)"
RACY_NS = 3_000_000_000  # a file changed this recently may change again within the clock's granularity


class Refused(Exception):
    """A file that is not read; `reason` completes 'this file ...'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def resolved_inside(file: Path, real_root: Path) -> Path:
    """`file` with its links resolved; Refused when a link loops or leads out of `real_root` (itself resolved)."""
    try:
        resolved = file.resolve()
    except RuntimeError as exc:  # (how Python before 3.13 reports a loop)
        raise Refused(LINK_LOOP) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(LINK_LOOP) from exc
        raise
    if not resolved.is_relative_to(real_root):
        raise Refused(LINK_OUT)
    return resolved


def is_inside(file: Path, real_root: Path) -> bool:
    """Whether `file`, its links resolved, lies in `real_root` (False for a link loop)."""
    try:
        resolved_inside(file, real_root)
    except (Refused, OSError):
        return False
    return True


def read_regular_file(file: Path, limit: int | None = None) -> bytes:
    """The bytes of `file`; Refused when it is not a regular file, TooLarge past `limit` bytes, OSError when it cannot be read."""
    try:
        status = file.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(LINK_LOOP) from exc
        raise
    if not stat.S_ISREG(status.st_mode):  # a named pipe would make the read wait for a writer, for ever
        raise Refused(NOT_A_FILE)
    if limit is not None and status.st_size > limit:
        raise TooLarge(status.st_size)
    return file.read_bytes()
