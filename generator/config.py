"""`site.yml`: the edition's settings, validated against a declared schema.

Each option says what it is for, its default and how it is checked, the way MkDocs declares
its configuration. Every problem is reported with its line in site.yml, all in one run;
an unknown key is an error with a did-you-mean suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from generator.dates import DateProblem, parse_timestamp
from generator.diagnostics import Diagnostics, Location, did_you_mean
from generator.yamlfile import YamlDocument, YamlProblem, parse_yaml

CONFIG_FILE = "site.yml"
DISPLAY_MODES = ("inline", "marker")
LINK_MODES = ("first", "all", "none")
SERIES_MODES = ("separate", "single")


class Invalid(ValueError):
    """A value that does not fit its option; the message says what was expected."""


@dataclass(frozen=True)
class ApparatusRule:
    """How one kind of editorial intervention is recognised and presented."""

    pattern: re.Pattern[str]
    type: str
    label: str
    display: str = "inline"  # reading view: keep the text ("inline") or only the note call ("marker")
    note: str = "{text}"  # the note's wording; {text} is the bracketed text

    def matches(self, text: str) -> bool:
        return self.pattern.search(text) is not None


def _rule(pattern: str, type_: str, label: str, display: str, note: str) -> ApparatusRule:
    return ApparatusRule(re.compile(pattern), type_, label, display, note)


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


@dataclass(frozen=True)
class ApparatusConfig:
    rules: tuple[ApparatusRule, ...] = DEFAULT_RULES
    series: str = "separate"  # lettered interventions and numbered footnotes, or one numbered series

    def classify(self, text: str) -> ApparatusRule:
        for rule in self.rules:
            if rule.matches(text):
                return rule
        return DEFAULT_RULES[-1]


@dataclass(frozen=True)
class RegistersConfig:
    link: str = "first"
    case_sensitive: bool = True


@dataclass(frozen=True)
class SearchConfig:
    enabled: bool = True
    # The pages Pagefind reads, as a glob from the site's root: the default theme marks the text of
    # the document pages alone for search, and reading the others (the home page lists every document)
    # cost a fifth of Pagefind's time at 10,000 documents for nothing.
    pages: str = "documents/**/*.html"


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
    apparatus: ApparatusConfig = field(default_factory=ApparatusConfig)
    registers: RegistersConfig = field(default_factory=RegistersConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    markdown: MarkdownConfig = field(default_factory=MarkdownConfig)


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


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("expected true or false")
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
    parsed = urlparse(address)
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
        "rules": Option(list, "Ordered rules (pattern, type, label, display, note), tried before the shipped ones."),
        "replace_defaults": Option(boolean, "Use only the rules given here, not the shipped ones."),
        "series": Option(choice(*SERIES_MODES), "separate: lettered apparatus and numbered notes; single: one series."),
    },
    "registers": {
        "link": Option(choice(*LINK_MODES), "Link the first mention of a name in each document, all, or none."),
        "case_sensitive": Option(boolean, "Match names with their case as registered."),
    },
    "search": {
        "enabled": Option(boolean, "Build a search index with Pagefind."),
        "pages": Option(text, "The pages Pagefind reads, as a glob from the site's root (a theme that marks other pages "
                              "searchable names them here, e.g. '{documents,persons}/**/*.html')."),
    },
    "markdown": {"allow_html": Option(boolean, "Pass raw HTML in Markdown through instead of escaping it.")},
}

RULE_KEYS = ("pattern", "type", "label", "display", "note")


# --------------------------------------------------------------------------- reading


def read_config(edition_dir: Path, diagnostics: Diagnostics) -> SiteConfig | None:
    """Read and validate site.yml; None when it is missing or too broken to build with."""
    path = edition_dir / CONFIG_FILE
    if not path.is_file():
        diagnostics.error(
            "missing-config",
            f"there is no {CONFIG_FILE} in this folder",
            Location(CONFIG_FILE, 1, 1),
            "run the command in an edition folder, or create one with 'edition new FOLDER'",
        )
        return None
    try:
        source = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        diagnostics.error("encoding", f"{CONFIG_FILE} is not UTF-8 (byte {exc.start})", Location(CONFIG_FILE))
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
            rules = _check_rules(section.get("rules"), document, diagnostics) if "rules" in checked else None
            own = rules or ()
            sections[name] = ApparatusConfig(
                rules=own if checked.get("replace_defaults") and own else own + DEFAULT_RULES,
                series=checked.get("series", "separate"),
            )
        elif name == "registers":
            sections[name] = RegistersConfig(**checked)
        elif name == "search":
            sections[name] = SearchConfig(**checked)
        else:
            sections[name] = MarkdownConfig(**checked)
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
            diagnostics.error(
                "missing-setting", f"{CONFIG_FILE} needs '{name}': {option.doc}", at(*path) if path else Location(CONFIG_FILE, 1, 1)
            )
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
            pattern = re.compile(str(rule.get("pattern", "")))
        except re.error as exc:
            diagnostics.error("invalid-rule", f"the pattern of apparatus rule {index + 1} is not a valid regular expression: {exc.msg}", at(index, "pattern"))
            ok = False
            continue
        display = rule.get("display", "inline")
        if display not in DISPLAY_MODES:
            diagnostics.error(
                "invalid-rule",
                f"apparatus rule {index + 1}: display must be inline or marker, found '{display}'",
                at(index, "display"),
            )
            ok = False
            continue
        type_ = str(rule.get("type") or "").strip()
        if not re.fullmatch(r"[a-z][a-z0-9-]*", type_):
            diagnostics.error("invalid-rule", f"apparatus rule {index + 1} needs a type in lowercase letters, such as supplied", at(index))
            ok = False
            continue
        label = str(rule.get("label") or type_.capitalize())
        checked.append(ApparatusRule(pattern, type_, label, display, str(rule.get("note") or "{text}")))
    return tuple(checked) if ok else None
