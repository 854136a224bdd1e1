/* Unit tests for the Dockerfile parser (checks/dockerfile_parse.c): parser
 * directives, escape character, continuations with comments and blank
 * lines, heredocs, exec vs shell form, ARG/ENV substitution and scoping,
 * multi-stage aliases, ONBUILD, HEALTHCHECK, line numbers, and hostile or
 * malformed input (errors name the line; limits hold). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "checks/dockerfile_parse.h"
#include "util/mem.h"

static ld_dockerfile *parse_ok(const char *text)
{
    ld_error err = LD_ERROR_INIT;
    ld_dockerfile *df = ld_dockerfile_parse("Dockerfile", text, strlen(text), &err);
    if (!df)
        fail_msg("parse failed: %s", err.msg);
    return df;
}

/* Parses text expecting an error whose message contains want; returns the code. */
static int parse_err(const char *text, size_t len, const char *want)
{
    ld_error err = LD_ERROR_INIT;
    ld_dockerfile *df = ld_dockerfile_parse("Dockerfile", text, len, &err);
    if (df) {
        ld_dockerfile_free(df);
        fail_msg("expected an error containing \"%s\"", want);
    }
    if (!strstr(err.msg, want))
        fail_msg("error \"%s\" lacks \"%s\"", err.msg, want);
    return err.code;
}

static const char *pair_value(const ld_df_instr *in, const char *key)
{
    for (size_t i = 0; i < in->n_pairs; i++)
        if (strcmp(in->pairs[i].key, key) == 0)
            return in->pairs[i].value;
    fail_msg("no pair %s", key);
    return NULL;
}

static void test_basic_lines_and_case(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("# comment\n"
                                 "\n"
                                 "from busybox:1 as Build\n"
                                 "Run echo hi\n"
                                 "  # indented comment\n"
                                 "\tCOPY a b\n"
                                 "USER app\n");
    assert_int_equal(df->n, 4);
    assert_int_equal(df->ins[0].kind, LD_DF_FROM);
    assert_int_equal(df->ins[0].line, 3);
    assert_int_equal(df->ins[1].kind, LD_DF_RUN);
    assert_string_equal(df->ins[1].keyword, "Run");
    assert_int_equal(df->ins[1].line, 4);
    assert_string_equal(df->ins[1].rest, "echo hi");
    assert_false(df->ins[1].json);
    assert_int_equal(df->ins[2].line, 6);
    assert_int_equal(df->ins[3].line, 7);
    assert_int_equal(df->n_stages, 1);
    assert_string_equal(df->stages[0].base, "busybox:1");
    assert_string_equal(df->stages[0].alias, "build"); /* lower-cased */
    assert_int_equal(df->stages[0].first, 0);
    assert_int_equal(df->stages[0].end, 4);
    assert_int_equal(df->escape, '\\');
    ld_dockerfile_free(df);
}

static void test_crlf_and_bom(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("\xef\xbb\xbf"
                                 "FROM busybox:1\r\n"
                                 "RUN echo a \\\r\n"
                                 "  b\r\n");
    assert_int_equal(df->n, 2);
    assert_string_equal(df->ins[1].rest, "echo a   b");
    assert_int_equal(df->ins[1].line, 2);
    ld_dockerfile_free(df);
}

static void test_escape_directive(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("# syntax=docker/dockerfile:1\n"
                                 "# escape=`\n"
                                 "FROM mcr.microsoft.com/windows:ltsc2022\n"
                                 "COPY testfile.txt c:\\ \n"
                                 "RUN dir c:\\ `\n"
                                 "    && echo done\n");
    assert_int_equal(df->escape, '`');
    assert_string_equal(df->syntax, "docker/dockerfile:1");
    assert_int_equal(df->n, 3);
    /* backslash is an ordinary character now: no continuation on line 4 */
    assert_int_equal(df->ins[1].kind, LD_DF_COPY);
    assert_string_equal(df->ins[1].args.v[1], "c:\\");
    assert_int_equal(df->ins[2].line, 5);
    assert_int_equal(df->ins[2].end_line, 6);
    assert_string_equal(df->ins[2].rest, "dir c:\\     && echo done");
    ld_dockerfile_free(df);
}

