/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's audit status (AUDIT_GET), asked on a thread and a socket of
 * its own (audit-asker.h).
 */
#include <errno.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "audit-asker.h"
#include "audit-control.h"

#define ASKER_STACK (256 * 1024) /* as the reader's: glibc refuses less than its TLS needs (EINVAL) */
#define ASKER_JOIN_MS 2000
#define ASKER_HEAP (64 * 1024) /* below glibc's mmap threshold (128 KiB): from the arena */

struct scl_asker {
	int fd;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t want_cv;  /* main -> thread: an ask, or stop */
	pthread_cond_t done_cv;  /* thread -> main: an answer */
	uint64_t asks, answers, taken;
	bool running, stop, exited, orphan;
	scl_asker_answer ans;
};

static void destroy(scl_asker *a)
{
	if (a->fd >= 0)
		close(a->fd);
	pthread_cond_destroy(&a->want_cv);
	pthread_cond_destroy(&a->done_cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

/*
 * This thread keeps CAP_AUDIT_CONTROL (AUDIT_GET needs it) and
 * CAP_AUDIT_WRITE (the "wake" record after a request held for backlog room:
 * audit-control.c, pass_on_wake()) and nothing else, and can gain nothing
 * (no bounding set, no_new_privs); its name says what it is (ps -L,
 * /proc/PID/task/TID/comm).
 */
static void drop_privileges(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	(void)prctl(PR_SET_NAME, "scmplog-asker", 0, 0, 0);
	memset(d, 0, sizeof(d));
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (unsigned long c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	if (syscall(SYS_capget, &h, d) == 0) {
		uint32_t keep = d[0].effective & (1u << CAP_AUDIT_CONTROL | 1u << CAP_AUDIT_WRITE);

		memset(d, 0, sizeof(d));
		d[0].effective = d[0].permitted = keep;
		(void)syscall(SYS_capset, &h, d);
	}
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static void *run(void *arg)
{
	scl_asker *a = arg;
	bool orphan;

	drop_privileges();
	/*
	 * glibc gives this thread a malloc arena of its own at its first
	 * allocation (mmap, mprotect), and grows it by mprotect: both here,
	 * before the caller confines itself (the allowlist has no mprotect; in
	 * learn mode each would be logged, and wait for backlog room), to the
	 * size the status requests take (a reply and a record buffer each).
	 */
	{
		void *volatile warm = malloc(ASKER_HEAP); /* volatile: not an allocation the compiler may drop */

		free(warm);
	}
	pthread_mutex_lock(&a->mu);
	a->running = true;
	pthread_cond_broadcast(&a->done_cv);
	for (;;) {
		scl_asker_answer ans = { 0 };

		while (a->answers == a->asks && !a->stop)
			pthread_cond_wait(&a->want_cv, &a->mu);
		if (a->stop)
			break;
		pthread_mutex_unlock(&a->mu);
		/* may wait in audit_receive() for backlog room: only this thread does */
		ans.r = scl_actl_get_status(a->fd, &ans.st, &ans.wait_known);
		pthread_mutex_lock(&a->mu);
		a->ans = ans;
		a->answers = a->asks;
		pthread_cond_broadcast(&a->done_cv);
	}
	a->exited = true;
	orphan = a->orphan;
	pthread_mutex_unlock(&a->mu);
	if (orphan)
		destroy(a); /* its owner gave up waiting for us (scl_asker_stop()) */
	return NULL;
}

int scl_asker_start(int fd, scl_asker **ret)
{
	pthread_condattr_t ca;
	pthread_attr_t attr;
	sigset_t all, old;
	scl_asker *a;
	int r;

	if (fd < 0)
		return -EBADF;
	a = calloc(1, sizeof(*a));
	if (!a) {
		close(fd);
		return -ENOMEM;
	}
	a->fd = fd;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->want_cv, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	r = -pthread_attr_init(&attr);
	if (r < 0) {
		destroy(a);
		return r;
	}
	(void)pthread_attr_setstacksize(&attr, ASKER_STACK);
	/* every signal stays the main thread's (signalfd, SIGCHLD) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&a->th, &attr, run, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r < 0) {
		destroy(a);
		return r;
	}
	/*
	 * Running before we return: glibc registers a new thread's rseq in the
	 * thread itself, and a caller that confines itself next (seccomp, all
	 * threads) would refuse it that ("rseq registration failed": abort).
	 */
	pthread_mutex_lock(&a->mu);
	while (!a->running)
		pthread_cond_wait(&a->done_cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
	*ret = a;
	return 0;
}

void scl_asker_ask(scl_asker *a)
{
	pthread_mutex_lock(&a->mu);
	if (a->answers == a->asks) {
		a->asks++;
		pthread_cond_signal(&a->want_cv);
	}
	pthread_mutex_unlock(&a->mu);
}

static struct timespec deadline_in(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

int scl_asker_take(scl_asker *a, int wait_ms, scl_asker_answer *ret)
{
	int r = 0;

	pthread_mutex_lock(&a->mu);
	if (wait_ms > 0 && a->answers == a->taken && a->answers < a->asks) {
		struct timespec ts = deadline_in(wait_ms);

		while (a->answers == a->taken && a->answers < a->asks)
			if (pthread_cond_timedwait(&a->done_cv, &a->mu, &ts) == ETIMEDOUT)
				break;
	}
	if (a->answers != a->taken) {
		*ret = a->ans;
		a->taken = a->answers;
		r = 1;
	}
	pthread_mutex_unlock(&a->mu);
	return r;
}

void scl_asker_stop(scl_asker *a)
{
	struct timespec ts;

	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_signal(&a->want_cv);
	pthread_mutex_unlock(&a->mu);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ASKER_JOIN_MS / 1000;
	if (pthread_timedjoin_np(a->th, NULL, &ts) == 0) {
		destroy(a);
		return;
	}
	/* still waiting in the kernel for backlog room: it frees itself when it ends */
	pthread_mutex_lock(&a->mu);
	if (a->exited) {
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
		destroy(a);
		return;
	}
	a->orphan = true;
	pthread_mutex_unlock(&a->mu);
	pthread_detach(a->th);
}
