"""The theme's interface language: message catalogues, language names and dates.

Every string of the theme is a gettext message (Jinja2's i18n extension); English is the
messages themselves, other languages are `themes/<theme>/locale/<lang>/LC_MESSAGES/messages.po`,
compiled with Babel when the build starts. A message that a catalogue lacks (or marks fuzzy)
shows in English. site.yml's `language` chooses the catalogue; `ru-RU` falls back to `ru`.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from collections.abc import Sequence
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import Markup, escape

from generator.dates import PartialDate
from generator.diagnostics import Diagnostic, Location, Severity
from generator.edition_files import is_inside

CATALOGUE = "LC_MESSAGES/messages.po"


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated where it is shown."""
    return message


ROLE_NAMES = {"author": N_("author"), "recipient": N_("recipient"), "mentioned": N_("mentioned")}
# Words other modules hand to the theme, which translates them where it shows them (`_(facet.label)`, `_(heading)`).
THEME_WORDS = (
    N_("Type"),
    N_("Year"),
    N_("From"),
    N_("To"),
    N_("Person"),
    N_("Organisation"),
    N_("Subjects"),
    N_("Collections"),
    N_("Markdown source"),
    N_("Plain text"),
    N_("TEI corpus"),
    N_("Persons and places (TEI)"),
    N_("Correspondence (CMIF)"),
    N_("Data (JSON)"),
    N_("Atom feed"),
)


def text_labels(translations: gettext.NullTranslations) -> dict[str, str]:
    """The words that the parser's plugins write into the text (accessible names of note calls and page breaks)."""
    return {
        "page_label": translations.gettext("Page %(page)s") % {"page": "{n}"},
        "note_label": translations.gettext("%(type)s, note %(call)s") % {"type": "{type}", "call": "{call}"},
        "footnote_label": translations.gettext("Footnote %(call)s") % {"call": "{call}"},
    }


def catalogue_candidates(language: str) -> list[str]:
    """`zh-Hans-CN` -> [zh_Hans_CN, zh_Hans, zh]: the most specific catalogue first."""
    parts = language.replace("-", "_").split("_")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


def compile_catalogue(po_text: bytes) -> gettext.GNUTranslations:
    catalogue = read_po(io.BytesIO(po_text))
    _check_placeholders(catalogue)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)  # fuzzy entries are left out, so they show in English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _check_placeholders(catalogue: Catalog) -> None:
    """Every translation takes the values its message is given: the theme fills them in with `%` (see render.quick_gettext)."""
    for message in catalogue:
        if not message.id or not message.string or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        values: dict[str, int] = dict.fromkeys(PLACEHOLDER.findall(" ".join(ids)), 1)
        if len(ids) > 1:
            values["num"] = 1
        for translation in message.string if isinstance(message.string, (list, tuple)) else (message.string,):
            try:
                translation % values
            except (KeyError, ValueError, TypeError) as exc:
                problem = (
                    f"asks for the value '{exc.args[0]}', which it is not given"
                    if isinstance(exc, KeyError)
                    else "has a % that starts no placeholder such as %(name)s (write a literal % as %%)"
                )
                raise CatalogueProblem(f"the translation of '{ids[0][:40]}' {problem}", message.lineno or 1) from None


PLACEHOLDER = re.compile(r"%\((\w+)\)")


