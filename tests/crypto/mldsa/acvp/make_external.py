#!/usr/bin/env python3
"""Builds the small ACVP-shaped files in this folder from the Wycheproof ML-DSA-44 vectors, to
exercise the qstp-acvp ML-DSA handler's external-interface paths (signatureInterface "external"
with preHash "pure" and a context, and externalMu), for which the collected NIST ACVP files have
no groups (vectors/README.md: only the internal projection was available).

Usage (from the project root): python3 tests/crypto/mldsa/acvp/make_external.py
Reads ../shared/vectors/mldsa/wycheproof/mldsa_44_{sign_noseed,verify}_test.json; writes
ML-DSA-sigGen-external.json and ML-DSA-sigVer-external.json next to this script. The files
carry the answers (like an internalProjection): the harness ignores them when it computes."""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("QSTP_SHARED", os.path.join(here, "../../../../../shared"))
wy = os.path.join(shared, "vectors/mldsa/wycheproof")


def load(name):
    with open(os.path.join(wy, name)) as f:
        return json.load(f)


def up(h):
    return h.upper()


sign = load("mldsa_44_sign_noseed_test.json")
ver = load("mldsa_44_verify_test.json")

# sigGen: deterministic and hedged message+context cases, and mu ("Internal") cases.
det, hedged, mu = [], [], []
tc = 1
for g in sign["testGroups"]:
    sk = g.get("privateKey", "")
    if len(sk) != 2 * 2560:
        continue
    for t in g["tests"]:
        if t["result"] != "valid":
            continue
        if "msg" in t and "rnd" not in t and len(det) < 4:
            det.append({"tcId": tc, "sk": up(sk), "message": up(t["msg"]),
                        "context": up(t.get("ctx", "")), "signature": up(t["sig"])})
        elif "msg" in t and "rnd" in t and len(hedged) < 2:
            hedged.append({"tcId": tc, "sk": up(sk), "message": up(t["msg"]),
                           "context": up(t.get("ctx", "")), "rnd": up(t["rnd"]),
                           "signature": up(t["sig"])})
        elif "msg" not in t and "mu" in t and "rnd" not in t and len(mu) < 3:
            mu.append({"tcId": tc, "sk": up(sk), "mu": up(t["mu"]), "signature": up(t["sig"])})
        else:
            continue
        tc += 1
base = {"testType": "AFT", "parameterSet": "ML-DSA-44", "signatureInterface": "external",
        "preHash": "pure"}
siggen = {"vsId": 0, "algorithm": "ML-DSA", "mode": "sigGen", "revision": "FIPS204",
          "isSample": True, "testGroups": [
              dict(base, tgId=1, deterministic=True, externalMu=False, tests=det),
              dict(base, tgId=2, deterministic=False, externalMu=False, tests=hedged),
              dict(base, tgId=3, deterministic=True, externalMu=True, tests=mu)]}

# sigVer: valid and invalid message+context cases with the right key length.
cases = []
tc = 1
for g in ver["testGroups"]:
    pk = g.get("publicKey", "")
    if len(pk) != 2 * 1312:
        continue
    for t in g["tests"]:
        if len(t.get("ctx", "")) > 2 * 255 or "msg" not in t:
            continue
        if len([c for c in cases if c["testPassed"] == (t["result"] == "valid")]) >= 6:
            continue
        cases.append({"tcId": tc, "pk": up(pk), "message": up(t["msg"]),
                      "context": up(t.get("ctx", "")), "signature": up(t["sig"]),
                      "testPassed": t["result"] == "valid"})
        tc += 1
sigver = {"vsId": 0, "algorithm": "ML-DSA", "mode": "sigVer", "revision": "FIPS204",
          "isSample": True, "testGroups": [dict(base, tgId=1, externalMu=False, tests=cases)]}

for name, doc in (("ML-DSA-sigGen-external.json", siggen), ("ML-DSA-sigVer-external.json", sigver)):
    with open(os.path.join(here, name), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
n = len(det) + len(hedged) + len(mu)
print(f"sigGen: {n} cases ({len(det)} det, {len(hedged)} hedged, {len(mu)} mu); sigVer: {len(cases)}",
      file=sys.stderr)
