# Memory pressure: a balloon takes free memory down to the zones' low
# watermarks, where kswapd reclaims (no swap), first alone, then with
# drop_caches in a loop, while 100 processes are sampled every 5 ms with
# long histories. The shrinker gives records back (samples_reclaimed
# grows, held records shrink), every sample owed is in the rings or
# counted in samples_dropped, sampling goes on, nothing crashes.
. /tests/lib.sh

N=100 H=400
load log_sec=0 log_nsec=5000000 history=$H ring_kb=4096
tmon-helper stress sleepers $N watch >/tmp/sl & sl=$!
wait_for 60 grep -q '^ready' /tmp/sl || fail "sleepers not ready"
full() { [ "$(sysv nr_samples)" -ge $((N * H / 2)) ]; }
wait_for 120 full || fail "histories did not fill: $(sysv nr_samples)"
s0=$(sysv nr_samples) r0=$(sysv samples_reclaimed) m0=$(sysv mem_bytes)
note "before: $s0 records, $m0 bytes, MemAvailable $(awk '/MemAvailable/ { print $2 }' /proc/meminfo) kB"

pressure() {	# pressure SECONDS: balloon (first to go if OOM) + accounting
	(echo 1000 >/proc/self/oom_score_adj && exec tmon-helper stress balloon 0 "$1") >/tmp/balloon 2>&1 &
	b=$!
	wait_for 120 grep -q reached /tmp/balloon || fail "balloon: $(cat /tmp/balloon)"
	out=$(tmon-helper stress account "$(($1 - 1))") || fail "accounting under pressure: $out"
	wait $b
	note "$(tr '\n' ' ' </tmp/balloon); $out"
}

pressure 8
s1=$(sysv nr_samples) r1=$(sysv samples_reclaimed)
note "balloon alone: records $s0 -> $s1, reclaimed +$((r1 - r0)), dropped $(sysv samples_dropped)"
[ "$r1" -gt "$r0" ] || fail "the shrinker gave nothing back under memory pressure"

rm -f /tmp/stop
(n=0; while [ ! -e /tmp/stop ]; do echo 2 >/proc/sys/vm/drop_caches; n=$((n + 1)); done; echo $n >/tmp/drops) &
dc=$!
pressure 8
touch /tmp/stop
wait $dc
r2=$(sysv samples_reclaimed)
note "balloon + $(cat /tmp/drops) drop_caches: reclaimed +$((r2 - r1)), records $(sysv nr_samples), dropped $(sysv samples_dropped)"
[ "$r2" -gt "$r1" ] || fail "drop_caches reclaimed nothing"
# Sampling goes on and the bound holds.
wait_wakeups 3
[ "$(sysv nr_tasks)" -eq $N ] || fail "nr_tasks $(sysv nr_tasks)"
[ "$(sysv nr_samples)" -le $((N * H)) ] || fail "nr_samples $(sysv nr_samples) above the bound"
kill $sl
unload
note "ok"
