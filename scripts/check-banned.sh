#!/usr/bin/env bash
# House rule check (STYLE.md "Never a shell"): fails if C sources call
# functions banned in lockdown: system, popen, sprintf, vsprintf, strcpy,
# strcat, gets, atoi, atol. Comment lines are not code and are skipped.
# Run by the test suite.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hits=$(grep -rnE '(^|[^_a-zA-Z0-9.>])(system|popen|sprintf|vsprintf|strcpy|strcat|gets|atoi|atol)[[:space:]]*\(' \
        "$repo/src" "$repo/tests/unit" "$repo/tests/fuzz" --include='*.c' --include='*.h' \
        | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' || true)
if [ -n "$hits" ]; then
    echo "banned calls found (use snprintf, ld_xasprintf, strtol with checks, posix_spawn):"
    echo "$hits"
    exit 1
fi
echo "no banned calls"
