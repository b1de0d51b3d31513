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
 *   net-tool unix-ask PATH SECONDS TEXT
 *	connect to the unix stream socket PATH (retried until it accepts),
 *	send TEXT and a newline, and wait until as many bytes came back;
 *	exit 0 if they are TEXT and the newline, all within SECONDS (pvk's
 *	channel echo service on the other end: drivers/xen/console-front-echo.c)
 *   net-tool blk-loop IP PORT FIRST SECTORS STOPFILE STATEFILE
 *	write through pvk's UDP block service (include/pvk/blk-udp.h) to
 *	sectors FIRST..FIRST+SECTORS-1 over and over, BLK_WINDOW requests
 *	in flight, each sent again with the same seq until answered, until
 *	file STOPFILE exists; then wait up to BLK_DRAIN_S for the writes
 *	still unanswered and write STATEFILE: per sector, the seq of the
 *	last write pvk acknowledged and that of a later write it never
 *	answered (0: none), which may or may not have reached the disk
 *   net-tool blk-verify IP PORT STATEFILE
 *	read each acknowledged sector of STATEFILE back through the
 *	service and check it holds its last acknowledged write (or the
 *	unanswered one after it); name the sectors that do not
 *   net-tool blk-verify-file IMAGE STATEFILE
 *	the same check on the disk image itself (after the guest is gone)
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

/* Send echo request @seq of @id to @to; 0, or -1 when it was refused. */
static int icmp_echo_send(int s, const struct sockaddr_in *to, uint16_t id,
			  uint16_t seq)
{
	unsigned char pkt[64] = { 0 };
	struct icmphdr *h = (struct icmphdr *)pkt;

	h->type = ICMP_ECHO;
	h->un.echo.id = htons(id);
	h->un.echo.sequence = htons(seq);
	for (size_t i = sizeof(*h); i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)i;
	h->checksum = icmp_sum(pkt, sizeof(pkt));
	return sendto(s, pkt, sizeof(pkt), 0, (const struct sockaddr *)to,
		      sizeof(*to)) < 0 ? -1 : 0;
}

/* Wait up to @ms for one echo reply of @id: its sequence, or -1. */
static int icmp_echo_reply(int s, int ms, uint16_t id)
{
	unsigned char in[1500];
	struct icmphdr *r;
	ssize_t n;
	size_t ihl;

	if (!wait_readable(s, ms))
		return -1;
	n = recv(s, in, sizeof(in), 0);
	if (n < 20)
		return -1;
	ihl = (in[0] & 0xf) * 4;
	if ((size_t)n < ihl + sizeof(*r))
		return -1;
	r = (struct icmphdr *)(in + ihl);
	if (r->type != ICMP_ECHOREPLY || ntohs(r->un.echo.id) != id)
		return -1;
	return ntohs(r->un.echo.sequence);
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
		double deadline;
		int done = 0;

		if (icmp_echo_send(s, &to, id, ++seq))
			die("sendto");
		deadline = now() + 1.0;
		while (!done && now() < deadline)
			done = icmp_echo_reply(s, 100, id) == seq;
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

/*
 * Until @stopfile exists: an ICMP echo to @ip every GAP_TICK_MS, the
 * time of each reply (to any of them) kept.  The longest time between
 * two replies is what a guest's outage (a live migration's downtime)
 * looks like from here, to a tick's precision; it counts only between
 * replies, so a guest that never answered again shows no gap but
 * answered=0 after it.
 */
#define GAP_TICK_MS	10

static int ping_gaps(const char *ip, const char *stopfile)
{
	struct sockaddr_in to = addr_of(ip, 0);
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	uint16_t id = (uint16_t)getpid(), seq = 0;
	unsigned long sent = 0, refused = 0, answered = 0;
	double t0 = now(), last = 0, gap = 0, gap_at = 0;

	if (s < 0)
		die("raw socket");
	while (access(stopfile, F_OK) != 0) {
		double tick_end = now() + GAP_TICK_MS / 1000.0;

		/*
		 * While the guest is away its neighbour entry fails and
		 * sends are refused (EHOSTUNREACH, ENOBUFS): a lost ping.
		 */
		if (icmp_echo_send(s, &to, id, ++seq))
			refused++;
		sent++;
		while (now() < tick_end) {
			int ms = (int)((tick_end - now()) * 1000) + 1;

			if (icmp_echo_reply(s, ms, id) < 0)
				continue;
			if (answered && now() - last > gap) {
				gap = now() - last;
				gap_at = last - t0;
			}
			last = now();
			answered++;
		}
	}
	printf("ping-gaps: sent=%lu refused=%lu answered=%lu longest_gap_ms=%.0f gap_after_s=%.2f ran_seconds=%.2f\n",
	       sent, refused, answered, gap * 1000, gap_at, now() - t0);
	return answered > 0 ? 0 : 1;
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

/* A connected unix stream socket to PATH, retried until @deadline; -1. */
static int unix_connect(const char *path, double deadline)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	while (now() < deadline) {
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0)
			die("socket");
		if (!connect(s, (struct sockaddr *)&a, sizeof(a)))
			return s;
		close(s);
		usleep(100000);
	}
	return -1;
}

