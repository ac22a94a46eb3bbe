# Memory pressure: a balloon holds free memory at the zones' low
# watermarks, where kswapd reclaims (no swap), first alone, then with
# drop_caches in a loop, while 100 processes are sampled every 5 ms with
# long histories. Under both, every sample owed is a ring entry or
# counted in samples_dropped (allocation failures) and sampling goes on;
# with drop_caches the shrinker gives records back. (Whether kswapd alone
# calls the shrinker depends on the kernel: 6.12 does, 6.1 defers the
# small scans; the figures are reported, not asserted.)
. /tests/lib.sh

N=100 H=400
# Wide gaps between the zones' min, low and high watermarks (2 % of memory
# instead of 0.1 %): kernels without THP (the RT ones) otherwise have 1 MiB
# between where kswapd starts and the OOM killer, too little to aim at.
wsf=$(cat /proc/sys/vm/watermark_scale_factor)
trap 'echo $wsf >/proc/sys/vm/watermark_scale_factor' EXIT
echo 200 >/proc/sys/vm/watermark_scale_factor || fail "cannot set watermark_scale_factor"
load log_sec=0 log_nsec=5000000 history=$H ring_kb=4096
tmon-helper stress sleepers $N watch >/tmp/sl & sl=$!
wait_for 60 grep -q '^ready' /tmp/sl || fail "sleepers not ready"
# Full first: histories that still grow would eat into the balloon's margin.
full() { [ "$(sysv nr_samples)" -ge $((N * H)) ]; }
wait_for 120 full || fail "histories did not fill: $(sysv nr_samples)"
s0=$(sysv nr_samples) r0=$(sysv samples_reclaimed) m0=$(sysv mem_bytes)
note "before: $s0 records, $m0 bytes, MemAvailable $(awk '/MemAvailable/ { print $2 }' /proc/meminfo) kB"

pressure() {	# pressure SECONDS: balloon (first to go if OOM) + accounting
	(echo 1000 >/proc/self/oom_score_adj && exec tmon-helper stress balloon 0 "$1") >/tmp/balloon 2>&1 &
	b=$!
	# Filling under TCG is kswapd's pace: over 120 s on a loaded host.
	wait_for 300 grep -q reached /tmp/balloon || fail "balloon did not reach its target: $(cat /tmp/balloon)"
	out=$(tmon-helper stress account "$(($1 - 1))") || fail "accounting under pressure: $out"
	wait $b
	note "$(tr '\n' ' ' </tmp/balloon); $out"
}

pressure 8
s1=$(sysv nr_samples) r1=$(sysv samples_reclaimed)
note "balloon alone: records $s0 -> $s1, reclaimed +$((r1 - r0)), dropped $(sysv samples_dropped)"

rm -f /tmp/stop /tmp/drops
(n=0; while [ ! -e /tmp/stop ]; do echo 2 >/proc/sys/vm/drop_caches; n=$((n + 1)); done; echo $n >/tmp/drops) &
dc=$!
pressure 8
touch /tmp/stop
# One write may be in progress. drop_slab() repeats its pass over every
# shrinker until a pass frees little, allowing log2(freed) passes; when a
# pass takes longer than sampling needs to refill the histories (the
# debug kernel), each pass frees them all again and the write takes
# minutes (seen there: a write still running after 8 min, 800000
# records reclaimed).
# Sampling once a second lets it end; on a normal kernel it already has.
write_param log_sec 1 && write_param log_nsec 0 || fail "cannot slow sampling down"
t0=$(now_ms)
if ! wait_for 120 test -e /tmp/drops; then
	note "writer: state, utime, stime $(cut -d' ' -f3,14,15 /proc/$dc/stat); reclaimed $(sysv samples_reclaimed)"
	echo l >/proc/sysrq-trigger	# where every CPU is, in the log
	kill -9 $dc
	fail "a drop_caches write did not return in $((120 * SLOW)) s with sampling once a second"
fi
wait $dc
note "the last drop_caches write returned $(($(now_ms) - t0)) ms after sampling slowed down"
r2=$(sysv samples_reclaimed)
note "balloon + $(cat /tmp/drops) drop_caches: reclaimed +$((r2 - r1)), records $(sysv nr_samples), dropped $(sysv samples_dropped)"
[ "$r2" -gt "$r1" ] || fail "the shrinker gave nothing back under pressure and drop_caches"
[ "$(sysv nr_samples)" -lt "$s0" ] || fail "records held did not shrink: $s0 -> $(sysv nr_samples)"
# Sampling goes on and the bound holds.
wait_wakeups 3
[ "$(sysv nr_tasks)" -eq $N ] || fail "nr_tasks $(sysv nr_tasks)"
[ "$(sysv nr_samples)" -le $((N * H)) ] || fail "nr_samples $(sysv nr_samples) above the bound"
kill $sl
unload
note "ok"
