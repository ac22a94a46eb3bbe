# Every bad write to debugfs tasks returns its errno and leaves the watch
# list as it was.
. /tests/lib.sh

load log_sec=0 log_nsec=100000000 max_tasks=3
sleep 100000 & a=$!
sleep 100000 & b=$!
sleep 100000 & c=$!
sleep 100000 & d=$!
watch $a
watch $b
for bad in "" " " abc 12abc "1 2" "+$a" "--$a" "- $a" "-" "-x" 0 -0 -1x 0x10 \
	99999999999 4294967296 "$a.0" "$(printf '%050d' 1)"; do
	expect_twrite "$bad" EINVAL
done
expect_twrite 4194303 ESRCH
expect_twrite 999999 ESRCH
expect_twrite "$a" EEXIST
expect_twrite " $a
" EEXIST
expect_twrite "-$c" ENOENT
expect_twrite "-4194303" ENOENT
watch $c
expect_twrite "$d" ENOSPC
[ "$(sysv nr_tasks)" -eq 3 ] || fail "nr_tasks $(sysv nr_tasks)"
# Leading/trailing white space is accepted around a good command.
[ "$(twrite " -$c
")" = OK ] || fail "' -$c\\n' refused"
watch $d
expect_twrite 1 ENOSPC
[ "$(watched_pids)" = "$a $b $d " ] || fail "watch list $(watched_pids)"
# max_tasks runtime validation.
for bad in 0 65537 x; do
	write_param max_tasks $bad && fail "max_tasks=$bad accepted"
done
[ "$(cat $PAR/max_tasks)" -eq 3 ] || fail "max_tasks changed"
kill $a $b $c $d
unload
note "ok"
