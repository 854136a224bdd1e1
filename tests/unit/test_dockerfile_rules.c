/* Unit tests for the Dockerfile lint rules (checks/dockerfile_rules.c):
 * each rule seen to fail (with the right line) and to pass, CIS 4.9 (ADD of
 * local files, local archives, pinned and unpinned remote sources), secrets
 * masked in every evidence string the way secret findings mask them, one
 * pass result per clean rule, the trusted-registry rule not assessed
 * without a list, and findings added to a findings set with the Dockerfile
 * line as location (what JSON target.line and SARIF region.startLine
 * render). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks/dockerfile_parse.h"
#include "checks/dockerfile_rules.h"
#include "checks/secrets.h"
#include "core/catalog.h"
#include "core/findings.h"
#include "util/mem.h"

/* A clean final stage so single-rule tests are not noisy. */
#define TAIL "USER app\nHEALTHCHECK CMD [\"true\"]\n"

static ld_df_results lint_text(const char *text, const char *trusted_csv)
{
    ld_error err = LD_ERROR_INIT;
    ld_dockerfile *df = ld_dockerfile_parse("Dockerfile", text, strlen(text), &err);
    if (!df)
        fail_msg("parse failed: %s", err.msg);
    ld_strlist trusted = {0};
    if (trusted_csv) {
        char *dup = ld_xstrdup(trusted_csv), *save = NULL;
        for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save))
            ld_strlist_push(&trusted, t);
        free(dup);
    }
    ld_df_results res = {0};
    ld_dockerfile_lint(df, &trusted, &res);
    ld_strlist_clear(&trusted);
    ld_dockerfile_free(df);
    /* every result has a rule, a valid status, and each rule appears */
    size_t n;
    const ld_df_rule *rules = ld_df_rules(&n);
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        for (size_t k = 0; k < res.n; k++)
            if (res.v[k].rule == &rules[i])
                c++;
        if (c == 0)
            fail_msg("rule %s has no result", rules[i].id);
    }
    return res;
}

static size_t fails(const ld_df_results *r, const char *id)
{
    return ld_df_results_count(r, id, LD_STATUS_FAIL);
}
static size_t passes(const ld_df_results *r, const char *id)
{
    return ld_df_results_count(r, id, LD_STATUS_PASS);
}

/* The first failing result of id (asserts there is one). */
static const ld_df_result *first_fail(const ld_df_results *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].rule->id, id) == 0 && r->v[i].status == LD_STATUS_FAIL)
            return &r->v[i];
    fail_msg("no failing result for %s", id);
    return NULL;
}

/* Expects id to fail exactly `count` times, the first on `line`. */
static void expect_fail(const char *text, const char *id, size_t count, int line)
{
    ld_df_results r = lint_text(text, NULL);
    if (fails(&r, id) != count)
        fail_msg("%s: %zu failures, expected %zu", id, fails(&r, id), count);
    assert_int_equal(first_fail(&r, id)->line, line);
    assert_int_equal(passes(&r, id), 0);
    ld_df_results_clear(&r);
}

static void expect_pass(const char *text, const char *id)
{
    ld_df_results r = lint_text(text, NULL);
    if (fails(&r, id) != 0)
        fail_msg("%s failed: %s", id, first_fail(&r, id)->evidence);
    assert_int_equal(passes(&r, id), 1);
    ld_df_results_clear(&r);
}

