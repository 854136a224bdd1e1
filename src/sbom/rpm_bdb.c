/* rpm cataloger for the Berkeley DB "Packages" file (rpm < 4.16 and the
 * RHEL/CentOS 7-8 family), read natively without libdb: the hash database's
 * pages are walked in file order, every key/data pair on a hash page is
 * taken, and values stored off-page are reassembled from their overflow page
 * chains. Each value is an rpm header blob for rpm_header.c. Only what rpm
 * writes is supported: hash access method, no encryption, no page checksums,
 * no duplicates; both byte orders. Not a general Berkeley DB reader. */
#include <stdbool.h>
#include <string.h>

#include "sbom/catalogers_list.h"
#include "sbom/rpm_header.h"
#include "util/cleanup.h"
#include "util/mem.h"

#define HASH_MAGIC 0x061561u
#define PAGE_HDR 26 /* lsn 8, pgno, prev, next, entries u16, hf_offset u16, level, type */
#define META_PAGESIZE 20
#define META_ENCRYPT 24
#define META_TYPE 25
#define META_FLAGS 26
#define META_LAST_PGNO 32

enum { P_HASH_UNSORTED = 2, P_OVERFLOW = 7, P_HASHMETA = 8, P_HASH = 13 };
enum { H_KEYDATA = 1, H_DUPLICATE = 2, H_OFFPAGE = 3, H_OFFDUP = 4 };

typedef struct {
    const char *path;
    const uint8_t *data;
    size_t len;
    bool swap; /* file written on a host of the other byte order */
    uint32_t pagesize;
    uint32_t npages;
    uint64_t assembled; /* bytes copied out of overflow chains, bounded by len */
} bdb;

static uint32_t rd32(const bdb *db, const uint8_t *p)
{
    if (db->swap)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const bdb *db, const uint8_t *p)
{
    return db->swap ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static const uint8_t *page_at(const bdb *db, uint32_t pgno)
{
    return db->data + (size_t)pgno * db->pagesize;
}

static void truncate_list(ld_package_list *l, size_t n)
{
    while (l->n > n)
        ld_package_clear(&l->items[--l->n]);
}

static bool rpm_bdb_wants(const char *path)
{
    static const char suffix[] = "/rpm/Packages";
    size_t n = strlen(path), sl = sizeof suffix - 1;
    return n >= sl && strcmp(path + n - sl, suffix) == 0;
}

/* Check the metadata page and fill db's geometry. */
static int read_meta(bdb *db, ld_error *err)
{
    if (db->len < 512)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: %zu bytes is too short for a Berkeley DB",
                            db->path, db->len);
    uint32_t magic_le = (uint32_t)db->data[15] << 24 | (uint32_t)db->data[14] << 16 |
                        (uint32_t)db->data[13] << 8 | db->data[12];
    if (magic_le == HASH_MAGIC)
        db->swap = false;
    else if (__builtin_bswap32(magic_le) == HASH_MAGIC)
        db->swap = true;
    else
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: not a Berkeley DB hash database", db->path);
    if (db->data[META_TYPE] != P_HASHMETA)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: bad Berkeley DB metadata page type %u",
                            db->path, db->data[META_TYPE]);
    if (db->data[META_ENCRYPT] != 0 || (db->data[META_FLAGS] & 0x01))
        return ld_error_set(err, LD_ERR_UNSUPPORTED,
                            "%s: encrypted or checksummed Berkeley DB is not supported", db->path);
    uint32_t ps = rd32(db, db->data + META_PAGESIZE);
    if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: bad Berkeley DB page size %u", db->path, ps);
    db->pagesize = ps;
    uint64_t in_file = db->len / ps;
    uint64_t last = (uint64_t)rd32(db, db->data + META_LAST_PGNO) + 1;
    db->npages = (uint32_t)(last < in_file ? last : in_file);
    return 0;
}

/* Reassemble the value stored off-page starting at pgno, tlen bytes long.
 * Returns a new buffer (caller frees) or NULL with err set. A chain that
 * loops, leaves the file, or does not add up to tlen is corrupt. */
