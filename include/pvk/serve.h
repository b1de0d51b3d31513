/* SPDX-License-Identifier: MIT */
/*
 * Services of serve mode (kernel/reboot.c): a driver that has something
 * to offer while pvk serves registers it with SERVE_SERVICE(), and the
 * serving kernel starts each once, next to its UDP echo service, and
 * stops each before it closes its devices.  Core code thus starts them
 * without knowing them.
 */
#ifndef PVK_SERVE_H
#define PVK_SERVE_H

#include <pvk/types.h>

/**
 * struct serve_service - one service of serve mode
 * @name: for logs
 * @start: start serving; 0 or a negative errno (logged, pvk serves on)
 * @stop: stop; also called when @start failed, so that must be harmless;
 *	may sleep
 */
struct serve_service {
	const char *name;
	int (*start)(void);
	void (*stop)(void);
};

#define SERVE_SERVICE(id, start_fn, stop_fn)				\
	static const struct serve_service id##_serve_service = {	\
		.name = #id, .start = start_fn, .stop = stop_fn,	\
	};								\
	static const struct serve_service *id##_serve_service_ptr	\
	__used __section(".serve_services") __aligned(sizeof(void *)) = \
		&id##_serve_service

#endif /* PVK_SERVE_H */
