#!/usr/bin/env bash
# The state_dir on a small tmpfs (root, in a private mount namespace so nothing leaks):
#  A) the spool fills the file system during a burst of 3,000 decoy events while the sink is down;
#     when the sink comes back the space is freed: all 3,000 delivered;
#  B) the acceptance run: a burst of 3,000 decoy events with a 4 s disk-full (a filler file), a 3 s
#     receiver outage and a SIGKILL + restart: none lost.
# Each case ends with the count of distinct alerts received against events written.
set -euo pipefail
if [ -z "${ADDECOY_IN_MOUNT_NS:-}" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (mount -t tmpfs)"; exit 77; }
    command -v unshare >/dev/null || { echo "SKIP: unshare not found"; exit 77; }
    exec unshare -m --propagation private env ADDECOY_IN_MOUNT_NS=1 bash "$0" "$@"
fi
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
trap 'rc=$?; umount -l "$T/state" 2>/dev/null; (exit $rc); harness_cleanup' EXIT
N=3000

mount_state() { # mount_state SIZE
    mkdir -p "$T/state"
    mount -t tmpfs -o "size=$1,mode=0700" addecoy-test "$T/state" || { echo "SKIP: cannot mount a tmpfs"; exit 77; }
}

report() { # report CASE FILE
    echo "   $1: events written: $N, distinct alerts received: $(hec_unique_ids "$2") ($(wc -l <"$2") deliveries)"
}

check_distinct() { # check_distinct FILE FIRST: N distinct alerts, each for one event written
    python3 - "$1" $N "$2" <<'PY'
import json, sys
n, first = int(sys.argv[2]), int(sys.argv[3])
recs = {json.loads(l)["event"]["event"]["record_id"] for l in open(sys.argv[1]) if l.strip()}
assert recs == set(range(first, first + n)), (len(recs), sorted(set(range(first, first + n)) - recs)[:5])
PY
}

echo "-- A: the spool fills a 3 MB state_dir while the sink is down, then the sink frees it"
mount_state 3m
hec_start
hec_stop
: >"$T/a.xml"
write_config "$T/a.json" "$T/a.xml"
svc_start "$T/a.json"
gen_kerberoast_events $N 600000 svc_backup_legacy >>"$T/a.xml"
for _ in $(seq 300); do grep -q "No space left on device" "$T/svc.log" && break; sleep 0.1; done
grep -q "No space left on device" "$T/svc.log" || fail "A: the state_dir never filled up"
grep "storage fault" "$T/svc.log" | head -1
df -k "$T/state" | tail -1
kill -0 "$SVC_PID" || fail "A: decoysvc died on a full disk"
hec_start
wait_ids "$HEC_OUT" $N 2400 || fail "A: only $(hec_unique_ids "$HEC_OUT") of $N alerts arrived after space was freed"
report A "$HEC_OUT"
check_distinct "$HEC_OUT" 600000 || fail "A: wrong alerts"
grep -q "storage fault: recovered" "$T/svc.log" || fail "A: the recovery is not in the log"
svc_stop
hec_stop
umount "$T/state"

echo "-- B: 3,000 events with a 4 s disk-full, a 3 s receiver outage and a SIGKILL + restart"
rm -rf "$T/state" "$HEC_OUT"; : >"$T/svc.log"
HEC_PORT=
mount_state 8m
hec_start
: >"$T/b.xml"
write_config "$T/b.json" "$T/b.xml"
svc_start "$T/b.json"
for _ in $(seq 100); do grep -q "started:" "$T/svc.log" && break; sleep 0.1; done
(for c in $(seq 0 9); do gen_kerberoast_events 300 $((700000 + c * 300)) svc_backup_legacy >>"$T/b.xml"; sleep 0.4; done) &
writer=$!
sleep 0.5
dd if=/dev/zero of="$T/state/filler" bs=64k 2>/dev/null || true       # the disk is full ...
for _ in $(seq 600); do grep -q "No space left on device" "$T/svc.log" && break; sleep 0.1; done
grep -q "No space left on device" "$T/svc.log" || fail "B: decoysvc never met the full disk"
sleep 4
rm -f "$T/state/filler"                                                  # ... for 4 s after it met it
hec_stop                                                                 # the receiver is down ...
sleep 3
hec_start                                                                # ... for 3 s, same port
got=$(hec_unique_ids "$HEC_OUT")
svc_kill9                    # SIGKILL (while the alerts held back by the outage wait) and restart
echo "   killed with $got of $N delivered"
svc_start "$T/b.json"
wait "$writer"
wait_ids "$HEC_OUT" $N 2400 || fail "B: only $(hec_unique_ids "$HEC_OUT") of $N alerts arrived"
report B "$HEC_OUT"
check_distinct "$HEC_OUT" 700000 || fail "B: wrong alerts"
svc_stop
grep -c "storage fault" "$T/svc.log" | sed 's/^/   storage fault log lines: /'
echo "PASS: a full state_dir, a receiver outage and a SIGKILL lose no alert"