static void test_user(void **state)
{
    (void)state;
    expect_fail("FROM busybox:1\nRUN true\n", "dockerfile.user", 1, 1);
    expect_fail("FROM busybox:1\nUSER app\nUSER root\n", "dockerfile.user", 1, 3);
    expect_fail("FROM busybox:1\nUSER 0:0\n", "dockerfile.user", 1, 2);
    expect_fail("FROM busybox:1 AS b\nUSER app\nFROM busybox:1\nRUN true\n", "dockerfile.user", 1,
                3);
    expect_pass("FROM busybox:1\nUSER root\nRUN true\nUSER 1000:1000\n", "dockerfile.user");
    expect_pass("ARG U=app\nFROM busybox:1\nARG U\nUSER $U\n", "dockerfile.user");
    /* USER carries over FROM <stage> */
    expect_pass("FROM busybox:1 AS b\nUSER app\nFROM b\nRUN true\n", "dockerfile.user");
    ld_df_results r = lint_text("FROM busybox:1\nUSER app\n", NULL);
    for (size_t i = 0; i < r.n; i++)
        if (strcmp(r.v[i].rule->id, "dockerfile.user") == 0) {
            assert_int_equal(r.v[i].line, 2);
            assert_string_equal(r.v[i].evidence, "USER app");
        }
    ld_df_results_clear(&r);
}

static void test_sudo(void **state)
{
    (void)state;
    expect_fail("FROM busybox:1\n" TAIL "RUN sudo make install\n", "dockerfile.sudo", 1, 4);
    expect_fail("FROM debian:12\n" TAIL "RUN apt-get install -y --no-install-recommends sudo=1.9\n",
                "dockerfile.sudo", 1, 4);
    expect_fail("FROM alpine:3\n" TAIL "RUN apk add --no-cache sudo\n", "dockerfile.sudo", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "RUN FOO=1 env -u X sudo -u app id\n", "dockerfile.sudo", 1,
                4);
    expect_pass("FROM busybox:1\n" TAIL
                "RUN echo sudo is not used && pseudo-tool && ls /etc/sudoers.d\n",
                "dockerfile.sudo");
}

/* The evidence of the one failing result of id (asserts there is one). */
static char *fail_evidence(const char *text, const char *id)
{
    ld_df_results r = lint_text(text, NULL);
    if (fails(&r, id) != 1)
        fail_msg("%s: %zu failures, expected 1", id, fails(&r, id));
    char *e = ld_xstrdup(first_fail(&r, id)->evidence);
    ld_df_results_clear(&r);
    return e;
}

static void test_add(void **state)
{
    (void)state;
    /* CIS 4.9: COPY, not ADD — every local ADD is a (low) finding */
    expect_fail("FROM busybox:1\n" TAIL "ADD app.py /app/\n", "dockerfile.add-instruction", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "ADD rootfs.tar.gz /\nCOPY app.py /app/\n",
                "dockerfile.add-instruction", 1, 4);
    char *e = fail_evidence("FROM busybox:1\n" TAIL "ADD rootfs.tar.gz /\n",
                            "dockerfile.add-instruction");
    assert_non_null(strstr(e, "unpacks a local archive"));
    free(e);
    expect_pass("FROM busybox:1\n" TAIL "COPY rootfs.tar.gz /\nCOPY https.txt /x\n",
                "dockerfile.add-instruction");
    /* a remote source nothing pins: the remote rule (medium), not both */
    expect_pass("FROM busybox:1\n" TAIL "ADD https://example.com/a /a\n",
                "dockerfile.add-instruction");
    expect_fail("FROM busybox:1\n" TAIL "ADD https://example.com/a.tgz /a\n",
                "dockerfile.remote-add", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "ARG U=https://example.com/x\nADD ${U} /x\n",
                "dockerfile.remote-add", 1, 5);
    expect_fail("FROM busybox:1\n" TAIL "ADD git@github.com:moby/buildkit.git /src\n",
                "dockerfile.remote-add", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "ADD https://github.com/moby/buildkit.git#v0.13.0 /src\n",
                "dockerfile.remote-add", 1, 4);
    /* ftp has no --checksum: still unpinned */
    expect_fail(
        "FROM busybox:1\n" TAIL
        "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc"
        "68d ftp://example.com/a /a\n",
        "dockerfile.remote-add", 1, 4);
    /* pinned remote sources: no longer the remote rule, still ADD (low) */
    const char *pinned =
        "FROM busybox:1\n" TAIL
        "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
        "https://example.com/a /a\n";
    expect_pass(pinned, "dockerfile.remote-add");
    expect_fail(pinned, "dockerfile.add-instruction", 1, 4);
    const char *commit = "FROM busybox:1\n" TAIL "ADD https://github.com/moby/buildkit.git#"
                         "3f4d0e9e0a1b2c3d4e5f60718293a4b5c6d7e8f9 /src\n";
    expect_pass(commit, "dockerfile.remote-add");
    expect_fail(commit, "dockerfile.add-instruction", 1, 4);
    /* one result per instruction, whatever the number of sources */
    expect_fail("FROM busybox:1\n" TAIL "ADD a.py b.py /app/\n", "dockerfile.add-instruction", 1,
                4);
    expect_pass("FROM busybox:1\n" TAIL "COPY https.txt /x\n", "dockerfile.remote-add");
}

