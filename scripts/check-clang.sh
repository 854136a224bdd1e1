#!/usr/bin/env bash
# House rule check: every C source of src/ also compiles with clang, which
# refuses what gcc only accepts — above all a goto that jumps over a
# variable with a cleanup attribute (ld_autofree), which frees garbage at the
# label — and with the project's warnings as errors (CMakeLists.txt's list),
# which clang judges differently (-Wcast-align on byte offsets), so the CLI
# files that only gcc builds cannot break the clang (fuzz) build unseen.
# Syntax only (-fsyntax-only), in parallel; clang is installed by
# scripts/install-deps.sh. Run by the test suite (lint/clang-syntax).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v clang >/dev/null || { echo "clang is not installed (scripts/install-deps.sh)"; exit 1; }
cd "$repo"
find src -name '*.c' -print0 |
  xargs -0 -P "$(nproc)" -n 8 clang -fsyntax-only -std=gnu17 -D_GNU_SOURCE -Isrc \
    $(pkg-config --cflags-only-I libxml-2.0) \
    -DLOCKDOWN_VERSION='"lint"' -Wall -Wextra -Wshadow -Wformat=2 -Wformat-security -Wvla \
    -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes -Wundef -Wcast-align \
    -Wimplicit-fallthrough -Wno-unused-parameter -Werror
echo "$(find src -name '*.c' | wc -l) C sources compile with clang"
