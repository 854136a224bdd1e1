#!/usr/bin/env bash
# House rule check (ENGINEERING.md "A skipped test is not a passed test"):
# fails if a cmocka unit test calls skip() itself instead of
# LD_SKIP_IF_MISSING / LD_SKIP_OPTIONAL from tests/unit/test_skip.h, since a
# bare skip() is counted by ctest as a pass and never fails under CI.
# Comment lines are not code and are skipped. Run by the test suite.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hits=$(grep -nE '(^|[^_a-zA-Z0-9])skip[[:space:]]*\([[:space:]]*\)' "$repo"/tests/unit/*.c |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' || true)
if [[ -n $hits ]]; then
  echo "bare skip() in unit tests (use LD_SKIP_IF_MISSING or LD_SKIP_OPTIONAL from tests/unit/test_skip.h):"
  echo "$hits"
  exit 1
fi
echo "no bare skip() in unit tests"
