#!/usr/bin/env python3
"""Synthetic vulnerability feeds for bench/db_import.sh.

osv   N OUT.zip   N OSV records of realistic shape (GHSA-style ids, CVE
                  aliases, 300-1500 byte details, a CVSS v3.1 vector, 1-3
                  affected packages with ECOSYSTEM/SEMVER ranges, some with
                  explicit versions lists, 2-8 references) in an all.zip, as
                  osv-vulnerabilities.storage.googleapis.com publishes them.
debian N OUT.json a Debian security tracker JSON with N (package, CVE)
                  issues over 4 releases (the real file: ~60 MB).
rootfs OSV.zip DEBIAN.json N OUTDIR
                  a Debian 12 root file system for bench/vuln_match.sh with N
                  packages named in those feeds: three quarters language
                  packages in the files lockdown's catalogers read (npm
                  node_modules/NAME/package.json, PyPI site-packages
                  NAME-VER.dist-info/METADATA, Maven jars with
                  pom.properties, a Cargo.lock, gem specifications, Composer
                  vendor/composer/installed.json), one quarter dpkg status
                  entries whose Source: is a tracker source package; random
                  versions. Go (needs binaries) and NuGet (no cataloger) are
                  left out.
Deterministic (seeded), so runs compare. Not real advisories."""
import json
import os
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


# OSV ecosystem -> writer of its installed packages under the rootfs (rootfs mode)
ROOTFS_ECOS = ("npm", "PyPI", "Maven", "crates.io", "RubyGems", "Packagist")


def put(root, rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def rootfs_npm(r, root, pkgs):
    for name, v in pkgs:
        put(root, "usr/lib/node_modules/app/node_modules/%s/package.json" % name, json.dumps(
            {"name": name, "version": v, "description": text(r, 20, 80), "main": "index.js",
             "license": r.choice(("MIT", "ISC", "Apache-2.0", "BSD-3-Clause")),
             "dependencies": {"dep-%d" % r.randint(0, 999): "^1.0.0"}}, indent=2))


def rootfs_pypi(r, root, pkgs):
    for name, v in pkgs:
        dist = "usr/local/lib/python3.11/site-packages/%s-%s.dist-info" % (name.replace("-", "_"), v)
        put(root, dist + "/METADATA",
            "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nLicense: MIT\n"
            "Classifier: License :: OSI Approved :: MIT License\nRequires-Python: >=3.8\n\n%s\n"
            % (name, v, text(r, 20, 60), text(r, 200, 800)))
        put(root, dist + "/RECORD", "%s/__init__.py,,\n" % name.replace("-", "_"))


def rootfs_maven(r, root, pkgs):
    # The feed's Maven names carry no group ("pkg-1-x", not "g:a"): the
    # pom.properties has artifactId only, so the lookup name is the feed's.
    for name, v in pkgs:
        with zipfile.ZipFile(os.path.join(root, "opt/app/lib/%s-%s.jar" % (name, v)), "w",
                             zipfile.ZIP_DEFLATED) as z:
            z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n"
                       "Implementation-Title: %s\r\nImplementation-Version: %s\r\n\r\n" % (name, v))
            z.writestr("META-INF/maven/bench/%s/pom.properties" % name,
                       "#Generated by Maven\nartifactId=%s\nversion=%s\n" % (name, v))
            z.writestr("bench/%s/Main.class" % name.replace("-", "_"), r.randbytes(r.randint(500, 3000)))


def rootfs_cargo(r, root, pkgs):
    lines = ["# This file is automatically @generated by Cargo.", "version = 3", ""]
    for name, v in pkgs:
        lines += ["[[package]]", 'name = "%s"' % name, 'version = "%s"' % v,
                  'source = "registry+https://github.com/rust-lang/crates.io-index"',
                  'checksum = "%064x"' % r.getrandbits(256), ""]
    put(root, "srv/rust-app/Cargo.lock", "\n".join(lines))


