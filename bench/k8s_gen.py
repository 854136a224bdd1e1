#!/usr/bin/env python3
"""Writes a generated cluster dump of N Kubernetes objects (default 10,000)
in the shapes `kubectl get -A -o yaml` and `kubectl get -A -o json` print:
one `kind: List` whose items are full objects with metadata (uid,
resourceVersion, creationTimestamp, labels, annotations, ownerReferences),
spec and status, across namespaces. The mix follows a mid-size cluster:
pods, their ReplicaSets and Deployments, StatefulSets, DaemonSets, Jobs,
CronJobs, Services, ConfigMaps, Secrets, ServiceAccounts, RBAC, network
policies, ingresses, PDBs, namespaces. Deterministic (seeded).

Usage: k8s_gen.py OUT_DIR [N]   -> OUT_DIR/cluster.yaml, OUT_DIR/cluster.json,
                                   OUT_DIR/multi.yaml (the same objects as a
                                   multi-document stream, as helm template
                                   prints them)
Used by bench/k8s_scan.sh and the hostile/e2e tests; no third-party module.
"""
import json
import random
import re
import sys

rng = random.Random(12)

PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./: -]*$")
YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ""}


def scalar(v):
    """A YAML scalar as kubectl (go-yaml) writes it: plain when unambiguous."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if "\n" in s:
        return json.dumps(s)
    if (PLAIN_SAFE.match(s) and s.lower() not in YAML11_WORDS and not s.endswith(" ")
            and ": " not in s and not re.match(r"^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$", s)
            and not s.startswith("- ")):
        return s
    return "'" + s.replace("'", "''") + "'"


def emit(out, v, indent):
    pad = " " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, dict) and x:
                out.append(f"{pad}{scalar(k)}:")
                emit(out, x, indent + 2)
            elif isinstance(x, list) and x:
                out.append(f"{pad}{scalar(k)}:")
                emit(out, x, indent)
            elif isinstance(x, (dict, list)):
                out.append(f"{pad}{scalar(k)}: {'{}' if isinstance(x, dict) else '[]'}")
            else:
                out.append(f"{pad}{scalar(k)}: {scalar(x)}")
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, dict) and x:
                sub = []
                emit(sub, x, indent + 2)
                sub[0] = pad + "- " + sub[0][indent + 2:]
                out.extend(sub)
            elif isinstance(x, list) and x:
                out.append(f"{pad}-")
                emit(out, x, indent + 2)
            else:
                out.append(f"{pad}- {scalar(x) if not isinstance(x, (dict, list)) else '{}'}")


def uid():
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def meta(name, ns, labels, kind_owner=None, extra_ann=None):
    m = {
        "annotations": {"meta.helm.sh/release-name": ns, "meta.helm.sh/release-namespace": ns},
        "creationTimestamp": "2024-05-%02dT%02d:%02d:11Z" % (rng.randint(1, 28), rng.randint(0, 23),
                                                            rng.randint(0, 59)),
        "labels": dict(labels),
        "name": name,
    }
    if ns:
        m["namespace"] = ns
    m["resourceVersion"] = str(rng.randint(1000, 99999999))
    m["uid"] = uid()
    if extra_ann:
        m["annotations"].update(extra_ann)
    if kind_owner:
        m["ownerReferences"] = [{
            "apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True,
            "kind": kind_owner[0], "name": kind_owner[1], "uid": uid()}]
    return m


IMAGES = ["registry.example.com/team/api", "docker.io/library/nginx", "ghcr.io/acme/worker",
          "quay.io/prometheus/node-exporter", "registry.example.com/team/web"]


def container(name, i):
    img = IMAGES[i % len(IMAGES)]
    tag = ":latest" if i % 17 == 0 else ":1.%d.%d" % (i % 9, i % 5)
    c = {
        "env": [{"name": "LOG_LEVEL", "value": "info"},
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                               "fieldPath": "metadata.name"}}},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password",
                                                                      "name": "db"}}}],
        "image": img + tag,
        "imagePullPolicy": "IfNotPresent",
        "name": name,
        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        "resources": {"limits": {"cpu": "500m", "memory": "256Mi"},
                      "requests": {"cpu": "100m", "memory": "128Mi"}} if i % 5 else {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                          "name": "kube-api-access", "readOnly": True},
                         {"mountPath": "/etc/app", "name": "config"}],
    }
    if i % 3:
        c["livenessProbe"] = {"failureThreshold": 3, "httpGet": {"path": "/healthz",
                                                                  "port": 8080, "scheme": "HTTP"},
                              "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}
        c["readinessProbe"] = dict(c["livenessProbe"])
    if i % 7 == 0:
        c["securityContext"] = {"privileged": True}
    elif i % 2:
        c["securityContext"] = {"allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"]},
                                "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                                "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}}
    return c


def pod_spec(app, i):
    spec = {
        "containers": [container(app, i)] + ([container(app + "-sidecar", i + 1)] if i % 4 == 0
                                             else []),
        "dnsPolicy": "ClusterFirst",
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": 0,
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccount": app,
        "serviceAccountName": app,
        "terminationGracePeriodSeconds": 30,
        "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready",
                         "operator": "Exists", "tolerationSeconds": 300}],
        "volumes": [{"name": "config", "configMap": {"defaultMode": 420, "name": app}},
                    {"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}],
                                       "name": "kube-root-ca.crt"}}]}}],
    }
    if i % 11 == 0:
        spec["hostNetwork"] = True
    if i % 13 == 0:
        spec["volumes"].append({"name": "host", "hostPath": {"path": "/var/log", "type": ""}})
    return spec


def pod(name, ns, app, i, owner):
    spec = pod_spec(app, i)
    spec["nodeName"] = "node-%d" % (i % 40)
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": meta(name, ns, {"app": app, "pod-template-hash": "7d9f8c6b5"}, owner),
        "spec": spec,
        "status": {
            "conditions": [{"lastProbeTime": None, "lastTransitionTime": "2024-05-02T10:00:00Z",
                            "status": "True", "type": t} for t in
                           ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
            "containerStatuses": [{
                "containerID": "containerd://%064x" % rng.getrandbits(256),
                "image": c["image"], "imageID": c["image"] + "@sha256:%064x" % rng.getrandbits(256),
                "lastState": {}, "name": c["name"], "ready": True, "restartCount": 0,
                "started": True, "state": {"running": {"startedAt": "2024-05-02T10:00:05Z"}}}
                for c in spec["containers"]],
            "hostIP": "10.0.%d.%d" % (i % 250, i % 200), "phase": "Running",
            "podIP": "10.244.%d.%d" % (i % 250, i % 199), "qosClass": "Burstable",
            "startTime": "2024-05-02T10:00:00Z"},
    }


def workload(kind, api, name, ns, app, i, extra=None):
    tmpl = {"metadata": {"creationTimestamp": None, "labels": {"app": app}},
            "spec": pod_spec(app, i)}
    spec = {"replicas": 2, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": app}}, "template": tmpl}
    if kind == "Deployment":
        spec["strategy"] = {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                            "type": "RollingUpdate"}
    if extra:
        spec.update(extra)
    return {"apiVersion": api, "kind": kind,
            "metadata": meta(name, ns, {"app": app, "app.kubernetes.io/managed-by": "Helm"}),
            "spec": spec,
            "status": {"availableReplicas": 2, "observedGeneration": 1, "readyReplicas": 2,
                       "replicas": 2}}


def build(n):
    objs = []
    nss = ["team-%02d" % k for k in range(40)] + ["kube-system", "monitoring", "ingress"]
    for ns in nss:
        objs.append({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": meta(ns, None, {"kubernetes.io/metadata.name": ns,
                                                 "pod-security.kubernetes.io/enforce":
                                                     "baseline" if sum(map(ord, ns)) % 2 else "restricted"}),
                     "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    i = 0
    while len(objs) < n:
        ns = nss[i % len(nss)]
        app = "app-%d" % i
        kind = i % 10
        if kind < 4:
            objs.append(workload("Deployment", "apps/v1", app, ns, app, i))
            objs.append(workload("ReplicaSet", "apps/v1", app + "-7d9f8c6b5", ns, app, i))
            objs.append(pod(app + "-7d9f8c6b5-x%d" % i, ns, app, i, ("ReplicaSet", app)))
            objs.append(pod(app + "-7d9f8c6b5-y%d" % i, ns, app, i, ("ReplicaSet", app)))
        elif kind == 4:
            objs.append(workload("StatefulSet", "apps/v1", app, ns, app, i,
                                 {"serviceName": app, "podManagementPolicy": "OrderedReady"}))
            objs.append(pod(app + "-0", ns, app, i, ("StatefulSet", app)))
        elif kind == 5:
            d = workload("DaemonSet", "apps/v1", app, ns, app, i)
            del d["spec"]["replicas"]
            objs.append(d)
        elif kind == 6:
            objs.append({"apiVersion": "batch/v1", "kind": "CronJob",
                         "metadata": meta(app, ns, {"app": app}),
                         "spec": {"schedule": "*/5 * * * *", "concurrencyPolicy": "Forbid",
                                  "jobTemplate": {"spec": {"template": {
                                      "metadata": {"labels": {"app": app}},
                                      "spec": pod_spec(app, i)}}}}})
        elif kind == 7:
            objs.append({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": meta(app, ns, {"app": app}),
                         "data": {"app.properties": "mode=prod\nthreads=8\n",
                                  "LOG_LEVEL": "info", "FEATURE_X": "on"}})
            objs.append({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                         "metadata": meta(app, ns, {"app": app}),
                         "data": {"password": "c2VjcmV0LXBhc3N3b3Jk", "user": "YXBw"}})
        elif kind == 8:
            objs.append({"apiVersion": "v1", "kind": "Service",
                         "metadata": meta(app, ns, {"app": app}),
                         "spec": {"clusterIP": "10.96.%d.%d" % (i % 250, i % 199),
                                  "ports": [{"name": "http", "port": 80, "protocol": "TCP",
                                             "targetPort": 8080}],
                                  "selector": {"app": app},
                                  "type": "NodePort" if i % 30 == 8 else "ClusterIP"},
                         "status": {"loadBalancer": {}}})
            objs.append({"apiVersion": "v1", "kind": "ServiceAccount",
                         "metadata": meta(app, ns, {"app": app})})
            objs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "metadata": meta(app, ns, {"app": app}),
                         "spec": {"podSelector": {"matchLabels": {"app": app}},
                                  "policyTypes": ["Ingress", "Egress"],
                                  "ingress": [{"from": [{"podSelector": {}}]}],
                                  "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]}})
        else:
            objs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                         "metadata": meta(app, ns, {"app": app}),
                         "rules": [{"apiGroups": [""], "resources": ["configmaps", "pods"],
                                    "verbs": ["get", "list", "watch"]},
                                   {"apiGroups": ["apps"], "resources": ["deployments"],
                                    "verbs": ["*"] if i % 20 == 9 else ["get"]}]})
            objs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                         "metadata": meta(app, ns, {"app": app}),
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                     "name": app},
                         "subjects": [{"kind": "ServiceAccount", "name": app, "namespace": ns}]})
            if i % 50 == 9:
                objs.append({"apiVersion": "rbac.authorization.k8s.io/v1",
                             "kind": "ClusterRoleBinding", "metadata": meta(app, None, {}),
                             "roleRef": {"apiGroup": "rbac.authorization.k8s.io",
                                         "kind": "ClusterRole", "name": "cluster-admin"},
                             "subjects": [{"kind": "ServiceAccount", "name": app,
                                           "namespace": ns}]})
            objs.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                         "metadata": meta(app, ns, {"app": app}),
                         "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": app}}}})
            objs.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                         "metadata": meta(app, ns, {"app": app}),
                         "spec": {"ingressClassName": "nginx", "rules": [{
                             "host": app + ".example.com", "http": {"paths": [{
                                 "backend": {"service": {"name": app, "port": {"number": 80}}},
                                 "path": "/", "pathType": "Prefix"}]}}]}})
        i += 1
    return objs[:n]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: k8s_gen.py OUT_DIR [N]")
    out_dir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    objs = build(n)
    lst = {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}
    with open(out_dir + "/cluster.json", "w") as f:
        json.dump(lst, f, indent=4)
        f.write("\n")
    lines = []
    emit(lines, lst, 0)
    with open(out_dir + "/cluster.yaml", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(out_dir + "/multi.yaml", "w") as f:
        for o in objs:
            doc = []
            emit(doc, o, 0)
            f.write("---\n# Source: generated/templates/%s.yaml\n" % o["kind"].lower())
            f.write("\n".join(doc) + "\n")


if __name__ == "__main__":
    main()