static void test_directive_only_at_top(void **state)
{
    (void)state;
    /* after a comment, `# escape=` is just a comment */
    ld_dockerfile *df = parse_ok("# hello\n"
                                 "# escape=`\n"
                                 "FROM busybox:1\n"
                                 "RUN echo a \\\n"
                                 "  b\n");
    assert_int_equal(df->escape, '\\');
    assert_int_equal(df->n, 2);
    ld_dockerfile_free(df);
    /* after a blank line too */
    df = parse_ok("\n# escape=`\nFROM busybox:1\n");
    assert_int_equal(df->escape, '\\');
    ld_dockerfile_free(df);
    /* an unknown directive ends the directives */
    df = parse_ok("# foo=bar\n# escape=`\nFROM busybox:1\n");
    assert_int_equal(df->escape, '\\');
    ld_dockerfile_free(df);
    /* spaces around the = are allowed */
    df = parse_ok("#  escape =  `\nFROM busybox:1\n");
    assert_int_equal(df->escape, '`');
    ld_dockerfile_free(df);
}

static void test_directive_errors(void **state)
{
    (void)state;
    const char *dup = "# escape=`\n# escape=\\\nFROM x:1\n";
    assert_int_equal(parse_err(dup, strlen(dup), "Dockerfile:2: only one escape"), LD_ERR_CORRUPT);
    const char *bad = "# escape=x\nFROM x:1\n";
    parse_err(bad, strlen(bad), "Dockerfile:1: invalid escape token");
}

static void test_continuation_comments_blank_trailing_ws(void **state)
{
    (void)state;
    ld_dockerfile *df =
        parse_ok("FROM busybox:1\n"
                 "RUN apt-get update \\\n"
                 "# a comment in the middle\n"
                 "    # an indented one\n"
                 "\n"
                 " && apt-get install -y curl \\   \t\n" /* trailing ws after escape */
                 " && echo done\n"
                 "USER app\n");
    assert_int_equal(df->n, 3);
    assert_int_equal(df->ins[1].line, 2);
    assert_int_equal(df->ins[1].end_line, 7);
    assert_string_equal(df->ins[1].rest,
                        "apt-get update  && apt-get install -y curl  && echo done");
    assert_int_equal(df->ins[2].line, 8);
    assert_int_equal(df->warnings.n, 1); /* empty continuation line */
    ld_dockerfile_free(df);
    /* a continuation at the end of the file ends the instruction */
    df = parse_ok("FROM busybox:1\nRUN echo a \\\n");
    assert_string_equal(df->ins[1].rest, "echo a");
    ld_dockerfile_free(df);
}

static void test_heredocs(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("FROM busybox:1\n"
                                 "RUN <<EOF\n"
                                 "echo $HOME\n"
                                 "apk add curl\n"
                                 "EOF\n"
                                 "RUN <<-'END' cat\n"
                                 "\t\tindented $X\n"
                                 "\tEND\n"
                                 "COPY <<one <<\"two\" /dest/\n"
                                 "first\n"
                                 "one\n"
                                 "second\n"
                                 "two\n"
                                 "USER app\n");
    assert_int_equal(df->n, 5);
    const ld_df_instr *r1 = &df->ins[1];
    assert_int_equal(r1->n_heredocs, 1);
    assert_string_equal(r1->heredocs[0].name, "EOF");
    assert_string_equal(r1->heredocs[0].content, "echo $HOME\napk add curl\n");
    assert_int_equal(r1->heredocs[0].line, 3);
    assert_true(r1->heredocs[0].expand);
    assert_false(r1->heredocs[0].chomp);
    assert_int_equal(r1->line, 2);
    assert_int_equal(r1->end_line, 5);
    const ld_df_instr *r2 = &df->ins[2];
    assert_int_equal(r2->line, 6);
    assert_string_equal(r2->heredocs[0].name, "END");
    assert_true(r2->heredocs[0].chomp);
    assert_false(r2->heredocs[0].expand); /* quoted delimiter */
    assert_string_equal(r2->heredocs[0].content, "indented $X\n");
    const ld_df_instr *c = &df->ins[3];
    assert_int_equal(c->kind, LD_DF_COPY);
    assert_int_equal(c->n_heredocs, 2);
    assert_string_equal(c->heredocs[0].name, "one");
    assert_string_equal(c->heredocs[0].content, "first\n");
    assert_string_equal(c->heredocs[1].name, "two");
    assert_string_equal(c->heredocs[1].content, "second\n");
    assert_false(c->heredocs[1].expand);
    assert_int_equal(c->heredocs[1].line, 12);
    assert_int_equal(df->ins[4].line, 14);
    ld_dockerfile_free(df);
    /* not heredocs: `<<` glued to a word, JSON form, other instructions */
    df = parse_ok("FROM busybox:1\nRUN cat<<EOF\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\n"
                  "LABEL x=\"<<EOF\"\n");
    assert_int_equal(df->n, 4);
    for (size_t i = 0; i < df->n; i++)
        assert_int_equal(df->ins[i].n_heredocs, 0);
    ld_dockerfile_free(df);
}

