#!/usr/bin/env bash
# Secrets stay secret (issue 10 finding 4), through the real program:
#  - a JSON syntax error right after a token: `decoysvc check` and `run` name the line and column,
#    never the token;
#  - an http:// HEC URL to a remote host is refused (the URL not shown), allowed with
#    "allow_insecure_http": true and a SECURITY WARNING;
#  - the running daemon has no core files (RLIMIT_CORE 0 in /proc/PID/limits).
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
TOKEN=S3CRET-T0KEN-7f1c

echo "-- a syntax error after the token"
printf '{"inventory": "x", "sinks": [{"type": "hec", "url": "https://s:8088", "token": "%s}]}\n' "$TOKEN" >"$T/bad.json"
rc=0; "$DECOYSVC" check --config "$T/bad.json" --no-send >"$T/check.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "check exit $rc (want 2)"
grep -q 'bad.json:1:' "$T/check.out" || fail "check does not name the position: $(cat "$T/check.out")"
grep -q "$TOKEN" "$T/check.out" && fail "check shows the token: $(cat "$T/check.out")"
rc=0; "$DECOYSVC" run --config "$T/bad.json" --once >"$T/run.out" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "run accepted a broken config"
grep -q 'bad.json:1:' "$T/run.out" || fail "run does not name the position: $(cat "$T/run.out")"
grep -q "$TOKEN" "$T/run.out" && fail "run shows the token: $(cat "$T/run.out")"
echo "   check and run: position named, token not shown"

echo "-- http:// to a remote host"
: >"$T/events.xml"
cat >"$T/remote.json" <<JSON
{"inventory": "$ADDECOY_SRC/conf/inventory.example.json", "state_dir": "$T/state",
 "inputs": [{"type": "xml", "path": "$T/events.xml"}],
 "sinks": [{"type": "hec", "url": "http://splunk-secret-host.example:8088", "token": "$TOKEN"}]}
JSON
rc=0; "$DECOYSVC" check --config "$T/remote.json" --no-send >"$T/remote.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "http:// to a remote host accepted (exit $rc): $(cat "$T/remote.out")"
grep -q 'allow_insecure_http' "$T/remote.out" || fail "the refusal does not say how: $(cat "$T/remote.out")"
grep -q -e "$TOKEN" -e 'splunk-secret-host' "$T/remote.out" && fail "the refusal shows the URL or token"
sed -i 's/"token": "'"$TOKEN"'"/"token": "'"$TOKEN"'", "allow_insecure_http": true/' "$T/remote.json"
"$DECOYSVC" run --config "$T/remote.json" --once >"$T/insecure.out" 2>&1 || true
grep -q 'SECURITY WARNING: sink .*allow_insecure_http is true' "$T/insecure.out" ||
    fail "no SECURITY WARNING with allow_insecure_http: $(cat "$T/insecure.out")"
grep -q "$TOKEN" "$T/insecure.out" && fail "run shows the token"
echo "   refused without allow_insecure_http; allowed with a SECURITY WARNING"

echo "-- no core dumps"
hec_start
write_config "$T/ok.json" "$T/events.xml"
ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -Hc)" 2>/dev/null || true
[ "$(ulimit -c)" != 0 ] || { echo "SKIP: the hard core size limit is 0 here: cannot show that decoysvc lowers it"; exit 77; }
svc_start "$T/ok.json"
for _ in $(seq 100); do grep -q 'started\|watching\|input' "$T/svc.log" 2>/dev/null && break; sleep 0.05; done
kill -0 "$SVC_PID" || fail "decoysvc did not start"
core=$(awk '/Max core file size/ {print $5, $6}' "/proc/$SVC_PID/limits")
[ "$core" = "0 0" ] || fail "core file size limit is '$core' (want 0 0)"
echo "   RLIMIT_CORE is 0 in the running daemon"
svc_stop
echo "PASS"
