"""The render stage: the Jinja2 theme turns the indexed edition into pages (path -> text).

Pure apart from reading templates. Autoescape is on for every template and undefined
variables are errors, so a value from the content is never published unescaped and a typo in
a template is caught. Links are relative, so the site works under any sub-path and from disk.
"""

from __future__ import annotations

import gettext
import os
import posixpath
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

import jinja2
import jinja2.runtime
from jinja2.nodes import EvalContext
from markupsafe import Markup

from generator import __version__, paging, paths
from generator.annotate import AnnotatedText, Note
from generator.config import SiteConfig
from generator.dates import PartialDate
from generator.diagnostics import Diagnostic, Diagnostics, Location, Severity
from generator.edition_files import Refused, is_inside, resolved_inside
from generator.i18n import ROLE_NAMES, TextTranslations, format_partial_date, language_name, load_translations, translation_as_text
from generator.index import EditionIndex
from generator.model import REGISTER_KINDS, Document, Edition, RegisterEntry
from generator.tracking import ReadLog, body_read, digest

if TYPE_CHECKING:
    from generator.facsimiles import PageImage
    from generator.versions import VersionText

BUILTIN_THEME = "default"


def builtin_theme_dir() -> Path:
    package = Path(__file__).resolve().parent
    for candidate in (package / "themes" / BUILTIN_THEME, package.parent / "themes" / BUILTIN_THEME):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the default theme is missing from the installation")


def theme_dirs(edition_dir: Path, config: SiteConfig) -> list[Path]:
    """The edition's own theme folder first (it overrides any file), then the built-in default."""
    folders = [edition_dir / "themes" / config.theme]
    builtin = builtin_theme_dir()
    return [f for f in folders if f.is_dir() and f.resolve() != builtin.resolve()] + [builtin]


ASSETS = paths.ASSETS  # a theme's sub-folder of files copied into the site as they are (styles, scripts, fonts, images)
TEMPLATES = "templates"  # a theme's sub-folder of Jinja templates
TEMPLATE_READS = "templates"  # the owner of the reads of templates (see TemplateSources)


class TemplateSources:
    """The theme's templates as pages read them: a name gives the digest of the source the environment's loader
    finds for it (the edition's own before the built-in theme's), or None where no theme has it. A rebuild
    repeats each page's reads of templates on this (see tracking.ReadResults)."""

    def __init__(self, environment: jinja2.Environment) -> None:
        self._environment = environment

    def of(self, name: str) -> str | None:
        assert self._environment.loader is not None
        try:
            source, _, _ = self._environment.loader.get_source(self._environment, name)
        except jinja2.TemplateNotFound:
            return None
        except jinja2.TemplateSyntaxError:  # a file that cannot be read: the pages that load it are made again, and report it
            return None
        return digest(source)


def theme_root(folder: Path) -> Path:
    """What a theme's files must lie in, their links resolved: the edition folder for `<edition>/themes/<name>`."""
    return folder.parent.parent.resolve()


def theme_links_out(folder: Path, diagnostics: Diagnostics) -> None:
    """Report each link in a theme's folder (and the folder itself) that leads out of the edition or round in a loop."""
    edition = folder.parent.parent
    real_edition = edition.resolve()
    links = [folder] if folder.is_symlink() else []
    for current, folder_names, file_names in os.walk(folder):  # (links to folders are listed, not entered)
        links.extend(path for name in sorted(folder_names + file_names) if (path := Path(current, name)).is_symlink())
    for link in sorted(links):
        try:
            resolved_inside(link, real_edition)
        except (Refused, OSError) as exc:
            reason = exc.reason if isinstance(exc, Refused) else f"cannot be followed: {exc.strerror}"
            diagnostics.error(
                "outside-edition",
                f"this file of the theme {reason} and is not read",
                Location(link.relative_to(edition).as_posix()),
                "copy the file into the theme instead of linking to it",
            )


def theme_assets(folders: list[Path], diagnostics: Diagnostics) -> dict[str, bytes]:
    """The themes' assets as files of the site (`assets/...`), the edition's own over the built-in theme's of the same name."""
    files: dict[str, bytes] = {}
    for folder in folders:
        if folder != builtin_theme_dir():
            theme_links_out(folder, diagnostics)  # (and what they lead to is not read, here or by the loader of templates)
        assets = folder / ASSETS
        inside = theme_root(folder)
        for path in sorted(assets.rglob("*")) if assets.is_dir() else ():
            site_path = f"{ASSETS}/{path.relative_to(assets).as_posix()}"
            if site_path in files or not is_inside(path, inside) or not path.is_file():
                continue
            try:
                files[site_path] = path.read_bytes()
            except OSError as exc:
                shown = path.relative_to(folder.parent.parent).as_posix() if path.is_relative_to(folder.parent.parent) else str(path)
                diagnostics.error(
                    "theme",
                    f"cannot read this asset of the theme: {exc.strerror or exc}",
                    Location(shown),
                    "check that the file can be read, or remove it from the theme",
                )
    return files


