#!/usr/bin/env python3
"""A token service that lets anyone pull, for tests/e2e/test_registry_audit.sh.

A stand-in for a public registry's token service (Docker Hub's hands an
anonymous client a pull token for public repositories): GET /token?service=S
&scope=repository:REPO:ACTIONS answers every client, with or without
credentials, a token granting only the actions --grant names ("pull");
registry:catalog:* and anything else get no access. The registry it serves
(Debian's docker-registry with `auth: token:`) verifies the token itself:
RS256, signed with --sign-key, its certificate --sign-cert in the x5c header
(chaining to the registry's rootcertbundle), issuer and audience as given.
The shared tests/harness/registry_token_server.py grants anonymous clients
nothing; this one is the other kind of registry.

Each request is logged as one JSON line to --log: the scopes asked, the
access granted, and whether an Authorization header came. Signing uses the
openssl command (test code only). Serves HTTPS with --cert/--key.
"""
import argparse
import base64
import http.server
import json
import ssl
import subprocess
import sys
import time
import urllib.parse
import uuid


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem_to_der_b64(path):
    out, inside = [], False
    for line in open(path).read().splitlines():
        if line.startswith("-----BEGIN CERTIFICATE"):
            inside = True
        elif line.startswith("-----END CERTIFICATE"):
            break
        elif inside:
            out.append(line.strip())
    return "".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--sign-key", required=True)
    p.add_argument("--sign-cert", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--grant", default="pull")
    p.add_argument("--log", required=True)
    a = p.parse_args()
    x5c = [pem_to_der_b64(a.sign_cert)]
    granted = {x for x in a.grant.split(",") if x}
    log = open(a.log, "a", buffering=1)

    def sign(data):
        r = subprocess.run(["openssl", "dgst", "-sha256", "-sign", a.sign_key], input=data,
                           capture_output=True, check=True)
        return r.stdout

    def token_for(scopes):
        access = []
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            name, actions = ":".join(parts[1:-1]), parts[-1].split(",")
            ok = [x for x in actions if x in granted]
            if ok:
                access.append({"type": "repository", "name": name, "actions": ok})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": x5c}
        claims = {"iss": a.issuer, "sub": "", "aud": a.service, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        return signing_input + "." + b64url(sign(signing_input.encode())), access

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            u = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(u.query)
            if u.path != "/token" or q.get("service", [""])[0] != a.service:
                self.send_response(404)
                self.end_headers()
                return
            tok, access = token_for(q.get("scope", []))
            log.write(json.dumps({"scope": q.get("scope", []), "access": access,
                                  "authorization": "Authorization" in self.headers}) + "\n")
            body = json.dumps({"token": tok, "access_token": tok, "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
