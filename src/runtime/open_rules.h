/* The eBPF source's open filter in user space: the built-in rules
 * (ld_rt_open_rules_default, declared in source.h) and their compilation
 * into the table the kernel program reads (struct ld_bpf_config, abi.h).
 * Pure: no kernel, no files; bpf_source.c loads the result. Not for
 * deciding whether an open is interesting (the kernel does that, and the
 * rules in rules.h judge what it reports). */
#ifndef LD_RUNTIME_OPEN_RULES_H
#define LD_RUNTIME_OPEN_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "runtime/bpf/abi.h"
#include "runtime/source.h"

/* Fills cfg's rule tables (prefix[], component[], n_*, read_rules) from
 * the options: o->open_rules when n_open_rules > 0, else o->open_prefixes
 * (PREFIX rules, READS_WRITES), else the defaults; trace_reads false makes
 * every rule WRITES. Other cfg fields are left alone. Returns 0, or
 * LD_ERR_INVALID with err naming the rule (empty, not starting with '/',
 * longer than 64 bytes, more than 32 of a kind, unknown match or mode). */
int ld_rt_open_rules_compile(const ld_rt_source_options *o, struct ld_bpf_config *cfg,
                             ld_error *err);

/* What the kernel does with one path (for tests and docs): does path
 * (absolute, clean) match cfg's rules for an open that writes (or not)?
 * The same word-by-word comparison as lockdown.bpf.c's match_path. */
bool ld_rt_open_rules_match(const struct ld_bpf_config *cfg, const char *path, bool write);

#endif
