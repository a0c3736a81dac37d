/*
 * stalled-auditd: register as the audit daemon with the smallest receive
 * buffer and never read, like a daemon that hangs.  The kernel's unicast to
 * it times out (HZ/10 since Linux 5.17), kauditd parks what it could not send
 * on its retry queue and, when that is full (backlog_limit), counts the
 * records in `lost` -- after it has sent them to the multicast group.  Prints
 * "ready" once registered; on SIGTERM/SIGINT empties its socket and
 * unregisters.  Exits 3 if the slot is taken.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int set_pid(int fd, unsigned pid, unsigned seq)
{
	struct { struct nlmsghdr h; struct audit_status s; } m = { 0 };
	static char buf[1 << 16];
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.s));
	m.h.nlmsg_type = AUDIT_SET;
	m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m.h.nlmsg_seq = seq;
	m.s.mask = AUDIT_STATUS_PID;
	m.s.pid = pid;
	if (sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	for (int i = 0; i < 100000; i++) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (poll(&p, 1, 2000) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
				continue;
			return -errno;
		}
		if (n >= (ssize_t)NLMSG_HDRLEN && h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == seq)
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	return -ETIMEDOUT;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static char buf[1 << 16];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r, one = 1;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	r = set_pid(fd, (unsigned)getpid(), 1);
	if (r < 0) {
		fprintf(stderr, "stalled-auditd: AUDIT_SET pid: %s\n", strerror(-r));
		return r == -EEXIST ? 3 : 1;
	}
	/* the kernel's minimum: a record or two fills it */
	r = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r, sizeof(r));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	/* room for the ACK, then unregister */
	r = 1 << 20;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r, sizeof(r));
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0 || errno == ENOBUFS)
		;
	r = set_pid(fd, 0, 2);
	if (r < 0)
		fprintf(stderr, "stalled-auditd: unregister: %s\n", strerror(-r));
	return r < 0;
}