static int unix_ask(const char *path, int seconds, const char *text)
{
	double t0 = now(), deadline = t0 + seconds;
	size_t want = strlen(text) + 1, got = 0;
	char *sent = malloc(want + 1), *back = malloc(want);
	const char *end = "timeout";
	int s, intact;

	if (!sent || !back)
		die("malloc");
	snprintf(sent, want + 1, "%s\n", text);
	s = unix_connect(path, deadline);
	if (s < 0) {
		printf("unix-ask: path=%s connected=no\n", path);
		return 1;
	}
	if (write_all(s, sent, want)) {
		end = "write-error";
		goto out;
	}
	while (got < want && now() < deadline) {
		ssize_t n;

		if (!wait_readable(s, 200))
			continue;
		n = read(s, back + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			end = n ? "error" : "peer";
			break;
		}
		got += n;
	}
	if (got == want)
		end = "done";
out:
	intact = got == want && !memcmp(sent, back, want);
	printf("unix-ask: path=%s sent=%zu echoed=%zu intact=%s after=%.1fs end=%s\n",
	       path, want, got, intact ? "yes" : "no", now() - t0, end);
	close(s);
	free(sent);
	free(back);
	return intact ? 0 : 1;
}

/* ---- the UDP block service (include/pvk/blk-udp.h) --------------------- */

#define BLK_MAGIC	0x50564b42u	/* "PVKB" */
#define BLK_HDR		24
#define BLK_READ	1
#define BLK_WRITE	2
#define BLK_REPLY	0x80
#define BLK_BUSY	7		/* BLKUDP_E_BUSY: send again */
#define BLK_SECTOR	512
#define BLK_WINDOW	8		/* requests in flight */
#define BLK_RETRY_MS	500		/* unanswered this long: send again */
#define BLK_DRAIN_S	90		/* after the stop, for the last replies */
#define BLK_MAX_SECTORS	(1 << 16)
#define BLK_SHOW_BAD	20		/* sectors named in the output */
#define BLK_SILENT_S	30		/* verify: no reply this long, give up */

struct blk_op {
	int active;
	uint8_t op;
	uint32_t seq;
	uint64_t sector;
	uint32_t len;
	double sent;
	int tries;
};

struct blk_client {
	int s;
	struct sockaddr_in to;
	struct blk_op ops[BLK_WINDOW];
	unsigned long retries, busy, malformed;
};

/*
 * The pattern of @sector as written by write @seq: a tag (so a wrong
 * sector tells whose data it holds), then bytes that depend on both.
 */
static void blk_pattern(unsigned char *b, uint64_t sector, uint32_t seq)
{
	uint32_t v;

	memcpy(b, "PVKD", 4);
	v = htonl(seq);
	memcpy(b + 4, &v, 4);
	v = htonl((uint32_t)(sector >> 32));
	memcpy(b + 8, &v, 4);
	v = htonl((uint32_t)sector);
	memcpy(b + 12, &v, 4);
	for (int i = 16; i < BLK_SECTOR; i++)
		b[i] = (unsigned char)(sector * 131 + seq * 7 + i);
}

/* The seq a sector's tag names, or 0 if it holds no write of ours there. */
static uint32_t blk_tag(const unsigned char *b, uint64_t sector)
{
	unsigned char want[BLK_SECTOR];
	uint32_t seq;

	if (memcmp(b, "PVKD", 4))
		return 0;
	memcpy(&seq, b + 4, 4);
	seq = ntohl(seq);
	blk_pattern(want, sector, seq);
	return memcmp(b, want, BLK_SECTOR) ? 0 : seq;
}

