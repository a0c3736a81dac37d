/*
 * The node collector's engine: containers, their selection, record
 * attribution, gone and forget timing (collector.h); their live processes
 * in collector-pids.c, the slots' syscall sets in collector-sets.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container-internal.h"
#include "lib/collector-internal.h"
#include "scmplog/arch.h"
#include "scmplog/collector.h"
#include "scmplog/dedup.h"
#include "scmplog/limits.h"
#include "util.h"

void scl_collector_limits_default(scl_collector_limits *ret)
{
	ret->max_containers = SCL_MAX_CONTAINERS;
	ret->max_groups = SCL_MAX_GROUPS;
	ret->max_tracked_pids = SCL_MAX_TRACKED_PIDS;
	ret->forget_delay_ms = 60000;
	/*
	 * A container's profile is due soon after its last process exits, not
	 * at the exit event: the last records (exit_group) pass through the
	 * kernel's audit queue and may reach us after the exit event, which the
	 * proc connector sends from the exiting task itself.  So it is due
	 * gone_delay_ms after the count dropped to zero, and written in the
	 * loop round that reaches that time, after reading the records queued
	 * by then.  A record that comes later still is written at the next
	 * interval: nothing is lost.
	 */
	ret->gone_delay_ms = 1000;
}

void scl_col_say(scl_collector *col, const scl_collector_event *ev)
{
	if (col->cfg.ops->event)
		col->cfg.ops->event(col->cfg.ud, ev);
}

/* ---- the container table ---- */

static size_t id_hash(const char *id, size_t mask)
{
	uint64_t h = SCL_FNV_OFFSET;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 29)) & mask;
}

/* Open addressing over indexes into ctrs (+1; 0 is empty), kept at most half full. */
struct ctr *scl_col_find_ctr(scl_collector *col, const char *id)
{
	if (!col->index_cap)
		return NULL;
	for (size_t i = id_hash(id, col->index_cap - 1); col->index[i]; i = (i + 1) & (col->index_cap - 1))
		if (!strcmp(col->ctrs[col->index[i] - 1].id, id))
			return &col->ctrs[col->index[i] - 1];
	return NULL;
}

static void index_put(scl_collector *col, size_t k)
{
	size_t i;

	for (i = id_hash(col->ctrs[k].id, col->index_cap - 1); col->index[i]; i = (i + 1) & (col->index_cap - 1))
		;
	col->index[i] = (uint32_t)k + 1;
}

/* Index ctrs[k], growing the table first when it would be more than half full. */
static int index_ctr(scl_collector *col, size_t k)
{
	if ((k + 1) * 2 > col->index_cap) {
		size_t cap = col->index_cap ? col->index_cap * 2 : 64;
		uint32_t *ni = calloc(cap, sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		free(col->index);
		col->index = ni;
		col->index_cap = cap;
		for (size_t j = 0; j < k; j++)
			if (col->ctrs[j].id[0]) /* not a forgotten slot */
				index_put(col, j);
	}
	index_put(col, k);
	return 0;
}

/* Take ctrs[k] out of the index; the entries after it in its probe run move back, so no tombstones. */
static void index_remove(scl_collector *col, size_t k)
{
	size_t mask = col->index_cap - 1, i;

	for (i = id_hash(col->ctrs[k].id, mask); col->index[i] && col->index[i] != k + 1; i = (i + 1) & mask)
		;
	if (!col->index[i])
		return;
	for (size_t j = (i + 1) & mask; col->index[j]; j = (j + 1) & mask) {
		size_t home = id_hash(col->ctrs[col->index[j] - 1].id, mask);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			col->index[i] = col->index[j];
			i = j;
		}
	}
	col->index[i] = 0;
}

static size_t ctrs_in_use(const scl_collector *col)
{
	return col->n_ctrs - col->n_free_ctrs;
}

