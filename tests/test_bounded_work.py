"""Bounded work: the markup's patterns stay linear in their input, and the editor's own rules stop in time.

Each input below is some 200,000 characters that once made (or could make) a regular expression
retry at every position: a pattern whose time grows with the square of its input would keep this
test running for minutes, so a hang here is the failure. The assertions are on the result.
"""

from __future__ import annotations

from pathlib import Path

from conftest import document, parse_html

from generator.build import BuildOptions, build
from generator.markup.editorial import MANY_INTERVENTIONS, MAX_INTERVENTIONS
from generator.render import APPARATUS_ROWS

LONG = 200_000

ADVERSARIAL_BODIES = {
    # The paragraph anchor `{#name}` at the end of a paragraph, after a long run of blanks.
    "anchor-unclosed": "a {#" + " " * (2 * LONG) + "x",
    "anchor-after-blanks": "Text" + " " * LONG + "{#end}",
    "anchors-repeated": "a" + " {#a}" * (LONG // 5) + " then text",
    # A page break `{pb n=...}` that is never closed, and many that are opened.
    "page-break-unclosed": "{pb n=" + "a" * LONG,
    "page-breaks-opened": "{pb n=a" * (LONG // 7),
    # A link whose target is a long word that might be a scheme.
    "link-target": "[x](" + "a" * LONG + ")",
    # Code spans and escapes between brackets (the bracket pairing).
    "backtick-runs": "`a``a" * (LONG // 5),
    "escaped-brackets": "\\[" * (LONG // 2),
    # Long bracketed texts for the apparatus rules (`^\s*(Stamp|Seal)\s*:`, `\?\s*$`, ...) and the TEI's label of a note.
    "bracket-blanks": "[" + " " * LONG + "Stamp: x]",
    "bracket-questions": "[" + "? " * (LONG // 2) + "x]",
    "bracket-label": "[A" + " " * LONG + "]",
    # A long run of capitals, and of capitalised words, where register names are looked for.
    "capitals": "A" * LONG + " a",
    "capitalised-words": "Ann Bob " * (LONG // 8),
}


def test_the_markup_patterns_are_linear_in_long_adversarial_input(make_edition, tmp_path: Path) -> None:
    edition = make_edition({f"content/documents/{name}.md": document(title=name, body=body) for name, body in ADVERSARIAL_BODIES.items()})
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert result.diagnostics.errors == []
    site = tmp_path / "site"

    def text_of(name: str) -> str:
        return parse_html(site / "documents" / name / "index.html").select_one("main").get_text()

    assert "a {#" + " " * (2 * LONG) + "x" in text_of("anchor-unclosed")
    assert "{#end}" not in text_of("anchor-after-blanks")  # the anchor names the paragraph and is not shown
    assert text_of("anchors-repeated").count("{#a}") == LONG // 5
    assert "{pb n=" + "a" * 1000 in text_of("page-break-unclosed")
    assert text_of("page-breaks-opened").count("{pb n=a") == LONG // 7
    types = {
        name: [span["class"][1] for span in parse_html(site / "documents" / name / "index.html").select("span.ed")]
        for name in ("bracket-blanks", "bracket-questions", "bracket-label")
    }
    assert types == {"bracket-blanks": ["ed-stamp"], "bracket-questions": ["ed-supplied"], "bracket-label": ["ed-supplied"]}
    assert text_of("capitals").count("A" * LONG) == 1
    assert text_of("capitalised-words").count("Ann Bob") == LONG // 8


SLOW_RULE_SITE = """\
title: Test Edition
apparatus:
  rules:
    - pattern: '^Hamonten$'
      type: uncertain
    - pattern: '^(a|aa)+$'
      type: repeated
"""


def test_an_apparatus_rule_that_runs_out_of_time_is_stopped_with_an_error_at_its_line(make_edition, tmp_path: Path) -> None:
    edition = make_edition(
        {
            "content/documents/letter.md": document(body="A [Hamonten] and [" + "a" * 40 + "!] and [" + "a" * 50 + "!]."),
            "content/documents/other.md": document(title="Other", body="[your] word."),
        },
        site=SLOW_RULE_SITE,
    )
    result = build(edition, BuildOptions(tmp_path / "site"))
    # Stopped once in the build's run, not at every bracket: the rule is passed over from then on.
    assert [d.format() for d in result.diagnostics.errors] == [
        "site.yml:6:7: error: apparatus rule 2 ('^(a|aa)+$') was stopped after 1 s on the bracket at content/documents/letter.md:5:18\n"
        "    hint: a repeat inside a repeat whose parts can match the same text, such as (a|aa)+ or (\\w+\\s?)+$, takes time that grows "
        "exponentially with the text; write the pattern so that each character can be matched one way only"
    ]


def test_a_text_with_too_many_interventions_is_a_warning_and_past_the_limit_an_error(make_edition, tmp_path: Path) -> None:
    hint = "    hint: brackets that are not interventions (OCR noise, a table drawn with brackets) can be written \\[ and \\]; or split the document"
    edition = make_edition(
        {
            "content/documents/many.md": document(body="Noise " + "[a] " * (MANY_INTERVENTIONS + 1)),
            "content/documents/noise.md": document(title="Noise", body="Noise\n" + "[a]" * MAX_INTERVENTIONS + "\n[b]"),
        }
    )
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert [d.format() for d in result.diagnostics.items] == [
        f"content/documents/many.md:5:7: warning: this text has {MANY_INTERVENTIONS + 1:,} editorial interventions, which make a page "
        f"of a megabyte or more\n{hint}",
        f"content/documents/noise.md:7:1: error: this text has {MAX_INTERVENTIONS + 1:,} editorial interventions, more than the "
        f"{MAX_INTERVENTIONS:,} one page can list (the first past the limit is here)\n{hint}",
    ]


def test_the_apparatus_overview_lists_a_type_with_many_interventions_on_pages_of_its_own(make_edition, tmp_path: Path) -> None:
    rows = APPARATUS_ROWS
    edition = make_edition({f"content/documents/d{n}.md": document(title=f"D{n}", body="[a] " * (rows // 2) + "[illegible]") for n in range(5)})
    result = build(edition, BuildOptions(tmp_path / "site"))
    assert result.diagnostics.errors == []
    site = tmp_path / "site" / "apparatus"
    overview = parse_html(site / "index.html")
    assert [(a.get_text(), a["href"]) for a in overview.select(".letter-nav a")] == [
        (f"Supplied text ({5 * (rows // 2)})", "supplied/index.html"),
        ("Gap (5)", "gap/index.html"),
    ]
    assert overview.select(".intervention-table") == []  # the rows are on the types' pages
    pages = [
        parse_html(site / "supplied" / "index.html"),
        parse_html(site / "supplied" / "2" / "index.html"),
        parse_html(site / "supplied" / "3" / "index.html"),
    ]
    assert [len(page.select(".intervention-table tbody tr")) for page in pages] == [rows, rows, 5 * (rows // 2) - 2 * rows]
    assert [a.get_text() for a in pages[1].select(".list-pager a:not([rel])")] == ["1", "2", "3"]
    assert [(a["rel"], a["href"]) for a in pages[1].select(".list-pager a[rel]")] == [(["prev"], "../index.html"), (["next"], "../3/index.html")]
    assert pages[1].select_one(".list-pager [aria-current]").get_text() == "2"
    assert len(parse_html(site / "gap" / "index.html").select(".intervention-table tbody tr")) == 5
    assert not (site / "supplied" / "4").exists()
