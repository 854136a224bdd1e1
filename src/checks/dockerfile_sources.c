/* Rules on where an image's content comes from: ADD (CIS 4.9: COPY, not
 * ADD) — remote sources nothing pins (dockerfile.remote-add), local files,
 * local archives and pinned remote sources (dockerfile.add-instruction) —
 * and remote fetches in RUN commands: curl/wget with TLS verification off,
 * downloads piped into a shell (dockerfile.pipe-to-shell). COPY/ADD
 * --chmod goes to the world-writable test of dockerfile_privilege.c. Not for
 * package managers (dockerfile_packages.c) or base images
 * (dockerfile_stages.c). */
#include <stdlib.h>
#include <string.h>

#include "checks/dockerfile_rules_internal.h"
#include "util/mem.h"

static bool downloads(const char *name)
{
    return strcmp(name, "curl") == 0 || strcmp(name, "wget") == 0;
}

/* Remote fetches in RUN command k of all (command word ci): curl or wget
 * with TLS verification off (dockerfile.unverified-packages), a download
 * piped into a shell, reported where the downloading command is, and a
 * shell running a downloaded script through $(...), `...` or <(...)
 * (dockerfile.pipe-to-shell). */
void df_check_fetch(df_lint *L, const df_shcmds *all, size_t k, const df_cmd_at *a, size_t ci)
{
    const df_shcmd *c = &all->v[k];
    const ld_strlist *w = &c->w;
    const char *name = df_base_name(w->v[ci]);
    /* downloads: TLS verification off */
    if (downloads(name))
        for (size_t i = ci + 1; i < w->n; i++)
            if (strcmp(w->v[i], "-k") == 0 || strcmp(w->v[i], "--insecure") == 0 ||
                strcmp(w->v[i], "--no-check-certificate") == 0)
                df_fail_at(L, R_UNVERIFIED, a->line, a->context, "%s %s", name, w->v[i]);
    /* pipe into a shell: an earlier command of the same pipeline downloads */
    if (df_is_shell(name) && c->pos > 0) {
        for (size_t j = k; j-- > 0;) {
            const df_shcmd *e = &all->v[j];
            if (e->pipeline != c->pipeline)
                break; /* a pipeline's commands are contiguous */
            bool s2 = false;
            size_t ei = df_command_index(&e->w, &s2);
            if (ei < e->w.n && downloads(df_base_name(e->w.v[ei]))) {
                /* report where the downloading command is */
                df_fail_at(L, R_PIPE, a->script ? e->line : a->line,
                           a->script ? a->script + e->start : a->context, "%s | %s",
                           df_base_name(e->w.v[ei]), name);
                break;
            }
        }
    }
    if (df_is_shell(name)) {
        for (size_t i = ci + 1; i < w->n; i++) {
            const char *o = w->v[i];
            if (strstr(o, "$(curl") || strstr(o, "$(wget") || strstr(o, "`curl") ||
                strstr(o, "`wget") || strstr(o, "<(curl") || strstr(o, "<(wget"))
                df_fail_at(L, R_PIPE, a->line, a->context, "%s runs a downloaded script", name);
        }
    }
}

static bool is_git(const char *s)
{
    return df_starts_with(s, "git@") || df_starts_with(s, "git://") ||
           df_starts_with(s, "ssh://") ||
           ((df_starts_with(s, "http://") || df_starts_with(s, "https://")) &&
            (strstr(s, ".git#") || df_ends_with(s, ".git")));
}

static bool is_url(const char *s)
{
    return df_starts_with(s, "http://") || df_starts_with(s, "https://") ||
           df_starts_with(s, "ftp://") || is_git(s);
}

/* A git source pinned to a full commit id: "...#<40 or 64 hex digits>". */
static bool git_commit_pinned(const char *s)
{
    const char *h = strrchr(s, '#');
    if (!h)
        return false;
    size_t n = strlen(h + 1);
    if (n != 40 && n != 64)
        return false;
    for (size_t i = 1; i <= n; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f') ||
              (h[i] >= 'A' && h[i] <= 'F')))
            return false;
    return true;
}

static bool is_archive(const char *s)
{
    static const char *const ext[] = {".tar",     ".tar.gz", ".tgz",    ".tar.bz2",
                                      ".tbz2",    ".tbz",    ".tar.xz", ".txz",
                                      ".tar.zst", ".tzst",   ".tar.lz", ".tar.lzma"};
    size_t n = strlen(s);
    char *low = ld_xstrdup(s);
    for (size_t i = 0; i < n; i++)
        if (low[i] >= 'A' && low[i] <= 'Z')
            low[i] = (char)(low[i] - 'A' + 'a');
    bool hit = false;
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]) && !hit; i++)
        hit = df_ends_with(low, ext[i]);
    free(low);
    return hit;
}

/* ADD/COPY: --chmod, then CIS 4.9 (COPY, not ADD) for every ADD source:
 *  - a URL or git source nothing pins (no --checksum for http(s), no
 *    commit id for git; ftp has no --checksum at all): dockerfile.remote-add
 *    (medium: unverified content enters the image);
 *  - a local file, a local archive (ADD unpacks it implicitly), or a remote
 *    source pinned by --checksum or a commit id: dockerfile.add-instruction
 *    (low: COPY, or a verified download in RUN, says what happens). */
void df_check_add_copy(df_lint *L, const ld_df_instr *in)
{
    const ld_strlist *fl = in->flags_expanded.n ? &in->flags_expanded : &in->flags;
    const char *mode = df_flag_value(fl, "--chmod");
    if (mode && df_world_writable_mode(mode))
        df_fail(L, R_CHMOD, "--chmod=%s", mode);
    if (in->kind != LD_DF_ADD)
        return;
    bool checksum = df_flag_value(fl, "--checksum") != NULL;
    for (size_t i = 0; i + 1 < in->args.n; i++) {
        const char *s = in->args.v[i];
        if (is_git(s)) {
            if (checksum || git_commit_pinned(s))
                df_fail(L, R_ADD,
                        "%s is pinned; a git checkout in RUN or COPY --from a stage "
                        "says what happens",
                        s);
            else
                df_fail(L, R_REMOTE_ADD, "%s: no commit id pins it", s);
        } else if (is_url(s)) {
            bool http = df_starts_with(s, "http://") || df_starts_with(s, "https://");
            if (http && checksum)
                df_fail(L, R_ADD,
                        "%s is pinned by --checksum; a verified download in RUN "
                        "says what happens",
                        s);
            else
                df_fail(L, R_REMOTE_ADD, "%s", s);
        } else if (is_archive(s)) {
            df_fail(L, R_ADD,
                    "%s: ADD unpacks a local archive implicitly; COPY it and extract "
                    "it in RUN",
                    s);
        } else {
            df_fail(L, R_ADD, "COPY would do");
        }
    }
}