static uint8_t *read_overflow(bdb *db, uint32_t pgno, uint32_t tlen, ld_error *err)
{
    if (tlen == 0 || tlen > LD_RPM_HEADER_MAX) {
        ld_error_set(err, LD_ERR_CORRUPT, "%s: overflow item of %u bytes", db->path, tlen);
        return NULL;
    }
    db->assembled += tlen;
    if (db->assembled > db->len) {
        ld_error_set(err, LD_ERR_CORRUPT, "%s: overflow chains are shared or loop", db->path);
        return NULL;
    }
    ld_autofree uint8_t *buf = ld_xmalloc(tlen);
    size_t have = 0;
    /* Each page carries at least one byte, so a chain longer than tlen (or
     * than the file's page count) must loop. */
    for (uint32_t steps = 0; have < tlen; steps++) {
        if (pgno == 0 || pgno >= db->npages || steps >= db->npages) {
            ld_error_set(err, LD_ERR_CORRUPT, "%s: overflow chain broken at page %u", db->path,
                         pgno);
            return NULL;
        }
        const uint8_t *pg = page_at(db, pgno);
        uint16_t used = rd16(db, pg + 22);
        if (pg[25] != P_OVERFLOW || used == 0 || used > db->pagesize - PAGE_HDR ||
            used > tlen - have) {
            ld_error_set(err, LD_ERR_CORRUPT, "%s: bad overflow page %u", db->path, pgno);
            return NULL;
        }
        memcpy(buf + have, pg + PAGE_HDR, used);
        have += used;
        pgno = rd32(db, pg + 16);
    }
    return ld_steal_ptr(&buf);
}

/* The bytes of item i on hash page pg: [*start, *start + *n). */
static int item_bounds(const bdb *db, const uint8_t *pg, uint32_t pgno, uint16_t nent, uint16_t i,
                       size_t *start, size_t *n, ld_error *err)
{
    size_t off = rd16(db, pg + PAGE_HDR + 2 * (size_t)i);
    size_t end = i == 0 ? db->pagesize : rd16(db, pg + PAGE_HDR + 2 * (size_t)(i - 1));
    if (off < PAGE_HDR + 2 * (size_t)nent || end > db->pagesize || off >= end)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: page %u item %u out of bounds", db->path,
                            pgno, i);
    *start = off;
    *n = end - off;
    return 0;
}

static int read_hash_page(bdb *db, uint32_t pgno, ld_package_list *out, ld_error *err)
{
    const uint8_t *pg = page_at(db, pgno);
    uint16_t nent = rd16(db, pg + 20);
    if (nent % 2 != 0 || PAGE_HDR + 2 * (size_t)nent > db->pagesize)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: page %u has a bad entry count %u", db->path,
                            pgno, nent);
    for (uint16_t i = 0; i < nent; i += 2) {
        size_t koff, klen, voff, vlen;
        if (item_bounds(db, pg, pgno, nent, i, &koff, &klen, err) < 0 ||
            item_bounds(db, pg, pgno, nent, (uint16_t)(i + 1), &voff, &vlen, err) < 0)
            return err->code;
        const uint8_t *key = pg + koff, *val = pg + voff;
        /* rpm keeps its instance counter under key 0; headers use 1.. */
        if (key[0] == H_KEYDATA && klen == 5 && memcmp(key + 1, "\0\0\0\0", 4) == 0)
            continue;
        if (val[0] == H_KEYDATA) {
            if (ld_rpm_header_parse(db->path, val + 1, vlen - 1, out, err) < 0)
                return ld_error_wrap(err, "page %u item %u", pgno, i + 1);
        } else if (val[0] == H_OFFPAGE) {
            if (vlen < 12)
                return ld_error_set(err, LD_ERR_CORRUPT, "%s: page %u: short off-page item",
                                    db->path, pgno);
            uint32_t ovpg = rd32(db, val + 4), tlen = rd32(db, val + 8);
            ld_autofree uint8_t *blob = read_overflow(db, ovpg, tlen, err);
            if (!blob)
                return err->code;
            if (ld_rpm_header_parse(db->path, blob, tlen, out, err) < 0)
                return ld_error_wrap(err, "page %u item %u", pgno, i + 1);
        } else if (val[0] == H_DUPLICATE || val[0] == H_OFFDUP) {
            return ld_error_set(err, LD_ERR_UNSUPPORTED,
                                "%s: page %u: duplicate data items are not used by rpm", db->path,
                                pgno);
        } else {
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: page %u: unknown item type %u", db->path,
                                pgno, val[0]);
        }
        if (out->n > LD_RPM_MAX_PACKAGES)
            return ld_error_set(err, LD_ERR_LIMIT, "%s: more than %d packages", db->path,
                                LD_RPM_MAX_PACKAGES);
    }
    return 0;
}

static int rpm_bdb_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                         ld_error *err)
{
    bdb db = {.path = path, .data = data, .len = len};
    if (read_meta(&db, err) < 0)
        return err->code;
    size_t start = out->n;
    for (uint32_t pgno = 1; pgno < db.npages; pgno++) {
        uint8_t type = page_at(&db, pgno)[25];
        if (type != P_HASH && type != P_HASH_UNSORTED)
            continue;
        if (read_hash_page(&db, pgno, out, err) < 0) {
            truncate_list(out, start);
            return err->code;
        }
    }
    return 0;
}

const ld_cataloger ld_cataloger_rpm_bdb = {
    .name = "rpm-bdb",
    .eco = LD_ECO_RPM,
    .max_bytes = (uint64_t)512 << 20,
    .wants = rpm_bdb_wants,
    .parse = rpm_bdb_parse,
};
