#!/usr/bin/env bash
# decoysvc picks up a changed inventory without a restart (a decoy added while it runs alerts on
# its next event), refuses an invalid inventory and an invalid configuration on reload (SIGHUP)
# while it keeps running and alerting, and a stop request (SIGTERM) is honoured promptly.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
hec_start
: >"$T/events.xml"
cat >"$T/inventory.json" <<'EOF'
{"version": 1, "decoys": [{"name": "svc_backup_legacy", "kind": "kerberoast"}]}
EOF
write_config "$T/cfg.json" "$T/events.xml"
sed -i "s|\"inventory\": \"[^\"]*\"|\"inventory\": \"$T/inventory.json\"|" "$T/cfg.json"
svc_start "$T/cfg.json"
sleep 0.5

echo "-- an event for an account that is not a decoy yet: no alert"
gen_kerberoast_events 1 1 svc_new_decoy >>"$T/events.xml"
gen_kerberoast_events 1 2 svc_backup_legacy >>"$T/events.xml"
wait_ids "$HEC_OUT" 1 100 || fail "no alert for the existing decoy"
sleep 0.5
[ "$(hec_unique_ids "$HEC_OUT")" = 1 ] || fail "an account outside the inventory alerted"

echo "-- the inventory gains svc_new_decoy while decoysvc runs: its next event alerts"
cat >"$T/inventory.json.tmp" <<'EOF'
{"version": 1, "decoys": [{"name": "svc_backup_legacy", "kind": "kerberoast"},
                          {"name": "svc_new_decoy", "kind": "kerberoast", "memo": "added live"}]}
EOF
mv "$T/inventory.json.tmp" "$T/inventory.json"
for _ in $(seq 50); do grep -q "reloaded: 2 decoys" "$T/svc.log" && break; sleep 0.1; done
grep -q "reloaded: 2 decoys" "$T/svc.log" || fail "the inventory change was not picked up"
gen_kerberoast_events 1 3 svc_new_decoy >>"$T/events.xml"
wait_ids "$HEC_OUT" 2 100 || fail "no alert for the decoy added live"
grep -q '"added live"' "$HEC_OUT" || fail "the new decoy's memo is not in its alert"

echo "-- an invalid inventory is refused, the previous one stays in force"
echo '{"version": 1, "decoys": [{"kind": "kerberoast"}]}' >"$T/inventory.json"
for _ in $(seq 50); do grep -q "inventory changed but is invalid" "$T/svc.log" && break; sleep 0.1; done
grep -q "inventory changed but is invalid.*decoys\[0\]" "$T/svc.log" || fail "invalid inventory not reported with its entry"
gen_kerberoast_events 1 4 svc_new_decoy >>"$T/events.xml"
wait_ids "$HEC_OUT" 3 100 || fail "detection stopped after an invalid inventory"

echo "-- SIGHUP with a broken configuration: refused, decoysvc keeps running"
cp "$T/cfg.json" "$T/cfg.good"
echo '{"inventory": ' >"$T/cfg.json"
kill -HUP "$SVC_PID"
for _ in $(seq 50); do grep -q "reload refused" "$T/svc.log" && break; sleep 0.1; done
grep -q "reload refused.*cfg.json:" "$T/svc.log" || fail "a broken config on reload was not reported"
kill -0 "$SVC_PID" || fail "decoysvc died on a broken config"
gen_kerberoast_events 1 5 svc_backup_legacy >>"$T/events.xml"
wait_ids "$HEC_OUT" 4 100 || fail "detection stopped after a refused reload"

echo "-- SIGHUP with a good configuration but the invalid inventory: refused too"
cp "$T/cfg.good" "$T/cfg.json"
kill -HUP "$SVC_PID"
for _ in $(seq 50); do [ "$(grep -c "reload refused" "$T/svc.log")" -ge 2 ] && break; sleep 0.1; done
grep -q "reload refused.*inventory.json: decoys\[0\]" "$T/svc.log" || fail "a reload onto an invalid inventory was not refused"
kill -0 "$SVC_PID" || fail "decoysvc died on a reload with an invalid inventory"

echo "-- SIGHUP with everything valid reloads; SIGTERM stops"
echo '{"version": 1, "decoys": [{"name": "svc_backup_legacy"}]}' >"$T/inventory.json"
kill -HUP "$SVC_PID"
for _ in $(seq 50); do grep -q "reloading" "$T/svc.log" && break; sleep 0.1; done
grep -q "reloading" "$T/svc.log" || fail "SIGHUP did not reload"
kill -TERM "$SVC_PID"
for _ in $(seq 50); do kill -0 "$SVC_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SVC_PID" 2>/dev/null && fail "decoysvc did not stop within 5 s of SIGTERM"
wait "$SVC_PID" || fail "decoysvc exited with an error status"
echo "PASS: live inventory reload, refused bad reloads, prompt stop"
