#!/usr/bin/env python3
"""Draw the photos of the demo albums (content/albums/<slug>/NN.jpg) from album.yaml files.

Usage:  python3 content/albums/make_photos.py
Each photo is a generated scene (hall, classroom, group, meeting, village road, rice fields...)
with a Vietnamese label drawn in DejaVu Sans (content/images/make_images.py's font and colours),
saved as a small 800x533 JPEG. The captions readers see come from album.yaml, not from the picture.
"""
import random
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "images"))
from make_images import CREAM, GOLD, GOLD_LIGHT, RED, RED_DARK, font, lerp, star  # noqa: E402

W, H = 800, 533
SKIN = (238, 196, 160)
SHIRTS = [(245, 245, 240), (70, 110, 160), (230, 230, 215), (150, 40, 40), (60, 90, 70)]


def gradient(top, bottom):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(H):
        d.line([(0, y), (W, y)], fill=lerp(top, bottom, y / (H - 1)))
    return img


def person(d, x, y, scale, rng):
    """A seated or standing figure: head and shoulders."""
    r = int(13 * scale)
    d.rounded_rectangle([x - 2 * r, y + r, x + 2 * r, y + 5 * r], radius=r, fill=rng.choice(SHIRTS))
    d.ellipse([x - r, y - r, x + r, y + r], fill=SKIN)
    d.chord([x - r, y - r - 2, x + r, y + r // 2], 180, 360, fill=(35, 30, 30))  # hair


def banner(d, text, y=36):
    d.rectangle([90, y, W - 90, y + 70], fill=RED, outline=GOLD, width=3)
    f = font(22)
    width = d.textlength(text, font=f)
    d.text(((W - width) / 2, y + 22), text, font=f, fill=GOLD_LIGHT)


def hall(d, rng, banner_text):
    banner(d, banner_text)
    star(d, W // 2, 160, 34, GOLD)
    d.rectangle([310, 200, 490, 250], fill=(120, 70, 40))  # presidium table
    for x in (340, 400, 460):
        person(d, x, 176, 0.9, rng)
    for row in range(3):
        for i in range(9):
            person(d, 70 + i * 83 + (row % 2) * 30, 300 + row * 50, 1.0 + row * 0.15, rng)


def classroom(d, rng, banner_text):
    d.rectangle([140, 40, 660, 210], fill=(30, 70, 50), outline=(120, 80, 40), width=8)  # board
    f = font(24)
    d.text((170, 70), banner_text, font=f, fill=(235, 240, 225))
    d.text((170, 120), "Chuyên đề " + str(rng.randint(1, 6)), font=font(20, bold=False), fill=(210, 225, 205))
    for row in range(3):
        for i in range(6):
            x = 110 + i * 115
            y = 290 + row * 70
            person(d, x, y, 0.9 + row * 0.12, rng)
            d.rectangle([x - 45, y + 55, x + 45, y + 68], fill=(160, 110, 60))


def group(d, rng, banner_text):
    banner(d, banner_text, y=50)
    for row in range(2):
        for i in range(8 - row):
            person(d, 110 + i * 85 + row * 42, 230 + row * 75, 1.6, rng)


def meeting(d, rng, banner_text):
    banner(d, banner_text)
    d.ellipse([170, 230, 630, 420], fill=(140, 85, 45), outline=(90, 50, 25), width=4)
    for i in range(10):
        angle = i / 10
        x = int(400 + 260 * __import__("math").cos(angle * 6.283))
        y = int(325 + 120 * __import__("math").sin(angle * 6.283)) - 40
        person(d, x, y, 1.0, rng)


def village(d, rng, banner_text):
    d.ellipse([600, 40, 700, 140], fill=GOLD_LIGHT)
    d.polygon([(0, 300), (200, 120), (420, 300)], fill=(60, 110, 70))
    d.polygon([(300, 300), (560, 90), (800, 300)], fill=(45, 95, 60))
    d.rectangle([0, 300, W, H], fill=(120, 170, 80))
    for i in range(4):  # stilt houses
        x = 80 + i * 180 + rng.randint(-20, 20)
        d.rectangle([x, 250, x + 110, 300], fill=(150, 100, 60))
        d.polygon([(x - 15, 250), (x + 55, 205), (x + 125, 250)], fill=(110, 60, 40))
    d.line([(400, H), (430, 420), (380, 360), (420, 300)], fill=(200, 170, 110), width=22)
    for i in range(5):
        person(d, 300 + i * 55, 330 + (i % 2) * 12, 1.2, rng)
    d.text((30, 20), banner_text, font=font(22), fill=(40, 40, 40))


def fields(d, rng, banner_text):
    d.rectangle([0, 200, W, H], fill=(150, 190, 90))
    for i in range(10):
        d.line([(0, 220 + i * 32), (W, 200 + i * 34)], fill=(110, 160, 70), width=3)
    d.polygon([(0, 200), (250, 110), (520, 200)], fill=(80, 130, 90))
    for i in range(6):
        person(d, 140 + i * 95, 280 + (i % 3) * 20, 1.3, rng)
    d.text((30, 20), banner_text, font=font(22), fill=(40, 40, 40))


SCENES = {"hall": hall, "classroom": classroom, "group": group, "meeting": meeting,
          "village": village, "fields": fields}
BACKGROUNDS = {"hall": (RED, RED_DARK), "classroom": (CREAM, (230, 210, 170)),
               "group": ((250, 235, 200), (220, 190, 140)), "meeting": (CREAM, (235, 215, 180)),
               "village": ((170, 210, 240), (230, 240, 250)), "fields": ((180, 215, 245), (235, 245, 250))}


def draw(photo, seed):
    rng = random.Random(seed)
    kind = photo["scene"]
    img = gradient(*BACKGROUNDS[kind])
    d = ImageDraw.Draw(img)
    SCENES[kind](d, rng, photo.get("banner", ""))
    d.rectangle([0, H - 58, W, H], fill=RED_DARK)
    d.line([(0, H - 58), (W, H - 58)], fill=GOLD, width=3)
    d.text((24, H - 44), photo["label"], font=font(24), fill=GOLD_LIGHT)
    return img


def main():
    for spec in sorted(HERE.glob("*/album.yaml")):
        album = yaml.safe_load(spec.read_text(encoding="utf-8"))
        for number, photo in enumerate(album["photos"], start=1):
            path = spec.parent / photo["file"]
            draw(photo, f"{spec.parent.name}-{number}").save(path, "JPEG", quality=72, optimize=True)
            print(f"{path.relative_to(HERE)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
