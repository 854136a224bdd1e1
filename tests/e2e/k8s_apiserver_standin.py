#!/usr/bin/env python3
"""A local TLS stand-in for kube-apiserver, for lockdown's live-cluster tests.

No Kubernetes API server can be installed on the test machines, so this
server plays one: it answers GET /version and the list endpoints lockdown
reads (/api/v1/pods, /apis/apps/v1/deployments, ...) in the Kubernetes API's
own format -- a PodList/DeploymentList/... with apiVersion, kind,
metadata.resourceVersion and metadata.continue, and items WITHOUT kind and
apiVersion, as the API server sends them -- and error answers as
meta/v1 Status objects (403 Forbidden, 404, 410 Expired, 429, 401). The
objects come from a JSON fixture ({"/api/v1/pods": [item, ...], ...})
written in the shape the API returns (uid, resourceVersion,
creationTimestamp, managedFields, status).

Pagination is the API's: `limit` and `continue`; the continue token is the
server's own opaque base64 JSON ({"v":"meta.k8s.io/v1","rv":N,"start":
"ns/name\\u0000"}). --max-page N returns at most N items a page, as a server
may return fewer than the limit.

One process serves many scenarios: a request for /s/NAME/api/v1/pods is
/api/v1/pods under the scenario NAME, configured by the JSON file
NAME.json in --scenarios DIR (read on every request, so a test adds
scenarios without starting another server; the kubeconfig's server URL
then carries the /s/NAME prefix, as a cluster behind a proxy's path does).
Scenario keys: require_token, require_basic ("user:password"),
require_client_cert, max_page, forbid / not_found / expire_once /
expire_always / retry_429 / fail_500_once (lists of paths),
echo_auth_in_errors, evil_message, drip, huge, huge_bytes, endless,
pages_path, pages, deep (a page nested 100,000 levels deep), wrong_kind
(a PodList whose items say they are Secrets).

Every request is logged as one JSON line (--log): scenario, method, path, query,
Authorization and Impersonate-* headers, the client certificate's subject
when one was presented. Anything but GET is answered 405 and logged, so a
test can prove lockdown only reads.

Hostile modes (for tests/e2e/test_hostile_k8s_live.sh) make the server
misbehave on one path: drip bytes, send a huge body, repeat a continue token
forever, serve N pages, echo the credentials back in error messages.
"""
import argparse
import base64
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse

RV = 48213  # the list snapshot's resourceVersion


def status(code, reason, message, details=None):
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        body["details"] = details
    return body


def list_kind_of(path, fixture_kinds):
    res = path.rstrip("/").rsplit("/", 1)[-1]
    return fixture_kinds.get(res)


def group_version_of(path):
    if path.startswith("/api/"):
        return path.split("/")[2]
    parts = path.split("/")
    return parts[2] + "/" + parts[3]


def continue_token(start, rv=RV):
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start + "\u0000"},
                     separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def token_start(tok):
    try:
        d = json.loads(base64.b64decode(tok))
        return d["start"].rstrip("\u0000")
    except Exception:
        return None


def item_key(item):
    md = item.get("metadata", {})
    return (md.get("namespace", "") + "/" + md.get("name", ""))


LIST_KINDS = {
    "namespaces": "NamespaceList", "nodes": "NodeList", "pods": "PodList",
    "replicationcontrollers": "ReplicationControllerList", "services": "ServiceList",
    "serviceaccounts": "ServiceAccountList", "configmaps": "ConfigMapList",
    "secrets": "SecretList", "deployments": "DeploymentList", "statefulsets": "StatefulSetList",
    "daemonsets": "DaemonSetList", "replicasets": "ReplicaSetList", "jobs": "JobList",
    "cronjobs": "CronJobList", "roles": "RoleList", "clusterroles": "ClusterRoleList",
    "rolebindings": "RoleBindingList", "clusterrolebindings": "ClusterRoleBindingList",
    "networkpolicies": "NetworkPolicyList", "ingresses": "IngressList",
    "poddisruptionbudgets": "PodDisruptionBudgetList",
}


