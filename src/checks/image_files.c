/* File-system and account checks of an image's final file system: SSH and
 * remote-shell servers (by file name, and in Cmd/Entrypoint), setuid and
 * setgid files, world-writable files and directories outside the sticky
 * temp dirs, package-manager caches left behind, empty password hashes and
 * extra uid-0 accounts (/etc/shadow, /etc/passwd), and sudo. Evidence names
 * the file and the layer (with its history entry) that wrote it. Never a
 * pass on what the reader could not see: a file-system check with paths
 * missing from the index (a dir: walk that could not list them) and an
 * account check whose file exists but was not read (a link that leads
 * nowhere inside the image, a file over the limit, unreadable) are "not
 * assessed" with the reason; "no /etc/passwd" is said only when there is
 * no such path. Not for file content other than the account files
 * (secrets.c does content). */
#include "checks/image_checks.h"

#include <fnmatch.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mem.h"

#define MAX_LISTED 50 /* per check; the rest is counted in one summary finding */
/* ld_analyzer.name of image_scan.c's account-file reader: the gaps about
 * /etc/passwd and /etc/shadow name it */
#define ACCOUNTS_ANALYZER "accounts"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Emits a fail finding about file e, naming its layer. */
static int file_fail(ld_findings *r, const ld_image_facts *f, const char *check,
                     const ld_file_entry *e, ld_error *err, const char *what)
{
    ld_autofree char *ld = ld_image_layer_desc(f->img, e->layer);
    return ld_image_emit(r, f, check, LD_STATUS_FAIL, e->path, err,
                         "%s %s (mode %04o, uid %u) written by %s", e->path, what,
                         (unsigned)(e->mode & 07777), (unsigned)e->uid, ld);
}

static const char *const remote_shells[] = {
    "sshd", "dropbear", "dropbearmulti", "telnetd", "in.telnetd", "utelnetd", "rshd", "in.rshd",
    "rlogind", "in.rlogind", "rexecd", "in.rexecd", "tinysshd", "xrdp", "x11vnc", "vncserver",
    "Xvnc", "shellinaboxd", "ttyd", "gotty", NULL};

static bool is_remote_shell(const char *name)
{
    for (size_t i = 0; remote_shells[i]; i++)
        if (strcmp(name, remote_shells[i]) == 0)
            return true;
    return false;
}

/* Remote-shell servers named in Cmd or Entrypoint. */
static int cmd_remote_shell(ld_findings *r, const ld_image_facts *f, size_t *found, ld_error *err)
{
    if (!f->config_json)
        return 0;
    json_error_t je;
    json_t *root = json_loads(f->config_json, 0, &je);
    json_t *cfg = json_object_get(root, "config");
    static const char *const fields[] = {"Entrypoint", "Cmd"};
    int rc = 0;
    for (size_t k = 0; k < 2 && rc == 0; k++) {
        json_t *a = json_object_get(cfg, fields[k]);
        for (size_t i = 0; i < json_array_size(a) && rc == 0; i++) {
            const char *s = json_string_value(json_array_get(a, i));
            if (!s)
                continue;
            /* any word of the argument (shell-form "sh -c '/usr/sbin/sshd -D'") */
            ld_autofree char *copy = ld_xstrdup(s);
            char *save = NULL;
            for (char *w = strtok_r(copy, " \t;&|'\"", &save); w && rc == 0;
                 w = strtok_r(NULL, " \t;&|'\"", &save))
                if (is_remote_shell(base_name(w))) {
                    (*found)++;
                    rc = ld_image_emit(r, f, "image.ssh-server", LD_STATUS_FAIL, NULL, err,
                                       "config %s starts %s", fields[k], base_name(w));
                }
        }
    }
    json_decref(root);
    return rc;
}

/* Package-manager caches: (glob over the path, what). */
static const struct {
    const char *pattern;
    const char *what;
} caches[] = {
    {"/var/cache/apt/archives/*.deb", "apt package cache"},
    {"/var/lib/apt/lists/*", "apt package lists"},
    {"/var/cache/apk/*", "apk cache"},
    {"/root/.cache/pip/*", "pip cache"},
    {"/home/*/.cache/pip/*", "pip cache"},
    {"/root/.npm/_cacache/*", "npm cache"},
    {"/home/*/.npm/_cacache/*", "npm cache"},
    {"/var/cache/yum/*", "yum cache"},
    {"/var/cache/dnf/*", "dnf cache"},
    {"/root/.cache/yarn/*", "yarn cache"},
};
#define N_CACHES (sizeof(caches) / sizeof(caches[0]))

