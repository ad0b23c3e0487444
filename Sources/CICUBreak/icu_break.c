#include "CICUBreak.h"

#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

struct cicu_breaker {
    UBreakIterator *iterator;
};

cicu_breaker *cicu_breaker_open(void) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(UBRK_WORD, "th", NULL, 0, &status);
    if (U_FAILURE(status) || iterator == NULL) {
        if (iterator != NULL) ubrk_close(iterator);
        return NULL;
    }
    cicu_breaker *breaker = malloc(sizeof(cicu_breaker));
    if (breaker == NULL) {
        ubrk_close(iterator);
        return NULL;
    }
    breaker->iterator = iterator;
    return breaker;
}

void cicu_breaker_close(cicu_breaker *breaker) {
    if (breaker == NULL) return;
    ubrk_close(breaker->iterator);
    free(breaker);
}

int32_t cicu_breaker_words(cicu_breaker *breaker, const uint16_t *text, int32_t length,
                           int32_t *spans, int32_t capacity) {
    if (breaker == NULL || length < 0 || capacity < 0) return -1;
    if (length == 0 || text == NULL) return 0;

    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(breaker->iterator, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;

    int32_t count = 0;
    int32_t start = ubrk_first(breaker->iterator);
    for (int32_t end = ubrk_next(breaker->iterator); end != UBRK_DONE;
         start = end, end = ubrk_next(breaker->iterator)) {
        if (ubrk_getRuleStatus(breaker->iterator) < UBRK_WORD_NUMBER) continue;
        if (count < capacity) {
            spans[2 * count] = start;
            spans[2 * count + 1] = end;
        }
        count++;
    }
    // Drop the iterator's pointer to the caller's buffer, which may be freed next.
    ubrk_setText(breaker->iterator, NULL, 0, &status);
    return count;
}

int32_t cicu_is_nfc(const uint16_t *text, int32_t length) {
    if (length < 0) return -1;
    if (length == 0) return 1;
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) return -1;
    UNormalizationCheckResult result = unorm2_quickCheck(nfc, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    return result == UNORM_YES ? 1 : 0;
}

int32_t cicu_to_nfc(const uint16_t *text, int32_t length, uint16_t *out, int32_t capacity) {
    if (length < 0 || capacity < 0) return -1;
    if (length == 0) return 0;
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) return -1;
    int32_t needed = unorm2_normalize(nfc, (const UChar *)text, length, (UChar *)out, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return needed;
    if (U_FAILURE(status)) return -1;
    return needed;
}

int32_t cicu_utf8_to_utf16(const char *text, int32_t length, uint16_t *out, int32_t capacity) {
    if (length < 0 || capacity < 0) return -1;
    if (length == 0) return 0;
    UErrorCode status = U_ZERO_ERROR;
    int32_t written = 0;
    u_strFromUTF8WithSub((UChar *)out, capacity, &written, text, length, 0xFFFD, NULL, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return written;
    if (U_FAILURE(status)) return -1;
    return written;
}