static void test_pipe_to_shell(void **state)
{
    (void)state;
    expect_fail("FROM busybox:1\n" TAIL "RUN curl -fsSL https://x/i.sh | sh\n",
                "dockerfile.pipe-to-shell", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "RUN wget -qO- https://x/i.sh | sudo -E bash -s -- -y\n",
                "dockerfile.pipe-to-shell", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "RUN sh -c \"$(curl -fsSL https://x/i.sh)\"\n",
                "dockerfile.pipe-to-shell", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "RUN [\"/bin/sh\", \"-c\", \"curl https://x | bash\"]\n",
                "dockerfile.pipe-to-shell", 1, 4);
    /* in a heredoc: the line of the command */
    expect_fail("FROM busybox:1\n" TAIL "RUN <<EOF\nset -e\ncurl -s https://x \\\n  | bash\nEOF\n",
                "dockerfile.pipe-to-shell", 1, 6);
    expect_pass("FROM busybox:1\n" TAIL
                "RUN curl -fsSLo /tmp/i.sh https://x/i.sh && sha256sum -c sums && sh /tmp/i.sh\n"
                "RUN curl https://x | tar -xz && echo '| sh'\n",
                "dockerfile.pipe-to-shell");
}

static void test_unverified(void **state)
{
    (void)state;
    expect_fail("FROM debian:12\n" TAIL "RUN apt-get install -y --allow-unauthenticated x=1\n",
                "dockerfile.unverified-packages", 1, 4);
    expect_fail("FROM fedora:40\n" TAIL "RUN dnf install -y --nogpgcheck x-1.0\n",
                "dockerfile.unverified-packages", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "RUN curl -k https://x -o /x\n",
                "dockerfile.unverified-packages", 1, 4);
    expect_pass("FROM busybox:1\n" TAIL "RUN curl -fsSL https://x -o /x\n",
                "dockerfile.unverified-packages");
}