static int check_files(ld_findings *r, const ld_image_facts *f, ld_error *err)
{
    size_t n = ld_image_file_count(f->img);
    size_t ssh = 0, suid = 0, ww = 0, sudo = 0;
    size_t cache_files[N_CACHES] = {0};
    uint64_t cache_bytes[N_CACHES] = {0};
    const ld_file_entry *cache_first[N_CACHES] = {0};
    for (size_t i = 0; i < n; i++) {
        const ld_file_entry *e = ld_image_file(f->img, i);
        if (ld_image_path_skipped(f->skip, e->path))
            continue; /* --skip-dirs / --skip-files: left out by the user, said in a note */
        const char *name = base_name(e->path);
        bool exe_like = e->type == LD_FILE_REGULAR || e->type == LD_FILE_HARDLINK ||
                        e->type == LD_FILE_SYMLINK;
        if (exe_like && is_remote_shell(name)) {
            if (++ssh <= MAX_LISTED && file_fail(r, f, "image.ssh-server", e, err,
                                                 "is an SSH or remote-shell server") < 0)
                return -1;
        }
        if (exe_like && (strcmp(name, "sudo") == 0 || strcmp(name, "doas") == 0) &&
            strstr(e->path, "bin/")) {
            if (++sudo <= MAX_LISTED &&
                file_fail(r, f, "image.sudo", e, err, "lets users become root") < 0)
                return -1;
        }
        if (e->type == LD_FILE_REGULAR && (e->mode & 06000)) {
            const char *what = (e->mode & 04000) && (e->mode & 02000) ? "is setuid and setgid"
                               : (e->mode & 04000)                   ? "is setuid"
                                                                     : "is setgid";
            if (++suid <= MAX_LISTED && file_fail(r, f, "image.setuid-files", e, err, what) < 0)
                return -1;
        }
        if ((e->type == LD_FILE_REGULAR || e->type == LD_FILE_DIR) && (e->mode & 0002)) {
            bool temp = false;
            static const char *const tmp_dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};
            for (size_t t = 0; t < 3; t++) {
                size_t tl = strlen(tmp_dirs[t]);
                if (strncmp(e->path, tmp_dirs[t], tl) == 0 &&
                    (e->path[tl] == '\0' || e->path[tl] == '/'))
                    temp = e->type != LD_FILE_DIR || (e->mode & 01000);
            }
            if (!temp && ++ww <= MAX_LISTED &&
                file_fail(r, f, "image.world-writable", e, err,
                          e->type == LD_FILE_DIR ? (e->mode & 01000 ? "is a world-writable "
                                                                      "(sticky) directory"
                                                                    : "is a world-writable "
                                                                      "directory")
                                                 : "is a world-writable file") < 0)
                return -1;
        }
        if (e->type == LD_FILE_REGULAR) {
            for (size_t c = 0; c < N_CACHES; c++) {
                if (fnmatch(caches[c].pattern, e->path, 0) != 0)
                    continue;
                if (c == 1 && (strcmp(name, "lock") == 0 || strstr(e->path, "/partial/")))
                    continue;
                if (!cache_first[c])
                    cache_first[c] = e;
                cache_files[c]++;
                cache_bytes[c] += e->size;
                break;
            }
        }
    }
    size_t more[] = {ssh, sudo, suid, ww};
    static const char *const more_ids[] = {"image.ssh-server", "image.sudo", "image.setuid-files",
                                           "image.world-writable"};
    for (size_t k = 0; k < 4; k++)
        if (more[k] > MAX_LISTED &&
            ld_image_emit(r, f, more_ids[k], LD_STATUS_FAIL, NULL, err,
                          "%zu more files not listed (%zu in all)", more[k] - MAX_LISTED,
                          more[k]) < 0)
            return -1;
    if (cmd_remote_shell(r, f, &ssh, err) < 0)
        return -1;
    size_t caches_found = 0;
    for (size_t c = 0; c < N_CACHES; c++) {
        if (!cache_files[c])
            continue;
        caches_found++;
        ld_autofree char *ld = ld_image_layer_desc(f->img, cache_first[c]->layer);
        if (ld_image_emit(r, f, "image.package-cache", LD_STATUS_FAIL, cache_first[c]->path, err,
                          "%s left behind: %zu file%s, %llu bytes under %s (first: %s, %s)",
                          caches[c].what, cache_files[c], cache_files[c] == 1 ? "" : "s",
                          (unsigned long long)cache_bytes[c], caches[c].pattern,
                          cache_first[c]->path, ld) < 0)
            return -1;
    }
    struct {
        size_t count;
        const char *id, *msg;
    } passes[] = {
        {ssh, "image.ssh-server", "no SSH or remote-shell server in Cmd/Entrypoint or"},
        {sudo, "image.sudo", "no sudo or doas"},
        {suid, "image.setuid-files", "no setuid or setgid file"},
        {ww, "image.world-writable",
         "no world-writable file or directory outside /tmp, /var/tmp, /dev/shm"},
        {caches_found, "image.package-cache", "no package-manager cache"},
    };
    /* paths the reader could not list: a pass would vouch for them */
    const ld_image_gap *first = NULL;
    uint64_t unlisted = ld_image_gaps_for(f->img, NULL, &first);
    for (size_t k = 0; k < sizeof(passes) / sizeof(passes[0]); k++) {
        if (passes[k].count)
            continue;
        int rc = unlisted ? ld_image_emit(r, f, passes[k].id, LD_STATUS_ERROR, NULL, err,
                                          "not assessed: %llu path%s of the image could not be "
                                          "listed (first: %s; %zu files seen)",
                                          (unsigned long long)unlisted, unlisted == 1 ? "" : "s",
                                          first ? first->text : "?", n)
                          : ld_image_emit(r, f, passes[k].id, LD_STATUS_PASS, NULL, err,
                                          "%s among %zu files", passes[k].msg, n);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Calls fn for each line of an account file with its colon fields (at most
 * 8). Lines starting with '#' or without ':' are passed over. */
typedef int (*line_fn)(ld_findings *r, const ld_image_facts *f, char **fields, size_t nf, int line,
                       size_t *found, ld_error *err);

static int each_line(ld_findings *r, const ld_image_facts *f, const ld_image_text_file *tf,
                     line_fn fn, size_t *found, ld_error *err)
{
    const char *s = tf->data, *end = s + tf->len;
    int line = 0;
    while (s < end) {
        line++;
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        if (le > s && *s != '#' && memchr(s, ':', (size_t)(le - s)) && le - s < 4096) {
            ld_autofree char *copy = ld_xstrndup(s, (size_t)(le - s));
            char *fields[8] = {0};
            size_t nf = 0;
            char *p = copy;
            while (nf < 8) {
                fields[nf++] = p;
                char *c = strchr(p, ':');
                if (!c)
                    break;
                *c = '\0';
                p = c + 1;
            }
            if (fn(r, f, fields, nf, line, found, err) < 0)
                return -1;
        }
        s = le + 1;
    }
    return 0;
}

/* " (a symlink to \"/x\")" when the account file read is a link's target,
 * else "". Caller frees. */
static char *via_link(const ld_image_facts *f, const char *path)
{
    const ld_file_entry *e = f->img ? ld_image_lookup(f->img, path) : NULL;
    if (e && e->type == LD_FILE_SYMLINK)
        return ld_xasprintf(" (a symlink to \"%.200s\")", e->link ? e->link : "?");
    if (e && e->type == LD_FILE_HARDLINK)
        return ld_xasprintf(" (a hard link to %.200s)", e->link ? e->link : "?");
    return ld_xstrdup("");
}

static int shadow_line(ld_findings *r, const ld_image_facts *f, char **fields, size_t nf, int line,
                       size_t *found, ld_error *err)
{
    if (nf < 2 || fields[1][0] != '\0')
        return 0;
    (*found)++;
    ld_autofree char *ld = ld_image_layer_desc(f->img, f->shadow.layer);
    ld_autofree char *via = via_link(f, "/etc/shadow");
    return ld_image_emit(r, f, "image.empty-password", LD_STATUS_FAIL, "/etc/shadow", err,
                         "/etc/shadow%s line %d: account \"%.64s\" has an empty password "
                         "(anyone can log in as it; written by %s)",
                         via, line, fields[0], ld);
}

static int passwd_empty_line(ld_findings *r, const ld_image_facts *f, char **fields, size_t nf,
                             int line, size_t *found, ld_error *err)
{
    if (nf < 7 || fields[1][0] != '\0')
        return 0;
    (*found)++;
    ld_autofree char *ld = ld_image_layer_desc(f->img, f->passwd.layer);
    ld_autofree char *via = via_link(f, "/etc/passwd");
    return ld_image_emit(r, f, "image.empty-password", LD_STATUS_FAIL, "/etc/passwd", err,
                         "/etc/passwd%s line %d: account \"%.64s\" has an empty password field "
                         "(written by %s)",
                         via, line, fields[0], ld);
}

/* Is the passwd uid field a spelling of 0 ("0", "00", "000")? The C
 * library reads it as a number, so every one of them is root. */
static bool uid_is_zero(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s != '0')
            return false;
    return true;
}

