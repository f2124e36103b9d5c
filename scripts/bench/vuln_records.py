#!/usr/bin/env python3
"""OSV records that hit every package of a portcullis JSON report, for the
image benchmark's vulnerability pass (the worst case: every package has
PER_PACKAGE advisories, each with a CVSS vector and a fix above it).

    vuln_records.py REPORT.json OUTDIR [PER_PACKAGE]
"""
import json
import os
import sys

report, out = sys.argv[1], sys.argv[2]
per = int(sys.argv[3]) if len(sys.argv) > 3 else 3
target = json.load(open(report))["targets"][0]
os_info = target.get("os") or {}
release = (os_info.get("version_id") or "").split(".")[0]
ECO = {"pypi": "PyPI", "npm": "npm", "golang": "Go", "cargo": "crates.io", "maven": "Maven",
       "gem": "RubyGems", "composer": "Packagist", "nuget": "NuGet"}
FIX = {"npm": "9999.0.0", "golang": "9999.0.0", "cargo": "9999.0.0", "nuget": "9999.0.0"}
os.makedirs(out, exist_ok=True)
n = 0
seen = set()
for p in target.get("packages") or []:
    t = p["type"]
    if t == "deb" and os_info.get("id") == "debian":
        eco = f"Debian:{release}"
        src = p.get("source") or {}
        name = src.get("name") or p["name"]
    elif t in ECO:
        eco = ECO[t]
        ns = p.get("namespace")
        name = p["name"] if not ns else (f"{ns}:{p['name']}" if t == "maven" else f"{ns}/{p['name']}")
    else:
        continue
    if (eco, name) in seen:
        continue
    seen.add((eco, name))
    for k in range(per):
        n += 1
        rec = {
            "schema_version": "1.6.0",
            "id": f"BENCH-{n:06d}",
            "modified": "2026-11-01T00:00:00Z",
            "published": "2026-10-01T00:00:00Z",
            "aliases": [f"CVE-2099-{100000 + n}"],
            "summary": f"benchmark advisory {k} for {name}",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
            "affected": [{
                "package": {"ecosystem": eco, "name": name},
                "ranges": [{"type": "SEMVER" if t in ("golang",) else "ECOSYSTEM",
                            "events": [{"introduced": "0"}, {"fixed": FIX.get(t, "9999")}]}],
            }],
        }
        with open(os.path.join(out, f"BENCH-{n:06d}.json"), "w") as f:
            json.dump(rec, f)
print(n)
