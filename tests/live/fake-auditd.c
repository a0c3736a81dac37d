/*
 * fake-auditd: register as the audit daemon (AUDIT_SET pid), read and
 * discard records until SIGTERM/SIGINT, then unregister.  Prints "ready" once
 * registered; exits 3 if the slot is taken.
 *
 * fake-auditd --take PID: take the slot from PID, a live daemon.  A stopped
 * daemon with a full socket cannot be replaced (the kernel's probe times out
 * with EAGAIN, which is not a reason to let go: EEXIST); a daemon whose socket
 * refuses unicast (ECONNREFUSED) is dropped at once, as a dead one would be.
 * So: copy PID's NETLINK_AUDIT sockets (pidfd_getfd), connect each in turn
 * to a port that is not the kernel's -- the kernel then refuses to deliver to
 * it -- and register; on EEXIST that was not the daemon's socket: disconnect
 * it and try the next.  The old daemon's socket stays connected (refusing):
 * disconnected, it would take again what kauditd still sends it from a pass
 * over its queue begun before the switch.  Exits 3 if no socket of PID gave
 * up the slot.
 *
 * fake-auditd --try N: try to register N times (100 ms apart) before giving
 * up; exits 3 if every try found the slot taken.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

static int connect_to(int fd, unsigned port)
{
	struct sockaddr_nl sa = { .nl_family = port ? AF_NETLINK : AF_UNSPEC, .nl_pid = port };

	return connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

static int take(int fd, pid_t victim)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	int pidfd = (int)syscall(SYS_pidfd_open, victim, 0), r = -EEXIST;

	if (pidfd < 0) {
		perror("fake-auditd: pidfd_open");
		return -errno;
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)victim);
	d = opendir(path);
	if (!d) {
		perror("fake-auditd: /proc/PID/fd");
		return -errno;
	}
	while ((de = readdir(d))) {
		int tfd = atoi(de->d_name), s, dom = 0, proto = 0;
		socklen_t l = sizeof(int);

		if (de->d_name[0] == '.')
			continue;
		s = (int)syscall(SYS_pidfd_getfd, pidfd, tfd, 0);
		if (s < 0)
			continue;
		if (getsockopt(s, SOL_SOCKET, SO_DOMAIN, &dom, &l) < 0 || dom != AF_NETLINK ||
		    getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &proto, &l) < 0 || proto != NETLINK_AUDIT) {
			close(s);
			continue;
		}
		/* any port but the kernel's (0): ours */
		if (connect_to(s, (unsigned)getpid()) < 0) {
			close(s);
			continue;
		}
		r = set_pid(fd, (unsigned)getpid());
		if (r != 0)
			(void)connect_to(s, 0);
		close(s);
		if (r != -EEXIST) {
			if (r == 0)
				fprintf(stderr, "fake-auditd: took the slot from pid %d (its fd %d)\n", (int)victim, tfd);
			break;
		}
	}
	closedir(d);
	close(pidfd);
	return r;
}

int main(int argc, char **argv)
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
	if (argc == 3 && !strcmp(argv[1], "--take")) {
		r = take(fd, (pid_t)atoi(argv[2]));
	} else {
		int tries = argc == 3 && !strcmp(argv[1], "--try") ? atoi(argv[2]) : 1;

		r = set_pid(fd, (unsigned)getpid());
		while (r == -EEXIST && --tries > 0) {
			usleep(100000);
			r = set_pid(fd, (unsigned)getpid());
		}
	}
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
