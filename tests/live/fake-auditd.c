/*
 * fake-auditd: register as the audit daemon (AUDIT_SET pid), read and
 * discard records until SIGTERM/SIGINT, then unregister.  Prints "ready" once
 * registered; exits 3 if the slot is taken.
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

static int set_pid(int fd, unsigned pid)
{
	struct { struct nlmsghdr h; struct audit_status s; } m = { 0 };
	char buf[8192];
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.s));
	m.h.nlmsg_type = AUDIT_SET;
	m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m.h.nlmsg_seq = pid ? 1 : 2;
	m.s.mask = AUDIT_STATUS_PID;
	m.s.pid = pid;
	if (sendto(fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	for (int i = 0; i < 1000; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		if (n < 0)
			return -errno;
		if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == m.h.nlmsg_seq)
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	return -ETIMEDOUT;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char buf[9216];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	r = set_pid(fd, (unsigned)getpid());
	if (r < 0) {
		fprintf(stderr, "fake-auditd: AUDIT_SET pid: %s\n", strerror(-r));
		return r == -EEXIST ? 3 : 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 200) > 0)
			(void)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	}
	r = set_pid(fd, 0);
	if (r < 0)
		fprintf(stderr, "fake-auditd: unregister: %s\n", strerror(-r));
	return r < 0;
}
