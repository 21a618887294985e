"""The load stage: discover an edition's sources, read them and validate them into models.

Only this module (with config.py for site.yml) reads the edition's files. A file that fails
is recorded as diagnostics and the others are still read, so one run reports every problem.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from generator import edition_files, paths
from generator.config import CONFIG_FILE, SiteConfig, read_config
from generator.dates import DateProblem, parse_date, parse_timestamp
from generator.diagnostics import Diagnostic, Diagnostics, Location, did_you_mean
from generator.edition_files import LINK_OUT, Refused, TooLarge, read_regular_file, resolved_inside
from generator.model import REGISTER_KINDS, VERSION_ROLES, Document, Edition, Facsimile, Organization, Page, RegisterEntry, TextVersion
from generator.parallel import iter_chunks, shared
from generator.tracking import digest
from generator.yamlfile import YamlDocument, YamlProblem, parse_yaml

CONTENT_DIR = "content"
DOCUMENTS_DIR = "content/documents"
PAGES_DIR = "content/pages"
REGISTER_FILES = {kind.folder: kind.file for kind in REGISTER_KINDS}
MAX_FILE_BYTES = 1_000_000  # a transcript is some kilobytes; a megabyte is a mistake (or an attack)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# An id names a folder of the site and files such as `<id>.xml`: file systems allow 255 bytes to a name.
MAX_ID_LENGTH = 200
# What TEI's xml:lang and HTML's lang accept, as site.yml's `language` does (a BCP 47 tag such as en, ru or zh-Hans).
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
# Authority identifiers that become links, by scheme: anything else there would make a broken or foreign link.
AUTHORITY_IDENTIFIERS = {
    "wikidata": re.compile(r"Q[1-9][0-9]*"),
    "viaf": re.compile(r"[1-9][0-9]*"),
    "gnd": re.compile(r"[0-9][0-9X-]*"),
    "geonames": re.compile(r"[1-9][0-9]*"),
}
AUTHORITY_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")  # a TEI data word: it becomes <idno type="...">
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")  # addresses that run or read something where they are opened
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # invisible, and not allowed in HTML
T = TypeVar("T")
FRONT_MATTER_EXAMPLE = "start the file with front matter:\n    ---\n    title: Cable from A to B\n    date: 1951-10-18\n    ---"


class Invalid(ValueError):
    pass


# --------------------------------------------------------------------------- field checks


def _text(value: Any) -> str:
    if isinstance(value, (list, dict)):
        raise Invalid("expected a piece of text, found a " + ("list" if isinstance(value, list) else "mapping"))
    if value is None:
        raise Invalid("is empty")
    if isinstance(value, bool):
        raise Invalid("expected a piece of text")
    result = str(value).strip()
    if not result:
        raise Invalid("is empty")
    if control := CONTROL_CHARACTERS.search(result):
        raise Invalid(f"contains the invisible control character U+{ord(control.group()):04X}; delete it")
    return result


def _id_list(what: str, example: str) -> Callable[[Any], tuple[str, ...]]:
    """A reader of a list of ids (`what`: "register", "document"), whose message shows `example`, a list of two or one."""

    def read(value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            raise Invalid(f"expected a list of {what} ids, e.g. [{value}]")
        if not isinstance(value, list):
            raise Invalid(f"expected a list of {what} ids, e.g. [{example}]")
        return tuple(_text(item) for item in value)

    return read


_ids = _id_list("register", "stalin, mao-zedong")
_document_ids = _id_list("document", "cable-1951-10-18")


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise Invalid(f"expected a list, e.g. [{value}]")
    if not isinstance(value, list):
        raise Invalid("expected a list of texts")
    return tuple(_text(item) for item in value)


def _text_or_texts(value: Any) -> tuple[str, ...]:
    """One name or a list of them (a translator, or several)."""
    return _texts(value) if isinstance(value, list) else (_text(value),)


def _slug(value: Any) -> str:
    slug = _text(value)
    if not SLUG.fullmatch(slug):
        raise Invalid(f"'{slug}' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 1951-10-18-mao")
    if len(slug) > MAX_ID_LENGTH:
        raise Invalid(_too_long(slug))
    return slug


def _too_long(slug: str) -> str:
    return (
        f"the id '{slug[:20]}…' is {len(slug)} characters long; an id may have at most {MAX_ID_LENGTH}, so that a file system can hold the files named after it"
    )


def _language(value: Any) -> str:
    tag = _text(value)
    if not LANGUAGE_TAG.fullmatch(tag):
        raise Invalid(f"'{tag}' is not a language tag such as en, ru or zh-Hans")
    return tag


def _size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Invalid("expected a whole number of pixels")
    return value


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # such as an unclosed [ of an IPv6 address
        return False


def _facsimiles(value: Any) -> tuple[Facsimile, ...]:
    """`[scans/p1.png, ...]` or `[{image: scans/p1.png, n: 1r, label: ...}, ...]`; images are files under content/ or URLs."""
    if not isinstance(value, list):
        raise Invalid("expected a list of page images, e.g. [facsimiles/page-1.png, facsimiles/page-2.png]")
    pages: list[Facsimile] = []
    for index, item in enumerate(value, start=1):
        entry = item if isinstance(item, dict) else {"image": item}
        unknown = set(entry) - {"image", "n", "label", "width", "height"}
        if unknown:
            raise Invalid(f"page {index}: unknown key '{sorted(unknown)[0]}' (known: image, n, label, width, height)")
        if "image" not in entry:
            raise Invalid(f"page {index} has no 'image'")
        source = _text(entry["image"])
        remote = source.startswith(("https://", "http://"))
        if any(character.isspace() for character in source):  # a space cannot stand in a URL (TEI's @url, HTML's src)
            raise Invalid(f"page {index}: '{source}' has a space; " + ("write it as %20" if remote else "rename the file without spaces"))
        if remote and not _has_host(source):
            raise Invalid(f"page {index}: '{source}' is not an address such as https://example.org/iiif/p1/info.json")
        if not remote and (source.startswith("/") or ".." in Path(source).parts or "\\" in source):
            raise Invalid(f"page {index}: '{source}' must be a path inside content/, e.g. facsimiles/page-1.png, or an https:// URL")
        pages.append(
            Facsimile(
                n=_text(entry.get("n", index)),
                source=source,
                label=_text(entry["label"]) if "label" in entry else None,
                width=_size(entry["width"]) if "width" in entry else None,
                height=_size(entry["height"]) if "height" in entry else None,
            )
        )
    labels = [page.n for page in pages]
    if len(set(labels)) != len(labels):
        raise Invalid("two pages have the same 'n'; give each page its own")
    # Each page's TEI <surface> has an xml:id made of its label's letters and digits (exports.tei.slug).
    surface_keys: dict[str, str] = {}
    for label in labels:
        key = re.sub(r"[^\w]+", "-", re.sub(r"['’]", "", label.strip().casefold())).strip("-") or "unspecified"
        if key in surface_keys:
            raise Invalid(
                f"the pages '{surface_keys[key]}' and '{label}' differ only in signs and spaces; give each page a label that differs in letters or digits"
            )
        surface_keys[key] = label
    return tuple(pages)


DOCUMENT_FIELDS: dict[str, Callable[[Any], Any]] = {
    "id": _slug,
    "number": _text,
    "title": _text,
    "date": parse_date,
    "type": _text,
    "authors": _ids,
    "recipients": _ids,
    "persons": _ids,
    "organizations": _ids,
    "places": _ids,
    "source": _text,
    "archive": _text,
    "translator": _text_or_texts,
    "summary": _text,
    "language": _language,
    "translation": _text,
    "rights": _text,
    "subjects": _texts,
    "collection": _text,
    "related": _document_ids,
    "facsimiles": _facsimiles,
    "text_language": _language,
    "updated": parse_timestamp,
}
REQUIRED_DOCUMENT_FIELDS = ("title", "date")


def _role(value: Any) -> str:
    role = _text(value)
    if role not in VERSION_ROLES:
        raise Invalid(f"expected one of {', '.join(VERSION_ROLES)}, found '{role}'")
    return role


# A sibling file `<name>.<lang>.md` needs only what differs from the document.
VERSION_FIELDS: dict[str, Callable[[Any], Any]] = {"role": _role, "language": _language, "translator": _text, "title": _text}
VERSION_FILE = re.compile(r"^(?P<stem>.+)\.(?P<key>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\.md$")
VERSION_SUFFIX = re.compile(r"\.[a-z]{2,3}(-[A-Za-z0-9]+)?\.md$")  # at the end of a file's name or path (no '/' in it)


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class SourceText:
    path: str  # relative, forward slashes
    text: str


def read_source(root: Path, file: Path, diagnostics: Diagnostics, real_folders: dict[Path, Path] | None = None) -> SourceText | None:
    """Read a UTF-8 text file (BOM and CRLF accepted); None, with a diagnostic, if it cannot be used.

    `real_folders` keeps the folders resolved so far, for a caller that reads many files.
    """
    relative = file.relative_to(root).as_posix()
    real_folders = {} if real_folders is None else real_folders
    try:
        if file.is_symlink():
            resolved_inside(file, _real_folder(root, real_folders))
        elif not (_real_folder(file.parent, real_folders) / file.name).is_relative_to(_real_folder(root, real_folders)):
            raise Refused(LINK_OUT)
        raw = read_regular_file(file, MAX_FILE_BYTES)
    except Refused as exc:
        diagnostics.error(
            "outside-edition" if exc.reason == LINK_OUT else "not-a-file",
            f"this file {exc.reason} and is not read",
            Location(relative),
            "copy the file into the edition instead of linking to it" if exc.reason == LINK_OUT else "replace it with a regular file",
        )
        return None
    except TooLarge as exc:
        diagnostics.error(
            "too-large",
            f"this file is {exc.size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}",
            Location(relative),
            "split it into several documents",
        )
        return None
    except OSError as exc:
        diagnostics.error("unreadable", f"cannot read this file: {exc.strerror}", Location(relative))
        return None
    except RuntimeError:  # what pathlib's resolve raises for a loop of symbolic links
        diagnostics.error(
            "unreadable",
            "cannot read this file: it is a symbolic link that leads back to itself",
            Location(relative),
            "replace the link by the file, or point it at one",
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        diagnostics.error(
            "encoding",
            f"this file is not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be decoded",
            Location(relative, line, col),
            "save the file as UTF-8 in your editor",
        )
        return None
    return SourceText(relative, text.replace("\r\n", "\n").replace("\r", "\n"))


def _real_folder(folder: Path, real_folders: dict[Path, Path]) -> Path:
    real = real_folders.get(folder)
    if real is None:
        real = real_folders[folder] = folder.resolve()
    return real


def _markdown_files(root: Path, folder: str, diagnostics: Diagnostics) -> list[Path]:
    files, _, unreadable = _walk_folder(root, folder)
    _report_unreadable(unreadable, diagnostics)
    return [Path(file) for file, _ in files]


def _walk_folder(root: Path, folder: str) -> tuple[list[tuple[str, str]], list[Path], list[tuple[str, str]]]:
    """The Markdown files under `root / folder` (links to files among them), the folders there that are links, each
    sorted, and the folders that cannot be read (`folder` itself, when it is there but is no folder), with why.

    Each file as its path and its path relative to `root` with forward slashes: thousands of them, kept as strings.
    One walk, which does not enter linked folders, as `Path.rglob` does not.
    """
    base = root / folder
    files: list[tuple[str, str]] = []
    linked: list[Path] = []
    unreadable: list[tuple[str, str]] = []
    pending = [str(base)] if base.is_dir() else []
    if not pending and os.path.lexists(base):
        unreadable.append((folder, "it is a link to nothing" if base.is_symlink() and not base.exists() else "it is not a folder"))
    start = len(str(base))  # every path found begins with the folder's
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.is_symlink() and _is_linked_folder(entry):
                        linked.append(Path(entry.path))
                    elif entry.name.endswith(".md"):  # (a named pipe too: reading refuses it with a message)
                        files.append((entry.path, folder + entry.path[start:].replace(os.sep, "/")))
        except OSError as exc:  # its documents would be missing from the site, and from the previous site once replaced
            unreadable.append((folder + here[start:].replace(os.sep, "/"), exc.strerror or str(exc)))
    return sorted(files, key=lambda file: file[1]), sorted(linked, key=lambda p: p.as_posix()), sorted(unreadable)


def _is_linked_folder(entry: os.DirEntry[str]) -> bool:
    """Whether a symbolic link leads to a folder; a loop of links does not (read as a file, it is reported there)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _report_unreadable(unreadable: list[tuple[str, str]], diagnostics: Diagnostics) -> None:
    for folder, why in unreadable:
        diagnostics.error(
            "unreadable-folder",
            f"this folder cannot be read ({why}); the files in it would be missing from the site",
            Location(folder),
            "make it a folder the user who builds the edition can read",
        )


