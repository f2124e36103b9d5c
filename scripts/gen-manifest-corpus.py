#!/usr/bin/env python3
"""Generate a deterministic corpus of realistic Kubernetes manifests for benchmarking.

Usage: gen-manifest-corpus.py OUTDIR [--count 10000] [--seed 42]

Writes OUTDIR/00000.yaml ... plus OUTDIR/.corpus-stamp (count, seed and a
hash of this script, so callers can tell whether an existing corpus is
current). File N comes from its own RNG seeded with "<seed>:<index>": the
same whatever --count is, the corpus byte-for-byte reproducible. Pure
standard library.

The files mimic what charts render: a workload (Deployment, StatefulSet,
DaemonSet, Job, CronJob, Pod) often with its Service, ConfigMap and
ServiceAccount in the same stream; containers with and without security
contexts, sidecars and init containers, probes, resources, volumes
(configMap, secret, emptyDir, PVC, hostPath), so that both good practice and
the usual findings (privileged, hostPath, missing limits, root) occur.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

IMAGES = [
    "nginx:1.27.3", "nginx", "redis:7.4-alpine", "postgres:16.6", "ghcr.io/acme/api:2.3.1",
    "registry.k8s.io/ingress-nginx/controller:v1.12.0@sha256:e6b8de175acda6ca913891f0f727bca4527e797d52688cbe9fec9040d6f6b6fa",
    "quay.io/prometheus/node-exporter:v1.8.2", "busybox:latest", "python:3.12-slim",
    "docker.io/bitnami/kafka:3.9", "gcr.io/distroless/static-debian12:nonroot",
]
NAMES = ["api", "web", "worker", "cache", "db", "gateway", "exporter", "scheduler", "auth", "search"]


def container(rng: random.Random, name: str, ind: str) -> str:
    lines = [f"{ind}- name: {name}", f"{ind}  image: {rng.choice(IMAGES)}"]
    if rng.random() < 0.3:
        lines.append(f"{ind}  imagePullPolicy: {rng.choice(['IfNotPresent', 'Always'])}")
    if rng.random() < 0.6:
        port = rng.choice([80, 8080, 443, 9100, 5432, 6379, 22, 3000])
        lines.append(f"{ind}  ports:")
        lines.append(f"{ind}  - containerPort: {port}")
        lines.append(f"{ind}    name: {rng.choice(['http', 'metrics', 'tcp'])}")
        if rng.random() < 0.08:
            lines.append(f"{ind}    hostPort: {port}")
    if rng.random() < 0.5:
        lines.append(f"{ind}  env:")
        for i in range(rng.randint(1, 5)):
            lines.append(f"{ind}  - name: VAR_{i}")
            lines.append(f"{ind}    value: \"{rng.randint(0, 10**6)}\"")
    if rng.random() < 0.6:
        lines.append(f"{ind}  resources:")
        if rng.random() < 0.8:
            lines.append(f"{ind}    limits:")
            lines.append(f"{ind}      cpu: {rng.choice(['100m', '500m', '1', '2'])}")
            lines.append(f"{ind}      memory: {rng.choice(['128Mi', '512Mi', '1Gi'])}")
        lines.append(f"{ind}    requests:")
        lines.append(f"{ind}      cpu: {rng.choice(['50m', '100m', '250m'])}")
        lines.append(f"{ind}      memory: {rng.choice(['64Mi', '256Mi'])}")
    if rng.random() < 0.5:
        for probe in ("livenessProbe", "readinessProbe"):
            lines.append(f"{ind}  {probe}:")
            lines.append(f"{ind}    httpGet:")
            lines.append(f"{ind}      path: /healthz")
            lines.append(f"{ind}      port: {rng.choice([8080, 'http'])}")
            lines.append(f"{ind}    periodSeconds: {rng.choice([5, 10, 30])}")
    r = rng.random()
    if r < 0.35:
        lines.append(f"{ind}  securityContext:")
        lines.append(f"{ind}    allowPrivilegeEscalation: false")
        lines.append(f"{ind}    readOnlyRootFilesystem: {rng.choice(['true', 'false'])}")
        lines.append(f"{ind}    runAsNonRoot: true")
        lines.append(f"{ind}    runAsUser: {rng.choice([1000, 65532, 101])}")
        lines.append(f"{ind}    capabilities:")
        lines.append(f"{ind}      drop: [\"ALL\"]")
        lines.append(f"{ind}    seccompProfile:")
        lines.append(f"{ind}      type: RuntimeDefault")
    elif r < 0.5:
        lines.append(f"{ind}  securityContext:")
        lines.append(f"{ind}    privileged: {rng.choice(['true', 'false'])}")
        if rng.random() < 0.5:
            lines.append(f"{ind}    capabilities:")
            lines.append(f"{ind}      add: [{rng.choice(['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW', 'SYS_TIME'])}]")
        if rng.random() < 0.3:
            lines.append(f"{ind}    runAsUser: 0")
    if rng.random() < 0.4:
        lines.append(f"{ind}  volumeMounts:")
        lines.append(f"{ind}  - name: config")
        lines.append(f"{ind}    mountPath: /etc/{name}")
        lines.append(f"{ind}    readOnly: true")
    return "\n".join(lines)


def pod_spec(rng: random.Random, name: str, ind: str) -> str:
    lines = []
    if rng.random() < 0.4:
        lines.append(f"{ind}serviceAccountName: {name}")
    if rng.random() < 0.3:
        lines.append(f"{ind}automountServiceAccountToken: false")
    if rng.random() < 0.05:
        lines.append(f"{ind}hostNetwork: true")
    if rng.random() < 0.03:
        lines.append(f"{ind}hostPID: true")
    if rng.random() < 0.4:
        lines.append(f"{ind}securityContext:")
        lines.append(f"{ind}  runAsNonRoot: true")
        lines.append(f"{ind}  fsGroup: {rng.choice([1000, 2000, 0])}")
        if rng.random() < 0.5:
            lines.append(f"{ind}  seccompProfile:")
            lines.append(f"{ind}    type: {rng.choice(['RuntimeDefault', 'RuntimeDefault', 'Unconfined'])}")
    if rng.random() < 0.2:
        lines.append(f"{ind}initContainers:")
        lines.append(container(rng, "init", ind))
    lines.append(f"{ind}containers:")
    lines.append(container(rng, name, ind))
    if rng.random() < 0.25:
        lines.append(container(rng, "sidecar", ind))
    if rng.random() < 0.5:
        lines.append(f"{ind}volumes:")
        lines.append(f"{ind}- name: config")
        kind = rng.choice(["configMap", "secret", "emptyDir", "hostPath", "persistentVolumeClaim"])
        if kind == "configMap":
            lines.append(f"{ind}  configMap:\n{ind}    name: {name}-config")
        elif kind == "secret":
            lines.append(f"{ind}  secret:\n{ind}    secretName: {name}-secret")
        elif kind == "emptyDir":
            lines.append(f"{ind}  emptyDir: {{}}")
        elif kind == "hostPath":
            path = rng.choice(["/var/log", "/var/run/docker.sock", "/etc", "/data"])
            lines.append(f"{ind}  hostPath:\n{ind}    path: {path}")
        else:
            lines.append(f"{ind}  persistentVolumeClaim:\n{ind}    claimName: {name}-data")
    return "\n".join(lines)


def metadata(rng: random.Random, name: str) -> str:
    lines = ["metadata:", f"  name: {name}", f"  namespace: {rng.choice(['default', 'prod', 'staging', 'monitoring'])}",
             "  labels:", f"    app.kubernetes.io/name: {name}", f"    app.kubernetes.io/version: \"{rng.randint(1, 9)}.{rng.randint(0, 20)}\""]
    return "\n".join(lines)


def workload(rng: random.Random, name: str) -> str:
    kind = rng.choice(["Deployment"] * 5 + ["StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"])
    api = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1",
           "Job": "batch/v1", "CronJob": "batch/v1", "Pod": "v1"}[kind]
    head = f"apiVersion: {api}\nkind: {kind}\n{metadata(rng, name)}\nspec:\n"
    if kind == "Pod":
        return head + pod_spec(rng, name, "  ")
    def template(base: str, restart: str | None) -> str:
        spec = pod_spec(rng, name, base + "    ")
        if restart:
            spec = f"{base}    restartPolicy: {restart}\n" + spec
        return (f"{base}template:\n{base}  metadata:\n{base}    labels:\n"
                f"{base}      app.kubernetes.io/name: {name}\n{base}  spec:\n{spec}")
    selector = f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n"
    if kind in ("Deployment", "StatefulSet"):
        return head + f"  replicas: {rng.randint(1, 5)}\n" + selector + template("  ", None)
    if kind == "DaemonSet":
        return head + selector + template("  ", None)
    if kind == "Job":
        return head + "  backoffLimit: 3\n" + template("  ", "Never")
    return (head + f"  schedule: \"*/{rng.randint(5, 59)} * * * *\"\n  jobTemplate:\n    spec:\n"
            + template("      ", "OnFailure"))


def extras(rng: random.Random, name: str) -> list[str]:
    out = []
    if rng.random() < 0.6:
        out.append(f"apiVersion: v1\nkind: Service\n{metadata(rng, name)}\nspec:\n  selector:\n"
                   f"    app.kubernetes.io/name: {name}\n  ports:\n  - port: 80\n    targetPort: http\n")
    if rng.random() < 0.3:
        out.append(f"apiVersion: v1\nkind: ConfigMap\n{metadata(rng, name + '-config')}\ndata:\n"
                   + "".join(f"  key{i}: \"value {rng.randint(0, 999)}\"\n" for i in range(rng.randint(1, 8))))
    if rng.random() < 0.3:
        out.append(f"apiVersion: v1\nkind: ServiceAccount\n{metadata(rng, name)}\n")
    return out


def manifest(seed: int, index: int) -> str:
    rng = random.Random(f"{seed}:{index}")
    name = f"{rng.choice(NAMES)}-{index}"
    docs = [workload(rng, name)] + extras(rng, name)
    rng.shuffle(docs)
    return "---\n" + "\n---\n".join(d.rstrip("\n") for d in docs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(args.count):
        (out / f"{i:05d}.yaml").write_text(manifest(args.seed, i))
    script = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    (out / ".corpus-stamp").write_text(f"count={args.count} seed={args.seed} script={script}\n")


if __name__ == "__main__":
    main()
