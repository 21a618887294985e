"""Where a token stands in the source file.

markdown-it gives each block the range of source lines it covers (`block.map`) but inline
tokens only their place in the block's inline content, from which the block's indentation
and container markers (`> `, list bullets) are stripped. The plugins record an offset in that
content; `BlockPositions` turns it into the file line and column the editor sees. It is made
once per block and caches each line's shift, so that locating many tokens stays linear.
"""

from __future__ import annotations

import bisect
import itertools

from markdown_it.token import Token


class BlockPositions:
    """File positions of offsets in one inline block's content."""

    def __init__(self, block: Token, lines: list[str], first_line: int) -> None:
        """`lines` are the body's lines and `first_line` the file line of the body's first line."""
        self.first_line = first_line
        self.lines = lines
        self.map_start = block.map[0] if block.map else 0
        self.content_lines = block.content.split("\n")
        self.line_starts = list(itertools.accumulate((len(line) + 1 for line in self.content_lines[:-1]), initial=0))
        self.shifts: dict[int, int] = {}

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, col) in the file of `offset` in the block's content (both 1-based)."""
        line_index = bisect.bisect_right(self.line_starts, offset) - 1
        source_index = self.map_start + line_index
        if line_index not in self.shifts:  # where the content line starts in the file line (indentation)
            content_line = self.content_lines[line_index]
            source_line = self.lines[source_index] if source_index < len(self.lines) else ""
            self.shifts[line_index] = max(source_line.find(content_line), 0) if content_line else 0
        return self.first_line + source_index, self.shifts[line_index] + offset - self.line_starts[line_index] + 1
