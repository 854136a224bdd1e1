#!/usr/bin/env bash
# End-to-end: `--format html` opened in a real browser (Debian's headless
# Chromium). For three real runs — an image scan of the report fixture
# (vulnerabilities, a secret, a setuid file), `assess --host-root` of a fake
# host (tier records) and a Dockerfile lint with hostile text — the counts the
# page shows (data-* attributes of the server-side summary, and the rows the
# page's script renders after "#all") are compared with the JSON report of
# the same run, computed here from that JSON, never written down. Then: the
# page asks for nothing over the network (Chromium's net log lists no request
# the page started) and logs nothing to its console (the same check on a page
# with a deliberate error and a deliberate request shows both are caught),
# hostile evidence stays text, a 1366x768 screenshot is kept as an artifact,
# and a report with more than 10,000 findings (a real lint of two generated
# Dockerfiles) renders in under 2 s, measured by the page itself.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"
source "$LD_REPO/tests/e2e/fixtures/report_rootfs.sh"

require_cmd jq python3 chromium

export LOCKDOWN_DB=$LD_TMP/never-created.db # never read the user's database
ART=${LOCKDOWN_ARTIFACTS:-${LOCKDOWN_BUILD_DIR:-$LD_REPO/build}/test-artifacts}/report_html
mkdir -p "$ART" || fail_plain "cannot create the artifact directory $ART"

# browse OUT URL [FLAG...] — Chromium loads URL; the DOM after the page's
# scripts ran goes to OUT, the browser's log (console messages) to OUT.err,
# its net log to OUT.netlog. Host names resolve nowhere, so nothing could
# leave even if the page asked.
browse() {
  local out=$1 url=$2
  shift 2
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$LD_TMP/chromium" --disable-background-networking --disable-component-update \
    --disable-sync --disable-default-apps --disable-extensions \
    --host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0 \
    --log-net-log="$out.netlog" "$@" --dump-dom "$url" >"$out" 2>"$out.err"
}

# page_requests NETLOG — the URLs of requests a page started (Chromium's own
# background requests have no origin as initiator; a file:// page's is "null")
page_requests() {
  python3 - "$1" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
for e in log.get("events", []):
    p = e.get("params") or {}
    if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p \
            and p.get("initiator") != "not an origin":
        if not str(p.get("url", "")).startswith("file://"):
            print(p.get("url"))
PY
}

# console_lines ERR — what pages wrote to their console, uncaught errors included
console_lines() { grep -E 'CONSOLE|Uncaught' "$1"; }

# dom_facts DOM — the counts the page shows, as JSON (python's html.parser)
dom_facts() {
  python3 - "$1" <<'PY'
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.f = {"status": {}, "level": {}, "tier": {}, "records": [], "risks": [], "findings": {},
                  "finding_rows": 0, "control_rows": 0, "vuln_groups": {}, "html": {}, "scripts": 0}
        self.row = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); f = self.f
        if tag == "html": f["html"] = {k: v for k, v in a.items() if k.startswith("data-")}
        if tag == "script": f["scripts"] += 1
        if "data-status" in a and "data-count" in a and tag == "span":
            f["status"][a["data-status"]] = int(a["data-count"])
        if tag == "tr" and ("data-level" in a or "data-tier" in a):
            kind = "level" if "data-level" in a else "tier"
            self.row = f[kind].setdefault(a["data-" + kind], {"required": int(a["data-required"])})
        elif tag == "td" and self.row is not None and "data-state" in a:
            self.row[a["data-state"]] = int(a["data-count"])
        if tag == "tr" and "data-tier-record" in a:
            f["records"].append([a["data-tier-record"], a["data-tier-state"]])
        if tag == "ol" and "data-failed-required" in a: f["failed_required"] = int(a["data-failed-required"])
        if tag == "li" and "data-control" in a: f["risks"].append(a["data-control"])
        if tag == "section" and a.get("id") == "findings": f["findings"] = a
        if tag == "section" and a.get("id") == "controls": f["controls_shown"] = int(a.get("data-shown", -1))
        if tag == "section" and a.get("id") == "vulnerabilities":
            f["vulns"] = int(a.get("data-vulns", -1)); f["targets"] = int(a.get("data-targets", -1))
        if tag == "tr" and "row" in (a.get("class") or "").split():
            if "data-i" in a: f["finding_rows"] += 1
            if "data-control" in a: f["control_rows"] += 1
        if tag == "div" and a.get("class") == "group": f["vuln_groups"][a["data-target"]] = int(a["data-count"])
    def handle_endtag(self, tag):
        if tag == "tr": self.row = None
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); print(json.dumps(p.f))
PY
}

