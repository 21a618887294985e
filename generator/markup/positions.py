"""Where an inline token stands in the source file.

markdown-it gives block tokens a line range but inline tokens no position; the project's
inline rules record the token's offset in its block's content (`meta`), and this turns that
offset into the file line and column that messages point at.
"""

from __future__ import annotations

import bisect
from functools import cache

from markdown_it.rules_core import StateCore
from markdown_it.token import Token


def source_lines(state: StateCore) -> tuple[list[str], int]:
    """The body's lines and the file line of its first line (set in the env by the annotate stage)."""
    return state.env.get("source_lines") or state.src.split("\n"), state.env.get("first_line", 1)


class BlockPositions:
    """File positions of offsets in one inline block's content (line starts are found once)."""

    def __init__(self, block: Token, lines: list[str], first_line: int) -> None:
        self.content = block.content
        self.first_index = block.map[0] if block.map else 0
        self.lines = lines
        self.first_line = first_line
        self.line_starts = [0] + [i + 1 for i, char in enumerate(self.content) if char == "\n"]
        self.shift = cache(self._shift)

    def _shift(self, line_index: int) -> int:
        # The inline content has lost the line's indentation and block markers ("> ", "- "): find it again.
        start = self.line_starts[line_index]
        end = self.content.find("\n", start)
        content_line = self.content[start : end if end >= 0 else len(self.content)]
        source_index = self.first_index + line_index
        source_line = self.lines[source_index] if source_index < len(self.lines) else ""
        return max(source_line.find(content_line), 0) if content_line else 0

    def of(self, offset: int) -> tuple[int, int]:
        """The file (line, column), from 1, of `offset` in the block's content."""
        line_index = bisect.bisect_right(self.line_starts, offset) - 1
        return self.first_line + self.first_index + line_index, self.shift(line_index) + offset - self.line_starts[line_index] + 1

