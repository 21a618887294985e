"""`site.yml`: the edition's settings, validated against a declared schema.

Each option says what it is for, its default and how it is checked, the way MkDocs declares
its configuration. Every problem is reported with its line in site.yml, all in one run;
an unknown key is an error with a did-you-mean suggestion.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import regex

from generator.dates import DateProblem, parse_timestamp
from generator.diagnostics import Diagnostics, Location, did_you_mean
from generator.edition_files import Refused, read_regular_file, resolved_inside
from generator.yamlfile import ScalarSource, YamlDocument, YamlProblem, parse_yaml

CONFIG_FILE = "site.yml"
DISPLAY_MODES = ("inline", "marker", "statement")
LINK_MODES = ("first", "all", "none")
SERIES_MODES = ("separate", "single")
# How long one rule of site.yml may take over one bracket's text: a sane rule takes microseconds, one
# with a repeat inside a repeat (`^(a|a)+$`) can take longer than the universe has existed.
RULE_TIME_LIMIT = 1.0


class Invalid(ValueError):
    """A value that does not fit its option; the message says what was expected."""


@dataclass(frozen=True)
class ApparatusRule:
    """How one kind of editorial intervention is recognised and presented."""

    pattern: re.Pattern[str] | regex.Pattern[str]  # (a rule of site.yml: `regex`, whose search takes a timeout)
    type: str
    label: str
    # Reading view: keep the text ("inline"), only the note call ("marker"), or, for the editor's own
    # words, the text in its brackets set apart in both views ("statement").
    display: str = "inline"
    note: str = "{text}"  # the note's wording; {text} is the bracketed text
    tei: str = ""  # the TEI element, when not the type's own: "supplied", "gap" or "note" (see exports/tei.py)
    reason: str = ""  # the TEI @reason of a gap or supplied text
    # A rule of site.yml: its number there and the position of its pattern, and the time limit of one match
    # (the `regex` package stops a search at it). The shipped rules are ours and linear: they need none.
    number: int = 0
    position: tuple[int, int] = (0, 0)
    time_limit: float | None = None

    def matches(self, text: str) -> bool:
        """Whether the rule applies to `text`; TimeoutError when a rule of site.yml runs past its time limit."""
        return self._search(text) is not None

    def _search(self, text: str) -> re.Match[str] | regex.Match[str] | None:
        if self.time_limit is not None and isinstance(self.pattern, regex.Pattern):
            return self.pattern.search(text, timeout=self.time_limit)
        return self.pattern.search(text)

    def extent(self, text: str) -> str | None:
        """What the pattern's group `extent` found in the text (a gap's size, e.g. "less than 1 line"), if it has one."""
        if "extent" not in self.pattern.groupindex:
            return None
        try:
            match = self._search(text)
        except TimeoutError:  # (reported where the rule was tried first)
            return None
        return match["extent"] if match else None


class RuleTooSlow(Exception):
    """A rule of site.yml that ran past its time limit over a bracket's text."""

    def __init__(self, rule: ApparatusRule) -> None:
        super().__init__(rule.pattern.pattern)
        self.rule = rule


def _rule(pattern: str, type_: str, label: str, display: str, note: str, tei: str = "", reason: str = "") -> ApparatusRule:
    return ApparatusRule(re.compile(pattern), type_, label, display, note, tei, reason)


# Shipped conventions of documentary editing; site.yml's `apparatus.rules` replaces them.
DEFAULT_RULES: tuple[ApparatusRule, ...] = (
    _rule(r"^\s*(Stamp|Seal)\s*:", "stamp", "Stamp or seal", "marker", "{text}"),
    _rule(r"^\s*(Handwritten|Marginal note)\s*:", "handwritten", "Handwritten addition", "marker", "{text}"),
    _rule(r"^\s*(Note|Translator's note|Editor's note)\s*:", "note", "Note", "marker", "{text}"),
    _rule(r"^\s*(signature|seal|stamp|initials)\s*$", "physical", "Physical feature", "marker", "In the original: {text}."),
    _rule(r"^\s*(illegible|damaged|text missing|torn|blank)\b.*$", "gap", "Gap", "marker", "Gap in the original: {text}."),
    _rule(r"^\s*sic!?\s*$", "sic", "Sic", "inline", "Sic: so in the original."),
    _rule(r"\?\s*$", "uncertain", "Uncertain reading", "inline", "Uncertain reading: {text}"),
    _rule(r"^\s*(\.\.\.|…)\s*$", "omission", "Omission", "marker", "Text omitted by the editor."),
    _rule(r"", "supplied", "Supplied text", "inline", "Supplied by the editor: {text}"),
)

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"

