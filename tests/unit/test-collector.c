/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node collector's engine without root: synthetic records and process
 * events, a /proc tree made in a temporary directory (processes appear and
 * go) or the fixture one in tests/data/proc, and an injected clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scmplog/collector.h"
#include "scmplog/limits.h"
#include "lib/util.h"
#include "unit-util.h"

/* ---- a /proc tree that changes ---- */

static char proc_dir[64];
static int proc_fd = -1;

static void proc_setup(void)
{
	snprintf(proc_dir, sizeof(proc_dir), "/tmp/scl-collector-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(proc_dir));
	proc_fd = open(proc_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(proc_fd, 0);
}

static void put(const char *name, const char *text)
{
	int fd = openat(proc_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A process pid in v1 memory cgroup path (a host command's, or a plain container's: the leaf is its id). */
static void proc_add(uint32_t pid, const char *path)
{
	char name[64], text[512];

	snprintf(name, sizeof(name), "%u", pid);
	ck_assert(mkdirat(proc_fd, name, 0755) == 0 || errno == EEXIST);
	snprintf(name, sizeof(name), "%u/cgroup", pid);
	snprintf(text, sizeof(text), "9:name=systemd:/\n8:pids:/\n4:memory:%s\n0::/\n", path);
	put(name, text);
	snprintf(name, sizeof(name), "%u/stat", pid);
	snprintf(text, sizeof(text),
		 "%u (sleep) S 1 %u %u 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 %u 7364608 512 "
		 "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
		 pid, pid, pid, 1000 + pid);
	put(name, text);
}

static void proc_remove(uint32_t pid)
{
	char name[64];

	snprintf(name, sizeof(name), "%u/cgroup", pid);
	(void)unlinkat(proc_fd, name, 0);
	snprintf(name, sizeof(name), "%u/stat", pid);
	(void)unlinkat(proc_fd, name, 0);
	snprintf(name, sizeof(name), "%u", pid);
	(void)unlinkat(proc_fd, name, AT_REMOVEDIR);
}

static void proc_teardown(void)
{
	char cmd[128];

	close(proc_fd);
	proc_fd = -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", proc_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- the naming side: slots by id ---- */

struct naming {
	char ids[8][SCL_MAX_CONTAINER_ID + 1];
	size_t n;
	bool busy[8];
	unsigned released[8], gone[8];
	unsigned events[8];          /* by scl_collector_event_type */
	char forgotten[256];         /* ids, each followed by a space */
	int refuse;                  /* bind answers this when < 0 */
};

static long slot_of(const struct naming *nm, const char *id)
{
	for (size_t i = 0; i < nm->n; i++)
		if (!strcmp(nm->ids[i], id))
			return (long)i;
	return -1;
}

static int t_bind(void *ud, const scl_container *c, size_t *ret)
{
	struct naming *nm = ud;
	long k = slot_of(nm, c->id);

	if (nm->refuse < 0)
		return nm->refuse;
	if (k < 0) {
		ck_assert_uint_lt(nm->n, 8);
		snprintf(nm->ids[nm->n], sizeof(nm->ids[0]), "%s", c->id);
		k = (long)nm->n++;
	}
	*ret = (size_t)k;
	return 0;
}

static bool t_had(void *ud, const scl_container *c)
{
	return slot_of(ud, c->id) >= 0;
}

static void t_release(void *ud, size_t slot)
{
	((struct naming *)ud)->released[slot]++;
}

static bool t_busy(void *ud, size_t slot)
{
	return ((struct naming *)ud)->busy[slot];
}

static bool t_gone(void *ud, size_t slot, const char *id)
{
	struct naming *nm = ud;

	ck_assert_str_eq(nm->ids[slot], id);
	nm->gone[slot]++;
	return true;
}

static void t_event(void *ud, const scl_collector_event *ev)
{
	struct naming *nm = ud;

	nm->events[ev->type]++;
	if (ev->type == SCL_COLLECTOR_FORGOTTEN) {
		size_t n = strlen(nm->forgotten);

		snprintf(nm->forgotten + n, sizeof(nm->forgotten) - n, "%s ", ev->id);
	}
}

static const scl_collector_ops ops = { t_bind, t_had, t_release, t_busy, t_gone, t_event };

static const char *const scmpliml[] = { "/scmpliml" };

/* A collector as `collect --plain-runc --cgroup /scmpliml --max-containers 2 --max-pids 3 --forget-after 2`. */
static scl_collector *small(struct naming *nm, size_t max_pids)
{
	scl_collector_config cfg = {
		.proc_fd = proc_fd,
		.cgroup_flags = SCL_CGROUP_PLAIN_LEAF,
		.cgroups = scmpliml,
		.n_cgroups = 1,
		.proc_events = true,
		.limits = { .max_containers = 2, .max_tracked_pids = max_pids, .forget_delay_ms = 2000,
			    .gone_delay_ms = 1000 },
		.ops = &ops,
		.ud = nm,
	};
	scl_collector *col = NULL;

	memset(nm, 0, sizeof(*nm));
	ck_assert_int_eq(scl_collector_new(&cfg, &col), 0);
	scl_collector_set_time(col, 1000);
	return col;
}

static void fork_ev(scl_collector *col, uint32_t parent, uint32_t pid)
{
	scl_proc_event ev = { .type = SCL_PROC_FORK, .pid = pid, .parent_pid = parent };

	ck_assert_int_eq(scl_collector_proc_event(col, &ev), 0);
}

static void exit_ev(scl_collector *col, uint32_t pid)
{
	scl_proc_event ev = { .type = SCL_PROC_EXIT, .pid = pid };

	ck_assert_int_eq(scl_collector_proc_event(col, &ev), 0);
}

/* A record of pid: 1 with its slot when learned, else 0. */
static int record(scl_collector *col, uint32_t pid, size_t *slot)
{
	scl_record rec;
	scl_collector_hit hit;
	int r;

	memset(&rec, 0, sizeof(rec));
	rec.fields = SCL_F_PID;
	rec.pid = pid;
	scl_collector_new_batch(col);
	r = scl_collector_attribute(col, &rec, &hit);
	ck_assert_int_ge(r, 0);
	if (r == 1) {
		ck_assert_int_eq(scl_collector_learned(col, &rec, &hit, true), 0);
		if (slot)
			*slot = hit.slot;
	}
	return r;
}

static scl_collector_stats stats(const scl_collector *col)
{
	scl_collector_stats s;

	scl_collector_stats_get(col, &s);
	return s;
}

/* ---- tests ---- */

/* --cgroup: a container below the prefix is learned, one elsewhere counted as not selected. */
START_TEST(test_select_cgroup)
{
	struct naming nm;
	scl_collector *col;
	size_t slot = 99;

	proc_setup();
	proc_add(1, "/");
	proc_add(100, "/scmpliml/c1");
	proc_add(101, "/other/n1");
	col = small(&nm, 3);
	fork_ev(col, 1, 100);
	fork_ev(col, 1, 101);
	ck_assert_uint_eq(nm.events[SCL_COLLECTOR_SELECTED], 1);
	ck_assert_int_eq(record(col, 100, &slot), 1);
	ck_assert_uint_eq(slot, 0);
	ck_assert_str_eq(nm.ids[0], "c1");
	ck_assert_int_eq(record(col, 101, NULL), 0);
	ck_assert_int_eq(record(col, 1, NULL), 0); /* the host */
	ck_assert_uint_eq(stats(col).not_selected, 1);
	ck_assert_uint_eq(stats(col).host, 1);
	ck_assert_uint_eq(stats(col).attributed, 1);
	ck_assert_uint_eq(stats(col).tracked_pids, 1); /* n1's process is not counted */
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/* --container: by id, from the fixture /proc tree (a docker container, cgroupfs driver). */
START_TEST(test_select_id)
{
	static const char *const ids[] = { "3f4e1a9c2b7d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef" };
	struct naming nm = { 0 };
	scl_collector_config cfg = { .ids = ids, .n_ids = 1, .proc_events = true, .ops = &ops, .ud = &nm };
	scl_collector *col = NULL;
	size_t slot = 99;
	int fd = open(unit_data_path("proc"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	cfg.proc_fd = fd;
	ck_assert_int_eq(scl_collector_new(&cfg, &col), 0);
	ck_assert_int_eq(scl_collector_seed(col), 0);
	/* the fixture processes in it that read as alive (1001 ...); 1002's container is not asked for: never known */
	ck_assert_uint_eq(stats(col).tracked_pids, 6);
	ck_assert_uint_eq(stats(col).containers, 1);
	ck_assert_int_eq(record(col, 1001, &slot), 1);
	ck_assert_uint_eq(slot, 0);
	ck_assert_int_eq(record(col, 1002, NULL), 0);
	ck_assert_uint_eq(stats(col).not_selected, 1);
	ck_assert_int_eq(record(col, 4000, NULL), 0); /* no such process */
	ck_assert_uint_eq(stats(col).gone, 1);
	scl_collector_free(col);
	close(fd);
}
END_TEST

/* max_containers: the third container's records are counted, said once; a bind refused is not learned. */
START_TEST(test_limit_containers)
{
	struct naming nm;
	scl_collector *col;

	proc_setup();
	proc_add(1, "/");
	proc_add(100, "/scmpliml/c1");
	proc_add(101, "/scmpliml/c2");
	proc_add(102, "/scmpliml/c3");
	col = small(&nm, 3);
	ck_assert_int_eq(record(col, 100, NULL), 1);
	ck_assert_int_eq(record(col, 101, NULL), 1);
	ck_assert_int_eq(record(col, 102, NULL), 0);
	ck_assert_int_eq(record(col, 102, NULL), 0);
	ck_assert_uint_eq(stats(col).over_containers, 2);
	ck_assert_uint_eq(nm.events[SCL_COLLECTOR_OVER_CONTAINERS], 1);
	ck_assert_uint_eq(stats(col).selected, 2);
	ck_assert_int_eq(record(col, 100, NULL), 1); /* a known one still is */
	scl_collector_free(col);

	/* the naming side cannot bind (every name taken): not learned, and it gives its place up */
	col = small(&nm, 3);
	nm.refuse = -EEXIST;
	ck_assert_int_eq(record(col, 100, NULL), 0);
	ck_assert_uint_eq(stats(col).not_selected, 1);
	nm.refuse = 0;
	ck_assert_int_eq(record(col, 101, NULL), 1);
	ck_assert_int_eq(record(col, 102, NULL), 1);
	ck_assert_uint_eq(stats(col).over_containers, 0);
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/* max_tracked_pids: the fourth live process is not counted, said once. */
START_TEST(test_limit_pids)
{
	struct naming nm;
	scl_collector *col;

	proc_setup();
	proc_add(1, "/");
	for (uint32_t p = 100; p < 104; p++)
		proc_add(p, "/scmpliml/c1");
	col = small(&nm, 3);
	ck_assert_int_eq(scl_collector_seed(col), 0);
	ck_assert_uint_eq(stats(col).tracked_pids, 3);
	ck_assert_uint_eq(stats(col).over_pids, 1);
	fork_ev(col, 100, 104);
	ck_assert_uint_eq(stats(col).over_pids, 2);
	ck_assert_uint_eq(nm.events[SCL_COLLECTOR_OVER_PIDS], 1);
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/*
 * Gone and forgotten: due gone_delay_ms after the last exit, forgotten
 * forget_delay_ms after it once written (not while busy); a record that
 * comes after, of a process gone, asks the naming side (had) and resumes
 * into the same slot.
 */
START_TEST(test_forget_comeback)
{
	struct naming nm;
	scl_collector *col;
	size_t slot = 99;

	proc_setup();
	proc_add(1, "/");
	proc_add(100, "/scmpliml/c1");
	col = small(&nm, 3);
	fork_ev(col, 1, 100);
	ck_assert_int_eq(record(col, 100, &slot), 1);
	ck_assert_uint_eq(slot, 0);
	scl_collector_set_time(col, 5000);
	proc_remove(100);
	exit_ev(col, 100);
	ck_assert_int_eq(scl_collector_next_due(col), 6000);
	ck_assert_uint_eq(scl_collector_tick(col, 5999), 0);
	ck_assert_uint_eq(scl_collector_tick(col, 6000), 1);
	ck_assert_uint_eq(nm.gone[0], 1);
	ck_assert_int_eq(scl_collector_next_due(col), 0);
	ck_assert_uint_eq(scl_collector_forget_idle(col, 6999), 0);
	nm.busy[0] = true; /* not written yet */
	ck_assert_uint_eq(scl_collector_forget_idle(col, 7000), 0);
	nm.busy[0] = false;
	ck_assert_uint_eq(scl_collector_forget_idle(col, 7000), 1);
	ck_assert_str_eq(nm.forgotten, "c1 ");
	ck_assert_uint_eq(nm.released[0], 1);
	ck_assert_uint_eq(stats(col).containers, 0);
	ck_assert_uint_eq(stats(col).selected, 1);
	/* a late record of c1: its process is gone, the cache still knows its container: the same slot */
	slot = 99;
	ck_assert_int_eq(record(col, 100, &slot), 1);
	ck_assert_uint_eq(slot, 0);
	ck_assert_uint_eq(nm.n, 1);
	ck_assert_uint_eq(nm.events[SCL_COLLECTOR_SELECTED], 2);
	ck_assert_uint_eq(stats(col).selected, 2); /* as the summary counts: once forgotten, once back */
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/*
 * A process gone before its container could be decided (--cgroup reads
 * its /proc/PID/cgroup): a host command's short-lived child, its container
 * known from its parent, seen while the process table was full.  The place
 * it takes holds nothing: it must not keep a container asked for out, nor
 * stay for good (tests/live/test-collect-limits.sh failed so under load:
 * "over SCL_MAX_CONTAINERS" while c2 ran after c1 was forgotten).
 */
START_TEST(test_undecided)
{
	struct naming nm;
	scl_collector *col;

	proc_setup();
	proc_add(1, "/");
	proc_add(60, "/process_api/h2");
	proc_add(70, "/process_api/h3");
	for (uint32_t p = 100; p < 103; p++)
		proc_add(p, "/scmpliml/c1");
	col = small(&nm, 3);
	/* c1 with three live processes, learned: the process table is full */
	for (uint32_t p = 100; p < 103; p++)
		fork_ev(col, 1, p);
	ck_assert_int_eq(record(col, 100, NULL), 1);
	ck_assert_uint_eq(stats(col).tracked_pids, 3);
	/* h2: a child forked and gone before its fork event was read, and a record of it */
	fork_ev(col, 60, 61);
	ck_assert_int_eq(record(col, 61, NULL), 0);
	ck_assert_uint_eq(stats(col).undecided, 1);
	exit_ev(col, 61);
	ck_assert_uint_eq(stats(col).containers, 2);
	/* c1 goes and is forgotten */
	scl_collector_set_time(col, 2000);
	for (uint32_t p = 100; p < 103; p++) {
		proc_remove(p);
		exit_ev(col, p);
	}
	(void)scl_collector_tick(col, 3000);
	(void)scl_collector_forget_idle(col, 4000);
	ck_assert_ptr_nonnull(strstr(nm.forgotten, "c1 "));
	/* h3: the same, with room in the process table */
	scl_collector_set_time(col, 4000);
	fork_ev(col, 70, 71);
	exit_ev(col, 71);
	/* c2 comes: it gets a place */
	proc_add(103, "/scmpliml/c2");
	fork_ev(col, 1, 103);
	ck_assert_int_eq(record(col, 103, NULL), 1);
	ck_assert_uint_eq(stats(col).over_containers, 0);
	ck_assert_uint_eq(nm.events[SCL_COLLECTOR_OVER_CONTAINERS], 0);
	/* nothing is held for good: once all are gone, all are forgotten */
	scl_collector_set_time(col, 5000);
	proc_remove(103);
	exit_ev(col, 103);
	(void)scl_collector_tick(col, 6000);
	(void)scl_collector_forget_idle(col, 60000);
	ck_assert_uint_eq(stats(col).containers, 0);
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/*
 * A record of a short-lived process read before its fork event was taken in
 * (records and process events come by two sockets, and records read after
 * the last take of the events are handed in): the collector asks ops.sync
 * for the events queued, and attributes it by its parent.
 */
struct pending {
	struct naming nm;
	scl_collector *col;
	uint32_t parent, pid;        /* the fork still queued; pid 0: none */
	unsigned syncs;
};

static int p_bind(void *ud, const scl_container *c, size_t *ret) { return t_bind(&((struct pending *)ud)->nm, c, ret); }

static int p_sync(void *ud)
{
	struct pending *pd = ud;

	pd->syncs++;
	if (pd->pid) {
		fork_ev(pd->col, pd->parent, pd->pid);
		exit_ev(pd->col, pd->pid);
		pd->pid = 0;
	}
	return 0;
}

static const scl_collector_ops sync_ops = { .bind = p_bind, .sync = p_sync };

START_TEST(test_sync_pending_fork)
{
	static struct pending pd;
	scl_collector_config cfg = {
		.cgroup_flags = SCL_CGROUP_PLAIN_LEAF,
		.cgroups = scmpliml,
		.n_cgroups = 1,
		.proc_events = true,
		.ops = &sync_ops,
		.ud = &pd,
	};
	size_t slot = 99;

	proc_setup();
	memset(&pd, 0, sizeof(pd));
	cfg.proc_fd = proc_fd;
	proc_add(1, "/");
	proc_add(100, "/scmpliml/c1");
	ck_assert_int_eq(scl_collector_new(&cfg, &pd.col), 0);
	scl_collector_set_time(pd.col, 1000);
	fork_ev(pd.col, 1, 100);
	ck_assert_int_eq(record(pd.col, 100, &slot), 1);
	ck_assert_uint_eq(pd.syncs, 0); /* a live process: no need */
	/* 150: forked by 100, gone from /proc, its fork not taken in yet */
	pd.parent = 100;
	pd.pid = 150;
	slot = 99;
	ck_assert_int_eq(record(pd.col, 150, &slot), 1);
	ck_assert_uint_eq(slot, 0);
	ck_assert_uint_eq(pd.syncs, 1);
	ck_assert_uint_eq(stats(pd.col).gone, 0);
	/* gone, and no fork queued: counted as gone, after one sync */
	ck_assert_int_eq(record(pd.col, 151, NULL), 0);
	ck_assert_uint_eq(pd.syncs, 2);
	ck_assert_uint_eq(stats(pd.col).gone, 1);
	scl_collector_free(pd.col);
	proc_teardown();
}
END_TEST

/*
 * A container not learned that still has processes counted (counted while
 * it was undecided) gives its place up to another: their exits are not
 * counted against the container that takes the place.
 */
START_TEST(test_place_reused)
{
	struct naming nm;
	scl_collector *col;

	proc_setup();
	proc_add(1, "/");
	proc_add(60, "/process_api/h1");
	proc_add(62, "/process_api/h1");
	proc_add(100, "/scmpliml/c1");
	proc_add(101, "/scmpliml/c2");
	col = small(&nm, 8);
	fork_ev(col, 60, 61);  /* gone: h1 undecided, 61 counted in it */
	fork_ev(col, 60, 62);  /* alive: h1 is not learned */
	ck_assert_uint_eq(stats(col).tracked_pids, 1);
	fork_ev(col, 1, 100);
	fork_ev(col, 1, 101);  /* h1 gives its place to c2 */
	ck_assert_uint_eq(stats(col).containers, 2);
	ck_assert_uint_eq(stats(col).tracked_pids, 2);
	exit_ev(col, 61);
	ck_assert_int_eq(scl_collector_next_due(col), 0); /* c2 still has its process */
	ck_assert_int_eq(record(col, 101, NULL), 1);
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/* ---- records into the slots' syscall sets; --split-by host ---- */

struct hosts {
	char names[4][16];
	size_t n;
	unsigned events[8];         /* by scl_collector_event_type */
	unsigned limits[3];         /* SET_LIMIT events by scl_collector_set_limit */
	size_t limit_slot;
};

static int h_bind(void *ud, const scl_container *c, size_t *ret)
{
	(void)ud;
	(void)c;
	(void)ret;
	ck_abort_msg("a container was bound with split_host");
	return -EINVAL;
}

/* Hosts get slots in order; "refused" can have none (its names all taken). */
static int h_bind_host(void *ud, const char *host, size_t n, bool add, size_t *ret)
{
	struct hosts *h = ud;

	for (size_t i = 0; i < h->n; i++)
		if (strlen(h->names[i]) == n && !memcmp(h->names[i], host, n)) {
			*ret = i;
			return 0;
		}
	if (!add)
		return -ENOENT;
	if (n == 7 && !memcmp(host, "refused", 7))
		return -EEXIST;
	ck_assert_uint_lt(h->n, 4);
	ck_assert_uint_lt(n, sizeof(h->names[0]));
	memcpy(h->names[h->n], host, n);
	h->names[h->n][n] = '\0';
	*ret = h->n++;
	return 0;
}

static void h_event(void *ud, const scl_collector_event *ev)
{
	struct hosts *h = ud;

	h->events[ev->type]++;
	if (ev->type == SCL_COLLECTOR_SET_LIMIT) {
		h->limits[ev->limit]++;
		h->limit_slot = ev->slot;
	}
}

static const scl_collector_ops host_ops = { .bind = h_bind, .event = h_event, .bind_host = h_bind_host };

/* A collector as `collect --split-by host --max-hosts max_groups` (journal: --source journal). */
static scl_collector *by_host(struct hosts *h, size_t max_groups, bool journal)
{
	scl_collector_config cfg = {
		.proc_fd = proc_fd,
		.offline = true,
		.split_host = true,
		.journal = journal,
		.limits = { .max_groups = max_groups },
		.ops = &host_ops,
		.ud = h,
	};
	scl_collector *col = NULL;

	memset(h, 0, sizeof(*h));
	ck_assert_int_eq(scl_collector_new(&cfg, &col), 0);
	return col;
}

/* A logged x86_64 record of host (NULL: none) for syscall nr, audit(1795710574.404:serial). */
static scl_record host_rec(const char *host, uint32_t nr, uint64_t serial)
{
	scl_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.fields = SCL_F_TIME | SCL_F_ARCH | SCL_F_SYSCALL | SCL_F_CODE | (host ? SCL_F_HOST : 0);
	rec.time_sec = 1795710574;
	rec.time_msec = 404;
	rec.serial = serial;
	rec.arch = 0xc000003e;
	rec.syscall = nr;
	rec.code = SCL_ACT_LOG;
	if (host) {
		rec.host.p = host;
		rec.host.n = strlen(host);
	}
	return rec;
}

/* Take a record: its slot when it went to one, else -1. */
static long take(scl_collector *col, const scl_record *rec, bool *learned)
{
	scl_collector_result res = { .slot = 99 };
	int r = scl_collector_record(col, rec, &res);

	ck_assert_int_ge(r, 0);
	if (learned)
		*learned = r == 1 && res.learned;
	return r == 1 ? (long)res.slot : -1;
}

static long set_size(const scl_collector *col, size_t slot)
{
	_cleanup_free_ scl_learn_entry *ent = NULL;
	const scl_sysset *set = scl_collector_slot_set(col, slot);

	return set ? scl_sysset_entries(set, 0, &ent) : -1;
}

/* --split-by host: a slot per hostname; past max_groups counted and said once; no host, or no name left: counted. */
START_TEST(test_host_groups)
{
	struct hosts h;
	scl_collector *col;
	scl_record rec;
	bool learned;

	proc_setup();
	col = by_host(&h, 2, false);
	rec = host_rec("refused", 0, 1);
	ck_assert_int_eq(take(col, &rec, NULL), -1); /* no name: not a place taken */
	rec = host_rec("h1", 0, 2);
	ck_assert_int_eq(take(col, &rec, &learned), 0);
	ck_assert(learned);
	rec = host_rec("h2", 1, 3);
	ck_assert_int_eq(take(col, &rec, NULL), 1);
	rec = host_rec("h3", 2, 4);
	ck_assert_int_eq(take(col, &rec, NULL), -1);
	rec = host_rec("h3", 2, 5);
	ck_assert_int_eq(take(col, &rec, NULL), -1);
	rec = host_rec("h1", 3, 6);
	ck_assert_int_eq(take(col, &rec, NULL), 0);
	rec = host_rec("h1", 3, 7); /* a syscall seen before: learned, nothing new */
	ck_assert_int_eq(take(col, &rec, &learned), 0);
	ck_assert(learned);
	rec = host_rec(NULL, 4, 8);
	ck_assert_int_eq(take(col, &rec, NULL), -1);
	ck_assert_uint_eq(h.events[SCL_COLLECTOR_OVER_GROUPS], 1);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_int_eq(set_size(col, 0), 2); /* h1: 0 and 3 */
	ck_assert_int_eq(set_size(col, 1), 1);
	ck_assert_uint_eq(stats(col).records, 8);
	ck_assert_uint_eq(stats(col).learned, 4);
	ck_assert_uint_eq(stats(col).over_groups, 2);
	ck_assert_uint_eq(stats(col).no_host, 2);
	ck_assert_uint_eq(stats(col).duplicates, 0);
	/* a written slot's set is freed; the next record makes a new one */
	scl_collector_slot_free(col, 0);
	ck_assert_ptr_null(scl_collector_slot_set(col, 0));
	rec = host_rec("h1", 5, 9);
	ck_assert_int_eq(take(col, &rec, NULL), 0);
	ck_assert_int_eq(set_size(col, 0), 1);
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/*
 * The syscall set limits: past SCL_MAX_SYSSET_LANES ranges of numbers, or
 * SCL_MAX_SYSSET_COUNTED numbers libseccomp cannot name, a record is
 * counted, not learned, and said once per slot; what was counted is kept
 * for the report (scl_collector_slot_unknown()).
 */
START_TEST(test_set_limits)
{
	struct hosts h;
	scl_collector *col;
	scl_record rec;
	uint64_t serial = 1;
	bool learned;

	proc_setup();
	col = by_host(&h, 0, false);
	for (uint32_t i = 0; i < SCL_MAX_SYSSET_LANES; i++) {
		rec = host_rec("lanes", i << 16, serial++);
		ck_assert_int_eq(take(col, &rec, &learned), 0);
		ck_assert(learned);
	}
	ck_assert_uint_eq(h.events[SCL_COLLECTOR_SET_LIMIT], 0);
	rec = host_rec("lanes", (uint32_t)SCL_MAX_SYSSET_LANES << 16, serial++);
	ck_assert_int_eq(take(col, &rec, &learned), 0); /* its slot's, not learned */
	ck_assert(!learned);
	rec = host_rec("lanes", ((uint32_t)SCL_MAX_SYSSET_LANES + 1) << 16, serial++);
	ck_assert_int_eq(take(col, &rec, &learned), 0);
	ck_assert(!learned);
	ck_assert_uint_eq(h.events[SCL_COLLECTOR_SET_LIMIT], 1);
	ck_assert_uint_eq(h.limits[SCL_COLLECTOR_LIMIT_LANES], 1);
	ck_assert_uint_eq(stats(col).over_set_limit, 2);
	ck_assert(scl_collector_slot_unknown(col, 0));
	ck_assert_int_eq(set_size(col, 0), SCL_MAX_SYSSET_LANES);
	/* numbers it cannot name, in one lane: the counted ones' limit, said for that slot */
	for (uint32_t i = 0; i < SCL_MAX_SYSSET_COUNTED; i++) {
		rec = host_rec("counted", 20000 + i, serial++);
		ck_assert_int_eq(take(col, &rec, &learned), 1);
		ck_assert(learned);
	}
	rec = host_rec("counted", 20000 + SCL_MAX_SYSSET_COUNTED, serial++);
	ck_assert_int_eq(take(col, &rec, &learned), 1);
	ck_assert(!learned);
	ck_assert_uint_eq(h.limits[SCL_COLLECTOR_LIMIT_COUNTED], 1);
	ck_assert_uint_eq(h.limit_slot, 1);
	ck_assert_int_eq(set_size(col, 1), SCL_MAX_SYSSET_COUNTED); /* the refused one taken back */
	/* a named syscall still goes in */
	rec = host_rec("counted", 0, serial++);
	ck_assert_int_eq(take(col, &rec, &learned), 1);
	ck_assert(learned);
	ck_assert_uint_eq(stats(col).over_set_limit, 3);
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/*
 * journald's two copies of a record (same host, time and serial): a record
 * framed as journal output is checked in any case, any record when every
 * one is the journal's (journal); other framings are taken as they come.
 */
START_TEST(test_duplicates)
{
	struct hosts h;
	scl_collector *col;
	scl_record rec;

	proc_setup();
	col = by_host(&h, 0, false);
	rec = host_rec("h1", 0, 1);
	ck_assert_int_eq(take(col, &rec, NULL), 0);
	ck_assert_int_eq(take(col, &rec, NULL), 0); /* not journal output: a record again */
	rec.framing = SCL_FRAME_JOURNAL_EXPORT;
	rec.serial = 2;
	ck_assert_int_eq(take(col, &rec, NULL), 0);
	rec.framing = SCL_FRAME_JOURNAL;
	ck_assert_int_eq(take(col, &rec, NULL), -1); /* the printk copy of serial 2 */
	rec = host_rec("h2", 0, 2);               /* another host's serial 2 */
	rec.framing = SCL_FRAME_JOURNAL;
	ck_assert_int_eq(take(col, &rec, NULL), 1);
	ck_assert_uint_eq(stats(col).duplicates, 1);
	ck_assert_uint_eq(stats(col).records, 4);
	scl_collector_free(col);

	col = by_host(&h, 0, true);
	rec = host_rec("h1", 0, 1);
	ck_assert_int_eq(take(col, &rec, NULL), 0);
	ck_assert_int_eq(take(col, &rec, NULL), -1);
	ck_assert_uint_eq(stats(col).duplicates, 1);
	ck_assert_uint_eq(stats(col).records, 1);
	scl_collector_free(col);
	proc_teardown();
}
END_TEST

/* Limits of zero are the defaults; no bind is refused. */
START_TEST(test_config)
{
	struct naming nm = { 0 };
	int fd = open(unit_data_path("proc"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	scl_collector_config cfg = { .proc_fd = fd, .ops = &ops, .ud = &nm };
	scl_collector_ops none = { 0 };
	scl_collector *col = NULL;
	scl_collector_limits def;

	ck_assert_int_ge(fd, 0);
	scl_collector_limits_default(&def);
	ck_assert_int_eq(scl_collector_new(&cfg, &col), 0);
	ck_assert_uint_eq(scl_collector_get_limits(col)->max_containers, def.max_containers);
	ck_assert_int_eq(scl_collector_get_limits(col)->forget_delay_ms, 60000);
	scl_collector_free(col);
	col = NULL;
	cfg.ops = &none;
	ck_assert_int_eq(scl_collector_new(&cfg, &col), -EINVAL);
	ck_assert_ptr_null(col);
	cfg.ops = &ops;
	cfg.proc_fd = -1;
	ck_assert_int_eq(scl_collector_new(&cfg, &col), -EINVAL);
	ck_assert_ptr_null(col);
	close(fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("collector");
	TCase *tc = tcase_create("collector");

	tcase_add_test(tc, test_select_cgroup);
	tcase_add_test(tc, test_select_id);
	tcase_add_test(tc, test_limit_containers);
	tcase_add_test(tc, test_limit_pids);
	tcase_add_test(tc, test_forget_comeback);
	tcase_add_test(tc, test_undecided);
	tcase_add_test(tc, test_sync_pending_fork);
	tcase_add_test(tc, test_place_reused);
	tcase_add_test(tc, test_config);
	tcase_add_test(tc, test_host_groups);
	tcase_add_test(tc, test_set_limits);
	tcase_add_test(tc, test_duplicates);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
