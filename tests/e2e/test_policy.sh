#!/usr/bin/env bash
# End-to-end: `lockdown policy check` and `lockdown policy show` on the built
# binary — a valid policy passes, every problem of a bad one is printed with
# its line (exit 3), unknown keys and catalog-unknown attestations are named,
# and `show` derives the level from the profile.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

example=$LD_REPO/tests/fuzz/corpus/policy/example.yaml

# a valid policy: one summary line on stdout, exit 0
run_ld policy check "$example"
assert_exit 0
assert_stdout_contains "example.yaml: ok (2 exceptions, 1 attestation, 2 trusted registries, 2 trusted keys)"

# the complete example of docs/policy.md stays valid
awk '/^```yaml$/ {on = 1; next} /^```$/ {if (on) exit} on' "$LD_REPO/docs/policy.md" \
    >"$LD_TMP/doc-example.yaml"
run_ld policy check "$LD_TMP/doc-example.yaml"
assert_exit 0
assert_stdout_contains "doc-example.yaml: ok (2 exceptions, 1 attestation"

# three problems on three lines: all printed, exit 3 (could not complete: bad input)
cat >"$LD_TMP/three.yaml" <<'YAML'
version: 1
profile:
  data-classification: secret
  exposure: indirect
  use-case: production
gate:
  fail-on: urgent
exceptions:
  - id: CIS-DOCKER-5.11
    reason: "set by the orchestrator"
    expires: 2026-02-30
YAML
run_ld policy check "$LD_TMP/three.yaml"
assert_exit 3
assert_stderr_contains "three.yaml:3: invalid data-classification \"secret\"; expected public, internal, confidential or restricted"
assert_stderr_contains "three.yaml:7: invalid fail-on \"urgent\""
assert_stderr_contains "three.yaml:11: \"expires\": 2026-02-30 is not a real date"
assert_stdout_not_contains "ok ("

# unknown key, with the allowed keys and a suggestion
cat >"$LD_TMP/unknown.yaml" <<'YAML'
version: 1
gate:
  fail_on: high
YAML
run_ld policy check "$LD_TMP/unknown.yaml"
assert_exit 3
assert_stderr_contains 'unknown.yaml:3: unknown key "fail_on" in gate; expected fail-on, required-controls, allow-incomplete or fail-on-review (did you mean "fail-on"?)'

# attestation of a control the catalog does not have: an error with its line
cat >"$LD_TMP/attest.yaml" <<'YAML'
version: 1
attestations:
  - control: NIST-ORC-03
    by: alice@example.com
    date: 2026-10-01
    evidence: https://wiki.example.com/mfa
  - control: NIST-NOPE-99
    by: bob@example.com
    date: 2026-10-01
    evidence: https://wiki.example.com/nope
YAML
run_ld policy check "$LD_TMP/attest.yaml"
assert_exit 3
assert_stderr_contains 'attest.yaml:7: attestation names unknown control "NIST-NOPE-99"'
assert_stderr_not_contains 'NIST-ORC-03'

# hostile input is refused with one clear line
printf 'version: 1\nexceptions:\n  - &e {id: X, reason: r}\n  - *e\n' >"$LD_TMP/alias.yaml"
run_ld policy check "$LD_TMP/alias.yaml"
assert_exit 3
assert_stderr_contains "alias.yaml:4: YAML aliases are not accepted"
run_ld policy check "$LD_TMP"
assert_exit 3
assert_stderr_contains "not a regular file"
head -c 1100000 /dev/zero | tr '\0' '#' >"$LD_TMP/big.yaml"
run_ld policy check "$LD_TMP/big.yaml"
assert_exit 3
assert_stderr_contains "larger than 1 MiB"

# show: restricted/direct/production derives high, with the reasoning
cat >"$LD_TMP/restricted.yaml" <<'YAML'
version: 1
profile:
  data-classification: restricted
  exposure: direct
  use-case: production
exceptions:
  - id: CIS-DOCKER-5.11
    reason: "old"
    expires: 2001-01-01
  - id: CIS-DOCKER-5.10
    reason: "new"
    expires: 2999-12-31
YAML
run_ld policy show "$LD_TMP/restricted.yaml"
assert_exit 0
assert_stdout_contains "level: high (derived from the profile)"
assert_stdout_contains "floor: restricted data requires high"
assert_stdout_contains "CIS-DOCKER-5.11 EXPIRED on 2001-01-01"
assert_stdout_contains "CIS-DOCKER-5.10 expires 2999-12-31"

# show without a file: the built-in default (internal/indirect/production -> medium)
run_ld policy show
assert_exit 0
assert_stdout_contains "policy: built-in default"
assert_stdout_contains "level: medium"
assert_stdout_contains "fail-on: critical"

# show of an invalid policy: its problems, exit 3
run_ld policy show "$LD_TMP/unknown.yaml"
assert_exit 3
assert_stderr_contains "unknown.yaml:3:"

# usage errors: exit 2
run_ld policy check
assert_exit 2
assert_stderr_contains "no policy file given"
run_ld policy frob
assert_exit 2
run_ld policy show a.yaml b.yaml
assert_exit 2

# policy show prints the kubernetes section as the policy gives it
cat >"$LD_TMP/k8s-policy.yaml" <<'YAML'
version: 1
kubernetes:
  production-namespaces: [prod, prod-*]
  developer-groups: [devs]
  sensitivity-label: example.com/tier
YAML
run_ld policy show "$LD_TMP/k8s-policy.yaml"
assert_exit 0
assert_stdout_contains "production-namespaces: prod, prod-*"
assert_stdout_contains "developer-groups: devs"
assert_stdout_contains "sensitivity-label: example.com/tier"
