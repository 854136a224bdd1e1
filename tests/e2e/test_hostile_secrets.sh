#!/usr/bin/env bash
# test_hostile_secrets.sh — issue 11, "nothing hangs" for the secret
# scanner: custom rules whose regexes backtrack (refused when the policy is
# read where the shape is recognisable; stopped by their match limit or time
# budget and reported as not assessed, naming the rule, where it is not),
# and files of distinct tokens (linear de-duplication, at most 1,000 hits
# listed per file and rule, the rest counted: the file still fails). Every
# input is generated here; nothing binary is committed.
#
# Bounds (hostile.sh multiplies them under ASan): refusals 5 s and 64 MiB;
# a 10 MiB file with a backtracking rule 10 s and 128 MiB; a 10 MiB file of
# distinct ghp_ tokens 10 s and 256 MiB; three of them in one directory
# 20 s and 256 MiB. The old code took 60 s and 694 MB on one token file,
# reported a limit hit without naming the rule, and accepted (a*)*b.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LD_REPO/tests/e2e/hostile.sh"
require_cmd jq base64 tr fold head

MIB10=$((10 * 1024 * 1024))

policy_with_rule() { # policy_with_rule FILE ID REGEX KEYWORD — the regex on line 5
  printf 'version: 1\nsecrets:\n  rules:\n    - id: %s\n      regex: %s\n      keywords: [%s]\n' \
    "$2" "'$3'" "$4" >"$1"
}

letters_file() { # letters_file PATH — 10 MiB: 'a' on one line, then "!"
  head -c $((MIB10 - 2)) /dev/zero | tr '\0' a >"$1"
  printf '!\n' >>"$1"
}

tokens_file() { # tokens_file PATH — exactly 10 MiB of distinct ghp_ tokens, one a line; REPLY: how many
  local n=$((MIB10 / 41))
  head -c $((n * 40)) /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c $((n * 36)) |
    fold -w 36 | sed 's/^/ghp_/' >"$1"
  printf '%*s' $((MIB10 - n * 41)) '' | tr ' ' '\n' >>"$1"
  REPLY=$(grep -c '^ghp_[A-Za-z0-9]\{36\}$' "$1")
}

# ---- refused when the policy is read --------------------------------------------
for re in '(a*)*b' '(a+)+$' '(a|a)*$' '(.*)*$'; do
  hostile_dir "refuse-$re"
  policy_with_rule "$HOSTILE_DIR/bad.yaml" evil "$re" aaaa
  mkdir "$HOSTILE_DIR/root" && echo hello >"$HOSTILE_DIR/root/f"
  hostile_case "policy with $re is refused" 3 5 64 -- \
    image scan "dir:$HOSTILE_DIR/root" --checks secrets --policy "$HOSTILE_DIR/bad.yaml"
  assert_stderr_matches "bad\.yaml:5: regex of rule evil can take exponential time \(.* at offset [0-9]+\)" \
    "policy with $re: the line names file:line, the rule and the offset"
done

# a dozen realistic rules are accepted (the check refuses rarely)
hostile_dir accept
cat >"$HOSTILE_DIR/good.yaml" <<'EOF'
version: 1
secrets:
  rules:
    - {id: acme-token, regex: '(acme_[0-9a-f]{32})', keywords: [acme_]}
    - {id: acme-key, regex: '(?i)\bacme[_-]?key["'']?\s*(?::=|=|:)\s*["'']([A-Za-z0-9_+/=.~-]{16,128})["'']', keywords: [acme]}
    - {id: url-creds, regex: '(?i)https?://[^\s:@/]+:([^\s:@/]+)@(?:[a-z0-9-]+\.)+[a-z]{2,}', keywords: ['://']}
    - {id: mongo, regex: 'mongodb(?:\+srv)?://[^:\s]+:([^@\s]+)@', keywords: [mongodb]}
    - {id: pem-body, regex: '-----BEGIN ACME KEY-----\s*(?:[A-Za-z-]+:[^\n]*\n\s*)*([A-Za-z0-9+/=\s]{64,})', keywords: [begin acme key]}
    - {id: jwt-ish, regex: 'eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+', keywords: [eyj]}
    - {id: host-list, regex: 'hosts=((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,})', keywords: [hosts=]}
    - {id: b64, regex: 'blob=((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)', keywords: [blob=]}
    - {id: quoted, regex: 'secret="((?:\\.|[^"\\])*)"', keywords: [secret=]}
    - {id: mac, regex: 'mac=((?:[0-9a-f]{2}:?)+)$', keywords: [mac=]}
    - {id: slugs, regex: 'slug=([a-z0-9]+(?:-[a-z0-9]+)*)', keywords: [slug=]}
    - {id: dotted, regex: 'name=(\w+(?:\.\w+)*)$', keywords: [name=]}
