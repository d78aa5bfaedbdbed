#!/usr/bin/env bash
# Storage faults at the spool's file-system boundary, injected by tests/lib/faultfs.c (LD_PRELOAD):
# for each of open, write, fsync, rename, read and the directory fsync, a few consecutive calls under
# the state_dir fail with a chosen errno in the middle of a stream of decoy events; then the checkpoint
# alone fails with ENOSPC. Each case ends with the count of distinct alerts received against events
# written: all delivered, nothing invented, and the failure is in decoysvc's log.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
[ -n "${FAULTFS_LIB:-}" ] && [ -f "$FAULTFS_LIB" ] || { echo "SKIP: faultfs library not built"; exit 77; }
harness_init
hec_start
N=600
PRELOAD=$FAULTFS_LIB
asan=$(ldd "$DECOYSVC" | awk '/libasan/ {print $3}')
[ -z "$asan" ] || PRELOAD="$asan $FAULTFS_LIB"   # the ASan runtime must come first

# check_delivery FILE N FIRST: N distinct alerts, each for one of the events written, all kerberoast.
check_delivery() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
n, first = int(sys.argv[2]), int(sys.argv[3])
ids, recs = {}, set()
for line in open(sys.argv[1]):
    a = json.loads(line)["event"]
    assert a["action"] == "kerberoast", a["action"]
    if a["id"] in ids:
        assert ids[a["id"]] == a, "two different alerts share an id"
    ids[a["id"]] = a
    recs.add(a["event"]["record_id"])
assert recs <= set(range(first, first + n)), "invented alerts: %s" % sorted(recs - set(range(first, first + n)))[:5]
assert len(ids) == n and len(recs) == n, (len(ids), len(recs))
PY
}

# run_case NAME OP ERRNO NTH COUNT PATH_PREFIX FIRST_RECORD
run_case() {
    local name=$1 op=$2 errname=$3 nth=$4 count=$5 prefix=$6 first=$7 text
    rm -rf "$T/state" "$T/faultfs.log"; : >"$T/$name.xml"; : >"$HEC_OUT"; : >"$T/svc.log"
    write_config "$T/$name.json" "$T/$name.xml"
    LD_PRELOAD="$PRELOAD" FAULTFS_PATH="$prefix" FAULTFS_OP=$op FAULTFS_ERRNO=$errname FAULTFS_NTH=$nth \
        FAULTFS_COUNT=$count FAULTFS_LOG="$T/faultfs.log" svc_start "$T/$name.json"
    for chunk in 0 1 2 3; do
        gen_kerberoast_events $((N / 4)) $((first + chunk * N / 4)) svc_backup_legacy >>"$T/$name.xml"
        sleep 0.5
    done
    wait_ids "$HEC_OUT" $N 1200 || fail "$name: only $(hec_unique_ids "$HEC_OUT") of $N alerts arrived"
    kill -0 "$SVC_PID" || fail "$name: decoysvc died"
    svc_stop
    [ -s "$T/faultfs.log" ] || fail "$name: no $op failure was injected (the test would prove nothing)"
    check_delivery "$HEC_OUT" $N "$first" || fail "$name: delivered alerts are wrong"
    text=$(python3 -c 'import errno, os, sys; print(os.strerror(getattr(errno, sys.argv[1])))' "$errname")
    grep -q "$text" "$T/svc.log" || { cat "$T/faultfs.log"; fail "$name: the $errname failure is not in the log"; }
    echo "   $name: $(wc -l <"$T/faultfs.log") $op calls failed with $errname; events written: $N," \
         "distinct alerts received: $(hec_unique_ids "$HEC_OUT") ($(wc -l <"$HEC_OUT") deliveries)"
    grep -h "storage fault\|sink hec:\|spool" "$T/svc.log" | grep -v "records in" | head -4 | sed 's/^/      log: /'
}

echo "-- one file-system operation at a time fails in the spool (segments, cursors, directories)"
S=$T/state/spool
run_case seg-open     open     EMFILE 2 3 "$S/0"       100000
run_case seg-write    write    ENOSPC 2 3 "$S/0"       110000
run_case seg-fsync    fsync    EIO    2 3 "$S/0"       120000
run_case seg-read     read     EACCES 3 3 "$S/0"       130000
run_case dir-fsync    dirfsync EROFS  1 3 "$S"         140000
run_case cursor-write write    ENOSPC 2 3 "$S/cursors" 150000
run_case rename       rename   EDQUOT 2 3 "$T/state"   160000
echo "-- ENOSPC while writing the checkpoint alone"
run_case checkpoint   write    ENOSPC 2 4 "$T/state/checkpoint.json" 170000
echo "PASS: every injected storage failure was retried and logged; nothing lost, nothing invented"
