# What the checks take from Debian's linux-source-6.12, extracted once into
# the cache: checkpatch.pl and the files it reads, the schema of YNL specs
# and the kernel's YNL client. Sourced; needs common.sh.
KSRC_FILES=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
	Documentation/netlink/genetlink-legacy.yaml tools/net/ynl/cli.py tools/net/ynl/lib)

# kernel_source_path: the directory holding KSRC_FILES.
kernel_source_path() {
	local dir=$TMON_CACHE/checkpatch deb tarball f missing= lock
	mkdir -p "$dir"
	# One extraction at a time; a second caller waits and uses it.
	exec {lock}>"$dir/.lock"
	flock "$lock"
	for f in "${KSRC_FILES[@]}"; do [ -e "$dir/$f" ] || missing=1; done
	if [ -n "$missing" ]; then
		need_pkgs perl xz-utils
		mkdir -p "$dir"
		log "extracting checkpatch.pl and YNL from linux-source-6.12"
		(cd "$dir" && rm -f linux-source-6.12_*.deb && apt-get download -q linux-source-6.12 >&2) ||
			die "apt-get download linux-source-6.12 failed"
		deb=$(ls "$dir"/linux-source-6.12_*.deb)
		tarball=$(dpkg-deb -c "$deb" | awk '/linux-source-6.12.tar/ { print $NF; exit }')
		dpkg-deb --fsys-tarfile "$deb" | tar -x -O "$tarball" |
			tar -x -J -C "$dir" --strip-components=1 "${KSRC_FILES[@]/#/linux-source-6.12/}" ||
			die "cannot extract ${KSRC_FILES[*]}"
		rm -f "$deb"
	fi
	exec {lock}>&-
	echo "$dir"
}

checkpatch_path() {
	local dir
	dir=$(kernel_source_path) || return 1
	echo "$dir/scripts/checkpatch.pl"
}
