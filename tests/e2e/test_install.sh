#!/usr/bin/env bash
# End-to-end: `cmake --install` puts the binary, the man page and the bash
# completion where users find them, and each works once installed.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

prefix=$LD_TMP/prefix
run_cmd cmake --install "$LOCKDOWN_BUILD_DIR" --prefix "$prefix"
assert_exit 0 "cmake --install succeeds"
assert_file_exists "$prefix/bin/lockdown"
assert_file_exists "$prefix/share/man/man1/lockdown.1"
assert_file_exists "$prefix/share/bash-completion/completions/lockdown"

run_cmd "$prefix/bin/lockdown" --version
assert_exit 0
assert_stdout_contains "lockdown "

# the man page renders and documents the exit codes and every command
if ! command -v man >/dev/null; then
    skip_part "no man (man-db, install-deps.sh --test installs it): man page not rendered"
else
    run_cmd env MANWIDTH=100 man -l "$prefix/share/man/man1/lockdown.1"
    assert_exit 0 "man page renders"
    for word in assess controls level "policy check" "EXIT STATUS" "NO_COLOR" "--fail-on"; do
        assert_stdout_contains "$word" "man page mentions $word"
    done
fi

# the completion offers commands and option values
run_cmd bash -c "source '$prefix/share/bash-completion/completions/lockdown'
COMP_WORDS=(lockdown ''); COMP_CWORD=1; _lockdown; echo \"\${COMPREPLY[*]}\""
assert_stdout_contains "assess"
assert_stdout_contains "controls"
run_cmd bash -c "source '$prefix/share/bash-completion/completions/lockdown'
COMP_WORDS=(lockdown assess --format ''); COMP_CWORD=3; _lockdown; echo \"\${COMPREPLY[*]}\""
assert_stdout_contains "sarif"
finish
