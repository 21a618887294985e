"""Facsimiles: the page images a document lists in `facsimiles:`, with thumbnails made at build time.

A page is a file under content/ (`content/facsimiles/p1.png` is published as
`facsimiles/p1.png`, its thumbnail as `facsimiles/thumbs/p1.png`), an IIIF image service (its `info.json` URL: the image and the
thumbnail are requested from the service by the reader's browser) or a plain image URL. Nothing
is downloaded at build time. `read_page_images` is the only function here that touches the disk.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from generator import paths
from generator.content import CONTENT_DIR
from generator.diagnostics import Diagnostics
from generator.edition_files import LINK_OUT, Refused, TooLarge, read_regular_file, resolved_inside
from generator.model import Document, Edition, Facsimile

THUMBNAIL_WIDTH = 240
MAX_IMAGE_BYTES = 50_000_000  # an archival scan is some megabytes; a publishable copy is far below this
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "GIF": "gif"}
IMAGE_EXTENSIONS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg"), "WEBP": (".webp",), "GIF": (".gif",)}


@dataclass(frozen=True)
class PageImage:
    """A facsimile page as the theme shows it: where the image and its thumbnail are, and their sizes when known."""

    n: str
    label: str
    src: str  # an output path (relative to the site root) or a URL
    thumbnail: str
    remote: bool
    width: int | None = None
    height: int | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None


def iiif_urls(info_url: str) -> tuple[str, str]:
    """The full image and a thumbnail from an IIIF Image API service (its info.json URL)."""
    base = info_url.removesuffix("/info.json")
    return f"{base}/full/max/0/default.jpg", f"{base}/full/{THUMBNAIL_WIDTH},/0/default.jpg"


def published_path(facsimile: Facsimile) -> str:
    """Where a page image under content/ is published: `facsimiles/p1.png` for content/facsimiles/p1.png."""
    return paths.facsimile(facsimile.source.removeprefix("facsimiles/"))


def facsimile_url(facsimile: Facsimile, from_folder: str = "") -> str:
    """The full image of a page: its URL (the full size from an IIIF service), or its published path relative to `from_folder`."""
    if facsimile.remote:
        return iiif_urls(facsimile.source)[0] if facsimile.source.endswith("/info.json") else facsimile.source
    return posixpath.relpath(published_path(facsimile), from_folder or ".")


def make_thumbnail(data: bytes) -> tuple[bytes, int, int, int, int]:
    """(thumbnail bytes, image width, image height, thumbnail width, thumbnail height), in the image's own format."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        image_format = image.format or "PNG"
        image.draft("RGB", (THUMBNAIL_WIDTH * 2, THUMBNAIL_WIDTH * 8))  # JPEG: decode at a reduced size, much faster for scans
        thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 4))
    if image_format == "JPEG" and thumbnail.mode not in ("RGB", "L"):
        thumbnail = thumbnail.convert("RGB")
    out = io.BytesIO()
    thumbnail.save(out, format=image_format if image_format in IMAGE_FORMATS else "PNG")
    return out.getvalue(), width, height, thumbnail.width, thumbnail.height


def cached_thumbnail(data: bytes, cache_dir: Path | None) -> tuple[bytes, int, int, int, int]:
    """`make_thumbnail`, kept in `cache_dir/thumbnails/` by the image's digest: scans are large and rebuilds frequent."""
    if cache_dir is None:
        return make_thumbnail(data)
    stem = cache_dir / "thumbnails" / f"{hashlib.sha256(data).hexdigest()}-{THUMBNAIL_WIDTH}"
    try:
        sizes = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        return stem.with_suffix(".bin").read_bytes(), *sizes
    except (OSError, ValueError, TypeError):
        pass
    thumbnail, *sizes = make_thumbnail(data)
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        stem.with_suffix(".bin").write_bytes(thumbnail)
        stem.with_suffix(".json").write_text(json.dumps(sizes), encoding="utf-8")  # written last: it marks the entry complete
    except OSError:
        pass  # a cache that cannot be written only costs time
    return (thumbnail, *sizes)


def read_page_images(
    root: Path,
    edition: Edition,
    diagnostics: Diagnostics,
    cache_dir: Path | None = None,
) -> tuple[dict[str, tuple[PageImage, ...]], dict[str, bytes]]:
    """Each document's pages, and the files to publish (images and thumbnails by output path)."""
    pages: dict[str, tuple[PageImage, ...]] = {}
    files: dict[str, bytes] = {}
    owners: dict[str, str] = {}  # what each output path publishes: an image and a thumbnail must not land on one path
    for document in edition.documents:
        if document.facsimiles:
            pages[document.id] = tuple(
                page for facsimile in document.facsimiles if (page := _page_image(root, document, facsimile, files, owners, diagnostics, cache_dir)) is not None
            )
    return pages, files