static int uid0_line(ld_findings *r, const ld_image_facts *f, char **fields, size_t nf, int line,
                     size_t *found, ld_error *err)
{
    if (nf < 4 || !uid_is_zero(fields[2]) || strcmp(fields[0], "root") == 0)
        return 0;
    (*found)++;
    ld_autofree char *ld = ld_image_layer_desc(f->img, f->passwd.layer);
    ld_autofree char *via = via_link(f, "/etc/passwd");
    return ld_image_emit(r, f, "image.uid0-accounts", LD_STATUS_FAIL, "/etc/passwd", err,
                         "/etc/passwd%s line %d: account \"%.64s\" has uid 0 besides root "
                         "(written by %s)",
                         via, line, fields[0], ld);
}

static const char *type_word(ld_file_type t)
{
    switch (t) {
    case LD_FILE_DIR: return "a directory";
    case LD_FILE_CHAR: return "a character device";
    case LD_FILE_BLOCK: return "a block device";
    case LD_FILE_FIFO: return "a FIFO";
    case LD_FILE_SOCKET: return "a socket";
    default: return "not a regular file";
    }
}

/* Why an account file that is in the image was not read; NULL when there
 * is no such path (then, and only then, its absence is a pass). Caller
 * frees. */
static char *account_unseen(const ld_image_facts *f, const char *path)
{
    const ld_image_gap *g = ld_image_gap_find(f->img, path, ACCOUNTS_ANALYZER);
    if (g)
        return ld_xstrdup(g->text);
    const ld_file_entry *e = ld_image_lookup(f->img, path);
    if (!e)
        return NULL;
    switch (e->type) {
    case LD_FILE_SYMLINK:
        return ld_xasprintf("%s is a symlink to \"%.200s\" that does not lead to a regular file "
                            "inside the image",
                            path, e->link ? e->link : "?");
    case LD_FILE_HARDLINK:
        return ld_xasprintf("%s is a hard link to %.200s, whose content was not read", path,
                            e->link ? e->link : "?");
    case LD_FILE_REGULAR:
        return ld_xasprintf("%s (%llu bytes) was not read", path, (unsigned long long)e->size);
    default: return ld_xasprintf("%s is %s, not a regular file", path, type_word(e->type));
    }
}

