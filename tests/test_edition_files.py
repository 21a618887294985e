"""Nothing runs, nothing leaks: page images keep a type that matches their bytes, nothing is read through
a link out of the edition, and a named pipe or a link loop where a file is expected is a message, never a hang."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

from PIL import Image

from generator.build import BuildOptions, BuildResult, build
from tests.conftest import document


def image(image_format: str, width: int = 10, height: int = 10) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 190, 170)).save(out, format=image_format)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size, without the pixels: what a decompression bomb shows before it is unpacked."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


def messages(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics.items]


def test_a_page_image_must_have_the_extension_of_the_format_of_its_bytes(make_edition, tmp_path: Path) -> None:
    polyglot = image("GIF")[:-1] + b"<script>alert(1)</script>;"  # a GIF that a browser would run as a page
    root = make_edition(
        {
            "content/documents/a.md": document(facsimiles="[facsimiles/poly.html, facsimiles/p2.jpg, facsimiles/p3.jpeg, facsimiles/p4.bmp]"),
            "content/facsimiles/poly.html": polyglot,
            "content/facsimiles/p2.jpg": image("PNG"),
            "content/facsimiles/p3.jpeg": image("JPEG"),
            "content/facsimiles/p4.bmp": image("BMP"),
        }
    )
    assert messages(build(root, BuildOptions(tmp_path / "site"))) == [
        "content/documents/a.md:4:1: error: content/facsimiles/poly.html is a GIF image, but its name ends in '.html'\n"
        "    hint: name it with the extension of its format: .gif",
        "content/documents/a.md:4:1: error: content/facsimiles/p2.jpg is a PNG image, but its name ends in '.jpg'\n"
        "    hint: name it with the extension of its format: .png",
        "content/documents/a.md:4:1: error: content/facsimiles/p4.bmp is a BMP image; page images are published as PNG, JPEG, WebP or GIF\n"
        "    hint: save a copy in one of those formats",
    ]
    assert not (tmp_path / "site").exists()


def test_a_decompression_bomb_is_refused_with_a_message(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(facsimiles="[bomb.png, large.png]"),
            "content/bomb.png": png_header(100_000, 100_000),
            "content/large.png": png_header(10_000, 10_000),
        }
    )
    assert messages(build(root, BuildOptions(write=False))) == [
        "content/documents/a.md:4:1: error: content/bomb.png unpacks to too many pixels to be a page image\n    hint: publish a copy of a sensible size",
        f"content/documents/a.md:4:1: error: content/large.png is 10000 x 10000 pixels, more than the {Image.MAX_IMAGE_PIXELS:,} "
        "a page image may have\n    hint: publish a copy of a sensible size",
    ]


def test_a_thumbnail_cannot_take_the_place_of_another_image(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(facsimiles="[facsimiles/a.png]"),
            "content/documents/b.md": document(title="B", facsimiles="[facsimiles/thumbs/a.png, facsimiles/a.png]"),
            "content/facsimiles/a.png": image("PNG"),
            "content/facsimiles/thumbs/a.png": image("PNG", 20, 20),
        }
    )
    assert messages(build(root, BuildOptions(write=False))) == [
        "content/documents/b.md:4:1: error: the page image content/facsimiles/thumbs/a.png would be published as facsimiles/thumbs/a.png, "
        "where the thumbnail of content/facsimiles/a.png is published\n    hint: rename or move one of the two images",
    ]


def test_nothing_of_a_theme_is_read_through_a_link_out_of_the_edition(make_edition, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET", encoding="utf-8")
    root = make_edition(
        {
            "content/documents/a.md": document(),
            "themes/mine/templates/home.html": "{% extends 'base.html' %}{% block main %}{% include 'secret.html' ignore missing %}{% endblock %}",
            "themes/mine/assets/own.css": "p {}",
        },
        site="title: Test Edition\ntheme: mine\nlanguage: ru\n",
    )
    (root / "themes/mine/assets/passwd.txt").symlink_to(secret)
    (root / "themes/mine/assets/elsewhere").symlink_to(tmp_path, target_is_directory=True)
    (root / "themes/mine/templates/secret.html").symlink_to(secret)
    (root / "themes/mine/locale/ru/LC_MESSAGES").mkdir(parents=True)
    (root / "themes/mine/locale/ru/LC_MESSAGES/messages.po").symlink_to(secret)
    (root / "themes/mine/loop.html").symlink_to(root / "themes/mine/loop.html")
    result = build(root, BuildOptions(tmp_path / "site"))
    hint = "\n    hint: copy the file into the theme instead of linking to it"
    assert messages(result) == [
        f"themes/mine/assets/elsewhere:1:1: error: this file of the theme is a link to a place outside the edition folder and is not read{hint}",
        f"themes/mine/assets/passwd.txt:1:1: error: this file of the theme is a link to a place outside the edition folder and is not read{hint}",
        f"themes/mine/locale/ru/LC_MESSAGES/messages.po:1:1: error: this file of the theme is a link to a place outside the edition folder "
        f"and is not read{hint}",
        f"themes/mine/loop.html:1:1: error: this file of the theme is a symbolic link that leads round in a loop and is not read{hint}",
        f"themes/mine/templates/secret.html:1:1: error: this file of the theme is a link to a place outside the edition folder and is not read{hint}",
    ]
    assert not (tmp_path / "site").exists()
    # What the links lead to is not read either: a check without the errors' stop publishes none of it.
    checked = build(root, BuildOptions(write=False))
    assert all("SECRET" not in content.decode("utf-8", "replace") for content in checked.files.values())
    assert "assets/passwd.txt" not in checked.files


def test_a_named_pipe_or_a_link_loop_where_a_file_is_expected_is_a_message(make_edition) -> None:
    root = make_edition(
        {
            "content/documents/a.md": document(facsimiles="[facsimiles/pipe.png, facsimiles/loop.png]"),
        },
        persons=None,
    )
    os.mkfifo(root / "content/persons.yml")
    os.mkfifo(root / "content/documents/pipe.md")
    os.mkfifo(root / "content/terms.yml")
    (root / "content/places.yml").symlink_to(root / "content/places.yml")
    (root / "content/facsimiles").mkdir()
    os.mkfifo(root / "content/facsimiles/pipe.png")
    (root / "content/facsimiles/loop.png").symlink_to(root / "content/facsimiles/loop.png")
    pipe = "is not a regular file (a named pipe, a device or a socket) and is not read"
    loop = "is a symbolic link that leads round in a loop and is not read"
    assert messages(build(root, BuildOptions(write=False))) == [
        f"content/documents/pipe.md:1:1: error: this file {pipe}\n    hint: replace it with a regular file",
        f"content/persons.yml:1:1: error: this file {pipe}\n    hint: replace it with a regular file",
        f"content/places.yml:1:1: error: this file {loop}\n    hint: replace it with a regular file",
        f"content/terms.yml:1:1: error: this file {pipe}\n    hint: replace it with a regular file",
        f"content/documents/a.md:4:1: error: the page image content/facsimiles/pipe.png {pipe}\n    hint: replace it with the image file",
        f"content/documents/a.md:4:1: error: the page image content/facsimiles/loop.png {loop}\n    hint: replace it with the image file",
    ]


def test_a_theme_folder_that_is_a_link_out_of_the_edition_is_not_read(make_edition, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "assets").mkdir(parents=True)
    (elsewhere / "assets" / "stolen.css").write_text("p { color: red; }", encoding="utf-8")
    root = make_edition({"content/documents/a.md": document()}, site="title: Test Edition\ntheme: mine\n")
    (root / "themes").mkdir()
    (root / "themes/mine").symlink_to(elsewhere, target_is_directory=True)
    result = build(root, BuildOptions(write=False))
    assert messages(result) == [
        "themes/mine:1:1: error: this file of the theme is a link to a place outside the edition folder and is not read\n"
        "    hint: copy the file into the theme instead of linking to it",
    ]
    assert "assets/stolen.css" not in result.files


def test_a_build_that_looks_for_changes_does_not_wait_on_a_named_pipe(make_edition, tmp_path: Path) -> None:
    # A build that writes first sums up the sources to see whether anything changed since the last build.
    root = make_edition({"content/documents/a.md": document()})
    os.mkfifo(root / "content/terms.yml")
    assert messages(build(root, BuildOptions(tmp_path / "site"))) == [
        "content/terms.yml:1:1: error: this file is not a regular file (a named pipe, a device or a socket) and is not read\n"
        "    hint: replace it with a regular file",
    ]


def test_a_site_yml_that_is_a_pipe_or_a_link_out_is_refused(make_edition, tmp_path: Path) -> None:
    root = make_edition({"content/documents/a.md": document()})
    settings = (root / "site.yml").read_text(encoding="utf-8")
    (root / "site.yml").unlink()
    os.mkfifo(root / "site.yml")
    result = build(root, BuildOptions(tmp_path / "out", write=False))
    assert [d.format().splitlines()[0] for d in result.diagnostics.errors] == [
        "site.yml:1:1: error: this file is not a regular file (a named pipe, a device or a socket) and is not read"
    ]
    (root / "site.yml").unlink()
    (tmp_path / "elsewhere.yml").write_text(settings, encoding="utf-8")
    (root / "site.yml").symlink_to(tmp_path / "elsewhere.yml")
    result = build(root, BuildOptions(tmp_path / "out", write=False))
    assert [d.format().splitlines()[0] for d in result.diagnostics.errors] == [
        "site.yml:1:1: error: this file is a link to a place outside the edition folder and is not read"
    ]
