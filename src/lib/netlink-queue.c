/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The audit netlink reader thread and its queue (see netlink-queue.h). */
#include <errno.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netlink-queue.h"

#define CHUNK (64 * 1024)      /* bytes per chunk, header included */
#define SPARE_CHUNKS 16        /* kept for reuse instead of unmapped */
#define BATCH 64               /* datagrams per recvmmsg() */
#define ENT_ALIGN 16           /* every datagram aligned for nlmsghdr */
#define THREAD_STACK (256 * 1024)
#define LINGER_MS 1            /* a busy socket is read every millisecond (reader()) */

/*
 * The queue is a list of chunks that only the thread appends to and only
 * the main thread takes from, without a lock: the thread writes entries
 * past used, then publishes them by storing used; it fills a chunk, then
 * links the next one (after the chunk's last used).  The main thread reads
 * entries below used and moves on to next once the chunk is read to its
 * (then final) used.  The mutex guards only the spare chunks, the byte
 * count, the error and the requests.
 */
struct chunk {
	_Atomic(struct chunk *) next; /* the thread's, once this one is full; then the main
					 thread's link in its list of chunks read */
	_Atomic size_t used;          /* bytes of data[] published by the thread */
	size_t off;                   /* bytes of data[] taken by the main thread */
	size_t end;                   /* the main thread's: used when it last looked (it reads below) */
	char data[];
};
#define CHUNK_DATA (CHUNK - offsetof(struct chunk, data))

struct ent {
	uint32_t len;
	uint32_t flags;
	int32_t aux;
	uint32_t pad;
};
_Static_assert(sizeof(struct ent) % ENT_ALIGN == 0, "entries stay aligned");

struct scl_nlq {
	pthread_t th;
	int evfd; /* thread -> main: entries wait */
	int wake; /* main -> thread: stop, switch */
	size_t buf_size, max_bytes;

	/* the thread sets it when it tells the main thread (evfd); the main thread clears it
	   when it finds nothing (refill()) */
	atomic_bool notified;

	pthread_mutex_t mu;
	pthread_cond_t space; /* room in the queue; the thread has started */
	/* under mu */
	struct chunk *spare;
	size_t n_spare;
	size_t bytes, peak; /* chunks mapped for the queue (waiting or being taken), in bytes */
	bool stop;
	bool running; /* the thread has started (scl_nlq_start() waits for it; stop joins it then) */
	bool switch_req;
	int switch_fd;
	int err; /* the thread stopped reading on this */
	uint64_t overflows;

	/* the thread's own: the chunk it fills and how much of it (published: tail->used) */
	struct chunk *tail;
	size_t tail_used;
	int fd;
	char *bufs;
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_nl from[BATCH];

	/* the main thread's: the chunk it reads; chunks read, to give back */
	struct chunk *rd, *done;
};

static size_t ent_size(size_t len)
{
	return sizeof(struct ent) + ((len + ENT_ALIGN - 1) & ~(size_t)(ENT_ALIGN - 1));
}

/* Under mu. */
static struct chunk *chunk_get(scl_nlq *q)
{
	struct chunk *c = q->spare;

	if (c) {
		q->spare = atomic_load_explicit(&c->next, memory_order_relaxed);
		q->n_spare--;
	} else {
		void *m = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		c = m;
	}
	atomic_init(&c->next, NULL);
	atomic_init(&c->used, 0);
	c->off = c->end = 0;
	q->bytes += CHUNK;
	if (q->bytes > q->peak)
		q->peak = q->bytes;
	return c;
}

/* Under mu. */
static void chunk_put(scl_nlq *q, struct chunk *c)
{
	q->bytes -= CHUNK;
	if (q->n_spare < SPARE_CHUNKS) {
		atomic_store_explicit(&c->next, q->spare, memory_order_relaxed);
		q->spare = c;
		q->n_spare++;
		return;
	}
	(void)munmap(c, CHUNK);
}

static void notify(int fd)
{
	uint64_t one = 1;

	(void)!write(fd, &one, sizeof(one));
}

/*
 * Entries written up to tail_used are the main thread's to read; with tell,
 * wake it (once until it has looked).  One wakeup per read of the socket,
 * not per batch: the main thread then takes them all at once.
 */
