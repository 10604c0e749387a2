#!/usr/bin/env python3
"""make_seeds.py: write the fuzzers' seed corpora (small files, committed).

Images: one small PNG of each kind the decoder handles (palette with and
without transparency, gray 1..16 bits, gray+alpha, RGB, RGBA, 16-bit,
Adam7, 1x1 and odd sizes, 64x64) and small JPEGs (colour, progressive,
gray, CMYK). Models: valid model files (docs/model-format.md's layout, format 3, and
one each of formats 1 and 2) for tiny geometries, so that mutations reach
every field.
Run from this folder: python3 make_seeds.py"""
import struct
import zlib

from PIL import Image


def chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def adam7_png(im):
    """An 8-bit RGB PNG with Adam7 interlacing, which PIL does not write."""
    w, h = im.size
    px = im.load()
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
              (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        for y in range(y0, h, dy):
            row = [px[x, y] for x in range(x0, w, dx)]
            if row:
                raw += b"\0" + bytes(v for p in row for v in p)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def image_seeds():
    def pattern(mode, w, h):
        im = Image.new(mode, (w, h))
        bands = len(im.getbands())
        top = 65535 if mode.startswith("I;16") else 255
        data = []
        for y in range(h):
            for x in range(w):
                v = [(y * 7 + x * 3 + c * 85) % (top + 1) for c in range(bands)]
                data.append(tuple(v) if bands > 1 else v[0])
        im.putdata(data)
        return im

    pattern("RGB", 8, 8).save("seeds/image/rgb_8x8.png")
    pattern("RGB", 1, 1).save("seeds/image/rgb_1x1.png")
    pattern("RGB", 5, 3).save("seeds/image/rgb_5x3.png")
    pattern("RGB", 64, 64).save("seeds/image/rgb_64x64.png", optimize=True)
    pattern("RGBA", 6, 4).save("seeds/image/rgba_6x4.png")
    pattern("L", 7, 7).save("seeds/image/gray_7x7.png")
    pattern("LA", 4, 4).save("seeds/image/gray_alpha_4x4.png")
    pattern("1", 9, 2).save("seeds/image/gray1_9x2.png")
    pattern("I;16", 3, 3).save("seeds/image/gray16_3x3.png")
    with open("seeds/image/rgb_interlaced_8x8.png", "wb") as f:
        f.write(adam7_png(pattern("RGB", 8, 8)))
    pal = pattern("RGB", 8, 8).convert("P", palette=Image.ADAPTIVE, colors=4)
    pal.save("seeds/image/palette_8x8.png")
    pal.save("seeds/image/palette_trns_8x8.png", transparency=0)
    pattern("RGB", 8, 8).save("seeds/image/rgb_8x8.jpg", quality=90)
    pattern("RGB", 16, 8).save("seeds/image/rgb_16x8_progressive.jpg", progressive=True)
    pattern("L", 8, 8).save("seeds/image/gray_8x8.jpg")
    pattern("CMYK", 8, 8).save("seeds/image/cmyk_8x8.jpg")


def model_file(h, w, c, names, positive, b, weights, version=3):
    """A model file of format version 1 (64-byte header), 2 (88 bytes:
    L2 lambda, tolerance, early-stop flag, solver) or 3 (184 bytes: the
    model-selection record)."""
    n0, n1 = (len(n.encode()) for n in names)
    body = struct.pack("<4sIIIIIII", b"CTLR", version, h, w, c, positive, n0, n1)
    body += struct.pack("<dQdd", 0.005, 2000, 0.25, b)
    if version >= 2:
        body += struct.pack("<ddII", 0.1, 1e-6, 1, 2)
    if version >= 3:
        body += struct.pack("<ddQQQQQddd", 0.35, 0.2, 7, 111, 56, 28, 14, 0.75, 1.5, 0.4)
        body += struct.pack("<QII", 1500, 1, 7)
    body += names[0].encode() + names[1].encode()
    body += struct.pack("<%df" % len(weights), *weights)
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


def model_seeds():
    seeds = {
        "1x1x1.bin": (1, 1, 1, ("cat", "non-cat"), 0, 0.5, [0.25]),
        "2x3x1.bin": (2, 3, 1, ("a", "b"), 1, -1.0, [0.5 * k - 1 for k in range(6)]),
        "2x2x3.bin": (2, 2, 3, ("dog", "non-dog"), 0, 0.0, [k / 7 for k in range(12)]),
        "v1_2x3x1.bin": (2, 3, 1, ("a", "b"), 1, -1.0, [0.5 * k - 1 for k in range(6)], 1),
        "v2_2x3x1.bin": (2, 3, 1, ("a", "b"), 1, -1.0, [0.5 * k - 1 for k in range(6)], 2),
    }
    for name, args in seeds.items():
        with open("seeds/model/" + name, "wb") as f:
            f.write(model_file(*args))


image_seeds()
model_seeds()
