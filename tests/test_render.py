"""The render stage: relative links, so that a site works under any sub-path and from disk, and the messages of the theme."""

from __future__ import annotations

import gettext
import posixpath

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.render import builtin_theme_dir, create_environment, relative_path, relative_url

segments = st.sampled_from(["documents", "persons", "a", "b", "index.html", "d000001", "x.y", ".", "..", ""])
paths = st.lists(segments, min_size=1, max_size=5).map("/".join)


@given(target=paths, start=paths)
def test_relative_paths_are_those_of_posixpath(target: str, start: str) -> None:
    if not target or not start or start.startswith("/"):
        return  # relpath refuses these; a site's paths are never empty
    assert relative_path(target, start) == posixpath.relpath(target, start)


@given(target=paths, page=paths)
def test_links_from_a_page_are_those_of_posixpath(target: str, page: str) -> None:
    # The way up and the target, where a link leaves the page's top folder, must agree with relpath too.
    if not target or target.startswith("/") or not page or page.startswith("/") or page.endswith("/"):
        return
    assert relative_url(page, target) == posixpath.relpath(target, posixpath.dirname(page) or ".")


def test_links_between_pages() -> None:
    assert relative_url("documents/a/index.html", "persons/index.html") == "../../persons/index.html"
    assert relative_url("index.html", "documents/a/index.html#note-a") == "documents/a/index.html#note-a"
    assert relative_url("documents/a/index.html", "#top") == "#top"
    assert relative_url("documents/a/index.html", "documents/a/index.html") == "index.html"
    assert relative_url("documents/a/index.html", "https://example.org/") == "https://example.org/"


@pytest.mark.parametrize(
    "source",
    [
        "{{ _('Plain') }}|{{ _('100%% sure') }}|{{ _('By %(name)s', name='<b>') }}|{{ gettext('Again %(n)s', n=2) }}",
        "{{ ngettext('%(num)d mention', '%(num)d mentions', 1) }}|{{ ngettext('%(num)d of %(x)s', '%(num)d of %(x)s', 3, x='&') }}",
        "{% autoescape false %}{{ _('By %(name)s', name='<b>') }}{{ _('Plain') }}{% endautoescape %}",
        "{% trans name='<i>' %}Hello {{ name }}{% endtrans %}",
    ],
)
def test_messages_are_those_of_jinjas_i18n(source: str) -> None:
    ours = create_environment([builtin_theme_dir()])
    jinjas = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    jinjas.install_gettext_translations(gettext.NullTranslations(), newstyle=True)  # type: ignore[attr-defined]
    rendered = [ours.from_string(source).render(), ours.from_string(source).render()]  # the second from the kept messages
    assert rendered == [jinjas.from_string(source).render()] * 2


def test_templates_call_functions_as_with_jinja_s_own_context() -> None:
    def plain(word: str, times: int = 1) -> str:
        return word * times

    @jinja2.pass_eval_context
    def with_eval_context(eval_context: jinja2.nodes.EvalContext, word: str) -> str:
        return f"{word}:{eval_context.autoescape}"

    @jinja2.pass_context
    def with_context(context: jinja2.runtime.Context, name: str) -> str:
        return str(context.get(name))

    @jinja2.pass_environment
    def with_environment(environment: jinja2.Environment) -> str:
        return "env" if isinstance(environment, jinja2.Environment) else "?"

    def stops() -> str:
        raise StopIteration

    class Callable_:
        @jinja2.pass_context
        def __call__(self, context: jinja2.runtime.Context) -> str:
            return str(context.get("item", "none"))

    source = (
        "{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}"
        "{{ plain('a') }}|{{ plain('b', times=2) }}|{{ with_eval_context('<c>') }}|{{ with_context('page') }}|"
        "{{ with_environment() }}|{{ stops() is defined }}|{{ twice('d') }}|{{ callable_() }}|"
        "{% for item in ['e'] %}{{ with_context('item') }}{{ callable_() }}{{ plain(item) }}{% endfor %}|"
        "{% block body %}{{ plain('f') }}{{ with_context('page') }}{% endblock %}"
    )
    values = {
        "plain": plain,
        "with_eval_context": with_eval_context,
        "with_context": with_context,
        "with_environment": with_environment,
        "stops": stops,
        "callable_": Callable_(),
        "page": "p1",
    }
    ours = create_environment([builtin_theme_dir()]).from_string(source).render(values)
    jinja_s = jinja2.Environment(autoescape=True).from_string(source).render(values)
    assert ours == jinja_s == "a|bb|&lt;c&gt;:True|p1|env|False|dd|none|Nonenonee|fp1"
