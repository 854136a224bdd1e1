/* The event-source interface (source.h): calls through each source's
 * vtable, so the watch loop does not care whether eBPF or the proc
 * connector is behind it. Nothing else. */
#include "runtime/source.h"

#include <string.h>

int ld_rt_source_poll(ld_rt_source *s, int timeout_ms, ld_rt_event_fn fn, void *ctx, ld_error *err)
{
    return s->ops->poll(s, timeout_ms, fn, ctx, err);
}

int ld_rt_source_fd(const ld_rt_source *s)
{
    return s->ops->fd ? s->ops->fd(s) : -1;
}

void ld_rt_source_stats_get(const ld_rt_source *s, ld_rt_source_stats *out)
{
    memset(out, 0, sizeof *out);
    s->ops->stats(s, out);
}

void ld_rt_source_close(ld_rt_source *s)
{
    if (s)
        s->ops->close(s);
}
