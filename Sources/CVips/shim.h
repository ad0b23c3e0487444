#ifndef CVIPS_SHIM_H
#define CVIPS_SHIM_H
// libvips for Siang's photos. Swift cannot call C's variadic functions, so the few calls Siang makes
// are wrapped here with their options fixed.
#include <vips/vips.h>

/// Starts libvips once per process. No operation cache: every upload is a new temporary file, and a
/// cache keyed by file name would hold open images of files already deleted. Loaders libvips marks as
/// untrusted (SVG, PDF, ImageMagick's, ...) are blocked outright, whatever Siang asks for.
static inline int siang_vips_start(void) {
    if (VIPS_INIT("siang")) return -1;
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    return 0;
}

/// libvips's last error, then forgotten; the caller copies it.
static inline char *siang_vips_take_error(void) {
    char *message = g_strdup(vips_error_buffer());
    vips_error_clear();
    return message;
}

static inline void siang_vips_free(void *pointer) { g_free(pointer); }

/// The loader libvips would use for the file, chosen by its first bytes alone (never its name), or NULL.
static inline const char *siang_vips_loader(const char *path) {
    const char *loader = vips_foreign_find_load(path);
    if (!loader) vips_error_clear();
    return loader;
}

/// The image's size from its header only: no pixel is decoded here, so a bomb is refused before it
/// costs memory. `pages` counts the frames of animations and image sequences.
static inline int siang_vips_header(const char *path, int *width, int *height, int *pages) {
    VipsImage *image = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!image) return -1;
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    *pages = vips_image_get_n_pages(image);
    g_object_unref(image);
    return 0;
}

/// The original's GPS position as libvips writes its EXIF fields ("13/1 44/1 617/50 (13, 44, 12.34, …)"
/// and "N (N, ASCII, …)"), read from the header only; each string is freed with `siang_vips_free`.
/// Returns -1 when the file has no complete position. Read before the metadata is stripped, so the
/// citizen can be offered it as the case's location; never stored or served.
static inline int siang_vips_gps(const char *path, char **latitude, char **latitude_ref, char **longitude,
                                 char **longitude_ref) {
    VipsImage *image = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!image) { vips_error_clear(); return -1; }
    const char *names[4] = {"exif-ifd3-GPSLatitude", "exif-ifd3-GPSLatitudeRef", "exif-ifd3-GPSLongitude",
                            "exif-ifd3-GPSLongitudeRef"};
    char **outputs[4] = {latitude, latitude_ref, longitude, longitude_ref};
    int found = 0;
    for (int i = 0; i < 4; i++) {
        const char *value = NULL;
        *outputs[i] = NULL;
        if (vips_image_get_typeof(image, names[i]) && vips_image_get_string(image, names[i], &value) == 0 && value) {
            *outputs[i] = g_strdup(value);
            found++;
        }
    }
    vips_error_clear();
    g_object_unref(image);
    if (found == 4) return 0;
    for (int i = 0; i < 4; i++) { g_free(*outputs[i]); *outputs[i] = NULL; }
    return -1;
}

/// Encodes an image without metadata. `*buffer` is freed with `siang_vips_free`.
static inline int siang_vips_save(VipsImage *image, int webp, int quality, void **buffer, size_t *length,
                                  int *width, int *height) {
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    // "strip" drops every piece of metadata: EXIF (GPS, camera serial, owner, its own thumbnail), XMP,
    // IPTC and the ICC profile. The pixels are sRGB or grey by their interpretation (`siang_vips_display`);
    // an RGB photo with an embedded profile of a wider space (Display P3) is not converted, so its colours
    // come out a little duller.
    int failed = webp
        ? vips_webpsave_buffer(image, buffer, length, "Q", quality, "strip", TRUE, NULL)
        // Baseline, not progressive: progressive coding took twice as long as the rest of the encoding
        // for 3 % fewer bytes.
        : vips_jpegsave_buffer(image, buffer, length, "Q", quality, "strip", TRUE, "optimize_coding", TRUE, NULL);
    return failed;
}

/// A scale that takes `width` × `height` to fit `size` × `size`, never enlarging; 1 when it fits already.
static inline double siang_vips_fit(int width, int height, int size) {
    int longest = width > height ? width : height;
    return longest > size ? (double)size / longest : 1.0;
}

/// Shrinks an image by `scale` with a triangle filter the width of the shrink: the 1.25 or so left after
/// a JPEG's shrink-on-load costs half as much as with libvips's default Lanczos filter, and looks the same
/// at these sizes. `*out` is a new reference to `in` itself when there is nothing to shrink.
static inline int siang_vips_shrink(VipsImage *in, double scale, VipsImage **out) {
    if (scale >= 1.0) {
        g_object_ref(in);
        *out = in;
        return 0;
    }
    int width = VIPS_MAX(1, (int)(vips_image_get_width(in) * scale + 0.5));
    int height = VIPS_MAX(1, (int)(vips_image_get_height(in) * scale + 0.5));
    // Separate scales that land exactly on whole pixels, so the output has the size computed here.
    // A gap of 1: every whole factor of the shrink is a plain average of blocks (the thumbnail's 5 from the
    // display size costs a quarter of what filtering most of it did), the filter takes the rest.
    return vips_resize(in, out, (double)width / vips_image_get_width(in), "vscale",
                       (double)height / vips_image_get_height(in), "kernel", VIPS_KERNEL_LINEAR, "gap", 1.0, NULL);
}