# The conventions of Foreign Relations of the United States, as its volumes print them.
FRUS_RULES: tuple[ApparatusRule, ...] = (
    # The lookahead first: only a text that ends so is taken apart, so a long bracket costs one pass.
    _rule(
        r"(?s)^(?=.*not\s+declass\w*[\s.*_]*$)[\s*_]*(?:(?P<extent>[^*_]*?\d.*?)\s+(?:of\s+(?:\S+-column\s+)?(?:source\s+)?text\s+)?|.*?)"
        r"not\s+declass\w*[\s.*_]*$",
        "not-declassified",
        "Not declassified",
        "statement",
        "{text}",
        "gap",
        "not-declassified",
    ),
    _rule(r"^\s*(?:[Hh]ere\s+follows?|Omitted\s+here)\b", "omitted", "Editorial statement", "statement", "{text}", "gap", "editorial"),
    _rule(r"(?s)^\s*(?:[A-Z]\w+\s+)?[Ff]ootnotes?\b.*?\bin\s+the\s+source\s+text", "source-note", "Note about the source", "statement", "{text}", "note"),
    _rule(r"^\s*garbled?\b", "source-gap", "Gap in the source text", "statement", "{text}", "gap", "garbled"),
    _rule(
        r"^\s*(?:apparent\s+)?omission\s+in\s+the\s+source\s+text|^\s*apparent\s+omission\s*$",
        "source-gap",
        "Gap in the source text",
        "statement",
        "{text}",
        "gap",
        "omitted-in-source",
    ),
    _rule(r"^\s*(?:source\s+text\s+)?illegible\b", "source-gap", "Gap in the source text", "statement", "{text}", "gap", "illegible"),
    _rule(r"^\s*sic!?\s*$", "sic", "Sic", "inline", "Sic: so in the original."),
    _rule(r"\?\s*$", "uncertain", "Uncertain reading", "inline", "Uncertain reading: {text}"),
    _rule(
        r"^\s*(?:Attachment|Enclosure|Annex|Appendix|Tab)(?:\s+[A-Z0-9][\w.-]*)?\s*$",
        "heading",
        "Heading supplied by the editor",
        "statement",
        "{text}",
        "supplied",
        "heading-not-in-original",
    ),
    _rule(
        rf"^\s*(?:{_MONTH}(?:\s+\d{{1,2}})?,?(?:\s+\d{{4}})?|(?:1[5-9]|20)\d\d|[A-Z][\w .'-]*,\s+(?:undated|{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?))[.,]?\s*$",
        "date",
        "Date supplied by the editor",
        "inline",
        "Date supplied by the editor: {text}",
        "supplied",
        "date-not-in-original",
    ),
    _rule(r"", "supplied", "Supplied text", "inline", "Supplied by the editor: {text}", "supplied", "omitted-in-original"),
)

# The shipped sets of rules that `apparatus.conventions` names; each ends with the rule for text no other rule matches.
CONVENTIONS: Mapping[str, tuple[ApparatusRule, ...]] = {"default": DEFAULT_RULES, "frus": FRUS_RULES}


def convention_rules(names: tuple[str, ...]) -> tuple[ApparatusRule, ...]:
    """The rules of the named sets in order; text none of them matches takes the first set's last rule."""
    sets = [CONVENTIONS[name] for name in names]
    return (*(rule for rules in sets for rule in rules[:-1]), sets[0][-1])


