"""YAML that remembers where each value stood, so messages can point at `path:line:col`.

PyYAML composes a node tree with marks; we construct plain Python values from it with the
safe constructor (the libyaml C loader when present) and keep a table of positions by path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is several times faster; PyYAML falls back to pure Python without it.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class SafeLoader(_BaseLoader):
    """The safe loader, except that dates stay text: the date parser checks them and says what is wrong."""


def _timestamp_as_text(loader: SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)

Path = tuple[str | int, ...]

# An alias bomb ("billion laughs") expands a few lines into billions of values.
MAX_EXPANDED_NODES = 200_000


class YamlProblem(Exception):
    """Invalid YAML, with a 1-based position relative to the parsed text."""

    def __init__(self, message: str, line: int, col: int, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.hint = hint


@dataclass(frozen=True)
class ScalarSource:
    """A text value and the file lines it was written on, to turn a place in the text into a place in the file.

    A block scalar (`|`, `>`) starts on the line after its indicator and is indented; a folded one (`>`)
    and a plain or quoted one over several lines join lines with spaces: the text is walked along the
    source to find where each of its characters was written."""

    value: str
    first_line: int  # the file line of `lines[0]`
    first_col: int  # the file column (1-based) where `lines[0]` starts
    lines: tuple[str, ...]  # the source lines of the value, the indentation of a block taken off
    indent: int  # the columns taken off each line but the first (a block's indentation)
    skip: int = 0  # the characters at the value's start that the text the positions count in lacks (stripped space)

    def position(self, line: int, col: int) -> tuple[int, int]:
        """The file (line, col) of the 1-based (line, col) in the value; where the walk gets lost, the value's start."""
        value_lines = self.value[self.skip :].split("\n")
        if not 1 <= line <= len(value_lines):
            return self.first_line, self.first_col
        target = self.skip + sum(len(text) + 1 for text in value_lines[: line - 1]) + col - 1
        source = "\n".join(self.lines)
        i = j = 0
        while i < target and j < len(source):
            # the same character, or a line break folded into a space
            if i < len(self.value) and (self.value[i] == source[j] or (source[j] == "\n" and self.value[i] == " ")):
                i, j = i + 1, j + 1
            elif source[j] in "\n \t":  # a break folded away, the indentation of a continued line
                j += 1
            else:
                return self.first_line, self.first_col
        source_line = source.count("\n", 0, j)
        source_col = j - (source.rfind("\n", 0, j) + 1)
        return self.first_line + source_line, (self.first_col if source_line == 0 else 1 + self.indent) + source_col


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # Where a text over several lines ends, and its style: (end line, end column, style), 1-based, for ScalarSource.
    scalar_ends: dict[Path, tuple[int, int, str]] = field(default_factory=dict)

    def scalar_source(self, text: str, *path: str | int) -> ScalarSource | None:
        """The text value at `path` with its source lines (`text` is the parsed YAML), or None when it is not a text."""
        value: Any = self.data
        for key in path:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return None
        if not isinstance(value, str) or tuple(path) not in self.positions:
            return None
        line, col = self.positions[tuple(path)]
        source_lines = text.split("\n")
        end_line, end_col, style = self.scalar_ends.get(tuple(path), (line, 0, ""))
        if style in ("|", ">"):  # the text starts on the next line, indented
            # (the end mark stands at the start of the line after the block, or at the end of the file's last line)
            lines = source_lines[line : end_line - 1 if end_col == 1 else end_line]
            indent = min((len(item) - len(item.lstrip(" ")) for item in lines if item.strip()), default=0)
            return ScalarSource(value, line + 1, indent + 1, tuple(item[indent:] for item in lines), indent)
        lines = source_lines[line - 1 : end_line]
        if not lines:
            return None
        quoted = 1 if style in ("'", '"') or lines[0][col - 1 : col] in ("'", '"') else 0  # (one line's style is not kept)
        lines[0] = lines[0][col - 1 + quoted :]
        return ScalarSource(value, line, col + quoted, tuple(lines), 0)

    def position(self, *path: str | int) -> tuple[int, int]:
        """Where the value at `path` starts, or its nearest ancestor that has a position."""
        key = tuple(path)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return self.positions.get((), (1, 1))

    def key_position(self, *path: str | int) -> tuple[int, int]:
        return self.key_positions.get(tuple(path)) or self.position(*path)


