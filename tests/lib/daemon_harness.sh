# daemon_harness.sh - sourced bash helpers for decoysvc integration tests: a temp dir, the HEC and
# webhook receivers on loopback, a config writer, start/stop of `decoysvc run`, waiting for
# delivered alerts, and generators of decoy events. Everything started is stopped by harness_cleanup.
#
#   . "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
#   harness_init                 # T=temp dir, trap harness_cleanup EXIT
#   hec_start [receiver flags]   # HEC_PORT, HEC_OUT, HEC_TOKEN_FILE
#   svc_start CONFIG             # SVC_PID; svc_stop; svc_kill9

harness_init() {
    T=$(mktemp -d /tmp/addecoy-it.XXXXXX)
    _HARNESS_PIDS=()
    trap harness_cleanup EXIT
}

harness_cleanup() {
    local p rc=$?
    set +e
    for p in "${_HARNESS_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${_HARNESS_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$T"
    return $rc
}

fail() {
    echo "FAIL: $*"
    [ -f "$T/svc.log" ] && { echo "--- decoysvc log (tail)"; tail -30 "$T/svc.log"; }
    exit 1
}

# Waits until the file named by $1 is non-empty (up to $2 tenths of a second, default 100).
wait_file() {
    local i
    for ((i = 0; i < ${2:-100}; i++)); do [ -s "$1" ] && return 0; sleep 0.1; done
    return 1
}

# hec_start [extra receiver flags...]: a strict Splunk HEC receiver on a free loopback port.
hec_start() {
    HEC_TOKEN_FILE=$T/hec.token
    HEC_OUT=$T/hec.jsonl
    [ -s "$HEC_TOKEN_FILE" ] || head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$HEC_TOKEN_FILE"
    rm -f "$T/hec.port"
    python3 "$ADDECOY_SRC/tests/lib/hec_receiver.py" --token-file "$HEC_TOKEN_FILE" --port-file "$T/hec.port" \
        --out "$HEC_OUT" ${HEC_PORT:+--port "$HEC_PORT"} "$@" >>"$T/hec.log" 2>&1 &
    HEC_PID=$!
    _HARNESS_PIDS+=("$HEC_PID")
    wait_file "$T/hec.port" || fail "the HEC receiver did not start: $(cat "$T/hec.log")"
    HEC_PORT=$(cat "$T/hec.port")
}

hec_stop() {
    kill "$HEC_PID" 2>/dev/null
    wait "$HEC_PID" 2>/dev/null || true
}

# webhook_start: a Standard Webhooks receiver that verifies signatures.
webhook_start() {
    WEBHOOK_OUT=$T/webhook.jsonl
    WEBHOOK_SECRET="whsec_$(head -c 24 /dev/urandom | base64)"
    printf '%s' "$WEBHOOK_SECRET" >"$T/webhook.secret"
    python3 "$ADDECOY_SRC/tests/lib/webhook_receiver.py" --secret "$WEBHOOK_SECRET" \
        --port-file "$T/webhook.port" --out "$WEBHOOK_OUT" >>"$T/webhook.log" 2>&1 &
    _HARNESS_PIDS+=("$!")
    wait_file "$T/webhook.port" || fail "the webhook receiver did not start"
    WEBHOOK_PORT=$(cat "$T/webhook.port")
}

# svc_start CONFIG [run flags]: decoysvc run in the background, log in $T/svc.log.
svc_start() {
    "$DECOYSVC" run --config "$@" >>"$T/svc.log" 2>&1 &
    SVC_PID=$!
    _HARNESS_PIDS+=("$SVC_PID")
}

svc_stop() {
    kill -TERM "$SVC_PID" 2>/dev/null
    wait "$SVC_PID" 2>/dev/null || true
}

svc_kill9() {
    kill -KILL "$SVC_PID" 2>/dev/null
    wait "$SVC_PID" 2>/dev/null || true
}

# count_events FILE ACTION: number of delivered HEC envelopes whose alert has that action.
hec_count() {
    [ -f "$1" ] || { echo 0; return; }
    python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    line = line.strip()
    if line and json.loads(line)["event"].get("action") == sys.argv[2]:
        n += 1
print(n)' "$1" "$2"
}

# hec_wait_action ACTION N: waits (up to 10 s) until N alerts of ACTION arrived at the HEC receiver.
hec_wait_action() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(hec_count "$HEC_OUT" "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# hec_unique_ids FILE: number of distinct alert ids delivered.
hec_unique_ids() {
    [ -f "$1" ] || { echo 0; return; }
    python3 -c '
import json, sys
print(len({json.loads(l)["event"]["id"] for l in open(sys.argv[1]) if l.strip()}))' "$1"
}

# wait_ids FILE N [TENTHS]: waits until N distinct alert ids were delivered.
wait_ids() {
    local i
    for ((i = 0; i < ${3:-600}; i++)); do
        [ "$(hec_unique_ids "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# gen_kerberoast_events N FIRST_RECORD DECOY: N Kerberoast events (4769, RC4) for DECOY, each
# from its own source address so that each is an alert of its own.
gen_kerberoast_events() {
    python3 - "$@" <<'PY'
import sys
n, first, decoy = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ns = "http://schemas.microsoft.com/win/2004/08/events/event"
out = []
for i in range(n):
    rid = first + i
    ip = "10.%d.%d.%d" % (100 + (rid >> 16) % 100, (rid >> 8) & 255, rid & 255)
    out.append(
        "<Event xmlns='%s'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID>"
        "<Version>0</Version><TimeCreated SystemTime='2026-11-20T09:%02d:%02d.%07dZ'/><EventRecordID>%d</EventRecordID>"
        "<Channel>Security</Channel><Computer>dc1.corp.example</Computer></System><EventData>"
        "<Data Name='TargetUserName'>attacker%d@CORP.EXAMPLE</Data><Data Name='TargetDomainName'>CORP.EXAMPLE</Data>"
        "<Data Name='ServiceName'>%s</Data><Data Name='TicketOptions'>0x40810000</Data>"
        "<Data Name='TicketEncryptionType'>0x17</Data><Data Name='IpAddress'>::ffff:%s</Data>"
        "<Data Name='IpPort'>%d</Data><Data Name='Status'>0x0</Data></EventData></Event>"
        % (ns, (i // 60) % 60, i % 60, i, rid, i, decoy, ip, 1024 + i % 60000))
sys.stdout.write("\n".join(out) + "\n")
PY
}

# write_config FILE INPUT_PATH [extra sinks JSON, comma-prefixed]
write_config() {
    cat >"$1" <<EOF
{
  "inventory": "$ADDECOY_SRC/conf/inventory.example.json",
  "state_dir": "$T/state",
  "poll_ms": 20,
  "throttle": {"window_seconds": 300},
  "inputs": [{"type": "xml", "path": "$2"}],
  "sinks": [{"type": "hec", "url": "http://127.0.0.1:$HEC_PORT", "token_file": "$HEC_TOKEN_FILE"}${3:-}]
}
EOF
}