static void test_heredoc_unterminated(void **state)
{
    (void)state;
    const char *t = "FROM busybox:1\nRUN <<EOF\necho hi\n";
    assert_int_equal(parse_err(t, strlen(t), "Dockerfile:2: unterminated heredoc \"EOF\""),
                     LD_ERR_CORRUPT);
}

static void test_json_and_shell_forms(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("FROM busybox:1\n"
                                 "CMD [\"/bin/app\", \"--flag\", \"a b\"]\n"
                                 "ENTRYPOINT [not json\n"
                                 "RUN [ \"echo\" , \"x\" ] trailing\n"
                                 "SHELL [\"/bin/sh\", \"-ec\"]\n"
                                 "COPY [\"a b\", \"/c/\"]\n"
                                 "VOLUME /data /logs\n");
    assert_true(df->ins[1].json);
    assert_int_equal(df->ins[1].args.n, 3);
    assert_string_equal(df->ins[1].args.v[2], "a b");
    assert_false(df->ins[2].json); /* parse error: shell form, as Docker */
    assert_string_equal(df->ins[2].rest, "[not json");
    assert_true(df->ins[3].json); /* trailing text after the array is ignored */
    assert_true(df->ins[4].json);
    assert_true(df->ins[5].json);
    assert_string_equal(df->ins[5].args.v[0], "a b");
    assert_int_equal(df->ins[6].args.n, 2);
    ld_dockerfile_free(df);
    const char *t = "FROM busybox:1\nCMD [\"a\", 1]\n";
    parse_err(t, strlen(t), "Dockerfile:2: CMD: JSON form must be an array of strings");
    t = "FROM busybox:1\nSHELL /bin/sh -c\n";
    parse_err(t, strlen(t), "SHELL requires the arguments to be in JSON form");
}

static void test_flags(void **state)
{
    (void)state;
    ld_dockerfile *df =
        parse_ok("FROM --platform=$BUILDPLATFORM busybox:1 AS b\n"
                 "RUN --mount=type=cache,target=/root/.cache --network=none echo hi\n"
                 "COPY --from=b --chown=app:app --chmod=0755 /x /y\n"
                 "FROM b\n");
    assert_int_equal(df->ins[1].flags.n, 2);
    assert_string_equal(df->ins[1].flags.v[0], "--mount=type=cache,target=/root/.cache");
    assert_string_equal(df->ins[1].rest, "echo hi");
    assert_int_equal(df->ins[2].flags.n, 3);
    assert_string_equal(df->ins[2].flags_expanded.v[0], "--from=b");
    assert_string_equal(df->stages[0].platform, ""); /* BUILDPLATFORM not declared */
    assert_int_equal(df->stages[1].parent, 0);
    ld_dockerfile_free(df);
}

