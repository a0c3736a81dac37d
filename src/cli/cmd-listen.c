/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli-options.h"
#include "cli/cli-spawn.h"
#include "cli/cli.h"
#include "lib/util.h"
#include "scmplog/limits.h"
#include "scmplog/notify.h"
#include "scmplog/output.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog listen --socket PATH --out-dir DIR [OPTIONS]\n\n"
	       "The seccomp listener (agent) of containers whose profile reports its denials\n"
	       "by user notification ('scmplog log-profile --enforce PROFILE --listener PATH':\n"
	       "every syscall PROFILE denies is SCMP_ACT_NOTIFY, the profile's listenerPath is\n"
	       "PATH), for runtimes that cannot load a filter with SECCOMP_FILTER_FLAG_LOG\n"
	       "(runc 1.1).  The runtime connects to PATH when a container starts and hands\n"
	       "over the container's notification fd; each denied syscall is answered with the\n"
	       "profile's errno, so it stays denied, and appended to DIR/ID.denied.log (ID the\n"
	       "container id, made a safe file name, as 'collect' names DIR/ID.json) as the\n"
	       "line auditd writes for a SECCOMP record: 'scmplog explain DIR/ID.denied.log'\n"
	       "lists them, 'scmplog review --since-profile DIR/ID.json DIR/ID.denied.log'\n"
	       "proposes the next profile.\n\n"
	       "While a container runs, its denied syscalls wait for this process: keep it\n"
	       "running.  Once it is gone they fail with ENOSYS instead (still denied, but a\n"
	       "C library may take ENOSYS for an old kernel and fall back); a container started\n"
	       "while no listener runs fails to start.\n\n");
	cli_options_help(stdout, options);
	printf("\n"
	       "SIGTERM, SIGINT or SIGHUP end it.\n\n"
	       "Exit status: 0 after a signal; 1 on errors; 2 usage.\n");
}

struct conn {
	int fd;            /* notification fd */
	char name[SCL_MAX_FILE_NAME + 1];  /* DIR/NAME.denied.log */
	uint32_t errno_ret;
	char *id;
	unsigned long long denials;
};

struct listener {
	int dirfd;
	int lfd;
	struct conn *c;
	size_t n;
	unsigned long long serial, denials, containers;
	bool verbose;
};

static void conn_close(struct listener *l, size_t i)
{
	struct conn *c = &l->c[i];

	if (l->verbose)
		log_info("container '%s' gone: %llu denials", c->id, c->denials);
	close(c->fd);
	free(c->id);
	l->c[i] = l->c[--l->n];
}

static void accept_one(struct listener *l)
{
	_cleanup_free_ char *buf = malloc(SCL_MAX_LISTENER_STATE);
	_cleanup_free_ char *id = NULL;
	_cleanup_close_ int fd = -1;
	struct conn *c;
	uint32_t e;
	size_t n;
	int r;

	if (!buf) {
		log_error("out of memory");
		return;
	}
	r = scl_notify_accept(l->lfd, 5000, buf, SCL_MAX_LISTENER_STATE, &n, &fd);
	if (r == -EAGAIN)
		return;
	if (r < 0) {
		log_error("cannot receive a container's seccomp fd: %s, skipping",
			  r == -EBADMSG ? "not one fd with the state" : strerror(-r));
		return;
	}
	r = scl_notify_parse_state(buf, n, &id, &e);
	if (r < 0) {
		log_error("a runtime sent a container state scmplog cannot read (no state.id, or "
			  "listenerMetadata other than errno=N), skipping");
		return;
	}
	if (l->n >= SCL_MAX_LISTENER_CONTAINERS) {
		log_error("container '%s': %d containers are served already (SCL_MAX_LISTENER_CONTAINERS), "
			  "skipping: its denials fail with ENOSYS", id, SCL_MAX_LISTENER_CONTAINERS);
		return;
	}
	c = &l->c[l->n];
	r = scl_sanitize_filename(id, strlen(id), c->name, sizeof(c->name));
	if (r < 0) {
		log_error("container '%s': cannot make a file name of its id, skipping", id);
		return;
	}
	c->fd = TAKE_FD(fd);
	c->errno_ret = e;
	c->id = TAKE_PTR(id);
	c->denials = 0;
	l->n++;
	l->containers++;
	if (l->verbose)
		log_info("container '%s': denials answered with errno %u, written to '%s.denied.log'",
			 c->id, e, c->name);
}

/* 0, or -errno when the notification fd failed (the container is then dropped). */
static int handle(struct listener *l, struct conn *c)
{
	scl_notify_denial d;
	int r;

	r = scl_notify_handle(c->fd, c->errno_ret, &d);
	if (r <= 0)
		return r;
	d.serial = ++l->serial;
	c->denials++;
	l->denials++;
	r = scl_notify_append(l->dirfd, c->name, &d);
	if (r < 0)
		log_error("cannot append a denial of container '%s' to '%s.denied.log': %s", c->id, c->name,
			  strerror(-r));
	return 0;
}