def parse_yaml(text: str, *, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; positions are shifted so that the text starts at `first_line`."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, {(): (first_line, 1)})
        _check_expansion(node, first_line - 1)
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)  # libyaml gives a number
        where = text.find(chr(code))  # the position libyaml reports may count bytes, not characters
        where = where if where >= 0 else 0
        line = text.count("\n", 0, where) + first_line
        col = where - (text.rfind("\n", 0, where) + 1) + 1
        raise YamlProblem(
            f"invalid YAML: the character U+{code:04X} is not allowed (an invisible control character)",
            line,
            col,
            "delete it; it often comes from copying out of a PDF or a scan",
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise _problem_from(exc, first_line, text) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}", first_line, 1) from None
    except RecursionError:
        raise YamlProblem("the YAML is nested too deeply", first_line, 1) from None
    except ValueError as exc:  # a value the constructor cannot make, such as a whole number of thousands of digits
        raise YamlProblem(f"invalid YAML: a value cannot be read ({exc})", first_line, 1, "put a long number in quotes to keep it as text") from None
    finally:
        loader.dispose()
    positions: dict[Path, tuple[int, int]] = {}
    key_positions: dict[Path, tuple[int, int]] = {}
    scalar_ends: dict[Path, tuple[int, int, str]] = {}
    _record_positions(node, (), positions, key_positions, first_line - 1, set(), scalar_ends)
    return YamlDocument(data, positions, key_positions, scalar_ends)


def _problem_from(exc: yaml.MarkedYAMLError, line_offset: int, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line if mark else 0) + line_offset
    col = (mark.column if mark else 0) + 1
    problem = (exc.problem or "invalid YAML").strip()
    context = (exc.context or "").strip()
    started = exc.context_mark
    if context and started and mark and (started.line, started.column) != (mark.line, mark.column):
        # "while parsing a flow sequence" helps only with where that sequence began.
        context += f" that starts at line {started.line + line_offset}, column {started.column + 1}"
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    hint = ""
    source_lines = text.split("\n")
    source_line = source_lines[mark.line] if mark and mark.line < len(source_lines) else ""
    indentation = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
    if ("\t" in indentation and (mark.column if mark else 0) <= len(indentation)) or "'\\t'" in problem or "tab" in problem:
        message = "invalid YAML: a tab is used for indentation"
        hint = "YAML does not allow tabs for indentation; indent with spaces"
    elif "mapping values are not allowed" in problem:
        hint = "a value that contains ': ' must be quoted, e.g. title: 'Note: text'"
    elif "could not find expected ':'" in problem:
        hint = "each line of a mapping needs 'key: value'; check the indentation of this line"
    elif "flow sequence" in context or "flow mapping" in context:
        hint = "a value that starts with '[' or '{' is read as a list or mapping; to keep it as text, put it in quotes: title: '[...] text'"
    elif "quoted scalar" in context:
        hint = "close the quotation mark, or write a quote inside single quotes twice: 'Mao''s cable'"
    return YamlProblem(message, line, col, hint)


def _check_expansion(root: yaml.Node, line_offset: int) -> None:
    """Refuse alias bombs, too deep nesting and repeated keys (lines are shifted by `line_offset`)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if depth > 500:
            raise YamlProblem("the YAML is nested too deeply", node.start_mark.line + 1 + line_offset, 1)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            _check_unique_keys(node, line_offset)
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        sizes[id(node)] = total
        if total > MAX_EXPANDED_NODES:
            raise YamlProblem(
                f"the YAML expands to more than {MAX_EXPANDED_NODES:,} values through anchors and aliases",
                node.start_mark.line + 1 + line_offset,
                node.start_mark.column + 1,
                "remove the repeated aliases (*name); this looks like an alias bomb",
            )
        return total

    size(root, 0)


def _check_unique_keys(mapping: yaml.MappingNode, line_offset: int) -> None:
    # YAML forbids a key twice in one mapping; PyYAML would silently keep the last value.
    first: dict[str, yaml.Node] = {}
    for key_node, _ in mapping.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
            continue
        earlier = first.setdefault(key_node.value, key_node)
        if earlier is not key_node:
            raise YamlProblem(
                f"'{key_node.value}' appears twice (first at line {earlier.start_mark.line + 1 + line_offset})",
                key_node.start_mark.line + 1 + line_offset,
                key_node.start_mark.column + 1,
                "keep only one of the two lines",
            )


def _record_positions(
    node: yaml.Node,
    path: Path,
    positions: dict[Path, tuple[int, int]],
    key_positions: dict[Path, tuple[int, int]],
    offset: int,
    seen: set[int],
    scalar_ends: dict[Path, tuple[int, int, str]],
) -> None:
    positions[path] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    if id(node) in seen:  # an aliased subtree is described once, at its anchor
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode) and (node.style in ("|", ">") or node.end_mark.line != node.start_mark.line):
        scalar_ends[path] = (node.end_mark.line + 1 + offset, node.end_mark.column + 1, node.style or "")
    if isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _record_positions(child, (*path, index), positions, key_positions, offset, seen, scalar_ends)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(id(key_node))
            key_positions[(*path, key)] = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            _record_positions(value_node, (*path, key), positions, key_positions, offset, seen, scalar_ends)
