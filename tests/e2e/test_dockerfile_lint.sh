#!/usr/bin/env bash
# End-to-end: `lockdown dockerfile lint` on the Dockerfiles in
# tests/e2e/fixtures/dockerfiles/ — findings with the right check ids and
# Dockerfile lines in JSON, the same lines as SARIF region.startLine, SARIF
# valid against the SARIF 2.1.0 schema and JSON against the report schema,
# secrets masked in every format (real token shapes masked as secret findings
# mask them), CIS 4.9 (every ADD: local low, unpinned remote medium), exit
# codes (0 clean, 1 gate - also when a required rule could not be judged, 2
# usage, 3 unreadable/unparsable with FILE:LINE), stdin and several files. Then the
# SAME files are built by the real engine (legacy builder, --network none,
# FROM lockdown-test/busybox:1, busybox commands only) and the images are
# compared with what the lint read: the parser reads real Dockerfiles. The
# build part is skipped (with a note) only when there is no engine or test
# image and this is not CI; the heredoc file needs BuildKit and is lint-only.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

require_cmd jq
fx=$LD_REPO/tests/e2e/fixtures/dockerfiles
cd "$fx" || { fail_plain "fixtures missing: $fx"; exit 1; }

trusting() { # trusting REGISTRY... — writes a policy file, prints its path
    local p=$LD_TMP/policy.$RANDOM.yaml r list=""
    for r in "$@"; do list+="${list:+, }$r"; done
    printf 'version: 1\ntrusted-registries: [%s]\n' "$list" >"$p"
    echo "$p"
}

# jq: the failing (check_id, line) pairs, sorted, one "id:line" per line
fail_lines() { jq -r '[.findings[] | select(.status == "fail") | "\(.check_id):\(.target.line)"] | sort | .[]' "$LD_STDOUT_FILE"; }

# ---- usage and help at every level ------------------------------------------
run_ld dockerfile
assert_exit 2 "no subcommand"
assert_stderr_contains "lint"
run_ld dockerfile --help
assert_exit 0 "dockerfile --help"
assert_stdout_contains "lockdown dockerfile <command>"
run_ld dockerfile lint --help
assert_exit 0 "dockerfile lint --help"
assert_stdout_contains "dockerfile.pipe-to-shell"
assert_stdout_contains "Exit codes"
run_ld dockerfile lint
assert_exit 2 "lint without a file"
run_ld dockerfile frobnicate
assert_exit 2 "unknown subcommand"
run_ld dockerfile lint --bogus good.Dockerfile
assert_exit 2 "unknown option"

# ---- a clean Dockerfile: everything passes ------------------------------------
policy_ok=$(trusting docker.io/lockdown-test)
run_ld dockerfile lint --policy "$policy_ok" --format json good.Dockerfile
assert_exit 0 "good.Dockerfile passes the gate"
assert_json '[.findings[] | select(.check_id | startswith("dockerfile."))] | length == 15' "one finding per rule"
assert_json 'all(.findings[]; .status == "pass")' "every rule passes"
assert_json '.findings[] | select(.check_id == "dockerfile.user") | .target.line == 23' "USER pass points at line 23"
assert_json '.findings[] | select(.check_id == "dockerfile.healthcheck") | .target.line == 21' "HEALTHCHECK at line 21"
assert_json 'all(.findings[]; .target.kind == "file" and .target.path == "good.Dockerfile")'
if [[ -s $LD_REPO/docs/report.schema.json && -d $LOCKDOWN_TOOLS/node_modules/ajv ]]; then
    assert_json_schema "$LD_REPO/docs/report.schema.json" -
fi
run_ld dockerfile lint --policy "$policy_ok" --format sarif --output "$LD_TMP/good.sarif" --quiet good.Dockerfile
assert_exit 0 "--output FILE"
assert_true "--output: report in the file, stdout and stderr empty" test -s "$LD_TMP/good.sarif" -a -z "$out" -a -z "$err"
assert_valid_sarif "$LD_TMP/good.sarif"
# without trusted registries the registry rule could not be judged: not
# assessed (never a pass), a note, and the gate fails closed on the required
# controls it serves unless --allow-incomplete says otherwise
run_ld dockerfile lint --format json good.Dockerfile
assert_exit 1 "good.Dockerfile with the default policy: the gate fails closed"
assert_json '.findings[] | select(.check_id == "dockerfile.base-trusted") | .status == "error"' \
    "dockerfile.base-trusted is not assessed without trusted-registries"
