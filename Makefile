# SPDX-License-Identifier: GPL-2.0
#
# sercam: serial JPEG cameras as V4L2 devices.
#
#   make                    build sercam.ko for the running kernel
#   make KDIR=<build dir> [ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-]
#                           build it for another kernel (W=1 C=1 work too)
#   make install            install it (modules_install)
#   make demo               capture frames from the emulated camera in an
#                           arm64 QEMU guest into ./demo-out/
#   make check              every test: host units, emulator, KUnit and
#                           the in-guest selftests; ends "N passed, N failed"
#   make bench              throughput benchmark (tables, CSV, plot)
#   make fuzz               fuzz the protocol parser (FUZZ_SECONDS=600)
#   make check-kernels      the families' selftests on the other kernels
#                           users run: Debian 12's 6.1 (arm64) and 32-bit
#                           ARM (armhf); results in results-kernels/
#   make check-fresh        make demo and make check on a bare Debian 12
#                           (a minbase chroot, from nothing: long)
#   make deb                the Debian package sercam-dkms_<version>_all.deb
#                           (DKMS source, overlays, sercam-attach; the
#                           version is dkms.conf's PACKAGE_VERSION)

KDIR ?= /lib/modules/$(shell uname -r)/build

# The KUnit suite is built only where the kernel has KUnit.
KUNIT := $(shell grep -qs '^CONFIG_KUNIT=[ym]' $(KDIR)/include/config/auto.conf && echo m)
KBUILD_ARGS := CONFIG_VIDEO_SERCAM=m $(if $(KUNIT),CONFIG_VIDEO_SERCAM_KUNIT_TEST=m)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) modules

install modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) modules_install

clean:
	if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf build

check demo bench fuzz check-long check-kernels:
	tools/testbed/run.sh $@

check-fresh:
	tools/testbed/check-fresh.sh

deb:
	tools/deb/make-deb.sh

.PHONY: all modules install modules_install clean check demo bench fuzz check-long \
	check-kernels check-fresh deb
