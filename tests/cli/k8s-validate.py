#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""k8s-validate.py CRD FILE...: check every SeccompProfile in FILEs (YAML,
several documents allowed) against the CRD's openAPIV3Schema for its
apiVersion, the way the API server does for a custom resource:

- the structural schema's keywords that appear in the CRD (type, properties,
  required, enum, pattern, format int32/int64, minimum, maximum, minItems,
  maxItems, minLength, maxLength, x-kubernetes-list-type set/atomic/map);
  a keyword this checker does not know fails, so a newer CRD cannot be
  checked halfway;
- an unknown field is an error (the server prunes it: the profile would lose
  it without a word);
- metadata: name required, a DNS-1123 subdomain; no namespace when the CRD's
  scope is Cluster (the server drops it); only name, namespace, labels,
  annotations;
- YAML 1.1 as PyYAML reads it: a plain `yes` or `0day` is not a string.

Exit 0 when every object passes, 1 with one line per problem
(FILE: doc N: path: what), 2 on usage errors.  Prints the number of objects
checked.
"""
import re
import sys

import yaml

KNOWN = {"type", "properties", "required", "enum", "pattern", "format", "minimum",
         "maximum", "minItems", "maxItems", "minLength", "maxLength", "items",
         "description", "default", "x-kubernetes-list-type",
         "x-kubernetes-list-map-keys"}
FORMATS = {"int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
META_KEYS = {"name", "namespace", "labels", "annotations"}


def type_ok(want, v):
    if want == "object":
        return isinstance(v, dict)
    if want == "array":
        return isinstance(v, list)
    if want == "string":
        return isinstance(v, str)
    if want == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if want == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if want == "boolean":
        return isinstance(v, bool)
    raise SystemExit(f"k8s-validate: schema type {want!r} not supported")


def check(schema, v, path, errs):
    unknown = set(schema) - KNOWN
    if unknown:
        raise SystemExit(f"k8s-validate: {path}: schema keywords not supported: {sorted(unknown)}")
    t = schema.get("type")
    if t and not type_ok(t, v):
        errs.append(f"{path}: {v!r} is not of type {t}")
        return
    if "enum" in schema and v not in schema["enum"]:
        errs.append(f"{path}: {v!r} is not one of {schema['enum']}")
    if "pattern" in schema and isinstance(v, str) and not re.search(schema["pattern"], v):
        errs.append(f"{path}: {v!r} does not match {schema['pattern']}")
    if isinstance(v, str):
        if len(v) < schema.get("minLength", 0) or len(v) > schema.get("maxLength", len(v)):
            errs.append(f"{path}: length {len(v)} out of range")
    if type_ok("integer", v):
        lo, hi = FORMATS.get(schema.get("format"), (None, None))
        if lo is not None and not lo <= v <= hi:
            errs.append(f"{path}: {v} does not fit {schema['format']}")
        if "minimum" in schema and v < schema["minimum"]:
            errs.append(f"{path}: {v} is below the minimum {schema['minimum']}")
        if "maximum" in schema and v > schema["maximum"]:
            errs.append(f"{path}: {v} is above the maximum {schema['maximum']}")
    if isinstance(v, dict):
        props = schema.get("properties")
        for k in schema.get("required", []):
            if k not in v:
                errs.append(f"{path}: required field {k!r} missing")
        if props is not None:
            for k, sub in v.items():
                if k not in props:
                    errs.append(f"{path}.{k}: unknown field (the API server prunes it)")
                else:
                    check(props[k], sub, f"{path}.{k}", errs)
    if isinstance(v, list):
        if len(v) < schema.get("minItems", 0):
            errs.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(v) > schema["maxItems"]:
            errs.append(f"{path}: more than {schema['maxItems']} items")
        if schema.get("x-kubernetes-list-type") == "set":
            seen = []
            for x in v:
                if x in seen:
                    errs.append(f"{path}: duplicate {x!r} in a set")
                seen.append(x)
        for i, x in enumerate(v):
            check(schema.get("items", {}), x, f"{path}[{i}]", errs)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        crd = yaml.safe_load(f)
    spec = crd["spec"]
    group, kind, scope = spec["group"], spec["names"]["kind"], spec["scope"]
    schemas = {f"{group}/{ver['name']}": ver["schema"]["openAPIV3Schema"]
               for ver in spec["versions"] if ver.get("served")}
    problems, n = [], 0
    for name in sys.argv[2:]:
        with open(name) as f:
            try:
                docs = list(yaml.safe_load_all(f))
            except yaml.YAMLError as e:
                problems.append(f"{name}: not YAML: {e}")
                continue
        for i, doc in enumerate(docs):
            if doc is None:
                continue
            where = f"{name}: doc {i}"
            if not isinstance(doc, dict) or doc.get("kind") != kind:
                problems.append(f"{where}: not a {kind}")
                continue
            n += 1
            schema = schemas.get(doc.get("apiVersion"))
            if schema is None:
                problems.append(f"{where}: apiVersion {doc.get('apiVersion')!r} is not served "
                                f"(served: {sorted(schemas)})")
                continue
            errs = []
            check(schema, doc, "", errs)
            meta = doc.get("metadata")
            if not isinstance(meta, dict):
                errs.append(".metadata: missing")
            else:
                for k in sorted(set(meta) - META_KEYS):
                    errs.append(f".metadata.{k}: not expected in a manifest")
                nm = meta.get("name")
                if not isinstance(nm, str) or len(nm) > 253 or not DNS1123_SUBDOMAIN.match(nm):
                    errs.append(f".metadata.name: {nm!r} is not a DNS-1123 subdomain")
                if scope == "Cluster" and "namespace" in meta:
                    errs.append(f".metadata.namespace: {kind} is cluster-scoped (the server drops it)")
            problems += [f"{where}: {e}" for e in errs]
    for p in problems:
        print(p, file=sys.stderr)
    print(f"k8s-validate: {n} {kind} object(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