def rootfs_gem(r, root, pkgs):
    for name, v in pkgs:
        put(root, "var/lib/gems/3.1.0/specifications/%s-%s.gemspec" % (name, v),
            "# -*- encoding: utf-8 -*-\n# stub: %s %s ruby lib\n\nGem::Specification.new do |s|\n"
            '  s.name = "%s".freeze\n  s.version = "%s"\n  s.summary = "%s".freeze\n'
            '  s.licenses = ["MIT".freeze]\n  s.require_paths = ["lib".freeze]\nend\n'
            % (name, v, name, v, text(r, 20, 60)))


def rootfs_composer(r, root, pkgs):
    put(root, "srv/php-app/vendor/composer/installed.json", json.dumps(
        {"packages": [{"name": name, "version": v, "version_normalized": v + ".0", "type": "library",
                       "license": ["MIT"], "description": text(r, 20, 60)} for name, v in pkgs],
         "dev": False, "dev-package-names": []}, indent=4))


def rootfs_dpkg(r, root, sources, n):
    """n binary packages of the given source packages: most sources build one,
    some two (sharing one lookup), some are binNMUs (Source: NAME (VERSION))."""
    pars = []
    used = 0
    for src in sources:
        if len(pars) == n:
            break
        used += 1
        v = ver(r) + "-1"
        binnmu = r.random() < 0.1
        source = "%s (%s)" % (src, v) if binnmu else src
        binaries = ["lib" + src] + (["%s-bin" % src] if r.random() < 0.25 else [])
        for binary in binaries[:n - len(pars)]:
            pars.append("Package: %s\nStatus: install ok installed\nPriority: optional\n"
                        "Section: libs\nInstalled-Size: %d\nMaintainer: Bench <bench@example.org>\n"
                        "Architecture: amd64\nMulti-Arch: same\nSource: %s\nVersion: %s\n"
                        "Depends: libc6 (>= 2.34)\nDescription: %s\n %s\n"
                        % (binary, r.randint(20, 20000), source, v + ("+b1" if binnmu else ""),
                           text(r, 20, 60), text(r, 100, 300)))
    put(root, "var/lib/dpkg/status", "\n".join(pars))
    return len(pars), used


def rootfs(zpath, dpath, n, out):
    r = random.Random(11)
    n_lang = n * 3 // 4
    names = set()
    with zipfile.ZipFile(zpath) as z:
        members = z.namelist()
        for m in r.sample(members, min(len(members), n * 3)):
            for a in json.loads(z.read(m))["affected"]:
                if a["package"]["ecosystem"] in ROOTFS_ECOS:
                    names.add((a["package"]["ecosystem"], a["package"]["name"]))
    picked = r.sample(sorted(names), n_lang)
    with open(dpath) as f:
        sources = sorted(json.load(f).keys())
    os.makedirs(os.path.join(out, "opt/app/lib"))
    put(out, "etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
        'VERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n')
    writers = {"npm": rootfs_npm, "PyPI": rootfs_pypi, "Maven": rootfs_maven,
               "crates.io": rootfs_cargo, "RubyGems": rootfs_gem, "Packagist": rootfs_composer}
    for eco in ROOTFS_ECOS:
        pkgs = [(name, ver(r)) for e, name in picked if e == eco]
        writers[eco](r, out, pkgs)
        print("%-10s %5d packages" % (eco, len(pkgs)), file=sys.stderr)
    got, used = rootfs_dpkg(r, out, r.sample(sources, len(sources)), n - n_lang)
    print("%-10s %5d packages of %d source packages" % ("Debian", got, used), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "rootfs":
        rootfs(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        sys.exit(0)
    if len(sys.argv) != 4 or sys.argv[1] not in ("osv", "debian"):
        sys.exit(__doc__)
    (osv if sys.argv[1] == "osv" else debian)(int(sys.argv[2]), sys.argv[3])