/* Read /proc/PID/cgroup and look for a path below one of the --cgroup prefixes (-ENOENT: gone or exiting). */
static int cgroup_selected(scl_collector *col, uint32_t pid)
{
	char name[16], buf[SCL_MAX_PROC_CGROUP_FILE];
	_cleanup_close_ int dfd = -1, fd = -1;
	size_t n = 0;
	int r;

	snprintf(name, sizeof(name), "%u", pid);
	dfd = openat(col->cfg.proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = openat(dfd, "cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = scl_read_small(fd, buf, sizeof(buf), &n);
	if (r < 0)
		return r == -ESRCH ? -ENOENT : r;
	/* an exiting task's v1 cgroups read as the root: not its cgroup */
	r = scl_ctr_still_alive(dfd, pid);
	if (r < 0)
		return r;
	for (const char *p = buf, *end = buf + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *c1, *c2;

		c1 = memchr(p, ':', (size_t)(le - p));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		if (c2) {
			const char *path = c2 + 1;
			size_t pn = (size_t)(le - path);
			for (size_t i = 0; i < col->cfg.n_cgroups; i++) {
				const char *w = col->cfg.cgroups[i];
				size_t wn = strlen(w);
				/* a prefix ends at a component boundary ("/a" is not a prefix of "/ab") */
				if (pn >= wn && !memcmp(path, w, wn) &&
				    (pn == wn || path[wn] == '/' || (wn > 0 && w[wn - 1] == '/')))
					return 1;
			}
		}
		p = le + 1;
	}
	return 0;
}

bool scl_col_id_wanted(const scl_collector *col, const char *id)
{
	for (size_t i = 0; i < col->cfg.n_ids; i++)
		if (!strcmp(col->cfg.ids[i], id))
			return true;
	return false;
}

struct ctr *scl_col_add_ctr(scl_collector *col, const scl_container *c)
{
	struct ctr *n;
	size_t k;

	if (col->free_ctr) {
		/* a forgotten slot: nothing refers to it any more, and the index has room for every slot */
		k = col->free_ctr - 1;
		col->free_ctr = col->ctrs[k].slot;
		col->n_free_ctrs--;
	} else {
		n = realloc(col->ctrs, (col->n_ctrs + 1) * sizeof(*n));
		if (!n)
			return NULL;
		col->ctrs = n;
		k = col->n_ctrs;
	}
	n = &col->ctrs[k];
	memset(n, 0, sizeof(*n));
	memcpy(n->id, c->id, sizeof(n->id));
	n->id[sizeof(n->id) - 1] = '\0';
	n->selected = SEL_UNDECIDED;
	n->seen = col->now;
	col->n_undecided++;
	if (k < col->n_ctrs) {
		index_put(col, k);
		return n;
	}
	if (index_ctr(col, k) < 0)
		return NULL;
	col->n_ctrs++;
	return n;
}

/*
 * A container without a process for forget_delay_ms whose slot is written
 * (or that has none) is forgotten (scl_collector_forget_idle()), so that a
 * node collector running for months is neither stopped by max_containers
 * nor grows with every container it ever saw.  A record of it that still
 * comes makes it new again (decided again: by its id, a live process, or,
 * with the process gone, ops.had: only selected containers were bound).
 */
static void forget_ctr(scl_collector *col, size_t k)
{
	struct ctr *t = &col->ctrs[k];

	/*
	 * Processes still counted in it (a container not learned may have
	 * some, counted while it was undecided): out of the table, or their
	 * exits would be counted against the next container in its place.
	 */
	for (size_t i = 0; t->live && i < col->pids_cap;) {
		if (col->pids[i].pid && col->pids[i].ctr == k) {
			scl_col_pid_remove_slot(col, i); /* an entry from further on may move into i */
			t->live--;
			continue;
		}
		i++;
	}

	if (t->selected == SEL_YES) {
		if (t->records)
			col->st.forgotten_selected++;
		if (col->cfg.ops->release)
			col->cfg.ops->release(col->cfg.ud, t->slot);
	}
	if (t->selected == SEL_NO)
		col->n_unselected--;
	if (t->selected == SEL_UNDECIDED)
		col->n_undecided--;
	index_remove(col, k);
	memset(t, 0, sizeof(*t));
	t->slot = col->free_ctr;
	col->free_ctr = k + 1;
	col->n_free_ctrs++;
}

static bool had_slot(scl_collector *col, const scl_container *c)
{
	return col->cfg.ops->had && col->cfg.ops->had(col->cfg.ud, c);
}

int scl_col_decide(scl_collector *col, struct ctr *t, const scl_container *c, uint32_t pid)
{
	bool any_filter = col->cfg.n_ids || col->cfg.n_cgroups;
	int sel = any_filter ? SEL_NO : SEL_YES;
	int r;

	if (scl_col_id_wanted(col, t->id))
		sel = SEL_YES;
	if (sel != SEL_YES && col->cfg.n_cgroups) {
		r = cgroup_selected(col, pid);
		/* its process is gone: a container forgotten once selected is selected again */
		if (r < 0 && !had_slot(col, c))
			return SEL_UNDECIDED;
		if (r != 0)
			sel = SEL_YES;
	}
	if (sel == SEL_YES) {
		r = col->cfg.ops->bind(col->cfg.ud, c, &t->slot);
		if (r == -ENOMEM) {
			col->oom = 1;
			return SEL_UNDECIDED;
		}
		if (r < 0)
			sel = SEL_NO; /* no slot of its own (the caller said why) */
	}
	if (sel == SEL_YES) {
		scl_collector_event ev = { .type = SCL_COLLECTOR_SELECTED, .id = t->id, .runtime = c->runtime,
					   .slot = t->slot };
		scl_col_say(col, &ev);
	}
	t->selected = sel;
	col->n_undecided--;
	if (sel == SEL_NO)
		col->n_unselected++;
	return sel;
}

/*
 * A container that holds nothing but a decision: not learned, or not
 * decided yet (its processes were gone before /proc could say), with no
 * counted process.  Its place may be given up, the decision made again if
 * it comes back.
 */
static bool holds_nothing(const struct ctr *t)
{
	return t->id[0] && (t->selected == SEL_NO || (t->selected == SEL_UNDECIDED && !t->live));
}

/*
 * Room for one more container: a place is free, or one that holds nothing
 * is given up (forget_ctr()), a container not learned first.  Without
 * this, every leaf cgroup with a process (a host's services, each command
 * of a CI runner) would take a place for good and leave none to the
 * containers asked for; and so would each one whose short-lived processes
 * were gone before their container was decided (a runner's commands on a
 * busy machine), none of them ever counted as alive.
 */
bool scl_col_ctr_room(scl_collector *col)
{
	if (ctrs_in_use(col) < col->lim.max_containers)
		return true;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0 ? !col->n_unselected : !col->n_undecided)
			continue;
		for (size_t k = 0; k < col->n_ctrs; k++)
			if (holds_nothing(&col->ctrs[k]) && (pass == 1 || col->ctrs[k].selected == SEL_NO)) {
				forget_ctr(col, k);
				return true;
			}
	}
	return false;
}