static void test_substitution_forms(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("FROM busybox:1\n"
                                 "ENV A=one B=\"two words\" EMPTY=\n"
                                 "ENV C=$A D=${A}x E=${NOPE:-dflt} F=${A:+alt} G=${NOPE:+alt} "
                                 "H=${EMPTY:-e} I=${EMPTY-e} J='$A' K=\"$A\" L=\\$A M=${A%ne}\n"
                                 "ENV legacy value with spaces\n"
                                 "WORKDIR /srv/${A}\n");
    const ld_df_instr *e = &df->ins[2];
    assert_string_equal(pair_value(&df->ins[1], "B"), "two words");
    assert_string_equal(pair_value(e, "C"), "one");
    assert_string_equal(pair_value(e, "D"), "onex");
    assert_string_equal(pair_value(e, "E"), "dflt");
    assert_string_equal(pair_value(e, "F"), "alt");
    assert_string_equal(pair_value(e, "G"), "");
    assert_string_equal(pair_value(e, "H"), "e");
    assert_string_equal(pair_value(e, "I"), ""); /* set but empty: no colon, no default */
    assert_string_equal(pair_value(e, "J"), "$A");
    assert_string_equal(pair_value(e, "K"), "one");
    assert_string_equal(pair_value(e, "L"), "$A");
    assert_string_equal(pair_value(e, "M"), "o");
    assert_string_equal(pair_value(&df->ins[3], "legacy"), "value with spaces");
    assert_string_equal(df->ins[4].args.v[0], "/srv/one");
    ld_dockerfile_free(df);
    /* values see the environment from before the instruction */
    df = parse_ok("FROM busybox:1\nENV X=old\nENV X=new Y=$X\n");
    assert_string_equal(pair_value(&df->ins[2], "Y"), "old");
    ld_dockerfile_free(df);
    const char *t = "FROM busybox:1\nENV A=${B\n";
    parse_err(t, strlen(t), "Dockerfile:2");
    t = "FROM busybox:1\nUSER ${:-x}\n";
    parse_err(t, strlen(t), "bad substitution");
}

static void test_arg_scoping(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("ARG TAG=1.36\n"
                                 "ARG IMG=busybox\n"
                                 "FROM ${IMG}:${TAG} AS base\n"
                                 "USER u$TAG\n" /* global ARG not visible in the stage */
                                 "ARG TAG\n"    /* redeclared: keeps the global value */
                                 "ENV V=$TAG\n"
                                 "ARG LOCAL=l1\n"
                                 "FROM base\n"
                                 "USER x${LOCAL}y${V}\n"); /* ARG is per stage, ENV inherited */
    assert_string_equal(df->stages[0].base, "busybox:1.36");
    assert_string_equal(df->ins[3].args.v[0], "u");
    assert_string_equal(pair_value(&df->ins[5], "V"), "1.36");
    assert_int_equal(df->stages[1].parent, 0);
    assert_string_equal(df->ins[8].args.v[0], "xy1.36");
    assert_int_equal(df->global_args.n, 2);
    ld_dockerfile_free(df);
    /* ENV wins over ARG of the same name */
    df = parse_ok("FROM busybox:1\nARG X=fromarg\nENV X=fromenv\nARG X=again\nUSER $X\n");
    assert_string_equal(df->ins[4].args.v[0], "fromenv");
    ld_dockerfile_free(df);
}

static void test_multistage(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("FROM golang:1.22 AS build\n"
                                 "RUN go build -o /app\n"
                                 "FROM scratch\n"
                                 "COPY --from=build /app /app\n"
                                 "FROM BUILD AS again\n"
                                 "USER 1000\n");
    assert_int_equal(df->n_stages, 3);
    assert_int_equal(df->stages[0].parent, -1);
    assert_int_equal(df->stages[1].parent, -1);
    assert_null(df->stages[1].alias);
    assert_int_equal(df->stages[2].parent, 0);
    assert_int_equal(df->stages[1].first, 2);
    assert_int_equal(df->stages[1].end, 4);
    assert_int_equal(df->ins[3].stage, 1);
    assert_ptr_equal(ld_dockerfile_final_stage(df), &df->stages[2]);
    ld_dockerfile_free(df);
    const char *t = "FROM a:1 AS 1bad\n";
    parse_err(t, strlen(t), "invalid name for build stage");
    t = "FROM a:1 AS\n";
    parse_err(t, strlen(t), "FROM requires either one or three arguments");
    t = "ARG X\nFROM $X\n";
    parse_err(t, strlen(t), "Dockerfile:2: base name ($X) should not be blank");
}

