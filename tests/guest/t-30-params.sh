# Invalid parameters are refused at load (EINVAL, a log line naming the
# parameter) and at run time (write fails, old value kept).
. /tests/lib.sh

refuse_load() {
	local pat=$1
	shift
	dmesg -c >/dev/null
	if insmod $KO "$@" 2>/tmp/err; then
		rmmod tmon
		fail "insmod $* was accepted"
	fi
	grep -qi 'invalid' /tmp/err || fail "insmod $*: not EINVAL: $(cat /tmp/err)"
	! loaded || fail "tmon loaded after refused insmod $*"
	expect_dmesg "tmon: $pat"
	note "refused at load: $* ($(dmesg | grep 'tmon:' | tail -n 1))"
}

refuse_load 'log_sec=0 log_nsec=0 rejected' log_sec=0
refuse_load 'log_sec=0 log_nsec=0 rejected' log_sec=0 log_nsec=0
refuse_load 'log_nsec=1000000000 rejected' log_nsec=1000000000
refuse_load 'log_nsec=4000000000 rejected' log_nsec=4000000000
refuse_load 'log_sec=0 log_nsec=99999 rejected' log_sec=0 log_nsec=99999
refuse_load 'log_sec=3600 log_nsec=1 rejected' log_sec=3600 log_nsec=1
refuse_load 'log_sec=3601 rejected' log_sec=3601
refuse_load 'log_sec=-1 rejected' log_sec=-1
refuse_load 'log_sec=1s rejected' log_sec=1s
refuse_load 'history=0 rejected' history=0
refuse_load 'history=65537 rejected' history=65537
refuse_load 'policy=rr rejected' policy=rr
refuse_load 'prio=0 rejected' prio=0
refuse_load 'prio=100 rejected' prio=100
refuse_load 'sample_every=0 rejected' sample_every=0
refuse_load 'sample_every=1001 rejected' sample_every=1001

# The bounds themselves are valid.
load log_sec=0 log_nsec=100000
[ "$(cat $SYS/period_ns)" -eq 100000 ] || fail "100 us period not applied"
unload
load log_sec=3600 history=65536
[ "$(cat $SYS/period_ns)" -eq 3600000000000 ] || fail "3600 s period not applied"
unload

# Run time: each bad write fails and changes nothing.
load log_sec=0 log_nsec=50000000 history=100
refuse_write() {
	local name=$1 val=$2 before period
	before=$(cat $PAR/$name)
	period=$(cat $SYS/period_ns)
	if write_param "$name" "$val"; then
		fail "$name=$val accepted at run time"
	fi
	[ "$(cat $PAR/$name)" = "$before" ] || fail "$name changed to $(cat $PAR/$name) by a refused write"
	[ "$(cat $SYS/period_ns)" = "$period" ] || fail "period changed by a refused $name=$val"
	note "refused at run time: $name=$val, kept $before"
}
refuse_write log_sec 0x
refuse_write log_sec 3601
refuse_write log_sec 3600
refuse_write log_nsec 1000000000
refuse_write log_nsec 99999999999
refuse_write log_nsec -5
refuse_write log_nsec ""
refuse_write history 0
refuse_write history 65537
refuse_write policy rr
refuse_write policy ""
refuse_write policy fifoo
refuse_write prio 0
refuse_write prio 100
refuse_write prio x
refuse_write sample_every 0
refuse_write sample_every 1001
refuse_write history abc
write_param log_sec 0 || fail "log_sec=0 refused with log_nsec set"
refuse_write log_nsec 0
refuse_write log_nsec 99999
write_param log_nsec 100000 || fail "log_nsec=100000 (100 us) refused"
[ "$(cat $SYS/period_ns)" -eq 100000 ] || fail "100 us not applied"
write_param log_nsec 999999999 || fail "log_nsec=999999999 refused"
write_param log_sec 3599 || fail "log_sec=3599 refused"
[ "$(cat $SYS/period_ns)" -eq 3599999999999 ] || fail "3599.999999999 s not applied"
write_param history 65536 || fail "history=65536 refused"
write_param history 1 || fail "history=1 refused"
unload
note "ok"
