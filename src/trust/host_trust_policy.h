/* Whether this host's containers/image tools (podman, CRI-O, skopeo,
 * buildah) verify image signatures before they pull and run: the
 * policy.json default for docker images and its scopes
 * (host.containers-policy, NIST-IMG-12), and whether every scope that
 * requires sigstore signatures has registries.d's use-sigstore-attachments
 * on, without which those tools find no signature and refuse every image
 * (host.containers-sigstore-attachments). Parsing is containers_policy.h's;
 * this file judges. Files are read under a host root. Never prints. */
#ifndef LD_TRUST_HOST_TRUST_POLICY_H
#define LD_TRUST_HOST_TRUST_POLICY_H

#include "core/error.h"
#include "core/findings.h"

extern const char *const ld_host_trust_checks[];

/* Reads ROOT/etc/containers/policy.json and ROOT/etc/containers/
 * registries.d and emits both checks (target: the policy file). No
 * policy.json: both are declared not applicable. A policy that cannot be
 * read or parsed: both not assessed, with the reason. *summary (may be
 * NULL) gets one line for the report's scope (caller frees). Returns < 0
 * only when a finding could not be added. */
int ld_host_trust_policy_check(ld_findings *r, const char *host_root, char **summary,
                               ld_error *err);

#endif
