# SPDX-License-Identifier: MIT
#
# pvk top-level Makefile.  Targets:
#   make            build build/pvk and build/pvk.iso (runs defconfig first if needed)
#   make run        set up, build, boot on QEMU bare metal (PVH -kernel), show results
#   make check      set up, host unit tests, then the self-test runner matrix
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

-include $(KCONFIG_CONFIG)

obj-y :=
include arch/x86/Makefile
include kernel/Makefile
include mm/Makefile
include lib/Makefile
include drivers/Makefile
include net/Makefile

OBJS := $(addprefix $(OBJ)/,$(obj-y))
DEPS := $(OBJS:.o=.d)

.PHONY: all setup run check bench unit selftests clean distclean defconfig \
	menuconfig olddefconfig iso FORCE

all: $(BUILD)/pvk $(BUILD)/pvk.iso

setup:
	@scripts/setup.sh

$(KCONFIG_CONFIG):
	$(PYTHON) $(KCONFIG_DIR)/defconfig.py --kconfig Kconfig configs/pvk_defconfig

defconfig:
	$(PYTHON) $(KCONFIG_DIR)/defconfig.py --kconfig Kconfig configs/pvk_defconfig

olddefconfig:
	$(PYTHON) $(KCONFIG_DIR)/olddefconfig.py Kconfig

menuconfig:
	$(PYTHON) $(KCONFIG_DIR)/menuconfig.py Kconfig

$(GEN)/autoconf.h: $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(GEN)
	$(PYTHON) $(KCONFIG_DIR)/genconfig.py --header-path $@ Kconfig

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

$(BUILD)/pvk.iso: $(BUILD)/pvk scripts/mkiso.sh
	@echo "  ISO     $@"
	@scripts/mkiso.sh $(BUILD)/pvk $@

iso: $(BUILD)/pvk.iso

RUN_CPUS ?= 2
RUN_APPEND ?=
run: setup
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/testing/selftests/xen/run_tests.py --only 'pvh-tcg-smp$(RUN_CPUS)$$' --show-log $(if $(RUN_APPEND),--extra-append '$(RUN_APPEND)')

unit:
	@$(MAKE) --no-print-directory -C tests
	@$(PYTHON) -m unittest discover -s tools/testing/selftests/xen -p 'test_*.py'

selftests: all
	$(PYTHON) tools/testing/selftests/xen/run_tests.py

check: setup
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory selftests

bench: setup
	@$(MAKE) --no-print-directory all
	scripts/bench.sh

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -f $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old

-include $(DEPS)
