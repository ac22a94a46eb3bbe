# The thread latency histogram since load, as GET_STATUS gives it and the
# Prometheus export shows it: checked on every CPU against the stored
# records, with a history that holds every record since load. Its buckets
# count every wakeup, its _sum and the run time are the records' own, and
# the records' nearest-rank p99 (tmonctl latency) lies in the bucket the
# histogram puts the 99th percentile in.
. /tests/lib.sh

load log_sec=0 log_nsec=1000000 history=65536
wait_for 30 all_cpus_have 1000 || fail "no 1000 wakeups on every CPU"
freeze
tmonctl export --prometheus >/tmp/e.prom || fail "export: exit $?"
tmonctl latency --json >/tmp/lat.json || fail "latency --json: exit $?"
cat $DBG/cpus >/tmp/cpus

H=tmon_cpu_wakeup_latency_seconds
grep -q "^# TYPE $H histogram\$" /tmp/e.prom || fail "no histogram family $H"
grep -q '^# TYPE tmon_cpu_run_seconds_total counter$' /tmp/e.prom || fail "no tmon_cpu_run_seconds_total"

for c in $(online_cpus); do
	# The records since load: all of them are stored (seq from 0).
	awk -v c=$c '$1 == "cpu" && $2 == c { n++; if ($4 != n - 1) gap = 1; lat += $8; run += $10 }
		END { if (gap) print "gap"; printf "%d %d.%09d %d.%09d\n", n, lat / 1e9, lat % 1e9, run / 1e9, run % 1e9 }' \
		/tmp/cpus >/tmp/rec
	read n lat run </tmp/rec
	[ "$n" != gap ] || fail "cpu $c: the history does not hold every record since load"
	w=$(awk -v k="tmon_cpu_wakeups_total{cpu=\"$c\"}" '$1 == k { print $2 }' /tmp/e.prom)
	[ "$w" = "$n" ] || fail "cpu $c: $w wakeups exported, $n records stored"

	# Buckets: 20 of them, le ascending to +Inf, counts cumulative.
	grep "^${H}_bucket{cpu=\"$c\"," /tmp/e.prom | sed 's/.*le="\([^"]*\)"} / \1 /' >/tmp/b
	awk -v n=$n 'NR > 1 && ($1 != "+Inf" && $1 + 0 <= le || $2 < prev) { print "not ascending at line " NR; bad = 1 }
		{ le = $1 + 0; prev = $2 }
		END { if (NR != 20) { print NR " buckets"; bad = 1 }
		      if ($1 != "+Inf" || $2 != n) { print "last bucket " $1 " " $2 ", not +Inf " n; bad = 1 }
		      exit bad }' /tmp/b || fail "cpu $c: buckets: $(cat /tmp/b | tr '\n' ' ')"
	cnt=$(awk -v k="${H}_count{cpu=\"$c\"}" '$1 == k { print $2 }' /tmp/e.prom)
	[ "$cnt" = "$n" ] || fail "cpu $c: _count $cnt, $n records"
	sum=$(awk -v k="${H}_sum{cpu=\"$c\"}" '$1 == k { print $2 }' /tmp/e.prom)
	[ "$sum" = "$lat" ] || fail "cpu $c: _sum $sum s, the records' latencies add up to $lat s"
	r=$(awk -v k="tmon_cpu_run_seconds_total{cpu=\"$c\"}" '$1 == k { print $2 }' /tmp/e.prom)
	[ "$r" = "$run" ] || fail "cpu $c: run $r s, the records' run times add up to $run s"

	# The 99th percentile: the bucket of the nearest rank, ceil(0.99 n).
	p99=$(jq -r ".cpus[] | select(.cpu == $c) | .latency_ns.p99" /tmp/lat.json)
	awk -v n=$n -v p=$p99 'BEGIN { r = int((n * 99 + 99) / 100) }
		$2 >= r { ok = ($1 == "+Inf" || p <= $1 * 1e9 + 0.5) && p > lo * 1e9 + 0.5
			  printf "p99 %d ns, bucket (%s, %s] s\n", p, lo, $1; exit !ok }
		{ lo = $1 }' /tmp/b >/tmp/q || fail "cpu $c: records' $(cat /tmp/q)"
	note "cpu $c: $n wakeups, $(cat /tmp/q), sum $sum s, run $r s"
done
unload
note "ok"
