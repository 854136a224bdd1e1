/* Unit tests for the one terminal-escaping function (util/term_text.c):
 * what is kept (valid UTF-8, every safe code point), what becomes a visible
 * escape (C0 controls including CR/LF/TAB on one line, DEL, C1, bidi
 * overrides and isolates), invalid UTF-8, multi-line mode, the byte limit,
 * and a sweep over every code point and random bytes that nothing unsafe
 * comes out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/term_text.h"
#include "util/utf8.h"

static void assert_clean(const char *in, const char *want)
{
    char *got = ld_term_clean(in);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_valid_text_kept(void **state)
{
    (void)state;
    assert_clean("", "");
    assert_clean("nginx:1.25 sha256:ab12 /etc/passwd", "nginx:1.25 sha256:ab12 /etc/passwd");
    /* é, CJK, an emoji, U+FFFD itself, a backslash */
    assert_clean("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x90\xB3 \xEF\xBF\xBD a\\b",
                 "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x90\xB3 \xEF\xBF\xBD a\\b");
    assert_null(ld_term_clean(NULL));
}

static void test_c0_and_del_escaped(void **state)
{
    (void)state;
    /* an OSC title sequence ended by BEL, and a CSI colour */
    assert_clean("x\x1b]0;pwned\x07y", "x\\x1b]0;pwned\\x07y");
    assert_clean("\x1b[31mred", "\\x1b[31mred");
    /* one line: CR, LF and TAB are escapes too (a CR would overwrite the
     * line, an LF start a fake one) */
    assert_clean("a\rb\nc\td", "a\\x0db\\x0ac\\x09d");
    assert_clean("\x01\x1f\x7f", "\\x01\\x1f\\x7f");
}

static void test_c1_and_bidi_escaped(void **state)
{
    (void)state;
    assert_clean("a\xC2\x9B"
                 "31mb",
                 "a\\u009b31mb"); /* U+009B CSI */
    assert_clean("\xC2\x80\xC2\x85\xC2\x9F", "\\u0080\\u0085\\u009f");
    assert_clean("\xC2\xA0", "\xC2\xA0"); /* U+00A0, the first after C1, is text */
    assert_clean("evil\xE2\x80\xAEtxt.exe", "evil\\u202etxt.exe"); /* U+202E RLO */
    assert_clean("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD",
                 "\\u202a\\u202b\\u202c\\u202d");
    assert_clean("\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9",
                 "\\u2066\\u2067\\u2068\\u2069");
    assert_clean("\xE2\x80\x8E\xE2\x80\x8F\xE2\x80\xA8\xE2\x80\xA9\xD8\x9C",
                 "\\u200e\\u200f\\u2028\\u2029\\u061c");
    /* neighbours that are text */
    assert_clean("\xE2\x80\x94\xE2\x81\xA0", "\xE2\x80\x94\xE2\x81\xA0"); /* U+2014, U+2060 */
}

