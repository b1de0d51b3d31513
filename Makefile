# SPDX-License-Identifier: MIT
#
# pvk top-level Makefile.  Targets:
#   make            build build/pvk and build/pvk.iso (first setup.sh and defconfig
#                   when .config is missing; a refresh when the defconfig is newer)
#   make run        set up, build, boot on QEMU bare metal (PVH -kernel), show results
#   make check      set up, host unit tests, short fuzz runs, then the self-test matrix
#   make fuzz       set up, every fuzz target for FUZZ_SECONDS (tests/fuzz/)
#   make bench      set up, build, pvk vs Linux as Xen PV domUs, boot with bench=1;
#                   writes build/bench/{bench.txt,bench.json,bench.png} (ratios included)
#   make defconfig / menuconfig / olddefconfig / clean

PYTHON  := /usr/bin/python3
KCONFIG_DIR := /usr/lib/python3/dist-packages
BUILD   := build
OBJ     := $(BUILD)/obj
GEN     := $(BUILD)/include/generated
XENINC  := $(BUILD)/include/xenpub
KCONFIG_CONFIG ?= .config
export KCONFIG_CONFIG

CC      := gcc
LD      := ld
NM      := nm
OBJCOPY := objcopy

# Xen's public ABI headers come from Debian's libxen-dev.
XEN_PUBLIC := /usr/include/xen
XEN_INTERFACE_VERSION := 0x00040e00

CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib -nostdinc \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-mno-mmx -mno-sse -mno-sse2 -mno-avx -msoft-float \
	-mpreferred-stack-boundary=3 -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fno-common \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -Iarch/x86/include -I$(BUILD)/include -isystem $(XENINC) \
	-D__XEN_INTERFACE_VERSION__=$(XEN_INTERFACE_VERSION) \
	-include include/pvk/kconfig.h
ASFLAGS := -D__ASSEMBLY__ -Iinclude -Iarch/x86/include -I$(BUILD)/include \
	-include include/pvk/kconfig.h
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