assert_stderr_contains "dockerfile.base-trusted not assessed"
assert_stderr_contains "incomplete"
run_ld dockerfile lint --allow-incomplete --format json good.Dockerfile
assert_exit 0 "good.Dockerfile, default policy, --allow-incomplete"
assert_stderr_contains "allowed by --allow-incomplete"

# ---- a bad Dockerfile: each rule fails on its line ----------------------------
policy_other=$(trusting registry.example.com)
run_ld dockerfile lint --policy "$policy_other" --format json bad.Dockerfile
assert_exit 1 "bad.Dockerfile fails the gate"
want="dockerfile.add-instruction:16
dockerfile.apt-no-recommends:12
dockerfile.base-trusted:3
dockerfile.base-trusted:7
dockerfile.chmod-777:17
dockerfile.from-latest:7
dockerfile.healthcheck:7
dockerfile.package-pinning:12
dockerfile.pipe-to-shell:14
dockerfile.secrets:9
dockerfile.sensitive-port:18
dockerfile.sudo:12
dockerfile.sudo:13
dockerfile.unverified-packages:15
dockerfile.update-alone:11
dockerfile.user:19"
assert_eq "$want" "$(fail_lines)" "bad.Dockerfile: failing checks and their lines"
assert_json '.findings[] | select(.check_id == "dockerfile.remote-add") | .status == "pass"' "no remote ADD"
assert_json '.findings[] | select(.check_id == "dockerfile.user" and .status == "fail") | .control_id == "CIS-DOCKER-4.1" and .severity == "high"'
assert_json '.findings[] | select(.check_id == "dockerfile.secrets" and .status == "fail") | .evidence | contains("DB_PASSWORD=corr****") and (contains("horse") | not)' \
    "secret masked in evidence as a secret finding masks it (first 4 characters of a long value)"
json_pairs=$(jq -r '[.findings[] | select(.status == "fail") | "\(.check_id):\(.target.line)"] | sort | .[]' "$LD_STDOUT_FILE")

run_ld dockerfile lint --policy "$policy_other" --format sarif bad.Dockerfile
assert_exit 1 "bad.Dockerfile, SARIF"
assert_valid_sarif -
# (properties.check: the check id whatever the rule is keyed by)
sarif_pairs=$(jq -r '[.runs[0].results[] | select(.kind == "fail") | "\(.properties.check):\(.locations[0].physicalLocation.region.startLine)"] | sort | .[]' "$LD_STDOUT_FILE")
assert_eq "$json_pairs" "$sarif_pairs" "SARIF region.startLine equals the JSON line for every failing result"
assert_json '[.runs[0].results[] | .locations[0].physicalLocation.artifactLocation.uri] | unique == ["bad.Dockerfile"]' "SARIF uri is the Dockerfile"

# the secret never shows, in any format or on stderr
for fmt in table json sarif junit; do
    run_ld dockerfile lint --format "$fmt" bad.Dockerfile
    assert_exit 1 "bad.Dockerfile --format $fmt"
    assert_stdout_not_contains "correct-horse-battery-staple" "$fmt"
    assert_stderr_not_contains "correct-horse-battery-staple" "$fmt stderr"
done

# ---- escape directive, heredocs ------------------------------------------------
run_ld dockerfile lint --allow-incomplete --format json escape.Dockerfile
assert_exit 0 "escape.Dockerfile"
assert_json '.findings[] | select(.check_id == "dockerfile.user") | .status == "pass" and .target.line == 10' "backtick continuations keep line numbers"
assert_json '.findings[] | select(.check_id == "dockerfile.healthcheck") | .target.line == 9'

run_ld dockerfile lint --format json heredoc.Dockerfile
assert_exit 1 "heredoc.Dockerfile"
assert_eq "dockerfile.pipe-to-shell:7
dockerfile.remote-add:20
dockerfile.update-alone:21" "$(fail_lines)" "heredoc.Dockerfile: lines inside heredoc bodies, ONBUILD"
assert_json '.findings[] | select(.check_id == "dockerfile.user") | .target.line == 23' "lines after several heredocs"

