#!/usr/bin/python3
"""A local HTTPS stand-in for the AWS APIs lockdown's live path reads, for
tests/e2e/test_aws_live.sh. No AWS endpoint is reachable from the test
machines, so this server plays ECS and ECR (JSON 1.1, X-Amz-Target), EKS
(REST-JSON) and EC2 (query protocol, XML answers) on one port, for the
read-only calls of src/aws/aws_live.h.

Run it with /usr/bin/python3 (Debian's python3-botocore): it VERIFIES THE
SigV4 SIGNATURE OF EVERY REQUEST by recomputing it with
botocore.auth.SigV4Auth from the request as received (method, path, query,
the headers the request says it signed, the body, its X-Amz-Date) and the
known test credentials, and answers 403 InvalidSignatureException when
they differ. It also checks the credential scope names the right service
and region, and that X-Amz-Date is within 15 minutes of now. Each request
is logged as one JSON line (--log): time, service, operation, verified,
why (when not), status, page.

The answers come from a fixture directory of AWS CLI output (the same
files `lockdown aws scan DIR` reads): ecs describe-clusters /
describe-services / describe-task-definition, ecr describe-repositories /
get-lifecycle-policy / get-repository-policy /
get-registry-scanning-configuration / describe-registry /
describe-pull-through-cache-rules, eks describe-cluster /
describe-nodegroup / describe-addon / describe-addon-versions, ec2
describe-launch-template-versions. The list calls are answered from what
the describe files hold; a repository without a policy file answers
LifecyclePolicyNotFoundException / RepositoryPolicyNotFoundException.
Timestamps go out as the wire protocols send them (epoch seconds, from
botocore's service models), as the AWS CLI receives them before printing.

Modes, from the JSON file --config (read on every request, so one server
serves every case of a test):
  {"expired": true}                      every request: 400 ExpiredTokenException
  {"throttle": {"op": "DescribeRepositories", "times": 3, "retry_after": 1}}
                                         the first N requests of op: 429 with a
                                         ThrottlingException body (Retry-After when given)
  {"deny": ["GetLifecyclePolicy"]}       400 AccessDeniedException on these operations
  {"page_size": 1}                       lists split in pages of N with nextToken
  {"huge": ["DescribeRegistry"]}         a 17 MiB JSON answer on these operations
  {"garbage": ["DescribeRegistry"]}      a 200 answer that is not JSON
  {"evil_message": true}                 AccessDenied messages carry terminal escapes
A change of the config's content resets the throttle counters.
"""
import argparse
import base64
import datetime
import glob
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from xml.sax.saxutils import escape

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ECS_PREFIX = "AmazonEC2ContainerServiceV20141113"
ECR_PREFIX = "AmazonEC2ContainerRegistry_V20150921"
MODELS = {}


def model(service):
    if service not in MODELS:
        MODELS[service] = botocore.session.get_session().get_service_model(service)
    return MODELS[service]


def to_wire(shape, value):
    """The value as the service's wire protocol sends it: timestamps (ISO
    text in the CLI's output) become epoch seconds."""
    if shape is None or value is None:
        return value
    t = shape.type_name
    if t == "structure" and isinstance(value, dict):
        return {k: to_wire(shape.members.get(k), v) for k, v in value.items()}
    if t == "list" and isinstance(value, list):
        return [to_wire(shape.member, v) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: to_wire(shape.value, v) for k, v in value.items()}
    if t == "timestamp" and isinstance(value, str):
        return datetime.datetime.fromisoformat(value).timestamp()
    return value


def wire(service, op, doc):
    return to_wire(model(service).operation_model(op).output_shape, doc)


