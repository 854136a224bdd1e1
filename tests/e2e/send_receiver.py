#!/usr/bin/env python3
"""A log receiver for tests/e2e/test_send.sh: stands in for an OpenTelemetry
collector (POST .../v1/logs, OTLP/HTTP with JSON encoding) and for
Elasticsearch (POST .../INDEX/_bulk, NDJSON), on 127.0.0.1.

Every request is checked against the format and logged as one JSON line to
--log: the path, the Content-Type and Authorization headers as they
arrived, which kind it was, whether the body is valid ("problems" lists
what is not), the records it held by type (finding / summary), the host
name and run id they carry, and the status answered. The test reads the
log; this script asserts nothing itself.

--mode says how to answer: ok (2xx with a proper answer), 429once (the first
request gets 429 with Retry-After: 1, the rest ok), 500 (every request),
es-errors (a _bulk answer with "errors": true and one failed item),
otlp-partial (a partialSuccess rejecting one record). An invalid body is
answered 400 in every mode. --cert/--key serve HTTPS. The port chosen is
written to --port-file once the socket listens.
"""
import argparse
import http.server
import json
import ssl
import sys
import threading

ANY_VALUE_KINDS = {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue",
                   "kvlistValue", "bytesValue"}


def check_any_value(v, where, problems):
    if not isinstance(v, dict) or len(v) != 1 or next(iter(v)) not in ANY_VALUE_KINDS:
        problems.append(f"{where}: not an AnyValue: {str(v)[:80]}")
        return
    kind, val = next(iter(v.items()))
    if kind == "stringValue" and not isinstance(val, str):
        problems.append(f"{where}: stringValue is not a string")
    if kind == "intValue" and not (isinstance(val, str) and val.lstrip("-").isdigit()):
        problems.append(f"{where}: intValue is not a decimal string (int64 in OTLP JSON)")
    if kind == "boolValue" and not isinstance(val, bool):
        problems.append(f"{where}: boolValue is not a boolean")
    if kind == "doubleValue" and not isinstance(val, (int, float)):
        problems.append(f"{where}: doubleValue is not a number")
    if kind == "arrayValue":
        if not isinstance(val, dict) or not isinstance(val.get("values"), list):
            problems.append(f"{where}: arrayValue without values")
        else:
            for i, x in enumerate(val["values"]):
                check_any_value(x, f"{where}[{i}]", problems)


def attributes(lst, where, problems):
    out = {}
    if not isinstance(lst, list):
        problems.append(f"{where}: attributes is not a list")
        return out
    for i, kv in enumerate(lst):
        if not isinstance(kv, dict) or not isinstance(kv.get("key"), str) or "value" not in kv:
            problems.append(f"{where}[{i}]: not a KeyValue")
            continue
        if kv["key"] in out:
            problems.append(f"{where}: key {kv['key']} repeated")
        check_any_value(kv["value"], f"{where}.{kv['key']}", problems)
        out[kv["key"]] = next(iter(kv["value"].values())) if isinstance(kv["value"], dict) and kv["value"] else None
    return out


def check_otlp(body, entry):
    problems = entry["problems"]
    try:
        doc = json.loads(body)
    except ValueError as e:
        problems.append(f"not JSON: {e}")
        return
    rl = doc.get("resourceLogs") if isinstance(doc, dict) else None
    if not isinstance(rl, list) or len(rl) != 1:
        problems.append("resourceLogs is not a list of one")
        return
    res = attributes(rl[0].get("resource", {}).get("attributes"), "resource", problems)
    entry["host"] = res.get("host.name")
    entry["run_id"] = res.get("lockdown.run_id")
    if res.get("service.name") != "lockdown":
        problems.append("resource service.name is not lockdown")
    sl = rl[0].get("scopeLogs")
    if not isinstance(sl, list) or len(sl) != 1 or sl[0].get("scope", {}).get("name") != "lockdown":
        problems.append("scopeLogs is not one scope named lockdown")
        return
    records = sl[0].get("logRecords")
    if not isinstance(records, list) or not records:
        problems.append("logRecords is not a non-empty list")
        return
    for i, r in enumerate(records):
        w = f"logRecords[{i}]"
        for k in ("timeUnixNano", "observedTimeUnixNano"):
            if not (isinstance(r.get(k), str) and r[k].isdigit()):
                problems.append(f"{w}.{k} is not a decimal string")
        sev = r.get("severityNumber")
        if not (isinstance(sev, int) and 1 <= sev <= 24):
            problems.append(f"{w}.severityNumber is not 1..24")
        if not isinstance(r.get("severityText"), str):
            problems.append(f"{w}.severityText is not a string")
        if not isinstance(r.get("body"), dict) or not isinstance(r["body"].get("stringValue"), str):
            problems.append(f"{w}.body is not a stringValue")
        attrs = attributes(r.get("attributes"), f"{w}.attributes", problems)
        kind = attrs.get("lockdown.record.type")
        entry["types"][kind] = entry["types"].get(kind, 0) + 1
        if kind == "finding":
            entry["severities"].append([attrs.get("lockdown.status"), attrs.get("lockdown.severity"), sev])