static void publish(scl_nlq *q, bool tell)
{
	atomic_store(&q->tail->used, q->tail_used);
	if (tell && !atomic_exchange(&q->notified, true))
		notify(q->evfd);
}

/* One entry at the tail.  False when stopped or out of memory (q->err set then). */
static bool append(scl_nlq *q, const char *data, size_t len, unsigned flags, int aux)
{
	size_t need = ent_size(len);
	struct ent *e;

	if (q->tail_used + need > CHUNK_DATA) {
		struct chunk *c;

		/* what is written so far, and a wakeup: room comes only from the main thread reading */
		publish(q, true);
		pthread_mutex_lock(&q->mu);
		/* full: wait for the main thread, while the kernel socket takes the rest */
		while (q->bytes + CHUNK > q->max_bytes && !q->stop)
			pthread_cond_wait(&q->space, &q->mu);
		c = q->stop ? NULL : chunk_get(q);
		if (!c && !q->stop)
			q->err = -ENOMEM;
		pthread_mutex_unlock(&q->mu);
		if (!c)
			return false;
		/* published above: the full chunk's used is final once next is set */
		atomic_store(&q->tail->next, c);
		q->tail = c;
		q->tail_used = 0;
	}
	e = (struct ent *)(q->tail->data + q->tail_used);
	*e = (struct ent){ .len = (uint32_t)len, .flags = flags, .aux = aux };
	if (len)
		memcpy(e + 1, data, len);
	q->tail_used += need;
	return true;
}

/* The thread stops reading on err; the main thread gets it after the entries before. */
static void fail(scl_nlq *q, int err)
{
	pthread_mutex_lock(&q->mu);
	q->err = err;
	pthread_mutex_unlock(&q->mu);
	publish(q, true);
}

/*
 * Read what fd holds now, up to a budget, adding the datagrams read to
 * *got.  Returns 1 to go on, 0 when fd is empty, -1 to stop.
 */