class State:
    def __init__(self, args):
        self.args = args
        with open(args.fixture) as f:
            self.objects = json.load(f)
        self.lock = threading.Lock()
        self.log = open(args.log, "a") if args.log else None
        self.expired = set()  # (scenario, path) that already answered 410 once
        self.retried = set()  # (scenario, path) that already answered 429/500 once

    def record(self, entry):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(entry) + "\n")
                self.log.flush()

    def scenario(self, name):
        if "/" in name or name.startswith("."):
            return None
        try:
            with open(os.path.join(self.args.scenarios, name + ".json")) as f:
                return json.load(f)
        except OSError:
            return None

    def once(self, which, key):
        """True the first time (scenario, path) asks, then False."""
        with self.lock:
            if key in which:
                return False
            which.add(key)
            return True


def split_scenario(path):
    if path.startswith("/s/"):
        rest = path[3:]
        name, _, tail = rest.partition("/")
        return name, "/" + tail
    return "default", path


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-apiserver-standin"

    def log_message(self, fmt, *a):  # quiet
        pass

    def setup(self):
        super().setup()
        # headers and body go out in two writes: without this, Nagle and the
        # client's delayed ACK cost 40 ms a request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def client_subject(self):
        try:
            cert = self.connection.getpeercert()
        except Exception:
            return None
        if not cert:
            return None
        parts = []
        for rdn in cert.get("subject", ()):
            for k, v in rdn:
                parts.append(f"{k}={v}")
        return ",".join(parts)

    def send_json(self, code, body, extra=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def refuse_method(self):
        name, path = split_scenario(urllib.parse.urlsplit(self.path).path)
        self.server.state.record({"scenario": name, "method": self.command, "path": path})
        self.send_json(405, status(405, "MethodNotAllowed", "the stand-in only answers GET"))

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = refuse_method

    def do_GET(self):
        st = self.server.state
        url = urllib.parse.urlsplit(self.path)
        name, path = split_scenario(url.path)
        q = urllib.parse.parse_qs(url.query)
        auth = self.headers.get("Authorization")
        st.record({
            "scenario": name, "method": "GET", "path": path, "query": url.query,
            "t": time.time(), "authorization": auth,
            "impersonate_user": self.headers.get("Impersonate-User"),
            "impersonate_group": self.headers.get_all("Impersonate-Group"),
            "client": self.client_subject(),
            "host": self.headers.get("Host"),
        })
        sc = st.scenario(name)
        if sc is None:
            return self.send_json(404, status(404, "NotFound", "no such scenario"))
        self.sc = sc
        echo = f" (request carried Authorization: {auth})" if sc.get("echo_auth_in_errors") and auth else ""
        if sc.get("evil_message"):
            echo += " \x1b]0;pwned\x07\x1b[31mred\u202egnp.exe\u0085"
        # authentication, as the API server does it before anything else
        if sc.get("require_client_cert") and not self.client_subject():
            return self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
        if sc.get("require_token") and auth != "Bearer " + sc["require_token"]:
            return self.send_json(401, status(401, "Unauthorized", "Unauthorized" + echo))
        if sc.get("require_basic"):
            want = "Basic " + base64.b64encode(sc["require_basic"].encode()).decode()
            if auth != want:
                return self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
        if path == "/version":
            return self.send_json(200, {
                "major": "1", "minor": "30", "gitVersion": "v1.30.2",
                "gitCommit": "39683505b630ff2121012f3c5b16215a1449d5ed",
                "gitTreeState": "clean", "buildDate": "2024-06-11T20:21:00Z",
                "goVersion": "go1.22.4", "compiler": "gc", "platform": "linux/amd64"})
        if path == sc.get("drip"):
            return self.drip()
        if path == sc.get("huge"):
            return self.huge(sc.get("huge_bytes", 200 << 20))
        if path == sc.get("deep"):
            body = b'{"kind":"PodList","apiVersion":"v1","metadata":{},"items":' + \
                b"[" * 100000 + b"]" * 100000 + b"}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        if path == sc.get("wrong_kind"):
            return self.send_json(200, {"kind": "PodList", "apiVersion": "v1", "metadata": {},
                                        "items": [{"kind": "Secret", "apiVersion": "v1",
                                                   "metadata": {"name": "smuggled"}}]})
        if path in sc.get("forbid", []):
            res = path.rsplit("/", 1)[-1]
            gv = group_version_of(path)
            group = "" if "/" not in gv else gv.split("/")[0]
            return self.send_json(403, status(
                403, "Forbidden",
                f'{res} is forbidden: User "system:serviceaccount:audit:lockdown" cannot list '
                f'resource "{res}" in API group "{group}" at the cluster scope' + echo,
                {"kind": res}))
        if path in sc.get("retry_429", []) and st.once(st.retried, (name, path)):
            return self.send_json(429, status(429, "TooManyRequests",
                                              "Too many requests, please try again later."),
                                  {"Retry-After": "1"})
        if path in sc.get("fail_500_once", []) and st.once(st.retried, (name, path)):
            return self.send_json(500, status(500, "InternalError",
                                              "an error on the server (\"\") has prevented the "
                                              "request from succeeding" + echo))
        kind = list_kind_of(path, LIST_KINDS)
        special = path in (sc.get("endless"), sc.get("pages_path"))
        if path in sc.get("not_found", []) or kind is None or (
                path not in st.objects and not special):
            return self.send_json(404, status(404, "NotFound",
                                              "the server could not find the requested resource"))
        if path == sc.get("endless"):
            return self.endless(kind)
        if path == sc.get("pages_path"):
            return self.many_pages(kind, q, sc.get("pages", 10000))
        items = sorted(st.objects[path], key=item_key)
        cont = q.get("continue", [None])[0]
        start = 0
        if cont is not None:
            if path in sc.get("expire_always", []) or (
                    path in sc.get("expire_once", []) and st.once(st.expired, (name, path))):
                return self.send_json(410, status(
                    410, "Expired",
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter, or use "
                    "the continue token in this response to retrieve the remainder of the "
                    "results. Continuing with the provided token results in an inconsistent "
                    "list - objects that were created, modified, or deleted between the time "
                    "the first chunk was returned and now may show up in the list."))
            after = token_start(cont)
            if after is None:
                return self.send_json(400, status(400, "BadRequest",
                                                  "continue key is not valid"))
            keys = [item_key(i) for i in items]
            start = next((n for n, k in enumerate(keys) if k > after), len(items))
        limit = int(q.get("limit", ["0"])[0] or 0)
        size = limit if limit > 0 else len(items)
        if sc.get("max_page"):
            size = min(size, sc["max_page"])
        page = items[start:start + size]
        md = {"resourceVersion": str(RV)}
        if start + size < len(items):
            md["continue"] = continue_token(item_key(page[-1]))
            md["remainingItemCount"] = len(items) - start - size
        self.send_json(200, {"kind": kind, "apiVersion": group_version_of(path),
                             "metadata": md, "items": page})

    # ---- hostile modes ----

    def drip(self):
        # headers, then one byte a second: never a complete answer
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(600):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        except Exception:
            pass

    def huge(self, size):
        # a PodList whose body never ends within the client's cap
        head = b'{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            def chunk(b):
                self.wfile.write(b"%x\r\n" % len(b) + b + b"\r\n")
            chunk(head)
            block = b"a" * (1 << 20)
            sent = len(head)
            while sent < size:
                chunk(block)
                sent += len(block)
            chunk(b'"}}]}')
            self.wfile.write(b"0\r\n\r\n")
        except Exception:
            pass

    def endless(self, kind):
        # the same continue token forever
        self.send_json(200, {"kind": kind, "apiVersion": "v1",
                             "metadata": {"resourceVersion": str(RV),
                                          "continue": continue_token("default/loop")},
                             "items": [{"metadata": {"name": "loop", "namespace": "default"}}]})

    def many_pages(self, kind, q, n):
        # n pages of one object, each with a new continue token
        cont = q.get("continue", [None])[0]
        i = 0
        if cont:
            s = token_start(cont) or "default/p-0"
            i = int(s.rsplit("-", 1)[-1]) + 1
        md = {"resourceVersion": str(RV)}
        if i + 1 < n:
            md["continue"] = continue_token(f"default/p-{i}")
        self.send_json(200, {"kind": kind, "apiVersion": "v1", "metadata": md,
                             "items": [{"metadata": {"name": f"p-{i}", "namespace": "default",
                                                     "uid": f"uid-{i}"},
                                        "spec": {"containers": [{"name": "c",
                                                                 "image": "nginx:1.25"}]}}]})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--client-ca", help="ask for client certificates signed by this CA")
    p.add_argument("--fixture", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--scenarios", required=True, help="directory of NAME.json scenarios")
    args = p.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.client_ca:
        ctx.load_verify_locations(args.client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL  # verified when presented; scenarios may require one
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
