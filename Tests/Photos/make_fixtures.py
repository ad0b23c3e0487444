#!/usr/bin/env python3
"""Writes the photo test set into this folder (run once; its outputs are committed, a few kB each).

The hostile files are what attackers and broken phones send: a text file named .jpg, a truncated JPEG,
a PNG whose header claims 30,000 x 30,000 pixels (a decompression bomb: 900 megapixels, 2.7 GB decoded,
in a file of a few hundred bytes), a JPEG that is also an HTML page, an SVG with a script, and an empty file.
The honest one is a phone picture that carries GPS coordinates, a camera serial number, an owner's name
and its orientation in EXIF, which Siang must turn upright and strip before anyone sees it.
"""
import io, os, struct, zlib
from PIL import Image, ImageDraw

here = os.path.dirname(os.path.abspath(__file__))

def write(name, data):
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)

def phone_photo(width=640, height=480):
    # Wider than tall as stored; EXIF orientation 6 says "rotate 90° clockwise to show", so upright it
    # is taller than wide. A red block marks the stored top-left corner.
    image = Image.new("RGB", (width, height), (40, 120, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width // 4, height // 4], fill=(220, 30, 30))
    for x in range(0, width, 16):
        draw.line([(x, 0), (x, height)], fill=(x % 256, 200, 100))
    exif = Image.Exif()
    exif[0x0112] = 6                      # Orientation: rotate 90 CW
    exif[0x010F] = "SiangTestCam"         # Make
    exif[0x0110] = "Model X"              # Model
    exif[0x013B] = "Somsri Owner"         # Artist
    exif[0x8769] = {0xA431: "SN-12345678", 0xA430: "Somsri Owner"}  # BodySerialNumber, CameraOwnerName
    exif[0x8825] = {1: "N", 2: (13.0, 44.0, 12.34), 3: "E", 4: (100.0, 30.0, 56.78)}  # GPS: Bangkok
    return image, exif

image, exif = phone_photo()
out = io.BytesIO()
image.save(out, "JPEG", quality=85, exif=exif.tobytes(), comment=b"owner: Somsri, 081-234-5678")
write("gps_serial.jpg", out.getvalue())

# The same picture as PNG (with alpha) and WebP: the other types Siang takes.
rgba = image.convert("RGBA")
rgba.putpixel((0, 0), (0, 0, 0, 0))
out = io.BytesIO(); rgba.save(out, "PNG"); write("alpha.png", out.getvalue())
out = io.BytesIO(); image.save(out, "WEBP", quality=80, exif=exif.tobytes()); write("photo.webp", out.getvalue())

# Hostile files.
write("text.jpg", b"This is not a picture, only text pretending to be one by its name.\n" * 4)
jpeg = open(os.path.join(here, "gps_serial.jpg"), "rb").read()
write("truncated.jpg", jpeg[: len(jpeg) // 2])
write("empty.jpg", b"")
write("script.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
      b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>\n')

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

# 30,000 x 30,000 RGB, 8 bits: the header is honest about the size, the data is a few rows of zeros
# compressed (a real bomb would carry all 2.7 GB compressed to ~2.6 MB; the header is what must stop it).
ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
rows = zlib.compress(b"\x00" * (1 + 3 * 30000) * 4, 9)
write("bomb.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))

# A valid JPEG that browsers would also render as HTML if served as text/html or sniffed: the page is
# in a comment segment right after SOI.
small = io.BytesIO(); Image.new("RGB", (32, 32), (10, 200, 10)).save(small, "JPEG"); small = small.getvalue()
html = b"<html><body><script>alert(document.domain)</script></body></html>"
write("polyglot.jpg", small[:2] + b"\xff\xfe" + struct.pack(">H", len(html) + 2) + html + small[2:])

# HEIC, as iPhones write it: libvips's own encoder (libheif with x265), from the phone photo, when the
# vips command is there (Pillow writes no HEIC).
import shutil, subprocess
if shutil.which("vips"):
    subprocess.run(["vips", "copy", os.path.join(here, "gps_serial.jpg"), os.path.join(here, "photo.heic")], check=True)