static int check_accounts(ld_findings *r, const ld_image_facts *f, ld_error *err)
{
    size_t empty = 0, uid0 = 0;
    ld_autofree char *passwd_unseen = f->passwd.data ? NULL : account_unseen(f, "/etc/passwd");
    ld_autofree char *shadow_unseen = f->shadow.data ? NULL : account_unseen(f, "/etc/shadow");
    if (f->shadow.data && each_line(r, f, &f->shadow, shadow_line, &empty, err) < 0)
        return -1;
    if (f->passwd.data && each_line(r, f, &f->passwd, passwd_empty_line, &empty, err) < 0)
        return -1;
    if (f->passwd.data && each_line(r, f, &f->passwd, uid0_line, &uid0, err) < 0)
        return -1;
    /* a failure seen is a failure; otherwise what could not be read is
     * not assessed, never a pass */
    int rc = 0;
    if (!empty) {
        if (passwd_unseen || shadow_unseen)
            rc = ld_image_emit(r, f, "image.empty-password", LD_STATUS_ERROR, NULL, err,
                               "not assessed: %s%s%s", passwd_unseen ? passwd_unseen : "",
                               passwd_unseen && shadow_unseen ? "; " : "",
                               shadow_unseen ? shadow_unseen : "");
        else if (!f->passwd.data && !f->shadow.data)
            rc = ld_image_emit(r, f, "image.empty-password", LD_STATUS_PASS, NULL, err,
                               "no /etc/passwd or /etc/shadow in the image");
        else
            rc = ld_image_emit(r, f, "image.empty-password", LD_STATUS_PASS, NULL, err,
                               "no account with an empty password in %s%s%s",
                               f->passwd.data ? "/etc/passwd" : "",
                               f->passwd.data && f->shadow.data ? " and " : "",
                               f->shadow.data ? "/etc/shadow" : "");
    }
    if (rc < 0)
        return -1;
    if (!uid0) {
        if (passwd_unseen)
            rc = ld_image_emit(r, f, "image.uid0-accounts", LD_STATUS_ERROR, NULL, err,
                               "not assessed: %s", passwd_unseen);
        else if (!f->passwd.data)
            rc = ld_image_emit(r, f, "image.uid0-accounts", LD_STATUS_PASS, NULL, err,
                               "no /etc/passwd in the image");
        else
            rc = ld_image_emit(r, f, "image.uid0-accounts", LD_STATUS_PASS, NULL, err,
                               "root is the only uid-0 account in /etc/passwd");
    }
    return rc < 0 ? -1 : 0;
}

int ld_image_file_checks(ld_findings *r, const ld_image_facts *f, ld_error *err)
{
    if (!f->img) {
        static const char *const ids[] = {LD_IMAGE_FILE_CHECKS};
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
            if (ld_image_emit(r, f, ids[i], LD_STATUS_ERROR, NULL, err,
                              "no file system index") < 0)
                return -1;
        return 0;
    }
    if (check_files(r, f, err) < 0)
        return -1;
    return check_accounts(r, f, err);
}
