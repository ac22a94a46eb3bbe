#!/bin/bash
# The man pages point at what a Linux user compares tmon with and runs it
# through: each names these in SEE ALSO, sorted by section then name, as
# man-pages(7) asks. Prints PASS/FAIL lines.
set -u
want='prometheus-node-exporter 1|rtla-timerlat 1|trace-cmd 1|cyclictest 8|dkms 8|modprobe 8'
for page in "$@"; do
	name=unit/man-see-also/$(basename "$page")
	got=$(awk '/^\.Sh /{ on = ($2 " " $3 == "SEE ALSO") ; next } on && $1 == ".Xr" { print $2, $3 }' "$page" |
		tr -d ',')
	missing=$(echo "$want" | tr '|' '\n' | while read -r x; do grep -qx "$x" <<<"$got" || echo "$x"; done)
	if [ -n "$missing" ]; then
		echo "FAIL $name  (SEE ALSO lacks: $(echo $missing))"
	elif [ "$got" != "$(sort -k2,2n -k1,1 <<<"$got")" ]; then
		echo "FAIL $name  (SEE ALSO not sorted by section, then name: $(echo $got))"
	else
		echo "PASS $name  ($(echo "$got" | wc -l) pages)"
	fi
done
