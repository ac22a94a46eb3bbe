# One tmon/N per online CPU, each bound to and running on CPU N; the
# read-outs exist while loaded; unload removes threads and files.
. /tests/lib.sh

load log_sec=0 log_nsec=50000000
n=$(nr_online)
wait_for 10 all_cpus_have 2 || fail "not every CPU recorded a wakeup"

[ "$(nr_threads)" -eq "$n" ] || fail "$(nr_threads) tmon threads for $n online CPUs"
[ "$(cat $SYS/nr_cpus)" -eq "$n" ] || fail "nr_cpus $(cat $SYS/nr_cpus), expected $n"
[ "$(cat $SYS/period_ns)" -eq 50000000 ] || fail "period_ns $(cat $SYS/period_ns)"
for c in $(online_cpus); do
	[ "$(tmon_threads | awk -v c="$c" '$2 == c' | wc -l)" -eq 1 ] || fail "not exactly one tmon/$c"
done
tmon_threads | while read -r pid cpu; do
	allowed=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/$pid/status)
	ran_on=$(awk '{ print $39 }' /proc/$pid/stat)
	state=$(awk '{ print $3 }' /proc/$pid/stat)
	note "tmon/$cpu pid $pid allowed $allowed processor $ran_on state $state"
	[ "$allowed" = "$cpu" ] || fail "tmon/$cpu may run on CPUs $allowed"
	[ "$ran_on" = "$cpu" ] || fail "tmon/$cpu last ran on CPU $ran_on"
	# Between wakeups the thread sleeps interruptibly (state S).
done || exit 1
[ -r $DBG/cpus ] || fail "no $DBG/cpus"

unload
[ "$(nr_threads)" -eq 0 ] || fail "$(nr_threads) tmon threads left after unload"
[ ! -e $SYS ] || fail "$SYS left after unload"
[ ! -e $DBG ] || fail "$DBG left after unload"
note "ok: $n threads, pinned, removed on unload"
