/* The layer cache's maps (layer_cache.h): which layer an archive member
 * held when it was last read - "<v1id>/layer.tar" of a legacy `docker
 * save` stream, "blobs/sha256/<hex>" of an OCI one - so a streamed layer
 * can be looked up before the manifest that names its diff_id arrives.
 * One small file per member key, "v1/sha256/XX/<key>.map", written
 * atomically next to the records and trimmed with them. A map is only a
 * guess: whoever uses it verifies the layer's bytes against the record it
 * led to (layer_cache_stream.c). Read as hostile input: at most
 * LD_LAYER_MAP_MAX bytes, exactly the text ld_layer_map_format writes. Not
 * for the records themselves (layer_cache.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/layer_cache_internal.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define MAP_HEADER "lockdown layer map 1\n"

bool ld_layer_map_key_valid(const char *key)
{
    return key && strlen(key) == 64 && strspn(key, "0123456789abcdef") == 64;
}

char *ld_layer_map_format(const char *key, const char *diff_id)
{
    return ld_xasprintf(MAP_HEADER "key %s\ndiff_id %s\n", key, diff_id);
}

int ld_layer_map_parse(const void *data, size_t len, const char *key,
                       char diff_id[LD_DIGEST_LEN + 1], ld_error *err)
{
    diff_id[0] = '\0';
    if (!ld_layer_map_key_valid(key))
        return ld_error_set(err, LD_ERR_INVALID, "layer map: not a key: %.80s", key ? key : "");
    if (len > LD_LAYER_MAP_MAX)
        return ld_error_set(err, LD_ERR_CORRUPT, "layer map: %zu bytes, more than any map", len);
    const char *p = data;
    size_t hl = strlen(MAP_HEADER);
    if (len < hl || memcmp(p, MAP_HEADER, hl) != 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "layer map: not a map (bad header)");
    /* the diff_id is the only variable part: take it from where the
     * format puts it, then the whole text must be what the format writes */
    size_t off = hl + strlen("key \n") + 64 + strlen("diff_id ");
    if (len < off + LD_DIGEST_LEN)
        return ld_error_set(err, LD_ERR_CORRUPT, "layer map: truncated");
    char got[LD_DIGEST_LEN + 1];
    memcpy(got, p + off, LD_DIGEST_LEN);
    got[LD_DIGEST_LEN] = '\0';
    if (!ld_img_digest_valid(got))
        return ld_error_set(err, LD_ERR_CORRUPT, "layer map: not a diff_id");
    ld_autofree char *want = ld_layer_map_format(key, got);
    if (strlen(want) != len || memcmp(want, p, len) != 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "layer map: not the map of %.16s", key);
    memcpy(diff_id, got, LD_DIGEST_LEN + 1);
    return 0;
}

static char *map_name(const char *key)
{
    return ld_xasprintf("%s.map", key);
}

/* Removes key's map (a bad or a refuted one). */
void ld_lcache_map_drop(ld_layer_cache *c, const char *key)
{
    int sfd = ld_lcache_open_shard(c, key, false);
    if (sfd < 0)
        return;
    ld_autofree char *name = map_name(key);
    if (unlinkat(sfd, name, 0) < 0 && errno == EISDIR)
        unlinkat(sfd, name, AT_REMOVEDIR); /* an empty directory in its place */
    close(sfd);
}

int ld_lcache_map_get(ld_layer_cache *c, const char *key, char diff_id[LD_DIGEST_LEN + 1])
{
    diff_id[0] = '\0';
    if (!ld_layer_map_key_valid(key))
        return 0;
    int sfd = ld_lcache_open_shard(c, key, false);
    if (sfd < 0)
        return 0;
    ld_autofree char *name = map_name(key);
    int fd;
    do
        fd = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    while (fd < 0 && errno == EINTR);
    int e = errno;
    close(sfd);
    if (fd < 0 && e == ENOENT)
        return 0;
    char buf[LD_LAYER_MAP_MAX + 1];
    ssize_t n = -1;
    struct stat st;
    const char *why = NULL;
    if (fd < 0)
        why = strerror(e);
    else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        why = "not a regular file";
    else {
        do /* one more byte than a map may have: a longer file is refused */
            n = read(fd, buf, sizeof(buf));
        while (n < 0 && errno == EINTR);
        if (n < 0)
            why = strerror(errno);
    }
    ld_error perr = LD_ERROR_INIT;
    if (!why && ld_layer_map_parse(buf, (size_t)n, key, diff_id, &perr) < 0)
        why = perr.msg;
    if (!why)
        futimens(fd, NULL); /* recently used: trimmed last */
    if (fd >= 0)
        close(fd);
    if (why) {
        ld_lcache_note(c, NULL,
                       ld_xasprintf("layer cache: the map of archive member %.64s was not used "
                                    "(%s); it was removed",
                                    key, why));
        ld_lcache_map_drop(c, key);
        diff_id[0] = '\0';
        return 0;
    }
    return 1;
}

void ld_lcache_map_put(ld_layer_cache *c, const char *key, const char *diff_id)
{
    if (!ld_layer_map_key_valid(key) || !ld_img_digest_valid(diff_id))
        return;
    /* written after each read of the member (a hit writes nothing) */
    ld_autofree char *text = ld_layer_map_format(key, diff_id);
    ld_autofree char *name = map_name(key);
    ld_lcache_store_file(c, key, name, (const uint8_t *)text, strlen(text));
}
