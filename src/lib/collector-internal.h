/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_COLLECTOR_INTERNAL_H
#define SCL_COLLECTOR_INTERNAL_H

/*
 * The node collector's representation, shared by collector.c (containers,
 * selection, attribution, gone and forget timing), collector-pids.c (live
 * processes) and collector-sets.c (the slots' syscall sets, hosts).
 * Not installed; nothing else looks inside a collector.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/arch.h"
#include "scmplog/collector.h"
#include "scmplog/dedup.h"
#include "scmplog/limits.h"

enum { SEL_UNDECIDED = -1, SEL_NO = 0, SEL_YES = 1 };

struct ctr {
	char id[SCL_MAX_CONTAINER_ID + 1];
	uint64_t records;
	int selected;
	size_t slot;              /* the caller's output slot, when selected; the next free slot's index when forgotten */
	uint32_t live;            /* its processes known to be alive (struct pidslot) */
	int64_t gone_at;          /* its slot is due then (ms), 0 if not due */
	int64_t idle_since;       /* its last counted process exited then (ms), 0 while it has one */
	int64_t seen;             /* its last record or counted process came then (ms) */
};

/* A live process counted in a container's live count. */
struct pidslot {
	uint32_t pid;             /* 0: empty */
	uint32_t ctr;             /* index into ctrs */
};

#define PID_BITS SCL_PID_MAX_LIMIT

struct scl_collector {
	scl_collector_config cfg;
	scl_collector_limits lim;
	int64_t now;
	scl_container_cache *cache;
	struct ctr *ctrs;
	size_t n_ctrs;            /* slots, forgotten ones included */
	/* forgotten slots, for reuse: the first (+1; 0: none), each keeping the next in its slot */
	size_t free_ctr, n_free_ctrs;
	size_t n_unselected;      /* slots of containers decided not to be learned */
	size_t n_undecided;       /* slots of containers not decided yet (their processes gone before) */
	uint32_t *index;          /* scl_col_find_ctr()'s hash table */
	size_t index_cap;
	int oom;
	/*
	 * Recent lookups, direct-mapped by pid, for the records of a few busy
	 * processes in a read batch: valid for the batch (memo_gen) until an
	 * event of that pid comes.
	 */
	struct memo {
		uint64_t gen;
		uint32_t pid;
		int r;
		scl_container c;
	} memo[256];
	uint64_t memo_gen;
	/*
	 * Processes whose cgroup is unknown since their last exec: it was
	 * processed after they were gone, and a runtime may have moved them
	 * between fork and exec.  Bit per pid (PID_MAX_LIMIT bits, 512 KiB).
	 */
	uint64_t *uncertain;
	/* pids whose exit event came, until a fork reuses them (bit per pid, as uncertain) */
	uint64_t *exited;
	/*
	 * Live processes per container, from the process events: a table of
	 * live pids (open addressing, at most half full) and the earliest
	 * ctr.gone_at.
	 */
	struct pidslot *pids;
	size_t pids_cap, pids_n;
	int64_t next_gone;
	scl_collector_stats st;
	bool over_containers_said, over_pids_said, over_groups_said;
	/* what each slot's records did (index: the slot) */
	struct slotset {
		scl_sysset *set;      /* NULL until its first record, and once freed */
		bool has_unknown;     /* counts syscall numbers libseccomp cannot name */
		bool limit_said;      /* a set limit refused a record (said once) */
	} *slots;
	size_t n_slots;
	size_t n_hosts;           /* split_host: hosts bound to a slot */
	scl_mapper *mapper;       /* names a set's new keys once, to count those it cannot name */
	scl_dedup *dedup;         /* journald's two copies of a record */
};

/* collector.c: the container table, selection */
void scl_col_say(scl_collector *col, const scl_collector_event *ev);
struct ctr *scl_col_find_ctr(scl_collector *col, const char *id);
bool scl_col_id_wanted(const scl_collector *col, const char *id);
struct ctr *scl_col_add_ctr(scl_collector *col, const scl_container *c);
int scl_col_decide(scl_collector *col, struct ctr *t, const scl_container *c, uint32_t pid);
bool scl_col_ctr_room(scl_collector *col);

/* collector-pids.c: live processes */
bool scl_col_pid_bit(const uint64_t *map, uint32_t pid);
bool scl_col_zombie(const scl_collector *col, uint32_t pid);
void scl_col_pid_remove_slot(scl_collector *col, size_t i);

#endif
