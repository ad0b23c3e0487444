#!/usr/bin/env python3
"""Makes phone-sized JPEGs in the folder named, at test time (megabytes each, so not kept in the
repository): the sizes where libjpeg's shrink-on-load is used, which the small fixtures never reach.
  portrait.jpg  4000 x 3000 stored, EXIF orientation 6 (shown 3000 x 4000), a red block in the stored
                top-left corner (which the upright image shows top-right)
  cmyk.jpg      3200 x 2400 CMYK, as some scanners and print tools write
  grey.jpg      2400 x 1800 greyscale
  cut.jpg       portrait.jpg with its second half missing
And, given an image file after --pixel, prints the colour at its top-left and top-right corners."""
import io, json, sys
from PIL import Image, ImageDraw

if sys.argv[1] == "--pixel":
    with Image.open(sys.argv[2]) as image:
        rgb = image.convert("RGB")
        print(json.dumps({"top_left": rgb.getpixel((4, 4)), "top_right": rgb.getpixel((rgb.width - 5, 4))}))
    sys.exit(0)

folder = sys.argv[1]
stored = Image.new("RGB", (4000, 3000), (40, 120, 200))
ImageDraw.Draw(stored).rectangle([0, 0, 600, 600], fill=(230, 20, 20))
exif = Image.Exif()
exif[0x0112] = 6
out = io.BytesIO()
stored.save(out, "JPEG", quality=90, exif=exif.tobytes())
open(f"{folder}/portrait.jpg", "wb").write(out.getvalue())
open(f"{folder}/cut.jpg", "wb").write(out.getvalue()[: len(out.getvalue()) // 2])
Image.new("CMYK", (3200, 2400), (10, 60, 80, 5)).save(f"{folder}/cmyk.jpg", "JPEG", quality=90)
Image.new("L", (2400, 1800), 128).save(f"{folder}/grey.jpg", "JPEG", quality=90)
