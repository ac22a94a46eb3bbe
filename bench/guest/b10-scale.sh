# Section 10: scale. For N = 100, 1000 and 10000 watched processes
# (paused CLONE_VM children of bench-helper), each N in a load of its own:
# the sample cache's memory from /proc/slabinfo (the tmon_sample_chunk
# line: num_slabs x pagesperslab x page size), with no task watched and
# once every history is full and has turned over (each watch has taken
# twice its history), against the records stored; and the samplers' CPU
# time per process and round, as section 2 measures it (schedstat of
# tmon's threads over a window, rounds = wakeups / CPUs), at 10 Hz and
# while the histories turn over. First, whether this machine runs two
# things at once at all: 1, 2, 4, 8 copies of a CPU-bound loop (section
# 5's netlink clients are read against it).
#
#   SCALEPAR COPIES MAKESPAN_NS
#   SCALEN N history H period_ms P memavail_kb KB chunk_records R
#   SCALESLAB N PHASE NR_SAMPLES active_objs num_objs objsize objperslab
#       pagesperslab active_slabs num_slabs
#   SCALEWIN N KIND PERIOD_MS CPU_NS WAKEUPS SAMPLES SECONDS SKIPPED
#   SCALEWATCH N ok K failed F seconds S   (bench-helper watch)
#   SCALELIST N PHASE watches ... seq_sum S (bench-helper watches)
#   SCALETIME N PHASE SECONDS              (guest time of each phase;
#                                           N=0: before the first N, all)
#   SCALEEND N dropped D skipped K reclaimed R
#   SCALERING possible P ring_kb K closed_pages C open_pages O after_pages A
#   SCALECMD N COMMAND MS STATUS           (tmonctl COMMAND, guest time)
#   SCALESTATUS N TEXT                     (status said: degraded, and why)
. /tests/lib.sh
. /tests/blib.sh
D=$(bparam scale_cost 3)
M=$(bparam scale_burn 10)
# The samples a second asked of the guest at most: a process is sampled
# at 100 Hz (10 ms), or at 10 Hz (100 ms) where 100 Hz would ask more.
RATE=$(bparam scale_rate 100000)
PAGE=4096	# (x86-64)
tall=$(now_ms)
echo 40000 >/proc/sys/kernel/threads-max
echo 65536 >/proc/sys/kernel/pid_max
ncpu=$(nr_online)
sizes=$(bench-helper sizes)
REC=$(echo "$sizes" | awk '{ print $2 }')
r SCALECFG cost_seconds "$D" cpus "$ncpu" page $PAGE max_rate "$RATE" burn_millions "$M" "$sizes"
bad=

# par COPIES: COPIES burn loops at once, copy i pinned to CPU i mod
# CPUs; the time until the last is done.
par() {
	local i=0 bg=
	while [ $i -lt "$1" ]; do
		bench-helper burn "$M" $((i % ncpu)) >/tmp/par.$i &
		bg="$bg $!"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	wait $bg
	r SCALEPAR "$1" "$(cat /tmp/par.* | awk '$2 > m { m = $2 } END { printf "%.0f\n", m }')"
	rm -f /tmp/par.*
}
for c in 1 2 4 8; do
	par $c
done

secs() { awk -v a="$1" -v b="$2" 'BEGIN { print (b - a) / 1000 }'; }
period_ms() { awk '{ print $1 / 1e6 }' $SYS/period_ns; }
seq_min() {
	bench-helper watches | awk '{ for (i = 1; i < NF; i += 2) if ($i == "seq_min") v = $(i + 1) }
		END { print v == "" ? -1 : v }'
}
# slab N PHASE: the sample cache's line of /proc/slabinfo, and the
# records stored then.
slab() {
	r SCALESLAB "$1" "$2" "$(sysv nr_samples)" \
		"$(awk '$1 == "tmon_sample_chunk" { print $2, $3, $4, $5, $6, $14, $15 }' /proc/slabinfo)"
}
shrink() { echo 1 >/sys/kernel/slab/tmon_sample_chunk/shrink 2>/dev/null || true; }
# mark: tmon's CPU time, its wakeups (all CPUs), the samples stored so far
# (the sum of the watches' newest seqs), samples skipped, the time.
mark() {
	local s
	s=$(seq_sum)
	echo "$(tmon_cpu_ns) $(tmon_wakeups) ${s:-0} $(sysv samples_skipped) $(now_ms)"
}
# win N KIND MARK0 MARK1: the window between two marks.
win() {
	local n=$1 kind=$2
	# shellcheck disable=SC2086
	set -- $3 $4
	r SCALEWIN "$n" "$kind" "$(period_ms)" $(($6 - $1)) $(($7 - $2)) $(($8 - $3)) \
		"$(secs "$5" "${10}")" $(($9 - $4)) cpus "$(nr_online)"
}

# The cost of the wakeups alone, at both periods: no task watched.
load log_sec=0 log_nsec=10000000 max_tasks=16384
# shellcheck disable=SC2034 # read by tmon_cpu_ns
TMON_PIDS=$(tmon_all_threads)
for p in 10 100; do
	write_param log_nsec $((p * 1000000)) || fail "period $p ms refused"
	sleep 0.5
	m0=$(mark)
	sleep "$D"
	win 0 idle "$m0" "$(mark)"
done
# The stream rings with no task watched: tmon's vmalloc areas mapped to
# user space, by the kernel's /proc/vmallocinfo, with /dev/tmon closed
# and while a reader has it open (ring_pages, tests/guest/lib.sh).
closed=$(ring_pages)
exec 6</dev/tmon
opened=$(ring_pages)
exec 6<&-
r SCALERING possible "$(nr_possible)" ring_kb "$(cat $PAR/ring_kb)" closed_pages "$closed" open_pages "$opened" after_pages "$(ring_pages)"
unload
r SCALETIME 0 setup "$(secs "$tall" "$(now_ms)")"

