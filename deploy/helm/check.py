#!/usr/bin/env python3
"""Renders the Pupero chart with Helm's own engine (the helm-python-sdk package bundles
Helm's library: no helm binary and no cluster needed) and validates every rendered
manifest against the Kubernetes schemas (kubernetes-validate, strict).

    deploy/helm/check.py render VALUES.yaml [--out FILE] [--set KEY=VALUE] [--unset KEY]
        render (and lint, strict); print the manifests or write them to FILE
    deploy/helm/check.py validate VALUES.yaml [--set KEY=VALUE] [--unset KEY]
        render, then validate every manifest; exit 1 on any invalid one
KEY is a dotted path into the values (secrets.databaseUrl); --set gives a string.

Kinds the Kubernetes schemas do not know (the optional ServiceMonitor, a CRD) are listed
as skipped. Rendering errors (a missing required secret) exit 2 with Helm's message.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import yaml
from helm_python import chart as helm_chart

CHART = pathlib.Path(__file__).resolve().parent / "pupero"
KUBERNETES_VERSION = os.environ.get("KUBERNETES_VERSION", "1.30.0")
CORE_GROUPS = ("v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1")


def edit(values, key, value=None):
    *parents, last = key.split(".")
    node = values
    for part in parents:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value


def render(values_file, edits):
    values = yaml.safe_load(pathlib.Path(values_file).read_text()) or {}
    for key, value in edits:
        edit(values, key, value)
    chart = helm_chart.Chart.load(CHART)
    try:
        rendered = chart.render(values, name="pupero", namespace="pupero", is_install=True)
    except Exception as e:  # Helm's RenderError carries the template and the message
        print(f"render failed: {e}", file=sys.stderr)
        sys.exit(2)
    report = helm_chart.lint(CHART, values, strict=True, kube_version=f"v{KUBERNETES_VERSION}")
    problems = [m for m in report.get("messages", []) if m.get("severity", 0) >= 2]
    if problems or report.get("errors"):
        print(f"helm lint: {json.dumps(problems + report.get('errors', []), indent=1)}", file=sys.stderr)
        sys.exit(1)
    docs = []
    for path, text in sorted(rendered.items()):
        if not path.endswith((".yaml", ".yml")):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                docs.append((path, doc))
    return docs


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("render", "validate"):
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    args, edits, out = sys.argv[3:], [], None
    while args:
        flag, arg, args = args[0], args[1], args[2:]
        if flag == "--set":
            key, _, value = arg.partition("=")
            edits.append((key, value))
        elif flag == "--unset":
            edits.append((arg, None))
        elif flag == "--out":
            out = arg
        else:
            sys.exit(f"unknown option {flag}")
    docs = render(sys.argv[2], edits)
    if sys.argv[1] == "render":
        text = "".join(f"---\n# Source: {p}\n{yaml.safe_dump(d, sort_keys=False)}" for p, d in docs)
        if out:
            pathlib.Path(out).write_text(text)
        else:
            sys.stdout.write(text)
        return
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (path, doc) in enumerate(docs):
            name = f"{doc['kind']}/{doc['metadata']['name']}"
            if doc.get("apiVersion") not in CORE_GROUPS:
                print(f"skipped {name} ({doc.get('apiVersion')}: no Kubernetes schema)")
                continue
            file = pathlib.Path(tmp) / f"{i:03}.yaml"
            file.write_text(yaml.safe_dump(doc))
            result = subprocess.run(
                ["kubernetes-validate", "--strict", "--no-warn", "-k", KUBERNETES_VERSION, str(file)],
                capture_output=True, text=True,
            )
            if result.returncode == 0:
                print(f"valid {name}")
            else:
                failed += 1
                print(f"INVALID {name} ({path}): {result.stdout.strip()} {result.stderr.strip()}")
    print(f"{len(docs)} manifests, {failed} invalid")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