static void test_invalid_utf8_replaced(void **state)
{
    (void)state;
    assert_clean("a\xFFz", "a\xEF\xBF\xBDz");
    assert_clean("end\xC3", "end\xEF\xBF\xBD");                           /* truncated */
    assert_clean("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");                 /* overlong '/' */
    assert_clean("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* surrogate */
    assert_clean("\xF4\x90\x80\x80",                                      /* above U+10FFFF */
                 "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    /* an invalid lead followed by an escape sequence: both handled */
    assert_clean("\xC2\x1b[2J", "\xEF\xBF\xBD\\x1b[2J");
}

static void test_multiline(void **state)
{
    (void)state;
    ld_term_opts o = {.multiline = true};
    char *got = ld_term_clean_opts("line 1\n\tline 2\r\n\x1b[2J", &o);
    assert_string_equal(got, "line 1\n line 2\\x0d\n\\x1b[2J");
    assert_int_equal(o.left_out, 0);
    free(got);
}

static void test_limit_cuts_at_a_character(void **state)
{
    (void)state;
    ld_term_opts o = {.max = 5};
    char *got = ld_term_clean_opts("abcd\xC3\xA9"
                                   "fg",
                                   &o); /* é straddles byte 5 */
    assert_string_equal(got, "abcd");
    assert_int_equal(o.left_out, 4);
    free(got);
    o = (ld_term_opts){.max = 6};
    got = ld_term_clean_opts("abcd\xC3\xA9"
                             "fg",
                             &o);
    assert_string_equal(got, "abcd\xC3\xA9");
    assert_int_equal(o.left_out, 2);
    free(got);
    o = (ld_term_opts){.max = 100};
    got = ld_term_clean_opts("short\x1b", &o);
    assert_string_equal(got, "short\\x1b");
    assert_int_equal(o.left_out, 0);
    free(got);
    o.left_out = 7;
    assert_null(ld_term_clean_opts(NULL, &o));
    assert_int_equal(o.left_out, 0);
}

static void test_put_and_width(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(ld_term_put(f, "caf\xC3\xA9\x1b"), 8); /* "café\x1b" */
    assert_int_equal(ld_term_put(f, NULL), 0);
    fclose(f);
    assert_string_equal(buf, "caf\xC3\xA9\\x1b");
    free(buf);
    assert_int_equal(ld_term_width("\xE4\xB8\xAD\xF0\x9F\x90\xB3x"), 3);
    assert_int_equal(ld_term_width(NULL), 0);
}

/* Whether clean text holds anything a terminal must not receive: a byte
 * below 0x20 (but '\n' when allowed), or a code point that is unsafe or
 * not valid UTF-8. */
static bool holds_unsafe(const char *s, bool newline_ok)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = ld_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (l == 0)
            return true;
        if (ld_term_unsafe_cp(cp) && !(newline_ok && cp == '\n'))
            return true;
        i += l;
    }
    return false;
}

static size_t encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Every code point: a safe one comes back as it was, an unsafe one as an
 * escape of 4 or 6 ASCII bytes; never a raw unsafe one. */
static void test_every_code_point(void **state)
{
    (void)state;
    size_t escaped = 0;
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char in[5] = {0};
        encode(cp, in);
        char *got = ld_term_clean(in);
        if (ld_term_unsafe_cp(cp)) {
            escaped++;
            assert_true(got[0] == '\\' && (strlen(got) == 4 || strlen(got) == 6));
        } else {
            assert_string_equal(got, in);
        }
        assert_false(holds_unsafe(got, false));
        free(got);
    }
    /* 31 C0 (NUL ends the string) + DEL + 32 C1 + U+061C, U+200E/F,
     * U+2028..U+202E, U+2066..U+2069 */
    assert_int_equal(escaped, 31 + 1 + 32 + 1 + 2 + 7 + 4);
}

/* Random bytes (a fixed seed): nothing unsafe ever comes out, in either
 * mode. */
static void test_random_bytes(void **state)
{
    (void)state;
    srand(11);
    char in[257];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(rand() % 256);
        for (size_t i = 0; i < n; i++) {
            int c = rand() % 256;
            in[i] = (char)(c ? c : 0x1b);
        }
        in[n] = '\0';
        char *one = ld_term_clean(in);
        assert_false(holds_unsafe(one, false));
        free(one);
        ld_term_opts o = {.multiline = true, .max = (size_t)(rand() % 300)};
        char *multi = ld_term_clean_opts(in, &o);
        assert_false(holds_unsafe(multi, true));
        free(multi);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_text_kept),
        cmocka_unit_test(test_c0_and_del_escaped),
        cmocka_unit_test(test_c1_and_bidi_escaped),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_multiline),
        cmocka_unit_test(test_limit_cuts_at_a_character),
        cmocka_unit_test(test_put_and_width),
        cmocka_unit_test(test_every_code_point),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
