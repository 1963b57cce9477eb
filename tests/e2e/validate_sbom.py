#!/usr/bin/env python3
"""Validates an SBOM document: validate_sbom.py cyclonedx|spdx FILE.

CycloneDX 1.5 against the official JSON schema checked in under tests/schemas/cyclonedx
(its $refs resolved from that folder, no network), with Debian's python3-jsonschema.
SPDX 2.3: the official JSON schema is not available here (tests/schemas/README.md), so
the fields the SPDX 2.3 specification requires are checked one by one.
Prints nothing and exits 0 when valid; prints the problems and exits 1 otherwise."""
import json
import os
import re
import sys

import warnings

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")


def cyclonedx(doc):
    folder = os.path.join(SCHEMAS, "cyclonedx")
    store = {}
    for name in os.listdir(folder):
        if name.endswith(".json"):
            with open(os.path.join(folder, name)) as f:
                schema = json.load(f)
            store[schema["$id"]] = schema
            store["http://cyclonedx.org/schema/" + name] = schema
    schema = store["http://cyclonedx.org/schema/bom-1.5.schema.json"]
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    validator = jsonschema.Draft7Validator(schema, resolver=resolver,
                                           format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


SPDX_ID = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def spdx(doc):
    problems = []

    def need(obj, key, where, kind=str):
        if key not in obj or not isinstance(obj[key], kind):
            problems.append(f"{where}: {key} missing or not a {kind.__name__}")
            return None
        return obj[key]

    if doc.get("spdxVersion") != "SPDX-2.3":
        problems.append("spdxVersion is not SPDX-2.3")
    if doc.get("dataLicense") != "CC0-1.0":
        problems.append("dataLicense is not CC0-1.0")
    if doc.get("SPDXID") != "SPDXRef-DOCUMENT":
        problems.append("SPDXID is not SPDXRef-DOCUMENT")
    need(doc, "name", "document")
    ns = need(doc, "documentNamespace", "document")
    if ns and ("#" in ns or not re.match(r"^[a-z][a-z0-9+.-]*:", ns)):
        problems.append("documentNamespace is not a URI without '#'")
    info = need(doc, "creationInfo", "document", dict) or {}
    created = need(info, "created", "creationInfo")
    if created and not TIME.match(created):
        problems.append("creationInfo.created is not YYYY-MM-DDThh:mm:ssZ")
    creators = need(info, "creators", "creationInfo", list) or []
    if not creators or not all(re.match(r"^(Tool|Person|Organization): .+", c) for c in creators):
        problems.append("creationInfo.creators must name Tool:/Person:/Organization:")
    ids = {"SPDXRef-DOCUMENT"}
    for i, p in enumerate(need(doc, "packages", "document", list) or []):
        where = f"packages[{i}]"
        pid = need(p, "SPDXID", where)
        if pid and not SPDX_ID.match(pid):
            problems.append(f"{where}: bad SPDXID {pid}")
        if pid in ids:
            problems.append(f"{where}: duplicate SPDXID {pid}")
        ids.add(pid)
        need(p, "name", where)
        need(p, "downloadLocation", where)
        for ref in p.get("externalRefs", []):
            if ref.get("referenceCategory") not in ("SECURITY", "PACKAGE-MANAGER", "PACKAGE_MANAGER",
                                                    "PERSISTENT-ID", "PERSISTENT_ID", "OTHER"):
                problems.append(f"{where}: bad referenceCategory")
            if ref.get("referenceType") == "purl" and not ref.get("referenceLocator", "").startswith("pkg:"):
                problems.append(f"{where}: purl does not start with pkg:")
        for c in p.get("checksums", []):
            if c.get("algorithm") == "SHA256" and not re.match(r"^[0-9a-f]{64}$", c.get("checksumValue", "")):
                problems.append(f"{where}: bad SHA256 checksum")
        purpose = p.get("primaryPackagePurpose")
        if purpose is not None and purpose not in (
                "APPLICATION", "FRAMEWORK", "LIBRARY", "CONTAINER", "OPERATING-SYSTEM", "DEVICE",
                "FIRMWARE", "SOURCE", "ARCHIVE", "FILE", "INSTALL", "OTHER"):
            problems.append(f"{where}: bad primaryPackagePurpose {purpose}")
    described = False
    for i, r in enumerate(need(doc, "relationships", "document", list) or []):
        for key in ("spdxElementId", "relatedSpdxElement"):
            if r.get(key) not in ids:
                problems.append(f"relationships[{i}]: {key} {r.get(key)} names no element")
        if r.get("spdxElementId") == "SPDXRef-DOCUMENT" and r.get("relationshipType") == "DESCRIBES":
            described = True
    if not described and not doc.get("documentDescribes"):
        problems.append("the document DESCRIBES nothing")
    return problems


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        doc = json.load(f)
    problems = cyclonedx(doc) if kind == "cyclonedx" else spdx(doc)
    for p in problems[:20]:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
