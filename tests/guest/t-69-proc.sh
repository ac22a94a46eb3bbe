# Every field of a task record against what /proc says of the same
# process, single- and multi-threaded: the process is stopped (SIGSTOP)
# and sampled twice more, so both read the same state. Exact for memory,
# faults, context switches and CPU; CPU time as /proc/PID/stat counts it
# (within its 10 ms ticks) and as the threads' exact run time in
# /proc/PID/task/*/schedstat (within 1 ms).
. /tests/lib.sh

TICK_NS=10000000	# USER_HZ is 100 on x86: /proc's clock ticks
load log_sec=0 log_nsec=20000000

# kb FIELD PID: a "Field: N kB" line of /proc/PID/status, in bytes.
kb() { awk -v f="$1:" '$1 == f { print $2 * 1024 }' /proc/$2/status; }
stopped() {	# every thread of $1 stopped
	for s in /proc/$1/task/*/stat; do
		[ "$(sed 's/.*) //' "$s" | cut -d' ' -f1)" = T ] || return 1
	done
}
check() {	# check NAME GOT WANT
	[ "$2" = "$3" ] || fail "$label: $1 is $2 in tmon, $3 in /proc"
}
near() {	# near NAME GOT WANT SLACK
	d=$(($2 - $3))
	[ ${d#-} -le "$4" ] || fail "$label: $1 is $2 in tmon, $3 from /proc (off by more than $4)"
}

for n in 1 3; do
	label="$n thread(s)"
	tmon-helper spin $n & p=$!
	watch $p
	wait_for 10 sh -c "[ \$(ls /proc/$p/task | wc -l) -eq $n ]" || fail "$label: threads did not start"
	# a second of CPU time on every thread (clock ticks, field 14 on)
	wait_for 30 sh -c "[ \$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f12) -ge $((100 * n)) ]" ||
		fail "$label: no CPU time"
	kill -STOP $p
	wait_for 10 stopped $p || fail "$label: not stopped"
	k=$(nsamples_of $p)
	wait_for 10 has_samples $p $((k + 2)) || fail "$label: no samples after the stop"

	set -- $(sed 's/.*) //' /proc/$p/stat)
	minflt=$8 majflt=${10} utime=${12} stime=${13} cpu=${37}
	nv=0 niv=0 run=0
	for t in /proc/$p/task/*; do
		nv=$((nv + $(awk '$1 == "voluntary_ctxt_switches:" { print $2 }' $t/status)))
		niv=$((niv + $(awk '$1 == "nonvoluntary_ctxt_switches:" { print $2 }' $t/status)))
		run=$((run + $(cut -d' ' -f1 $t/schedstat)))
	done
	check vm "$(newest $p vm)" "$(kb VmSize $p)"
	check stack "$(newest $p stack)" "$(kb VmStk $p)"
	check data "$(newest $p data)" "$(kb VmData $p)"
	check rss "$(newest $p rss)" "$(kb VmRSS $p)"
	check minflt "$(newest $p minflt)" "$minflt"
	check majflt "$(newest $p majflt)" "$majflt"
	check nvcsw "$(newest $p nvcsw)" "$nv"
	check nivcsw "$(newest $p nivcsw)" "$niv"
	check cpu "$(newest $p cpu)" "$cpu"
	u=$(newest $p usr) s=$(newest $p sys)
	near "utime+stime" $((u + s)) "$run" 1000000
	near "utime+stime" $((u + s)) $(((utime + stime) * TICK_NS)) $((2 * TICK_NS))
	near utime "$u" $((utime * TICK_NS)) $((run / 20 + 2 * TICK_NS))
	near stime "$s" $((stime * TICK_NS)) $((run / 20 + 2 * TICK_NS))
	note "$label: tmon usr $u sys $s, /proc $((utime * TICK_NS)) $((stime * TICK_NS)), run $run; rss $(newest $p rss) minflt $minflt nvcsw $nv nivcsw $niv cpu $cpu: equal"
	kill -CONT $p
	kill $p
done
unload
note "ok"