static void put32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static void blk_send(struct blk_client *c, struct blk_op *o)
{
	unsigned char msg[BLK_HDR + 2 * BLK_SECTOR];
	size_t len = BLK_HDR;

	put32(msg, BLK_MAGIC);
	msg[4] = o->op;
	msg[5] = msg[6] = msg[7] = 0;
	put32(msg + 8, o->seq);
	put32(msg + 12, (uint32_t)(o->sector >> 32));
	put32(msg + 16, (uint32_t)o->sector);
	put32(msg + 20, o->len);
	if (o->op == BLK_WRITE) {
		for (uint32_t i = 0; i < o->len / BLK_SECTOR; i++)
			blk_pattern(msg + BLK_HDR + i * BLK_SECTOR, o->sector + i,
				    o->seq);
		len += o->len;
	}
	if (o->tries++)
		c->retries++;
	o->sent = now();
	sendto(c->s, msg, len, 0, (struct sockaddr *)&c->to, sizeof(c->to));
}

static struct blk_op *blk_free_op(struct blk_client *c)
{
	for (int i = 0; i < BLK_WINDOW; i++)
		if (!c->ops[i].active)
			return &c->ops[i];
	return NULL;
}

static int blk_in_flight(const struct blk_client *c)
{
	int n = 0;

	for (int i = 0; i < BLK_WINDOW; i++)
		n += c->ops[i].active;
	return n;
}

/* Does [@sector, +@n) overlap a request in flight? */
static int blk_overlaps(const struct blk_client *c, uint64_t sector, uint32_t n)
{
	for (int i = 0; i < BLK_WINDOW; i++) {
		const struct blk_op *o = &c->ops[i];

		if (o->active && sector < o->sector + o->len / BLK_SECTOR &&
		    o->sector < sector + n)
			return 1;
	}
	return 0;
}

/*
 * Wait up to @ms for one reply; resend what went unanswered too long.
 * Returns the finished request (@status, @data filled), or NULL.  A
 * busy service's answer or a stale reply (a retry's twin) finishes
 * nothing.
 */
static struct blk_op *blk_poll(struct blk_client *c, int ms, int *status,
			       unsigned char *data)
{
	unsigned char in[MAX_UDP + 16];
	double t = now();
	ssize_t n;

	for (int i = 0; i < BLK_WINDOW; i++)
		if (c->ops[i].active && t - c->ops[i].sent > BLK_RETRY_MS / 1e3)
			blk_send(c, &c->ops[i]);
	if (!wait_readable(c->s, ms))
		return NULL;
	n = recv(c->s, in, sizeof(in), 0);
	if (n < BLK_HDR || get32(in) != BLK_MAGIC) {
		c->malformed++;
		return NULL;
	}
	for (int i = 0; i < BLK_WINDOW; i++) {
		struct blk_op *o = &c->ops[i];

		if (!o->active || get32(in + 8) != o->seq)
			continue;
		if (in[4] != (o->op | BLK_REPLY) || get32(in + 20) != o->len ||
		    get32(in + 16) != (uint32_t)o->sector) {
			c->malformed++;
			return NULL;
		}
		if (in[5] == BLK_BUSY) {
			c->busy++;
			return NULL;	/* sent again after BLK_RETRY_MS */
		}
		*status = in[5];
		if (!in[5] && o->op == BLK_READ) {
			if (n != BLK_HDR + (ssize_t)o->len) {
				c->malformed++;
				return NULL;
			}
			memcpy(data, in + BLK_HDR, o->len);
		}
		o->active = 0;
		return o;
	}
	return NULL;	/* the twin of a reply already taken */
}

static void blk_client_init(struct blk_client *c, const char *ip, int port)
{
	memset(c, 0, sizeof(*c));
	c->to = addr_of(ip, port);
	c->s = udp_socket(0);
}

/* Per sector of the loop's region: what a read may find there. */
struct blk_state {
	uint32_t acked;		/* last acknowledged write, 0: none */
	uint32_t maybe;		/* a later write never answered, 0: none */
};

static int blk_save_state(const char *path, uint64_t first,
			  const struct blk_state *st, uint32_t sectors)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (uint32_t i = 0; i < sectors; i++)
		if (st[i].acked || st[i].maybe)
			fprintf(f, "%llu %u %u\n", (unsigned long long)(first + i),
				st[i].acked, st[i].maybe);
	return fclose(f);
}

static void blk_finish_write(struct blk_state *st, uint64_t first,
			     const struct blk_op *o, int status,
			     unsigned long *acked, unsigned long *errors)
{
	for (uint32_t i = 0; i < o->len / BLK_SECTOR; i++) {
		struct blk_state *x = &st[o->sector - first + i];

		if (status) {
			x->maybe = o->seq;
		} else {
			x->acked = o->seq;
			x->maybe = 0;
		}
	}
	if (status) {
		(*errors)++;
		printf("blk-loop: write seq %u (%u bytes at sector %llu) failed: status %d\n",
		       o->seq, o->len, (unsigned long long)o->sector, status);
	} else {
		(*acked)++;
	}
}

