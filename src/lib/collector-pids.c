/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node collector's live processes (collector.h): a container's count
 * from the process events and /proc, the pids whose cgroup is unknown or
 * whose exit came, when a container's slot is due.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/collector-internal.h"
#include "scmplog/collector.h"
#include "scmplog/num.h"
#include "util.h"

bool scl_col_pid_bit(const uint64_t *map, uint32_t pid)
{
	return map && pid < PID_BITS && (map[pid / 64] >> (pid % 64) & 1);
}

static void set_pid_bit(uint64_t *map, uint32_t pid, bool on)
{
	if (!map || pid >= PID_BITS)
		return;
	if (on)
		map[pid / 64] |= 1ULL << (pid % 64);
	else
		map[pid / 64] &= ~(1ULL << (pid % 64));
}

/*
 * A process that exited but was not reaped yet.  Its /proc/PID/cgroup is no
 * answer: the v1 hierarchies say "/" for an exiting task, but the v2 line
 * keeps its cgroup (proc_cgroup_show()), so a container's zombie init still
 * reads as in the container.  Any error reads as "gone" too.
 */
bool scl_col_zombie(const scl_collector *col, uint32_t pid)
{
	char name[32], buf[SCL_MAX_PROC_STAT];
	const char *rp;
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "%u/stat", pid);
	fd = openat(col->cfg.proc_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return true;
	/* "pid (comm) S ...": comm may hold ')', the state follows the last one */
	rp = memrchr(buf, ')', (size_t)n);
	if (!rp || buf + n - rp < 3)
		return true;
	return rp[2] == 'Z' || rp[2] == 'X';
}

static size_t pid_home(uint32_t pid, size_t mask)
{
	return (size_t)scl_mix64(pid) & mask;
}

/* The slot holding pid, or the empty one where it would go (pids_cap > 0). */
static size_t pid_slot(const scl_collector *col, uint32_t pid)
{
	size_t mask = col->pids_cap - 1, i;

	for (i = pid_home(pid, mask); col->pids[i].pid && col->pids[i].pid != pid; i = (i + 1) & mask)
		;
	return i;
}

static int pids_grow(scl_collector *col)
{
	size_t cap = col->pids_cap ? col->pids_cap * 2 : 1024, old_cap = col->pids_cap;
	struct pidslot *old = col->pids, *np = calloc(cap, sizeof(*np));

	if (!np)
		return -ENOMEM;
	col->pids = np;
	col->pids_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].pid)
			col->pids[pid_slot(col, old[i].pid)] = old[i];
	free(old);
	return 0;
}

/* Empty slot i; the entries after it in its probe run move back, so no tombstones. */
void scl_col_pid_remove_slot(scl_collector *col, size_t i)
{
	size_t mask = col->pids_cap - 1;

	for (size_t j = (i + 1) & mask; col->pids[j].pid; j = (j + 1) & mask) {
		/* the entry at j may fill the hole when the hole is on its probe path (home .. j) */
		if (((j - pid_home(col->pids[j].pid, mask)) & mask) >= ((j - i) & mask)) {
			col->pids[i] = col->pids[j];
			i = j;
		}
	}
	col->pids[i].pid = 0;
	col->pids_n--;
}

static void set_gone_at(scl_collector *col, struct ctr *t, int64_t at)
{
	t->gone_at = at;
	if (!col->next_gone || at < col->next_gone)
		col->next_gone = at;
}

/* ctrs[k] lost a live process; with none left, its slot is due gone_delay_ms from now. */
static void ctr_release(scl_collector *col, uint32_t k)
{
	struct ctr *t = &col->ctrs[k];

	if (t->live && --t->live == 0) {
		t->idle_since = col->now;
		set_gone_at(col, t, col->now + col->lim.gone_delay_ms);
	}
}

/*
 * A record of ctrs[k] with no process of it counted: one read after the
 * slot was due (on a busy machine the kernel's audit queue may run more
 * than gone_delay_ms behind the exit events), or of a container whose
 * processes were all gone before their events were read.  Its slot is due
 * again gone_delay_ms from now, not only at the next interval.  Not when
 * processes are not counted (no process events, or past max_tracked_pids):
 * a container's count is 0 while it runs then.
 */
static void late_record(scl_collector *col, struct ctr *t)
{
	if (t->live || t->gone_at || !col->cfg.proc_events || col->cfg.offline || col->st.over_pids)
		return;
	if (!t->idle_since)
		t->idle_since = col->now;
	set_gone_at(col, t, col->now + col->lim.gone_delay_ms);
}

/* The index into ctrs of the container pid is counted in, or -1. */
static long tracked(const scl_collector *col, uint32_t pid)
{
	size_t i;

	if (!col->pids_cap || pid == 0)
		return -1;
	i = pid_slot(col, pid);
	return col->pids[i].pid ? (long)col->pids[i].ctr : -1;
}

