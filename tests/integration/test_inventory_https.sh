#!/usr/bin/env bash
# A fleet inventory served over HTTPS (own CA made here with openssl, ETag, bearer token): decoysvc
# run picks up a new decoy without a restart, refuses a broken new version and keeps the old one,
# keeps alerting from its cached copy while the server is down (logged once, and once when it is
# back), starts from the cache when restarted while the server is down, answers 304s with nothing
# to do, never logs the token; http:// is refused except to the loopback.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
command -v openssl >/dev/null || { echo "SKIP: openssl not installed"; exit 77; }
harness_init
hec_start

echo "-- a CA and a server certificate for 127.0.0.1"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 -subj "/CN=ADDecoy test CA" \
    >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$T/srv.key" -out "$T/srv.csr" -subj "/CN=127.0.0.1" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/san.ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 2 \
    -extfile "$T/san.ext" -out "$T/srv.pem" >/dev/null 2>&1
TOKEN="inv-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$TOKEN" >"$T/inv.token"
mkdir -p "$T/www"
echo '{"version": 1, "decoys": [{"name": "svc_backup_legacy", "kind": "kerberoast"}]}' >"$T/www/inventory.json"

inv_server_start() {
    rm -f "$T/inv.port"
    python3 "$ADDECOY_SRC/tests/lib/inventory_server.py" --file "$T/www/inventory.json" --cert "$T/srv.pem" \
        --key "$T/srv.key" --token-file "$T/inv.token" --port-file "$T/inv.port" --log "$T/inv.log" \
        ${INV_PORT:+--port "$INV_PORT"} 2>>"$T/inv.err" &
    INV_PID=$!
    _HARNESS_PIDS+=("$INV_PID")
    wait_file "$T/inv.port" || fail "the inventory server did not start: $(cat "$T/inv.err")"
    INV_PORT=$(cat "$T/inv.port")
}
inv_server_start

: >"$T/events.xml"
write_config "$T/cfg.json" "$T/events.xml"
python3 - "$T/cfg.json" "https://127.0.0.1:$INV_PORT/inventory.json" "$T" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["inventory"] = sys.argv[2]
c["inventory_ca_file"] = sys.argv[3] + "/ca.pem"
c["inventory_token_file"] = sys.argv[3] + "/inv.token"
c["inventory_poll_seconds"] = 1
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY

echo "-- check fetches it; http:// to a remote host and a bad CA are refused"
"$DECOYSVC" check --no-send --config "$T/cfg.json" >"$T/check.out" 2>&1 || fail "check: $(cat "$T/check.out")"
grep -q "inventory https://127.0.0.1:$INV_PORT/inventory.json: valid, 1 decoys" "$T/check.out" || fail "check: $(cat "$T/check.out")"
sed "s|https://127.0.0.1|http://inventory.corp.example|" "$T/cfg.json" >"$T/cfg-http.json"
"$DECOYSVC" check --no-send --config "$T/cfg-http.json" >"$T/check2.out" 2>&1 && fail "plain http to a remote host accepted"
grep -q "inventory: must be an https:// URL" "$T/check2.out" || fail "http refusal: $(cat "$T/check2.out")"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.key" -out "$T/other-ca.pem" -days 2 -subj "/CN=Other CA" \
    >/dev/null 2>&1
sed -e "s|\"inventory_ca_file\": \"[^\"]*\"|\"inventory_ca_file\": \"$T/other-ca.pem\"|" \
    -e "s|\"state_dir\": \"[^\"]*\"|\"state_dir\": \"$T/state-badca\"|" "$T/cfg.json" >"$T/cfg-badca.json"
"$DECOYSVC" check --no-send --config "$T/cfg-badca.json" >"$T/check3.out" 2>&1 && fail "a server the CA file does not vouch for was trusted"
grep -q "no valid copy fetched yet" "$T/check3.out" || fail "bad CA: $(cat "$T/check3.out")"

echo "-- run: the first decoy alerts"
svc_start "$T/cfg.json"
gen_kerberoast_events 1 1 svc_backup_legacy >>"$T/events.xml"
wait_ids "$HEC_OUT" 1 150 || fail "no alert for the first decoy"

