/* The Docker daemon's effective configuration as dockerd builds it: the
 * daemon.json file merged with the dockerd command line (a flag given on
 * the command line wins; dockerd itself refuses a setting given in both,
 * so the order only matters for a daemon that is not running). Parsers are
 * pure and bounded (daemon.json is fuzzed by tests/fuzz/fuzz_daemon_json.c);
 * ld_daemon_config_load finds the running dockerd in /proc and reads its
 * files under a host root.
 * Not for: what the daemon reports about itself (/info; see
 * engine_info_checks.h), or settings lockdown does not check. */
#ifndef LD_DOCKER_DAEMON_CONFIG_H
#define LD_DOCKER_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"
#include "util/strlist.h"

#define LD_DAEMON_JSON_MAX_BYTES ((size_t)1024 * 1024)
#define LD_DAEMON_CMDLINE_MAX_BYTES ((size_t)128 * 1024)
/* Values kept per list setting (hosts, registries, ...). */
#define LD_DAEMON_LIST_MAX 256
#define LD_DAEMON_VALUE_MAX 4096

/* Settings lockdown reads. Booleans, strings and lists; see the table in
 * daemon_config.c for the daemon.json key and command-line flag of each. */
typedef enum {
    LD_DCFG_ICC,                 /* bool   "icc" / --icc */
    LD_DCFG_IPTABLES,            /* bool   "iptables" / --iptables */
    LD_DCFG_USERLAND_PROXY,      /* bool   "userland-proxy" / --userland-proxy */
    LD_DCFG_NO_NEW_PRIVILEGES,   /* bool   "no-new-privileges" / --no-new-privileges */
    LD_DCFG_LIVE_RESTORE,        /* bool   "live-restore" / --live-restore */
    LD_DCFG_EXPERIMENTAL,        /* bool   "experimental" / --experimental */
    LD_DCFG_DEBUG,               /* bool   "debug" / --debug, -D */
    LD_DCFG_TLS,                 /* bool   "tls" / --tls */
    LD_DCFG_TLSVERIFY,           /* bool   "tlsverify" / --tlsverify */
    LD_DCFG_SELINUX,             /* bool   "selinux-enabled" / --selinux-enabled */
    LD_DCFG_LOG_LEVEL,           /* string "log-level" / --log-level, -l */
    LD_DCFG_USERNS_REMAP,        /* string "userns-remap" / --userns-remap */
    LD_DCFG_CGROUP_PARENT,       /* string "cgroup-parent" / --cgroup-parent */
    LD_DCFG_SECCOMP_PROFILE,     /* string "seccomp-profile" / --seccomp-profile */
    LD_DCFG_LOG_DRIVER,          /* string "log-driver" / --log-driver */
    LD_DCFG_STORAGE_DRIVER,      /* string "storage-driver" / --storage-driver, -s */
    LD_DCFG_TLSCACERT,           /* string "tlscacert" / --tlscacert */
    LD_DCFG_TLSCERT,             /* string "tlscert" / --tlscert */
    LD_DCFG_TLSKEY,              /* string "tlskey" / --tlskey */
    LD_DCFG_DATA_ROOT,           /* string "data-root" ("graph") / --data-root, -g */
    LD_DCFG_CONFIG_FILE,         /* string (command line only) --config-file */
    LD_DCFG_HOSTS,               /* list   "hosts" / --host, -H */
    LD_DCFG_INSECURE_REGISTRIES, /* list "insecure-registries" / --insecure-registry */
    LD_DCFG_AUTHZ_PLUGINS,       /* list   "authorization-plugins" / --authorization-plugin */
    LD_DCFG_DEFAULT_ULIMITS,     /* list   "default-ulimits" (object) / --default-ulimit */
    LD_DCFG_STORAGE_OPTS,        /* list   "storage-opts" / --storage-opt */
    LD_DCFG_COUNT
} ld_dcfg_key;

