#!/usr/bin/env python3
"""Synthetic vulnerability feeds for bench/db_import.sh.

osv   N OUT.zip   N OSV records of realistic shape (GHSA-style ids, CVE
                  aliases, 300-1500 byte details, a CVSS v3.1 vector, 1-3
                  affected packages with ECOSYSTEM/SEMVER ranges, some with
                  explicit versions lists, 2-8 references) in an all.zip, as
                  osv-vulnerabilities.storage.googleapis.com publishes them.
debian N OUT.json a Debian security tracker JSON with N (package, CVE)
                  issues over 4 releases (the real file: ~60 MB).
Deterministic (seeded), so runs compare. Not real advisories."""
import json
import random
import sys
import zipfile

ALPHA = "23456789cfghjmpqrvwx"
ECOS = ["npm", "PyPI", "Maven", "Go", "crates.io", "RubyGems", "Packagist", "NuGet"]
WORDS = ("buffer overflow denial service remote attacker crafted request allows arbitrary code "
         "execution injection sanitization improper validation memory leak path traversal "
         "prototype pollution regular expression deserialization untrusted data").split()


def ghsa(r):
    return "GHSA-" + "-".join("".join(r.choice(ALPHA) for _ in range(4)) for _ in range(3))


def text(r, lo, hi):
    out = []
    n = 0
    want = r.randint(lo, hi)
    while n < want:
        w = r.choice(WORDS)
        out.append(w)
        n += len(w) + 1
    return " ".join(out)


def ver(r):
    return "%d.%d.%d" % (r.randint(0, 12), r.randint(0, 30), r.randint(0, 40))


def cvss(r):
    c = lambda *v: r.choice(v)
    return "CVSS:3.1/AV:%s/AC:%s/PR:%s/UI:%s/S:%s/C:%s/I:%s/A:%s" % (
        c("N", "A", "L", "P"), c("L", "H"), c("N", "L", "H"), c("N", "R"), c("U", "C"),
        c("H", "L", "N"), c("H", "L", "N"), c("H", "L", "N"))


def record(r, i):
    eco = r.choice(ECOS)
    cve = "CVE-%d-%d" % (r.randint(2015, 2025), 10000 + i)
    affected = []
    for _ in range(r.choice((1, 1, 1, 2, 3))):
        name = "pkg-%d-%s" % (r.randint(0, 60000), r.choice(WORDS))
        intro, fixed = sorted([ver(r), ver(r)])
        a = {"package": {"ecosystem": eco, "name": name, "purl": "pkg:%s/%s" % (eco.lower(), name)},
             "ranges": [{"type": r.choice(("ECOSYSTEM", "SEMVER")),
                         "events": [{"introduced": r.choice(("0", intro))}, {"fixed": fixed}]}],
             "database_specific": {"source": "https://github.com/github/advisory-database/x.json"}}
        if r.random() < 0.3:
            a["versions"] = sorted({ver(r) for _ in range(r.randint(3, 30))})
        affected.append(a)
    return {
        "schema_version": "1.6.0",
        "id": ghsa(r),
        "modified": "2024-%02d-%02dT10:00:00Z" % (r.randint(1, 12), r.randint(1, 28)),
        "published": "2023-%02d-%02dT10:00:00Z" % (r.randint(1, 12), r.randint(1, 28)),
        "aliases": [cve],
        "summary": text(r, 30, 90),
        "details": text(r, 300, 1500),
        "severity": [{"type": "CVSS_V3", "score": cvss(r)}],
        "affected": affected,
        "references": [{"type": r.choice(("ADVISORY", "WEB", "FIX", "PACKAGE")),
                        "url": "https://example.org/%s/%d" % (cve, k)} for k in range(r.randint(2, 8))],
        "database_specific": {"cwe_ids": ["CWE-%d" % r.randint(20, 1000)],
                              "severity": r.choice(("LOW", "MODERATE", "HIGH", "CRITICAL")),
                              "github_reviewed": True},
    }


def osv(n, out):
    r = random.Random(42)
    seen = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in range(n):
            rec = record(r, i)
            while rec["id"] in seen:
                rec["id"] = ghsa(r)
            seen.add(rec["id"])
            z.writestr(rec["id"] + ".json", json.dumps(rec))


def debian(n, out):
    r = random.Random(7)
    doc = {}
    for i in range(n):
        pkg = doc.setdefault("src-%d" % r.randint(0, 12000), {})
        rels = {}
        for rel in ("buster", "bullseye", "bookworm", "sid"):
            st = r.choice(("resolved", "resolved", "open", "undetermined"))
            e = {"status": st, "repositories": {rel: ver(r) + "-1"},
                 "urgency": r.choice(("low", "medium", "high", "unimportant", "not yet assigned"))}
            if st == "resolved":
                e["fixed_version"] = r.choice(("0", ver(r) + "-2"))
            elif r.random() < 0.2:
                e["nodsa"] = "Minor issue"
                e["nodsa_reason"] = r.choice(("", "ignored", "postponed"))
            rels[rel] = e
        pkg["CVE-%d-%d" % (r.randint(1999, 2025), 10000 + i)] = {
            "description": text(r, 100, 400), "scope": r.choice(("local", "remote")),
            "debianbug": r.randint(100000, 1100000), "releases": rels}
    with open(out, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("osv", "debian"):
        sys.exit(__doc__)
    (osv if sys.argv[1] == "osv" else debian)(int(sys.argv[2]), sys.argv[3])