static void untrack(scl_collector *col, uint32_t pid)
{
	size_t i;
	uint32_t k;

	if (!col->pids_cap || pid == 0)
		return;
	i = pid_slot(col, pid);
	if (!col->pids[i].pid)
		return;
	k = col->pids[i].ctr;
	scl_col_pid_remove_slot(col, i);
	ctr_release(col, k);
}

/* Count pid as a live process of ctrs[k], moving it from another container's count. */
static int track(scl_collector *col, uint32_t pid, size_t k)
{
	size_t i;

	if (pid == 0)
		return 0;
	if ((col->pids_n + 1) * 2 > col->pids_cap && col->pids_n < col->lim.max_tracked_pids && pids_grow(col) < 0)
		return -ENOMEM;
	i = pid_slot(col, pid);
	if (col->pids[i].pid) {
		uint32_t old = col->pids[i].ctr;

		if (old == k)
			return 0;
		col->pids[i].ctr = (uint32_t)k;
		col->ctrs[k].live++;
		col->ctrs[k].idle_since = 0;
		col->ctrs[k].seen = col->now;
		ctr_release(col, old);
		return 0;
	}
	if (col->pids_n >= col->lim.max_tracked_pids) {
		col->st.over_pids++;
		if (!col->over_pids_said) {
			scl_collector_event ev = { .type = SCL_COLLECTOR_OVER_PIDS };
			scl_col_say(col, &ev);
		}
		col->over_pids_said = true;
		return 0;
	}
	col->pids[i].pid = pid;
	col->pids[i].ctr = (uint32_t)k;
	col->pids_n++;
	col->ctrs[k].live++;
	col->ctrs[k].idle_since = 0;
	col->ctrs[k].seen = col->now;
	return 0;
}

/*
 * The index into ctrs of container c, added at first sight; -1 past the
 * container limit or for a container that can never be selected
 * (--container alone, another id); -ENOMEM.
 */
static long ctr_for(scl_collector *col, const scl_container *c)
{
	struct ctr *t;

	if (!c->id[0])
		return -1; /* not a container (an empty id marks a free place) */
	t = scl_col_find_ctr(col, c->id);

	if (!t) {
		if (col->cfg.n_ids && !col->cfg.n_cgroups && !scl_col_id_wanted(col, c->id))
			return -1;
		if (!scl_col_ctr_room(col))
			return -1; /* its records are counted (over_containers) when they come */
		if (!(t = scl_col_add_ctr(col, c)))
			return -ENOMEM;
	}
	return (long)(t - col->ctrs);
}

/* pid, read from /proc just now, is alive in container c: count it there. */
static int live_in(scl_collector *col, uint32_t pid, const scl_container *c)
{
	long k = ctr_for(col, c);
	struct ctr *t;

	if (k == -ENOMEM)
		return -ENOMEM;
	if (k < 0) {
		untrack(col, pid);
		return 0;
	}
	t = &col->ctrs[k];
	/* --cgroup is decided on a live process of the container: now, as its records may be read after it is gone */
	if (t->selected == SEL_UNDECIDED && col->cfg.n_cgroups) {
		(void)scl_col_decide(col, t, c, pid);
		if (col->oom)
			return -ENOMEM;
	}
	if (t->selected == SEL_NO) {
		untrack(col, pid);
		return 0;
	}
	return track(col, pid, (size_t)k);
}