typedef enum { LD_DCFG_UNSET = 0, LD_DCFG_FROM_FILE, LD_DCFG_FROM_CMDLINE } ld_dcfg_source;

typedef struct {
    ld_dcfg_source source;
    bool b;       /* bool settings */
    char *s;      /* string settings (owned) */
    ld_strlist l; /* list settings; default-ulimits as "nofile=1024:2048" */
} ld_dcfg_value;

typedef struct {
    ld_dcfg_value v[LD_DCFG_COUNT];
    bool file_read;      /* daemon.json was found and parsed */
    bool file_failed;    /* daemon.json exists but could not be read or parsed */
    bool cmdline_read;   /* a dockerd command line was read */
    char *file_path;     /* daemon.json path used (owned), even when absent */
    pid_t pid;           /* dockerd's pid, 0 when not found */
    ld_strlist problems; /* wrong-typed keys, unknown flags with values we could not place, ... */
} ld_daemon_config;

/* daemon.json key / primary flag name of a setting ("icc", "--icc"). */
const char *ld_dcfg_json_key(ld_dcfg_key k);
const char *ld_dcfg_flag(ld_dcfg_key k);
/* "daemon.json" / "dockerd command line" / "default" for evidence. */
const char *ld_dcfg_source_name(ld_dcfg_source s);

/* Parses daemon.json text (len bytes, need not be NUL-terminated) into cfg
 * (settings already from the command line are kept). Keys lockdown does
 * not read are ignored; a key with the wrong type is noted in
 * cfg->problems and left unset. Returns 0, LD_ERR_LIMIT (over
 * LD_DAEMON_JSON_MAX_BYTES) or LD_ERR_CORRUPT (not a JSON object; err
 * names `name` and the position). */
int ld_daemon_json_parse(ld_daemon_config *cfg, const char *text, size_t len, const char *name,
                         ld_error *err);

/* Parses a /proc/PID/cmdline image (NUL-separated argv, len bytes) into cfg;
 * command-line values replace values from daemon.json. argv[0] is skipped.
 * Forms: --flag=value, --flag value, -H value, -Hvalue, --bool,
 * --bool=false. Unknown flags are skipped (with their value when the next
 * argument does not start with '-'). Returns 0, or LD_ERR_LIMIT over
 * LD_DAEMON_CMDLINE_MAX_BYTES. */
int ld_daemon_cmdline_parse(ld_daemon_config *cfg, const char *argv_nul, size_t len, ld_error *err);

/* Finds the running dockerd that serves socket_path (NULL: any dockerd,
 * e.g. for a TCP endpoint). For the default socket (or NULL):
 * ROOT/var/run/docker.pid when that pid's comm is dockerd; otherwise, and
 * for other sockets, a scan of ROOT/proc for comm "dockerd" whose command
 * line names unix://socket_path (no -H at all means the default socket).
 * Returns the pid or 0. */
pid_t ld_dockerd_find_pid(const char *root, const char *socket_path);

/* Loads the effective configuration of the dockerd serving socket_path (see
 * ld_dockerd_find_pid): its command line from ROOT/proc/PID/cmdline, then
 * daemon.json from --config-file or ROOT/etc/docker/daemon.json. A missing
 * daemon.json is not an error (file_read false); an unreadable or
 * malformed one is noted in cfg->problems and sets file_failed. Returns 0 (cfg always
 * initialised; clear it with ld_daemon_config_clear). */
int ld_daemon_config_load(ld_daemon_config *cfg, const char *root, const char *socket_path,
                          ld_error *err);

void ld_daemon_config_clear(ld_daemon_config *cfg);

/* Whether the value of k is known: set in daemon.json or on the command
 * line, or unset while both sources were seen in full (the dockerd command
 * line read, daemon.json read or absent), so dockerd's default applies. */
bool ld_dcfg_known(const ld_daemon_config *cfg, ld_dcfg_key k);

#endif