static void test_pinning_and_recommends(void **state)
{
    (void)state;
    const char *apt =
        "FROM debian:12\n" TAIL
        "RUN apt-get update && apt-get install -y -o Dpkg::Options::=--force-confold curl \\\n"
        "    ca-certificates=20230311\n";
    expect_fail(apt, "dockerfile.package-pinning", 1, 4);
    expect_fail(apt, "dockerfile.apt-no-recommends", 1, 4);
    ld_df_results r = lint_text(apt, NULL);
    const ld_df_result *f = first_fail(&r, "dockerfile.package-pinning");
    assert_non_null(strstr(f->evidence, "apt-get: curl"));
    assert_null(strstr(f->evidence, "ca-certificates;")); /* pinned, not listed */
    assert_null(strstr(f->evidence, "force-confold;"));   /* -o value, not a package */
    ld_df_results_clear(&r);
    expect_pass("FROM debian:12\n" TAIL
                "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 "
                "&& rm -rf /var/lib/apt/lists/*\n",
                "dockerfile.package-pinning");
    expect_pass("FROM debian:12\n" TAIL
                "RUN apt-get update && apt-get -y install --no-install-recommends curl=7.88.1-10\n",
                "dockerfile.apt-no-recommends");
    expect_fail("FROM alpine:3\n" TAIL "RUN apk add --no-cache --virtual .deps curl\n",
                "dockerfile.package-pinning", 1, 4);
    expect_pass("FROM alpine:3\n" TAIL
                "RUN apk add --no-cache --virtual .deps curl=8.5.0-r0 jq~1.7\n",
                "dockerfile.package-pinning");
    expect_fail("FROM python:3.12\n" TAIL "RUN pip install --no-cache-dir flask\n",
                "dockerfile.package-pinning", 1, 4);
    expect_fail("FROM python:3.12\n" TAIL "RUN python3 -m pip install 'requests>=2'\n",
                "dockerfile.package-pinning", 1, 4);
    expect_pass(
        "FROM python:3.12\n" TAIL
        "RUN pip install -r requirements.txt flask==3.0.0 -i https://pypi.org/simple ./local\n",
        "dockerfile.package-pinning");
    expect_fail("FROM node:20\n" TAIL "RUN npm install -g typescript\n",
                "dockerfile.package-pinning", 1, 4);
    expect_pass("FROM node:20\n" TAIL
                "RUN npm install -g typescript@5.4.5 @angular/cli@17.3.0 && npm install\n",
                "dockerfile.package-pinning");
    expect_fail("FROM fedora:40\n" TAIL "RUN yum install -y httpd\n", "dockerfile.package-pinning",
                1, 4);
    expect_pass("FROM fedora:40\n" TAIL "RUN yum install -y httpd-2.4.57\n",
                "dockerfile.package-pinning");
}

static void test_update_alone(void **state)
{
    (void)state;
    expect_fail("FROM debian:12\n" TAIL
                "RUN apt-get update\nRUN apt-get install -y --no-install-recommends x=1\n",
                "dockerfile.update-alone", 1, 4);
    expect_fail("FROM alpine:3\n" TAIL "RUN apk update\n", "dockerfile.update-alone", 1, 4);
    expect_pass("FROM debian:12\n" TAIL
                "RUN apt-get update \\\n && apt-get install -y --no-install-recommends x=1\n"
                "RUN apk update && apk upgrade\n",
                "dockerfile.update-alone");
    expect_pass("FROM debian:12\n" TAIL "RUN <<EOF\napt-get update\napt-get install -y x=1\nEOF\n",
                "dockerfile.update-alone");
}

static void test_secrets_and_masking(void **state)
{
    (void)state;
    const char *t = "FROM busybox:1\n" TAIL "ENV DB_PASSWORD=hunter2hunter2 APP_MODE=prod\n"
                    "ARG GITHUB_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                    "RUN curl -u admin:s3cr3tpw https://x | sh\n"
                    "RUN git clone https://bob:p4ssw0rd@example.com/r.git\n";
    ld_df_results r = lint_text(t, NULL);
    assert_int_equal(fails(&r, "dockerfile.secrets"), 3);
    assert_int_equal(first_fail(&r, "dockerfile.secrets")->line, 4);
    for (size_t i = 0; i < r.n; i++) {
        const char *e = r.v[i].evidence;
        assert_null(strstr(e, "hunter2"));
        assert_null(strstr(e, "aaaaaaaaaaaaaaaaaaaa"));
        assert_null(strstr(e, "p4ssw0rd"));
    }
    /* the pipe-to-shell finding on the same file keeps its own evidence */
    assert_int_equal(fails(&r, "dockerfile.pipe-to-shell"), 1);
    ld_df_results_clear(&r);
    expect_fail("FROM busybox:1\n" TAIL
                "ENV AWS_SECRET_ACCESS_KEY wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzz\n",
                "dockerfile.secrets", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "LABEL k=AKIAZZZZZZZZZZZZZZZZ\n", "dockerfile.secrets", 1,
                4);
    expect_fail("FROM busybox:1\n" TAIL "ENV NODE_AUTH_TOKEN=abc123 DB_PASS=x\n",
                "dockerfile.secrets", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "ARG dbPassword='p w'\n", "dockerfile.secrets", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "COPY <<EOF /k\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n"
                "-----END OPENSSH PRIVATE KEY-----\nEOF\n",
                "dockerfile.secrets", 1, 5);
    /* not secrets: no value, a reference, a path to a secret file, an example key */
    expect_pass(
        "FROM busybox:1\n" TAIL "ARG NPM_TOKEN\n"
        "ENV DB_PASSWORD=$DB_PASSWORD API_KEY=\"\" POSTGRES_PASSWORD_FILE=/run/secrets/pg\n"
        "ENV TOKEN_URL=https://auth.example.com/token\n"
        "ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
        "ENV TOKENIZERS_PARALLELISM=false PASSWORD_AUTH=no SECRET_SCANNING=off\n"
        "ENV HF_HUB_DISABLE_TOKENS_WARNING=1 GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n"
        "RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci\n",
        "dockerfile.secrets");
    /* masking API */
    ld_error err = LD_ERROR_INIT;
    const char *src = "FROM busybox:1\nENV MY_SECRET=abc\n";
    ld_dockerfile *df = ld_dockerfile_parse("D", src, strlen(src), &err);
    assert_non_null(df);
    char *m = ld_df_mask_secrets(&df->ins[1], df->ins[1].text);
    assert_string_equal(m, "ENV MY_SECRET=****");
    free(m);
    ld_dockerfile_free(df);
}