class CatalogueProblem(Exception):
    """A catalogue that cannot be read or compiled; `line` is where in the file (1-based)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def read_catalogue(po: Path) -> gettext.GNUTranslations:
    """A catalogue file compiled, or CatalogueProblem saying what is wrong with it."""
    try:
        po_text = po.read_bytes()
    except OSError as exc:
        raise CatalogueProblem(f"cannot read this catalogue: {exc.strerror or exc}") from None
    try:
        return compile_catalogue(po_text)
    except LookupError as exc:  # an unknown charset in the Content-Type header
        raise CatalogueProblem(f"the catalogue's charset is not known: {exc}", _line_of(po_text, b"charset=")) from None
    except UnicodeDecodeError as exc:  # (raised for one line, so the line is found again here)
        line = next((number for number, text in enumerate(po_text.split(b"\n"), start=1) if not _decodes(text, exc.encoding)), 1)
        raise CatalogueProblem(f"this line of the catalogue is not in its charset, {exc.encoding}", line) from None
    except (ValueError, SyntaxError, RecursionError, MemoryError, OverflowError) as exc:
        # gettext compiles the Plural-Forms rule into code, and refuses one that is not a C expression of n.
        raise CatalogueProblem(f"the catalogue cannot be used: {exc}", _line_of(po_text, b"Plural-Forms")) from None


def _decodes(text: bytes, encoding: str) -> bool:
    try:
        text.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _line_of(text: bytes, needle: bytes) -> int:
    where = text.find(needle)
    return text.count(b"\n", 0, where) + 1 if where >= 0 else 1


def catalogue_files(language: str, theme_folders: Sequence[Path]) -> list[Path]:
    """The catalogue for `language` in each theme folder that has one (the edition's own first)."""
    found: list[Path] = []
    for folder in theme_folders:
        for candidate in catalogue_candidates(language):
            po = folder / "locale" / candidate / CATALOGUE
            # (A catalogue that is a link out of the edition is not read: render.theme_links_out reports it.)
            if po.is_file() and is_inside(po, folder.parent.parent.resolve()):
                found.append(po)
                break
    return found


def catalogue_problems(language: str, theme_folders: Sequence[Path]) -> list[Diagnostic]:
    """An error for each catalogue for `language` that cannot be used, at its place in the file."""
    problems: list[Diagnostic] = []
    for po in catalogue_files(language, theme_folders):
        try:
            read_catalogue(po)
        except CatalogueProblem as problem:
            folder = po.parents[3]  # themes/<theme>/locale/<lang>/LC_MESSAGES/messages.po
            shown = po.relative_to(folder.parent.parent).as_posix()
            problems.append(
                Diagnostic(
                    Severity.ERROR,
                    "catalogue",
                    problem.message,
                    Location(shown, problem.line, 1),
                    "fix or remove the catalogue; a message it lacks shows in English",
                )
            )
    return problems


def load_translations(language: str, theme_folders: Sequence[Path]) -> gettext.NullTranslations:
    """The catalogues for `language` from the theme folders (the edition's own first), English where they lack a message.

    A catalogue that cannot be used is left out here: the load stage reports it (see incremental/loading.py)."""
    translations: gettext.NullTranslations = gettext.NullTranslations()
    found: list[gettext.NullTranslations] = []
    for po in catalogue_files(language, theme_folders):
        try:
            found.append(read_catalogue(po))
        except CatalogueProblem:
            continue
    for catalogue in reversed(found):
        catalogue.add_fallback(translations)
        translations = catalogue
    return translations


_TAG = re.compile(r"<[^<>]*>")


@functools.lru_cache(maxsize=4096)  # a page asks for the same few dozen messages as every other
def translation_as_text(message_ids: tuple[str, ...], translation: str) -> Markup:
    """A translation as a page shows it: text, with only the tags its English message has kept as markup.

    The English messages are the theme's templates' own, so their markup stands (`The <a href="%(link)s">list
    of documents</a> ...`); a catalogue is another file, and anything else in a translation, a `<script>` among
    them, is escaped.
    """
    if translation in message_ids:
        return Markup(translation)
    allowed = {tag for message in message_ids for tag in _TAG.findall(message)}
    parts: list[str] = []
    end = 0
    for tag in _TAG.finditer(translation):
        parts.append(escape(translation[end : tag.start()]))
        parts.append(tag.group() if tag.group() in allowed else escape(tag.group()))
        end = tag.end()
    parts.append(escape(translation[end:]))
    return Markup("".join(parts))


class TextTranslations(gettext.NullTranslations):
    """A theme's catalogues as its templates call them: each translation made text by `translation_as_text`."""

    def __init__(self, translations: gettext.NullTranslations) -> None:
        super().__init__()
        self._translations = translations

    def gettext(self, message: str) -> str:
        return translation_as_text((message,), self._translations.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translation_as_text((singular, plural), self._translations.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        return translation_as_text((message,), self._translations.pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return translation_as_text((singular, plural), self._translations.npgettext(context, singular, plural, n))


@functools.cache  # parsing a locale costs more than formatting a date with it
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def language_name(tag: str, interface_language: str) -> str:
    """The name of the language `tag` in the interface language, e.g. ('ru', 'en') -> 'Russian'."""
    locale, interface = _locale(tag), _locale(interface_language) or Locale("en")
    name = locale.get_display_name(interface) if locale else None
    return name or tag


def format_partial_date(date: PartialDate, language: str, gettext_: gettext.NullTranslations) -> str:
    """`18 October 1951` in English as before; other languages as Babel writes a date, month or year there."""
    locale = _locale(language)
    if locale is None or locale.language == "en":
        return date.display()
    if date.day and date.month:
        text = format_skeleton("yMMMMd", dt.date(date.year, date.month, date.day), locale=locale)
    elif date.month:
        text = format_skeleton("yMMMM", dt.date(date.year, date.month, 1), locale=locale)
    else:
        text = str(date.year)
    if date.approximate:
        text = gettext_.gettext("c. %(date)s") % {"date": text}
    if date.uncertain:
        text = gettext_.gettext("%(date)s?") % {"date": text}
    return text