# compare NAME JSON DOM — the page shows what the JSON report of the same run says
compare() {
  local name=$1 json=$2 dom=$3 facts=$3.facts.json line
  dom_facts "$dom" >"$facts" || { fail_plain "$name: the DOM could not be read"; return; }
  assert_eq "true" "$(jq -r '.html["data-ready"] // "no"' "$facts")" "$name: the page's script ran to the end"
  assert_eq "" "$(jq -r '.html["data-error"] // ""' "$facts")" "$name: no script error on the page"
  assert_eq 2 "$(jq -r '.scripts' "$facts")" "$name: exactly the page's two script elements"
  # every check below is "expected<TAB>actual<TAB>what", expected from the JSON report
  while IFS=$'\t' read -r want got what; do
    assert_eq "$want" "$got" "$name: $what"
  done < <(jq -r --slurpfile d "$facts" '
    $d[0] as $d | . as $j | ($j.level) as $lvl |
    ( ["findings"] + (["pass","fail","warn","info","manual","skipped","error"]) | .[] as $s |
      if $s == "findings" then [$j.summary.findings, ($d.findings["data-total"] | tonumber), "findings in all"]
      else [$j.summary[$s], $d.status[$s], "\($s) findings in the summary"] end ),
    ( ["low","medium","high"][] as $l | (["required","passed","failed","needs_review","excepted",
        "attested","not_assessed","not_applicable","out_of_scope"][]) as $k |
      [$j.compliance[$l][$k], $d.level[$l][$k], "level \($l): \($k)"] ),
    ( (["required","passed","failed","needs_review","excepted","attested","not_assessed",
        "not_applicable","out_of_scope"][]) as $k |
      [$j.compliance[$lvl][$k], ([$d.tier[][$k]] | add), "tiers at level \($lvl) add up: \($k)"] ),
    [($j.tiers | map([.name, .state]) | tojson), ($d.records | tojson), "tier records"],
    [([$j.compliance.controls[] | select(.state == "failed")] | length), $d.failed_required,
      "failed required controls (top risks)"],
    [([$j.compliance.controls[] | select(.state == "failed")] | length | if . > 10 then 10 else . end),
      ($d.risks | length), "top risks listed"],
    [($j.findings | length), $d.finding_rows, "finding rows after #all"],
    [($j.findings | length), ($d.findings["data-shown"] | tonumber), "findings shown after #all"],
    [($j.compliance.controls | length), $d.control_rows, "control rows (required at the level)"],
    [($j.compliance.controls | length), $d.controls_shown, "controls shown"],
    [([$j.findings[] | select(.vulnerability)] | length), $d.vulns, "vulnerabilities"],
    [([$j.findings[] | select(.vulnerability) | .target.name // .target.id] | unique | length),
      $d.targets, "vulnerable images"]
    | map(tostring) | @tsv' "$json")
}

# ---- the checks catch what they look for: a page with a deliberate request and error ----
cat >"$LD_TMP/bad.html" <<'HTML'
<!DOCTYPE html><html><body><img src="http://leak.example/x.png">
<script>console.log("deliberate message"); throw new Error("deliberate failure");</script></body></html>
HTML
browse "$LD_TMP/bad.dom" "file://$LD_TMP/bad.html"
if page_requests "$LD_TMP/bad.dom.netlog" | grep -q 'http://leak.example/x.png'; then
  pass "the net log check sees a page's request (deliberate page)"
else
  fail_plain "the net log check missed the deliberate page's request" "$(head -c 2000 "$LD_TMP/bad.dom.err")"
fi
if console_lines "$LD_TMP/bad.dom.err" | grep -q 'Uncaught Error: deliberate failure'; then
  pass "the console check sees an uncaught error (deliberate page)"
else
  fail_plain "the console check missed the deliberate page's error" "$(head -c 2000 "$LD_TMP/bad.dom.err")"
fi

# no_requests_no_console NAME DOM — after browse
clean_page() {
  local name=$1 dom=$2 reqs msgs
  reqs=$(page_requests "$dom.netlog")
  assert_eq "" "$reqs" "$name: the page made no network request"
  msgs=$(console_lines "$dom.err")
  assert_eq "" "$msgs" "$name: nothing on the browser console"
}

# ---- an image scan: vulnerabilities, a secret, a setuid file --------------------
ROOT=$LD_TMP/rootfs
DB=$LD_TMP/vuln.db
make_report_rootfs "$ROOT"
make_report_db "$DB"
assert_file_exists "$DB" 'fixture feeds imported'
run_ld image scan "dir:$ROOT" --db "$DB" --format json --output "$LD_TMP/image.json" --quiet
assert_exit 1 "image scan: JSON report, gate failed"
run_ld image scan "dir:$ROOT" --db "$DB" --format html --output "$LD_TMP/image.html" --quiet
assert_exit 1 "image scan: HTML report, same exit status"
assert_json_file "$LD_TMP/image.json" '[.findings[] | select(.vulnerability)] | length >= 8' \
  'the fixture yields vulnerabilities to group'
browse "$LD_TMP/image.dom" "file://$LD_TMP/image.html#all"
compare "image scan" "$LD_TMP/image.json" "$LD_TMP/image.dom"
clean_page "image scan" "$LD_TMP/image.dom"
# vulnerabilities grouped by image: each group's count is that image's vulnerability findings
want=$(jq -c '[.findings[] | select(.vulnerability)] | group_by(.target.name // .target.id)
  | map(length) | sort' "$LD_TMP/image.json")
got=$(jq -c '[.vuln_groups[]] | sort' "$LD_TMP/image.dom.facts.json")
assert_eq "$want" "$got" "image scan: vulnerabilities per image group"

# the screenshot a reader sees first, kept as a test artifact
shot=$ART/report-1366x768.png
rm -f "$shot"
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
  --user-data-dir="$LD_TMP/chromium" --host-resolver-rules="MAP * ~NOTFOUND" \
  --window-size=1366,768 --screenshot="$shot" "file://$LD_TMP/image.html" >/dev/null 2>&1
size=$(python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read(24)
print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8] == b"\x89PNG\r\n\x1a\n" else "not a PNG")' "$shot" 2>&1)
assert_eq "1366x768" "$size" "screenshot $shot is a 1366x768 PNG"

# ---- assess of a fake host: the tier records ---------------------------------------
host=$LD_TMP/host
mkdir -p "$host/etc"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n' >"$host/etc/os-release"
nosock=unix://$LD_TMP/no-engine.sock
run_ld assess --host-root "$host" --docker-host "$nosock" --format json --output "$LD_TMP/assess.json" --quiet
assess_exit=$LD_EXIT
run_ld assess --host-root "$host" --docker-host "$nosock" --format html --output "$LD_TMP/assess.html" --quiet
assert_eq "$assess_exit" "$LD_EXIT" "assess: the HTML run exits as the JSON run did"
assert_json_file "$LD_TMP/assess.json" '.tiers | length > 0' 'assess records its tiers'
browse "$LD_TMP/assess.dom" "file://$LD_TMP/assess.html#all"
compare "assess" "$LD_TMP/assess.json" "$LD_TMP/assess.dom"
clean_page "assess" "$LD_TMP/assess.dom"

# ---- hostile text stays text --------------------------------------------------------
hostile=$LD_TMP/hostile.Dockerfile
cat >"$hostile" <<'DF'
FROM debian:bookworm
ADD http://x.example/</script><script>alert(1)</script> /a
ADD http://x.example/<!--<script> /b
ADD http://x.example/&<img/src=x/onerror=alert(2)> /c
DF
run_ld dockerfile lint "$hostile" --format json --output "$LD_TMP/hostile.json" --quiet
run_ld dockerfile lint "$hostile" --format html --output "$LD_TMP/hostile.html" --quiet
browse "$LD_TMP/hostile.dom" "file://$LD_TMP/hostile.html#expand"
compare "hostile lint" "$LD_TMP/hostile.json" "$LD_TMP/hostile.dom"
clean_page "hostile lint" "$LD_TMP/hostile.dom"
if grep -qF '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;' "$LD_TMP/hostile.dom"; then
  pass "hostile lint: the expanded evidence shows </script><script> as text"
else
  fail_plain "hostile lint: the hostile evidence is not in the expanded page as text"
fi
assert_false "hostile lint: no <img> element came from the evidence" grep -q '<img' "$LD_TMP/hostile.dom"

# ---- 10,000 findings open in under 2 s ------------------------------------------------
# The issue asks for it: a report of a large estate must stay usable. Real input:
# two generated Dockerfiles whose every ADD and RUN is a finding. The time is the
# page's own (performance.now() when its first render ends, from navigation
# start: loading, parsing the data and rendering); the best of up to three loads
# counts, since other processes on a shared machine slow a load down but never
# speed one up.
big=()
for f in a b; do
  {
    echo "FROM debian:bookworm"
    for ((i = 1; i <= 2600; i++)); do
      echo "ADD http://example.com/$f$i /$f$i"
      echo "RUN curl http://example.com/$f$i.sh | sh"
    done
  } >"$LD_TMP/$f.Dockerfile"
  big+=("$LD_TMP/$f.Dockerfile")
done
run_ld dockerfile lint "${big[@]}" --format json --output "$LD_TMP/big.json" --quiet
assert_json_file "$LD_TMP/big.json" '.findings | length > 10000' 'the generated input yields more than 10,000 findings'
run_ld dockerfile lint "${big[@]}" --format html --output "$LD_TMP/big.html" --quiet
best=
for run in 1 2 3; do
  browse "$LD_TMP/big.dom" "file://$LD_TMP/big.html"
  ms=$(dom_facts "$LD_TMP/big.dom" | jq -r '.html["data-render-ms"] // "none"')
  echo "# 10k findings, load $run: first render done at $ms ms ($(dom_facts "$LD_TMP/big.dom" | jq -r '.html["data-render-steps"] // ""'))"
  [[ $ms == none ]] && continue
  if [[ -z $best ]] || python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$ms" "$best"; then
    best=$ms
  fi
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 2000 else 1)' "$best" && break
done
if [[ -n $best ]] && python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 2000 else 1)' "$best"; then
  pass "10k findings: first render in $best ms (< 2000)"
else
  fail_plain "10k findings: first render not under 2000 ms (best: ${best:-no measurement})"
fi
clean_page "10k findings" "$LD_TMP/big.dom"
assert_eq "$(jq '.findings | length' "$LD_TMP/big.json")" \
  "$(dom_facts "$LD_TMP/big.dom" | jq -r '.findings["data-total"]')" "10k findings: the page counts them all"
assert_eq 200 "$(dom_facts "$LD_TMP/big.dom" | jq -r '.finding_rows')" "10k findings: the first page renders 200 rows"

finish
