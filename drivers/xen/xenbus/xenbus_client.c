// SPDX-License-Identifier: MIT
/*
 * Helpers frontends use to connect to their backend (API:
 * include/xen/xenbus.h): event channels, granted rings, error reports.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <asm/page.h>
#include <asm/xen/hypercall.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include "xenbus_internal.h"

#define MAX_RING_PAGES	16

static void dev_report(struct xenbus_device *dev, int err, const char *fmt,
		       va_list ap)
{
	char msg[160], path[XENBUS_PATH_MAX];
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		msg[0] = '\0';
	pr_err("xenbus: %s: error %d: %s\n", dev->nodename, err, msg);
	if (xs_join(path, sizeof(path), "error", dev->nodename) ||
	    xenbus_printf(XBT_NIL, path, "error", "%d %s", -err, msg))
		pr_err("xenbus: %s: could not record the error in xenstore\n",
		       dev->nodename);
}

void xenbus_dev_error(struct xenbus_device *dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dev_report(dev, err, fmt, ap);
	va_end(ap);
}

void xenbus_dev_fatal(struct xenbus_device *dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dev_report(dev, err, fmt, ap);
	va_end(ap);
	xenbus_switch_state(dev, XenbusStateClosing);
}

int xenbus_alloc_evtchn(struct xenbus_device *dev, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = {
		.dom = DOMID_SELF,
		.remote_dom = dev->otherend_id,
	};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

	if (rc) {
		xenbus_dev_fatal(dev, (int)rc, "allocating an event channel");
		return (int)rc;
	}
	*port = a.port;
	return 0;
}

int xenbus_free_evtchn(struct xenbus_device *dev, evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);

	if (rc)
		xenbus_dev_error(dev, (int)rc, "closing event channel %u", port);
	return (int)rc;
}

int xenbus_grant_ring(struct xenbus_device *dev, void *vaddr,
		      unsigned int nr_pages, grant_ref_t *refs)
{
	if ((unsigned long)vaddr & ~PAGE_MASK || !nr_pages ||
	    nr_pages > MAX_RING_PAGES) {
		xenbus_dev_fatal(dev, -EINVAL, "bad ring (%p, %u pages)", vaddr,
				 nr_pages);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < nr_pages; i++)
		refs[i] = INVALID_GRANT_REF;
	for (unsigned int i = 0; i < nr_pages; i++) {
		void *page = (char *)vaddr + (size_t)i * PAGE_SIZE;
		int ref = gnttab_grant_foreign_access(dev->otherend_id,
						      xen_virt_to_pfn(page), false);

		if (ref < 0) {
			/* The granted ones: xenbus_teardown_ring() revokes them. */
			xenbus_dev_fatal(dev, ref, "granting ring page %u", i);
			return ref;
		}
		refs[i] = (grant_ref_t)ref;
	}
	return 0;
}

static int ring_order(unsigned int nr_pages)
{
	int order = 0;

	if (!nr_pages || nr_pages > MAX_RING_PAGES || (nr_pages & (nr_pages - 1)))
		return -1;
	while ((1U << order) < nr_pages)
		order++;
	return order;
}

int xenbus_setup_ring(struct xenbus_device *dev, unsigned int nr_pages,
		      void **vaddr, grant_ref_t *refs)
{
	int order = ring_order(nr_pages);
	void *ring;
	int err;

	*vaddr = NULL;
	if (order < 0) {
		xenbus_dev_fatal(dev, -EINVAL, "bad ring size: %u pages", nr_pages);
		return -EINVAL;
	}
	ring = alloc_pages((unsigned int)order);
	if (!ring) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating a %u-page ring", nr_pages);
		return -ENOMEM;
	}
	memset(ring, 0, (size_t)nr_pages * PAGE_SIZE);
	/* It marks every ref invalid before granting any. */
	err = xenbus_grant_ring(dev, ring, nr_pages, refs);
	if (err) {
		/*
		 * Revoke first, page by page: one the backend already maps
		 * must not go back to the allocator.
		 */
		xenbus_teardown_ring(&ring, nr_pages, refs);
		return err;
	}
	*vaddr = ring;
	return 0;
}

/*
 * Each page is ended and freed on its own: the frame allocator is a
 * bitmap, so any frame of a block may go back by itself, and a page the
 * backend still maps is freed later by the grant code.
 */
void xenbus_teardown_ring(void **vaddr, unsigned int nr_pages,
			  grant_ref_t *refs)
{
	char *ring = *vaddr;

	for (unsigned int i = 0; i < nr_pages; i++) {
		void *page = ring ? ring + (size_t)i * PAGE_SIZE : NULL;

		if (refs[i] != INVALID_GRANT_REF) {
			if (gnttab_end_foreign_access(refs[i], page) < 0 && page)
				pr_err("xenbus: ring page %u had a bad grant; "
				       "leaking it\n", i);
		} else if (page) {
			free_pages(page, 0);
		}
		refs[i] = INVALID_GRANT_REF;
	}
	*vaddr = NULL;
}