void scl_collector_new_batch(scl_collector *col)
{
	col->memo_gen++;
}

/*
 * --source audisp: records come through auditd's queue, seconds late when
 * auditd or the plugin fell behind, and on a busy machine the pid may be
 * another process's by then.  A live process that started after the record
 * holds a reused pid (as for the offline sources); a gone one leaves the
 * answer to what was learned of the pid.
 */
static bool pid_reused(const scl_collector *col, const scl_record *rec)
{
	char name[32], buf[SCL_MAX_PROC_STAT];
	uint64_t st;
	ssize_t n;
	int fd;

	if (!(rec->fields & SCL_F_TIME))
		return false;
	snprintf(name, sizeof(name), "%u/stat", rec->pid);
	fd = openat(col->cfg.proc_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || scl_container_parse_stat_starttime(buf, (size_t)n, rec->pid, &st) < 0)
		return false;
	return !scl_container_may_have_made(st, col->cfg.btime, col->cfg.clk_tck, rec->time_sec);
}

int scl_collector_attribute(scl_collector *col, const scl_record *rec, scl_collector_hit *ret)
{
	bool fresh = true;
	scl_container c;
	struct memo *m;
	struct ctr *t;
	int r;

	if (!(rec->fields & SCL_F_PID) || rec->pid == 0) {
		col->st.no_pid++;
		return 0;
	}
	if (col->cfg.offline) {
		/*
		 * The record may be old: its pid counts only while a process of
		 * that pid lives that had started by the record's time (a later
		 * one holds a reused pid; one that came and went between the
		 * record and now cannot be told apart from it, and stays a risk
		 * of offline attribution).
		 */
		uint64_t st = 0;

		r = scl_col_zombie(col, rec->pid) ? -ENOENT
					  : scl_container_read_proc(col->cfg.proc_fd, rec->pid, col->cfg.cgroup_flags,
								    &c, &st);
		if (r == -ENOMEM)
			return r;
		/* a live process that started after the record holds a reused pid */
		if (r >= 0 && (!(rec->fields & SCL_F_TIME) ||
			       !scl_container_may_have_made(st, col->cfg.btime, col->cfg.clk_tck, rec->time_sec)))
			r = -ENOENT;
		if (r == -ENOENT || r == -ESRCH) {
			col->st.gone++;
			return 0;
		}
		if (r < 0) {
			col->st.unreadable++;
			return 0;
		}
		goto found;
	}
	m = &col->memo[rec->pid % ELEMENTSOF(col->memo)];
	if (m->gen == col->memo_gen && m->pid == rec->pid) {
		r = m->r;
		c = m->c;
		fresh = false;
		goto found;
	}
	if (col->cfg.audisp && pid_reused(col, rec)) {
		col->st.gone++;
		return 0;
	}
	if (scl_col_pid_bit(col->uncertain, rec->pid)) {
		/* only a live process is read; the cache would answer with what the fork taught */
		r = scl_col_zombie(col, rec->pid) ? -ENOENT
					  : scl_container_read_proc(col->cfg.proc_fd, rec->pid, col->cfg.cgroup_flags,
								    &c, NULL);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			col->st.uncertain++;
			return 0;
		}
	} else {
		r = scl_container_cache_lookup(col->cache, rec->pid, &c);
		if (r == -ENOENT && col->cfg.proc_events && col->cfg.ops->sync) {
			/* gone, and unknown: its fork may still be queued (ops.sync) */
			r = col->cfg.ops->sync(col->cfg.ud);
			if (r < 0)
				return r;
			r = scl_container_cache_lookup(col->cache, rec->pid, &c);
		}
		if (r == -ENOMEM)
			return r;
		if (r == -ENOENT) {
			col->st.gone++;
			return 0;
		}
		if (r < 0) {
			col->st.unreadable++;
			return 0;
		}
	}
	m->gen = col->memo_gen;
	m->pid = rec->pid;
	m->r = r;
	m->c = c;
