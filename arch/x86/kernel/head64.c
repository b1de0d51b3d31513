// SPDX-License-Identifier: MIT
/*
 * First C code on the boot CPU after the 32-bit stubs: bring up the early
 * console, turn the loader's boot information into the common boot
 * record, and enter start_kernel().
 */
#include <pvk/kernel.h>
#include <pvk/bootinfo.h>
#include <pvk/console.h>
#include <asm/boot.h>
#include <asm/page.h>
#include <asm/setup.h>
#include "../boot/boot.h"

#define EARLY_MAP_LIMIT	(1ULL << 30)	/* head_64.S maps the first GiB */

static struct boot_record boot_record;

const void *boot_phys_ptr(u64 phys, u64 len)
{
	if (phys >= EARLY_MAP_LIMIT || len > EARLY_MAP_LIMIT - phys)
		return NULL;
	return __va(phys);
}

void boot_warn(struct boot_record *br, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	br->nr_warnings++;
	pr_warn("boot: %s\n", buf);
}

/* Where the boot record came from: the firmware, the map, the RSDP. */
static void multiboot2_report(const struct boot_record *br)
{
	const char *loader = br->loader_name[0] ? br->loader_name : "an unnamed loader";
	const char *map = br->memmap_source ? br->memmap_source : "no memory map";
	const char *rsdp = br->rsdp_source ? br->rsdp_source :
			   br->efi ? "nowhere (no tag, no EFI entry)" :
			   "a BIOS area search";

	if (br->efi)
		pr_info("boot: multiboot2 from %s, EFI (system table %#llx), %s, RSDP from %s\n",
			loader, (unsigned long long)br->efi_systab, map, rsdp);
	else
		pr_info("boot: multiboot2 from %s, BIOS, %s, RSDP from %s\n",
			loader, map, rsdp);
}

/**
 * native_boot_record - the boot record the multiboot2 or PVH stub filled
 *
 * For self-tests of what the loader handed over.  Returns NULL when
 * neither stub ran (Xen PV keeps a record of its own).
 */
const struct boot_record *native_boot_record(void)
{
	return boot_record.entry ? &boot_record : NULL;
}

/**
 * x86_64_start_kernel - C entry of the multiboot2 and PVH stubs
 * @entry: BOOT_ENTRY_* of the stub that ran
 * @info_phys: physical address of the loader's boot information
 *
 * Runs on the boot stack with the early page tables.  Never returns.
 */
__noreturn void x86_64_start_kernel(u32 entry, u64 info_phys)
{
	struct boot_record *br = &boot_record;

	early_percpu_init();
	serial8250_early_init();
	if (entry == BOOT_ENTRY_MULTIBOOT2) {
		multiboot2_parse(br, info_phys);
		multiboot2_report(br);
	} else {
		pvh_parse(br, info_phys);
	}
	start_kernel(br);
}