class Fixtures:
    """The CLI output files of a directory, indexed by what they describe."""

    def __init__(self, d):
        self.ecs_clusters, self.services, self.taskdefs = [], [], {}
        self.repos, self.lifecycle, self.repo_policy = [], {}, {}
        self.scanning = self.registry = None
        self.pull_through = []
        self.eks_clusters, self.nodegroups, self.addons, self.addon_versions = {}, {}, {}, {}
        self.launch_templates = []
        for path in sorted(glob.glob(os.path.join(d, "*.json"))):
            with open(path) as f:
                doc = json.load(f)
            self.index(doc)

    def index(self, doc):
        if "taskDefinition" in doc:
            td = doc["taskDefinition"]
            self.taskdefs[td["taskDefinitionArn"]] = doc
        elif "services" in doc:
            self.services += doc["services"]
        elif "clusters" in doc:
            self.ecs_clusters += doc["clusters"]
        elif "repositories" in doc:
            self.repos += doc["repositories"]
        elif "lifecyclePolicyText" in doc:
            self.lifecycle[doc["repositoryName"]] = doc
        elif "policyText" in doc:
            self.repo_policy[doc["repositoryName"]] = doc
        elif "scanningConfiguration" in doc:
            self.scanning = doc
        elif "replicationConfiguration" in doc:
            self.registry = doc
        elif "pullThroughCacheRules" in doc:
            self.pull_through += doc["pullThroughCacheRules"]
        elif "cluster" in doc:
            self.eks_clusters[doc["cluster"]["name"]] = doc
        elif "nodegroup" in doc:
            ng = doc["nodegroup"]
            self.nodegroups[(ng["clusterName"], ng["nodegroupName"])] = doc
        elif "addon" in doc:
            a = doc["addon"]
            self.addons[(a["clusterName"], a["addonName"])] = doc
        elif "addons" in doc:
            for a in doc["addons"]:
                self.addon_versions[a["addonName"]] = a
        elif "LaunchTemplateVersions" in doc:
            self.launch_templates += doc["LaunchTemplateVersions"]

    def family_latest(self, family):
        best = None
        for doc in self.taskdefs.values():
            td = doc["taskDefinition"]
            if td["family"] == family and td.get("status", "ACTIVE") == "ACTIVE":
                if best is None or td["revision"] > best["taskDefinition"]["revision"]:
                    best = doc
        return best

    def task_definition(self, ref):
        if ref in self.taskdefs:
            return self.taskdefs[ref]
        for doc in self.taskdefs.values():
            td = doc["taskDefinition"]
            if ref == "%s:%d" % (td["family"], td["revision"]):
                return doc
        return self.family_latest(ref)


