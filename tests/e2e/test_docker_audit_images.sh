#!/usr/bin/env bash
# End-to-end: `docker audit --images` streams every local image from the real
# engine through the image checks (CIS Docker section 4) in the same report,
# and without --images no image is read.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"
require_image lockdown-test/busybox:1

run_ld docker audit --format json --quiet
assert_json '[.findings[] | select(.check_id | startswith("image."))] | length == 0' \
    "no image checks without --images"

run_ld docker audit --images --format json --quiet
assert_json '.findings | length > 0' "the audit produced findings"
# busybox:1 is imported without USER: it runs as root
assert_json '[.findings[] | select(.target.name == "docker:lockdown-test/busybox:1" and .check_id == "image.user-nonroot" and .status == "fail")] | length == 1' \
    "busybox image fails the non-root user check (CIS 4.1)"
assert_json '[.findings[] | select(.target.name == "docker:lockdown-test/busybox:1" and .check_id == "image.healthcheck")] | length == 1' \
    "busybox image is checked for a HEALTHCHECK (CIS 4.6)"
finish
