"""What a long-running caller (the preview server) keeps from one build to the next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.incremental.memory import BuildMemory


@dataclass
class BuildSession:
    """Owned by the caller and handed to each build: the build reads and renews it.

    `memory` is the last build's, kept in this process so that a rebuild neither reads nor writes it on disk;
    a build that does not write leaves it as it is. With `pages_first`, an update writes its pages and leaves
    what follows them (the files that hold every text, then the search index) to `follow_up`, for the caller
    to run before its next build.
    """

    pages_first: bool = False
    memory: BuildMemory | None = None
    follow_up: Callable[[], None] | None = None