@dataclass(frozen=True)
class ApparatusConfig:
    rules: tuple[ApparatusRule, ...] = DEFAULT_RULES
    series: str = "separate"  # lettered interventions and numbered footnotes, or one numbered series

    def classify(self, text: str, too_slow: Container[int] = ()) -> ApparatusRule:
        """The first rule that matches `text`, passing over the rules numbered in `too_slow`; RuleTooSlow for a rule that runs out of time."""
        for rule in self.rules:
            if rule.number and rule.number in too_slow:
                continue
            try:
                if rule.matches(text):
                    return rule
            except TimeoutError as exc:
                raise RuleTooSlow(rule) from exc
        return DEFAULT_RULES[-1]


@dataclass(frozen=True)
class RegistersConfig:
    link: str = "first"
    case_sensitive: bool = True
    not_names: tuple[str, ...] = ()  # strings that are never names: never linked, never a near miss


@dataclass(frozen=True)
class SearchConfig:
    enabled: bool = True
    # The pages Pagefind reads, as a glob from the site's root: the default theme marks the text of
    # the document pages alone for search, and reading the others (the home page lists every document)
    # cost a fifth of Pagefind's time at 10,000 documents for nothing.
    pages: str = "documents/**/*.html"
    # Documents per part of the index: a changed document makes its part again, not the whole index.
    part_size: int = 1000


@dataclass(frozen=True)
class MarkdownConfig:
    allow_html: bool = False


