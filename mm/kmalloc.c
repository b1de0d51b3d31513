// SPDX-License-Identifier: MIT
/*
 * kmalloc: power-of-two size classes from 16 bytes to 2 KiB carved out of
 * single pages, each class with its own lock and free list; larger
 * requests take whole pages.  Every object is preceded by nothing: the
 * class is found from a per-page header at the start of the page.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/spinlock.h>
#include <asm/page.h>

#define KMALLOC_MIN_SHIFT 4
#define KMALLOC_MAX_SHIFT 11
#define NR_CLASSES (KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1)
#define SLAB_MAGIC 0x51ab51ab
#define BIG_MAGIC 0xb16b16b1

struct free_obj {
	struct free_obj *next;
};

/* Start of every page kmalloc hands out objects from (or a big block). */
struct page_header {
	u32 magic;
	u32 order_or_class;
	u64 pad;
};

struct size_class {
	spinlock_t lock;
	struct free_obj *free;
};

static struct size_class classes[NR_CLASSES];

static unsigned int size_to_class(size_t size)
{
	unsigned int shift = KMALLOC_MIN_SHIFT;

	while ((1UL << shift) < size)
		shift++;
	return shift - KMALLOC_MIN_SHIFT;
}

/* Carve a fresh page into objects of one class; caller holds the lock. */
static bool refill(struct size_class *sc, unsigned int cls)
{
	size_t obj = 1UL << (cls + KMALLOC_MIN_SHIFT);
	struct page_header *ph = alloc_pages(0);
	size_t off;

	if (!ph)
		return false;
	ph->magic = SLAB_MAGIC;
	ph->order_or_class = cls;
	for (off = ALIGN_UP(sizeof(*ph), obj); off + obj <= PAGE_SIZE; off += obj) {
		struct free_obj *o = (void *)((char *)ph + off);

		o->next = sc->free;
		sc->free = o;
	}
	return true;
}

static void *kmalloc_big(size_t size)
{
	unsigned int order = 0;
	struct page_header *ph;

	while ((PAGE_SIZE << order) < size + sizeof(*ph))
		order++;
	ph = alloc_pages(order);
	if (!ph)
		return NULL;
	ph->magic = BIG_MAGIC;
	ph->order_or_class = order;
	return ph + 1;
}

/**
 * kmalloc - allocate kernel memory
 * @size: bytes; 0 returns NULL
 *
 * Objects up to 2 KiB come from size classes, larger ones from whole
 * pages.  Safe from any CPU and with interrupts off.
 */
void *kmalloc(size_t size)
{
	struct size_class *sc;
	struct free_obj *o;
	unsigned long flags;
	unsigned int cls;

	if (!size)
		return NULL;
	if (size > (1UL << KMALLOC_MAX_SHIFT))
		return kmalloc_big(size);
	cls = size_to_class(size);
	sc = &classes[cls];
	spin_lock_irqsave(&sc->lock, flags);
	if (!sc->free && !refill(sc, cls)) {
		spin_unlock_irqrestore(&sc->lock, flags);
		return NULL;
	}
	o = sc->free;
	sc->free = o->next;
	spin_unlock_irqrestore(&sc->lock, flags);
	return o;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/**
 * kfree - free memory from kmalloc()
 * @p: pointer from kmalloc(), or NULL
 */
void kfree(const void *p)
{
	struct page_header *ph;
	struct size_class *sc;
	struct free_obj *o = (struct free_obj *)p;
	unsigned long flags;

	if (!p)
		return;
	ph = (void *)((unsigned long)p & PAGE_MASK);
	if (ph->magic == BIG_MAGIC && (void *)(ph + 1) == p) {
		free_pages(ph, ph->order_or_class);
		return;
	}
	if (ph->magic != SLAB_MAGIC || ph->order_or_class >= NR_CLASSES) {
		pr_err("kfree: %p was not allocated by kmalloc\n", p);
		return;
	}
	sc = &classes[ph->order_or_class];
	spin_lock_irqsave(&sc->lock, flags);
	o->next = sc->free;
	sc->free = o;
	spin_unlock_irqrestore(&sc->lock, flags);
}
