#!/usr/bin/env bash
# `decoysvc check` and `decoysvc run` validate a configuration with the same code: two sinks with the
# same name are refused by both, with the same message, and run says what failed (no garbage).
set -euo pipefail
. "$ADDECOY_SRC/tests/lib/daemon_harness.sh"
harness_init
HEC_PORT=9 HEC_TOKEN_FILE=$T/token
echo "0123456789abcdef" >"$HEC_TOKEN_FILE"
: >"$T/events.xml"
write_config "$T/cfg.json" "$T/events.xml" ", {\"type\": \"file\", \"name\": \"hec\", \"path\": \"$T/out.jsonl\"}"
want='sinks[1]: name: "hec" is also the name of sinks[0]: give each sink a unique "name"'
set +e
"$DECOYSVC" check --config "$T/cfg.json" --no-send >"$T/check.out" 2>&1; check_rc=$?
timeout 30 "$DECOYSVC" run --config "$T/cfg.json" --once >"$T/run.out" 2>&1; run_rc=$?
set -e
cat "$T/check.out" "$T/run.out"
[ $check_rc -eq 2 ] || fail "check exited with $check_rc, not 2"
[ $run_rc -eq 2 ] || fail "run exited with $run_rc, not 2"
grep -qF "$T/cfg.json: $want" "$T/check.out" || fail "check did not give the expected message"
grep -qF "$T/cfg.json: $want" "$T/run.out" || fail "run did not give the same message"
[ ! -e "$T/state/spool" ] || fail "run touched the spool with an invalid config"
echo "PASS: check and run refuse two sinks with the same name with one message"
