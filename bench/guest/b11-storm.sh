# Section 11: a storm of threshold crossings. tmon at 100 us on every
# CPU, 10 paused processes watched and sampled every period, a listener
# (tmonctl events -j) for D s: once with no threshold ("quiet"), once
# with the thread-latency threshold at 0, where every wakeup is over it
# ("storm": 10 000 crossings a second a CPU). Each source sends at most
# TMON_EVENTS_PER_SEC and counts the rest as suppressed.
#   "R STORMCFG processes N period_ns P": what it watched, and the period.
#   "R STORM CASE CPU WAKEUPS MISSED EVENTS SUPPRESSED SPAN"
# WAKEUPS and MISSED from GET_STATUS at the window's ends (every wakeup
# a crossing in the storm); EVENTS the CPU's thread-latency events the
# listener got; SUPPRESSED the sum of their held-back counts after the
# first; SPAN the records from the first event's to the last's (each
# either sent or held back: SPAN = EVENTS - 1 + SUPPRESSED).
#   "R STORMSEQ CASE EVENTS GAPS": the listener's events, and the gaps in
# their sequence numbers (events lost on the way to it).
#   "R STORMRUN CASE SECONDS SAMPLES SKIPPED DROPPED TMON_NS": the window
# on CLOCK_MONOTONIC, samples stored (the growth of the watches' newest
# seqs), samples skipped and dropped, CPU time of tmon's threads.
. /tests/lib.sh
. /tests/blib.sh
D=$(bparam storm 5) N=10 P=100000
# jv KEY: the number KEY has in a JSON line (tmonctl's, one object a line)
jv='function jv(k,   s) { if (!match($0, "\"" k "\":[0-9]+")) return -1; s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); return s + 0 }'

r STORMCFG processes $N period_ns $P
start_sleepers $N /tmp/pids
for c in quiet storm; do
	load log_sec=0 log_nsec=$P sample_every=1
	bench-helper watch /tmp/pids >/dev/null || fail "watch"
	TMON_PIDS=$(tmon_all_threads)
	sleep 1
	[ $c = quiet ] || echo 0 >$PAR/thread_threshold_ns || fail "threshold 0 refused"
	s0=$(seq_sum) k0=$(sysv samples_skipped) d0=$(sysv samples_dropped) n0=$(tmon_cpu_ns)
	bench-helper status >/tmp/st0 || fail "status"
	tmonctl events -j -d "$D" >/tmp/ev || fail "tmonctl events: exit $?"
	bench-helper status >/tmp/st1 || fail "status"
	s1=$(seq_sum) k1=$(sysv samples_skipped) d1=$(sysv samples_dropped) n1=$(tmon_cpu_ns)
	echo off >$PAR/thread_threshold_ns
	unload
	awk -v c=$c "$jv"'
		FILENAME != "/tmp/ev" && $1 == "cpu" { w[FILENAME, $2] = $4; m[FILENAME, $2] = $6; cpus[$2]; next }
		FILENAME == "/tmp/ev" && /"kind":"thread-latency"/ {
			k = jv("cpu"); r = jv("record_seq"); ev[k]++
			if (ev[k] == 1) first[k] = r; else sup[k] += jv("suppressed")
			last[k] = r; cpus[k] }
		END { for (k in cpus)
			print "R STORM", c, k, w["/tmp/st1", k] - w["/tmp/st0", k], m["/tmp/st1", k] - m["/tmp/st0", k],
				ev[k] + 0, sup[k] + 0, ev[k] ? last[k] - first[k] : 0 }' /tmp/st0 /tmp/st1 /tmp/ev
	awk -v c=$c "$jv"'{ s = jv("seq"); if (NR > 1 && s != p + 1) g++; p = s }
		END { print "R STORMSEQ", c, NR, g + 0 }' /tmp/ev
	awk -v c=$c -v s=$((s1 - s0)) -v k=$((k1 - k0)) -v d=$((d1 - d0)) -v n=$((n1 - n0)) '
		$1 == "mono_ns" { t[FILENAME] = $2 }
		END { printf "R STORMRUN %s %.3f %d %d %d %.0f\n", c, (t["/tmp/st1"] - t["/tmp/st0"]) / 1e9, s, k, d, n }' /tmp/st0 /tmp/st1
done
stop_sleepers
exit 0
