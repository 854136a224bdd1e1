#!/usr/bin/env bash
# End-to-end: `docker audit --images` streams every local image from the real
# engine through the image checks (CIS Docker section 4) in the same report,
# and without --images no image is read. The engine under test (Debian's
# 20.10) is end of life, so the gate fails (exit 1) either way.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_image lockdown-test/busybox:1

run_ld docker audit --format json --quiet
assert_exit 1 "docker audit: the gate fails"
assert_json '.gate.failed == true' "gate failed"
assert_json '[.findings[] | select(.check_id | startswith("image."))] | length == 0' \
    "no image checks without --images"

run_ld docker audit --images --format json --quiet
assert_exit 1 "docker audit --images: the gate fails"
assert_json '.findings | length > 0' "the audit produced findings"
# busybox:1 is imported without USER: it runs as root
assert_json '[.findings[] | select(.target.name == "docker:lockdown-test/busybox:1" and .check_id == "image.user-nonroot" and .status == "fail")] | length == 1' \
    "busybox image fails the non-root user check (CIS 4.1)"
assert_json '[.findings[] | select(.target.name == "docker:lockdown-test/busybox:1" and .check_id == "image.healthcheck")] | length == 1' \
    "busybox image is checked for a HEALTHCHECK (CIS 4.6)"
finish
