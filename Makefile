# SPDX-License-Identifier: GPL-2.0
# tmon top-level Makefile. See README.md.
#
#   make                      module for the running kernel, and tmonctl
#   make module KERNELDIR=/lib/modules/<release>/build
#   make tools                tools/tmonctl/tmonctl
#   make netlink              the code made from netlink/tmon.yaml, again
#   make man                  tmonctl(1)'s FIELDS section from tmonctl's field table
#   make manpages             build/man/: the pages as installed, man(7) made by mandoc
#   make deb                  tmon-dkms and tmon-utils .debs into dist/
#   make check                every test (installs what it needs)
#   make demo                 the packages installed and run in a Debian VM
#   make bench                bench/report.md: tmon against its peers in a VM

KERNELDIR ?= /lib/modules/$(shell uname -r)/build

all: module tools

module:
	@test -f $(KERNELDIR)/Makefile || { \
		echo "no kernel build tree at $(KERNELDIR):" \
		     "install linux-headers-$$(uname -r) or pass KERNELDIR=" >&2; exit 1; }
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR)/src modules

tools:
	$(MAKE) -C tools/tmonctl

# A clean copy of the tree (no build products, no .git) is what the
# packages are built from, so a dirty work tree cannot leak into them.
deb:
	rm -rf build/deb && mkdir -p build/deb/tmon dist
	tar -C . --exclude=./build --exclude=./dist --exclude=./.git --exclude=./.ci \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
		--exclude=./tools/tmonctl/tmonctl -cf - . | tar -C build/deb/tmon -xf -
	cd build/deb/tmon && dpkg-buildpackage --no-sign -us -uc
	rm -f dist/tmon*
	cp build/deb/tmon_* build/deb/tmon-*.deb dist/
	@ls -1 dist/

check:
	bash tests/check.sh

# After an edit of the netlink spec: the uapi, policies and tables it makes.
netlink:
	python3 netlink/gen.py

# After an edit of tools/tmonctl/fields.c: the fields in tmonctl(1).
man: tools
	tools/tmonctl/gen-man-fields tools/tmonctl/tmonctl man/tmonctl.1

# The pages are written in mdoc (man/); the packages install them as
# man(7), which every man renders with a Linux header (bookworm's groff
# puts "BSD" in every mdoc header).
manpages:
	@mkdir -p build/man
	for p in man/*.[14]; do mandoc -Tman "$$p" >"build/man/$${p##*/}" || exit 1; done

# Build the packages, install them with apt in a Debian VM, show them working.
demo:
	@mkdir -p build
	bash tests/demo.sh

# tmon against cyclictest, pidstat and its own export paths in one VM boot.
bench:
	@mkdir -p build
	bash bench/run.sh

clean:
	@if [ -f $(KERNELDIR)/Makefile ]; then $(MAKE) -C $(KERNELDIR) M=$(CURDIR)/src clean; fi
	rm -f src/*.o src/*.ko src/*.mod src/*.mod.c src/.*.cmd src/modules.order src/Module.symvers
	$(MAKE) -C tools/tmonctl clean
	rm -rf build dist

.PHONY: all module tools netlink man manpages deb check demo bench clean