found:
	if (r == 0 || c.conmon) {
		col->st.host++;
		return 0;
	}
	if (!c.id[0]) {
		col->st.host++; /* cannot be: a container has an id */
		return 0;
	}
	t = scl_col_find_ctr(col, c.id);
	if (!t && !scl_col_ctr_room(col)) {
		/* counted, said once */
		col->st.over_containers++;
		if (!col->over_containers_said) {
			scl_collector_event ev = { .type = SCL_COLLECTOR_OVER_CONTAINERS, .id = c.id };
			scl_col_say(col, &ev);
		}
		col->over_containers_said = true;
		return 0;
	}
	if (!t && !(t = scl_col_add_ctr(col, &c)))
		return -ENOMEM;
	t->seen = col->now;
	if (t->selected == SEL_UNDECIDED && scl_col_decide(col, t, &c, rec->pid) == SEL_UNDECIDED) {
		if (col->oom)
			return -ENOMEM;
		col->st.undecided++;
		return 0;
	}
	if (t->selected == SEL_NO) {
		col->st.not_selected++;
		return 0;
	}
	ret->slot = t->slot;
	ret->ctr = (uint32_t)(t - col->ctrs);
	ret->fresh = fresh;
	return 1;
}

size_t scl_collector_tick(scl_collector *col, int64_t now)
{
	int64_t next = 0;
	size_t any = 0;

	col->now = now;
	if (!col->next_gone || now < col->next_gone)
		return 0;
	for (size_t k = 0; k < col->n_ctrs; k++) {
		struct ctr *t = &col->ctrs[k];

		if (!t->gone_at)
			continue;
		if (t->gone_at > now) {
			if (!next || t->gone_at < next)
				next = t->gone_at;
			continue;
		}
		t->gone_at = 0;
		/* a process came back (a restart under the same id): its exit will make the slot due */
		if (t->live || t->selected != SEL_YES)
			continue;
		if (col->cfg.ops->gone && col->cfg.ops->gone(col->cfg.ud, t->slot, t->id))
			any++;
	}
	col->next_gone = next;
	return any;
}

int64_t scl_collector_next_due(const scl_collector *col)
{
	return col->next_gone;
}

/*
 * How long ctrs[k] has been idle at now, or -1 while it is not: a learned
 * container from its last counted process's exit (one never counted, as
 * without process events, stays); one that holds nothing from its last
 * record or process, whichever came last.
 */
