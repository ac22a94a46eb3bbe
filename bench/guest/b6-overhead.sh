# Section 6: a CPU-bound benchmark (bench-helper burn: a fixed xorshift
# loop, one copy pinned to each CPU; its runtime is the time until both
# copies are done) with tmon not loaded, loaded at 1 ms and 100 us with
# 10 watched processes (at 100 us also sampled every 10th and every
# 100th period: sample_every=10 and 100), at both with none, and, for reference, with
# cyclictest's threads waking at the same periods. The configurations
# alternate within each repetition so drift hits them alike.
. /tests/lib.sh
. /tests/blib.sh
M=$(bparam burn 20)
REPS=$(bparam reps 3)
cpus=$(online_cpus | tr '\n' ',' | sed 's/,$//')
ncpu=$(nr_online)
r OVHCFG millions $M reps "$REPS" cpus "$ncpu"
start_sleepers 10 /tmp/pids
burn() {	# burn CONFIG REP
	local c bg=
	for c in $(online_cpus); do
		bench-helper burn "$M" "$c" >/tmp/burn.$c &
		bg="$bg $!"
	done
	# shellcheck disable=SC2086
	wait $bg
	for c in $(online_cpus); do
		r BURN "$1" "$2" "$(cat /tmp/burn.$c)"
	done
}
# tmon_burn CONFIG REP: burn, and the samples tmon's late samplers passed
# over meanwhile (the work asked of it that it did not do).
tmon_burn() {
	local k0
	k0=$(sysv samples_skipped)
	burn "$1" "$2"
	r SKIPPED "$1" "$2" $(($(sysv samples_skipped) - k0))
}
with_cyclictest() {	# with_cyclictest CONFIG REP INTERVAL_US
	cyclictest -q -m -a "$cpus" -t "$ncpu" -d 0 -i "$3" -p 95 -D 600 >/dev/null 2>&1 &
	ct=$!
	sleep 0.5
	burn "$1" "$2"
	kill -INT $ct
	wait $ct 2>/dev/null || true
}
rep=1
while [ $rep -le "$REPS" ]; do
	burn off $rep
	load log_sec=0 log_nsec=1000000
	bench-helper watch /tmp/pids >/dev/null || fail "watch"
	tmon_burn tmon-1ms $rep
	bench-helper watch /tmp/pids un >/dev/null || fail "unwatch"
	tmon_burn tmon-1ms-notasks $rep
	bench-helper watch /tmp/pids >/dev/null || fail "watch"
	write_param log_nsec 100000 || fail "100 us refused"
	sleep 0.1
	tmon_burn tmon-100us $rep
	for m in 10 100; do
		write_param sample_every $m || fail "sample_every=$m refused"
		tmon_burn tmon-100us-every$m $rep
	done
	write_param sample_every 1 || fail "sample_every=1 refused"
	bench-helper watch /tmp/pids un >/dev/null || fail "unwatch"
	tmon_burn tmon-100us-notasks $rep
	unload
	with_cyclictest cyclictest-1ms $rep 1000
	with_cyclictest cyclictest-100us $rep 100
	rep=$((rep + 1))
done
stop_sleepers
exit 0
