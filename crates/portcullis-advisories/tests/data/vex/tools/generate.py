"""Writes the tool-made fixtures of tests/data/vex/tools/ with real VEX
producers from PyPI: vexipy 0.3.0 (an OpenVEX library) and
cyclonedx-python-lib 11.12.0 (the CycloneDX project's own library).

    python3 -m venv /tmp/vexenv
    /tmp/vexenv/bin/pip install vexipy==0.3.0 cyclonedx-python-lib==11.12.0
    /tmp/vexenv/bin/python tests/data/vex/tools/generate.py tests/data/vex/tools

The scenario (hand-checked decisions in tests/vex.rs): the image
docker.io/library/nginx:1.25 with the digest below, holding the Debian
packages openssl and libssl3, curl, log4j-core in a jar and Django.
The digest is an example value, not nginx's.
"""

import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from uuid import UUID

out = Path(sys.argv[1])
DIGEST = "sha256:" + "4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac"
OCI = "pkg:oci/nginx@" + DIGEST.replace(":", "%3A")


def ts(s):
    return datetime.fromisoformat(s)


# --- OpenVEX with vexipy -------------------------------------------------
from vexipy import (Document, Product, Statement, StatusJustification,
                    StatusLabel, Subcomponent, Vulnerability)

statements = [
    # Image-scoped, with subcomponents: only openssl / libssl3.
    Statement(
        vulnerability=Vulnerability(name="CVE-2023-5678"),
        timestamp=ts("2023-11-10T09:00:00+00:00"),
        products=[Product(
            id=OCI,
            subcomponents=[
                Subcomponent(id="pkg:deb/debian/openssl"),
                Subcomponent(identifiers={"purl": "pkg:deb/debian/libssl3"}),
            ],
        )],
        status=StatusLabel.NOT_AFFECTED,
        justification=StatusJustification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
        impact_statement="nginx does not call DH_generate_key or DH_check_pub_key",
    ),
    # Image-scoped, no subcomponents: every package of the image.
    Statement(
        vulnerability=Vulnerability(name="CVE-2023-44487",
                                    aliases=["GHSA-qppj-fm5r-hxr3"]),
        timestamp=ts("2023-10-12T00:00:00+02:00"),
        products=[Product(
            id="pkg:oci/nginx?repository_url=docker.io/library/nginx&tag=1.25")],
        status=StatusLabel.AFFECTED,
        action_statement="Set keepalive_requests 1000 until the image is rebuilt",
    ),
    # Package-scoped, named by its GHSA id.
    Statement(
        id="https://example.com/vex/log4shell",
        vulnerability=Vulnerability(
            id="https://github.com/advisories/GHSA-jfh8-c2jp-5v3q",
            name="GHSA-jfh8-c2jp-5v3q"),
        timestamp=ts("2021-12-14T12:00:00-05:00"),
        products=[Product(
            id="pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            hashes={"sha-256": "ade7402a70667a727635d5c4c29495f4ff96f061f12539763f6f123973b465b0"})],
        status=StatusLabel.NOT_AFFECTED,
        justification=StatusJustification.VULNERABLE_CODE_NOT_PRESENT,
        impact_statement="JndiLookup.class was removed from the jar",
    ),
    # A later statement on the same CVE, one package version: fixed.
    Statement(
        vulnerability=Vulnerability(name="CVE-2023-5678"),
        timestamp=ts("2024-01-31T10:30:00+01:00"),
        products=[Product(
            id="pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64")],
        status=StatusLabel.FIXED,
    ),
]
doc = Document(
    id="https://example.com/vex/nginx-1.25",
    author="Example Security Team <security@example.com>",
    role="Document Creator",
    timestamp=ts("2024-02-01T00:00:00+00:00"),
    version=1,
    tooling="vexipy 0.3.0",
    statements=statements,
)
(out / "vexipy-nginx.openvex.json").write_text(
    doc.to_json(by_alias=True, exclude_none=True, indent=2) + "\n")

# --- CycloneDX VEX with cyclonedx-python-lib -----------------------------
from cyclonedx.model import HashAlgorithm, HashType
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.impact_analysis import (ImpactAnalysisJustification,
                                             ImpactAnalysisResponse,
                                             ImpactAnalysisState)
from cyclonedx.model.service import Service
from cyclonedx.model.vulnerability import (BomTarget, BomTargetVersionRange,
                                           ImpactAnalysisAffectedStatus,
                                           Vulnerability as CdxVuln,
                                           VulnerabilityAnalysis,
                                           VulnerabilityReference,
                                           VulnerabilitySource)
from cyclonedx.output.json import JsonV1Dot4, JsonV1Dot6
from packageurl import PackageURL

SERIAL = UUID("6a1d3c2e-8f0b-4b7e-9c55-0d2f7e1a9b40")
image = Component(
    type=ComponentType.CONTAINER, name="docker.io/library/nginx", version="1.25",
    bom_ref="image",
    hashes=[HashType(alg=HashAlgorithm.SHA_256, content=DIGEST.split(":")[1])])
openssl = Component(
    type=ComponentType.LIBRARY, name="openssl", version="3.0.11-1~deb12u2",
    bom_ref="deb-openssl",
    purl=PackageURL.from_string(
        "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"))
django = Component(
    type=ComponentType.LIBRARY, name="Django", version="4.2.7", bom_ref="pypi-django",
    purl=PackageURL.from_string("pkg:pypi/django@4.2.7"))
app = Component(type=ComponentType.APPLICATION, name="shop", version="2.0",
                bom_ref="app", components=[django])
unnamed = Component(type=ComponentType.LIBRARY, name="vendored-zlib",
                    version="1.2.13", bom_ref="vendored-zlib")
api = Service(name="api", bom_ref="svc-api")

bom = Bom(serial_number=SERIAL, version=1)
bom.metadata.component = image
bom.metadata.timestamp = ts("2024-03-01T08:00:00+00:00")
bom.components.update([openssl, app, unnamed])
bom.services.add(api)
nvd = VulnerabilitySource(name="NVD")

bom.vulnerabilities.add(CdxVuln(
    bom_ref="vex-1", id="CVE-2023-5678", source=nvd,
    analysis=VulnerabilityAnalysis(
        state=ImpactAnalysisState.NOT_AFFECTED,
        justification=ImpactAnalysisJustification.CODE_NOT_REACHABLE,
        responses=[ImpactAnalysisResponse.WILL_NOT_FIX],
        detail="nginx never generates DH keys",
        last_updated=ts("2024-02-15T00:00:00+00:00")),
    affects=[BomTarget(ref="deb-openssl")]))
bom.vulnerabilities.add(CdxVuln(
    bom_ref="vex-2", id="CVE-2024-24680", source=nvd,
    references=[VulnerabilityReference(id="GHSA-xxqx-3mjf-9mc5",
                                       source=VulnerabilitySource(name="GitHub"))],
    analysis=VulnerabilityAnalysis(
        state=ImpactAnalysisState.FALSE_POSITIVE,
        detail="the intcomma template filter is not used"),
    affects=[BomTarget(ref=f"urn:cdx:{SERIAL}/1#pypi-django")]))
bom.vulnerabilities.add(CdxVuln(
    bom_ref="vex-3", id="CVE-2023-44487", source=nvd,
    recommendation="Upgrade nginx to 1.25.3",
    analysis=VulnerabilityAnalysis(
        state=ImpactAnalysisState.EXPLOITABLE,
        responses=[ImpactAnalysisResponse.UPDATE],
        first_issued=ts("2023-10-11T00:00:00+00:00")),
    affects=[BomTarget(ref="image")]))
bom.vulnerabilities.add(CdxVuln(
    bom_ref="vex-4", id="CVE-2023-38545", source=nvd,
    analysis=VulnerabilityAnalysis(state=ImpactAnalysisState.RESOLVED,
                                   detail="fixed in the Debian security update"),
    affects=[
        BomTarget(ref="svc-api"),
        BomTarget(ref="vendored-zlib"),
        BomTarget(ref="pkg:deb/debian/curl?arch=amd64", versions=[
            BomTargetVersionRange(version="7.88.1-10+deb12u4",
                                  status=ImpactAnalysisAffectedStatus.UNAFFECTED),
            BomTargetVersionRange(range="vers:deb/>=7.88.1-10+deb12u4",
                                  status=ImpactAnalysisAffectedStatus.UNAFFECTED)]),
    ]))
bom.vulnerabilities.add(CdxVuln(
    bom_ref="scan-1", id="CVE-2023-4911", source=nvd,
    affects=[BomTarget(ref="image")]))

for cls, name in [(JsonV1Dot6, "cdxlib-nginx.cdx-1.6.json"),
                  (JsonV1Dot4, "cdxlib-nginx.cdx-1.4.json")]:
    text = cls(bom).output_as_string(indent=2)
    (out / name).write_text(text + "\n")