def check_es(body, entry):
    problems = entry["problems"]
    text = body.decode("utf-8", "replace")
    if not text.endswith("\n"):
        problems.append("the body does not end with a newline")
    lines = text.split("\n")[:-1]
    if len(lines) % 2:
        problems.append("an odd number of lines: an action without its document")
    for i in range(0, len(lines) - 1, 2):
        try:
            action, doc = json.loads(lines[i]), json.loads(lines[i + 1])
        except ValueError as e:
            problems.append(f"line {i + 1}: not JSON: {e}")
            continue
        if list(action) != ["create"] or not isinstance(action["create"].get("_index"), str):
            problems.append(f"line {i + 1}: not a create action with _index")
        else:
            entry["index"] = action["create"]["_index"]
        if not isinstance(doc, dict) or not isinstance(doc.get("@timestamp"), str):
            problems.append(f"line {i + 2}: a document without @timestamp")
            continue
        entry["types"][doc.get("type")] = entry["types"].get(doc.get("type"), 0) + 1
        entry["host"] = doc.get("host")
        entry["run_id"] = doc.get("run_id")
        entry.setdefault("docs", []).append(doc)
    entry["n_docs"] = len(lines) // 2


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, doc, extra=None):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        srv = self.server
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        entry = {"path": self.path, "content_type": self.headers.get("Content-Type"),
                 "authorization": self.headers.get("Authorization"), "bytes": n,
                 "problems": [], "types": {}, "severities": []}
        if self.path.endswith("/v1/logs"):
            entry["kind"] = "otlp"
            if entry["content_type"] != "application/json":
                entry["problems"].append("Content-Type is not application/json")
            check_otlp(body, entry)
        elif self.path.split("?")[0].endswith("/_bulk"):
            entry["kind"] = "elasticsearch"
            if entry["content_type"] != "application/x-ndjson":
                entry["problems"].append("Content-Type is not application/x-ndjson")
            check_es(body, entry)
        else:
            entry["kind"] = "unknown"
            entry["problems"].append("neither /v1/logs nor /_bulk")
        with srv.lock:
            srv.count += 1
            first = srv.count == 1
        mode = srv.mode
        docs = entry.pop("docs", [])
        if entry["problems"]:
            status, doc, extra = 400, {"code": 3, "message": "; ".join(entry["problems"])[:500]}, None
        elif mode == "500":
            status, doc, extra = 500, {"code": 13, "message": "receiver broke on purpose"}, None
        elif mode == "429once" and first:
            status, doc, extra = 429, {"code": 8, "message": "slow down"}, {"Retry-After": "1"}
        elif entry["kind"] == "otlp":
            status, extra = 200, None
            doc = {}
            if mode == "otlp-partial":
                doc = {"partialSuccess": {"rejectedLogRecords": "1",
                                          "errorMessage": "record too old (test)"}}
        else:
            status, extra = 200, None
            items = [{"create": {"_index": entry.get("index"), "_id": str(i), "status": 201,
                                 "result": "created"}} for i in range(len(docs))]
            errors = mode == "es-errors" and items
            if errors:
                items[0]["create"] = {"_index": entry.get("index"), "status": 400,
                                      "error": {"type": "mapper_parsing_exception",
                                                "reason": "failed to parse field [target.line]"}}
            doc = {"took": 3, "errors": bool(errors), "items": items}
        entry["status"] = status
        with srv.lock:
            with open(srv.log, "a") as f:
                f.write(json.dumps(entry) + "\n")
        self.answer(status, doc, extra)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode", default="ok",
                    choices=["ok", "429once", "500", "es-errors", "otlp-partial"])
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.mode, srv.log, srv.count, srv.lock = a.mode, a.log, 0, threading.Lock()
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