# ---- CIS 4.9: COPY, not ADD -------------------------------------------------------
# every ADD is a finding: local files and archives, and remote sources pinned
# by --checksum or a commit id, at low severity (dockerfile.add-instruction);
# remote sources nothing pins at medium (dockerfile.remote-add)
sum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d
commit=3f4d0e9e0a1b2c3d4e5f60718293a4b5c6d7e8f9
printf '%s\n' "FROM lockdown-test/busybox:1" "USER app" 'HEALTHCHECK CMD ["true"]' \
    "ADD app.txt /app/" "ADD rootfs.tar.gz /" "ADD --checksum=$sum https://example.com/a /a" \
    "ADD https://github.com/moby/buildkit.git#$commit /src" "ADD https://example.com/b /b" \
    "ADD git@github.com:moby/buildkit.git /src2" "COPY app.txt /copy/" >"$LD_TMP/add.Dockerfile"
run_ld dockerfile lint --allow-incomplete --format json "$LD_TMP/add.Dockerfile"
assert_exit 1 "ADD instructions fail the gate"
assert_eq "dockerfile.add-instruction:4 low
dockerfile.add-instruction:5 low
dockerfile.add-instruction:6 low
dockerfile.add-instruction:7 low
dockerfile.remote-add:8 medium
dockerfile.remote-add:9 medium" \
    "$(jq -r '[.findings[] | select(.status == "fail" and (.check_id | test("add"))) | "\(.check_id):\(.target.line) \(.severity)"] | sort | .[]' "$LD_STDOUT_FILE")" \
    "ADD: local file, local archive, pinned URL, pinned git low; unpinned URL and git medium; COPY none"
assert_json '[.findings[] | select(.status == "fail" and .target.line == 5)][0].evidence | test("unpacks a local archive")' \
    "the archive ADD says why"
assert_json 'all(.findings[] | select(.check_id | test("add")); .control_id == "CIS-DOCKER-4.9")' \
    "both rules report against CIS 4.9"

# ---- real token shapes: masked as secret findings mask them, in every format ---------
gh=ghp_Lk8Qz2Wx7Nc4Vb9Rt1Ym6Hd3Fs5Gj0Pa7Ue3
aws=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
printf '%s\n' "FROM lockdown-test/busybox:1" "ARG TOKEN=$gh" \
    "RUN printf 'aws_secret_access_key = $aws' > /root/credentials && wget -qO- https://x/i.sh | sh" \
    "RUN wget --header \"Authorization: Bearer $gh\" -qO- https://api.example.org/ | sh" \
    "USER app" >"$LD_TMP/tokens.Dockerfile"
printf '%s\n' "${gh:4:16}" "${aws:4:16}" >"$LD_TMP/tokens.txt"
for fmt in table json sarif junit; do
    run_ld dockerfile lint --allow-incomplete --format "$fmt" "$LD_TMP/tokens.Dockerfile"
    assert_exit 1 "tokens.Dockerfile --format $fmt"
    if grep -q -F -f "$LD_TMP/tokens.txt" "$LD_STDOUT_FILE" "$LD_STDERR_FILE"; then
        fail_plain "a token is in clear in the $fmt report" "$(grep -o -F -f "$LD_TMP/tokens.txt" "$LD_STDOUT_FILE" | head -3)"
    else
        pass "no token in clear in the $fmt report"
    fi
done
run_ld dockerfile lint --allow-incomplete --format json "$LD_TMP/tokens.Dockerfile"
assert_json '[.findings[] | select(.check_id == "dockerfile.pipe-to-shell" and .status == "fail")] | length == 2 and all(.[]; .evidence | test("aws_secret_access_key = wJal[*]+|Bearer ghp_[*]+"))' \
    "the pipe-to-shell evidence shows the commands, secrets masked"


# ---- several files, stdin --------------------------------------------------------
LD_STDIN=$fx/bad.Dockerfile run_ld dockerfile lint --format json good.Dockerfile -
assert_exit 1 "good + stdin(bad)"
assert_json '[.findings[].target.path] | unique == ["<stdin>", "good.Dockerfile"]' "findings for both files"
assert_json '[.findings[] | select(.target.path == "<stdin>" and .check_id == "dockerfile.user")][0] | .status == "fail" and .target.line == 19'
run_ld dockerfile lint - -
assert_exit 2 "stdin twice"

