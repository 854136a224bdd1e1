#!/usr/bin/env bash
# test_aws_sigv4.sh — lockdown's SigV4 signer (src/aws/sigv4.c) against
# botocore's (botocore.auth.SigV4Auth, Debian python3-botocore), the
# reference signer: 60 generated requests (random methods, services,
# regions, times, paths with reserved and encoded characters and dot
# segments, queries with reserved characters given raw or already encoded,
# repeated names, headers with blank runs and tabs, repeated headers,
# binary bodies, with and without a session token) are signed by botocore
# into a vector file, then the unit-test binary test_aws_sigv4 signs each
# in LD_SIGV4_VECTORS mode and compares the Authorization header. Nothing
# leaves the machine; no AWS endpoint is involved.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
[[ -x $PY ]] && "$PY" -c 'import botocore.auth' 2>/dev/null ||
  skip "botocore is missing (apt-get install python3-botocore)"

bin=""
for c in "${LOCKDOWN_BUILD_DIR:-}/tests/test_aws_sigv4" "$LD_REPO/build/tests/test_aws_sigv4"; do
  [[ -x $c ]] && { bin=$c; break; }
done
[[ -n $bin ]] || skip "test_aws_sigv4 not built (LOCKDOWN_BUILD_DIR=${LOCKDOWN_BUILD_DIR:-unset})"

vectors=$LD_TMP/vectors.jsonl
cat >"$LD_TMP/gen.py" <<'EOF'
# Writes one JSON line per generated request: what lockdown is given, and
# the Authorization header botocore computes for the same request.
import json, random, sys, datetime
from urllib.parse import quote
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

rnd = random.Random(int(sys.argv[2]))
N = int(sys.argv[1])
RESERVED = "!$&'()*+,;=:@/?#[] %\"<>^`{|}\\é"
SAFE = "abcXYZ019-_.~"

def word(k=None, alphabet=SAFE + RESERVED):
    k = k if k is not None else rnd.randint(0, 8)
    return "".join(rnd.choice(alphabet) for _ in range(k))

def enc(s):
    return quote(s, safe="-_.~")

def partly_encoded(s):
    # what a caller may send: reserved characters that are legal in a
    # query left raw, the rest percent-encoded (lower-case hex sometimes)
    out = []
    for ch in s:
        if ch in "-_.~" or ch.isalnum() and ord(ch) < 128:
            out.append(ch)
        elif ch in "/:@,;!$'()*" and rnd.random() < 0.6:
            out.append(ch)
        else:
            e = quote(ch, safe="")
            out.append(e.lower() if rnd.random() < 0.3 else e)
    return "".join(out)

for i in range(N):
    method = rnd.choice(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"])
    service = rnd.choice(["ecs", "ecr", "eks", "ec2", "sts", "iam"])
    region = rnd.choice(["us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1"])
    host = rnd.choice([f"{service}.{region}.amazonaws.com", "127.0.0.1:8443", "localhost"])
    segs = []
    for _ in range(rnd.randint(0, 4)):
        r = rnd.random()
        if r < 0.1:
            segs.append(".")
        elif r < 0.2:
            segs.append("..")
        elif r < 0.25:
            segs.append("")
        else:
            segs.append(enc(word(rnd.randint(1, 8))))
    path = "/" + "/".join(segs) + ("/" if rnd.random() < 0.2 else "")
    params = []
    for _ in range(rnd.randint(0, 5)):
        name = word(rnd.randint(1, 6))
        params.append((name, word()))
        if rnd.random() < 0.2:
            params.append((name, word()))  # repeated name
    wire_q = "&".join(enc(k) + "=" + enc(v) for k, v in params)
    given_q = "&".join(partly_encoded(k) + "=" + partly_encoded(v) for k, v in params)
    headers = []
    for _ in range(rnd.randint(0, 4)):
        name = rnd.choice(["X-Amz-Target", "Content-Type", "X-Custom", "x-lower", "Accept"])
        value = rnd.choice(["  a  b ", "\tapplication/x-amz-json-1.1 ", "v", "x\t\ty  z",
                            "AmazonEC2ContainerServiceV20141113.ListClusters", ""])
        headers.append((name, value))
    body = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([0, 0, 2, 17, 300])))
    akid = "AKID" + word(12, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    secret = word(40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/")
    token = word(rnd.randint(20, 200), "abcdefABCDEF0123456789+/=") if rnd.random() < 0.4 else None
    when = rnd.randint(946684800, 4102444800)

    url = "http://" + host + path + ("?" + wire_q if wire_q else "")
    req = AWSRequest(method=method, url=url, data=body)
    for k, v in headers:
        req.headers[k] = v  # botocore's HTTPHeaders appends a repeated name
    req.headers["Host"] = host
    signer = SigV4Auth(Credentials(akid, secret, token), service, region)
    ts = datetime.datetime.fromtimestamp(when, tz=datetime.timezone.utc)
    req.context["timestamp"] = ts.strftime("%Y%m%dT%H%M%SZ")
    signer._modify_request_before_signing(req)
    creq = signer.canonical_request(req)
    sts = signer.string_to_sign(req, creq)
    sig = signer.signature(sts, req)
    signer._inject_signature_to_request(req, sig)
    print(json.dumps({
        "method": method, "host": host, "path": path, "query": given_q,
        "headers": [[k, v] for k, v in headers], "body_hex": body.hex(),
        "service": service, "region": region, "when": when,
        "akid": akid, "secret": secret, "token": token,
        "authorization": req.headers["Authorization"], "canonical": creq,
    }))
EOF

run_cmd "$PY" "$LD_TMP/gen.py" 60 "${LD_SIGV4_SEED:-17}"
assert_exit 0 "botocore signed the generated requests"
printf '%s\n' "$LD_STDOUT" >"$vectors"
n=$(grep -c . "$vectors")
[[ $n -eq 60 ]] && pass "60 vectors written" || fail_plain "60 vectors written" "got $n"
grep -q '"token": null' "$vectors" && grep -q '"token": "' "$vectors" &&
  pass "vectors with and without a session token" ||
  fail_plain "vectors with and without a session token"

LD_SIGV4_VECTORS=$vectors run_cmd "$bin"
assert_exit 0 "lockdown's Authorization equals botocore's on every vector"
grep -q "60 botocore vectors checked, 0 differ" "$LD_STDOUT_FILE" "$LD_STDERR_FILE" &&
  pass "the binary reports 60 vectors checked" ||
  fail_plain "the binary reports 60 vectors checked"

# One vector tampered with (a signature digit changed): the check must fail,
# so the comparison above is not vacuous.
sed '1s/Signature=\(.\)/Signature=X/' "$vectors" >"$LD_TMP/bad.jsonl"
LD_SIGV4_VECTORS=$LD_TMP/bad.jsonl run_cmd "$bin"
[[ $LD_EXIT -ne 0 ]] && pass "a wrong expected signature is reported" ||
  fail "a wrong expected signature is reported"
