"""Draws the two page images of the test fixture (content/facsimiles/test-cable-*.png) with Pillow.

Run it from this folder to make them again: `python draw_facsimiles.py`.
"""

from pathlib import Path

from PIL import Image, ImageDraw


def draw_page(number: int, path: Path) -> None:
    image = Image.new("L", (600, 800), 235)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 579, 779), outline=90, width=4)
    draw.text((60, 60), f"TEST FIXTURE - PAGE {number}", fill=20)
    for row in range(12):
        y = 140 + row * 48
        draw.line((60, y, 540 - (row % 3) * 60, y), fill=70, width=6)
    draw.ellipse((420, 640, 540, 760), outline=40, width=5)
    image.save(path, optimize=True)


if __name__ == "__main__":
    folder = Path(__file__).parent / "content" / "facsimiles"
    for number in (1, 2):
        draw_page(number, folder / f"test-cable-{number}.png")