static void test_onbuild_and_healthcheck(void **state)
{
    (void)state;
    ld_dockerfile *df = parse_ok("FROM busybox:1\n"
                                 "ONBUILD ADD https://example.com/x /x\n"
                                 "onbuild run <<EOF\n"
                                 "echo hi\n"
                                 "EOF\n"
                                 "HEALTHCHECK --interval=5s CMD [\"wget\", \"-q\", \"localhost\"]\n"
                                 "HEALTHCHECK NONE\n");
    assert_int_equal(df->ins[1].kind, LD_DF_ONBUILD);
    assert_non_null(df->ins[1].sub);
    assert_int_equal(df->ins[1].sub->kind, LD_DF_ADD);
    assert_string_equal(df->ins[1].sub->args.v[0], "https://example.com/x");
    assert_int_equal(df->ins[2].sub->n_heredocs, 1);
    assert_int_equal(df->ins[2].end_line, 5);
    assert_true(df->ins[3].json);
    assert_string_equal(df->ins[3].flags.v[0], "--interval=5s");
    assert_false(df->ins[3].health_none);
    assert_true(df->ins[4].health_none);
    ld_dockerfile_free(df);
    const char *t = "FROM busybox:1\nONBUILD ONBUILD RUN x\n";
    parse_err(t, strlen(t), "ONBUILD isn't allowed as an ONBUILD trigger");
    t = "FROM busybox:1\nONBUILD FROM x\n";
    parse_err(t, strlen(t), "FROM isn't allowed as an ONBUILD trigger");
    t = "FROM busybox:1\nHEALTHCHECK FOO bar\n";
    parse_err(t, strlen(t), "unknown type");
    t = "FROM busybox:1\nHEALTHCHECK NONE x\n";
    parse_err(t, strlen(t), "HEALTHCHECK NONE takes no arguments");
}

static void test_structure_errors(void **state)
{
    (void)state;
    const char *t = "FROM busybox:1\nRUN echo\nFOO bar\n";
    assert_int_equal(parse_err(t, strlen(t), "Dockerfile:3: unknown instruction: FOO"),
                     LD_ERR_CORRUPT);
    t = "RUN echo hi\nFROM x:1\n";
    parse_err(t, strlen(t), "Dockerfile:1: RUN before the first FROM");
    t = "# only a comment\n\n";
    parse_err(t, strlen(t), "file with no instructions");
    t = "ARG A=1\n";
    parse_err(t, strlen(t), "no FROM instruction");
    t = "FROM busybox:1\nCOPY onlyone\n";
    parse_err(t, strlen(t), "COPY requires at least two arguments");
    t = "FROM busybox:1\nUSER a b\n";
    parse_err(t, strlen(t), "USER requires exactly one argument");
    t = "FROM busybox:1\nENV =x\n";
    parse_err(t, strlen(t), "names can not be blank");
    t = "FROM busybox:1\nENV A=1 B\n";
    parse_err(t, strlen(t), "no '='");
    t = "FROM busybox:1\nRUN\n";
    parse_err(t, strlen(t), "RUN requires at least one argument");
}

