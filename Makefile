# SPDX-License-Identifier: GPL-2.0
# tmon top-level Makefile. See README.md.
#
#   make                      module for the running kernel, and tmonctl
#   make module KERNELDIR=/lib/modules/<release>/build
#   make tools                tools/tmonctl/tmonctl
#   make check                every test (installs what it needs)

KERNELDIR ?= /lib/modules/$(shell uname -r)/build

all: module tools

module:
	@test -f $(KERNELDIR)/Makefile || { \
		echo "no kernel build tree at $(KERNELDIR):" \
		     "install linux-headers-$$(uname -r) or pass KERNELDIR=" >&2; exit 1; }
	$(MAKE) -C $(KERNELDIR) M=$(CURDIR)/src modules

tools:
	$(MAKE) -C tools/tmonctl

check:
	bash tests/check.sh

clean:
	@if [ -f $(KERNELDIR)/Makefile ]; then $(MAKE) -C $(KERNELDIR) M=$(CURDIR)/src clean; fi
	rm -f src/*.o src/*.ko src/*.mod src/*.mod.c src/.*.cmd src/modules.order src/Module.symvers
	$(MAKE) -C tools/tmonctl clean
	rm -rf build

.PHONY: all module tools check clean