#define GH_TOKEN "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngAbCdEf0123"
#define AWS_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

/* Evidence masks a secret exactly as a secret finding's excerpt does, in
 * every rule's evidence, for real token shapes. */
static void test_evidence_masking_real_tokens(void **state)
{
    (void)state;
    char gh_mask[LD_SECRET_MASK_MAX];
    ld_secret_mask(GH_TOKEN, strlen(GH_TOKEN), gh_mask);
    const char *t =
        "FROM busybox:1\n" TAIL "ARG TOKEN=" GH_TOKEN "\n"
        "RUN curl -fsSL https://x/i.sh | sh && printf 'aws_secret_access_key = " AWS_SECRET
        "' > /root/.aws/credentials\n"
        "RUN <<EOF\nset -e\nexport NPM_TOKEN=npm_Qw8Er4Ty2Ui6Op0As3Df7Gh1Jk5Lz9Xc2VbN\n"
        "npm ci\nEOF\n"
        "RUN curl -k -H \"Authorization: Bearer " GH_TOKEN "\" https://api.example.org/\n";
    ld_df_results r = lint_text(t, NULL);
    /* the ARG (name and token), the heredoc line (npm token rule), the header */
    assert_true(fails(&r, "dockerfile.secrets") >= 3);
    assert_int_equal(fails(&r, "dockerfile.pipe-to-shell"), 1);
    assert_int_equal(fails(&r, "dockerfile.unverified-packages"), 1);
    bool saw_arg = false;
    for (size_t i = 0; i < r.n; i++) {
        const char *e = r.v[i].evidence;
        if (strstr(e, "R4nd0mT0k3nV4lu3") || strstr(e, "K7MDENG") ||
            strstr(e, "Qw8Er4Ty2Ui6Op0As3Df7"))
            fail_msg("%s shows a secret: %s", r.v[i].rule->id, e);
        if (r.v[i].line == 4 && strcmp(r.v[i].rule->id, "dockerfile.secrets") == 0) {
            char want[64];
            snprintf(want, sizeof(want), "ARG TOKEN=%s", gh_mask);
            assert_non_null(strstr(e, want));
            saw_arg = true;
        }
    }
    assert_true(saw_arg);
    ld_df_results_clear(&r);
    /* the example key AWS documents is not reported (allow rule), yet never shown */
    ld_error err = LD_ERROR_INIT;
    const char *src = "FROM busybox:1\nRUN printf 'aws_secret_access_key = " AWS_SECRET "' > f\n";
    ld_dockerfile *df = ld_dockerfile_parse("D", src, strlen(src), &err);
    assert_non_null(df);
    char *m = ld_df_mask_secrets(&df->ins[1], df->ins[1].text);
    assert_null(strstr(m, "K7MDENG"));
    assert_non_null(strstr(m, "aws_secret_access_key = wJal*"));
    free(m);
    ld_dockerfile_free(df);
    /* a parse error quoting the offending word masks it too */
    const char *bad = "FROM busybox:1\nENV A=1 " GH_TOKEN "\n";
    assert_null(ld_dockerfile_parse("D", bad, strlen(bad), &err));
    assert_non_null(strstr(err.msg, "no '='"));
    assert_null(strstr(err.msg, "R4nd0mT0k3nV4lu3"));
    bad = "FROM busybox:1\n" GH_TOKEN " x\n"; /* a token where an instruction should be */
    assert_null(ld_dockerfile_parse("D", bad, strlen(bad), &err));
    assert_non_null(strstr(err.msg, "unknown instruction: ghp_"));
    assert_null(strstr(err.msg, "R4nd0mT0k3nV4lu3"));
}