def _page_image(
    root: Path,
    document: Document,
    facsimile: Facsimile,
    files: dict[str, bytes],
    owners: dict[str, str],
    diagnostics: Diagnostics,
    cache_dir: Path | None,
) -> PageImage | None:
    label = facsimile.label or ""
    where = document.location_of("facsimiles")
    if facsimile.remote:
        if facsimile.source.endswith("/info.json"):
            src, thumbnail = iiif_urls(facsimile.source)
        elif "manifest" in facsimile.source:
            diagnostics.warning(
                "iiif-manifest",
                f"'{facsimile.source}' looks like a IIIF manifest; list the pages' image services instead",
                where,
                "give each page's info.json URL, e.g. https://example.org/iiif/page-1/info.json",
            )
            return None
        else:
            src = thumbnail = facsimile.source
        return PageImage(facsimile.n, label, src, thumbnail, True, facsimile.width, facsimile.height)
    file = root / CONTENT_DIR / facsimile.source
    try:
        resolved_inside(file, (root / CONTENT_DIR).resolve())
        data = read_regular_file(file, MAX_IMAGE_BYTES)
    except Refused as exc:
        reason = exc.reason.replace("the edition folder", "content/")
        diagnostics.error(
            "outside-edition" if exc.reason == LINK_OUT else "not-a-file",
            f"the page image content/{facsimile.source} {reason} and is not read",
            where,
            "copy the image into content/ instead of linking to it" if exc.reason == LINK_OUT else "replace it with the image file",
        )
        return None
    except TooLarge:
        diagnostics.error("too-large", f"the page image {facsimile.source} is larger than {MAX_IMAGE_BYTES // 1_000_000} MB", where, "publish a smaller copy")
        return None
    except OSError:
        diagnostics.error(
            "missing-image",
            f"the page image content/{facsimile.source} does not exist",
            where,
            "facsimile paths are relative to content/, e.g. facsimiles/page-1.png",
        )
        return None
    problem = _image_problem(facsimile.source, data)
    if problem:
        diagnostics.error("bad-image", problem[0], where, problem[1])
        return None
    try:
        thumbnail_bytes, width, height, thumb_width, thumb_height = cached_thumbnail(data, cache_dir)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        diagnostics.error("bad-image", f"content/{facsimile.source} is not an image that can be read (PNG, JPEG, WebP or GIF)", where)
        return None
    src = published_path(facsimile)
    thumbnail = paths.thumbnail(src.removeprefix(f"{paths.FACSIMILES}/"))
    for path, what in ((src, f"the page image content/{facsimile.source}"), (thumbnail, f"the thumbnail of content/{facsimile.source}")):
        taken = owners.setdefault(path, what)
        if taken != what:
            diagnostics.error(
                "image-collision", f"{what} would be published as {path}, where {taken} is published", where, "rename or move one of the two images"
            )
            return None
    files[src] = data
    files[thumbnail] = thumbnail_bytes
    return PageImage(facsimile.n, label, src, thumbnail, False, width, height, thumb_width, thumb_height)


def _image_problem(source: str, data: bytes) -> tuple[str, str] | None:
    """What is wrong with a page image's bytes as what its name says it is, or None.

    A file is published under its own name, and a web server gives it the type its extension says:
    a GIF named `page.html` whose comment holds a script would be served as a page of the site.
    So the extension must be that of the format Pillow finds in the bytes, and the image must not
    unpack to more pixels than Pillow's guard against decompression bombs allows.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # (said below as an error, with the image's name)
            with Image.open(io.BytesIO(data)) as image:
                found, (width, height) = image.format or "", image.size
    except Image.DecompressionBombError:
        return f"content/{source} unpacks to too many pixels to be a page image", "publish a copy of a sensible size"
    except (UnidentifiedImageError, OSError, ValueError):
        return f"content/{source} is not an image that can be read (PNG, JPEG, WebP or GIF)", ""
    extension = posixpath.splitext(source)[1].lower()
    if found not in IMAGE_FORMATS:
        return (f"content/{source} is a {found} image; page images are published as PNG, JPEG, WebP or GIF", "save a copy in one of those formats")
    if extension not in IMAGE_EXTENSIONS[found]:
        return (
            f"content/{source} is a {found} image, but its name ends in '{extension}'",
            f"name it with the extension of its format: {' or '.join(IMAGE_EXTENSIONS[found])}",
        )
    if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
        return (
            f"content/{source} is {width} x {height} pixels, more than the {Image.MAX_IMAGE_PIXELS:,} a page image may have",
            "publish a copy of a sensible size",
        )
    return None
