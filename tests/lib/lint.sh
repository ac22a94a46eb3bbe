# checkpatch.pl from Debian's linux-source-6.12, extracted once into the
# cache (only the three files it needs). Sourced; needs common.sh.
checkpatch_path() {
	local dir=$TMON_CACHE/checkpatch deb tarball
	if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
		need_pkgs perl xz-utils
		mkdir -p "$dir"
		log "extracting checkpatch.pl from linux-source-6.12"
		(cd "$dir" && rm -f linux-source-6.12_*.deb && apt-get download -q linux-source-6.12 >&2) ||
			die "apt-get download linux-source-6.12 failed"
		deb=$(ls "$dir"/linux-source-6.12_*.deb)
		tarball=$(dpkg-deb -c "$deb" | awk '/linux-source-6.12.tar/ { print $NF; exit }')
		dpkg-deb --fsys-tarfile "$deb" | tar -x -O "$tarball" |
			tar -x -J -C "$dir" --strip-components=1 \
				linux-source-6.12/scripts/checkpatch.pl \
				linux-source-6.12/scripts/spelling.txt \
				linux-source-6.12/scripts/const_structs.checkpatch ||
			die "cannot extract checkpatch.pl"
		rm -f "$deb"
	fi
	echo "$dir/scripts/checkpatch.pl"
}
