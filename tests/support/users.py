"""Running a command as another user, to test files and folders that the build cannot read or write.

As root every file can be read, so such tests run the command as `nobody` through setpriv.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def as_unprivileged_user() -> list[str] | None:
    """The command prefix that runs a process as a user who cannot read a file of mode 000: none needed when this
    process is not root; None where root has no way to drop its rights."""
    if os.geteuid() != 0:
        return []
    return AS_NOBODY if shutil.which("setpriv") else None


@contextmanager
def shared_folder(prefix: str) -> Iterator[Path]:
    """A folder another user may work in (pytest's own temporary folders are private to their owner); removed after,
    whatever modes the test left on the folders in it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for here, folders, _ in os.walk(folder):
            for name in folders:
                os.chmod(os.path.join(here, name), 0o755)
        shutil.rmtree(folder, ignore_errors=True)