static int open_socket(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, r;

	if (strlen(path) >= sizeof(a.sun_path)) {
		log_error("--socket '%s': longer than a unix socket path can be (%zu bytes)", path,
			  sizeof(a.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_error("--socket '%s': exists and is not a socket", path);
			return -EEXIST;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			close(fd);
			log_error("--socket '%s': another listener serves it", path);
			return -EADDRINUSE;
		}
		if (fd >= 0)
			close(fd);
		(void)unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		r = -errno;
		log_error("cannot create a socket: %m");
		return r;
	}
	old = umask(0077);
	r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r < 0 || listen(fd, 64) < 0) {
		r = -errno;
		log_error("cannot listen on '%s': %s", path, strerror(-r));
		close(fd);
		return r;
	}
	return fd;
}

int cmd_listen(int argc, char **argv)
{
	struct listener l = { .dirfd = -1, .lfd = -1 };
	struct cli_signals sig = { .fd = -1 };
	_cleanup_free_ struct pollfd *p = NULL;
	const char *sock = NULL, *dir = NULL;
	bool verbose = false;
	int first, rc = EXIT_RUNTIME;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 0),
		CLI_OPT_STRING(0, "socket", &sock, "PATH",
			       "the unix socket to listen on (created mode 0600; a stale\n"
			       "socket there is replaced, any other file refused)"),
		CLI_OPT_STRING(0, "out-dir", &dir, "DIR", "write the denials here (default: $STATE_DIRECTORY)"),
		CLI_OPT_QUIET("no summary on stderr"),
		CLI_OPT_FLAG('v', "verbose", &verbose, "say when a container connects and when it is gone"),
		CLI_OPT_HELP(),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "listen", options, help, 0 };

	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		return rc;
	/* the table points at a flag of its own, not into l (clang-tidy then takes all of l as written) */
	l.verbose = verbose;
	if (first < argc) {
		log_error("listen takes no arguments; see 'scmplog listen --help'");
		return EXIT_USAGE;
	}
	if (!dir)
		dir = getenv("STATE_DIRECTORY");
	if (!sock || !dir || !*dir) {
		log_error("listen: --socket and --out-dir are required");
		return EXIT_USAGE;
	}
	l.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l.dirfd < 0) {
		log_error("cannot open output directory '%s': %m", dir);
		return EXIT_RUNTIME;
	}
	l.c = calloc(SCL_MAX_LISTENER_CONTAINERS, sizeof(*l.c));
	p = calloc(SCL_MAX_LISTENER_CONTAINERS + 2, sizeof(*p));
	if (!l.c || !p) {
		log_error("out of memory");
		goto out;
	}
	if (cli_signals_setup(&sig) < 0) {
		log_error("cannot set up signal handling: %m");
		goto out;
	}
	l.lfd = open_socket(sock);
	if (l.lfd < 0)
		goto out;
	if (l.verbose)
		log_info("listening on '%s', writing to '%s'", sock, dir);
	for (;;) {
		struct signalfd_siginfo si;
		size_t n = l.n;
		bool stop = false;

		p[0] = (struct pollfd){ .fd = sig.fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = l.lfd, .events = POLLIN };
		for (size_t i = 0; i < n; i++)
			p[i + 2] = (struct pollfd){ .fd = l.c[i].fd, .events = POLLIN };
		if (poll(p, n + 2, -1) < 0 && errno != EINTR) {
			log_error("poll: %m");
			goto out;
		}
		while (read(sig.fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			if (si.ssi_signo != SIGCHLD)
				stop = true;
		if (stop)
			break;
		/* from the end: conn_close() moves the last one into the freed slot */
		for (size_t i = n; i-- > 0;) {
			if (p[i + 2].revents & POLLIN) {
				int r = handle(&l, &l.c[i]);
				if (r < 0) {
					log_error("container '%s': cannot answer its denial: %s", l.c[i].id,
						  strerror(-r));
					conn_close(&l, i);
					continue;
				}
			}
			/* every process of the filter gone: POLLHUP */
			if (p[i + 2].revents & (POLLHUP | POLLERR | POLLNVAL) && !(p[i + 2].revents & POLLIN))
				conn_close(&l, i);
		}
		if (p[1].revents & POLLIN)
			accept_one(&l);
	}
	rc = EXIT_OK;
out:
	while (l.n)
		conn_close(&l, l.n - 1);
	if (l.lfd >= 0) {
		close(l.lfd);
		(void)unlink(sock);
	}
	if (rc == EXIT_OK && !cli_quiet)
		log_info("listen: %llu denials of %llu containers written to '%s'", l.denials, l.containers, dir);
	cli_signals_restore(&sig);
	free(l.c);
	if (l.dirfd >= 0)
		close(l.dirfd);
	return rc;
}
