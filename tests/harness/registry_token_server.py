#!/usr/bin/env python3
"""A test token server for distribution's token authentication.

This is a stand-in for a token service such as Docker Hub's auth.docker.io:
no such service can be installed here. The registry it serves tokens for is
the real one (Debian's docker-registry, distribution 2.8, started by
tests/e2e/registry_lib.sh with `auth: token:`), and that registry verifies
every token itself: the JWT must be signed RS256 by a key whose certificate
(the x5c header) chains to the registry's rootcertbundle, and its issuer,
audience, times and access claims must hold.

The protocol it speaks is the distribution token spec:
  GET  /token?service=S&scope=repository:REPO:pull,push[&scope=...]
       with HTTP Basic credentials (checked against --user/--password) or none
       (anonymous: no access granted, the registry then refuses);
  POST /token  grant_type=refresh_token&refresh_token=T&service=S&scope=...
       (the OAuth2 form Docker uses with an identity token; T must equal
       --refresh-token).
Wrong credentials get 401. The answer is {"token", "access_token",
"expires_in", "issued_at"}.

Every request is logged as one JSON line to --log (method, scheme, the
query, whether an Authorization header came and for which user, the
grant type); never the password or the refresh token themselves.

Signing uses the openssl command (test code only), so no Python crypto
package is needed.
"""
import argparse
import base64
import datetime
import http.server
import json
import os
import ssl
import subprocess
import sys
import time
import urllib.parse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem_to_der_b64(path):
    """The base64 DER of the first certificate of a PEM file (an x5c entry)."""
    lines = open(path).read().splitlines()
    out, inside = [], False
    for line in lines:
        if line.startswith("-----BEGIN CERTIFICATE"):
            inside = True
            continue
        if line.startswith("-----END CERTIFICATE"):
            break
        if inside:
            out.append(line.strip())
    return "".join(out)


class TokenIssuer:
    def __init__(self, args):
        self.args = args
        self.x5c = [pem_to_der_b64(args.sign_cert)]

    def sign(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": self.x5c}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.args.sign_key],
                             input=signing_input, capture_output=True, check=True).stdout
        return signing_input.decode() + "." + b64url(sig)

    def token(self, subject, access):
        now = int(time.time())
        claims = {
            "iss": self.args.issuer,
            "sub": subject,
            "aud": self.args.service,
            "exp": now + self.args.ttl,
            "nbf": now - 10,
            "iat": now,
            "jti": b64url(os.urandom(12)),
            "access": access,
        }
        return self.sign(claims)


def parse_scopes(scopes, granted_all):
    access = []
    for scope in scopes:
        for one in scope.split(" "):
            parts = one.split(":")
            if len(parts) < 3:
                continue
            typ, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1]
            if granted_all:
                access.append({"type": typ, "name": name, "actions": actions.split(",")})
    return access


def make_handler(issuer, args):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def log(self, entry):
            if args.log:
                with open(args.log, "a") as f:
                    f.write(json.dumps(entry) + "\n")

        def reply(self, status, body, extra=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def basic_user(self):
            """(present, user, ok) of the Authorization header."""
            h = self.headers.get("Authorization")
            if not h:
                return False, None, False
            if not h.startswith("Basic "):
                return True, None, False
            try:
                user, _, pw = base64.b64decode(h[6:]).decode().partition(":")
            except Exception:
                return True, None, False
            return True, user, (user == args.user and pw == args.password)

        def grant(self, subject, scopes, all_access):
            access = parse_scopes(scopes, all_access)
            tok = issuer.token(subject, access)
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.reply(200, {"token": tok, "access_token": tok, "expires_in": args.ttl,
                             "issued_at": now})

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(url.query)
            present, user, ok = self.basic_user()
            self.log({"method": "GET", "path": url.path, "scheme": args.scheme,
                      "service": q.get("service", [None])[0], "scope": q.get("scope", []),
                      "authorization": present, "user": user, "ok": ok})
            if url.path != "/token":
                return self.reply(404, {"error": "not found"})
            if present and not ok:
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED",
                                                    "message": "wrong credentials"}]},
                                  {"WWW-Authenticate": 'Basic realm="token"'})
            self.grant(user or "", q.get("scope", []), ok)

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(min(n, 65536)).decode())
            grant = form.get("grant_type", [None])[0]
            rt = form.get("refresh_token", [None])[0]
            ok = grant == "refresh_token" and rt == args.refresh_token
            self.log({"method": "POST", "path": self.path, "scheme": args.scheme,
                      "grant_type": grant, "service": form.get("service", [None])[0],
                      "scope": form.get("scope", []), "refresh_token_ok": ok,
                      "authorization": bool(self.headers.get("Authorization"))})
            if not ok:
                return self.reply(401, {"error": "invalid_grant"})
            scopes = form.get("scope", [])
            access = parse_scopes(scopes, True)
            tok = issuer.token(args.user, access)
            self.reply(200, {"access_token": tok, "expires_in": args.ttl,
                             "refresh_token": args.refresh_token})

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0, help="0: a free port")
    p.add_argument("--cert", help="TLS server certificate (absent: plain HTTP)")
    p.add_argument("--key")
    p.add_argument("--sign-key", required=True)
    p.add_argument("--sign-cert", required=True)
    p.add_argument("--issuer", default="lockdown-test-token-issuer")
    p.add_argument("--service", default="lockdown-test-registry")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--refresh-token", default="")
    p.add_argument("--ttl", type=int, default=300)
    p.add_argument("--log")
    args = p.parse_args()
    args.scheme = "https" if args.cert else "http"
    issuer = TokenIssuer(args)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(issuer, args))
    # "ready PORT" on stdout once it listens (tests/e2e/registry_lib.sh waits for it)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    sys.stdout.write("ready %d\n" % srv.server_address[1])
    sys.stdout.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()