static int read_batches(scl_nlq *q, size_t *got)
{
	for (int rounds = 0; rounds < 64; rounds++) {
		int n;
		bool ok = true;

		for (size_t i = 0; i < BATCH; i++) {
			q->mm[i].msg_hdr.msg_name = &q->from[i];
			q->mm[i].msg_hdr.msg_namelen = sizeof(q->from[i]);
			q->mm[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(q->fd, q->mm, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* the socket overflowed: the kernel dropped records (once per episode) */
				pthread_mutex_lock(&q->mu);
				if (q->overflows != UINT64_MAX)
					q->overflows++;
				pthread_mutex_unlock(&q->mu);
				continue;
			}
			if (errno == EAGAIN)
				return 0;
		}
		if (n <= 0) {
			/* n == 0: the end of a socket that was shut down (not netlink's way) */
			fail(q, n < 0 ? -errno : -ENOTCONN);
			return -1;
		}
		for (int i = 0; i < n && ok; i++) {
			size_t len = q->mm[i].msg_len;
			unsigned flags = 0;
			int sender = 0;

			if (q->mm[i].msg_hdr.msg_namelen >= sizeof(struct sockaddr_nl) &&
			    q->from[i].nl_family == AF_NETLINK)
				sender = (int)q->from[i].nl_pid;
			if (q->mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
				flags |= SCL_NLQ_TRUNC;
				if (len > q->buf_size)
					len = q->buf_size;
			}
			ok = append(q, q->bufs + (size_t)i * q->buf_size, len, flags, sender);
		}
		publish(q, false);
		*got += (size_t)n;
		if (!ok)
			return -1;
		if (n < BATCH)
			return 0;
	}
	return 1;
}

static int read_some(scl_nlq *q, size_t *got)
{
	size_t before = *got;
	int r = read_batches(q, got);

	if (*got > before)
		publish(q, true);
	return r;
}

/* This thread's capabilities, all of them, and no way to gain any (it only reads). */
static void drop_privileges(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (unsigned long c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	(void)syscall(SYS_capset, &h, d);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/*
 * Ahead of the workloads that make the records, as auditd's priority_boost
 * (4 by default): on a busy machine a reader kept off the CPU for a fraction
 * of a second lets the socket's buffer fill and the kernel drop records
 * (ENOBUFS).  Relative to the process's nice value, so `nice scmplog ...` is
 * kept; best effort: it needs CAP_SYS_NICE, which the thread drops next.
 */
static void boost_priority(void)
{
	id_t tid = (id_t)syscall(SYS_gettid);
	int cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, tid);
	if (cur == -1 && errno)
		return;
	(void)setpriority(PRIO_PROCESS, tid, cur - SCL_NLQ_PRIORITY_BOOST);
}

static void *reader(void *arg)
{
	scl_nlq *q = arg;

	boost_priority();
	drop_privileges();
	/* glibc's start of a thread (rseq, robust list) is done: the caller may confine the process */
	pthread_mutex_lock(&q->mu);
	q->running = true;
	pthread_cond_signal(&q->space);
	pthread_mutex_unlock(&q->mu);
	for (;;) {
		struct pollfd p[2] = { { -1, POLLIN, 0 }, { q->wake, POLLIN, 0 } };
		size_t got = 0;
		bool flowing;
		int r = 0;

		if (q->fd >= 0) {
			r = read_some(q, &got);
			if (r < 0)
				q->fd = -1;
		}
		/*
		 * More to read: only look whether the main thread wants something.
		 * Read to the end while records come: let them gather for LINGER_MS
		 * rather than wake for each (kauditd sends them one at a time), so
		 * a busy stream costs a read per batch, not a wakeup per record.
		 */
		flowing = r == 0 && got > 0;
		p[0].fd = r == 1 || flowing ? -1 : q->fd;
		if (poll(p, 2, r == 1 ? 0 : flowing ? LINGER_MS : -1) < 0 && errno != EINTR) {
			fail(q, -errno);
			break;
		}
		if (p[0].fd >= 0 && (p[0].revents & (POLLHUP | POLLNVAL))) {
			/* not the audit socket's way, but never a busy loop: the rest, then the end */
			while ((r = read_some(q, &got)) == 1)
				;
			if (r == 0)
				fail(q, -ENOTCONN);
			q->fd = -1;
		}
		if (p[1].revents & POLLIN) {
			uint64_t v;
			bool sw;
			int nfd = -1;

			(void)!read(q->wake, &v, sizeof(v));
			pthread_mutex_lock(&q->mu);
			if (q->stop) {
				pthread_mutex_unlock(&q->mu);
				break;
			}
			sw = q->switch_req;
			if (sw)
				nfd = q->switch_fd;
			pthread_mutex_unlock(&q->mu);
			if (sw) {
				int old = q->fd;

				/* the old socket to its end, then the mark, then the new one */
				while (q->fd >= 0 && read_some(q, &got) == 1)
					;
				/* the new one before the main thread can take the mark and close the old one */
				q->fd = nfd;
				if (append(q, NULL, 0, SCL_NLQ_SWITCHED, old)) {
					pthread_mutex_lock(&q->mu);
					q->switch_req = false;
					pthread_mutex_unlock(&q->mu);
				}
				publish(q, true);
			}
		}
	}
	return NULL;
}

int scl_nlq_start(int fd, size_t buf_size, size_t max_bytes, scl_nlq **ret)
{
	scl_nlq *q;
	pthread_attr_t attr;
	sigset_t all, old;
	int r;

	/* two chunks at least: the one read to its end goes back once the next is linked */
	if (buf_size == 0 || ent_size(buf_size) > CHUNK_DATA || max_bytes < 2 * CHUNK)
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->fd = fd;
	q->evfd = q->wake = -1;
	q->switch_fd = -1;
	q->buf_size = buf_size;
	q->max_bytes = max_bytes;
	atomic_init(&q->notified, false);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->space, NULL);
	q->rd = q->tail = chunk_get(q);
	if (!q->rd) {
		r = -ENOMEM;
		goto fail;
	}
	q->bufs = malloc(buf_size * BATCH);
	q->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!q->bufs || q->evfd < 0 || q->wake < 0) {
		r = q->bufs ? -errno : -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < BATCH; i++) {
		q->iov[i] = (struct iovec){ q->bufs + i * buf_size, buf_size };
		q->mm[i].msg_hdr = (struct msghdr){ .msg_iov = &q->iov[i], .msg_iovlen = 1 };
	}
	r = -pthread_attr_init(&attr);
	if (r < 0)
		goto fail;
	(void)pthread_attr_setstacksize(&attr, THREAD_STACK);
	/* every signal stays the main thread's (signalfd, SIGCHLD) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&q->th, &attr, reader, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r < 0)
		goto fail;
	pthread_mutex_lock(&q->mu);
	while (!q->running)
		pthread_cond_wait(&q->space, &q->mu);
	pthread_mutex_unlock(&q->mu);
	*ret = q;
	return 0;
fail:
	scl_nlq_stop(q);
	return r;
}

int scl_nlq_fd(const scl_nlq *q)
{
	return q->evfd;
}

/*
 * The chunk with the next entry, and how far it may be read (its end: its
 * used when looked at; a chunk's own, so that a limit never outlives its
 * chunk).  NULL with *ret 0 when nothing waits (the thread tells again when
 * more comes), or the thread's error.
 */
static struct chunk *refill(scl_nlq *q, int *ret)
{
	bool looked = false;

	for (;;) {
		struct chunk *c = q->rd, *next;
		size_t used = atomic_load(&c->used);
		uint64_t v;

		if (c->off < used) {
			c->end = used;
			return c;
		}
		next = atomic_load(&c->next);
		if (next) {
			/* its used was final before next was set: read to its end, or more to read */
			if (c->off < atomic_load(&c->used))
				continue;
			q->rd = next;
			atomic_store_explicit(&c->next, q->done, memory_order_relaxed);
			q->done = c;
			continue;
		}
		if (looked) {
			int err;

			pthread_mutex_lock(&q->mu);
			err = q->err;
			pthread_mutex_unlock(&q->mu);
			*ret = err < 0 ? err : 0;
			return NULL;
		}
		/* nothing: clear the eventfd, then say so, then look once more (what came meanwhile) */
		(void)!read(q->evfd, &v, sizeof(v));
		atomic_store(&q->notified, false);
		looked = true;
	}
}

int scl_nlq_next(scl_nlq *q, const char **data, size_t *len, unsigned *flags, int *aux)
{
	struct chunk *c = q->rd;
	const struct ent *e;

	if (c->off >= c->end) {
		int r = 0;

		c = refill(q, &r);
		if (!c)
			return r;
	}
	e = (const struct ent *)(c->data + c->off);
	c->off += ent_size(e->len);
	*data = (const char *)(e + 1);
	*len = e->len;
	*flags = e->flags;
	*aux = e->aux;
	return 1;
}

void scl_nlq_release(scl_nlq *q)
{
	if (!q->done)
		return;
	pthread_mutex_lock(&q->mu);
	while (q->done) {
		struct chunk *c = q->done;

		q->done = atomic_load_explicit(&c->next, memory_order_relaxed);
		chunk_put(q, c);
	}
	pthread_cond_signal(&q->space);
	pthread_mutex_unlock(&q->mu);
}

int scl_nlq_switch(scl_nlq *q, int fd)
{
	int r = 0;

	pthread_mutex_lock(&q->mu);
	if (q->switch_req) {
		r = -EBUSY;
	} else {
		q->switch_req = true;
		q->switch_fd = fd;
	}
	pthread_mutex_unlock(&q->mu);
	if (r == 0)
		notify(q->wake);
	return r;
}

void scl_nlq_counters(scl_nlq *q, uint64_t *ret_overflows, size_t *ret_peak_bytes)
{
	pthread_mutex_lock(&q->mu);
	if (ret_overflows)
		*ret_overflows = q->overflows;
	if (ret_peak_bytes)
		*ret_peak_bytes = q->peak;
	pthread_mutex_unlock(&q->mu);
}

static void unmap_list(struct chunk *c)
{
	while (c) {
		struct chunk *n = atomic_load_explicit(&c->next, memory_order_relaxed);
		(void)munmap(c, CHUNK);
		c = n;
	}
}

void scl_nlq_stop(scl_nlq *q)
{
	if (!q)
		return;
	if (q->running) {
		pthread_mutex_lock(&q->mu);
		q->stop = true;
		pthread_cond_signal(&q->space);
		pthread_mutex_unlock(&q->mu);
		notify(q->wake);
		pthread_join(q->th, NULL);
	}
	unmap_list(q->rd); /* to the tail */
	unmap_list(q->done);
	unmap_list(q->spare);
	if (q->evfd >= 0)
		close(q->evfd);
	if (q->wake >= 0)
		close(q->wake);
	pthread_cond_destroy(&q->space);
	pthread_mutex_destroy(&q->mu);
	free(q->bufs);
	free(q);
}
