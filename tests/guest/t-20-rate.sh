# Wakeup rate at 50 ms, then at 100 ms after a run-time change of
# log_nsec; expiries sit on the period's grid (absolute, no drift).
. /tests/lib.sh

PERIOD=50000000
TOL=10		# percent

# seqs: "CPU SEQ" of every CPU's last record, from one read of the file.
seqs() {
	awk '$1 == "cpu" { s[$2] = $4 } END { for (c in s) print c, s[c] }' $DBG/cpus
}

# measure SECONDS PERIOD_NS: wakeups per CPU over a measured interval.
# Each snapshot is bracketed by clock reads, so the interval a CPU's
# count covers lies between the inner and the outer pair of them, however
# slowly the guest reads the file.
measure() {
	local c t0 t1 t2 t3 a b lo hi got
	t0=$(now_ms); a=$(seqs); t1=$(now_ms)
	sleep "$1"
	t2=$(now_ms); b=$(seqs); t3=$(now_ms)
	for c in $(online_cpus); do
		got=$(($(echo "$b" | awk -v c=$c '$1 == c { print $2 }') -
		       $(echo "$a" | awk -v c=$c '$1 == c { print $2 }')))
		lo=$(((t2 - t1) * 1000000 / $2))
		hi=$(((t3 - t0) * 1000000 / $2))
		note "cpu $c: $got wakeups in $((t2 - t1))..$((t3 - t0)) ms at period $2 ns, expected $lo..$hi +-$TOL%"
		[ $((got * 100)) -ge $((lo * (100 - TOL))) ] || fail "cpu $c too few wakeups: $got < $lo"
		[ $((got * 100)) -le $((hi * (100 + TOL) + 100)) ] || fail "cpu $c too many wakeups: $got > $hi"
	done
}

# Every expiry of CPU records after seq $1 is on one $2 grid (the same
# offset from multiples of the period: t-61 checks which) and each step
# is a whole number of periods.
check_grid() {
	awk -v from="$1" -v p="$2" '$1 == "cpu" && $4 > from {
		c = $2; e = $6
		if (c in off && e % p != off[c]) { print "off-grid expiry " e " on cpu " c; bad = 1 }
		off[c] = e % p
		if (c in last && ((e - last[c]) % p || e <= last[c])) {
			print "step " e - last[c] " ns on cpu " c; bad = 1
		}
		last[c] = e; n++
	} END { print n " expiries checked"; exit bad }' $DBG/cpus
}

load log_sec=0 log_nsec=$PERIOD
wait_for 10 all_cpus_have 3 || fail "no wakeups"
measure 3 $PERIOD
check_grid 0 $PERIOD || fail "expiries not on the 50 ms grid"

write_param log_nsec 100000000 || fail "log_nsec=100000000 refused"
[ "$(cat $SYS/period_ns)" -eq 100000000 ] || fail "period_ns not updated"
# The new period applies at once: two wakeups of it, then measure.
wait_wakeups 2
measure 3 100000000
unload
note "ok"