class ApiError(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def page(items, token, size):
    """items[token:token+size] and the next token (opaque base64), or all."""
    start = 0
    if token:
        try:
            start = int(json.loads(base64.b64decode(token))["o"])
        except Exception:
            raise ApiError(400, "InvalidParameterException", "invalid nextToken")
    if not size:
        return items[start:], None, start // max(size or 1, 1)
    chunk = items[start:start + size]
    nxt = None
    if start + size < len(items):
        nxt = base64.b64encode(json.dumps({"o": start + size}).encode()).decode()
    return chunk, nxt, start // size


class State:
    def __init__(self, args):
        self.args = args
        self.fx = Fixtures(args.fixtures)
        self.lock = threading.Lock()
        self.log = open(args.log, "a")
        self.counts = {}
        self.config_key = None

    def config(self):
        try:
            with open(self.args.config) as f:
                text = f.read()
        except OSError:
            text = "{}"
        with self.lock:
            if text != self.config_key:
                self.config_key = text
                self.counts = {}
        return json.loads(text or "{}")

    def count(self, op):
        with self.lock:
            self.counts[op] = self.counts.get(op, 0) + 1
            return self.counts[op]

    def record(self, entry):
        with self.lock:
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aws-standin"

    def log_message(self, fmt, *a):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # ---- answers ----
    def send(self, status, body, ctype, headers=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "4b4a2e1c-0000-4000-8000-000000000000")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def send_error_for(self, proto, e):
        if proto == "ec2":
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s'
                   "</Code><Message>%s</Message></Error></Errors><RequestID>4b4a2e1c</RequestID>"
                   "</Response>" % (escape(e.code), escape(e.message)))
            self.send(e.status, xml, "text/xml;charset=UTF-8", e.headers)
        elif proto == "rest":
            h = dict(e.headers)
            h["x-amzn-ErrorType"] = e.code + ":http://internal.amazon.com/coral/com.amazon.eks/"
            self.send(e.status, json.dumps({"message": e.message}), "application/json", h)
        else:
            body = {"__type": e.code, "message": e.message}
            self.send(e.status, json.dumps(body), "application/x-amz-json-1.1", e.headers)

    # ---- SigV4 ----
    def verify(self, body, service):
        """None when the signature is right, else why not."""
        st = self.server.state
        auth = self.headers.get("Authorization", "")
        amz_date = self.headers.get("X-Amz-Date", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return "no AWS4-HMAC-SHA256 Authorization header"
        fields = {}
        for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
            k, _, v = part.strip().partition("=")
            fields[k] = v
        cred = fields.get("Credential", "").split("/")
        if len(cred) != 5 or cred[4] != "aws4_request":
            return "malformed Credential"
        akid, day, region, svc, _ = cred
        if akid != st.args.access_key:
            return "unknown access key"
        if region != st.args.region or svc != service:
            return "scope %s/%s, expected %s/%s" % (region, svc, st.args.region, service)
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            return "bad X-Amz-Date"
        if day != amz_date[:8]:
            return "scope date is not the request's date"
        if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900:
            return "X-Amz-Date more than 15 minutes from now"
        signed = fields.get("SignedHeaders", "").split(";")
        if "host" not in signed or "x-amz-date" not in signed:
            return "host and x-amz-date must be signed"
        if st.args.session_token and "x-amz-security-token" not in signed:
            return "the session token is not signed"
        if st.args.session_token and self.headers.get("X-Amz-Security-Token") != st.args.session_token:
            return "wrong session token"
        headers = {}
        for h in signed:
            v = self.headers.get_all(h)
            if v is None:
                return "signed header %s not sent" % h
            headers[h] = ",".join(v)
        url = "https://" + self.headers.get("Host", "") + self.path
        req = AWSRequest(method=self.command, url=url, headers=headers, data=body)
        req.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(st.args.access_key, st.args.secret_key,
                                       st.args.session_token or None), service, region)
        canonical = signer.canonical_request(req)
        sts = signer.string_to_sign(req, canonical)
        want = signer.signature(sts, req)
        if want != fields.get("Signature"):
            return "signature differs (canonical request: %r)" % canonical
        return None

    # ---- dispatch ----
    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def handle_any(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        target = self.headers.get("X-Amz-Target")
        if self.command == "POST" and target:
            prefix, _, op = target.partition(".")
            service = {ECS_PREFIX: "ecs", ECR_PREFIX: "ecr"}.get(prefix, "?")
            proto = "json"
        elif self.command == "POST":
            form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
            op = form.get("Action", ["?"])[0]
            service, proto = "ec2", "ec2"
        else:
            service, proto, op = "eks", "rest", self.rest_op()
        entry = {"t": time.time(), "service": service, "op": op, "method": self.command,
                 "path": self.path}
        cfg = st.config()
        why = self.verify(body, service)
        entry["verified"] = why is None
        try:
            if why:
                entry["why"] = why
                raise ApiError(403, "InvalidSignatureException",
                               "The request signature we calculated does not match the "
                               "signature you provided.")
            if cfg.get("expired"):
                raise ApiError(400, "ExpiredTokenException" if proto != "ec2" else "RequestExpired",
                               "The security token included in the request is expired")
            th = cfg.get("throttle") or {}
            if th.get("op") == op and st.count(op) <= int(th.get("times", 0)):
                h = {"Retry-After": str(th["retry_after"])} if "retry_after" in th else {}
                raise ApiError(429, "ThrottlingException", "Rate exceeded", h)
            if op in (cfg.get("deny") or []):
                raise ApiError(400, "AccessDeniedException",
                               "User: arn:aws:iam::123456789012:user/auditor is not authorized "
                               "to perform: %s:%s%s" % (service, op, "\x1b]0;pwned\x07\x1b[2J"
                                                        if cfg.get("evil_message") else ""))
            if op in (cfg.get("huge") or []):
                pad = "x" * (17 << 20)
                self.send(200, '{"registryId":"123456789012","pad":"%s"}' % pad,
                          "application/x-amz-json-1.1")
                entry["status"] = 200
                st.record(entry)
                return
            if op in (cfg.get("garbage") or []):
                self.send(200, "<html>a captive portal</html>", "application/x-amz-json-1.1")
                entry["status"] = 200
                st.record(entry)
                return
            size = int(cfg.get("page_size") or 0)
            if proto == "json":
                req = json.loads(body or b"{}")
                answer, entry["page"] = getattr(self, "op_" + op)(req, size)
                self.send(200, json.dumps(wire(service, op, answer)), "application/x-amz-json-1.1")
            elif proto == "rest":
                answer, entry["page"] = self.rest_answer(op, size)
                self.send(200, json.dumps(wire("eks", op, answer)), "application/json")
            else:
                self.send(200, self.ec2_answer(op, form), "text/xml;charset=UTF-8")
            entry["status"] = 200
        except ApiError as e:
            entry["status"], entry["code"] = e.status, e.code
            self.send_error_for(proto, e)
        except (AttributeError, KeyError, ValueError) as e:
            entry["status"], entry["code"] = 400, "ValidationException"
            entry["why"] = repr(e)
            self.send_error_for(proto, ApiError(400, "ValidationException", "bad request"))
        st.record(entry)

    # ---- ECS ----
    def op_ListClusters(self, req, size):
        arns = [c["clusterArn"] for c in self.server.state.fx.ecs_clusters]
        items, nxt, p = page(arns, req.get("nextToken"), size)
        return dict(clusterArns=items, **({"nextToken": nxt} if nxt else {})), p

    def op_DescribeClusters(self, req, size):
        want = req.get("clusters") or []
        if len(want) > 100:
            raise ApiError(400, "InvalidParameterException", "more than 100 clusters")
        if "SETTINGS" not in (req.get("include") or []):
            raise ApiError(400, "InvalidParameterException", "stand-in: SETTINGS not asked")
        cl = [c for c in self.server.state.fx.ecs_clusters
              if c["clusterArn"] in want or c["clusterName"] in want]
        return {"clusters": cl, "failures": []}, 0

    def op_ListServices(self, req, size):
        c = req.get("cluster", "default")
        arns = [s["serviceArn"] for s in self.server.state.fx.services
                if s["clusterArn"] == c or s["clusterArn"].endswith("/" + c)]
        items, nxt, p = page(arns, req.get("nextToken"), size)
        return dict(serviceArns=items, **({"nextToken": nxt} if nxt else {})), p

    def op_DescribeServices(self, req, size):
        want = req.get("services") or []
        if len(want) > 10:
            raise ApiError(400, "InvalidParameterException", "more than 10 services")
        sv = [s for s in self.server.state.fx.services if s["serviceArn"] in want]
        return {"services": sv, "failures": []}, 0

    def op_ListTaskDefinitionFamilies(self, req, size):
        fams = sorted({d["taskDefinition"]["family"] for d in self.server.state.fx.taskdefs.values()})
        items, nxt, p = page(fams, req.get("nextToken"), size)
        return dict(families=items, **({"nextToken": nxt} if nxt else {})), p

    def op_DescribeTaskDefinition(self, req, size):
        doc = self.server.state.fx.task_definition(req.get("taskDefinition", ""))
        if not doc:
            raise ApiError(400, "ClientException", "Unable to describe task definition.")
        return doc, 0

    # ---- ECR ----
    def op_DescribeRepositories(self, req, size):
        items, nxt, p = page(self.server.state.fx.repos, req.get("nextToken"), size)
        return dict(repositories=items, **({"nextToken": nxt} if nxt else {})), p

    def repo_doc(self, req, table, code, what):
        name = req.get("repositoryName", "")
        doc = table.get(name)
        if not doc:
            raise ApiError(400, code, "%s does not exist for the repository with name '%s' in "
                           "the registry with id '123456789012'" % (what, name))
        return doc, 0

    def op_GetLifecyclePolicy(self, req, size):
        return self.repo_doc(req, self.server.state.fx.lifecycle,
                             "LifecyclePolicyNotFoundException", "Lifecycle policy")

    def op_GetRepositoryPolicy(self, req, size):
        return self.repo_doc(req, self.server.state.fx.repo_policy,
                             "RepositoryPolicyNotFoundException", "Repository policy")

    def op_GetRegistryScanningConfiguration(self, req, size):
        return self.server.state.fx.scanning, 0

    def op_DescribeRegistry(self, req, size):
        return self.server.state.fx.registry, 0

    def op_DescribePullThroughCacheRules(self, req, size):
        items, nxt, p = page(self.server.state.fx.pull_through, req.get("nextToken"), size)
        return dict(pullThroughCacheRules=items, **({"nextToken": nxt} if nxt else {})), p

    # ---- EKS ----
    def rest_parts(self):
        u = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in u.path.split("/") if p]
        return parts, urllib.parse.parse_qs(u.query)

    def rest_op(self):
        parts, _ = self.rest_parts()
        n = len(parts)
        if parts[:1] == ["clusters"]:
            return {1: "ListClusters", 2: "DescribeCluster"}.get(n) or (
                {"node-groups": "ListNodegroups", "addons": "ListAddons"}.get(parts[2]) if n == 3
                else {"node-groups": "DescribeNodegroup", "addons": "DescribeAddon"}.get(parts[2]))
        if parts == ["addons", "supported-versions"]:
            return "DescribeAddonVersions"
        return "?"

    def rest_answer(self, op, size):
        fx = self.server.state.fx
        parts, q = self.rest_parts()
        tok = (q.get("nextToken") or [None])[0]
        nf = ApiError(404, "ResourceNotFoundException", "No resource found: %s" % self.path)
        if op == "ListClusters":
            items, nxt, p = page(sorted(fx.eks_clusters), tok, size)
            return dict(clusters=items, **({"nextToken": nxt} if nxt else {})), p
        if op == "DescribeCluster":
            if parts[1] not in fx.eks_clusters:
                raise nf
            return fx.eks_clusters[parts[1]], 0
        if op in ("ListNodegroups", "ListAddons"):
            table = fx.nodegroups if op == "ListNodegroups" else fx.addons
            names = sorted(k[1] for k in table if k[0] == parts[1])
            items, nxt, p = page(names, tok, size)
            key = "nodegroups" if op == "ListNodegroups" else "addons"
            return dict(**{key: items}, **({"nextToken": nxt} if nxt else {})), p
        if op in ("DescribeNodegroup", "DescribeAddon"):
            table = fx.nodegroups if op == "DescribeNodegroup" else fx.addons
            doc = table.get((parts[1], parts[3]))
            if not doc:
                raise nf
            return doc, 0
        if op == "DescribeAddonVersions":
            name = (q.get("addonName") or [None])[0]
            kv = (q.get("kubernetesVersion") or [None])[0]
            if not name or not kv:
                raise ApiError(400, "InvalidParameterException", "stand-in: addonName and "
                               "kubernetesVersion expected")
            a = fx.addon_versions.get(name)
            return {"addons": [a] if a else []}, 0
        raise nf

    # ---- EC2 ----
    def ec2_answer(self, op, form):
        if op != "DescribeLaunchTemplateVersions" or form.get("Version") != ["2016-11-15"]:
            raise ApiError(400, "InvalidAction", "The action %s is not valid" % op)
        lt_id = (form.get("LaunchTemplateId") or [None])[0]
        lt_name = (form.get("LaunchTemplateName") or [None])[0]
        want = form.get("LaunchTemplateVersion.1", [None])[0]
        vs = [v for v in self.server.state.fx.launch_templates
              if (lt_id and v["LaunchTemplateId"] == lt_id) or
              (lt_name and v["LaunchTemplateName"] == lt_name)]
        if not vs:
            raise ApiError(400, "InvalidLaunchTemplateId.NotFound",
                           "The specified launch template does not exist")
        if want == "$Default":
            vs = [v for v in vs if v.get("DefaultVersion")]
        elif want == "$Latest":
            vs = [max(vs, key=lambda v: v["VersionNumber"])]
        elif want:
            vs = [v for v in vs if str(v["VersionNumber"]) == want]
        items = []
        for v in vs:
            mo = v.get("LaunchTemplateData", {}).get("MetadataOptions", {})
            mo_xml = "".join("<%s>%s</%s>" % (t, escape(str(mo[k])), t) for k, t in (
                ("HttpTokens", "httpTokens"), ("HttpPutResponseHopLimit", "httpPutResponseHopLimit"),
                ("HttpEndpoint", "httpEndpoint")) if k in mo)
            items.append(
                "<item><createTime>2024-09-01T11:00:00.000Z</createTime>"
                "<createdBy>arn:aws:iam::123456789012:root</createdBy>"
                "<defaultVersion>%s</defaultVersion><launchTemplateData>"
                "<imageId>ami-0abcdef1234567890</imageId><metadataOptions><state>applied</state>%s"
                "</metadataOptions></launchTemplateData><launchTemplateId>%s</launchTemplateId>"
                "<launchTemplateName>%s</launchTemplateName><versionNumber>%d</versionNumber></item>"
                % ("true" if v.get("DefaultVersion") else "false", mo_xml,
                   escape(v["LaunchTemplateId"]), escape(v["LaunchTemplateName"]),
                   v["VersionNumber"]))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeLaunchTemplateVersionsResponse '
                'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>65cadec1-b364-4354-'
                '8ca8-4176dexample</requestId><launchTemplateVersionSet>%s'
                "</launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>" % "".join(items))


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--access-key", required=True)
    ap.add_argument("--secret-key", required=True)
    ap.add_argument("--session-token", default="")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
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
