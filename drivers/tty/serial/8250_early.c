// SPDX-License-Identifier: MIT
/*
 * Polled 8250 UART on COM1 and QEMU's debugcon port (0xe9): the consoles
 * of bare metal and HVM/PVH.  Polled, so they work before interrupts and
 * in a panic.
 */
#include <pvk/kernel.h>
#include <pvk/console.h>
#include <asm/io.h>

#define COM1		0x3f8
#define UART_THR	0
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_DLL	0
#define UART_DLM	1
#define UART_LSR_THRE	0x20
#define UART_LCR_DLAB	0x80
#define DEBUGCON_PORT	0xe9
#define BAUD_115200_DIV	1

static void uart_putc(char c)
{
	unsigned int spins = 100000;

	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE) && --spins)
		;
	outb((u8)c, COM1 + UART_THR);
}

static void uart_write(struct console *con, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

static void debugcon_write(struct console *con, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		outb((u8)s[i], DEBUGCON_PORT);
}

static struct console uart_console = { .name = "ttyS0", .write = uart_write };
static struct console debugcon_console = { .name = "debugcon", .write = debugcon_write };

/* A floating bus reads 0xff; a real 8250 keeps a scratch value. */
static bool uart_probe(void)
{
	outb(0x5a, COM1 + 7);
	return inb(COM1 + 7) == 0x5a;
}

static void uart_init(void)
{
	outb(0x00, COM1 + UART_IER);
	outb(UART_LCR_DLAB, COM1 + UART_LCR);
	outb(BAUD_115200_DIV, COM1 + UART_DLL);
	outb(0x00, COM1 + UART_DLM);
	outb(0x03, COM1 + UART_LCR);	/* 8n1 */
	outb(0xc7, COM1 + UART_FCR);	/* FIFO on, cleared */
	outb(0x03, COM1 + UART_MCR);	/* DTR, RTS */
}

/* QEMU's and Bochs' debug console reads back its own port number. */
static bool debugcon_probe(void)
{
	return inb(DEBUGCON_PORT) == DEBUGCON_PORT;
}

/**
 * serial8250_early_init - register COM1 and debugcon as consoles
 *
 * Each console is registered only if its device answers, so real
 * hardware without a UART or a debug port gets no writes to stray ports.
 */
void serial8250_early_init(void)
{
	if (uart_probe()) {
		uart_init();
		register_console(&uart_console);
	}
	if (debugcon_probe())
		register_console(&debugcon_console);
}
