from generator.config import DEFAULT_RULES, parse_config
from generator.diagnostics import Diagnostics


def messages(diagnostics: Diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.sorted()]


def test_minimal_config_gets_defaults() -> None:
    diagnostics = Diagnostics()
    config = parse_config("title: My Edition\n", diagnostics)
    assert config is not None and not diagnostics.items
    assert (config.output, config.theme, config.language) == ("_site", "default", "en")
    assert config.apparatus.rules == DEFAULT_RULES


def test_unknown_key_is_an_error_with_line_and_suggestion() -> None:
    diagnostics = Diagnostics()
    parse_config("title: T\nsubtitel: x\n", diagnostics)
    assert messages(diagnostics) == [
        "site.yml:2:1: error: unknown setting 'subtitel' in site.yml; did you mean 'subtitle'?\n    hint: known settings: "
        "title, subtitle, editors, publisher, credits, "
        "language, license, base_url, published, output, theme, introduction, apparatus, registers, search, markdown"
    ]


def test_every_problem_is_reported_in_one_run() -> None:
    diagnostics = Diagnostics()
    parse_config("title: T\neditors: One Editor\nbase_url: ftp://x\nregisters:\n  link: sometimes\n", diagnostics)
    lines = [d.location.line for d in diagnostics.sorted()]
    assert lines == [2, 3, 5]


def test_missing_title_is_an_error() -> None:
    diagnostics = Diagnostics()
    assert parse_config("language: en\n", diagnostics) is None
    assert "needs 'title'" in diagnostics.errors[0].message


def test_apparatus_rules_are_validated_with_their_lines() -> None:
    diagnostics = Diagnostics()
    source = (
        "title: T\napparatus:\n  rules:\n"
        "    - {pattern: '^sic$', type: sic, label: Sic, display: inline}\n"
        "    - pattern: '(unclosed'\n      type: bad\n"
        "    - pattern: 'x'\n      type: odd\n      display: sideways\n"
    )
    parse_config(source, diagnostics)
    found = [(d.location.line, d.message.split(":")[0]) for d in diagnostics.sorted()]
    assert found == [(5, "the pattern of apparatus rule 2 is not a valid regular expression"), (9, "apparatus rule 3")]


def test_custom_rules_classify_in_order_with_fallback() -> None:
    diagnostics = Diagnostics()
    config = parse_config("title: T\napparatus:\n  rules:\n    - {pattern: '^Hamonten$', type: uncertain, label: Uncertain, display: inline}\n", diagnostics)
    assert config is not None and not diagnostics.items
    assert config.apparatus.classify("Hamonten").type == "uncertain"
    assert config.apparatus.classify("your").type == "supplied"


def test_yaml_syntax_error_has_position_and_hint() -> None:
    diagnostics = Diagnostics()
    parse_config("title: T\n\tsubtitle: x\n", diagnostics)
    (problem,) = diagnostics.errors
    assert problem.location.line == 2 and "tabs" in problem.hint


def test_own_rules_come_before_the_shipped_ones_unless_they_replace_them() -> None:
    rule = "apparatus:\n  rules:\n    - {pattern: '^sic$', type: note, label: Odd, display: marker}\n"
    diagnostics = Diagnostics()
    added = parse_config("title: T\n" + rule, diagnostics)
    replaced = parse_config("title: T\n" + rule + "  replace_defaults: true\n", diagnostics)
    assert not diagnostics.items
    assert added.apparatus.classify("sic").label == "Odd" and added.apparatus.classify("signature").type == "physical"
    assert replaced.apparatus.classify("signature").type == "supplied"  # only the fallback is left
