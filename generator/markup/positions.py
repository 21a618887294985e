"""Where an inline token stands in the source file.

markdown-it gives block tokens a line range but inline tokens no position; the project's
inline rules record the token's offset in its block's content (`meta`), and this turns that
offset into the file line and column that messages point at.
"""

from __future__ import annotations

from markdown_it.rules_core import StateCore
from markdown_it.token import Token


def source_lines(state: StateCore) -> tuple[list[str], int]:
    """The body's lines and the file line of its first line (set in the env by the annotate stage)."""
    return state.env.get("source_lines") or state.src.split("\n"), state.env.get("first_line", 1)


def offset_position(block: Token, offset: int, lines: list[str], first_line: int) -> tuple[int, int]:
    """The file (line, column), from 1, of `offset` in the content of the inline `block`."""
    content = block.content
    line_index = content.count("\n", 0, offset)
    line_start = content.rfind("\n", 0, offset) + 1
    line_end = content.find("\n", offset)
    content_line = content[line_start : line_end if line_end >= 0 else len(content)]
    source_index = (block.map[0] if block.map else 0) + line_index
    source_line = lines[source_index] if source_index < len(lines) else ""
    # The inline content has lost the line's indentation and block markers ("> ", "- "): find it again.
    shift = max(source_line.find(content_line), 0) if content_line else 0
    return first_line + source_index, shift + offset - line_start + 1
