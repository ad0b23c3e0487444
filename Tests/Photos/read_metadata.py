#!/usr/bin/env python3
"""Prints, as JSON, every piece of metadata Pillow (an image library independent of libvips) finds in
the image files named: EXIF tags (GPS among them), XMP, ICC profile, comments and any other info."""
import json, sys
from PIL import Image

result = []
for path in sys.argv[1:]:
    with Image.open(path) as image:
        exif = image.getexif()
        info = {k: (v if isinstance(v, (int, float, str)) else repr(v)[:80]) for k, v in image.info.items()}
        result.append({
            "format": image.format,
            "width": image.size[0],
            "height": image.size[1],
            "exif_tags": len(exif),
            "gps_tags": len(exif.get_ifd(0x8825)),
            "has_xmp": bool(image.info.get("xmp")) or b"http://ns.adobe.com/xap" in open(path, "rb").read(),
            "has_icc": bool(image.info.get("icc_profile")),
            # JPEG's progressive flags and JFIF density are layout, not data about anyone; everything
            # else Pillow reports (exif, comment, xmp, icc_profile, dpi from EXIF) counts.
            "info_keys": sorted(k for k in info if k not in ("progressive", "progression", "jfif", "jfif_version",
                                                             "jfif_unit", "jfif_density", "dpi", "adobe",
                                                             "adobe_transform")),
        })
print(json.dumps(result))
