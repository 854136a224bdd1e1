/* The eBPF source's open filter: the built-in rules and their compilation
 * into the kernel program's rule table (see open_rules.h). */
#include "runtime/open_rules.h"

#include <stdint.h>
#include <string.h>

static const ld_rt_open_rule default_rules[] = {
    /* writes below the system directories */
    {"/etc/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES},
    {"/usr/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES},
    {"/bin/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES},
    {"/sbin/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES},
    {"/lib/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES},
    {"/lib64/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES},
    {"/boot/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES},
    {"/root/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_WRITES},
    /* reads and writes of credentials and authentication configuration */
    {"/etc/shadow", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
    {"/etc/gshadow", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
    {"/etc/sudoers", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES}, /* and /etc/sudoers.d/ */
    {"/etc/pam.d/", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
    {"/etc/ssh/ssh_host_", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES}, /* host private keys */
    {"/.ssh/", LD_RT_OPEN_COMPONENT, LD_RT_OPEN_READS_WRITES},
    {"/.aws/", LD_RT_OPEN_COMPONENT, LD_RT_OPEN_READS_WRITES},
    {"/.kube/config", LD_RT_OPEN_COMPONENT, LD_RT_OPEN_READS_WRITES},
    {"/.docker/config.json", LD_RT_OPEN_COMPONENT, LD_RT_OPEN_READS_WRITES},
    {"/.config/gcloud/", LD_RT_OPEN_COMPONENT, LD_RT_OPEN_READS_WRITES},
    {"/.azure/", LD_RT_OPEN_COMPONENT, LD_RT_OPEN_READS_WRITES},
    /* the container engines' control sockets */
    {"/var/run/docker.sock", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
    {"/run/docker.sock", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
    {"/run/containerd/containerd.sock", LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES},
};

const ld_rt_open_rule *ld_rt_open_rules_default(size_t *n)
{
    *n = sizeof default_rules / sizeof default_rules[0];
    return default_rules;
}

static int add_rule(const ld_rt_open_rule *r, bool trace_reads, struct ld_bpf_config *cfg,
                    ld_error *err)
{
    const char *pat = r->pattern ? r->pattern : "";
    size_t len = strlen(pat);
    if (len == 0 || pat[0] != '/')
        return ld_error_set(err, LD_ERR_INVALID,
                            "open rule '%s': a pattern is absolute-path text starting with '/'",
                            pat);
    if (len > LD_BPF_PATTERN_MAX)
        return ld_error_set(err, LD_ERR_INVALID,
                            "open rule '%.80s': longer than %d bytes (shorten the pattern)", pat,
                            LD_BPF_PATTERN_MAX);
    uint32_t mode;
    if (r->mode == LD_RT_OPEN_WRITES)
        mode = LD_BPF_MODE_WRITE;
    else if (r->mode == LD_RT_OPEN_READS_WRITES)
        mode = trace_reads ? LD_BPF_MODE_WRITE | LD_BPF_MODE_READ : LD_BPF_MODE_WRITE;
    else
        return ld_error_set(err, LD_ERR_INVALID, "open rule '%s': unknown mode %d", pat,
                            (int)r->mode);
    struct ld_bpf_open_rule *slot;
    if (r->match == LD_RT_OPEN_PREFIX) {
        if (cfg->n_prefix >= LD_BPF_OPEN_RULES_MAX)
            return ld_error_set(err, LD_ERR_INVALID, "open rule '%s': more than %d prefix rules",
                                pat, LD_BPF_OPEN_RULES_MAX);
        slot = &cfg->prefix[cfg->n_prefix++];
    } else if (r->match == LD_RT_OPEN_COMPONENT) {
        if (cfg->n_component >= LD_BPF_OPEN_RULES_MAX)
            return ld_error_set(err, LD_ERR_INVALID, "open rule '%s': more than %d component rules",
                                pat, LD_BPF_OPEN_RULES_MAX);
        slot = &cfg->component[cfg->n_component++];
    } else {
        return ld_error_set(err, LD_ERR_INVALID, "open rule '%s': unknown match kind %d", pat,
                            (int)r->match);
    }
    /* the kernel loads the path 8 bytes at a time in host byte order:
     * the same bytes copied into the same words compare equal */
    uint8_t bytes[LD_BPF_PATTERN_MAX] = {0}, mask[LD_BPF_PATTERN_MAX] = {0};
    memcpy(bytes, pat, len);
    memset(mask, 0xFF, len);
    memset(slot, 0, sizeof *slot);
    memcpy(slot->word, bytes, sizeof slot->word);
    memcpy(slot->mask, mask, sizeof slot->mask);
    slot->nwords = (uint32_t)((len + 7) / 8);
    slot->mode = mode;
    if (mode & LD_BPF_MODE_READ)
        cfg->read_rules = 1;
    return 0;
}

int ld_rt_open_rules_compile(const ld_rt_source_options *o, struct ld_bpf_config *cfg,
                             ld_error *err)
{
    cfg->n_prefix = cfg->n_component = cfg->read_rules = 0;
    memset(cfg->prefix, 0, sizeof cfg->prefix);
    memset(cfg->component, 0, sizeof cfg->component);
    if (o->n_open_rules > 0 && o->open_rules) {
        for (size_t i = 0; i < o->n_open_rules; i++)
            if (add_rule(&o->open_rules[i], o->trace_reads, cfg, err) < 0)
                return err->code;
        return 0;
    }
    if (o->open_prefixes) {
        for (size_t i = 0; o->open_prefixes[i]; i++) {
            ld_rt_open_rule r = {o->open_prefixes[i], LD_RT_OPEN_PREFIX, LD_RT_OPEN_READS_WRITES};
            if (add_rule(&r, o->trace_reads, cfg, err) < 0)
                return err->code;
        }
        return 0;
    }
    size_t n;
    const ld_rt_open_rule *d = ld_rt_open_rules_default(&n);
    for (size_t i = 0; i < n; i++)
        if (add_rule(&d[i], o->trace_reads, cfg, err) < 0)
            return err->code;
    return 0;
}

/* rule r against the path bytes at p (at least LD_BPF_PATTERN_MAX readable) */
static bool rule_at(const struct ld_bpf_open_rule *r, const uint8_t *p)
{
    for (uint32_t w = 0; w < r->nwords && w < LD_BPF_PATTERN_WORDS; w++) {
        uint64_t v;
        memcpy(&v, p + 8 * w, sizeof v);
        if ((v & r->mask[w]) != r->word[w])
            return false;
    }
    return true;
}

bool ld_rt_open_rules_match(const struct ld_bpf_config *cfg, const char *path, bool write)
{
    uint32_t accept = write ? LD_BPF_MODE_WRITE : LD_BPF_MODE_READ;
    /* as in the kernel: the path NUL-terminated in a zero-padded buffer */
    uint8_t buf[LD_BPF_PATH_MAX + LD_BPF_PATTERN_MAX] = {0};
    size_t len = strnlen(path, LD_BPF_PATH_MAX - 1);
    memcpy(buf, path, len);
    for (uint32_t r = 0; r < cfg->n_prefix && r < LD_BPF_OPEN_RULES_MAX; r++)
        if ((cfg->prefix[r].mode & accept) && rule_at(&cfg->prefix[r], buf))
            return true;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '/')
            continue;
        for (uint32_t r = 0; r < cfg->n_component && r < LD_BPF_OPEN_RULES_MAX; r++)
            if ((cfg->component[r].mode & accept) && rule_at(&cfg->component[r], buf + i))
                return true;
    }
    return false;
}