static int64_t idle_for(const struct ctr *t, int64_t now)
{
	int64_t since;

	if (!t->id[0] || t->live || t->gone_at)
		return -1;
	since = t->idle_since;
	if (holds_nothing(t) && t->seen > since)
		since = t->seen;
	return since ? now - since : -1;
}

size_t scl_collector_forget_idle(scl_collector *col, int64_t now)
{
	size_t n = 0;

	col->now = now;
	for (size_t k = 0; k < col->n_ctrs; k++) {
		struct ctr *t = &col->ctrs[k];
		int64_t idle = idle_for(t, now);

		if (idle < col->lim.forget_delay_ms)
			continue;
		/* written first: a failed write is tried again at the next interval */
		if (t->selected == SEL_YES && col->cfg.ops->busy && col->cfg.ops->busy(col->cfg.ud, t->slot))
			continue;
		{
			scl_collector_event ev = { .type = SCL_COLLECTOR_FORGOTTEN, .id = t->id,
						   .selected = t->selected == SEL_YES, .idle_ms = idle };
			scl_col_say(col, &ev);
		}
		forget_ctr(col, k);
		n++;
	}
	return n;
}

void scl_collector_stats_get(const scl_collector *col, scl_collector_stats *ret)
{
	size_t n = 0;

	*ret = col->st;
	for (size_t i = 0; i < col->n_ctrs; i++)
		n += col->ctrs[i].id[0] && col->ctrs[i].selected == SEL_YES && col->ctrs[i].records > 0;
	ret->selected = n + col->st.forgotten_selected;
	ret->containers = ctrs_in_use(col);
	ret->tracked_pids = col->pids_n;
}

void scl_collector_foreach(const scl_collector *col, scl_collector_each_fn fn, void *ud)
{
	for (size_t k = 0; k < col->n_ctrs; k++) {
		const struct ctr *t = &col->ctrs[k];

		if (t->id[0])
			fn(ud, t->id, t->selected, t->live, idle_for(t, col->now));
	}
}

const scl_collector_limits *scl_collector_get_limits(const scl_collector *col)
{
	return &col->lim;
}

void scl_collector_set_time(scl_collector *col, int64_t now)
{
	col->now = now;
}

int scl_collector_new(const scl_collector_config *cfg, scl_collector **ret)
{
	scl_collector_limits def;
	scl_collector *col;
	int r;

	if (!cfg->ops || !cfg->ops->bind || (cfg->split_host && !cfg->ops->bind_host))
		return -EINVAL;
	col = calloc(1, sizeof(*col));
	if (!col)
		return -ENOMEM;
	col->cfg = *cfg;
	scl_collector_limits_default(&def);
	col->lim = cfg->limits;
	if (!col->lim.max_containers)
		col->lim.max_containers = def.max_containers;
	if (!col->lim.max_groups)
		col->lim.max_groups = def.max_groups;
	if (!col->lim.max_tracked_pids)
		col->lim.max_tracked_pids = def.max_tracked_pids;
	if (!col->lim.forget_delay_ms)
		col->lim.forget_delay_ms = def.forget_delay_ms;
	if (!col->lim.gone_delay_ms)
		col->lim.gone_delay_ms = def.gone_delay_ms;
	r = scl_container_cache_new(cfg->proc_fd, cfg->cgroup_flags, 0, &col->cache);
	if (r < 0) {
		scl_collector_free(col);
		return r;
	}
	if (cfg->proc_events && !cfg->offline &&
	    (!(col->uncertain = calloc(PID_BITS / 64, sizeof(uint64_t))) ||
	     !(col->exited = calloc(PID_BITS / 64, sizeof(uint64_t)))))
		goto oom;
	*ret = col;
	return 0;
oom:
	scl_collector_free(col);
	return -ENOMEM;
}

void scl_collector_free(scl_collector *col)
{
	if (!col)
		return;
	scl_container_cache_free(col->cache);
	free(col->ctrs);
	free(col->index);
	free(col->uncertain);
	free(col->exited);
	free(col->pids);
	for (size_t i = 0; i < col->n_slots; i++)
		scl_sysset_free(col->slots[i].set);
	free(col->slots);
	scl_mapper_free(col->mapper);
	scl_dedup_free(col->dedup);
	free(col);
}

void scl_collector_freep(scl_collector **col)
{
	scl_collector_free(*col);
}
