#!/usr/bin/env bash
# End-to-end: SBOM of images built by the real engine, read from `docker save`
# and from the engine (docker:NAME), with layer attribution:
#   - lockdown-test/debian:bookworm gives the same deb list as dir: on its
#     rootfs and as dpkg-query -W;
#   - a multi-layer image where later layers install and remove .deb packages
#     (dpkg rewrites /var/lib/dpkg/status each time), delete an npm package
#     (whiteout) and replace another: every package is attributed to the
#     layer that introduced it, deleted ones are gone, replaced ones show the
#     new version only.
set -uo pipefail
source "$LOCKDOWN_SOURCE_DIR/tests/e2e/lib.sh"

# a missing command is a failure of this build, not a reason to skip
run_ld image --help
assert_exit 0 "image --help"
require_image lockdown-test/debian:bookworm
require_debian_rootfs

debs() { jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version)"' "$1" | sort; }

# ---- the same package list from dir:, docker-archive: and docker: ----------------
run_ld image sbom "dir:$LD_DEBIAN_ROOTFS" --format json
assert_exit 0
debs "$LD_STDOUT_FILE" >"$LD_TMP/dir.list"
docker save lockdown-test/debian:bookworm -o "$LD_TMP/debian.tar"
run_ld image sbom "docker-archive:$LD_TMP/debian.tar" --format json
assert_exit 0
debs "$LD_STDOUT_FILE" >"$LD_TMP/archive.list"
assert_json 'all(.packages[]; .layer.index == 0 and (.layer.diff_id | startswith("sha256:")))' \
  'single-layer image: every package in layer 0 with its diff_id'
run_ld image sbom docker:lockdown-test/debian:bookworm --format json
assert_exit 0
debs "$LD_STDOUT_FILE" >"$LD_TMP/engine.list"
assert_true "docker-archive: list equals dir: list ($(wc -l <"$LD_TMP/dir.list"))" \
  cmp -s "$LD_TMP/dir.list" "$LD_TMP/archive.list"
assert_true "docker: list equals dir: list" cmp -s "$LD_TMP/dir.list" "$LD_TMP/engine.list"

# ---- a multi-layer image ------------------------------------------------------------
ctx=$LD_TMP/ctx
mkdir -p "$ctx"
fake_deb() { # fake_deb NAME VERSION — a minimal binary package with no dependencies
  local d=$LD_TMP/$1
  mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$1"
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: lockdown tests <t@example.org>\nSource: lockdown-fakes (%s)\nDescription: test package\n' \
    "$1" "$2" "$2" >"$d/DEBIAN/control"
  echo "$1" >"$d/usr/share/doc/$1/README"
  dpkg-deb --root-owner-group -b "$d" "$ctx/$1.deb" >/dev/null
}
fake_deb lockdown-fake-one 1.0-1
fake_deb lockdown-fake-two 2.0-1
npm_pkg() { # npm_pkg NAME VERSION
  mkdir -p "$ctx/app/node_modules/$1"
  printf '{"name":"%s","version":"%s","license":"MIT"}\n' "$1" "$2" >"$ctx/app/node_modules/$1/package.json"
}
npm_pkg kept 1.0.0
npm_pkg gone 1.0.0
npm_pkg replaced 1.0.0
cat >"$ctx/Dockerfile" <<'EOF'
FROM lockdown-test/debian:bookworm
COPY lockdown-fake-one.deb lockdown-fake-two.deb /tmp/
RUN dpkg -i /tmp/lockdown-fake-one.deb /tmp/lockdown-fake-two.deb && rm /tmp/*.deb
COPY app /app
RUN dpkg -r lockdown-fake-two && rm -rf /app/node_modules/gone
RUN sed -i 's/1.0.0/2.0.0/' /app/node_modules/replaced/package.json
EOF
img=lockdown-test/sbom-layers:$$
if ! DOCKER_BUILDKIT=0 timeout 300 docker build -q -t "$img" "$ctx" >"$LD_TMP/build.log" 2>&1; then
  fail_plain "docker build of the layered test image failed" "$(tail -n 20 "$LD_TMP/build.log")"
  exit 1
fi
docker save "$img" -o "$LD_TMP/layers.tar"

for target in "docker-archive:$LD_TMP/layers.tar" "docker:$img"; do
  run_ld image sbom "$target" --format json
  assert_exit 0
  assert_json '.layers | length == 6' "$target: six layers"
  # layer 0 is the base, 2 ran dpkg -i, 3 copied the app, 5 replaced a file
  assert_json '[.packages[] | select(.type == "deb" and .layer.index != 0)] | map(.name) == ["lockdown-fake-one"]' \
    "$target: only the installed package is attributed past the base layer"
  assert_json '[.packages[] | select(.name == "lockdown-fake-one")][0] | .layer.index == 2 and (.layer.created_by | test("dpkg -i")) and .source.name == "lockdown-fakes"' \
    "$target: the dpkg -i layer introduced lockdown-fake-one"
  assert_json '[.packages[] | select(.name == "lockdown-fake-two")] | length == 0' \
    "$target: the removed package is gone"
  assert_json '[.packages[] | select(.type == "deb")] | length == 89' "$target: 88 base packages + 1"
  assert_json '[.packages[] | select(.type == "npm") | "\(.name)@\(.version):\(.layer.index)"] == ["kept@1.0.0:3", "replaced@2.0.0:5"]' \
    "$target: npm: deleted package gone, replaced one at its new version and layer"
done
# (no trap: lib.sh's EXIT trap prints the summary)
docker rmi -f "$img" >/dev/null 2>&1 || true
