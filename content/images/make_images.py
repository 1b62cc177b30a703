#!/usr/bin/env python3
"""Regenerate the illustration PNGs used by the sample articles (Vietnamese labels, DejaVu Sans).

Usage:  python3 content/images/make_images.py
Writes small (800x450, palette-compressed) PNG files next to this script.
The web app serves this folder at /media/demo/<name>.png.
Requires Pillow (python3 -m pip install pillow).
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

W, H = 800, 450
OUT = Path(__file__).resolve().parent

RED_DARK = (120, 10, 14)
RED = (190, 24, 30)
GOLD = (245, 190, 50)
GOLD_LIGHT = (255, 226, 140)
CREAM = (255, 246, 225)


def lerp(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def gradient(top, bottom):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(H):
        d.line([(0, y), (W, y)], fill=lerp(top, bottom, y / (H - 1)))
    return img


FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core: covers Vietnamese


def font(size, bold=True):
    """DejaVu Sans: its glyphs cover every Vietnamese letter and tone mark (Pillow's default font
    does not, and would draw boxes), so a missing font is an error, not a silent fallback."""
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if not path.is_file():
        raise SystemExit(f"Thiếu phông chữ {path}: cài gói fonts-dejavu-core.")
    return ImageFont.truetype(str(path), size)


def label(d, text, sub=None):
    d.rectangle([0, H - 92, W, H], fill=RED_DARK)
    d.line([(0, H - 92), (W, H - 92)], fill=GOLD, width=4)
    d.text((32, H - 80), text, font=font(34), fill=GOLD_LIGHT)
    if sub:
        d.text((34, H - 36), sub, font=font(18), fill=CREAM)


def star(d, cx, cy, r, fill):
    import math
    pts = []
    for i in range(10):
        ang = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.4
        pts.append((cx + rr * math.cos(ang), cy + rr * math.sin(ang)))
    d.polygon(pts, fill=fill)


def save(img, name):
    # Adaptive palette keeps gradients smooth enough and files tiny.
    img = img.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    path = OUT / name
    img.save(path, optimize=True)
    print(f"{name}: {path.stat().st_size} bytes")


def hoi_nghi():
    img = gradient(RED, RED_DARK)
    d = ImageDraw.Draw(img)
    # stage and podium
    d.rectangle([120, 60, 680, 220], fill=(150, 16, 22), outline=GOLD, width=3)
    star(d, 400, 130, 55, GOLD)
    d.rectangle([340, 240, 460, 330], fill=GOLD, outline=GOLD_LIGHT, width=2)
    # audience rows
    for row in range(2):
        for i in range(12):
            x = 60 + i * 60 + row * 30
            y = 300 + row * 28
            d.ellipse([x, y, x + 26, y + 26], fill=(90, 8, 12))
    label(d, "HỘI NGHỊ TẬP HUẤN", "Nghiệp vụ công tác tổ chức xây dựng Đảng")
    save(img, "hoi-nghi-tap-huan.png")


def di_co_so():
    img = gradient((250, 210, 120), (200, 60, 40))
    d = ImageDraw.Draw(img)
    d.ellipse([560, 50, 680, 170], fill=GOLD_LIGHT)
    # mountains
    d.polygon([(0, 360), (180, 150), (360, 360)], fill=(130, 30, 30))
    d.polygon([(220, 360), (450, 110), (700, 360)], fill=(110, 18, 22))
    d.polygon([(520, 360), (700, 190), (800, 280), (800, 360)], fill=(140, 40, 30))
    # winding road
    d.line([(400, 360), (430, 300), (380, 250), (440, 200)], fill=GOLD, width=10)
    label(d, "ĐI CƠ SỞ VÙNG CAO", "Cán bộ theo dõi địa bàn về bản")
    save(img, "di-co-so-mien-nui.png")


def ket_nap():
    img = gradient(RED_DARK, RED)
    d = ImageDraw.Draw(img)
    # flag
    d.rectangle([250, 50, 550, 250], fill=RED, outline=GOLD, width=4)
    star(d, 400, 150, 70, GOLD)
    d.line([(250, 50), (250, 350)], fill=GOLD_LIGHT, width=6)
    # hands / people
    for x in (200, 330, 460, 590):
        d.ellipse([x, 270, x + 40, 310], fill=GOLD_LIGHT)
        d.rectangle([x - 5, 312, x + 45, 358], fill=(230, 170, 50))
    label(d, "LỄ KẾT NẠP ĐẢNG VIÊN", "Phát triển đảng viên mới ở chi bộ xóm")
    save(img, "ket-nap-dang-vien.png")


def chuyen_doi_so():
    img = gradient((60, 8, 12), (170, 30, 36))
    d = ImageDraw.Draw(img)
    # grid of nodes
    pts = [(120 + (i % 6) * 110, 70 + (i // 6) * 90) for i in range(18)]
    for a in pts:
        for b in pts:
            if a < b and abs(a[0] - b[0]) + abs(a[1] - b[1]) <= 200:
                d.line([a, b], fill=(200, 120, 40), width=1)
    for x, y in pts:
        d.ellipse([x - 9, y - 9, x + 9, y + 9], fill=GOLD)
    # laptop
    d.rectangle([300, 150, 500, 280], fill=(40, 6, 10), outline=GOLD_LIGHT, width=3)
    d.polygon([(270, 290), (530, 290), (550, 315), (250, 315)], fill=GOLD)
    label(d, "CHUYỂN ĐỔI SỐ", "Quản lý hồ sơ đảng viên trên phần mềm")
    save(img, "chuyen-doi-so.png")


def thong_ke():
    img = gradient(CREAM, (250, 215, 150))
    d = ImageDraw.Draw(img)
    d.line([(80, 340), (740, 340)], fill=RED_DARK, width=3)
    d.line([(80, 40), (80, 340)], fill=RED_DARK, width=3)
    values = [120, 185, 150, 230, 205, 270]
    for i, v in enumerate(values):
        x = 120 + i * 100
        d.rectangle([x, 340 - v, x + 60, 340], fill=RED if i % 2 else (210, 60, 40),
                    outline=RED_DARK)
        d.rectangle([x, 340 - v, x + 60, 340 - v + 8], fill=GOLD)
    label(d, "THỐNG KÊ ĐẢNG VIÊN MỚI", "Số liệu minh họa, không phải số liệu thật")
    save(img, "thong-ke-dang-vien.png")


if __name__ == "__main__":
    hoi_nghi()
    di_co_so()
    ket_nap()
    chuyen_doi_so()
    thong_ke()