int scl_collector_seed(scl_collector *col)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	fd = openat(col->cfg.proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((errno = 0, de = readdir(d))) {
		scl_container c;
		uint64_t pid;

		/* a zombie's exit event came before us: not counted */
		if (scl_parse_u64_str(de->d_name, PID_BITS - 1, &pid) < 0 || pid == 0 || scl_col_zombie(col, (uint32_t)pid))
			continue;
		r = scl_container_read_proc(col->cfg.proc_fd, (uint32_t)pid, col->cfg.cgroup_flags, &c, NULL);
		if (r == -ENOMEM)
			break;
		if (r != 1 || c.conmon) {
			r = 0;
			continue;
		}
		r = live_in(col, (uint32_t)pid, &c);
		if (r < 0)
			break;
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	return r < 0 ? r : col->oom ? -ENOMEM : 0;
}

void scl_collector_proc_overflow(scl_collector *col)
{
	for (size_t i = 0; i < col->pids_cap;) {
		if (col->pids[i].pid && scl_col_zombie(col, col->pids[i].pid)) {
			uint32_t k = col->pids[i].ctr;

			/* an entry from further on may move into slot i: look at it again */
			scl_col_pid_remove_slot(col, i);
			ctr_release(col, k);
			continue;
		}
		i++;
	}
}

int scl_collector_proc_event(scl_collector *col, const scl_proc_event *ev)
{
	struct memo *m = &col->memo[ev->pid % ELEMENTSOF(col->memo)];
	scl_container c;
	int r;

	if (m->pid == ev->pid)
		m->gen = 0;
	switch (ev->type) {
	case SCL_PROC_FORK:
		/*
		 * The child of a process whose cgroup is unknown inherits the
		 * doubt; otherwise it gets the parent's container (read now if
		 * the parent still lives).
		 */
		set_pid_bit(col->uncertain, ev->pid, scl_col_pid_bit(col->uncertain, ev->parent_pid));
		set_pid_bit(col->exited, ev->pid, false);
		(void)scl_container_cache_fork(col->cache, ev->parent_pid, ev->pid);
		/* a child forked inside a container is one of its processes (a new pid: any old count was a lost exit) */
		{
			long k = tracked(col, ev->parent_pid);
			if (k >= 0)
				return track(col, ev->pid, (size_t)k);
			untrack(col, ev->pid);
		}
		/*
		 * A parent not counted in a container may still have forked
		 * into one: runc clones its init with CLONE_PARENT, so the
		 * fork names the runtime on the host, and what the cache
		 * inherited from it is the host.  Read the child itself now:
		 * on a busy machine its exec event may be read only after it
		 * is gone, and then this is all that is known of it.  (Gone
		 * already: the parent's answer; its exit event is still to
		 * come and ends any count.)
		 */
		r = scl_container_cache_lookup(col->cache, ev->pid, &c);
		if (r == -ENOMEM)
			return r;
		if (r == 1 && !c.conmon)
			return live_in(col, ev->pid, &c);
		break;
	case SCL_PROC_EXEC:
		/*
		 * A runtime moves its init into the container's cgroup between
		 * fork and exec (runc; systemd does the same with units), so
		 * what the fork taught us may be the runtime's cgroup: read it
		 * again now.  When the process is already gone, the fork's
		 * answer stands only if it was a container (a process forked
		 * inside a container stays there); a child of a host process
		 * (a runtime) is not attributed by guess.
		 */
		if (!scl_col_zombie(col, ev->pid) &&
		    (r = scl_container_read_proc(col->cfg.proc_fd, ev->pid, col->cfg.cgroup_flags, &c, NULL)) >= 0) {
			scl_container fresh;

			set_pid_bit(col->uncertain, ev->pid, false);
			/*
			 * The cache reads it again; its answer is not the one
			 * acted on: the process may be gone by then, and the
			 * cache answers with what its fork taught (the host, no
			 * id), which once made a container without an id that
			 * held a place for good.
			 */
			(void)scl_container_cache_invalidate(col->cache, ev->pid);
			(void)scl_container_cache_lookup(col->cache, ev->pid, &fresh);
			if (r == 1 && !c.conmon)
				return live_in(col, ev->pid, &c);
			untrack(col, ev->pid);
		} else if (scl_container_cache_lookup(col->cache, ev->pid, &c) != 1) {
			set_pid_bit(col->uncertain, ev->pid, true);
		}
		break;
	case SCL_PROC_EXIT:
		(void)scl_container_cache_exit(col->cache, ev->pid);
		set_pid_bit(col->exited, ev->pid, true);
		untrack(col, ev->pid);
		break;
	}
	return col->oom ? -ENOMEM : 0;
}

int scl_collector_learned(scl_collector *col, const scl_record *rec, const scl_collector_hit *hit, bool learned)
{
	struct ctr *t = &col->ctrs[hit->ctr];
	int r;

	if (learned) {
		col->st.attributed++;
		t->records++;
	}
	if (col->cfg.proc_events && !col->cfg.offline && hit->fresh && !scl_col_pid_bit(col->exited, rec->pid) &&
	    tracked(col, rec->pid) < 0) {
		/*
		 * A process no event counted: runc's init before its exec (it is
		 * cloned with CLONE_PARENT, so its fork event names the runtime
		 * on the host as its parent).  Whatever lives under this pid now
		 * is counted where it lives; not after its exit event, which
		 * can come while /proc still shows the process in its cgroup.
		 */
		scl_container lc;

		r = scl_container_read_proc(col->cfg.proc_fd, rec->pid, col->cfg.cgroup_flags, &lc, NULL);
		if (r == -ENOMEM)
			return r;
		if (r == 1 && !lc.conmon && (r = live_in(col, rec->pid, &lc)) < 0)
			return r;
		t = &col->ctrs[hit->ctr]; /* live_in() may have grown ctrs */
	}
	if (learned)
		late_record(col, t);
	return 0;
}