@dataclass(frozen=True)
class SiteConfig:
    title: str
    subtitle: str | None = None
    editors: tuple[str, ...] = ()
    publisher: str | None = None
    language: str = "en"
    license: str | None = None
    base_url: str | None = None
    published: str | None = None  # when the edition was published or last updated, RFC 3339 (the feed's dates)
    output: str = "_site"
    theme: str = "default"
    introduction: str | None = None
    introduction_source: ScalarSource | None = field(default=None, compare=False, repr=False)  # where its lines stand in site.yml
    apparatus: ApparatusConfig = field(default_factory=ApparatusConfig)
    registers: RegistersConfig = field(default_factory=RegistersConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    markdown: MarkdownConfig = field(default_factory=MarkdownConfig)
    credits: tuple[Credit, ...] = ()


CREDIT_ROLES = ("funder", "sponsor")  # as TEI's titleStmt names them


@dataclass(frozen=True)
class Credit:
    """A funder or partner of the edition: a line on every page, and TEI's <funder> or <sponsor>."""

    name: str
    role: str = "funder"  # one of CREDIT_ROLES


# --------------------------------------------------------------------------- validators


def text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid("expected a piece of text")
    result = str(value).strip()
    if not result:
        raise Invalid("expected a piece of text, found an empty value")
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", result):
        raise Invalid("contains an invisible control character; delete it")
    return result


def text_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise Invalid("expected a list, e.g. [First Editor, Second Editor]")
    if not isinstance(value, list):
        raise Invalid("expected a list of names")
    return tuple(text(item) for item in value)


def credit_list(value: Any) -> tuple[Credit, ...]:
    """`[Funder name, {name: Partner, role: sponsor}]`: a plain name is a funder."""
    if not isinstance(value, list):
        raise Invalid("expected a list, e.g. [A Foundation, {name: A Partner, role: sponsor}]")
    credits = []
    for item in value:
        if isinstance(item, dict):
            unknown = set(item) - {"name", "role"}
            if unknown or "name" not in item:
                raise Invalid(f"each credit is a name or a mapping with 'name' and 'role' ({' or '.join(CREDIT_ROLES)})")
            role = text(item.get("role", "funder"))
            if role not in CREDIT_ROLES:
                raise Invalid(f"a credit's role is {' or '.join(CREDIT_ROLES)}, found '{role}'")
            credits.append(Credit(text(item["name"]), role))
        else:
            credits.append(Credit(text(item)))
    return tuple(credits)


def words_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid("expected a list of words, e.g. [Prime Minister, Chase]")
    return tuple(text(item) for item in value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("expected true or false")
    return value


def positive_count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid("expected a whole number of at least 1, e.g. 1000")
    return value


def choice(*options: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise Invalid(f"expected one of {', '.join(options)}, found '{value}'")
        return str(value)

    return check


def language_tag(value: Any) -> str:
    tag = text(value)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", tag):
        raise Invalid(f"'{tag}' is not a language tag such as en, ru or zh-Hans")
    return tag


def url(value: Any) -> str:
    address = text(value)
    try:
        parsed = urlparse(address)
    except ValueError:  # such as an unclosed [ of an IPv6 address
        parsed = urlparse("")
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(f"'{address}' is not an http(s) address such as https://example.org/edition/")
    return address if address.endswith("/") else address + "/"


def timestamp(value: Any) -> str:
    try:
        return parse_timestamp(value)
    except DateProblem as problem:
        raise Invalid(str(problem)) from None


def relative_folder(value: Any) -> str:
    folder = text(value)
    if Path(folder).is_absolute() or ".." in Path(folder).parts:
        raise Invalid(f"'{folder}' must be a folder inside the edition, such as _site")
    return folder


def convention_names(value: Any) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not names or not all(isinstance(name, str) for name in names):
        raise Invalid("expected the name of a shipped set of rules, or a list of them, e.g. frus")
    for name in names:
        if name not in CONVENTIONS:
            raise Invalid(f"'{name}' is not a shipped set of rules: expected {' or '.join(CONVENTIONS)}")
    return tuple(names)


def theme_name(value: Any) -> str:
    name = text(value)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise Invalid(f"'{name}' is not a theme name (letters, digits, - and _)")
    return name


@dataclass(frozen=True)
class Option:
    check: Callable[[Any], Any]
    doc: str
    required: bool = False


SITE_OPTIONS: Mapping[str, Option] = {
    "title": Option(text, "The edition's title, shown on every page and in citations.", required=True),
    "subtitle": Option(text, "A line under the title."),
    "editors": Option(text_list, "The editors, as a list of names."),
    "publisher": Option(text, "The publishing institution, used in citations."),
    "credits": Option(credit_list, "Funders and partners: a line on every page, and the TEI funder or sponsor."),
    "language": Option(language_tag, "The language of the edition's interface and text (a BCP 47 tag)."),
    "license": Option(text, "The licence of the edition, e.g. CC BY 4.0."),
    "base_url": Option(url, "The address where the site is published; needed only for absolute links (sitemap)."),
    "published": Option(timestamp, "When the edition was published or last updated (2026-12-07): the date feed readers are given."),
    "output": Option(relative_folder, "The folder the site is written to, relative to the edition."),
    "theme": Option(theme_name, "The theme: a folder under themes/ that overrides the default theme."),
    "introduction": Option(text, "Markdown shown on the home page above the list of documents."),
    "apparatus": Option(dict, "How editorial interventions in square brackets become notes."),
    "registers": Option(dict, "How names in the text are linked to the persons and places registers."),
    "search": Option(dict, "Full-text search."),
    "markdown": Option(dict, "Markdown options."),
}

SECTION_OPTIONS: Mapping[str, Mapping[str, Option]] = {
    "apparatus": {
        "conventions": Option(convention_names, "The shipped sets of rules to use, in order: default, frus, or a list of them."),
        "rules": Option(list, "Ordered rules (pattern, type, label, display, note), tried before the shipped ones."),
        "replace_defaults": Option(boolean, "Use only the rules given here, not the shipped ones."),
        "series": Option(choice(*SERIES_MODES), "separate: lettered apparatus and numbered notes; single: one series."),
    },
    "registers": {
        "link": Option(choice(*LINK_MODES), "Link the first mention of a name in each document, all, or none."),
        "case_sensitive": Option(boolean, "Match names with their case as registered."),
        "not_names": Option(words_list, "Words that are never names: never linked automatically, never warned of as near misses."),
    },
    "search": {
        "enabled": Option(boolean, "Build a search index with Pagefind."),
        "pages": Option(
            text,
            "The pages Pagefind reads, as a glob from the site's root (a theme that marks other pages "
            "searchable names them here, e.g. '{documents,persons}/**/*.html').",
        ),
        "part_size": Option(
            positive_count,
            "Documents per part of the search index: an edition with more is indexed in parts by date, "
            "and a changed document makes only its part again (the document pages alone, 'pages' as it is by default).",
        ),
    },
    "markdown": {"allow_html": Option(boolean, "Pass raw HTML in Markdown through instead of escaping it.")},
}

RULE_KEYS = ("pattern", "type", "label", "display", "note", "tei", "reason")
TEI_ELEMENTS = ("supplied", "gap", "note")  # what a rule may name as its TEI element


# --------------------------------------------------------------------------- reading


def read_config(edition_dir: Path, diagnostics: Diagnostics) -> SiteConfig | None:
    """Read and validate site.yml; None when it is missing or too broken to build with."""
    path = edition_dir / CONFIG_FILE
    if not os.path.lexists(path):
        diagnostics.error(
            "missing-config",
            f"there is no {CONFIG_FILE} in this folder",
            Location(CONFIG_FILE, 1, 1),
            "run the command in an edition folder, or create one with 'edition new FOLDER'",
        )
        return None
    try:
        resolved_inside(path, edition_dir.resolve())
        source = read_regular_file(path).decode("utf-8-sig")
    except Refused as refused:
        diagnostics.error(
            "unreadable", f"this file {refused.reason} and is not read", Location(CONFIG_FILE), f"make {CONFIG_FILE} a regular file in the edition folder"
        )
        return None
    except UnicodeDecodeError as exc:
        diagnostics.error("encoding", f"{CONFIG_FILE} is not UTF-8 (byte {exc.start})", Location(CONFIG_FILE))
        return None
    except OSError as exc:
        diagnostics.error(
            "unreadable",
            f"cannot read {CONFIG_FILE}: {exc.strerror or exc}",
            Location(CONFIG_FILE),
            "check that the file can be read by the user who runs the command",
        )
        return None
    return parse_config(source, diagnostics)


def parse_config(source: str, diagnostics: Diagnostics) -> SiteConfig | None:
    try:
        document = parse_yaml(source)
    except YamlProblem as problem:
        diagnostics.error("yaml", problem.message, Location(CONFIG_FILE, problem.line, problem.col), problem.hint)
        return None
    data = document.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diagnostics.error("config", f"{CONFIG_FILE} must be a mapping of settings, such as 'title: My edition'", Location(CONFIG_FILE))
        return None

    def at(*path: str | int) -> Location:
        line, col = document.key_position(*path)
        return Location(CONFIG_FILE, line, col)

    values = _check_mapping(data, SITE_OPTIONS, (), at, diagnostics)
    if "title" not in values:
        return None
    sections: dict[str, Any] = {}
    for name, options in SECTION_OPTIONS.items():
        section = values.pop(name, None) or {}
        checked = _check_mapping(section, options, (name,), at, diagnostics)
        if name == "apparatus":
            rules = _check_rules(section["rules"], document, diagnostics) if "rules" in checked and section.get("rules") is not None else None
            own = rules or ()
            sections[name] = ApparatusConfig(
                rules=own if checked.get("replace_defaults") and own else own + convention_rules(checked.get("conventions", ("default",))),
                series=checked.get("series", "separate"),
            )
        elif name == "registers":
            sections[name] = RegistersConfig(**checked)
        elif name == "search":
            sections[name] = SearchConfig(**checked)
        else:
            sections[name] = MarkdownConfig(**checked)
    if "introduction" in values and (introduction := document.scalar_source(source, "introduction")) is not None:
        # (the setting is the text with its surrounding space taken off)
        values["introduction_source"] = replace(introduction, skip=len(introduction.value) - len(introduction.value.lstrip()))
    return SiteConfig(**values, **sections)


def _check_mapping(
    data: Mapping[Any, Any],
    options: Mapping[str, Option],
    path: tuple[str, ...],
    at: Callable[..., Location],
    diagnostics: Diagnostics,
) -> dict[str, Any]:
    where = f"under '{'.'.join(path)}' " if path else ""
    checked: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key)
        option = options.get(name)
        if option is None:
            diagnostics.error(
                "unknown-setting",
                f"unknown setting '{name}' {where}in {CONFIG_FILE}{did_you_mean(name, options)}",
                at(*path, name),
                "known settings: " + ", ".join(options),
            )
            continue
        if value is None and not option.required:
            continue
        try:
            if option.check in (dict, list):
                if not isinstance(value, option.check):
                    raise Invalid("expected " + ("a mapping of settings" if option.check is dict else "a list"))
                checked[name] = value
            else:
                checked[name] = option.check(value)
        except Invalid as exc:
            diagnostics.error("invalid-setting", f"'{'.'.join((*path, name))}': {exc}", at(*path, name), option.doc)
    for name, option in options.items():
        if option.required and name not in checked and name not in data:
            diagnostics.error("missing-setting", f"{CONFIG_FILE} needs '{name}': {option.doc}", at(*path) if path else Location(CONFIG_FILE, 1, 1))
    return checked


def _check_rules(rules: list[Any], document: YamlDocument, diagnostics: Diagnostics) -> tuple[ApparatusRule, ...] | None:
    def at(*path: str | int) -> Location:
        line, col = document.key_position("apparatus", "rules", *path)
        return Location(CONFIG_FILE, line, col)

    checked: list[ApparatusRule] = []
    ok = True
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            diagnostics.error("invalid-rule", "an apparatus rule must be a mapping with pattern, type, label and display", at(index))
            ok = False
            continue
        for key in rule:
            if key not in RULE_KEYS:
                diagnostics.error("invalid-rule", f"unknown key '{key}' in an apparatus rule{did_you_mean(str(key), RULE_KEYS)}", at(index, key))
                ok = False
        try:
            # The `regex` package reads the same syntax as `re` and can stop a match at a time limit.
            pattern = regex.compile(str(rule.get("pattern", "")))
        except regex.error as exc:
            reason = getattr(exc, "msg", exc)  # (the `regex` package's error has the message alone there, as `re`'s does)
            diagnostics.error("invalid-rule", f"the pattern of apparatus rule {index + 1} is not a valid regular expression: {reason}", at(index, "pattern"))
            ok = False
            continue
        display = rule.get("display", "inline")
        if display not in DISPLAY_MODES:
            diagnostics.error(
                "invalid-rule",
                f"apparatus rule {index + 1}: display must be inline, marker or statement, found '{display}'",
                at(index, "display"),
            )
            ok = False
            continue
        type_ = str(rule.get("type") or "").strip()
        if not re.fullmatch(r"[a-z][a-z0-9-]*", type_):
            diagnostics.error("invalid-rule", f"apparatus rule {index + 1} needs a type in lowercase letters, such as supplied", at(index))
            ok = False
            continue
        tei = str(rule.get("tei") or "")
        if tei and tei not in TEI_ELEMENTS:
            diagnostics.error(
                "invalid-rule", f"apparatus rule {index + 1}: tei must be {', '.join(TEI_ELEMENTS[:-1])} or {TEI_ELEMENTS[-1]}, found '{tei}'", at(index, "tei")
            )
            ok = False
            continue
        reason = str(rule.get("reason") or "").strip()
        if reason and not re.fullmatch(r"[\w-]+( [\w-]+)*", reason):
            diagnostics.error(
                "invalid-rule",
                f"apparatus rule {index + 1}: reason must be words without punctuation, such as omitted-in-original, found '{reason}'",
                at(index, "reason"),
            )
            ok = False
            continue
        label = str(rule.get("label") or type_.capitalize())
        where = at(index, "pattern")
        checked.append(
            ApparatusRule(pattern, type_, label, display, str(rule.get("note") or "{text}"), tei, reason, index + 1, (where.line, where.col), RULE_TIME_LIMIT)
        )
    return tuple(checked) if ok else None
