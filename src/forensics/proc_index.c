/* processes/index.json: one object per collected process, in the order
 * given (proc_collect.h documents the keys), written as a stream into the
 * bundle. Every string is the process's own text, escaped by the JSON
 * writer. */
#include <stdio.h>
#include <string.h>

#include "forensics/proc_collect.h"
#include "forensics/proc_files.h"
#include "util/json_out.h"

static void write_record(ld_json *j, const ld_fx_proc_record *r)
{
    ld_json_object_begin(j);
    ld_json_kv_int(j, "pid", r->pid);
    ld_json_kv_int(j, "ppid", r->ppid);
    ld_json_kv_int(j, "nspid", r->nspid);
    ld_json_key(j, "comm");
    ld_json_stringn(j, r->comm, strnlen(r->comm, sizeof(r->comm)));
    ld_json_key(j, "state");
    ld_json_stringn(j, &r->state, 1);
    ld_json_kv_int(j, "uid", r->uid);
    ld_json_kv_int(j, "euid", r->euid);
    ld_json_kv_int(j, "gid", r->gid);
    ld_json_kv_int(j, "threads", r->threads);
    ld_json_kv_int(j, "start_ticks",
                   r->start_ticks > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)r->start_ticks);
    ld_json_kv_string(j, "exe", r->exe);
    ld_json_kv_bool(j, "exe_deleted", r->exe_deleted);
    ld_json_key(j, "argv");
    ld_json_array_begin(j);
    for (size_t i = 0; r->argv && i < r->argc; i++)
        ld_json_string(j, r->argv[i]);
    ld_json_array_end(j);
    ld_json_kv_string(j, "cwd", r->cwd);
    ld_json_kv_string(j, "root", r->root);
    ld_json_kv_bool(j, "exited", r->exited);
    ld_json_kv_string_opt(j, "exit_note", r->exit_note);
    ld_json_kv_string_opt(j, "core", r->core_path);
    ld_json_kv_string_opt(j, "core_note", r->core_note);
    ld_json_object_end(j);
}

int ld_fx_proc_index_write(ld_fx_bundle *b, const ld_fx_proc_record *recs, size_t n, ld_error *err)
{
    ld_fx_json_artifact ja;
    if (ld_fx_json_artifact_begin(b, "processes/index.json", LD_FX_KIND_PROCESSES, &ja, err) < 0)
        return err->code;
    ld_json j;
    ld_json_init(&j, ja.f, true);
    ld_json_array_begin(&j);
    for (size_t i = 0; i < n; i++)
        write_record(&j, &recs[i]);
    ld_json_array_end(&j);
    return ld_fx_json_artifact_finish(&ja, err);
}
