# Shared helpers for the host side of the test harness. Sourced, not run.
# Everything downloaded or built for tests lives under $TMON_CACHE, never
# in the repository.

TMON_CACHE=${TMON_CACHE:-/var/cache/tmon-test}
TMON_TOP=${TMON_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Debian archive this machine already uses: the first non-security
# URI of its apt configuration (deb822 .sources or one-line .list).
debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "${uri%/}"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { if ($i !~ /security/) { print $i; exit } } }' "$f")
		[ -n "$uri" ] && { echo "${uri%/}"; return; }
	done
	die "no Debian archive found in the apt configuration"
}

# Install host packages that are missing (apt-get update only when needed).
need_pkgs() {
	local missing=() p apt_lock
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	# Parts of make check that run at once install one after the other.
	mkdir -p "$TMON_CACHE"
	exec {apt_lock}>"$TMON_CACHE/.apt.lock"
	flock "$apt_lock"
	if [ ! -f "$TMON_CACHE/.apt-updated" ] || [ -n "$(find "$TMON_CACHE/.apt-updated" -mmin +720)" ]; then
		apt-get update -qq >&2 || die "apt-get update failed"
		mkdir -p "$TMON_CACHE" && touch "$TMON_CACHE/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
	exec {apt_lock}>&-
}
