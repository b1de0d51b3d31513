// SPDX-License-Identifier: MIT
/*
 * Self-tests of a boot through UEFI (GRUB's multiboot2 with EFI tags,
 * arch/x86/boot/multiboot2.c): the memory map is the firmware's own,
 * the RSDP was handed over and not searched for in a BIOS area, and the
 * memory the firmware keeps after boot services (its system table) was
 * not handed to the frame allocator.  On any other boot each case skips and says
 * what the boot was.
 */
#include <pvk/kernel.h>
#include <pvk/bootinfo.h>
#include <pvk/memmap.h>
#include <pvk/selftest.h>
#include <asm/page.h>
#include <asm/setup.h>

#define RSDP_V1_LEN	20
#define RSDP_V2_LEN	36
#define RSDP_REVISION	15

/* The record of this boot if it came through UEFI, else skip and NULL. */
static const struct boot_record *efi_boot(struct kunit *test)
{
	const struct boot_record *br = native_boot_record();

	if (!br)
		kunit_skip(test, "not booted through UEFI (no multiboot2 or PVH entry)");
	else if (!br->efi)
		kunit_skip(test, "not booted through UEFI (entry %s, no EFI tags)",
			   br->entry);
	return br && br->efi ? br : NULL;
}

static u8 byte_sum(const u8 *p, size_t len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

static void efi_boot_memmap_from_efi_tag(struct kunit *test)
{
	const struct boot_record *br = efi_boot(test);

	if (!br)
		return;
	KUNIT_ASSERT_TRUE(test, br->memmap_source != NULL);
	kunit_info(test, "memory map from %s, %u ranges", br->memmap_source,
		   br->memmap.nr);
	KUNIT_EXPECT_EQ(test, strcmp(br->memmap_source, BOOT_SRC_EFI_MMAP), 0);
	KUNIT_EXPECT_NE(test, memmap_usable_bytes(&br->memmap), 0);
}

/*
 * The RSDP came from GRUB's tag (a copy in pvk's image, checked here) or
 * the firmware's configuration table: never from a BIOS-area search.
 */
static void efi_boot_rsdp_given(struct kunit *test)
{
	const struct boot_record *br = efi_boot(test);
	const u8 *rsdp;

	if (!br)
		return;
	KUNIT_ASSERT_TRUE(test, br->rsdp_source != NULL);
	KUNIT_ASSERT_TRUE(test, br->rsdp_phys != 0);
	kunit_info(test, "RSDP %#llx from %s",
		   (unsigned long long)br->rsdp_phys, br->rsdp_source);
	if (strcmp(br->rsdp_source, BOOT_SRC_ACPI_NEW) &&
	    strcmp(br->rsdp_source, BOOT_SRC_ACPI_OLD))
		return;
	rsdp = __va(br->rsdp_phys);
	KUNIT_EXPECT_EQ(test, memcmp(rsdp, "RSD PTR ", 8), 0);
	KUNIT_EXPECT_EQ(test, byte_sum(rsdp, RSDP_V1_LEN), 0);
	if (!strcmp(br->rsdp_source, BOOT_SRC_ACPI_NEW)) {
		KUNIT_EXPECT_TRUE(test, rsdp[RSDP_REVISION] >= 2);
		KUNIT_EXPECT_EQ(test, byte_sum(rsdp, RSDP_V2_LEN), 0);
	}
}

/*
 * UEFI keeps its system table in runtime-services memory.  If pvk had
 * taken that for RAM, the allocator could hand it out: it must lie in a
 * range of the final map that is not usable.
 */
static void efi_boot_system_table_reserved(struct kunit *test)
{
	const struct boot_record *br = efi_boot(test);
	const struct memmap_entry *hit = NULL;

	if (!br)
		return;
	KUNIT_ASSERT_TRUE(test, br->efi_systab != 0);
	for (unsigned int i = 0; i < br->memmap.nr; i++) {
		const struct memmap_entry *e = &br->memmap.e[i];

		if (br->efi_systab >= e->base && br->efi_systab - e->base < e->len)
			hit = e;
	}
	KUNIT_ASSERT_TRUE(test, hit != NULL);
	kunit_info(test, "system table %#llx in a %s range",
		   (unsigned long long)br->efi_systab, memmap_type_name(hit->type));
	KUNIT_EXPECT_TRUE(test, hit->type != MEMMAP_USABLE &&
			  hit->type != MEMMAP_KERNEL &&
			  hit->type != MEMMAP_MODULE);
}

SELFTEST_SUITE(efi_boot,
	KUNIT_CASE(efi_boot_memmap_from_efi_tag),
	KUNIT_CASE(efi_boot_rsdp_given),
	KUNIT_CASE(efi_boot_system_table_reserved));
