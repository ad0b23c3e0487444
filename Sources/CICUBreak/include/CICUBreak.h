#ifndef CICUBREAK_H
#define CICUBREAK_H

#include <stdint.h>

/// A tiny C surface over ICU, because Swift cannot import ICU's version-renamed symbols
/// (`ubrk_open_72`, …) directly. Text goes in as UTF-16 code units, offsets come out as
/// UTF-16 offsets; nothing is allocated for the caller to free except the breaker itself.

typedef struct cicu_breaker cicu_breaker;

/// Opens a Thai word breaker. Returns NULL if ICU cannot open one (missing data).
cicu_breaker *cicu_breaker_open(void);

/// Frees a breaker made by `cicu_breaker_open`. NULL is allowed.
void cicu_breaker_close(cicu_breaker *breaker);

/// Finds the word tokens of `text` (rule status >= UBRK_WORD_NUMBER: numbers, letters,
/// Thai dictionary words, kana, ideographs).
///
/// Writes pairs (start, end) of UTF-16 offsets into `spans`, at most `capacity` pairs
/// (`spans` must hold 2 * capacity int32s). Returns the number of tokens found, which
/// may exceed `capacity` (only the first `capacity` are written; call again with more
/// room), or -1 when ICU reports an error. A length of 0 returns 0; `text` may then be NULL.
int32_t cicu_breaker_words(cicu_breaker *breaker, const uint16_t *text, int32_t length,
                           int32_t *spans, int32_t capacity);

/// Whether `text` is already in Unicode normalisation form C (a quick check that can
/// answer "maybe"; maybe counts as no). Returns 1 for yes, 0 for no or maybe, -1 on error.
int32_t cicu_is_nfc(const uint16_t *text, int32_t length);

/// Normalises `text` to NFC into `out` (room for `capacity` code units). Returns the
/// length of the result, which may exceed `capacity` (nothing useful is written then;
/// call again with more room), or -1 on error.
int32_t cicu_to_nfc(const uint16_t *text, int32_t length, uint16_t *out, int32_t capacity);

/// Converts UTF-8 to UTF-16 (invalid sequences become U+FFFD). Writes at most `capacity`
/// units to `out` and returns the length of the result, which may exceed `capacity` (call
/// again with more room), or -1 on error. UTF-16 is never longer than the UTF-8 it came from.
int32_t cicu_utf8_to_utf16(const char *text, int32_t length, uint16_t *out, int32_t capacity);

#endif