static void test_from_latest_and_trusted(void **state)
{
    (void)state;
    expect_fail("FROM ubuntu\n" TAIL, "dockerfile.from-latest", 1, 1);
    expect_fail("FROM busybox:1 AS a\nFROM registry.example.com:5000/team/app:latest\n" TAIL,
                "dockerfile.from-latest", 1, 2);
    expect_fail("ARG V\nFROM alpine${V}\n" TAIL, "dockerfile.from-latest", 1, 2);
    expect_pass("FROM busybox:1.36 AS b\nFROM scratch\nCOPY --from=b /bin/busybox /\n"
                "FROM b\nFROM "
                "alpine@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b\n"
                "FROM localhost:5000/x:2\n" TAIL,
                "dockerfile.from-latest");
    /* trusted registries */
    const char *t = "FROM busybox:1 AS a\nFROM ghcr.io/acme/app:1\nFROM ghcr.io/other/app:1\n"
                    "FROM registry.example.com/x:1\nFROM a\nFROM scratch\n" TAIL;
    ld_df_results r = lint_text(t, "ghcr.io/acme,registry.example.com");
    assert_int_equal(fails(&r, "dockerfile.base-trusted"),
                     2); /* busybox (docker.io), ghcr.io/other */
    assert_int_equal(first_fail(&r, "dockerfile.base-trusted")->line, 1);
    ld_df_results_clear(&r);
    r = lint_text("FROM docker.io/library/busybox:1\nFROM busybox:1\n" TAIL, "docker.io");
    assert_int_equal(fails(&r, "dockerfile.base-trusted"), 0);
    assert_int_equal(passes(&r, "dockerfile.base-trusted"), 1);
    ld_df_results_clear(&r);
    r = lint_text("FROM ghcr.io/acmeco/app:1\n" TAIL, "ghcr.io/acme"); /* whole components */
    assert_int_equal(fails(&r, "dockerfile.base-trusted"), 1);
    ld_df_results_clear(&r);
    /* no list: not assessed (never a pass), with a note */
    r = lint_text("FROM busybox:1\n" TAIL, NULL);
    assert_int_equal(ld_df_results_count(&r, "dockerfile.base-trusted", LD_STATUS_ERROR), 1);
    assert_int_equal(passes(&r, "dockerfile.base-trusted"), 0);
    assert_int_equal(r.notes.n, 1);
    assert_non_null(strstr(r.notes.v[0], "trusted-registries"));
    ld_df_results_clear(&r);
}

