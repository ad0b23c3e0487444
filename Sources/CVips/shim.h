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

static inline int siang_vips_save(VipsImage *image, int webp, int quality, void **buffer, size_t *length,
                                  int *width, int *height) {
    VipsImage *flat = NULL;
    if (vips_image_hasalpha(image)) {
        // JPEG has no alpha: transparent parts become white, as a browser shows them on Siang's pages.
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        int failed = vips_flatten(image, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (failed) return -1;
        image = flat;
    }
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    // "strip" drops every piece of metadata: EXIF (GPS, camera serial, owner, its own thumbnail), XMP,
    // IPTC and the ICC profile (the thumbnail step has already converted the pixels to sRGB).
    int failed = webp
        ? vips_webpsave_buffer(image, buffer, length, "Q", quality, "strip", TRUE, NULL)
        : vips_jpegsave_buffer(image, buffer, length, "Q", quality, "strip", TRUE, "optimize_coding", TRUE,
                               "interlace", TRUE, NULL);
    if (flat) g_object_unref(flat);
    return failed;
}

/// Decodes the whole file (failing on truncated or damaged data), turns it upright by its EXIF
/// orientation, shrinks it to fit `size` × `size` (never enlarging) in sRGB and encodes it without
/// metadata. `*buffer` is freed with `siang_vips_free`.
static inline int siang_vips_resize_file(const char *path, int size, int webp, int quality, void **buffer,
                                         size_t *length, int *width, int *height) {
    VipsImage *out = NULL;
    if (vips_thumbnail(path, &out, size, "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL))
        return -1;
    int failed = siang_vips_save(out, webp, quality, buffer, length, width, height);
    g_object_unref(out);
    return failed;
}

/// The same from an encoded image already in memory (the display size, to make the thumbnail).
static inline int siang_vips_resize_buffer(const void *input, size_t input_length, int size, int webp, int quality,
                                           void **buffer, size_t *length, int *width, int *height) {
    VipsImage *out = NULL;
    if (vips_thumbnail_buffer((void *)input, input_length, &out, size, "size", VIPS_SIZE_DOWN, "fail_on",
                              VIPS_FAIL_ON_TRUNCATED, NULL))
        return -1;
    int failed = siang_vips_save(out, webp, quality, buffer, length, width, height);
    g_object_unref(out);
    return failed;
}

#endif