static void test_hostile_limits(void **state)
{
    (void)state;
    /* NUL byte */
    const char nul[] = "FROM busybox:1\nRUN a\0b\n";
    parse_err(nul, sizeof(nul) - 1, "Dockerfile:2: NUL byte");
    /* oversize file */
    size_t big = LD_DF_MAX_BYTES + 1;
    char *buf = ld_xmalloc(big);
    memset(buf, '#', big);
    assert_int_equal(parse_err(buf, big, "larger than"), LD_ERR_LIMIT);
    /* an over-long physical line */
    size_t ll = LD_DF_MAX_LINE + 100;
    memcpy(buf, "FROM busybox:1\nRUN ", 19);
    memset(buf + 19, 'a', ll);
    assert_int_equal(parse_err(buf, 19 + ll, "Dockerfile:2: line longer than"), LD_ERR_LIMIT);
    free(buf);
    /* too many instructions */
    size_t n = LD_DF_MAX_INSTRUCTIONS + 2;
    buf = ld_xmalloc(16 + n * 8);
    size_t off = 0;
    memcpy(buf, "FROM busybox:1\n", 15);
    off = 15;
    for (size_t i = 0; i < n; i++) {
        memcpy(buf + off, "RUN a\n", 6);
        off += 6;
    }
    assert_int_equal(parse_err(buf, off, "more than 10000 instructions"), LD_ERR_LIMIT);
    free(buf);
    /* exponential growth through ENV doubling hits the substitution budget */
    char *text = NULL;
    size_t tl = 0;
    FILE *f = open_memstream(&text, &tl);
    fputs("FROM busybox:1\nENV A=0123456789abcdef0123456789abcdef\n", f);
    for (int i = 0; i < 40; i++)
        fputs("ENV A=$A$A\n", f);
    fclose(f);
    assert_int_equal(parse_err(text, tl, "more than"), LD_ERR_LIMIT);
    free(text);
    /* nesting depth */
    char nest[512] = "FROM busybox:1\nUSER ";
    for (int i = 0; i < 40; i++)
        strncat(nest, "${A:-", sizeof(nest) - strlen(nest) - 1);
    strncat(nest, "x", sizeof(nest) - strlen(nest) - 1);
    for (int i = 0; i < 40; i++)
        strncat(nest, "}", sizeof(nest) - strlen(nest) - 1);
    strncat(nest, "\n", sizeof(nest) - strlen(nest) - 1);
    parse_err(nest, strlen(nest), "nested too deeply");
    /* unterminated quote in a substituted word */
    const char *t = "FROM busybox:1\nUSER \"abc\n";
    parse_err(t, strlen(t), "Dockerfile:2: unterminated double quote");
}

static void test_expand_word_api(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    char *s = ld_df_expand_word("a\\ b'c d'\"e\\\"f\"", '\\', NULL, NULL, &err);
    assert_non_null(s);
    assert_string_equal(s, "a bc de\"f");
    free(s);
    s = ld_df_expand_word("$ alone ${", '\\', NULL, NULL, &err);
    assert_null(s);
    assert_true(strstr(err.msg, "bad substitution") != NULL);
}

static void test_load_errors(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    assert_null(ld_dockerfile_load("/nonexistent/Dockerfile", &err));
    assert_int_equal(err.code, LD_ERR_NOT_FOUND);
    assert_true(strstr(err.msg, "/nonexistent/Dockerfile") != NULL);
    ld_error_clear(&err);
    assert_null(ld_dockerfile_load("/tmp", &err));
    assert_true(strstr(err.msg, "is a directory") != NULL);
    /* a real file reads and parses */
    char path[] = "/tmp/ld-df-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *t = "FROM busybox:1\nUSER app\n";
    assert_int_equal(write(fd, t, strlen(t)), (ssize_t)strlen(t));
    close(fd);
    ld_dockerfile *df = ld_dockerfile_load(path, &err);
    assert_non_null(df);
    assert_string_equal(df->name, path);
    assert_int_equal(df->n, 2);
    ld_dockerfile_free(df);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_lines_and_case),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_escape_directive),
        cmocka_unit_test(test_directive_only_at_top),
        cmocka_unit_test(test_directive_errors),
        cmocka_unit_test(test_continuation_comments_blank_trailing_ws),
        cmocka_unit_test(test_heredocs),
        cmocka_unit_test(test_heredoc_unterminated),
        cmocka_unit_test(test_json_and_shell_forms),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_substitution_forms),
        cmocka_unit_test(test_arg_scoping),
        cmocka_unit_test(test_multistage),
        cmocka_unit_test(test_onbuild_and_healthcheck),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_hostile_limits),
        cmocka_unit_test(test_expand_word_api),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