static void test_healthcheck(void **state)
{
    (void)state;
    expect_fail("FROM busybox:1\nUSER app\n", "dockerfile.healthcheck", 1, 1);
    expect_fail("FROM busybox:1\nHEALTHCHECK CMD true\nFROM busybox:1\nUSER app\n",
                "dockerfile.healthcheck", 1, 3);
    expect_fail("FROM busybox:1\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n",
                "dockerfile.healthcheck", 1, 3);
    expect_pass("FROM busybox:1 AS b\nHEALTHCHECK --interval=30s CMD wget -q -O /dev/null "
                "http://localhost/\n"
                "FROM b\nUSER app\n",
                "dockerfile.healthcheck");
}

static void test_chmod(void **state)
{
    (void)state;
    expect_fail("FROM busybox:1\n" TAIL "RUN chmod -R 777 /app\n", "dockerfile.chmod-777", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "RUN chmod a+rwx /app\n", "dockerfile.chmod-777", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "RUN chmod u+x,o+w /app\n", "dockerfile.chmod-777", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "RUN chmod 0666 /f\n", "dockerfile.chmod-777", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "COPY --chmod=777 a /a\n", "dockerfile.chmod-777", 1, 4);
    expect_pass("FROM busybox:1\n" TAIL
                "RUN chmod 755 /app && chmod 1777 /tmp && chmod u+rwx,go+rx /x "
                "&& chmod -R g+w /y && echo chmod 777\nCOPY --chmod=0644 a /a\n",
                "dockerfile.chmod-777");
}

static void test_sensitive_port(void **state)
{
    (void)state;
    expect_fail("FROM busybox:1\n" TAIL "EXPOSE 80 22/tcp\n", "dockerfile.sensitive-port", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "ARG P=2375\nEXPOSE $P\n", "dockerfile.sensitive-port", 1,
                5);
    expect_fail("FROM busybox:1\n" TAIL "EXPOSE 20-25\n", "dockerfile.sensitive-port", 1, 4);
    expect_pass("FROM busybox:1\n" TAIL "EXPOSE 80 443/tcp 8022 2222\n",
                "dockerfile.sensitive-port");
}

static void test_onbuild_rules(void **state)
{
    (void)state;
    expect_fail("FROM busybox:1\n" TAIL "ONBUILD RUN curl https://x | sh\n",
                "dockerfile.pipe-to-shell", 1, 4);
    expect_fail("FROM busybox:1\n" TAIL "ONBUILD ADD . /src\n", "dockerfile.add-instruction", 1, 4);
}

static void test_clean_file_all_pass(void **state)
{
    (void)state;
    ld_df_results r = lint_text("FROM busybox:1.36\nCOPY app /app\nUSER 1000\n"
                                "HEALTHCHECK CMD [\"/app\", \"--health\"]\nCMD [\"/app\"]\n",
                                "docker.io/library");
    size_t n;
    const ld_df_rule *rules = ld_df_rules(&n);
    assert_int_equal(n, 15);
    assert_int_equal(r.n, n); /* one pass result per rule */
    for (size_t i = 0; i < r.n; i++)
        assert_int_equal(r.v[i].status, LD_STATUS_PASS);
    /* every rule id is implemented and in the catalog */
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    assert_non_null(cat);
    for (size_t i = 0; i < n; i++) {
        assert_true(ld_check_implemented(rules[i].id));
        assert_non_null(ld_catalog_control_for_check(cat, rules[i].id));
        assert_ptr_equal(ld_df_rule_find(rules[i].id), &rules[i]);
    }
    ld_catalog_free(cat);
    ld_df_results_clear(&r);
}

/* Lints text as app/Dockerfile and adds the results to a new findings
 * set (caller frees it). */
static ld_findings *findings_of(const char *text, ld_catalog *cat)
{
    ld_error err = LD_ERROR_INIT;
    ld_dockerfile *df = ld_dockerfile_parse("app/Dockerfile", text, strlen(text), &err);
    assert_non_null(df);
    ld_findings *fs = ld_findings_new(cat, 0);
    ld_df_results res = {0};
    ld_dockerfile_lint(df, NULL, &res);
    if (ld_dockerfile_report(fs, "app/Dockerfile", &res, &err) < 0)
        fail_msg("report: %s", err.msg);
    assert_int_equal(fs->n, res.n); /* one finding per result */
    ld_df_results_clear(&res);
    ld_dockerfile_free(df);
    return fs;
}