# Goals that need no configuration (defconfig writes a fresh one).
NO_CONFIG_GOALS := setup clean distclean defconfig
ifneq ($(filter-out $(NO_CONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
-include $(KCONFIG_CONFIG)
endif

obj-y :=
include arch/x86/Makefile
include kernel/Makefile
include mm/Makefile
include lib/Makefile
include drivers/Makefile
include net/Makefile
include init/Makefile
include fs/Makefile

OBJS := $(addprefix $(OBJ)/,$(obj-y))
DEPS := $(OBJS:.o=.d)

.PHONY: all setup run check bench unit fuzz fuzz-short selftests clean \
	distclean defconfig menuconfig olddefconfig iso FORCE

all: $(BUILD)/pvk $(BUILD)/pvk.iso $(BUILD)/initramfs.cpio

setup:
	@scripts/setup.sh

# Every rule here needs python3-kconfiglib, so setup.sh runs first.  A
# missing .config comes from the defconfig; one older than the defconfig
# is refreshed from it, keeping the values it sets (olddefconfig-style).
$(KCONFIG_CONFIG): configs/pvk_defconfig Kconfig
	@scripts/setup.sh
	@if [ -f $@ ]; then \
		echo "  CONFIG  $@: refreshed (configs/pvk_defconfig or Kconfig changed)"; \
		$(PYTHON) scripts/kconfig-refresh.py Kconfig configs/pvk_defconfig $@; \
	else \
		$(PYTHON) $(KCONFIG_DIR)/defconfig.py --kconfig Kconfig configs/pvk_defconfig; \
	fi
	@touch $@

defconfig: setup
	$(PYTHON) $(KCONFIG_DIR)/defconfig.py --kconfig Kconfig configs/pvk_defconfig

olddefconfig: setup
	$(PYTHON) $(KCONFIG_DIR)/olddefconfig.py Kconfig

menuconfig: setup
	$(PYTHON) $(KCONFIG_DIR)/menuconfig.py Kconfig

# genconfig leaves an unchanged header as it is: touched, so that a
# refreshed .config does not run it again on every make.
$(GEN)/autoconf.h: $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(GEN)
	$(PYTHON) $(KCONFIG_DIR)/genconfig.py --header-path $@ Kconfig
	@touch $@

# The Xen headers are reached through a directory holding one link, so
# "#include <xen/xen.h>" works without putting /usr/include on the path.
$(XENINC)/xen:
	@test -f $(XEN_PUBLIC)/xen.h || { echo "missing $(XEN_PUBLIC)/xen.h: run 'make setup' (Debian libxen-dev)"; exit 1; }
	@mkdir -p $(XENINC)
	ln -sfn $(XEN_PUBLIC) $@

$(OBJ)/%.o: %.c $(GEN)/autoconf.h | $(XENINC)/xen
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/%.o: %.S $(GEN)/autoconf.h | $(XENINC)/xen
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(CFLAGS) $(ASFLAGS) -MMD -MP -c $< -o $@

LDS := arch/x86/kernel/pvk.lds

# Symbols for backtraces: link once without the table, generate it from
# the first link, link again.  The table lives after .bss, so adding it
# moves no other symbol.
$(BUILD)/pvk: $(OBJS) $(LDS) scripts/mksyms.py
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -T $(LDS) -o $(BUILD)/.pvk.tmp $(OBJS)
	@$(NM) -n $(BUILD)/.pvk.tmp | $(PYTHON) scripts/mksyms.py > $(BUILD)/ksyms.S
	@$(CC) $(CFLAGS) $(ASFLAGS) -c $(BUILD)/ksyms.S -o $(BUILD)/ksyms.o
	@$(LD) $(LDFLAGS) -T $(LDS) -o $@ $(OBJS) $(BUILD)/ksyms.o
	@$(NM) -n $@ | $(PYTHON) scripts/mksyms.py | cmp -s - $(BUILD)/ksyms.S || \
		{ echo "symbol table moved between links"; exit 1; }
	@rm -f $(BUILD)/.pvk.tmp

$(BUILD)/pvk.iso: $(BUILD)/pvk $(BUILD)/initramfs.cpio scripts/mkiso.sh
	@echo "  ISO     $@"
	@scripts/mkiso.sh $(BUILD)/pvk $@ "" $(BUILD)/initramfs.cpio

iso: $(BUILD)/pvk.iso

# The user-space self-test programs (tools/testing/selftests/user/),
# static musl binaries, and the initramfs the bare-metal rows boot with.
# Each also runs on the build host first: there they must behave as the
# kernel's user suite expects of pvk (hello's output is kept as the
# reference, exit 3; the checkers exit 0, the forking ones too;
# nullderef dies of SIGSEGV, threadexit exits 7; files reads fstest.txt
# and lists build/user there, without pvk's read-only checks; lmbench, `make bench`'s
# user pass, measures every metric briefly, but for its two-thread one on
# a host too busy to run both threads at once). oom runs on pvk only: on
# the host it would take the host's memory.
MUSL_CC := musl-gcc
USER_SRC := tools/testing/selftests/user
USER_PROGS := hello enosys efault tls nullderef fpu sys forkexec cow \
	segvchild forkbomb orphan threads futexbad tlbshoot threadexit lmbench \
	mprotect demand sleepkill files pipes oom
USER_BINS := $(addprefix $(BUILD)/user/,$(USER_PROGS))

$(BUILD)/user/%: $(USER_SRC)/%.c $(USER_SRC)/futex.h $(USER_SRC)/check.h
	@mkdir -p $(dir $@)
	@command -v $(MUSL_CC) >/dev/null || { echo "missing $(MUSL_CC): run 'make setup' (Debian musl-tools)"; exit 1; }
	@echo "  MUSLCC  $<"
	@$(MUSL_CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/user/hello.out: $(USER_BINS)
	@echo "  HOSTRUN $(BUILD)/user"
	@$(PYTHON) -c 'import os, sys; os.execv(sys.argv[1], ["hello", "one", "two words"])' \
		$(BUILD)/user/hello > $@.tmp; test $$? -eq 3
	@# Output to a file: /dev/null would take any pointer without a look.
	@for t in enosys efault tls fpu sys forkexec cow segvchild forkbomb orphan \
		threads futexbad tlbshoot mprotect demand sleepkill pipes; do $(BUILD)/user/$$t > $@.run || \
		{ cat $@.run; echo "$$t fails on the host"; exit 1; }; done
	@$(BUILD)/user/files $(USER_SRC)/fstest.txt $(BUILD)/user > $@.run || \
		{ cat $@.run; echo "files fails on the host"; exit 1; }
	@$(BUILD)/user/threadexit > $@.run; test $$? -eq 7 || \
		{ cat $@.run; echo "threadexit did not exit 7 on the host"; exit 1; }
	@$(BUILD)/user/nullderef > $@.run 2>&1; test $$? -eq 139 || \
		{ echo "nullderef did not die of SIGSEGV on the host"; exit 1; }
	@$(BUILD)/user/lmbench -t 10 > $@.run && \
		grep -Eq '^lmbench: done ok=(7 unavailable=0|6 unavailable=1) failed=0$$' $@.run || \
		{ cat $@.run; echo "lmbench does not measure everything on the host"; exit 1; }
	@rm -f $@.run
	@mv $@.tmp $@

$(BUILD)/initramfs.cpio: $(USER_BINS) $(BUILD)/user/hello.out scripts/mkinitramfs.py \
		$(USER_SRC)/fstest.txt
	@echo "  CPIO    $@"
	@$(PYTHON) scripts/mkinitramfs.py $@ $(foreach p,$(USER_PROGS),bin/$(p)=$(BUILD)/user/$(p)) \
		expected/hello.out=$(BUILD)/user/hello.out etc/fstest.txt=$(USER_SRC)/fstest.txt

RUN_CPUS ?= 2
RUN_APPEND ?=
run: setup
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/testing/selftests/xen/run_tests.py --only 'pvh-tcg-smp$(RUN_CPUS)$$' --show-log $(if $(RUN_APPEND),--extra-append '$(RUN_APPEND)')

unit:
	@$(MAKE) --no-print-directory -C tests
	@$(PYTHON) -m unittest discover -s tools/testing/selftests/xen -p 'test_*.py'

# libFuzzer targets of the parsers of untrusted input (tests/fuzz/), one
# after the other: FUZZ_SECONDS each for `make fuzz` (eleven targets, about
# sixteen minutes), FUZZ_SHORT_SECONDS each in `make check`.
FUZZ_SECONDS ?= 85
FUZZ_SHORT_SECONDS ?= 10
fuzz: setup
	@$(MAKE) --no-print-directory -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

fuzz-short:
	@$(MAKE) --no-print-directory -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SHORT_SECONDS)

selftests: all
	$(PYTHON) tools/testing/selftests/xen/run_tests.py

check: setup
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory fuzz-short
	@$(MAKE) --no-print-directory selftests

bench: setup
	@$(MAKE) --no-print-directory all
	scripts/bench.sh

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -f $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old

-include $(DEPS)
