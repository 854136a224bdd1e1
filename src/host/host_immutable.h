/* host.immutable (NIST SP 800-190 4.5.3, HOST-03: immutable hosts without
 * unique state): does the host look like one that is replaced from an
 * image rather than changed in place? Observed under a root directory
 * ("/" for this machine, or a mounted host file system):
 *
 *   mount table   "/" and "/usr" read-only? Root "/": /proc/1/mountinfo,
 *                 else /proc/self/mountinfo; another root:
 *                 ROOT/proc/1/mountinfo (absent: the mounts are unknown)
 *   image-based   ostree (/run/ostree-booted or /ostree), os-release ID of
 *   OS markers    Flatcar, Bottlerocket, Talos, Fedora/RHEL CoreOS, COS,
 *                 Ubuntu Core, k3OS, openSUSE MicroOS / SLE Micro,
 *                 transactional-update installed, NixOS with a read-only
 *                 /nix/store
 *   package       apt, apt-get, dpkg, dnf, microdnf, yum, rpm, zypper, apk
 *   managers      binaries in /usr/bin, /usr/sbin, /bin, /sbin
 *
 * Pass: "/" or "/usr" mounted read-only, or an image-based OS marker.
 * Fail: a writable root (and /usr) with a package manager present.
 * Needs review (warn): writable, no package manager seen, no marker.
 * Error (not assessed): the mount table cannot be read and no marker
 * decides. Evidence lists everything seen. Target: the host.
 * Not for: deciding whether the host keeps unique state (data on the
 * root file system); that part of HOST-03 stays a person's attestation. */
#ifndef LD_HOST_HOST_IMMUTABLE_H
#define LD_HOST_HOST_IMMUTABLE_H

#include "core/error.h"
#include "core/findings.h"

/* Emits host.immutable into fs (declared owed). Returns 0, or
 * LD_ERR_NOT_FOUND when host_root is not a directory, or what
 * ld_findings_add returned (err set). */
int ld_host_immutable_check(ld_findings *fs, const char *host_root, ld_error *err);

#endif