EOF
mkdir "$HOSTILE_DIR/root" && echo 'acme_0123456789abcdef0123456789abcdef' >"$HOSTILE_DIR/root/env"
hostile_case "a policy of twelve realistic rules is accepted" 1 10 128 -- \
  image scan "dir:$HOSTILE_DIR/root" --checks secrets --policy "$HOSTILE_DIR/good.yaml" --format json
assert_json '[.findings[] | select(.status == "fail" and (.evidence | test("rule acme-token")))] | length == 1' \
  "the realistic policy's rule finds its token"

# ---- stopped at run time, reported, never a pass ---------------------------------
# (a+)+$ as (\p{Ll}+)+$: \p is outside what the load-time check models, so
# the PCRE2 match limit is what must stop it
hostile_dir limit
policy_with_rule "$HOSTILE_DIR/p.yaml" nested-letters '(\p{Ll}+)+$' aaaa
mkdir "$HOSTILE_DIR/root" && letters_file "$HOSTILE_DIR/root/big.txt"
hostile_case "a backtracking custom rule on 10 MiB ends" 1 10 128 -- \
  image scan "dir:$HOSTILE_DIR/root" --checks secrets --policy "$HOSTILE_DIR/p.yaml" --format json
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "error"
  and (.evidence | test("^1 file not fully searched for secrets .*rule nested-letters stopped at its match limit in 1 file")))] | length == 1' \
  "the file is not fully searched, naming the rule and its limit"
assert_json '([.findings[] | select(.check_id == "image.secrets" and .status == "pass")] | length == 0)
  and .gate.incomplete == true' "no pass for image.secrets: the run is incomplete"

# linear per start position, quadratic over a 10 MiB line: the time budget (or the match limit)
hostile_dir budget
policy_with_rule "$HOSTILE_DIR/p.yaml" slow-words '(?:\w|-)+\d' aaaa
mkdir "$HOSTILE_DIR/root" && letters_file "$HOSTILE_DIR/root/big.txt"
hostile_case "a quadratic custom rule on a 10 MiB line ends" 1 10 128 -- \
  image scan "dir:$HOSTILE_DIR/root" --checks secrets --policy "$HOSTILE_DIR/p.yaml" --format json
assert_json '[.findings[] | select(.status == "error"
  and (.evidence | test("rule slow-words stopped at its (time budget|match limit)")))] | length == 1' \
  "the quadratic rule is reported as not fully searched"

# ---- a file of distinct tokens ---------------------------------------------------
hostile_dir tokens
mkdir "$HOSTILE_DIR/root" && tokens_file "$HOSTILE_DIR/root/tokens.txt"
count=$REPLY
hostile_case "10 MiB of distinct ghp_ tokens" 1 10 256 -- \
  image scan "dir:$HOSTILE_DIR/root" --checks secrets --format json
assert_json '[.findings[] | select(.check_id == "image.secrets" and .status == "fail"
  and .secret.masked != null and (.evidence | test("rule github-pat")))] | length == 1000' "1,000 hits listed"
assert_json "[.findings[] | select(.status == \"fail\" and .target.path == \"/tokens.txt\"
  and .secret.rule_id == \"github-pat\"
  and (.evidence | test(\"$((count - 1000)) more hits of rule github-pat in this file not listed\")))] | length == 1" \
  "the other $((count - 1000)) are counted in a failing finding"
assert_json '.gate.failed == true and .gate.incomplete == false' "the gate fails (a fail, not an incomplete run)"
# an exception for the rule covers the hits not listed too
printf 'github-pat\n' >"$LD_TMP/ignore-github-pat"
run_ld image scan "dir:$LD_TMP/case-tokens/root" --checks secrets --format json \
  --ignorefile "$LD_TMP/ignore-github-pat"
assert_exit 0 "with the rule excepted, the capped file passes the gate"
assert_json '[.findings[] | select(.status == "fail" and .exception == null)] | length == 0' \
  "every failing finding of the file, the count included, is excepted"

hostile_dir three
mkdir "$HOSTILE_DIR/root"
total=0
for i in 1 2 3; do
  tokens_file "$HOSTILE_DIR/root/t$i.txt"
  total=$((total + REPLY))
done
hostile_case "3 x 10 MiB of distinct ghp_ tokens in one directory" 1 20 256 -- \
  image scan "dir:$HOSTILE_DIR/root" --checks secrets --format json
assert_json '[.findings[] | select(.status == "fail" and .secret.masked != null)] | length == 3000' \
  "1,000 hits listed per file"
assert_json "[.findings[] | select(.status == \"fail\" and (.evidence | test(\"more hits of rule github-pat in this file not listed\")))
  | .evidence | capture(\"(?<n>[0-9]+) more hits\").n | tonumber] | add == $((total - 3000))" \
  "every other token counted once"
