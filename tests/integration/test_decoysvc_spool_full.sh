#!/usr/bin/env bash
# The spool's size bound, end to end: with the sink down and a 1 MB spool, a burst of 1,500 decoy
# events fills the spool; decoysvc then stops reading its input (the position does not advance,
# nothing is dropped) and says so; when the sink recovers every alert arrives.
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
N=1500
hec_start
hec_stop
: >"$T/events.xml"
write_config "$T/cfg.json" "$T/events.xml"
sed -i 's|"poll_ms": 20,|"poll_ms": 20, "spool": {"max_mb": 1},|' "$T/cfg.json"
svc_start "$T/cfg.json"
gen_kerberoast_events $N 300000 svc_backup_legacy >>"$T/events.xml"
for _ in $(seq 200); do grep -q "spool full" "$T/svc.log" && break; sleep 0.1; done
grep -q "spool full" "$T/svc.log" || fail "the 1 MB spool never filled (alerts too small?)"
kill -0 "$SVC_PID" || fail "decoysvc died with a full spool"
spooled=$(du -sk "$T/state/spool" | cut -f1)
[ "$spooled" -le 1400 ] || fail "the spool grew to ${spooled} KB past its 1 MB bound"
hec_start
wait_ids "$HEC_OUT" $N 1800 || fail "only $(hec_unique_ids "$HEC_OUT") of $N alerts arrived after the spool drained"
svc_stop
echo "PASS: a full spool pauses the input and loses nothing ($N alerts delivered)"
