#!/usr/bin/env python3
"""Checks `decoysvc hunt` output over the corpus against the scenario table of
../shared/corpus/README.md. Argument: the directory with all.jsonl and NAME.jsonl/NAME.rc per file."""
import collections
import json
import os
import sys

d = sys.argv[1]
failures = []


def load(name):
    with open(os.path.join(d, name + ".jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def totals(alerts):
    t = collections.Counter()
    for a in alerts:
        t[(a.get("decoy", {}).get("name", "-"), a["action"])] += a["count"]
    return dict(t)


def expect(cond, msg):
    if not cond:
        failures.append(msg)


# totals over all files at once, per (decoy, action): README "Totals over all files at once"
want_total = {
    ("Svc-SQL-DB01", "kerberoast"): 1, ("Svc-SQL-DB01", "password_guess"): 1,
    ("admin-test", "asrep_roast"): 3, ("admin-hacker", "password_guess"): 56,
    ("svc_nxlog", "password_guess"): 1, ("honey-pot1", "recon"): 3, ("honey-pot1", "tampering"): 4,
    # not about a decoy: two captures contain a real Security log clear (1102)
    ("-", "log_cleared"): 2,
}
# the files holding those 1102 events: exactly one log_cleared alert each, no decoy alert
LOG_CLEARED_IN = {"kerberos-spray-4771", "ssh-bruteforce-unknown-4625-4776"}
everything = load("all")
expect(totals(everything) == want_total, "totals: got %s want %s" % (totals(everything), want_total))
ids = [a["id"] for a in everything]
expect(len(ids) == len(set(ids)), "alert ids are not unique")

# per file
kr = load("kerberoast-4769-rc4")
expect(len(kr) == 1, "kerberoast-4769-rc4: %d alerts, want 1" % len(kr))
if kr:
    a = kr[0]
    expect(a["action"] == "kerberoast" and a["decoy"]["name"] == "Svc-SQL-DB01", "kerberoast: wrong alert %s" % a)
    expect(a["event"]["record_id"] == 24476805, "kerberoast: record %s" % a["event"]["record_id"])
    expect(a["source"]["ip"] == "10.23.23.9", "kerberoast: source %s" % a["source"])
    expect(a["user"]["name"].lower().startswith("admmig"), "kerberoast: requester %s" % a["user"])
    expect(a["kerberos"]["ticket_encryption"]["name"] == "RC4-HMAC" and a["kerberos"]["ticket_encryption"]["rc4"] is True,
           "kerberoast: encryption %s" % a["kerberos"])
    expect(a["kerberos"]["ticket_options"] == "0x40810000", "kerberoast: options %s" % a["kerberos"].get("ticket_options"))
    expect(a["threat"]["technique"]["id"] == "T1558.003", "kerberoast: technique")

ar = load("asrep-roast-4768")
expect(totals(ar) == {("admin-test", "asrep_roast"): 1}, "asrep-roast-4768: %s" % totals(ar))
expect(all(a["source"]["ip"] == "10.23.23.9" and a["threat"]["technique"]["id"] == "T1558.004" for a in ar), "asrep fields")

bf = load("kerberos-bruteforce-4771")
expect(totals(bf) == {("admin-hacker", "password_guess"): 54}, "bruteforce: %s" % totals(bf))
expect(all(a["source"]["ip"] == "10.23.123.11" and a["threat"]["technique"]["id"].startswith("T1110") for a in bf), "bruteforce fields")

ke = load("kerbrute-enum-4768-4771")
want = {("svc_nxlog", "password_guess"): 1, ("admin-hacker", "password_guess"): 1,
        ("Svc-SQL-DB01", "password_guess"): 1, ("admin-test", "asrep_roast"): 1}
expect(totals(ke) == want, "kerbrute: %s" % totals(ke))

su = load("kerberos-spray-unknown-users-4768-4771")
expect(totals(su) == {("admin-hacker", "password_guess"): 1, ("admin-test", "asrep_roast"): 1}, "spray-unknown: %s" % totals(su))

rc = load("decoy-property-read-4662")
expect(totals(rc) == {("honey-pot1", "recon"): 3}, "property-read: %s" % totals(rc))
expect(all(a["user"]["name"] == "lambda-user" and a["threat"]["technique"]["id"] == "T1087.002" for a in rc), "recon fields")

sp = load("spn-set-4738-5136")
expect(totals(sp) == {("honey-pot1", "tampering"): 4}, "spn-set: %s" % totals(sp))
expect(all(a["threat"]["technique"]["id"] == "T1098" for a in sp), "tampering technique")

for neg in ["negative-bloodhound-tgs-4769", "negative-golden-ticket-4769", "baseline-security", "baseline-security-2",
            "group-enum-4662", "ssh-bruteforce-4625", "ssh-bruteforce-unknown-4625-4776", "logon-restriction-4625",
            "kerberos-spray-4771", "preauth-disabled-4738"]:
    got = load(neg)
    want = {("-", "log_cleared"): 1} if neg in LOG_CLEARED_IN else {}
    expect(totals(got) == want, "%s: want %s, got %s" % (neg, want or "no alert", totals(got)))
    with open(os.path.join(d, neg + ".rc")) as f:
        want_rc = "1" if want else "0"
        expect(f.read().strip() == want_rc, "%s: exit status should be %s" % (neg, want_rc))

if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("corpus scenario: %d alerts over all files, totals match" % len(everything))