def _check_linked_folders(root: Path, linked_folders: list[Path], diagnostics: Diagnostics) -> None:
    """Folders that are symbolic links are not searched for files; say so rather than skip them silently."""
    for linked in linked_folders:
        relative = linked.relative_to(root).as_posix()
        if linked.resolve().is_relative_to(root.resolve()):
            diagnostics.warning(
                "linked-folder", "this folder is a symbolic link and is not read", Location(relative), "move the files here instead of linking to their folder"
            )
        else:
            diagnostics.error(
                "outside-edition",
                "this folder is a link to a place outside the edition folder and is not read",
                Location(relative),
                "copy the files into the edition instead of linking to their folder",
            )


# --------------------------------------------------------------------------- front matter


@dataclass(frozen=True)
class FrontMatter:
    yaml: YamlDocument
    body: str
    body_line: int


def split_front_matter(source: SourceText, diagnostics: Diagnostics) -> FrontMatter | None:
    lines = source.text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        diagnostics.error(
            "no-front-matter", "the file does not start with front matter ('---' on the first line)", Location(source.path, 1, 1), FRONT_MATTER_EXAMPLE
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        diagnostics.error(
            "unclosed-front-matter",
            "the front matter is not closed: no second '---' line",
            Location(source.path, 1, 1),
            "end the front matter with a line of three hyphens: ---",
        )
        return None
    try:
        document = parse_yaml("\n".join(lines[1:index]), first_line=2)
    except YamlProblem as problem:
        diagnostics.error("yaml", problem.message, Location(source.path, problem.line, problem.col), problem.hint)
        return None
    if document.data is None:
        document = YamlDocument({}, {(): (2, 1)})
    if not isinstance(document.data, dict):
        diagnostics.error("front-matter", "the front matter must be a list of fields such as 'title: ...'", Location(source.path, 2, 1))
        return None
    return FrontMatter(document, "\n".join(lines[index + 1 :]), index + 2)


def _check_fields(
    path: str,
    front: FrontMatter,
    fields: dict[str, Callable[[Any], Any]],
    required: Iterable[str],
    diagnostics: Diagnostics,
) -> tuple[dict[str, Any], dict[str, Location], bool]:
    data: dict[Any, Any] = front.yaml.data
    values: dict[str, Any] = {}
    locations: dict[str, Location] = {}
    ok = True
    for key, value in data.items():
        name = str(key)
        line, col = front.yaml.key_position(name)
        locations[name] = Location(path, line, col)
        check = fields.get(name)
        if check is None:
            diagnostics.warning(
                "unknown-field", f"unknown field '{name}' is ignored{did_you_mean(name, fields)}", locations[name], "known fields: " + ", ".join(fields)
            )
            continue
        try:
            values[name] = check(value)
        except (Invalid, DateProblem) as exc:
            vline, vcol = front.yaml.position(name)
            message = str(exc) if isinstance(exc, DateProblem) else f"'{name}' {exc}" if str(exc) == "is empty" else f"'{name}': {exc}"
            diagnostics.error("invalid-field", message, Location(path, vline, vcol))
            ok = False
    for name in required:
        if name not in data:
            diagnostics.error("missing-field", f"the front matter has no '{name}'", Location(path, 1, 1), f"add a line '{name}: ...' between the '---' lines")
            ok = False
    return values, locations, ok


def _without_control_characters(path: str, front: FrontMatter, diagnostics: Diagnostics) -> FrontMatter:
    """Invisible control characters (from PDFs, scans, terminals) are not allowed in HTML or XML: each becomes U+FFFD (�)."""
    found = list(CONTROL_CHARACTERS.finditer(front.body))
    for match in found[:1]:
        line = front.body.count("\n", 0, match.start()) + front.body_line
        col = match.start() - (front.body.rfind("\n", 0, match.start()) + 1) + 1
        more = f" (and {len(found) - 1} more in this file)" if len(found) > 1 else ""
        diagnostics.warning(
            "control-character",
            f"the invisible control character U+{ord(match.group()):04X} is replaced by U+FFFD (�){more}",
            Location(path, line, col),
            "delete it; it often comes from copying out of a PDF or a scan",
        )
    return FrontMatter(front.yaml, CONTROL_CHARACTERS.sub("\ufffd", front.body), front.body_line) if found else front


def read_document(source: SourceText, diagnostics: Diagnostics) -> Document | None:
    front = split_front_matter(source, diagnostics)
    if front is None:
        return None
    front = _without_control_characters(source.path, front, diagnostics)
    values, locations, ok = _check_fields(source.path, front, DOCUMENT_FIELDS, REQUIRED_DOCUMENT_FIELDS, diagnostics)
    stem = Path(source.path).name.removesuffix(".md")
    if "id" not in values and "id" not in front.yaml.data:
        if SLUG.fullmatch(stem) and len(stem) > MAX_ID_LENGTH:
            diagnostics.error(
                "invalid-id",
                _too_long(stem),
                Location(source.path, 1, 1),
                f"rename the file to a shorter name, or add 'id: ...' of at most {MAX_ID_LENGTH} characters to the front matter",
            )
            ok = False
        elif SLUG.fullmatch(stem):
            values["id"] = stem
        elif SLUG.fullmatch(stem.lower()):
            # Ids are lowercase so that 'A.md' and 'a.md' cannot become one page on Windows or macOS.
            diagnostics.error(
                "invalid-id",
                f"the file name '{stem}' has capital letters and cannot serve as the document id",
                Location(source.path, 1, 1),
                f"rename the file to '{stem.lower()}.md', or add 'id: {stem.lower()}' to the front matter",
            )
            ok = False
        else:
            diagnostics.error(
                "invalid-id",
                f"the file name '{stem}' cannot serve as the document id",
                Location(source.path, 1, 1),
                "rename the file with lowercase letters, digits and hyphens, or add 'id: ...' to the front matter",
            )
            ok = False
    if not ok:
        return None
    return Document(body=front.body, body_line=front.body_line, path=source.path, locations=locations, **values)


def read_version(source: SourceText, key: str, document: Document, diagnostics: Diagnostics) -> TextVersion | None:
    """A sibling file of `document`; its front matter is optional, its language defaults to the file name's tag."""
    if source.text.split("\n", 1)[0].rstrip() == "---":
        front = split_front_matter(source, diagnostics)
        if front is None:
            return None
        values, _, ok = _check_fields(source.path, front, VERSION_FIELDS, (), diagnostics)
        if not ok:
            return None
        body, body_line = front.body, front.body_line
    else:
        values, body, body_line = {}, source.text, 1
    # The same care as for the document's own body: no invisible control characters reach a page or an export.
    cleaned = _without_control_characters(source.path, FrontMatter(YamlDocument({}, {}), body, body_line), diagnostics)
    body = cleaned.body
    language = values.pop("language", key)
    role = values.pop("role", "original" if document.language and language.casefold() == document.language.casefold() else "translation")
    return TextVersion(key=key, path=source.path, language=language, role=role, body=body, body_line=body_line, **values)


def read_page(source: SourceText, diagnostics: Diagnostics) -> Page | None:
    front = split_front_matter(source, diagnostics)
    if front is None:
        return None
    front = _without_control_characters(source.path, front, diagnostics)

    def order(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("expected a whole number")
        return value

    values, _, ok = _check_fields(source.path, front, {"title": _text, "order": order, "id": _slug}, ("title",), diagnostics)
    stem = Path(source.path).name.removesuffix(".md")
    page_id = values.pop("id", None) or stem
    if not SLUG.fullmatch(page_id):
        diagnostics.error(
            "invalid-id",
            f"the file name '{stem}' cannot serve as the page address",
            Location(source.path),
            "rename the file with lowercase letters, digits and hyphens",
        )
        ok = False
    elif len(page_id) > MAX_ID_LENGTH:
        diagnostics.error("invalid-id", _too_long(page_id), Location(source.path), "rename the file to a shorter name")
        ok = False
    if not ok:
        return None
    return Page(id=page_id, path=source.path, body=front.body, body_line=front.body_line, **values)


# --------------------------------------------------------------------------- registers


def _authority(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid("expected a mapping such as {wikidata: Q855, viaf: '101787139'}")
    records: dict[str, str] = {}
    for key, item in value.items():
        scheme, identifier = str(key), _text(item)
        if not AUTHORITY_SCHEME.fullmatch(scheme):
            raise Invalid(f"'{scheme}' is not a name of an authority scheme: use letters, digits, '-' and '_', e.g. wikidata")
        known = AUTHORITY_IDENTIFIERS.get(scheme)
        if known is not None and not known.fullmatch(identifier):
            raise Invalid(
                f"'{identifier}' is not a {scheme} identifier, e.g. "
                + {"wikidata": "Q855", "viaf": "101787139", "gnd": "118616242", "geonames": "1816670"}[scheme]
            )
        scheme_of_url = URL_SCHEME.match(identifier)
        if (
            known is None
            and scheme_of_url
            and scheme_of_url.group().lower() not in ("http:", "https:")
            and (identifier[scheme_of_url.end() :].startswith("//") or scheme_of_url.group().lower() in SCRIPT_SCHEMES)
        ):
            raise Invalid(f"'{identifier[:60]}' of '{scheme}' is an address that is not http(s)")
        records[scheme] = identifier
    return records


def _coordinates(value: Any) -> tuple[float, float]:
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise Invalid("expected [latitude, longitude], e.g. [37.95, 126.67]")
    lat, lon = float(value[0]), float(value[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("latitude must lie within ±90 and longitude within ±180")
    return (lat, lon)


# How each field of a register entry is read; which fields a register has is in model.REGISTER_KINDS.
ENTRY_FIELD_READERS: dict[str, Callable[[Any], Any]] = {
    "id": _slug,
    "name": _text,
    "term": _text,
    "expansion": _text,
    "sort_name": _text,
    "aliases": _texts,
    "dates": _text,
    "description": _text,
    "authority": _authority,
    "part_of": _slug,
    "modern_name": _text,
    "coordinates": _coordinates,
}
REGISTER_FIELDS = {kind.folder: {name: ENTRY_FIELD_READERS[name] for name in kind.fields} for kind in REGISTER_KINDS}
REGISTER_REQUIRED = {kind.folder: kind.required for kind in REGISTER_KINDS}
REGISTER_TYPES = {kind.folder: kind.model for kind in REGISTER_KINDS}


# One entry of a register as read: the entry (None when it is not valid), where it starts, where its id stands, and
# its problems. Kept by the parse memory for each entry's text, so that a rebuild after a change to one entry of a
# large register reads that entry alone, and every other entry is the very object the last build had.
RegisterItem = tuple[RegisterEntry | None, Location, Location | None, tuple[Diagnostic, ...]]


def read_register(kind: str, source: SourceText, diagnostics: Diagnostics, memo: ParseMemo | None = None, *, whole: bool = False) -> list[RegisterEntry]:
    """The entries of a register file, with a problem for each one that is not valid.

    A plain list, each of its entries starting a line with '- ', is read entry by entry (each parsed on its own, with
    its line numbers), and `memo` keeps each entry's reading by its text and place; anything else (a YAML error
    in any entry, an alias to another entry's anchor, a directive) is read whole, as one YAML document; so is
    any file with `whole`."""
    memo = memo or ParseMemo()
    items = None if whole else _register_items(source, kind, memo)
    if items is None:
        items = memo.parse(kind, source, diagnostics, lambda source, found: _register_items_whole(kind, source, found))
    entries: list[RegisterEntry] = []
    seen: dict[str, Location] = {}
    for entry, where, id_where, problems in items:
        diagnostics.extend(problems)
        if entry is None:
            continue
        if entry.id in seen:
            diagnostics.error(
                "duplicate-id", f"the id '{entry.id}' is already used at line {seen[entry.id].line}", id_where or where, "give each entry its own id"
            )
            continue
        seen[entry.id] = where
        entries.append(entry)
    return entries


def _register_items(source: SourceText, kind: str, memo: ParseMemo) -> list[RegisterItem] | None:
    """Each entry of a register that is a plain list, read on its own (or taken from `memo`); None for any other file."""
    lines = source.text.splitlines(keepends=True)
    starts: list[int] = []
    for number, line in enumerate(lines):
        if line.startswith("- ") or line.rstrip("\r\n") == "-":
            starts.append(number)
        elif line.startswith(" ") or not line.strip() or line.startswith("#") or (not starts and line.rstrip() == "---"):
            continue  # inside an entry, blank, a comment, or the document's start before the first entry
        else:
            return None  # a tab, a directive, a second document, a mapping at the top: read whole
    if not starts:
        return None
    texts = [(start, "".join(lines[start:end])) for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)]
    try:
        return [
            memo._parse(
                ("register-entry", digest(f"{kind}\0{source.path}\0{start}\0{text}")),
                SourceText(source.path, text),
                Diagnostics(),
                partial(_register_entry_alone, kind, start),
            )  # (an entry's problems are in its item)
            for start, text in texts
        ]
    except _NotAlone:
        return None


class _NotAlone(Exception):
    """An entry of a register that does not parse on its own: the file is read whole, and its problem reported there."""


def _register_entry_alone(kind: str, start: int, entry: SourceText, _: Diagnostics) -> RegisterItem:
    """One entry's text, at line `start` (from 0) of its file, read on its own."""
    try:
        document = parse_yaml(entry.text, first_line=start + 1)
    except YamlProblem:
        raise _NotAlone from None
    if not isinstance(document.data, list) or len(document.data) != 1:
        raise _NotAlone
    return _register_item(kind, entry.path, document, 0, document.data[0])


def _register_items_whole(kind: str, source: SourceText, diagnostics: Diagnostics) -> list[RegisterItem]:
    """Each entry of a register file parsed as one YAML document; none, with a problem, for a file that is not a list."""
    try:
        document = parse_yaml(source.text)
    except YamlProblem as problem:
        diagnostics.error("yaml", problem.message, Location(source.path, problem.line, problem.col), problem.hint)
        return []
    if document.data is None:
        diagnostics.error("empty-register", f"{source.path} is empty", Location(source.path), f"list the {kind} as '- id: ...' entries, or delete the file")
        return []
    if not isinstance(document.data, list):
        diagnostics.error("register", f"{source.path} must be a list of entries, each starting with '- id: ...'", Location(source.path))
        return []
    return [_register_item(kind, source.path, document, index, item) for index, item in enumerate(document.data)]


def _register_item(kind: str, path: str, document: YamlDocument, index: int, item: Any) -> RegisterItem:
    """The entry at `index` of the list that `document` holds."""
    problems = Diagnostics()
    line, col = document.position(index)
    where = Location(path, line, col)
    if not isinstance(item, dict):
        problems.error("register", "each entry must be a mapping such as '- id: stalin' / '  name: Joseph Stalin'", where)
        return None, where, None, tuple(problems.items)
    fields, required = REGISTER_FIELDS[kind], REGISTER_REQUIRED[kind]
    values: dict[str, Any] = {}
    ok = True
    for key, value in item.items():
        name = str(key)
        kline, kcol = document.key_position(index, name)
        if name not in fields:
            problems.warning("unknown-field", f"unknown field '{name}' is ignored{did_you_mean(name, fields)}", Location(path, kline, kcol))
            continue
        try:
            values[name] = fields[name](value)
        except Invalid as exc:
            vline, vcol = document.position(index, name)
            problems.error("invalid-field", f"'{name}': {exc}", Location(path, vline, vcol))
            ok = False
    for name in required:
        if name not in item:
            problems.error("missing-field", f"this entry has no '{name}'", where)
            ok = False
    if not ok:
        return None, where, None, tuple(problems.items)
    if kind == "terms":
        values["name"] = values.pop("term")
    if "part_of" in values:  # checked once every organisation is read, and reported at its value
        values["part_of_location"] = Location(path, *document.position(index, "part_of"))
    return REGISTER_TYPES[kind](location=where, **values), where, Location(path, *document.position(index, "id")), tuple(problems.items)


# --------------------------------------------------------------------------- the edition


FileState = tuple[int, int, int, int]  # a file's size, modification and change times, inode


class ParseMemo:
    """What the last build made of each source text (see incremental/memory.py): a text read again is not parsed again,
    and a file unchanged since (its size, times and inode, as incremental/unchanged.py compares them) is not even read."""

    def __init__(
        self,
        earlier: Mapping[tuple[str, str], tuple[Any, tuple[Diagnostic, ...]]] | None = None,
        earlier_files: Mapping[str, tuple[FileState, tuple[str, str]]] | None = None,
    ) -> None:
        self.earlier = earlier or {}
        self.now: dict[tuple[str, str], tuple[Any, tuple[Diagnostic, ...]]] = {}
        self.earlier_files = earlier_files or {}
        self.files_now: dict[str, tuple[FileState, tuple[str, str]]] = {}  # path -> (its state, its parse's key)
        self.folders_inside: dict[str, bool] = {}  # see _inside
        # What was done rather than reused: the texts parsed, by the process that parsed them, and the files read.
        self.parsed_by: Counter[int] = Counter()
        self.files_read: list[str] = []  # of those given to parse_files, by their relative paths

    def parse(self, kind: str, source: SourceText, diagnostics: Diagnostics, parse: Callable[[SourceText, Diagnostics], T]) -> T:
        return self._parse((kind, digest(f"{source.path}\0{source.text}")), source, diagnostics, parse)

    def _parse(self, key: tuple[str, str], source: SourceText | None, diagnostics: Diagnostics, parse: Callable[[SourceText, Diagnostics], T]) -> T:
        found = self.earlier.get(key) or self.now.get(key)
        if found is None:
            assert source is not None, "a file is only left unread when its parse is known"
            own = Diagnostics()
            found = (parse(source, own), tuple(own.items))
            self.parsed_by[os.getpid()] += 1
        self.now[key] = found
        diagnostics.extend(found[1])
        return found[0]

    def parse_files(
        self,
        kind: str,
        root: Path,
        files: Sequence[tuple[str, str]],
        diagnostics: Diagnostics,
        parse: Callable[[SourceText, Diagnostics], T],
        real_folders: dict[Path, Path],
        jobs: int | None = 1,
        meanwhile: Callable[[], None] | None = None,
    ) -> list[T | None]:
        """`parse` of each file's text, in order, as `_parse` above; None, with a diagnostic, for a file that cannot be read.

        `files` are (path, path relative to `root` with forward slashes). A file unchanged since the last build (its
        size, times and inode) is not read; the others are read and parsed on every core (`jobs`, see parallel.py),
        their results and problems taken in the order of the files, so that the build reads the same either way.
        `meanwhile`, other work of this process, is done while the workers read (see parallel.iter_chunks), and always."""
        states = [_file_state(file) for file, _ in files]
        unread: list[int] = []
        for number, ((file, relative), state) in enumerate(zip(files, states, strict=True)):
            known = self.earlier_files.get(relative)
            if not (
                state is not None
                and known is not None
                and known[0] == state
                and known[1] in self.earlier
                and self._inside(root, os.path.dirname(file), real_folders)
            ):
                unread.append(number)
        made = iter_chunks(
            _read_and_parse, len(unread), (kind, root, [files[n] for n in unread], parse, real_folders, self.earlier), jobs, here_too=True, meanwhile=meanwhile
        )
        unread_now = set(unread)
        self.files_read += [files[number][1] for number in unread]
        results: list[T | None] = []
        for number, ((_, relative), state) in enumerate(zip(files, states, strict=True)):
            if number not in unread_now:
                known = self.earlier_files[relative]
                self.files_now[relative] = known
                results.append(self._parse(known[1], None, diagnostics, parse))
                continue
            read_problems, key, found, parsed_in = next(made)
            diagnostics.extend(read_problems)
            if key is None:
                results.append(None)
                continue
            # As the summary does (incremental/unchanged.py), a file changed within the clock's granularity is read again next time.
            if state is not None and max(state[1], state[2]) < time.time_ns() - edition_files.RACY_NS:
                self.files_now[relative] = (state, key)
            if found is not None:
                self.parsed_by[parsed_in] += 1
            if found is not None and key not in self.now:
                self.now[key] = found
            # (`found` is None for a text the last build parsed: `_parse` takes it from the memory, as the same object.)
            results.append(self._parse(key, None, diagnostics, parse))
        for _ in made:  # let the pool finish and close
            pass
        return results

    def _inside(self, root: Path, folder: str, real_folders: dict[Path, Path]) -> bool:
        """Whether `folder`, its links resolved, lies in the edition (a file in it may be a link no more than it was)."""
        inside = self.folders_inside.get(folder)
        if inside is None:
            inside = self.folders_inside[folder] = _real_folder(Path(folder), real_folders).is_relative_to(_real_folder(root, real_folders))
        return inside


def _file_state(file: str) -> FileState | None:
    """A regular file's size, times and inode; None for anything else (a link is read, and checked, each time)."""
    try:
        status = os.lstat(file)
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino) if stat.S_ISREG(status.st_mode) else None


ReadAndParsed = tuple[list[Diagnostic], tuple[str, str] | None, tuple[Any, tuple[Diagnostic, ...]] | None, int]


def _read_and_parse(numbers: Sequence[int]) -> list[ReadAndParsed]:
    """For each file numbered: the problems of reading it, its parse's key (None when it cannot be read), its parse
    with the parse's problems (None when the last build's memory has the same text's) and the process that read it."""
    kind, root, files, parse, real_folders, earlier = shared()
    process = os.getpid()
    results: list[ReadAndParsed] = []
    for number in numbers:
        file = files[number][0]
        read_problems = Diagnostics()
        source = read_source(root, Path(file), read_problems, real_folders)
        if source is None:
            results.append((read_problems.items, None, None, process))
            continue
        key = (kind, digest(f"{source.path}\0{source.text}"))
        if key in earlier:
            results.append((read_problems.items, key, None, process))
            continue
        own = Diagnostics()
        results.append((read_problems.items, key, (parse(source, own), tuple(own.items)), process))
    return results


def read_edition(root: Path, diagnostics: Diagnostics, memo: ParseMemo | None = None, jobs: int | None = 1) -> Edition | None:
    """Load everything; None when nothing can be built (no usable site.yml). The documents are read on `jobs` cores
    (None: every one; see parallel.py)."""
    memo = memo or ParseMemo()
    config = read_config(root, diagnostics)
    registers: dict[str, list[RegisterEntry]] = {}
    register_problems = Diagnostics()  # reported after the documents', as they were before they were read alongside

    def read_registers() -> None:  # (while the workers read the documents)
        registers.update({kind: _read_register_file(root, kind, register_problems, memo) for kind in REGISTER_FILES})

    documents = read_documents(root, diagnostics, memo, jobs, meanwhile=read_registers)  # (which always runs it)
    diagnostics.extend(register_problems.items)
    _check_ids_across_registers(registers, diagnostics)
    pages = [
        page
        for file in _markdown_files(root, PAGES_DIR, diagnostics)
        if (source := read_source(root, file, diagnostics)) and (page := memo.parse("page", source, diagnostics, read_page))
    ]
    pages = _check_page_ids(pages, diagnostics)
    if config is None:
        if not (root / CONFIG_FILE).is_file():
            return None
        # site.yml has errors (already reported, so nothing will be written): check the rest with
        # the default settings, so that one run still reports every problem.
        config = SiteConfig(title="Untitled edition")
    return Edition(
        config=config,
        documents=tuple(sorted(documents, key=lambda d: (d.date.sort_key, d.id))),
        pages=tuple(sorted(pages, key=lambda p: (p.order, p.title.casefold(), p.id))),
        **{folder: tuple(entries) for folder, entries in registers.items()},  # type: ignore[arg-type]
    )


def _check_ids_across_registers(registers: Mapping[str, list[RegisterEntry]], diagnostics: Diagnostics) -> None:
    """Authors and recipients name persons and organisations by id alone: an id in both registers is an error at the later.

    (Places and terms have ids of their own kind: a place may share a person's id.)"""
    first: dict[str, RegisterEntry] = {entry.id: entry for entry in registers.get("persons", ())}
    for entry in registers.get("organizations", ()):
        earlier = first.get(entry.id)
        if earlier is not None:
            diagnostics.error(
                "duplicate-id",
                f"the id '{entry.id}' is also a person's, at {earlier.location}; an author or recipient '{entry.id}' would be either",
                entry.location,
                "give the organisation or the person another id",
            )
    organizations = {entry.id for entry in registers.get("organizations", ())}
    for entry in registers.get("organizations", ()):
        if not isinstance(entry, Organization):
            continue
        part_of = entry.part_of
        if part_of is not None and part_of not in organizations:
            diagnostics.error(
                "unknown-organization",
                f"'{part_of}' in 'part_of' of '{entry.id}' is not in content/organizations.yml{did_you_mean(part_of, organizations)}",
                entry.part_of_location or entry.location,
                f"add an entry with 'id: {part_of}' to content/organizations.yml, or correct the id",
            )


def read_documents(
    root: Path, diagnostics: Diagnostics, memo: ParseMemo | None = None, jobs: int | None = 1, meanwhile: Callable[[], None] | None = None
) -> list[Document]:
    """The documents, read on `jobs` cores; `meanwhile` is other work for this process (see parallel.iter_chunks)."""
    memo = memo or ParseMemo()
    documents: list[Document] = []
    by_id: dict[str, Document] = {}
    files, linked_folders, unreadable = _walk_folder(root, DOCUMENTS_DIR)
    _report_unreadable(unreadable, diagnostics)
    real_folders: dict[Path, Path] = {}
    _check_case_collisions([relative for _, relative in files], diagnostics)
    _check_linked_folders(root, linked_folders, diagnostics)
    # `name.ru.md` beside `name.md` is a version of that document, not a document of its own.
    version_files = [Path(file) for file, relative in files if VERSION_SUFFIX.search(relative)]
    main_files = [(file, relative) for file, relative in files if not VERSION_SUFFIX.search(relative)]
    for document in memo.parse_files("document", root, main_files, diagnostics, read_document, real_folders, jobs, meanwhile):
        if document is None:
            continue
        if document.id in by_id:
            diagnostics.error(
                "duplicate-id",
                f"the document id '{document.id}' is also used by {by_id[document.id].path}",
                document.location_of("id"),
                "give one of the two documents another id (the 'id' field, or the file name)",
            )
            continue
        by_id[document.id] = document
        documents.append(document)
    return _with_versions(root, documents, version_files, diagnostics)


def _with_versions(root: Path, documents: list[Document], version_files: list[Path], diagnostics: Diagnostics) -> list[Document]:
    """Attach each sibling file `<name>.<lang>.md` to the document read from `<name>.md`."""
    by_path = {d.path: d for d in documents}
    versions: dict[str, list[TextVersion]] = {}
    for file in version_files:
        match = VERSION_FILE.match(file.name)
        relative = file.relative_to(root).as_posix()
        main_path = relative.removesuffix(file.name) + (match["stem"] if match else "") + ".md"
        document = by_path.get(main_path)
        if match is None or document is None:
            if not (root / main_path).exists():
                diagnostics.warning(
                    "orphan-version",
                    f"this version has no document {main_path} beside it and is not published",
                    Location(relative),
                    f"add {main_path}, or rename this file",
                )
            continue
        source = read_source(root, file, diagnostics)
        version = read_version(source, match["key"], document, diagnostics) if source else None
        if version is not None:
            versions.setdefault(main_path, []).append(version)
    return [replace(d, versions=tuple(versions[d.path])) if d.path in versions else d for d in documents]


def _check_case_collisions(files: list[str], diagnostics: Diagnostics) -> None:
    """Files whose names differ only in case are one file on Windows and macOS: the edition would not survive a copy.

    `files` are paths relative to the edition, with forward slashes."""
    first: dict[str, str] = {}
    for relative in files:
        earlier = first.setdefault(relative.casefold(), relative)
        if earlier != relative:
            diagnostics.error(
                "case-collision",
                f"this file name differs from {earlier} only in capital letters",
                Location(relative),
                "on Windows and macOS the two would be one file: rename or merge them",
            )


def _read_register_file(root: Path, kind: str, diagnostics: Diagnostics, memo: ParseMemo) -> list[RegisterEntry]:
    file = root / REGISTER_FILES[kind]
    if not file.exists() and not file.is_symlink():
        return []
    source = read_source(root, file, diagnostics)
    return read_register(kind, source, diagnostics, memo) if source else []  # (entry by entry from the memory: see read_register)


def _check_page_ids(pages: list[Page], diagnostics: Diagnostics) -> list[Page]:
    """The pages that keep their address: a reserved address or one an earlier page has is an error."""
    kept: dict[str, Page] = {}
    for page in sorted(pages, key=lambda page: page.path):
        if page.id in paths.RESERVED_PAGE_IDS:
            diagnostics.error(
                "reserved-page", f"a page cannot be called '{page.id}': the edition uses that address itself", Location(page.path), "rename the file"
            )
        elif page.id in kept:
            diagnostics.error(
                "duplicate-id",
                f"the page id '{page.id}' is already used by {kept[page.id].path}",
                Location(page.path),
                "give each page its own file name or 'id'",
            )
        else:
            kept[page.id] = page
    return list(kept.values())
