/* rpm cataloger for the ndb backend's Packages.db (rpm >= 4.15, default on
 * SUSE): a 32-byte file header, slot pages (16-byte slots naming a package
 * index and a block range), then blobs in 16-byte blocks, each with a head
 * (magic, package index, timestamp, length), the rpm header blob, padding
 * and a tail (adler32, length, magic). Every slot and blob is checked, the
 * adler32 included, before the header goes to rpm_header.c. Not for the
 * ndb index files (Index.db) or the xdb extension database. */
#include <stdbool.h>
#include <string.h>
#include <zlib.h>

#include "sbom/catalogers_list.h"
#include "sbom/rpm_header.h"

#define PKGDB_MAGIC 0x506d7052u    /* "RpmP" little-endian */
#define SLOT_MAGIC 0x746f6c53u     /* "Slot" */
#define BLOBHEAD_MAGIC 0x53626c42u /* "BlbS" */
#define BLOBTAIL_MAGIC 0x45626c42u /* "BlbE" */
#define HEADER_SIZE 32
#define SLOT_SIZE 16
#define BLK_SIZE 16
#define PAGE_SIZE 4096
#define BLOBHEAD_SIZE 16
#define BLOBTAIL_SIZE 12

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void truncate_list(ld_package_list *l, size_t n)
{
    while (l->n > n)
        ld_package_clear(&l->items[--l->n]);
}

static bool rpm_ndb_wants(const char *path)
{
    static const char suffix[] = "/rpm/Packages.db";
    size_t n = strlen(path), sl = sizeof suffix - 1;
    return n >= sl && strcmp(path + n - sl, suffix) == 0;
}

/* Validate the blob of slot (pkgidx, blkoff, blkcnt) and parse its header. */
static int read_blob(const char *path, const uint8_t *data, size_t len, uint32_t pkgidx,
                     uint32_t blkoff, uint32_t blkcnt, ld_package_list *out, ld_error *err)
{
    uint64_t start = (uint64_t)blkoff * BLK_SIZE, size = (uint64_t)blkcnt * BLK_SIZE;
    if (size < BLOBHEAD_SIZE + BLOBTAIL_SIZE || start + size > len)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %u: blob outside the file", path,
                            pkgidx);
    const uint8_t *b = data + start;
    uint32_t bloblen = le32(b + 12);
    if (le32(b) != BLOBHEAD_MAGIC || le32(b + 4) != pkgidx ||
        (uint64_t)BLOBHEAD_SIZE + bloblen + BLOBTAIL_SIZE > size ||
        ((uint64_t)BLOBHEAD_SIZE + bloblen + BLOBTAIL_SIZE + BLK_SIZE - 1) / BLK_SIZE != blkcnt)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %u: bad blob head", path, pkgidx);
    const uint8_t *tail = b + size - BLOBTAIL_SIZE;
    if (le32(tail + 4) != bloblen || le32(tail + 8) != BLOBTAIL_MAGIC)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %u: bad blob tail", path, pkgidx);
    uLong adl = adler32(0L, Z_NULL, 0);
    adl = adler32(adl, b, (uInt)(size - BLOBTAIL_SIZE));
    if ((uint32_t)adl != le32(tail))
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: package %u: blob checksum mismatch", path,
                            pkgidx);
    if (ld_rpm_header_parse(path, b + BLOBHEAD_SIZE, bloblen, out, err) < 0)
        return ld_error_wrap(err, "package %u", pkgidx);
    return 0;
}

static int rpm_ndb_parse(const char *path, const uint8_t *data, size_t len, ld_package_list *out,
                         ld_error *err)
{
    if (len < PAGE_SIZE || le32(data) != PKGDB_MAGIC)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: not an rpm ndb Packages.db", path);
    if (le32(data + 4) != 0)
        return ld_error_set(err, LD_ERR_UNSUPPORTED, "%s: ndb version %u is not supported", path,
                            le32(data + 4));
    uint32_t slotnpages = le32(data + 12);
    if (slotnpages == 0 || slotnpages > len / PAGE_SIZE)
        return ld_error_set(err, LD_ERR_CORRUPT, "%s: %u slot pages do not fit in %zu bytes", path,
                            slotnpages, len);
    /* Blobs start after the slot pages; the sum of their sizes is bounded by
     * the file, which bounds the work even if hostile slots overlap. */
    uint64_t min_blkoff = (uint64_t)slotnpages * (PAGE_SIZE / BLK_SIZE), total = 0;
    size_t slots_end = (size_t)slotnpages * PAGE_SIZE, start = out->n;
    for (size_t o = HEADER_SIZE; o < slots_end; o += SLOT_SIZE) {
        const uint8_t *s = data + o;
        if (le32(s) != SLOT_MAGIC) {
            truncate_list(out, start);
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: bad slot at offset %zu", path, o);
        }
        uint32_t pkgidx = le32(s + 4), blkoff = le32(s + 8), blkcnt = le32(s + 12);
        if (blkoff == 0)
            continue; /* free slot */
        total += (uint64_t)blkcnt * BLK_SIZE;
        if (pkgidx == 0 || blkcnt == 0 || blkoff < min_blkoff || total > len) {
            truncate_list(out, start);
            return ld_error_set(err, LD_ERR_CORRUPT, "%s: bad slot at offset %zu", path, o);
        }
        if (read_blob(path, data, len, pkgidx, blkoff, blkcnt, out, err) < 0) {
            truncate_list(out, start);
            return err->code;
        }
    }
    return 0;
}

const ld_cataloger ld_cataloger_rpm_ndb = {
    .name = "rpm-ndb",
    .eco = LD_ECO_RPM,
    .max_bytes = (uint64_t)512 << 20,
    .wants = rpm_ndb_wants,
    .parse = rpm_ndb_parse,
};
