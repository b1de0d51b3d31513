// SPDX-License-Identifier: MIT
/*
 * net-tool: dom0's side of the pvk netfront jobs (jobs/net-*.pre) and
 * of the channel job (jobs/con-10-channel.pre).  Built on the host with
 * `gcc -static` and put in the dom0 image with build.sh --guest
 * net-tool=PATH (busybox has no UDP client that checks what comes back,
 * its ping has no flood mode, and it has no unix socket client).
 *
 *   net-tool echo-server PORT
 *	answer every UDP datagram to PORT with itself (runs until killed)
 *   net-tool ctl IP PORT COMMAND...
 *	send one command to pvk's control port, print the reply
 *   net-tool udp-echo IP PORT COUNT
 *	COUNT datagrams of sizes spread over 0..1472, each answered
 *	with itself (one outstanding, 3 tries of 1 s); exit 0 if all are
 *   net-tool sink IP CTLPORT SINKPORT COUNT SIZE PPS
 *	stream COUNT datagrams of SIZE to pvk's sink (PPS per second, 0 =
 *	as fast as the socket takes them), then ask pvk what arrived
 *   net-tool stream IP CTLPORT COUNT SIZE
 *	ask pvk to stream COUNT datagrams of SIZE to us and count them
 *   net-tool flood IP SECONDS
 *	ICMP echo ping-pong (the next request as soon as the reply is in,
 *	like ping -f with one in flight) for SECONDS; print the rate
 *   net-tool unix-echo PATH SECONDS RECORD
 *	connect to the unix stream socket PATH (a guest channel's, which
 *	the device model listens on; retried until it accepts), send every
 *	byte that arrives back and append it to file RECORD, until the
 *	other end closes or SECONDS have passed
 *
 * Every mode prints one summary line "MODE: key=value ..." for the job's
 * .post script to check.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_UDP 1472
#define MAX_SEQ (1 << 20)

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in addr_of(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
	return a;
}

static int udp_socket(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), big = 4 << 20;

	if (s < 0)
		die("socket");
	/* dom0 runs as root: past rmem_max, so a burst is not lost here. */
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(s, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		die("bind");
	return s;
}

static int local_port(int s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(s, (struct sockaddr *)&a, &len))
		die("getsockname");
	return ntohs(a.sin_port);
}

/* Wait up to @ms for @s to be readable. */
static int wait_readable(int s, int ms)
{
	struct pollfd p = { .fd = s, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

static __attribute__((noreturn)) void echo_server(int port)
{
	int s = udp_socket(port);
	char buf[65536];

	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n >= 0)
			sendto(s, buf, n, 0, (struct sockaddr *)&from, fl);
	}
}

