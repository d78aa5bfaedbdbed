#!/usr/bin/env bash
# The scheduled self-trip live on a real Samba AD DC (issue 12 part 6): a canary kerberoast decoy and a
# dedicated principal with a keytab; decoysvc follows the DC's logs and trips the canary itself.
#  (a) KDC logging on:  every trip passes (self_test.json ok, "self-test passed" logged), no alert at
#      the HEC receiver for the canary; alice roasting the same canary still pages (nothing broader)
#  (b) KDC logging off (smb.conf kerberos log level lowered, reloaded): exactly one self_test_failed
#      alert (step "event") although several trips fail
#  (c) the canary's SPN unknown to the inventory (decoy removed from it): step "ticket" in the log
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/samba_dc.sh"
samba_dc_isolate "$0" "$@"
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
trap 'set +e; samba_dc_stop; harness_cleanup' EXIT
samba_dc_start

export ADSEED_BIND_PASSWORD=$SAMBA_ADMIN_PASSWORD
"$ADSEED" create svc_canary_sql --kind kerberoast --spn MSSQLSvc/canary.decoy.test:1433 --memo "self-test canary" \
    --uri "$SAMBA_URI_LDAPS" --user "$SAMBA_ADMIN_USER" --ca-file "$LDAPTLS_CACERT" --inventory "$T/inventory.json" \
    >"$T/adseed.out" 2>&1 || fail "adseed create: $(cat "$T/adseed.out")"
unset ADSEED_BIND_PASSWORD

# the dedicated principal: a plain user with a random password, its keys exported to a keytab
stool() { /usr/bin/python3 /usr/bin/samba-tool "$@" -H "$SAMBA_DIR/private/sam.ldb" -s "$SAMBA_DIR/etc/smb.conf"; }
stool user create addecoy-selftest --random-password >"$T/stool.out" 2>&1 || fail "user create: $(cat "$T/stool.out")"
/usr/bin/python3 /usr/bin/samba-tool domain exportkeytab "$T/selftest.keytab" -s "$SAMBA_DIR/etc/smb.conf" --principal="addecoy-selftest@$SAMBA_REALM" >>"$T/stool.out" 2>&1 ||
    fail "exportkeytab: $(cat "$T/stool.out")"
chmod 600 "$T/selftest.keytab"

hec_start
write_cfg() { # $1 = inventory
    cat >"$T/cfg.json" <<JSON
{
  "inventory": "$1",
  "state_dir": "$T/state",
  "poll_ms": 50,
  "inputs": [{"type": "samba", "computer": "dc1.decoy.test", "start": "end",
              "auth_log": "$SAMBA_AUTH_LOG", "kdc_log": "$SAMBA_KDC_LOG"}],
  "self_test": {"interval_seconds": 4, "expect_within_seconds": 3, "canary": "svc_canary_sql",
                "keytab": "$T/selftest.keytab", "principal": "addecoy-selftest@$SAMBA_REALM"},
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE"}]
}
JSON
}
write_cfg "$T/inventory.json"
wait_log() { # waits until the decoysvc log has $2 lines matching $1 (up to $3 s)
    local i
    for ((i = 0; i < ${3:-30} * 10; i++)); do
        [ "$(grep -c -- "$1" "$T/svc.log" 2>/dev/null || true)" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

echo "-- (a) KDC logging on: the self-trips pass and page nobody"
svc_start "$T/cfg.json"
wait_log "self-test passed" 2 30 || fail "(a) no two passing self-tests"
python3 - "$T/state/self_test.json" <<'PY' || fail "(a) self_test.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is True and r["step"] is None and r["latency_ms"] >= 0, r
assert r["canary"] == "svc_canary_sql" and r["spn"] == "MSSQLSvc/canary.decoy.test:1433", r
assert r["requester"] == "addecoy-selftest@DECOY.TEST", r
print("self_test.json:", r)
PY
for ((i = 0; i < 100; i++)); do  # status.json (rewritten every 5 s) carries the same result as the heartbeat
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["self_test"]["ok"] is True' "$T/state/status.json" \
        2>/dev/null && break
    sleep 0.1
done
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["self_test"]["ok"] is True' "$T/state/status.json" ||
    fail "(a) status.json has no passing self_test"
[ -e "$T/state/self_test.ccache" ] || fail "(a) the private credential cache is not in state_dir"
samba_dc_kinit alice "$SAMBA_ALICE_PASSWORD"
kvno "MSSQLSvc/canary.decoy.test:1433@$SAMBA_REALM" >"$T/kvno.out" 2>&1 || fail "kvno: $(cat "$T/kvno.out")"
for ((i = 0; i < 100; i++)); do [ "$(hec_count "$HEC_OUT" kerberoast)" -ge 1 ] && break; sleep 0.1; done
sleep 1
svc_stop
python3 - "$HEC_OUT" <<'PY' || fail "(a) alerts"
import json, sys
alerts = [json.loads(l)["event"] for l in open(sys.argv[1]) if l.strip()]
got = [(a["action"], a["user"]["name"].lower()) for a in alerts]
assert got == [("kerberoast", "alice")], "want only alice's kerberoast of the canary, got %s" % got
PY
grep -q "self-test failed" "$T/svc.log" && fail "(a) a self-test failed with KDC logging on"

echo "-- (b) KDC logging off: exactly one self_test_failed"
# smbcontrol reload-config does not change the debug classes of the running DC: restart it
kill "$_SAMBA_DC_PID"; wait "$_SAMBA_DC_PID" 2>/dev/null || true
sed -i "s#kerberos:3@#kerberos:0@#" "$SAMBA_DIR/etc/smb.conf"
grep -q "kerberos:0@" "$SAMBA_DIR/etc/smb.conf" || fail "(b) could not lower the KDC log level in smb.conf"
samba -s "$SAMBA_DIR/etc/smb.conf" -F --no-process-group -M single -l "$SAMBA_DIR/log" \
    </dev/null >>"$SAMBA_DIR/log/samba.out" 2>&1 &
_SAMBA_DC_PID=$!
_samba_dc_wait_ready || fail "(b) the DC did not come back"
cp "$T/svc.log" "$T/svc.log.a"
svc_start "$T/cfg.json"
wait_log "self-test failed again" 1 40 || fail "(b) no second failing self-test"
sleep 1
svc_stop
python3 - "$HEC_OUT" <<'PY' || fail "(b) alerts"
import json, sys
alerts = [json.loads(l)["event"] for l in open(sys.argv[1]) if l.strip()]
f = [a for a in alerts if a["action"] == "self_test_failed"]
assert len(f) == 1, "want exactly one self_test_failed, got %d" % len(f)
a = f[0]
assert a["severity"] == "high" and a["self_test"]["step"] == "event" and a["self_test"]["ok"] is False, a
assert "Kerberos Service Ticket Operations" in a["summary"], a["summary"]
assert len(alerts) == 2, [x["action"] for x in alerts]
print("self_test_failed:", a["summary"])
PY
grep -q "self-test passed" <(tail -n +"$(($(wc -l <"$T/svc.log.a") + 1))" "$T/svc.log") &&
    fail "(b) a self-test passed with KDC logging off"

echo "-- (c) the canary gone from the inventory: the ticket step fails"
echo '{"version": 1, "decoys": []}' >"$T/empty.json"
write_cfg "$T/empty.json"
svc_start "$T/cfg.json"
wait_log "canary svc_canary_sql failed: the canary decoy svc_canary_sql is not" 1 20 || fail "(c) no ticket-step failure"
svc_stop
echo "PASS: self-trip live on a Samba AD DC"
