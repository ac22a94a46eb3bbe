# Section 5: netlink watch/unwatch/list operations per second with 1 to
# 10 client processes at once (tmon-helper nl stress: each client picks
# an operation and one of 20 processes at random, one request at a time).
. /tests/lib.sh
. /tests/blib.sh
D=$(bparam conc 4)
load
start_sleepers 20 /tmp/pids
pids=$(tr '\n' ' ' </tmp/pids)
r CONCCFG seconds $D processes 20
for c in 1 2 4 8 10; do
	i=0 bg=
	while [ $i -lt $c ]; do
		# shellcheck disable=SC2086
		tmon-helper nl stress "$D" $pids >/tmp/conc.$i &
		bg="$bg $!"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	wait $bg
	r CONC $c "$(cat /tmp/conc.* | awk '$1 == "ops" { s += $2; n++ } END { print s + 0, n + 0 }')"
	rm -f /tmp/conc.*
done
bench-helper watch /tmp/pids un >/dev/null 2>&1 || true
stop_sleepers
unload
exit 0
