/* json.c: JSON strings and numbers for --json output. */
#include <math.h>
#include <stdlib.h>

#include "json.h"

/* Length of the well-formed UTF-8 sequence at p (1 to 4), or 0 if the
 * bytes there are not one (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). Stops at the first bad byte, so never reads past
 * the string's NUL. */
static size_t utf8_length(const unsigned char *p) {
    unsigned c = p[0], lo = 0x80, hi = 0xbf;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : lo;
        hi = c == 0xed ? 0x9f : hi;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : lo;
        hi = c == 0xf4 ? 0x8f : hi;
    } else {
        return 0;
    }
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (p[k] < 0x80 || p[k] > 0xbf)
            return 0;
    return n;
}

void cli_json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20) {
                fprintf(out, "\\u%04x", *p);
            } else {
                /* JSON is UTF-8; a file name need not be. A byte that is
                 * not part of a character becomes U+FFFD, so the output
                 * still parses. */
                size_t n = utf8_length(p);
                if (n == 0)
                    fputs("\\ufffd", out);
                else
                    fwrite(p, 1, n, out);
                p += n > 0 ? n - 1 : 0;
            }
        }
    }
    fputc('"', out);
}

void cli_json_number(FILE *out, double v) {
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    /* the fewest digits that read back to v: 0.995, not 0.99499999999999999 */
    char buf[32];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, out);
}
