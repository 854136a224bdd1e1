/* Escaping for the HTML report: text for the server-side HTML, and a FILE
 * filter that keeps the JSON data block inside its <script> element
 * whatever the findings say ("</script>", "<!--", U+2028). See
 * report_html.h. Not for JSON escaping itself (util/json_out.h). */
#include "core/report_html.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/utf8.h"

void ld_html_text(FILE *o, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        const char *bytes;
        size_t len;
        uint32_t cp = ld_utf8_next(s, n, &i, &bytes, &len);
        switch (cp) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        case '\'': fputs("&#39;", o); break;
        default:
            if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp < 0xa0))
                fputs(LD_UTF8_REPLACEMENT, o);
            else
                fwrite(bytes, 1, len, o);
        }
    }
}

/* ---- the JSON block filter ---- */

typedef struct {
    FILE *out;
    int pending; /* bytes of "\xE2\x80" held back: 0, 1 or 2 */
} script_filter;

static void put_byte(FILE *o, unsigned char b)
{
    switch (b) {
    case '<': fputs("\\u003c", o); break;
    case '>': fputs("\\u003e", o); break;
    case '&': fputs("\\u0026", o); break;
    default: fputc(b, o);
    }
}

static void flush_pending(script_filter *f)
{
    if (f->pending >= 1)
        fputc(0xE2, f->out);
    if (f->pending == 2)
        fputc(0x80, f->out);
    f->pending = 0;
}

/* U+2028 and U+2029 are E2 80 A8 and E2 80 A9; a write may end inside one. */
static ssize_t filter_write(void *cookie, const char *buf, size_t n)
{
    script_filter *f = cookie;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)buf[i];
        if (f->pending == 1 && b == 0x80) {
            f->pending = 2;
            continue;
        }
        if (f->pending == 2 && (b == 0xA8 || b == 0xA9)) {
            fputs(b == 0xA8 ? "\\u2028" : "\\u2029", f->out);
            f->pending = 0;
            continue;
        }
        flush_pending(f);
        if (b == 0xE2)
            f->pending = 1;
        else
            put_byte(f->out, b);
    }
    if (ferror(f->out)) {
        errno = EIO;
        return -1;
    }
    return (ssize_t)n;
}

static int filter_close(void *cookie)
{
    script_filter *f = cookie;
    flush_pending(f);
    int rc = ferror(f->out) ? -1 : 0;
    free(f);
    return rc;
}

FILE *ld_html_script_json_open(FILE *out)
{
    script_filter *f = ld_xcalloc(1, sizeof(*f));
    f->out = out;
    cookie_io_functions_t io = {.write = filter_write, .close = filter_close};
    FILE *fp = fopencookie(f, "w", io);
    if (!fp)
        free(f);
    return fp;
}
