# tmonctl top on a real terminal: tmux runs it in an 80x24 pane and the
# test reads the screen back. It must draw one screen and redraw it in
# place (never scroll), fit the pane, show every online CPU and the
# watched process, and on q exit 0 leaving the cursor visible.
. /tests/lib.sh

export TERM=tmux-256color TMUX_TMPDIR=/tmp LC_ALL=C.UTF-8
screen() { tmux capture-pane -p -t top; }
# one_screen: the pane holds exactly one complete screen with rates.
one_screen() {
	local s
	s=$(screen)
	[ "$(echo "$s" | grep -c '^tmon ')" = 1 ] &&
		[ "$(echo "$s" | grep -cE '^[0-9]+ +running +[0-9]+\.[0-9] ')" = "$(nr_online)" ]
}

load log_sec=0 log_nsec=200000000
sleep 100000 & a=$!
tmonctl watch $a || fail "watch"
# The shell stays after top, to show its exit status and the terminal
# state top left behind.
tmux -f /dev/null new-session -d -s top -x 80 -y 24 \
	"tmonctl top -d 0.5; echo top-exit=\$?; exec sleep 1000" || fail "tmux new-session failed"
wait_for 20 one_screen || fail "no complete screen: $(screen)"
s1=$(screen)
echo "$s1"
echo "$s1" | grep -q "^ *$a sleep *running " || fail "watched process not on the screen"
[ "$(echo "$s1" | awk 'length($0) > 80' | wc -l)" = 0 ] || fail "lines wider than the pane"
t1=$(echo "$s1" | awk '/^tmon / { print $3 }')
# A later screen: the clock moved, still one screen, drawn in place.
wait_for 10 sh -c "tmux capture-pane -p -t top | grep '^tmon ' | grep -vq ' $t1 '" ||
	fail "the screen was not redrawn: $(screen)"
one_screen || fail "after a redraw: $(screen)"
[ "$(tmux capture-pane -p -S - -t top | grep -c '^tmon ')" = 1 ] || fail "screens scrolled into the history"
tmux send-keys -t top q
wait_for 10 sh -c "tmux capture-pane -p -t top | grep -q '^top-exit='" || fail "q did not quit top: $(screen)"
screen | grep -q '^top-exit=0$' || fail "top exit status: $(screen | grep top-exit)"
[ "$(tmux display -p -t top '#{cursor_flag}')" = 1 ] || fail "top left the cursor hidden"
tmux kill-server
kill $a
unload