static int blk_loop(const char *ip, int port, uint64_t first, uint32_t sectors,
		    const char *stop, const char *statefile)
{
	static struct blk_state st[BLK_MAX_SECTORS];
	static struct blk_client c;
	unsigned long sent = 0, acked = 0, errors = 0, unacked = 0;
	double t0 = now(), last_ack = t0, gap = 0, next_report = t0 + 1;
	double drain_end = 0;
	uint32_t seq = 0, cursor = 0;

	if (!sectors || sectors > BLK_MAX_SECTORS || sectors < 4 * BLK_WINDOW)
		return 2;
	blk_client_init(&c, ip, port);
	for (;;) {
		struct blk_op *o = blk_free_op(&c);
		int status;

		if (!drain_end && !access(stop, F_OK))
			drain_end = now() + BLK_DRAIN_S;
		if (drain_end && (!blk_in_flight(&c) || now() > drain_end))
			break;
		/* One sector, or two every third write; never one in flight. */
		if (o && !drain_end) {
			uint32_t n = seq % 3 == 2 ? 2 : 1;

			if (cursor + n > sectors)
				cursor = 0;
			if (!blk_overlaps(&c, first + cursor, n)) {
				*o = (struct blk_op){ .active = 1, .op = BLK_WRITE,
					.seq = ++seq, .sector = first + cursor,
					.len = n * BLK_SECTOR };
				cursor += n;
				blk_send(&c, o);
				sent++;
				continue;
			}
		}
		o = blk_poll(&c, 20, &status, NULL);
		if (o) {
			if (!status) {
				if (now() - last_ack > gap)
					gap = now() - last_ack;
				last_ack = now();
			}
			blk_finish_write(st, first, o, status, &acked, &errors);
		}
		if (now() > next_report) {
			printf("blk-loop: progress t=%.1f sent=%lu acked=%lu in_flight=%d\n",
			       now() - t0, sent, acked, blk_in_flight(&c));
			next_report = now() + 1;
		}
	}
	/*
	 * What is still unanswered may or may not have reached the disk.
	 * (A retry's twin may also still be with pvk when the first copy is
	 * acknowledged: it writes the same data, and the region is written
	 * again only a whole pass, over a thousand writes, later.)
	 */
	for (int i = 0; i < BLK_WINDOW; i++) {
		struct blk_op *o = &c.ops[i];

		if (!o->active)
			continue;
		unacked++;
		for (uint32_t k = 0; k < o->len / BLK_SECTOR; k++)
			st[o->sector - first + k].maybe = o->seq;
	}
	if (blk_save_state(statefile, first, st, sectors))
		die(statefile);
	printf("blk-loop: sent=%lu acked=%lu unacked=%lu errors=%lu retries=%lu busy=%lu malformed=%lu longest_gap=%.1f seconds=%.1f\n",
	       sent, acked, unacked, errors, c.retries, c.busy, c.malformed,
	       gap, now() - t0);
	return acked > 0 && !errors && !unacked ? 0 : 1;
}

struct blk_expect {
	uint64_t sector;
	uint32_t acked, maybe;
};

static struct blk_expect *blk_load_state(const char *path, size_t *count)
{
	struct blk_expect *v = calloc(BLK_MAX_SECTORS, sizeof(*v));
	unsigned long long sector;
	unsigned int acked, maybe;
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (!f || !v)
		die(path);
	while (n < BLK_MAX_SECTORS &&
	       fscanf(f, "%llu %u %u", &sector, &acked, &maybe) == 3)
		v[n++] = (struct blk_expect){ sector, acked, maybe };
	fclose(f);
	*count = n;
	return v;
}

/*
 * Is @data what @e allows: its acknowledged write, or the unanswered one
 * after it?  A sector no acknowledged write reached is not checked.
 */
static int blk_check(const char *mode, const struct blk_expect *e,
		     const unsigned char *data, unsigned long *lost)
{
	uint32_t tag = blk_tag(data, e->sector);

	if (tag && (tag == e->acked || tag == e->maybe))
		return 1;
	if ((*lost)++ >= BLK_SHOW_BAD)
		return 0;
	if (tag)
		printf("%s: LOST sector %llu: acknowledged write seq %u, holds write seq %u\n",
		       mode, (unsigned long long)e->sector, e->acked, tag);
	else
		printf("%s: LOST sector %llu: acknowledged write seq %u, holds no write of ours\n",
		       mode, (unsigned long long)e->sector, e->acked);
	return 0;
}

