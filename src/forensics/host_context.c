/* host/context.json: kernel, OS, identity, clocks and engine of the host. */
#include "forensics/host_context.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "util/cleanup.h"

/* The first line of a small file, trimmed; empty when unreadable. */
static void read_line(const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    ld_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    ssize_t n = read(fd, out, cap - 1);
    if (n <= 0) {
        out[0] = '\0';
        return;
    }
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
}

void ld_fx_host_ids_read(ld_fx_host_ids *ids)
{
    memset(ids, 0, sizeof *ids);
    if (gethostname(ids->hostname, sizeof ids->hostname - 1) < 0)
        ids->hostname[0] = '\0';
    read_line("/etc/machine-id", ids->machine_id, sizeof ids->machine_id);
    read_line("/proc/sys/kernel/random/boot_id", ids->boot_id, sizeof ids->boot_id);
}

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

static json_t *clock_context(void)
{
    struct timespec rt, mono, boot;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    char source[64], available[256];
    read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", source,
              sizeof source);
    read_line("/sys/devices/system/clocksource/clocksource0/available_clocksource", available,
              sizeof available);
    struct tm tm;
    gmtime_r(&rt.tv_sec, &tm);
    char when[80];
    snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rt.tv_nsec);
    json_t *c = json_object();
    json_object_set_new(c, "source", str_or_null(source));
    json_object_set_new(c, "available", str_or_null(available));
    json_object_set_new(c, "realtime", json_string(when));
    json_object_set_new(c, "realtime_ns", json_integer((json_int_t)rt.tv_sec * 1000000000 + rt.tv_nsec));
    json_object_set_new(c, "monotonic_ns",
                        json_integer((json_int_t)mono.tv_sec * 1000000000 + mono.tv_nsec));
    json_object_set_new(c, "boottime_ns",
                        json_integer((json_int_t)boot.tv_sec * 1000000000 + boot.tv_nsec));
    struct timex tx = {0};
    int state = adjtimex(&tx);
    if (state < 0) {
        json_object_set_new(c, "ntp", json_null());
    } else {
        bool nano = tx.status & STA_NANO;
        json_t *ntp = json_object();
        json_object_set_new(ntp, "synchronized",
                            json_boolean(!(tx.status & STA_UNSYNC) && state != TIME_ERROR));
        json_object_set_new(ntp, "offset_ns", json_integer(nano ? tx.offset : tx.offset * 1000));
        json_object_set_new(ntp, "maxerror_us", json_integer(tx.maxerror));
        json_object_set_new(ntp, "esterror_us", json_integer(tx.esterror));
        json_object_set_new(ntp, "status", json_integer(tx.status));
        json_object_set_new(ntp, "tai_offset_s", json_integer(tx.tai));
        json_object_set_new(c, "ntp", ntp);
    }
    return c;
}

static json_t *os_release(void)
{
    char buf[8192];
    ld_autoclose int fd = open("/etc/os-release", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fd = open("/usr/lib/os-release", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return json_null();
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n <= 0)
        return json_null();
    json_t *s = json_stringn(buf, (size_t)n); /* verbatim: evidence, not parsed */
    return s ? s : json_null();
}

static json_t *engine_context(ld_engine *e)
{
    json_t *c = json_object();
    json_object_set_new(c, "endpoint", json_string(ld_engine_endpoint(e)));
    json_object_set_new(c, "api_version", json_string(ld_engine_api_version(e)));
    ld_error err = LD_ERROR_INIT;
    json_t *version = ld_engine_get_json(e, "/version", 0, &err);
    json_object_set_new(c, "version", version ? version : json_null());
    if (!version)
        json_object_set_new(c, "version_error", json_string(err.msg));
    ld_error_clear(&err);
    json_t *info = ld_engine_get_json(e, "/info", 0, &err);
    if (!info) {
        json_object_set_new(c, "info", json_null());
        json_object_set_new(c, "info_error", json_string(err.msg));
        return c;
    }
    static const char *const keep[] = {"ID",           "Name",          "ServerVersion",
                                       "Driver",       "DriverStatus",  "CgroupDriver",
                                       "CgroupVersion", "SecurityOptions", "KernelVersion",
                                       "OperatingSystem", "DockerRootDir", "LoggingDriver",
                                       "Runtimes",     "DefaultRuntime", "Containers",
                                       NULL};
    json_t *sub = json_object();
    for (size_t i = 0; keep[i]; i++) {
        json_t *v = json_object_get(info, keep[i]);
        if (v)
            json_object_set(sub, keep[i], v);
    }
    json_decref(info);
    json_object_set_new(c, "info", sub);
    return c;
}

int ld_fx_host_context_write(ld_fx_bundle *b, ld_engine *engine, const ld_fx_host_ids *ids,
                             ld_error *err)
{
    struct utsname u;
    json_t *root = json_object();
    if (uname(&u) == 0)
        json_object_set_new(root, "kernel",
                            json_pack("{s:s, s:s, s:s, s:s}", "sysname", u.sysname, "release",
                                      u.release, "version", u.version, "machine", u.machine));
    else
        json_object_set_new(root, "kernel", json_null());
    json_object_set_new(root, "hostname", str_or_null(ids->hostname));
    json_object_set_new(root, "machine_id", str_or_null(ids->machine_id));
    json_object_set_new(root, "boot_id", str_or_null(ids->boot_id));
    json_object_set_new(root, "os_release", os_release());
    json_object_set_new(root, "clock", clock_context());
    json_object_set_new(root, "engine", engine ? engine_context(engine) : json_null());
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (!text)
        return ld_error_set(err, LD_ERR_NOMEM, "host/context.json: cannot render");
    int rc = ld_fx_bundle_write_file(b, "host/context.json", LD_FX_KIND_HOST, text, strlen(text), err);
    free(text);
    return rc;
}
