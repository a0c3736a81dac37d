/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli-spawn.h"
#include "cli/cli.h"
#include "scmplog/num.h"
#include "lib/util.h"

/* ---- running a command ---- */

static struct sigaction old_pipe;

int cli_signals_setup(struct cli_signals *s)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &s->old) < 0)
		return -errno;
	s->blocked = true;
	s->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->fd < 0) {
		int r = -errno;
		cli_signals_restore(s);
		return r;
	}
	/* A closed stdout must give EPIPE, not kill us before settings are restored. */
	sigaction(SIGPIPE, &ign, &old_pipe);
	return 0;
}

void cli_signals_restore(struct cli_signals *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->blocked) {
		sigaction(SIGPIPE, &old_pipe, NULL);
		sigprocmask(SIG_SETMASK, &s->old, NULL);
	}
	s->blocked = false;
}

static int read_u32_file(const char *path, uint64_t *ret)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	return scl_parse_u64(buf, (size_t)n, UINT32_MAX, ret);
}

/*
 * In the child: a new audit session.  Writing a valid uid to the loginuid
 * gives the task a fresh, never reused session id that fork() copies, so
 * every record of the command's tree carries it.  The auid stays the same
 * when set (the person behind the command), else becomes our uid.
 */
static int child_new_session(uint32_t *ret)
{
	char buf[16];
	uint64_t auid, ses;
	int fd, n, r;

	r = read_u32_file("/proc/self/loginuid", &auid);
	if (r < 0)
		return r;
	if (auid == UINT32_MAX)
		auid = getuid();
	n = snprintf(buf, sizeof(buf), "%u", (unsigned)auid);
	fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n) {
		r = -errno;
		close(fd);
		return r ? r : -EIO;
	}
	close(fd);
	r = read_u32_file("/proc/self/sessionid", &ses);
	if (r < 0)
		return r;
	if (ses == UINT32_MAX)
		return -EIO;
	*ret = (uint32_t)ses;
	return 0;
}

static void child_say(int fd, uint32_t kind, uint32_t value)
{
	struct cli_child_msg m = { kind, value };
	ssize_t n;

	do
		n = write(fd, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
}

int cli_spawn(const scl_filter *f, const char *path, char *const *argv, bool new_session,
	      const struct cli_signals *sig, struct cli_child *ret)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0) {
		uint32_t ses = 0;
		int r;

		close(p[0]);
		if (sig && sig->blocked) {
			sigaction(SIGPIPE, &old_pipe, NULL);
			sigprocmask(SIG_SETMASK, &sig->old, NULL);
		}
		if (new_session) {
			r = child_new_session(&ses);
			if (r < 0) {
				child_say(p[1], CLI_CHILD_ERR_SESSION, (uint32_t)-r);
				_exit(127);
			}
			child_say(p[1], CLI_CHILD_SESSION, ses);
		}
		if (f) {
			r = scl_filter_install(f);
			if (r < 0) {
				child_say(p[1], CLI_CHILD_ERR_FILTER, (uint32_t)-r);
				_exit(127);
			}
		}
		/* The only syscall made under the filter before the program's own. */
		execv(path, argv);
		r = errno;
		child_say(p[1], CLI_CHILD_ERR_EXEC, (uint32_t)r);
		_exit(r == ENOENT ? 127 : 126);
	}
	close(p[1]);
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		/* cannot happen on a pipe; reads would block, which is still correct */
	}
	ret->pid = pid;
	ret->msg_fd = p[0];
	return 0;
}

int cli_child_read(struct cli_child *c, struct cli_child_msg *m)
{
	ssize_t n;

	if (c->msg_fd < 0)
		return -EPIPE;
	do
		n = read(c->msg_fd, m, sizeof(*m));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(*m))
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	close(c->msg_fd);
	c->msg_fd = -1;
	return -EPIPE;
}

int cli_child_report(const struct cli_child_msg *m, const char *cmd)
{
	int e = (int)m->value;

	switch (m->kind) {
	case CLI_CHILD_ERR_SESSION:
		log_error("cannot give '%s' its own audit session (writing /proc/self/loginuid: %s); this needs "
			  "CAP_AUDIT_CONTROL and a loginuid that is not immutable ('auditctl -s': loginuid_immutable)",
			  cmd, strerror(e));
		return 127;
	case CLI_CHILD_ERR_FILTER:
		log_error("cannot install the seccomp filter for '%s': %s%s", cmd, strerror(e),
			  e == EINVAL ? " (does the kernel support SECCOMP_RET_LOG? see /proc/sys/kernel/seccomp/actions_avail)" : "");
		return 127;
	case CLI_CHILD_ERR_EXEC:
		log_error("cannot execute '%s': %s%s", cmd, strerror(e),
			  e == EPERM ? " (does the profile allow execve?)" : "");
		return e == ENOENT ? 127 : 126;
	default:
		log_error("'%s': unexpected message from the child", cmd);
		return 127;
	}
}

static void kill_session(uint32_t ses, int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t self = getpid();

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[64];
		uint64_t pid, s = 0;

		if (scl_parse_u64(de->d_name, strlen(de->d_name), INT32_MAX, &pid) < 0 || (pid_t)pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%llu/sessionid", (unsigned long long)pid);
		if (read_u32_file(path, &s) == 0 && s == ses)
			kill((pid_t)pid, sig);
	}
	closedir(d);
}

void cli_forward_signal(const struct cli_child *c, bool child_alive, uint32_t ses, int sig, int32_t code)
{
	/* The terminal signals the whole foreground group: the command has it already. */
	if (code == SI_KERNEL)
		return;
	if (child_alive)
		kill(c->pid, sig);
	else if (ses != UINT32_MAX)
		kill_session(ses, sig);
}

int cli_find_program(const char *name, char **ret)
{
	const char *path = getenv("PATH"), *p;
	int err = -ENOENT;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		*ret = strdup(name);
		return *ret ? 0 : -ENOMEM;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		const char *e = strchrnul(p, ':');
		size_t dl = (size_t)(e - p);
		size_t nl = strlen(name);
		_cleanup_free_ char *cand = malloc(dl + 1 + nl + 1);
		struct stat st;

		if (!cand)
			return -ENOMEM;
		if (dl == 0) {
			memcpy(cand, name, nl + 1); /* empty element: the current directory */
		} else {
			memcpy(cand, p, dl);
			cand[dl] = '/';
			memcpy(cand + dl + 1, name, nl + 1);
		}
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				*ret = TAKE_PTR(cand);
				return 0;
			}
			err = -EACCES;
		}
		if (!*e)
			break;
		p = e;
	}
	return err;
}

int cli_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_RUNTIME;
}