static void test_report_locations(void **state)
{
    (void)state;
    ld_error err = LD_ERROR_INIT;
    ld_catalog *cat = ld_catalog_load_builtin(&err);
    assert_non_null(cat);
    const char *text = "FROM busybox:1\n\n# c\nRUN apt-get update\nUSER root\n";
    ld_findings *fs = findings_of(text, cat);
    bool saw_update = false, saw_user = false;
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        assert_int_equal(f->target.kind, LD_TARGET_FILE);
        assert_string_equal(f->target.id, "app/Dockerfile");
        assert_string_equal(f->target.path, "app/Dockerfile");
        if (strcmp(f->check_id, "dockerfile.update-alone") == 0 && f->status == LD_STATUS_FAIL) {
            saw_update = true;
            assert_int_equal(f->target.line, 4);
            assert_string_equal(f->control->id, "CIS-DOCKER-4.7");
            assert_int_equal(f->severity, LD_SEV_LOW);
            assert_string_equal(ld_finding_title(f), ld_df_rule_find(f->check_id)->title);
        }
        if (strcmp(f->check_id, "dockerfile.user") == 0) {
            saw_user = true;
            assert_int_equal(f->status, LD_STATUS_FAIL);
            assert_int_equal(f->target.line, 5);
            assert_int_equal(f->severity, LD_SEV_HIGH);
        }
        /* without a trusted-registries list the rule could not be judged */
        if (strcmp(f->check_id, "dockerfile.base-trusted") == 0)
            assert_int_equal(f->status, LD_STATUS_ERROR);
    }
    assert_true(saw_update && saw_user);
    /* the run owes every dockerfile rule, and the note says what was not assessed */
    const ld_scope_entry *sc = ld_findings_scope_of(fs, "dockerfile.user");
    assert_non_null(sc);
    assert_int_equal(sc->state, LD_SCOPE_OWED);
    assert_true(fs->notes.n >= 1);
    ld_findings_free(fs);
    /* CIS 4.9 findings: local ADD low, unpinned remote ADD medium */
    fs = findings_of("FROM busybox:1\n" TAIL "ADD app.tgz /opt/\nADD https://example.com/x /x\n",
                     cat);
    size_t add = 0, remote = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const ld_finding *f = fs->v[i];
        if (f->status != LD_STATUS_FAIL)
            continue;
        if (strcmp(f->check_id, "dockerfile.add-instruction") == 0) {
            add++;
            assert_int_equal(f->severity, LD_SEV_LOW);
            assert_int_equal(f->target.line, 4);
            assert_string_equal(f->control->id, "CIS-DOCKER-4.9");
        }
        if (strcmp(f->check_id, "dockerfile.remote-add") == 0) {
            remote++;
            assert_int_equal(f->severity, LD_SEV_MEDIUM);
            assert_int_equal(f->target.line, 5);
        }
    }
    assert_int_equal(add, 1);
    assert_int_equal(remote, 1);
    ld_findings_free(fs);
    ld_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user),
        cmocka_unit_test(test_sudo),
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_pipe_to_shell),
        cmocka_unit_test(test_unverified),
        cmocka_unit_test(test_pinning_and_recommends),
        cmocka_unit_test(test_update_alone),
        cmocka_unit_test(test_secrets_and_masking),
        cmocka_unit_test(test_evidence_masking_real_tokens),
        cmocka_unit_test(test_from_latest_and_trusted),
        cmocka_unit_test(test_healthcheck),
        cmocka_unit_test(test_chmod),
        cmocka_unit_test(test_sensitive_port),
        cmocka_unit_test(test_onbuild_rules),
        cmocka_unit_test(test_clean_file_all_pass),
        cmocka_unit_test(test_report_locations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