for n in $(bparam scale_ns "100,1000,10000" | tr , ' '); do
	tn=$(now_ms)
	if [ $((n * 100)) -le "$RATE" ]; then p=10; else p=100; fi
	load log_sec=0 log_nsec=$((p * 1000000)) max_tasks=16384
	TMON_PIDS=$(tmon_all_threads)
	# (records a chunk holds: its object size over the record's)
	cr=$(awk -v rec="$REC" '$1 == "tmon_sample_chunk" { print int($4 / rec) }' /proc/slabinfo)
	[ -n "$cr" ] || fail "no tmon_sample_chunk line in /proc/slabinfo"
	t0=$(now_ms)
	start_sleepers "$n" /tmp/pids
	[ "$(wc -l </tmp/pids)" -eq "$n" ] || fail "only $(wc -l </tmp/pids) of $n sleepers started"
	r SCALETIME "$n" sleepers "$(secs "$t0" "$(now_ms)")"
	# The history: the default (1024), halved while the full histories
	# would take more than half of MemAvailable in whole chunk pages.
	avail=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
	h=1024
	while [ $h -gt 64 ] && awk -v n="$n" -v h=$h -v a="$avail" -v r="$cr" -v pg=$PAGE \
		'BEGIN { exit !(n * h * pg / r > a * 1024 / 2) }'; do
		h=$((h / 2))
	done
	write_param history $h || fail "history=$h refused"
	r SCALEN "$n" history $h period_ms $p memavail_kb "$avail" chunk_records "$cr"
	shrink
	slab "$n" idle

	t0=$(now_ms)
	r SCALEWATCH "$n" "$(bench-helper watch /tmp/pids)"
	tw=$(now_ms)
	r SCALETIME "$n" watch "$(secs "$t0" "$tw")"
	# Full: every history holds h records. Turned over: every watch has
	# taken 2h samples, so none of the records it started with is left.
	limit=$((tw + (2 * h * p * 4 + 60000) * SLOW))
	while [ "$(sysv nr_samples)" -lt $((n * h)) ] && [ "$(now_ms)" -lt $limit ]; do
		sleep 0.5
	done
	m0=$(mark)
	r SCALETIME "$n" fill "$(secs "$tw" "$(now_ms)")"
	[ "$(sysv nr_samples)" -ge $((n * h)) ] || { bad="$bad $n:not-full"; r SCALENOTE "$n" not_full "$(sysv nr_samples)"; }
	t0=$(now_ms)
	while [ "$(seq_min)" -lt $((2 * h - 1)) ] && [ "$(now_ms)" -lt $limit ]; do
		sleep 1
	done
	m1=$(mark)
	r SCALETIME "$n" turnover "$(secs "$t0" "$(now_ms)")"
	[ "$(seq_min)" -ge $((2 * h - 1)) ] || { bad="$bad $n:not-turned-over"; r SCALENOTE "$n" not_turned_over "$(seq_min)"; }
	win "$n" turnover "$m0" "$m1"
	r SCALELIST "$n" full "$(bench-helper watches)"
	slab "$n" full
	# What an administrator types, with N watched and sampled: the
	# guest's time from start to exit, and the exit status (status exits
	# 4 for a degraded module, saying why on its first two lines).
	for c in status list "show $(head -n 1 /tmp/pids)" "top -n 1 -d 0.1"; do
		t0=$(now_ms)
		# shellcheck disable=SC2086
		tmonctl $c >/tmp/cmd.out 2>/tmp/cmd.err
		rc=$?
		r SCALECMD "$n" "${c%% *}" $(($(now_ms) - t0)) $rc
		case "${c%% *}:$rc" in
		*:0) ;;
		status:4) r SCALESTATUS "$n" "$(head -n 2 /tmp/cmd.out | tr '\n' ' ')" ;;
		*)
			bad="$bad $n:tmonctl-${c%% *}"
			r SCALENOTE "$n" "tmonctl_${c%% *}_exit_$rc" "$(head -c 200 /tmp/cmd.err | tr ' \n' '_ ')"
			;;
		esac
	done
	shrink
	slab "$n" full-shrunk

	# The cost at 10 Hz, as section 2's.
	t0=$(now_ms)
	if [ $p -ne 100 ]; then
		write_param log_nsec 100000000 || fail "period 100 ms refused"
		sleep 0.5
	fi
	# (on CPU 0 alone, as section 2's: cpu0_alone, blib.sh)
	cpu0_alone
	sleep 0.5
	m0=$(mark)
	sleep "$D"
	win "$n" 10hz "$m0" "$(mark)"
	cpus_back
	r SCALETIME "$n" cost "$(secs "$t0" "$(now_ms)")"
	slab "$n" full-10hz

	t0=$(now_ms)
	bench-helper watch /tmp/pids un >/dev/null || fail "unwatch $n"
	r SCALETIME "$n" unwatch "$(secs "$t0" "$(now_ms)")"
	shrink
	slab "$n" unwatched
	r SCALEEND "$n" dropped "$(sysv samples_dropped)" skipped "$(sysv samples_skipped)" \
		reclaimed "$(sysv samples_reclaimed)"
	stop_sleepers
	unload
	r SCALETIME "$n" total "$(secs "$tn" "$(now_ms)")"
done
r SCALETIME 0 section "$(secs "$tall" "$(now_ms)")"
[ -z "$bad" ] || fail "histories not full or not turned over in time:$bad"
exit 0