echo "-- a decoy added on the server alerts without a restart"
gen_kerberoast_events 1 2 svc_new_decoy >>"$T/events.xml"
sleep 1
[ "$(hec_unique_ids "$HEC_OUT")" = 1 ] || fail "an account outside the inventory alerted"
cat >"$T/www/inventory.json.tmp" <<'J'
{"version": 1, "decoys": [{"name": "svc_backup_legacy", "kind": "kerberoast"},
                          {"name": "svc_new_decoy", "kind": "kerberoast", "memo": "from the fleet server"}]}
J
mv "$T/www/inventory.json.tmp" "$T/www/inventory.json"
for _ in $(seq 100); do grep -q "reloaded: 2 decoys" "$T/svc.log" && break; sleep 0.1; done
grep -q "reloaded: 2 decoys" "$T/svc.log" || fail "the new inventory version was not picked up"
gen_kerberoast_events 1 3 svc_new_decoy >>"$T/events.xml"
wait_ids "$HEC_OUT" 2 150 || fail "no alert for the decoy added on the server"
grep -q '"from the fleet server"' "$HEC_OUT" || fail "the new decoy's memo is not in its alert"
grep -q "^304 yes" "$T/inv.log" || fail "no conditional request answered 304: $(sort "$T/inv.log" | uniq -c)"

echo "-- a broken new version is refused, logged once; the previous one stays in force"
echo '{"version": 1, "decoys": [{"kind": "kerberoast"}]}' >"$T/www/inventory.json"
for _ in $(seq 100); do grep -q "changed but is invalid" "$T/svc.log" && break; sleep 0.1; done
grep -q "inventory https://127.0.0.1:$INV_PORT/inventory.json changed but is invalid.*decoys\[0\]" "$T/svc.log" ||
    fail "the broken inventory was not refused with its reason"
sleep 2.5
[ "$(grep -c "changed but is invalid" "$T/svc.log")" = 1 ] || fail "the refusal was logged more than once"
gen_kerberoast_events 1 4 svc_new_decoy >>"$T/events.xml"
wait_ids "$HEC_OUT" 3 150 || fail "detection of the live-added decoy stopped after a broken version"

echo "-- the server goes down: logged once, alerts go on from the cache"
kill "$INV_PID"; wait "$INV_PID" 2>/dev/null || true
for _ in $(seq 100); do grep -q "unreachable" "$T/svc.log" && break; sleep 0.1; done
grep -q "inventory https://127.0.0.1:$INV_PORT/inventory.json unreachable" "$T/svc.log" || fail "unreachable server not reported"
sleep 2.5
[ "$(grep -c "unreachable" "$T/svc.log")" = 1 ] || fail "unreachable logged more than once"
gen_kerberoast_events 1 5 svc_new_decoy >>"$T/events.xml"
wait_ids "$HEC_OUT" 4 150 || fail "no alert while the server is down"

echo "-- restarted while the server is down: starts from the cached copy"
svc_stop
svc_start "$T/cfg.json"
for _ in $(seq 100); do [ "$(grep -c "started:" "$T/svc.log")" -ge 2 ] && break; sleep 0.1; done
grep -q "started: 2 decoys" "$T/svc.log" || fail "did not start from the cache: $(tail -5 "$T/svc.log")"
gen_kerberoast_events 1 6 svc_new_decoy >>"$T/events.xml"
wait_ids "$HEC_OUT" 5 150 || fail "no alert after a restart while the server is down"

echo "-- the server is back: logged once; a good new version takes effect"
echo '{"version": 1, "decoys": [{"name": "svc_new_decoy", "kind": "kerberoast"}, {"name": "svc_third"}]}' \
    >"$T/www/inventory.json"
inv_server_start
for _ in $(seq 100); do grep -q "reloaded: 2 decoys" <(grep -A100 "reachable again" "$T/svc.log") && break; sleep 0.1; done
grep -q "inventory https://127.0.0.1:$INV_PORT/inventory.json reachable again" "$T/svc.log" || fail "recovery not reported"
gen_kerberoast_events 1 7 svc_third >>"$T/events.xml"
wait_ids "$HEC_OUT" 6 150 || fail "no alert for a decoy of the version served after the outage"
svc_stop
grep -q -- "$TOKEN" "$T/svc.log" "$T/check.out" && fail "the bearer token appears in a log"
grep -q "^401" "$T/inv.log" && fail "a request went without the bearer token"
echo "PASS: fleet inventory over HTTPS: live update, cache, refusal, outage"