class ThemeLoader(jinja2.FileSystemLoader):
    """Jinja's loader of a theme's templates, which does not read a template through a link out of the edition
    (`theme_links_out` reports it: the template is looked for in the next theme, as one that is not there), and
    reports a file it cannot read or decode as a problem of that file."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder / TEMPLATES))
        self._inside = theme_root(folder)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        file = Path(self.searchpath[0], *pieces)
        if os.path.lexists(file) and not is_inside(file, self._inside):
            raise jinja2.TemplateNotFound(template)
        try:
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound:  # (an OSError too) the next folder may have it
            raise
        except (OSError, UnicodeDecodeError) as exc:
            filename = next((path for folder in self.searchpath if os.path.isfile(path := os.path.join(folder, *pieces))), template)
            if isinstance(exc, UnicodeDecodeError):
                line = (exc.object[: exc.start].count(b"\n") + 1) if isinstance(exc.object, bytes) else 1
                message = f"the template is not UTF-8 (byte {exc.start} cannot be read as UTF-8)"
            else:
                line, message = 1, f"cannot read the template: {exc.strerror or exc}"
            raise jinja2.TemplateSyntaxError(message, line, template, filename) from None


class TemplateProblem(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


# How Jinja marks such a function (an attribute it sets, which its type stubs do not declare).
_TAKES_EVAL_CONTEXT = getattr(jinja2.pass_eval_context(lambda: None), "jinja_pass_arg")  # noqa: B009


class QuickCallContext(jinja2.runtime.Context):
    """Jinja's context, calling a plain function with fewer checks: a document's page calls `url` and `_`
    some fifty times. What Jinja's `call` does for such a function is done here; anything else is left to it."""

    # (The names are Jinja's: no keyword argument of the function called can take them.)
    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) is not FunctionType:
            return super().call(__obj, *args, **kwargs)
        takes = getattr(__obj, "jinja_pass_arg", None)
        if takes is _TAKES_EVAL_CONTEXT:
            args = (__self.eval_ctx, *args)
        elif takes is not None:  # the context or the environment
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class EditionEnvironment(jinja2.Environment):
    """Jinja's environment, noting each read of a document's body and each template loaded (see tracking.py).

    Lists, neighbours and register pages know a document by its metadata alone, so that a changed
    body does not make them again; a template that does show a body, by any way it reached the
    document, has the read noted here, where every `x.body` and `x["body"]` of a template passes.
    A page notes each template it loads (its own, what it extends, includes and imports), so that a
    changed template makes again the pages that use it, and only those (see TemplateSources).
    """

    read_log: ReadLog | None = None
    context_class = QuickCallContext

    def note_template(self, name: Any, parent: str | None) -> None:
        if isinstance(name, str) and self.read_log is not None:  # (not a Template object given as it is)
            self.read_log.record((TEMPLATE_READS, "of", (self.join_path(name, parent) if parent is not None else name,), ()))

    def get_template(self, name: Any, parent: str | None = None, globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        self.note_template(name, parent)
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None, globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        if isinstance(names, (list, tuple)):  # each name tried, found or not: one added later is taken first
            for name in names:
                self.note_template(name, parent)
        return super().select_template(names, parent, globals)

    def note_body_read(self, obj: Any, name: Any) -> None:
        if name == "body" and self.read_log is not None and isinstance(obj, Document):
            self.read_log.record(body_read(obj.id))

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Jinja's own, inlined: templates read attributes so often that one more call shows in the build's time.
        if attribute == "body":
            self.note_body_read(obj, attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:  # also what filters given `attribute=` use
        self.note_body_read(obj, argument)
        return super().getitem(obj, argument)


@jinja2.pass_environment
def _attr_filter(environment: EditionEnvironment, obj: Any, name: str) -> Any:
    environment.note_body_read(obj, name)
    return jinja2.filters.do_attr(environment, obj, name)


class _KeptBytecode(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, by template file and source: a rebuild in
    the preview server compiles no template again, and a changed template is compiled anew."""

    def __init__(self) -> None:
        self._kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._kept.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # (a bucket whose source checksum differs stays empty)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._kept[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _KeptBytecode()


def create_environment(folders: list[Path], language: str = "en", read_log: ReadLog | None = None) -> EditionEnvironment:
    """The theme's environment; with `read_log`, it notes each template loaded and each body read there."""
    env = EditionEnvironment(
        bytecode_cache=_COMPILED,
        loader=jinja2.ChoiceLoader([ThemeLoader(f) for f in folders]),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An environment serves one build: each template is read once and kept, not checked on every include.
        auto_reload=False,
        cache_size=-1,
    )
    env.read_log = read_log
    env.globals["paths"] = paths  # the theme links to pages by name: paths.document(id), paths.SEARCH
    env.globals["pager_numbers"] = paging.pager_numbers  # which pages of a long list a pager links
    env.filters["xml"] = lambda value: xml_escape(str(value))
    env.filters["attr"] = _attr_filter  # Jinja's reads the attribute itself
    translations = load_translations(language, folders)
    # Translations are text, not markup (see i18n.translation_as_text): Jinja's own functions (pgettext, npgettext)
    # take them so, and the quick ones below, which stand for its gettext and ngettext, make them so.
    env.install_gettext_translations(TextTranslations(translations), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(quick_gettext(translations))
    env.filters["local_date"] = lambda date: format_partial_date(date, language, translations)
    env.filters["local_month"] = lambda date: format_partial_date(PartialDate(date.year, date.month), language, translations)
    env.filters["language_name"] = lambda tag: language_name(tag, language)

    def role_name(role: str) -> str:
        return translations.gettext(ROLE_NAMES.get(role, role))

    env.filters["role_name"] = role_name
    env.filters["role_names"] = lambda roles: ", ".join([role_name(role) for role in roles])
    return env


def quick_gettext(translations: gettext.NullTranslations) -> dict[str, Callable[..., str]]:
    """`_`, `gettext` and `ngettext` as jinja2.ext.i18n's newstyle ones, in fewer calls: a page asks for dozens of messages.

    Like those, they translate, mark the message safe where autoescape is on (a translation as text, but
    for its English message's markup: i18n.translation_as_text) and fill in its variables (escaped),
    always with `%` so that "%%" reads the same with and without variables.
    """
    # Without variables (but the count), a message comes out the same on every page.
    messages: dict[tuple[Any, ...], str] = {}

    def formatted(message_ids: tuple[str, ...], text: str, autoescape: bool, variables: dict[str, Any]) -> str:
        return (translation_as_text(message_ids, text) if autoescape else text) % variables

    @jinja2.pass_eval_context
    def quick_gettext(eval_context: EvalContext, message: str, /, **variables: Any) -> str:
        if variables:
            return formatted((message,), translations.gettext(message), eval_context.autoescape, variables)
        key = (message, eval_context.autoescape)
        found = messages.get(key)
        if found is None:
            found = messages[key] = formatted((message,), translations.gettext(message), eval_context.autoescape, variables)
        return found

    @jinja2.pass_eval_context
    def quick_ngettext(eval_context: EvalContext, singular: str, plural: str, number: int, /, **variables: Any) -> str:
        if variables or type(number) is not int:
            variables.setdefault("num", number)
            return formatted((singular, plural), translations.ngettext(singular, plural, number), eval_context.autoescape, variables)
        key = (singular, plural, number, eval_context.autoescape)
        found = messages.get(key)
        if found is None:
            found = messages[key] = formatted((singular, plural), translations.ngettext(singular, plural, number), eval_context.autoescape, {"num": number})
        return found

    return {"_": quick_gettext, "gettext": quick_gettext, "ngettext": quick_ngettext}


@dataclass(frozen=True)
class PageContext:
    """What every template gets besides its own data."""

    site: SiteConfig
    index: EditionIndex
    edition: Edition
    generator_version: str = __version__


def relative_url(from_page: str, target: str) -> str:
    """A link from one output file to another, e.g. ('documents/a/index.html', 'persons/index.html')."""
    return links_from(from_page)(target)


def links_from(from_page: str) -> Callable[[str], str]:
    """`relative_url` from one page, its folder split once: a page makes dozens of links."""
    start = posixpath.dirname(from_page) or "."
    start_parts = _plain_parts(start)
    # Most links lead to another top folder (a document's page to a person's: ../../persons/p1/index.html),
    # which is the way up and the target as it is, when the target is a plain path.
    up = "../" * len(start_parts) if start_parts is not None else None
    own_folder = start_parts[0] if start_parts else None

    def url(target: str) -> str:
        if target.startswith(("http://", "https://", "mailto:", "#")):
            return target
        target_path, _, fragment = target.partition("#")
        path = target_path or from_page
        if (
            up is not None
            and not path.startswith((".", "/"))
            and not path.endswith("/")
            and "//" not in path
            and "/." not in path
            and (own_folder is None or path.partition("/")[0] != own_folder)
        ):
            link = up + path
        else:
            link = _relative_path(path, start, start_parts)
        return link + (f"#{fragment}" if fragment else "")

    return url


def relative_path(target: str, start: str) -> str:
    """`posixpath.relpath(target, start)`, without its normalising, for the plain relative paths of a site's files.

    Every link of every page goes through here; anything unusual is left to relpath.
    """
    return _relative_path(target, start, _plain_parts(start))


def _plain_parts(start: str) -> list[str] | None:
    """The folders of `start`, or None when it is not a plain relative path."""
    parts = [] if start == "." else start.split("/")
    return None if "" in parts or "." in parts or ".." in parts else parts


def _relative_path(target: str, start: str, start_parts: list[str] | None) -> str:
    target_parts = [part for part in target.split("/") if part]
    if start_parts is None or target.startswith("/") or "." in target_parts or ".." in target_parts:
        return posixpath.relpath(target, start)
    common = 0
    for start_part, target_part in zip(start_parts, target_parts, strict=False):
        if start_part != target_part:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + target_parts[common:]) or "."


class Renderer:
    """Renders each kind of page; each method returns (output path, text)."""

    def __init__(self, environment: EditionEnvironment, context: PageContext, template_root: list[Path]) -> None:
        self.environment = environment
        self.context = context
        self.template_root = template_root

    def render(self, template: str, path: str, **values: Any) -> tuple[str, str]:
        url = links_from(path)
        try:
            text = self.environment.get_template(template).render(
                site=self.context.site,
                index=self.context.index,
                edition=self.context.edition,
                page_path=path,
                url=url,
                root=paths.folder_of(url(paths.HOME)),
                generator_version=self.context.generator_version,
                **values,
            )
        except jinja2.TemplateSyntaxError as exc:
            where = exc.filename or exc.name or template
            raise TemplateProblem(_template_diagnostic(where, exc.lineno or 1, exc.message or str(exc), self.template_root)) from None
        except jinja2.TemplateError as exc:
            filename, line = _template_frame(sys.exc_info()[2], template)
            raise TemplateProblem(_template_diagnostic(filename, line, exc.message or str(exc), self.template_root)) from None
        except Exception as exc:
            # A theme's own mistake, such as {{ 1 / 0 }}, is reported like the others; ours still raises.
            filename, line = _template_frame(sys.exc_info()[2], template)
            if (filename, line) == (template, 1):
                raise
            found = _template_diagnostic(filename, line, f"{type(exc).__name__}: {exc}", self.template_root)
            hint = "the expression at this line fails when the page is made; check the values it uses"
            raise TemplateProblem(Diagnostic(found.severity, found.code, found.message, found.location, hint)) from None
        return path, text


def _template_frame(tb: Any, fallback: str) -> tuple[str, int]:
    # Jinja rewrites tracebacks so that template lines appear as frames of the template file.
    found = (fallback, 1)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_diagnostic(filename: str, line: int, message: str, roots: list[Path]) -> Diagnostic:
    shown = filename
    for root in roots:
        try:
            shown = Path(filename).resolve().relative_to(root.resolve().parent.parent).as_posix()
            break
        except ValueError:
            continue
    if "is undefined" in message or "has no attribute" in message:
        hint = "the template uses a value that does not exist; check its spelling, or test it with 'is defined'"
    elif "not UTF-8" in message:
        hint = "save the template in UTF-8"
    elif "cannot read the template" in message:
        hint = "check that the file can be read by the user who runs the command"
    else:
        hint = "fix the template syntax at this line"
    return Diagnostic(Severity.ERROR, "template", f"template error: {message}", Location(shown, line, 1), hint)


# --------------------------------------------------------------------------- the pages


def render_document_page(
    renderer: Renderer,
    document: Document,
    text: AnnotatedText,
    *,
    versions: Mapping[str, tuple[VersionText, ...]] | None = None,
    page_images: Mapping[str, tuple[PageImage, ...]] | None = None,
) -> tuple[str, str]:
    """A document's page: made from its text, its versions and page images, and what the index holds of it."""
    index = renderer.context.index
    return renderer.render(
        "document.html",
        paths.document(document.id),
        document=document,
        text=text,
        body=Markup(text.html),
        previous=index.previous[document.id],
        next=index.next[document.id],
        versions=(versions or {}).get(document.id, ()),
        page_images=(page_images or {}).get(document.id, ()),
    )


# Interventions (or names found) on one page of the overview, some hundreds of bytes of table each: a page stays
# near half a megabyte however many the edition has.
APPARATUS_ROWS = 1_000


def render_apparatus_pages(
    renderer: Renderer,
    annotated: Mapping[str, AnnotatedText],
    versions: Mapping[str, tuple[VersionText, ...]] | None = None,
    found_names: Sequence[tuple[str, str, str, int]] = (),
) -> Iterator[tuple[str, str]]:
    """The overview of every intervention on one page; with more than APPARATUS_ROWS, the overview names the types
    and each type has pages of its own of APPARATUS_ROWS interventions (apparatus/<type>/index.html, .../2/index.html).

    The overview also reviews the names found automatically (`automatic_match_counts` of the texts' mentions); past
    APPARATUS_ROWS of them, on pages of their own (apparatus/found-names/index.html, ...: a type is lowercase letters)."""
    edition = renderer.context.edition
    entries = {(kind.name, entry.id): entry for kind in REGISTER_KINDS for entry in edition.entries(kind.name)}
    found = [
        FoundName(surface, kind, entry_id, entries[(kind, entry_id)].name, paths.entry_link(kind, entry_id), count)
        for surface, kind, entry_id, count in found_names
        if (kind, entry_id) in entries
    ]
    name_pages = [] if len(found) <= APPARATUS_ROWS else [paths.found_names(start // APPARATUS_ROWS + 1) for start in range(0, len(found), APPARATUS_ROWS)]
    on_overview = {"found_names": found if not name_pages else [], "name_pages": name_pages, "found_total": len(found)}
    for number, path in enumerate(name_pages, start=1):
        yield renderer.render(
            "apparatus-names.html",
            path,
            found_names=found[(number - 1) * APPARATUS_ROWS : number * APPARATUS_ROWS],
            total=len(found),
            numbered_pages=name_pages,
            number=number,
        )
    groups = apparatus_by_type(renderer.context.index, annotated, versions)
    if sum(len(places) for _, _, places in groups) <= APPARATUS_ROWS:
        yield renderer.render("apparatus.html", paths.APPARATUS, groups=groups, type_pages={}, **on_overview)
        return
    type_pages = {
        type_: [paths.apparatus_type(type_, start // APPARATUS_ROWS + 1) for start in range(0, len(places), APPARATUS_ROWS)] for type_, _, places in groups
    }
    yield renderer.render("apparatus.html", paths.APPARATUS, groups=groups, type_pages=type_pages, **on_overview)
    for type_, label, places in groups:
        for number, path in enumerate(type_pages[type_], start=1):
            shown = places[(number - 1) * APPARATUS_ROWS : number * APPARATUS_ROWS]
            yield renderer.render(
                "apparatus-type.html", path, type=type_, label=label, places=shown, total=len(places), numbered_pages=type_pages[type_], number=number
            )


@dataclass(frozen=True)
class FoundName:
    """A form that the registers' names matched in the text without an explicit link, and how often."""

    surface: str
    kind: str
    id: str
    name: str  # the entry's name
    href: str  # the entry's page from the output root
    count: int


def render_register_pages(renderer: Renderer, page_html: Mapping[str, str], introduction_html: str) -> Iterator[tuple[str, str]]:
    """The pages made from the index, the edition and the settings alone (no document's text): home, registers, pages."""
    index = renderer.context.index
    edition = renderer.context.edition
    site = renderer.context.site
    yield from render_home_pages(renderer, introduction_html)
    yield renderer.render("persons.html", paths.register("person"), entries=index.persons, kind="person")
    for person in index.persons:
        yield from render_entry_pages(renderer, "person", person)
    if index.organizations:
        yield renderer.render("organizations.html", paths.register("organization"), entries=index.organizations, kind="organization")
        for organization in index.organizations:
            yield from render_entry_pages(renderer, "organization", organization)
    if index.places:
        yield renderer.render("places.html", paths.register("place"), entries=index.places, kind="place")
        for place in index.places:
            yield from render_entry_pages(renderer, "place", place)
    if index.terms:
        yield renderer.render("terms.html", paths.GLOSSARY, entries=index.terms, kind="term")
    for page in edition.pages:
        yield renderer.render("page.html", paths.edition_page(page.id), page=page, body=Markup(page_html[page.id]))
    yield renderer.render("404.html", paths.NOT_FOUND)
    robots = "User-agent: *\nAllow: /\n"
    if site.base_url:
        robots += f"Sitemap: {site.base_url}{paths.SITEMAP}\n"
    yield paths.ROBOTS, robots


def render_home_pages(renderer: Renderer, introduction_html: str) -> Iterator[tuple[str, str]]:
    """The list of documents: one page, or pages of paging.LIST_PAGE documents when the edition has more than LIST_LIMIT."""
    documents = renderer.context.index.documents
    # Which ways of browsing the documents exist, found once: each page of a long list asking again was quadratic.
    browse = {
        "correspondence": any(d.authors and d.recipients for d in documents),
        "subjects": any(d.subjects for d in documents),
        "collections": any(d.collection for d in documents),
    }
    if len(documents) <= paging.LIST_LIMIT:
        yield renderer.render(
            "home.html",
            paths.HOME,
            browse=browse,
            introduction=Markup(introduction_html),
            documents=documents,
            pages=(),
            page=None,
            months=(),
            filter_persons=paging.persons_in(renderer.context.index, documents),
            filter_organizations=paging.organizations_in(renderer.context.index, documents),
        )
        return
    pages = paging.list_pages(documents, paths.HOME)
    months = paging.month_links(pages)
    for page in pages:
        yield renderer.render(
            "home.html",
            page.path,
            browse=browse,
            introduction=Markup(introduction_html),
            documents=page.documents,
            pages=pages,
            page=page,
            months=months,
            filter_persons=paging.persons_in(renderer.context.index, page.documents),
            filter_organizations=paging.organizations_in(renderer.context.index, page.documents),
        )


def render_entry_pages(renderer: Renderer, kind: str, entry: RegisterEntry) -> Iterator[tuple[str, str]]:
    """A person's or place's page; one that appears in more than paging.LIST_LIMIT documents lists its years
    there, each leading to a page of the year's documents (persons/<id>/<year>/index.html)."""
    appearances = renderer.context.index.appearances_of(kind, entry.id)
    path = paths.entry(kind, entry.id)
    if len(appearances) <= paging.LIST_LIMIT:
        yield renderer.render(f"{kind}.html", path, entry=entry, kind=kind, appearances=appearances, entry_years=(), entry_year=None)
        return
    counts: dict[int, int] = {}
    for appearance in appearances:
        counts[appearance.document.date.year] = counts.get(appearance.document.date.year, 0) + 1
    years = tuple((year, count, paths.entry_year(kind, entry.id, year)) for year, count in counts.items())
    yield renderer.render(f"{kind}.html", path, entry=entry, kind=kind, appearances=appearances, entry_years=years, entry_year=None)
    for year, _, year_path in years:
        yield renderer.render(f"{kind}.html", year_path, entry=entry, kind=kind, appearances=appearances, entry_years=years, entry_year=year)


@dataclass(frozen=True)
class InterventionPlace:
    document_id: str
    document_title: str
    note: Note


def apparatus_by_type(
    index: EditionIndex,
    annotated: Mapping[str, AnnotatedText],
    versions: Mapping[str, tuple[VersionText, ...]] | None = None,
) -> list[tuple[str, str, list[InterventionPlace]]]:
    """Every intervention of the edition as (type, label, places), types in order of first use."""
    groups: dict[str, tuple[str, list[InterventionPlace]]] = {}
    for document in index.documents:
        # The notes of a document's other versions (original, translation) follow those of its main text.
        other_notes = [note for version in (versions or {}).get(document.id, ())[1:] for note in version.text.apparatus]
        for note in [*annotated[document.id].apparatus, *other_notes]:
            _, places = groups.setdefault(note.type, (note.type_label, []))
            places.append(InterventionPlace(document.id, document.title, note))
    return [(type_, label, places) for type_, (label, places) in groups.items()]


def render_sitemap(base_url: str, page_paths: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(page_paths):
        if not path.endswith(".html") or path == paths.NOT_FOUND:
            continue
        location = base_url + paths.folder_of(path)
        lines.append(f"  <url><loc>{xml_escape(location)}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