/// The display size of the file, decoded in memory: the whole file is decoded (failing on truncated or
/// damaged data), shrunk to fit `size` × `size` (never enlarging), in sRGB, and turned upright by its
/// EXIF orientation last, when it is small. A JPEG (`jpeg_width` and `jpeg_height` from its header, else
/// 0) is decoded at once at a half, a quarter or an eighth of its size when that still covers the display
/// size (libjpeg's shrink-on-load: a 12-megapixel photo costs 42 % less to decode at half size);
/// other types go through libvips's thumbnail operation, which knows their own ways to load small.
static inline VipsImage *siang_vips_display(const char *path, int jpeg_width, int jpeg_height, int size) {
    VipsImage *shrunk = NULL;
    if (jpeg_width > 0 && jpeg_height > 0) {
        int longest = VIPS_MAX(jpeg_width, jpeg_height), shrink = 1;
        while (shrink < 8 && longest / (shrink * 2) >= size) shrink *= 2;
        VipsImage *loaded = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, "shrink", shrink,
                                                     "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
        if (!loaded) return NULL;
        VipsImage *srgb = NULL;
        VipsInterpretation type = vips_image_guess_interpretation(loaded);
        int failed = type == VIPS_INTERPRETATION_sRGB || type == VIPS_INTERPRETATION_B_W
            ? (g_object_ref(loaded), srgb = loaded, 0)
            : vips_colourspace(loaded, &srgb, VIPS_INTERPRETATION_sRGB, NULL);
        g_object_unref(loaded);
        if (failed) return NULL;
        failed = siang_vips_shrink(srgb, siang_vips_fit(vips_image_get_width(srgb), vips_image_get_height(srgb), size),
                                   &shrunk);
        g_object_unref(srgb);
        if (failed) return NULL;
    } else if (vips_thumbnail(path, &shrunk, size, "size", VIPS_SIZE_DOWN, "no_rotate", TRUE, "fail_on",
                              VIPS_FAIL_ON_TRUNCATED, NULL)) {
        return NULL;
    }
    if (vips_image_hasalpha(shrunk)) {
        // JPEG has no alpha: transparent parts become white, as a browser shows them on Siang's pages.
        // Flattened before the thumbnail is shrunk from these pixels, so no hidden colour bleeds into it.
        VipsImage *flat = NULL;
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        int failed = vips_flatten(shrunk, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        g_object_unref(shrunk);
        if (failed) return NULL;
        shrunk = flat;
    }
    // Decoded here, once (a rotation must have all the pixels), and turned once: both renditions are made
    // from the pixels this returns.
    VipsImage *memory = vips_image_copy_memory(shrunk);
    g_object_unref(shrunk);
    if (!memory) return NULL;
    if (vips_image_get_orientation(memory) <= 1) return memory;
    VipsImage *upright = NULL;
    int failed = vips_autorot(memory, &upright, NULL);
    g_object_unref(memory);
    if (failed) return NULL;
    VipsImage *result = vips_image_copy_memory(upright);
    g_object_unref(upright);
    return result;
}

/// Both images Siang serves of an upload, from one decode: the display size (fitting `display_size`) and
/// the thumbnail (fitting `thumbnail_size`, shrunk from the display's pixels), each encoded without
/// metadata into a buffer freed with `siang_vips_free`. `jpeg_width` and `jpeg_height`: see
/// `siang_vips_display`. On failure both buffers are NULL.
static inline int siang_vips_renditions(const char *path, int jpeg_width, int jpeg_height, int display_size,
                                        int thumbnail_size, int webp, int quality, void **display,
                                        size_t *display_length, int *display_width, int *display_height,
                                        void **thumbnail, size_t *thumbnail_length, int *thumbnail_width,
                                        int *thumbnail_height) {
    *display = NULL;
    *thumbnail = NULL;
    VipsImage *image = siang_vips_display(path, jpeg_width, jpeg_height, display_size);
    if (!image) return -1;
    VipsImage *small = NULL;
    int failed = siang_vips_save(image, webp, quality, display, display_length, display_width, display_height)
        || siang_vips_shrink(image, siang_vips_fit(vips_image_get_width(image), vips_image_get_height(image),
                                                   thumbnail_size), &small)
        || siang_vips_save(small, webp, quality, thumbnail, thumbnail_length, thumbnail_width, thumbnail_height);
    if (small) g_object_unref(small);
    g_object_unref(image);
    if (failed) {
        g_free(*display);
        g_free(*thumbnail);
        *display = NULL;
        *thumbnail = NULL;
        return -1;
    }
    return 0;
}

#endif
