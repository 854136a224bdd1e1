#!/usr/bin/env bash
# House rule check ("a verdict is a claim"): every check id that
# src/core/check_registry.c lists as implemented must be emitted by some code
# in src/ — its id must appear as a string literal outside the registry.
# A listed id that nothing emits would make its controls look assessable
# while nothing ever observes them. Run by the test suite.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
registry=$repo/src/core/check_registry.c
ids=$(sed -n '/implemented\[\] = {/,/NULL,/p' "$registry" | grep -oE '"[a-z0-9][a-z0-9.-]*"' | tr -d '"' | sort -u)
[ -n "$ids" ] || { echo "no check ids found in $registry"; exit 1; }
missing=()
for id in $ids; do
    if ! grep -rqF --include='*.c' --include='*.h' "\"$id\"" "$repo/src" --exclude=check_registry.c; then
        missing+=("$id")
    fi
done
if ((${#missing[@]})); then
    echo "check ids listed as implemented but emitted nowhere in src/ (remove them, or mark their controls planned):"
    printf '  %s\n' "${missing[@]}"
    exit 1
fi
echo "$(wc -w <<<"$ids") implemented check ids, each emitted in src/"