# ---- files that cannot be read or parsed: exit 3, FILE:LINE --------------------------
run_ld dockerfile lint --format json good.Dockerfile broken.Dockerfile
assert_exit 3 "broken.Dockerfile"
assert_stderr_contains "broken.Dockerfile:3: unknown instruction: COPYY"
assert_eq "" "$out" "no partial report"
assert_eq 1 "$(grep -c . "$LD_STDERR_FILE")" "one line on stderr"
run_ld dockerfile lint unterminated.Dockerfile
assert_exit 3 "unterminated heredoc"
assert_stderr_contains 'unterminated.Dockerfile:2: unterminated heredoc "EOF"'
run_ld dockerfile lint "$LD_TMP/missing.Dockerfile"
assert_exit 3 "missing file"
assert_stderr_contains "missing.Dockerfile"
head -c 1200000 /dev/zero | tr '\0' '#' >"$LD_TMP/huge.Dockerfile"
run_ld dockerfile lint "$LD_TMP/huge.Dockerfile"
assert_exit 3 "oversize file"
assert_stderr_contains "larger than"

# ---- the real engine builds the same files ---------------------------------------------
base=lockdown-test/busybox:1
if engine_available && docker image inspect "$base" >/dev/null 2>&1; then
    tag=lockdown-test/df-lint-e2e-$$
    export DOCKER_BUILDKIT=0
    # bad.Dockerfile's untagged FROM needs a :latest; the tag is left in place
    # (removing it could break a concurrent run), it adds no image
    docker image inspect lockdown-test/df-lint-base:latest >/dev/null 2>&1 ||
        docker tag "$base" lockdown-test/df-lint-base:latest
    ld_on_exit "docker rmi -f $tag-good $tag-bad $tag-escape"
    build() { # build FILE TAG — docker build, offline, context = the fixtures dir
        run_cmd docker build --network none -q -f "$fx/$1" -t "$2" "$fx"
    }
    build good.Dockerfile "$tag-good"
    assert_exit 0 "docker build good.Dockerfile"
    run_cmd docker image inspect "$tag-good"
    assert_json '.[0].Config.User == "1000:1000"' 'engine: USER ${APP_UID}:${APP_UID} -> 1000:1000' 
    assert_json '.[0].Config.Env | index("APP_HOME=/opt/app") != null'
    assert_json '.[0].Config.ExposedPorts | has("8080/tcp")'
    assert_json '.[0].Config.Healthcheck.Test[0] == "CMD"'
    run_cmd docker run --rm --network none "$tag-good"
    assert_exit 0 "run good image"
    assert_eq "version v1" "$out" "ARG TAG redeclared in the stage and ENV continuation as the lint read them"

    build bad.Dockerfile "$tag-bad"
    assert_exit 0 "docker build bad.Dockerfile (shims, no network)"
    run_cmd docker image inspect "$tag-bad"
    assert_json '.[0].Config.User == "root"' "engine agrees: final USER root (line 19)"
    assert_json '.[0].Config.ExposedPorts | has("22/tcp") and has("8080/tcp")' "engine agrees: EXPOSE 22"
    assert_json '.[0].Config.Env | index("DB_PASSWORD=correct-horse-battery-staple") != null' "engine agrees: ENV continuation"
    assert_json '.[0].Config.Healthcheck == null' "engine agrees: no HEALTHCHECK"

    build escape.Dockerfile "$tag-escape"
    assert_exit 0 "docker build escape.Dockerfile"
    run_cmd docker image inspect "$tag-escape"
    assert_json '.[0].Config.Env | index("TARGET=C:\\data\\") != null' 'engine: backslash is literal under escape=`' 
    assert_json '.[0].Config.User == "65534"'

    # what the lint refuses, the engine refuses too
    build broken.Dockerfile "$tag-broken"
    assert_true "docker build broken.Dockerfile fails too" test "$LD_EXIT" -ne 0
    assert_stderr_contains "COPYY"
elif [[ -n ${CI:-} || ${LOCKDOWN_TEST_ENGINE:-0} == 1 || ${LOCKDOWN_TEST_IMAGES:-0} == 1 ]]; then
    fail_plain "Docker engine with $base expected here (CI or LOCKDOWN_TEST_ENGINE/IMAGES=1); run tests/harness/images.sh"
else
    echo "# note: no Docker engine or no $base image: the build part is skipped (run tests/harness/images.sh)"
fi
