#!/usr/bin/env bash
# One state_dir, one process: a second `decoysvc run` on the same state_dir refuses to start with an
# error naming the directory and the holder's pid, and leaves the spool alone; the first one keeps
# delivering; a SIGKILL of the holder releases the lock (a kernel lock, not a pid file) and the
# next start takes over and delivers what was left.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
hec_start
: >"$T/events.xml"
write_config "$T/cfg.json" "$T/events.xml"
svc_start "$T/cfg.json"
FIRST=$SVC_PID
for _ in $(seq 100); do grep -q "started:" "$T/svc.log" && break; sleep 0.1; done
grep -q "started:" "$T/svc.log" || fail "the first decoysvc did not start"
[ "$(cat "$T/state/decoysvc.lock")" = "$FIRST" ] || fail "the lock file does not hold the holder's pid"

echo "-- a second process on the same state_dir"
set +e
timeout 20 "$DECOYSVC" run --config "$T/cfg.json" >"$T/second.log" 2>&1
rc=$?
set -e
cat "$T/second.log"
[ "$rc" -eq 2 ] || fail "the second decoysvc exited with $rc, not 2"
grep -qF "another decoysvc (pid $FIRST) is running on state_dir $T/state" "$T/second.log" ||
    fail "the second decoysvc did not name the holder and the directory"
grep -q "spool " "$T/second.log" && fail "the second decoysvc opened the spool"
kill -0 "$FIRST" || fail "the first decoysvc died"

gen_kerberoast_events 50 500000 svc_backup_legacy >>"$T/events.xml"
wait_ids "$HEC_OUT" 50 300 || fail "the first decoysvc stopped delivering ($(hec_unique_ids "$HEC_OUT") of 50)"

echo "-- SIGKILL of the holder releases the lock"
hec_stop
gen_kerberoast_events 50 510000 svc_backup_legacy >>"$T/events.xml"
sleep 1
svc_kill9
hec_start
svc_start "$T/cfg.json"
wait_ids "$HEC_OUT" 100 600 || fail "after the restart only $(hec_unique_ids "$HEC_OUT") of 100 alerts arrived"
[ "$(cat "$T/state/decoysvc.lock")" = "$SVC_PID" ] || fail "the new holder did not write its pid"
svc_stop
echo "events written: 100, distinct alerts received: $(hec_unique_ids "$HEC_OUT")"
echo "PASS: a second instance is refused with the holder's pid; a killed holder frees the lock"
