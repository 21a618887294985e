"""Versions of a document (sibling `<name>.<lang>.md` files), their alignment, page breaks and facsimiles, built end to end."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from generator.build import BuildOptions, BuildResult, build
from tests.conftest import BILINGUAL, document, parse_html

BILINGUAL_DOC = "documents/1951-11-02-test-cable/index.html"
TEI = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_LANG, XML_ID = "{http://www.w3.org/XML/1998/namespace}lang", "{http://www.w3.org/XML/1998/namespace}id"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 190, 170)).save(out, format="PNG")
    return out.getvalue()


def messages(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics.items]


# --------------------------------------------------------------------------- the test edition


def test_both_versions_follow_one_another_each_with_its_language(bilingual_site: Path) -> None:
    soup = parse_html(bilingual_site / BILINGUAL_DOC)
    sections = soup.select("#versions > section.version")
    assert [(s["data-version"], s.select_one(".transcript-text")["lang"], s["class"][1]) for s in sections] == [
        ("main", "en", "version-translation"),
        ("ru", "ru", "version-original"),
    ]
    assert not any(s.has_attr("hidden") for s in sections)  # without scripts both show, one after the other
    assert soup.select_one(".version-picker").has_attr("hidden")
    assert "ТЕЛЕГРАММА № 1 из" in sections[1].get_text()
    assert sections[0].select_one(".transcript-text")["id"] == "transcript-text"


def test_the_build_result_holds_every_version_for_exports(bilingual_build: BuildResult) -> None:
    (main, russian) = bilingual_build.versions["1951-11-02-test-cable"]
    assert (main.main, main.version.language, russian.version.language, russian.version.role) == (True, "en", "ru", "original")
    assert [s.key for s in russian.segments] == ["1", "2", "3"] and russian.text.notes[0].id == "note-ru-a"
    assert [p.n for p in bilingual_build.page_images["1951-11-02-test-cable"]] == ["1", "2"]


def test_names_in_every_version_link_to_their_register_entries(bilingual_site: Path) -> None:
    soup = parse_html(bilingual_site / BILINGUAL_DOC)
    links = [(a.find_parent("section", class_="version")["id"], a.get_text(), a["href"]) for a in soup.select("#versions a.mention")]
    assert links == [
        ("version-main", "Test Sender", "../../persons/test-sender/index.html"),
        ("version-ru", "Тестовый Отправитель", "../../persons/test-sender/index.html"),
    ]
    person = parse_html(bilingual_site / "persons" / "test-sender" / "index.html")
    assert [q.get_text() for q in person.select(".entry-spellings q")] == ["Test Sender", "Тестовый Отправитель"]


def test_aligned_paragraphs_carry_the_same_keys(bilingual_site: Path) -> None:
    soup = parse_html(bilingual_site / BILINGUAL_DOC)
    keys = [[seg["data-align"] for seg in s.select(".segment")] for s in soup.select("section.version")]
    assert keys == [["1", "2", "3"], ["1", "2", "3"]]


def test_each_version_has_its_own_notes_and_ids_never_collide(bilingual_site: Path) -> None:
    soup = parse_html(bilingual_site / BILINGUAL_DOC)
    ids = Counter(el["id"] for el in soup.select("[id]"))
    assert [i for i, n in ids.items() if n > 1] == []
    main_calls = soup.select("#version-main a.note-call")
    assert [c["id"] for c in main_calls] == ["call-a", "call-b", "call-c", "call-1"]  # the main text keeps its ids
    russian_calls = soup.select("#version-ru a.note-call")
    assert [c["id"] for c in russian_calls] == ["call-ru-a", "call-ru-b", "call-ru-c"]
    for call in russian_calls:
        note = soup.select_one(call["href"])
        assert note is not None and note.find_parent("section", class_="version")["id"] == "version-ru"
        assert note.select_one("a.note-back")["href"] == f"#{call['id']}"
    assert soup.select_one("#note-ru-a .note-text").get_text() == "Supplied by the editor: МОСКВЫ"


def test_page_breaks_link_the_text_to_its_images(bilingual_site: Path) -> None:
    soup = parse_html(bilingual_site / BILINGUAL_DOC)
    breaks = soup.select("#versions a.pb")
    assert [(b["href"], b["id"]) for b in breaks] == [("#facs-1", "pb-1"), ("#facs-2", "pb-2"), ("#facs-1", "pb-ru-1"), ("#facs-2", "pb-ru-2")]
    assert "{pb" not in soup.select_one("#versions").get_text()


def test_facsimile_pages_are_published_with_thumbnails_and_sizes(bilingual_site: Path) -> None:
    soup = parse_html(bilingual_site / BILINGUAL_DOC)
    pages = soup.select("#facsimile .facsimile-page")
    assert [p["id"] for p in pages] == ["facs-1", "facs-2"]
    page = bilingual_site / "documents" / "1951-11-02-test-cable"
    for item in pages:
        full = (page / item.select_one("a")["href"]).resolve()
        thumbnail = item.select_one("img")
        assert full.read_bytes() == (BILINGUAL / "content" / "facsimiles" / full.name).read_bytes()
        with Image.open(page / thumbnail["src"]) as image:
            assert image.size == (int(thumbnail["width"]), int(thumbnail["height"])) == (240, 320)
        assert (item["data-width"], item["data-height"]) == ("600", "800")
    assert pages[0].select_one("img")["alt"] == "Page 1: recto"


def test_only_pages_with_versions_or_facsimiles_load_their_styles_and_scripts(bilingual_site: Path, sample_site: Path) -> None:
    head = parse_html(bilingual_site / BILINGUAL_DOC).head
    assert [s["src"] for s in head.select("script[src]")] == ["../../assets/versions.js", "../../assets/facsimile.js"]
    assert head.select_one("link[href='../../assets/versions.css']")
    sample = parse_html(sample_site / "documents/1951-10-18-mao-to-filippov/index.html")
    assert not sample.select("link[href$='versions.css'], script[src$='versions.js'], script[src$='facsimile.js'], #versions")


# --------------------------------------------------------------------------- versions


def test_a_version_without_front_matter_takes_its_language_from_the_file_name(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="One.\n\nTwo.", language="de"),
            "content/documents/letter.de.md": "Eins.\n\nZwei.\n",
        }
    )
    result = build(root, BuildOptions(root / "_site"))
    assert messages(result) == []
    (version,) = result.edition.documents[0].versions
    assert (version.key, version.language, version.role, version.path, version.body_line) == ("de", "de", "original", "content/documents/letter.de.md", 1)
    soup = parse_html(root / "_site" / "documents/letter/index.html")
    assert soup.select_one("#version-de .transcript-text")["lang"] == "de"
    assert soup.select_one("#version-heading-de").get_text() == "Original (German)"
    assert soup.select_one("#version-heading-main").get_text() == "Translation (English)"


def test_text_language_names_the_language_of_the_main_text(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(body="Text.", text_language="en"),
            "content/documents/b.md": document(title="B", body="Text.", text_language="en"),
            "content/documents/b.zh.md": "文。\n",
        },
        site="title: 版本\nlanguage: zh\n",
    )
    assert messages(build(root, BuildOptions(root / "_site"))) == []
    assert parse_html(root / "_site" / "documents/a/index.html").select_one("#transcript-text")["lang"] == "en"
    page = parse_html(root / "_site" / "documents/b/index.html")
    assert [t["lang"] for t in page.select(".transcript-text")] == ["en", "zh"]
    assert page.select_one("#version-heading-main").get_text() == "转录 (英语)"


def test_version_front_matter_has_role_language_and_translator_and_warns_of_others(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="One."),
            "content/documents/letter.fr.md": "---\nrole: translation\nlanguage: fr-CA\ntranslator: Ann Author\ndate: 1951\ntitle: Une lettre\n---\nUn.\n",
        }
    )
    result = build(root, BuildOptions(root / "_site"))
    assert messages(result) == [
        "content/documents/letter.fr.md:5:1: warning: unknown field 'date' is ignored\n    hint: known fields: role, language, translator, title"
    ]
    (version,) = result.edition.documents[0].versions
    assert (version.language, version.role, version.translator, version.body_line) == ("fr-CA", "translation", "Ann Author", 8)
    heading = parse_html(root / "_site" / "documents/letter/index.html").select_one("#version-heading-fr")
    assert heading.get_text() == "Translation (French (Canada)): Une lettre, translated by Ann Author"
    assert heading.select_one(".version-title")["lang"] == "fr-CA"


def test_an_unknown_role_is_an_error_and_a_version_without_its_document_a_warning(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="One."),
            "content/documents/letter.ru.md": "---\nrole: summary\n---\nОдин.\n",
            "content/documents/other.ru.md": "Другой.\n",
        }
    )
    result = build(root, BuildOptions(write=False))
    assert any("letter.ru.md:2:7: error: 'role': expected one of original, translation, transcription, found 'summary'" in m for m in messages(result))
    assert any(m.startswith("content/documents/other.ru.md:1:1: warning: this version has no document content/documents/other.md") for m in messages(result))


def test_paragraph_counts_that_differ_are_a_warning_naming_both_files_and_lines(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="One.\n\nTwo."),
            "content/documents/letter.ru.md": "---\nrole: original\n---\nОдин.\n\nДва.\n\nТри.\n",
        }
    )
    result = build(root, BuildOptions(write=False))
    (warning,) = [d for d in result.diagnostics.items if d.code == "unaligned"]
    assert warning.format().startswith(
        "content/documents/letter.ru.md:8:1: warning: paragraph 3 has no partner in content/documents/letter.md (3 segments here, 2 there)"
    )


def test_anchors_align_versions_whose_paragraph_counts_differ(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="One. {#start}\n\nTwo and three. {#middle}\n\nFour. {#end}"),
            "content/documents/letter.ru.md": "Один. {#start}\n\nДва. {#middle}\n\nТри.\n\n- Четыре {#end}\n\nЧетыре. {#end}\n",
        }
    )
    result = build(root, BuildOptions(root / "_site"))
    assert messages(result) == []
    soup = parse_html(root / "_site" / "documents/letter/index.html")
    russian = soup.select("#version-ru .segment")
    assert [s["data-align"] for s in russian] == ["start", "middle", "end"]
    assert [p.get_text() for p in russian[1].select("p")] == ["Два.", "Три."]  # the paragraph after an anchor joins its segment
    assert "- Четыре {#end}" not in russian[1].get_text() and "Четыре {#end}" in russian[1].get_text()  # only paragraphs take anchors
    assert "{#" not in soup.select_one("#version-main").get_text()


def test_an_anchor_missing_from_the_other_version_is_a_warning(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="One. {#a}\n\nTwo. {#b}"),
            "content/documents/letter.ru.md": "Один. {#a}\n\nДва. {#c}\n",
        }
    )
    found = sorted(d.format().split("\n")[0] for d in build(root, BuildOptions(write=False)).diagnostics.items)
    assert found == [
        "content/documents/letter.md:7:1: warning: the paragraph anchored {#b} has no partner in content/documents/letter.ru.md (2 segments here, 2 there)",
        "content/documents/letter.ru.md:3:1: warning: the paragraph anchored {#c} has no partner in content/documents/letter.md (2 segments here, 2 there)",
    ]


def test_a_version_goes_through_the_same_apparatus_with_its_own_series(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="From [Beijing] to [Moscow]."),
            "content/documents/letter.zh.md": "从[北京]。[^1]\n\n[^1]: 注。\n",
        }
    )
    build(root, BuildOptions(root / "_site"))
    soup = parse_html(root / "_site" / "documents/letter/index.html")
    assert [n["id"] for n in soup.select("#version-zh li.note")] == ["note-zh-a", "note-zh-1"]
    assert [n["id"] for n in soup.select(".apparatus li.note")] == ["note-a", "note-b"]
    assert soup.select_one("#call-zh-1")["href"] == "#note-zh-1"


# --------------------------------------------------------------------------- page breaks and facsimiles


def test_page_breaks_do_not_clash_with_editorial_brackets(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(
                body="A [sic]{pb n=2}[word?] and [[pb 3]] and [illegible {pb n=1}] end.", facsimiles="[facsimiles/p1.png, facsimiles/p2.png]"
            ),
            "content/facsimiles/p1.png": png(30, 40),
            "content/facsimiles/p2.png": png(30, 40),
        }
    )
    result = build(root, BuildOptions(root / "_site"))
    assert messages(result) == []
    soup = parse_html(root / "_site" / "documents/letter/index.html")
    text = soup.select_one("#transcript-text")
    assert [b["href"] for b in text.select("a.pb")] == ["#facs-2", "#facs-1"]  # a break inside a bracket is still a break
    assert [e["class"][1] for e in text.select("span.ed")] == ["ed-sic", "ed-uncertain", "ed-supplied", "ed-supplied", "ed-gap"]
    assert "[[pb 3]d]c" in text.get_text()  # [[pb 3]] is two interventions, not a page break
    assert [n.select_one(".note-text").get_text() for n in soup.select(".apparatus li.note")][2:] == [
        "Supplied by the editor: [pb 3]",
        "Supplied by the editor: pb 3",
        "Gap in the original: illegible .",
    ]


def test_a_page_break_to_a_page_that_is_not_listed_is_a_warning(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="One {pb n=1} two\n{pb n=7}", facsimiles="[facsimiles/p1.png]"),
            "content/facsimiles/p1.png": png(10, 10),
        }
    )
    assert [m.split("\n")[0] for m in messages(build(root, BuildOptions(write=False)))] == [
        "content/documents/letter.md:7:1: warning: page 7 is not among the facsimiles of content/documents/letter.md"
    ]


def test_facsimile_problems_are_reported_at_the_field(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(body="A.", facsimiles="[facsimiles/missing.png, facsimiles/broken.png]"),
            "content/documents/b.md": document(title="B", body="B.", facsimiles="[../site.yml]"),
            "content/facsimiles/broken.png": b"not an image",
        }
    )
    found = [m.split("\n")[0] for m in messages(build(root, BuildOptions(write=False)))]
    assert found == [
        "content/documents/b.md:4:13: error: 'facsimiles': page 1: '../site.yml' must be a path inside content/, "
        "e.g. facsimiles/page-1.png, or an https:// URL",
        "content/documents/a.md:4:1: error: the page image content/facsimiles/missing.png does not exist",
        "content/documents/a.md:4:1: error: content/facsimiles/broken.png is not an image that can be read (PNG, JPEG, WebP or GIF)",
    ]


def test_iiif_image_services_are_shown_from_their_server(make_edition) -> None:
    service = "https://iiif.example.org/iiif/page-1"
    root = make_edition(
        {
            "content/documents/a.md": document(body="{pb n=1r}A.", facsimiles=f"[{{image: '{service}/info.json', n: 1r, width: 2000, height: 3000}}]"),
        }
    )
    result = build(root, BuildOptions(root / "_site"))
    assert messages(result) == []
    item = parse_html(root / "_site" / "documents/a/index.html").select_one("#facs-1r")
    assert item["data-src"] == f"{service}/full/max/0/default.jpg"
    assert item.select_one("img")["src"] == f"{service}/full/240,/0/default.jpg"
    assert (item["data-width"], item["data-height"]) == ("2000", "3000")


def test_the_apparatus_overview_lists_the_interventions_of_every_version(bilingual_site: Path) -> None:
    soup = parse_html(bilingual_site / "apparatus" / "index.html")
    links = [a["href"].rsplit("#", 1)[1] for a in soup.select(f"#type-supplied ~ table a[href*='{BILINGUAL_DOC}']")]
    assert links == ["ed-a", "ed-ru-a"]
    page = parse_html(bilingual_site / BILINGUAL_DOC)
    targets = [a["href"][1:] for a in page.select("a[href^='#']")]
    assert [t for t in targets if page.find(id=t) is None] == []  # every call, note and page break lands somewhere


def test_an_anchor_used_twice_in_one_file_is_a_warning(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/letter.md": document(body="One. {#a}\n\nTwo. {#a}"),
            "content/documents/letter.ru.md": "Один. {#a}\n",
        }
    )
    found = [d.format().split("\n")[0] for d in build(root, BuildOptions(write=False)).diagnostics.items if d.code == "duplicate-anchor"]
    assert found == ["content/documents/letter.md:7:1: warning: the anchor {#a} is already used at line 5"]


def test_large_jpeg_scans_get_small_thumbnails(make_edition) -> None:
    scan = io.BytesIO()
    Image.new("RGB", (2400, 3200), (240, 230, 210)).save(scan, format="JPEG", quality=80)
    root = make_edition({"content/documents/a.md": document(body="A.", facsimiles="[scan.jpg]"), "content/scan.jpg": scan.getvalue()})
    build(root, BuildOptions(root / "_site"))
    with Image.open(root / "_site" / "facsimiles" / "thumbs" / "scan.jpg") as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (240, 320))
    item = parse_html(root / "_site" / "documents/a/index.html").select_one("#facs-1")
    assert (item["data-width"], item["data-height"]) == ("2400", "3200")


def test_thumbnails_are_kept_in_the_cache_between_builds(make_edition) -> None:
    root = make_edition({"content/documents/a.md": document(body="A.", facsimiles="[p1.png]"), "content/p1.png": png(600, 900)})
    build(root, BuildOptions(root / "_site"))
    (cached,) = (root / ".edition-cache" / "thumbnails").glob("*.bin")
    with Image.open(cached) as image:
        assert image.size == (240, 360)
    cached.write_bytes(png(7, 7))  # a changed cache entry shows that the next build takes it from there
    build(root, BuildOptions(root / "_site"))
    assert (root / "_site" / "facsimiles" / "thumbs" / "p1.png").read_bytes() == png(7, 7)
    (root / "content" / "p1.png").write_bytes(png(300, 300))  # another image: another entry
    build(root, BuildOptions(root / "_site"))
    with Image.open(root / "_site" / "facsimiles" / "thumbs" / "p1.png") as image:
        assert image.size == (240, 240)


@pytest.mark.checkers
def test_the_tei_export_carries_every_version_and_its_page_breaks(bilingual_site: Path) -> None:
    from tests.test_exports import jing_errors

    tei = bilingual_site / "documents" / "1951-11-02-test-cable" / "1951-11-02-test-cable.xml"
    assert jing_errors([tei, bilingual_site / "edition.xml"]) == []
    root = ElementTree.parse(tei).getroot()
    texts = root.findall("tei:text/tei:group/tei:text", TEI)
    assert [(t.get("type"), t.get(XML_LANG)) for t in texts] == [("translation", "en"), ("original", "ru")]
    assert "ТЕЛЕГРАММА № 1 из" in "".join(texts[1].itertext())
    surfaces = {s.get(XML_ID): s.find("tei:graphic", TEI).get("url") for s in root.findall("tei:facsimile/tei:surface", TEI)}
    for text in texts:
        targets = [pb.get("facs") for pb in text.iter(f"{{{TEI['tei']}}}pb")]
        assert [surfaces[t[1:]] for t in targets] == ["facsimiles/test-cable-1.png", "facsimiles/test-cable-2.png"]
    base = root.find("tei:facsimile", TEI).get("{http://www.w3.org/XML/1998/namespace}base")
    assert (tei.parent / base / surfaces[targets[0][1:]]).resolve().is_file()  # from the document's file...
    corpus = ElementTree.parse(bilingual_site / "edition.xml").getroot()
    (graphic, _) = corpus.iter(f"{{{TEI['tei']}}}graphic")
    assert (bilingual_site / graphic.get("url")).is_file()  # ... and from the teiCorpus at the site's root


def test_the_json_export_carries_every_version_and_the_page_images(bilingual_site: Path) -> None:
    import json

    import jsonschema

    data = json.loads((bilingual_site / "edition.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads((bilingual_site / "edition.schema.json").read_text(encoding="utf-8")))
    (record,) = data["documents"]
    assert record["text_language"] == "en" and record["text"].startswith("CABLE No. 1 from [MOSCOW].")
    (russian,) = record["versions"]
    assert (russian["key"], russian["language"], russian["role"]) == ("ru", "ru", "original")
    assert russian["text"].startswith("ТЕЛЕГРАММА № 1 из [МОСКВЫ].")
    assert record["facsimiles"] == [
        {"n": "1", "label": "recto", "image": "facsimiles/test-cable-1.png"},
        {"n": "2", "label": "verso", "image": "facsimiles/test-cable-2.png"},
    ]
    assert all((bilingual_site / page["image"]).is_file() for page in record["facsimiles"])


def test_control_characters_in_a_version_become_replacement_characters(make_edition) -> None:
    root = make_edition({"content/documents/a.md": document(body="One."), "content/documents/a.ru.md": "Один\x0c.\n"})
    result = build(root, BuildOptions(root / "_site"))
    assert [d.format().split("\n")[0] for d in result.diagnostics.items] == [
        "content/documents/a.ru.md:1:5: warning: the invisible control character U+000C is replaced by U+FFFD (�)"
    ]
    assert "Один\ufffd." in parse_html(root / "_site" / "documents/a/index.html").select_one("#version-ru").get_text()