/* One command, one reply (5 tries of 3 s); the reply goes to @reply. */
static int ctl(const char *ip, int port, const char *cmd, char *reply,
	       size_t rlen)
{
	struct sockaddr_in to = addr_of(ip, port);
	int s = udp_socket(0);

	for (int tries = 0; tries < 5; tries++) {
		if (sendto(s, cmd, strlen(cmd), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			die("sendto");
		/* A stream takes a while: wait long for its reply. */
		if (wait_readable(s, strncmp(cmd, "stream", 6) ? 3000 : 120000)) {
			ssize_t n = recv(s, reply, rlen - 1, 0);

			if (n >= 0) {
				reply[n] = '\0';
				close(s);
				return 0;
			}
		}
	}
	close(s);
	snprintf(reply, rlen, "error no reply");
	return -1;
}

static void fill(unsigned char *b, size_t len, uint32_t tag)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (unsigned char)(i * 13 + tag);
	if (len >= 4) {
		uint32_t t = htonl(tag);

		memcpy(b, &t, 4);
	}
}

static int udp_echo(const char *ip, int port, int count)
{
	struct sockaddr_in to = addr_of(ip, port);
	unsigned char out[MAX_UDP], in[MAX_UDP + 16];
	int s = udp_socket(0), ok = 0, bad = 0, lost = 0, retries = 0;

	for (int i = 0; i < count; i++) {
		size_t len = count > 1 ? (size_t)i * MAX_UDP / (count - 1) : 0;
		int done = 0;

		fill(out, len, 0x1000 + i);
		for (int tries = 0; tries < 3 && !done; tries++) {
			double end = now() + 1.0;

			if (tries)
				retries++;
			sendto(s, out, len, 0, (struct sockaddr *)&to, sizeof(to));
			while (!done && now() < end) {
				ssize_t n;

				if (!wait_readable(s, 50))
					continue;
				n = recv(s, in, sizeof(in), 0);
				/* Late answers to an earlier try are skipped. */
				if (n == (ssize_t)len && !memcmp(in, out, len))
					done = 1;
				else if (n >= 4 && len >= 4 && memcmp(in, out, 4))
					continue;
				else if (n >= 0)
					bad++;
			}
		}
		if (done)
			ok++;
		else
			lost++;
	}
	printf("udp-echo: sizes=%d ok=%d bad=%d lost=%d retries=%d max=%d\n",
	       count, ok, bad, lost, retries, MAX_UDP);
	return ok == count ? 0 : 1;
}

static int sink(const char *ip, int ctlport, int sinkport, int count, int size,
		int pps)
{
	struct sockaddr_in to = addr_of(ip, sinkport);
	unsigned char buf[MAX_UDP];
	char reply[256];
	int s = udp_socket(0), sent = 0;
	unsigned got = 0, unique = 0, dup = 0, badn = 0, max = 0;
	double t0;

	if (size < 4 || size > MAX_UDP || count > MAX_SEQ)
		return 2;
	if (ctl(ip, ctlport, "sink-reset", reply, sizeof(reply)))
		return 1;
	t0 = now();
	for (int i = 0; i < count; i++) {
		fill(buf, size, i);
		if (sendto(s, buf, size, 0, (struct sockaddr *)&to, sizeof(to)) == size)
			sent++;
		if (pps > 0) {
			double due = t0 + (double)(i + 1) / pps;

			while (now() < due)
				usleep(200);
		}
	}
	sleep(2);	/* let the tail arrive */
	if (ctl(ip, ctlport, "sink-stats", reply, sizeof(reply)))
		return 1;
	sscanf(reply, "ok got=%u unique=%u dup=%u bad=%u max=%u", &got, &unique,
	       &dup, &badn, &max);
	printf("udp-stream: dir=dom0-to-pvk count=%d size=%d sent=%d got=%u lost=%d dup=%u bad=%u seconds=%.1f\n",
	       count, size, sent, unique, sent - (int)unique, dup, badn,
	       now() - t0);
	return unique > 0 ? 0 : 1;
}

static int stream(const char *ip, int ctlport, int count, int size)
{
	static unsigned char seen[MAX_SEQ / 8];
	struct sockaddr_in to = addr_of(ip, ctlport);
	int data = udp_socket(0), cs = udp_socket(0);
	unsigned unique = 0, dup = 0, bad = 0, reordered = 0, last = 0;
	unsigned sent = 0, failed = 0;
	unsigned char buf[MAX_UDP + 16];
	char cmd[64], reply[256] = "";
	double t0 = now(), quiet_until = 0;
	int have_reply = 0;

	if (count > MAX_SEQ)
		return 2;
	snprintf(cmd, sizeof(cmd), "stream %d %d %d", count, size, local_port(data));
	sendto(cs, cmd, strlen(cmd), 0, (struct sockaddr *)&to, sizeof(to));
	for (;;) {
		struct pollfd p[2] = { { data, POLLIN, 0 }, { cs, POLLIN, 0 } };

		if (have_reply && now() > quiet_until)
			break;
		if (!have_reply && now() - t0 > 180) {
			snprintf(reply, sizeof(reply), "error no reply");
			break;
		}
		if (poll(p, 2, 200) <= 0)
			continue;
		if (p[1].revents & POLLIN) {
			ssize_t n = recv(cs, reply, sizeof(reply) - 1, 0);

			if (n >= 0) {
				reply[n] = '\0';
				have_reply = 1;
				quiet_until = now() + 1.0;
			}
		}
		if (p[0].revents & POLLIN) {
			ssize_t n = recv(data, buf, sizeof(buf), 0);
			uint32_t seq;

			if (n < 4) {
				bad++;
				continue;
			}
			memcpy(&seq, buf, 4);
			seq = ntohl(seq);
			if (seq >= (unsigned)count) {
				bad++;
				continue;
			}
			if (seen[seq / 8] & (1 << (seq % 8))) {
				dup++;
				continue;
			}
			seen[seq / 8] |= 1 << (seq % 8);
			if (unique && seq < last)
				reordered++;
			last = seq;
			unique++;
			if (have_reply)
				quiet_until = now() + 1.0;
		}
	}
	sscanf(reply, "ok sent=%u failed=%u", &sent, &failed);
	printf("udp-stream: dir=pvk-to-dom0 count=%d size=%d sent=%u failed=%u got=%u lost=%d dup=%u reordered=%u bad=%u seconds=%.1f reply='%s'\n",
	       count, size, sent, failed, unique, (int)sent - (int)unique, dup,
	       reordered, bad, now() - t0, reply);
	return unique > 0 ? 0 : 1;
}

static uint16_t icmp_sum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int flood(const char *ip, int seconds)
{
	struct sockaddr_in to = addr_of(ip, 0);
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	uint16_t id = (uint16_t)getpid(), seq = 0;
	unsigned long rtts = 0, lost = 0;
	double t0 = now(), end = t0 + seconds, elapsed;

	if (s < 0)
		die("raw socket");
	while (now() < end) {
		unsigned char pkt[64] = { 0 }, in[1500];
		struct icmphdr *h = (struct icmphdr *)pkt;
		double deadline;
		int done = 0;

		h->type = ICMP_ECHO;
		h->un.echo.id = htons(id);
		h->un.echo.sequence = htons(++seq);
		for (size_t i = sizeof(*h); i < sizeof(pkt); i++)
			pkt[i] = (unsigned char)i;
		h->checksum = icmp_sum(pkt, sizeof(pkt));
		if (sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			die("sendto");
		deadline = now() + 1.0;
		while (!done && now() < deadline) {
			ssize_t n;
			struct icmphdr *r;
			size_t ihl;

			if (!wait_readable(s, 100))
				continue;
			n = recv(s, in, sizeof(in), 0);
			if (n < 20)
				continue;
			ihl = (in[0] & 0xf) * 4;
			if ((size_t)n < ihl + sizeof(*r))
				continue;
			r = (struct icmphdr *)(in + ihl);
			if (r->type == ICMP_ECHOREPLY && ntohs(r->un.echo.id) == id &&
			    ntohs(r->un.echo.sequence) == seq)
				done = 1;
		}
		if (done)
			rtts++;
		else
			lost++;
	}
	elapsed = now() - t0;
	printf("ping-flood: round_trips=%lu lost=%lu seconds=%.2f rate=%.1f\n",
	       rtts, lost, elapsed, rtts / elapsed);
	return rtts > 0 ? 0 : 1;
}

/* All of @len bytes to @fd; 0, or -1 on an error. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static int unix_echo(const char *path, int seconds, const char *record)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	double t0 = now(), connected;
	unsigned long bytes = 0;
	const char *end = "timeout";
	char buf[4096];
	int s = -1, rec;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "socket path too long: %s\n", path);
		return 2;
	}
	strcpy(a.sun_path, path);
	rec = open(record, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (rec < 0)
		die(record);
	/* The device model creates the socket while the guest is built. */
	while (now() - t0 < seconds) {
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0)
			die("socket");
		if (!connect(s, (struct sockaddr *)&a, sizeof(a)))
			break;
		close(s);
		s = -1;
		usleep(100000);
	}
	if (s < 0) {
		printf("unix-echo: path=%s connected=no\n", path);
		return 1;
	}
	connected = now() - t0;
	while (now() - t0 < seconds) {
		ssize_t n;

		if (!wait_readable(s, 500))
			continue;
		n = read(s, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			end = n ? "error" : "peer";
			break;
		}
		bytes += n;
		if (write_all(rec, buf, n) || write_all(s, buf, n)) {
			end = "write-error";
			break;
		}
	}
	printf("unix-echo: path=%s connected_after=%.1fs bytes=%lu end=%s\n",
	       path, connected, bytes, end);
	close(s);
	close(rec);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: net-tool echo-server PORT\n"
		"       net-tool ctl IP PORT COMMAND...\n"
		"       net-tool udp-echo IP PORT COUNT\n"
		"       net-tool sink IP CTLPORT SINKPORT COUNT SIZE PPS\n"
		"       net-tool stream IP CTLPORT COUNT SIZE\n"
		"       net-tool flood IP SECONDS\n"
		"       net-tool unix-echo PATH SECONDS RECORD\n");
	exit(2);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "echo-server") && argc == 3)
		echo_server(atoi(argv[2]));
	if (!strcmp(argv[1], "ctl") && argc >= 5) {
		char cmd[256] = "", reply[512];
		int err;

		for (int i = 4; i < argc; i++) {
			if (i > 4)
				strncat(cmd, " ", sizeof(cmd) - strlen(cmd) - 1);
			strncat(cmd, argv[i], sizeof(cmd) - strlen(cmd) - 1);
		}
		err = ctl(argv[2], atoi(argv[3]), cmd, reply, sizeof(reply));
		printf("%s\n", reply);
		return err || strncmp(reply, "error", 5) == 0;
	}
	if (!strcmp(argv[1], "udp-echo") && argc == 5)
		return udp_echo(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(argv[1], "sink") && argc == 8)
		return sink(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]),
			    atoi(argv[6]), atoi(argv[7]));
	if (!strcmp(argv[1], "stream") && argc == 6)
		return stream(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	if (!strcmp(argv[1], "flood") && argc == 4)
		return flood(argv[2], atoi(argv[3]));
	if (!strcmp(argv[1], "unix-echo") && argc == 5)
		return unix_echo(argv[2], atoi(argv[3]), argv[4]);
	usage();
	return 2;
}