static int blk_verify(const char *ip, int port, const char *statefile)
{
	static struct blk_client c;
	unsigned char data[BLK_SECTOR];
	unsigned long checked = 0, ok = 0, lost = 0, unreadable = 0;
	size_t count, next = 0;
	struct blk_expect *v = blk_load_state(statefile, &count);
	size_t owner[BLK_WINDOW];
	double t0 = now(), last_reply = t0;
	uint32_t seq = 0;

	blk_client_init(&c, ip, port);
	while (next < count || blk_in_flight(&c)) {
		struct blk_op *o = blk_free_op(&c);
		int status;

		if (o && next < count) {
			if (!v[next].acked) {
				next++;
				continue;
			}
			*o = (struct blk_op){ .active = 1, .op = BLK_READ,
				.seq = ++seq, .sector = v[next].sector,
				.len = BLK_SECTOR };
			owner[o - c.ops] = next++;
			blk_send(&c, o);
			continue;
		}
		o = blk_poll(&c, 20, &status, data);
		if (!o) {
			/* pvk stopped answering: the rest cannot be read. */
			if (now() - last_reply < BLK_SILENT_S)
				continue;
			unreadable += blk_in_flight(&c);
			for (; next < count; next++)
				unreadable += v[next].acked != 0;
			printf("blk-verify: no reply for %d s, giving up\n", BLK_SILENT_S);
			break;
		}
		last_reply = now();
		checked++;
		if (status) {
			unreadable++;
			printf("blk-verify: sector %llu: read failed, status %d\n",
			       (unsigned long long)o->sector, status);
			continue;
		}
		ok += blk_check("blk-verify", &v[owner[o - c.ops]], data, &lost);
	}
	printf("blk-verify: sectors=%zu checked=%lu ok=%lu lost=%lu unreadable=%lu retries=%lu seconds=%.1f\n",
	       count, checked, ok, lost, unreadable, c.retries, now() - t0);
	free(v);
	return ok > 0 && !lost && !unreadable ? 0 : 1;
}

static int blk_verify_file(const char *image, const char *statefile)
{
	unsigned char data[BLK_SECTOR];
	unsigned long checked = 0, ok = 0, lost = 0, unreadable = 0;
	size_t count;
	struct blk_expect *v = blk_load_state(statefile, &count);
	int fd = open(image, O_RDONLY);

	if (fd < 0)
		die(image);
	for (size_t i = 0; i < count; i++) {
		if (!v[i].acked)
			continue;
		checked++;
		if (pread(fd, data, BLK_SECTOR, (off_t)v[i].sector * BLK_SECTOR) !=
		    BLK_SECTOR) {
			unreadable++;
			continue;
		}
		ok += blk_check("blk-verify-file", &v[i], data, &lost);
	}
	close(fd);
	printf("blk-verify-file: sectors=%zu checked=%lu ok=%lu lost=%lu unreadable=%lu\n",
	       count, checked, ok, lost, unreadable);
	free(v);
	return ok > 0 && !lost && !unreadable ? 0 : 1;
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
		"       net-tool gaps IP STOPFILE\n"
		"       net-tool unix-echo PATH SECONDS RECORD\n"
		"       net-tool unix-ask PATH SECONDS TEXT\n"
		"       net-tool blk-loop IP PORT FIRST SECTORS STOPFILE STATEFILE\n"
		"       net-tool blk-verify IP PORT STATEFILE\n"
		"       net-tool blk-verify-file IMAGE STATEFILE\n");
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
	if (!strcmp(argv[1], "gaps") && argc == 4)
		return ping_gaps(argv[2], argv[3]);
	if (!strcmp(argv[1], "unix-echo") && argc == 5)
		return unix_echo(argv[2], atoi(argv[3]), argv[4]);
	if (!strcmp(argv[1], "unix-ask") && argc == 5)
		return unix_ask(argv[2], atoi(argv[3]), argv[4]);
	if (!strcmp(argv[1], "blk-loop") && argc == 8)
		return blk_loop(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 0),
				(uint32_t)strtoul(argv[5], NULL, 0), argv[6], argv[7]);
	if (!strcmp(argv[1], "blk-verify") && argc == 5)
		return blk_verify(argv[2], atoi(argv[3]), argv[4]);
	if (!strcmp(argv[1], "blk-verify-file") && argc == 4)
		return blk_verify_file(argv[2], argv[3]);
	usage();
	return 2;
}
