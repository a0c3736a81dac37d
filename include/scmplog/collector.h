#ifndef SCMPLOG_COLLECTOR_H
#define SCMPLOG_COLLECTOR_H

/*
 * The node collector's engine (scmplog collect): attributes SECCOMP records
 * to containers, decides which containers are learned (--container ids,
 * --cgroup prefixes), counts each container's live processes from the
 * process events (proc-connector.h), says when a container's profile is
 * due (its last process gone) and forgets containers gone for a while, all
 * within runtime limits.
 *
 * It knows no file names: a container it selects (or, with split_host, a
 * record's hostname) is bound to an output slot by the caller (ops.bind,
 * ops.bind_host), which names and writes the profiles.  What a slot's
 * records did is the collector's: a syscall set per slot (sysset.h),
 * bounded, with the syscall numbers libseccomp cannot name counted
 * (scl_collector_record(), scl_collector_slot_set()).  journald's two
 * copies of a record are taken once (dedup.h).  It never prints and never reads the
 * clock: the caller passes the time (scl_collector_set_time(),
 * scl_collector_tick()), so that tests drive it with an injected clock, and
 * /proc is read through the directory descriptor it is given (a fixture
 * tree in tests).  What it has to say comes back through ops.event, and
 * counters (scl_collector_stats()).
 *
 * Not thread-safe: one thread calls everything, callbacks included.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/container.h"
#include "scmplog/proc-connector.h"
#include "scmplog/record.h"
#include "scmplog/sysset.h"

typedef struct scl_collector scl_collector;

/*
 * Memory bounds and timing.  scl_collector_limits_default() gives the
 * limits.h values: SCL_MAX_CONTAINERS, SCL_MAX_GROUPS, SCL_MAX_TRACKED_PIDS,
 * a forget delay of 60 s and a gone delay of 1 s.  max_groups is for the
 * caller's --split-by host groups: the collector only carries it.
 */
typedef struct scl_collector_limits {
	size_t max_containers;   /* containers known at once, selected or not */
	size_t max_groups;       /* hosts with --split-by host (the caller's) */
	size_t max_tracked_pids; /* live container processes counted */
	int64_t forget_delay_ms; /* a container without a process (or record) is forgotten after this */
	int64_t gone_delay_ms;   /* a container's profile is due this long after its last process exited */
} scl_collector_limits;

void scl_collector_limits_default(scl_collector_limits *ret);

typedef enum scl_collector_event_type {
	/* a container is selected, bound to slot */
	SCL_COLLECTOR_SELECTED = 1,
	/* a container was forgotten (selected: it had a slot, written: the caller's busy() said no) */
	SCL_COLLECTOR_FORGOTTEN,
	/* the first container refused for max_containers (said once; scl_collector_foreach() lists the holders) */
	SCL_COLLECTOR_OVER_CONTAINERS,
	/* the first process not counted for max_tracked_pids (said once) */
	SCL_COLLECTOR_OVER_PIDS,
	/* split_host: the first host refused for max_groups (said once) */
	SCL_COLLECTOR_OVER_GROUPS,
	/* a record slot's syscall set could not take (limit; said once per slot) */
	SCL_COLLECTOR_SET_LIMIT,
} scl_collector_event_type;

/* Which syscall set limit (SCL_COLLECTOR_SET_LIMIT). */
typedef enum scl_collector_set_limit {
	SCL_COLLECTOR_LIMIT_LANES = 1, /* SCL_MAX_SYSSET_LANES ranges of syscall numbers */
	SCL_COLLECTOR_LIMIT_COUNTED,   /* SCL_MAX_SYSSET_COUNTED syscall numbers libseccomp cannot name */
} scl_collector_set_limit;

typedef struct scl_collector_event {
	scl_collector_event_type type;
	const char *id;                  /* the container's id (SELECTED, FORGOTTEN, OVER_CONTAINERS) */
	scl_container_runtime runtime;   /* SELECTED */
	bool selected;                   /* FORGOTTEN: it was learned */
	size_t slot;                     /* SELECTED, SET_LIMIT */
	int64_t idle_ms;                 /* FORGOTTEN: how long it had no process or record */
	scl_collector_set_limit limit;   /* SET_LIMIT */
} scl_collector_event;

/*
 * The naming side, called back from inside the collector's functions.
 * bind: give selected container c an output slot: 0 with *ret_slot,
 *   -EEXIST when it can have none (the caller said why; it is not learned),
 *   -ENOMEM.  A key bound before gets its slot again (a forgotten container
 *   that comes back).
 * had: c's key was bound before (a forgotten selected container comes
 *   back after its processes are gone: it is selected again).
 * release: a container bound to slot was forgotten.
 * busy: slot has records not yet written (a container of it is forgotten
 *   only once they are).
 * gone: a container of slot has had no process for gone_delay_ms: true if
 *   the caller will write the slot now (scl_collector_tick()).
 * event: something to tell (may be NULL).
 * bind_host: split_host: the slot of host[0..n) (any bytes): 0 with
 *   *ret_slot; with add false -ENOENT when it has none yet (the collector
 *   then checks max_groups and asks again with add true); -EEXIST when it
 *   can have none (the caller said why; its records are counted as without
 *   a host), -ENOMEM.
 * sync: proc_events: take in the process events queued by now (may be
 *   NULL): asked when a record's process is gone and nothing is known of its
 *   pid.  Its fork came before the record, but the two come by different
 *   sockets and the caller may read records that arrived after it last took
 *   the events in (a short-lived process on a busy machine).  0 or -ENOMEM.
 * Only bind is required (and bind_host with split_host).
 */
typedef struct scl_collector_ops {
	int (*bind)(void *ud, const scl_container *c, size_t *ret_slot);
	bool (*had)(void *ud, const scl_container *c);
	void (*release)(void *ud, size_t slot);
	bool (*busy)(void *ud, size_t slot);
	bool (*gone)(void *ud, size_t slot, const char *id);
	void (*event)(void *ud, const scl_collector_event *ev);
	int (*bind_host)(void *ud, const char *host, size_t n, bool add, size_t *ret_slot);
	int (*sync)(void *ud);
} scl_collector_ops;

typedef struct scl_collector_config {
	int proc_fd;                 /* /proc (or a fixture tree), kept open by the caller */
	unsigned cgroup_flags;       /* SCL_CGROUP_* (container.h) */
	const char *const *ids;      /* --container: learned ids (borrowed) */
	size_t n_ids;
	const char *const *cgroups;  /* --cgroup: learned cgroup path prefixes (borrowed) */
	size_t n_cgroups;
	bool proc_events;            /* the caller feeds process events (scl_collector_proc_event()) */
	bool offline;                /* records from files or the journal: no live process behind them */
	bool audisp;                 /* records through auditd: seconds late, a pid may be reused */
	uint64_t btime, clk_tck;     /* offline, audisp: the boot time and clock ticks (container.h) */
	bool split_host;             /* a slot per record hostname (ops.bind_host), no containers */
	bool journal;                /* every record comes from the journal: its second copy is dropped (a
	                                record framed as journal output is checked for one in any case) */
	scl_collector_limits limits; /* zeroes: the defaults */
	const scl_collector_ops *ops;
	void *ud;
} scl_collector_config;

/* The counters: records not attributed by reason, and the limits' counts. */
typedef struct scl_collector_stats {
	uint64_t attributed;      /* records handed to a slot (scl_collector_attribute() returned 1) */
	uint64_t host;            /* of host processes */
	uint64_t not_selected;    /* of containers not learned */
	uint64_t gone;            /* of processes gone before they were looked up */
	uint64_t uncertain;       /* of processes gone with their cgroup unknown since exec */
	uint64_t no_pid;
	uint64_t unreadable;
	uint64_t undecided;       /* of containers whose selection could not be decided (its processes gone) */
	uint64_t over_containers; /* records past max_containers */
	uint64_t over_pids;       /* processes not counted past max_tracked_pids */
	uint64_t forgotten_selected; /* learned containers (with records) forgotten */
	uint64_t records;         /* taken by scl_collector_record(), copies not included */
	uint64_t duplicates;      /* journald's second copies dropped */
	uint64_t learned;         /* added to a slot's syscall set */
	uint64_t over_set_limit;  /* attributed, refused by a syscall set limit */
	uint64_t no_host;         /* split_host: without a hostname (or one that can have no slot) */
	uint64_t over_groups;     /* split_host: of hosts past max_groups */
	size_t containers;        /* known now */
	size_t selected;          /* learned with records, the forgotten ones included */
	size_t tracked_pids;
} scl_collector_stats;

/*
 * Make a collector.  The config's strings and ops must outlive it.
 * 0 with *ret; -ENOMEM; -EINVAL without ops.bind or a proc_fd.
 */
int scl_collector_new(const scl_collector_config *cfg, scl_collector **ret);
void scl_collector_free(scl_collector *col);
void scl_collector_freep(scl_collector **col);

/* The limits in force (the defaults filled in). */
const scl_collector_limits *scl_collector_get_limits(const scl_collector *col);

/* The time (ms, monotonic) for what follows: process exits, records. */
void scl_collector_set_time(scl_collector *col, int64_t now_ms);

/*
 * The container processes alive at start (their forks came before the
 * process events were opened): 0, -ENOMEM, -errno of reading /proc.
 */
int scl_collector_seed(scl_collector *col);

/* A process event; ends the current batch's memo of pid.  0 or -ENOMEM. */
int scl_collector_proc_event(scl_collector *col, const scl_proc_event *ev);

/* Process events were lost (an overflow): drop the counted pids that are gone. */
void scl_collector_proc_overflow(scl_collector *col);

/*
 * A new read batch: lookups of the last one are not reused (a busy
 * process's records in one batch share one lookup).
 */
void scl_collector_new_batch(scl_collector *col);

/* Where a record goes: the slot it is learned into; the rest is the collector's. */
typedef struct scl_collector_hit {
	size_t slot;
	uint32_t ctr;  /* private */
	bool fresh;    /* private */
} scl_collector_hit;

/*
 * Attribute a record: 1 with *ret when it is to be learned into ret->slot
 * (then call scl_collector_learned()), 0 when not (counted by reason in the
 * stats), -ENOMEM.
 */
int scl_collector_attribute(scl_collector *col, const scl_record *rec, scl_collector_hit *ret);

/*
 * After scl_collector_attribute() returned 1: the caller learned the record
 * (learned) or a limit of its own refused it.  0 or -ENOMEM.
 */
int scl_collector_learned(scl_collector *col, const scl_record *rec, const scl_collector_hit *hit, bool learned);

/*
 * The time is now_ms: the containers whose last process exited
 * gone_delay_ms ago or more are due (ops.gone is asked for each).  Returns
 * the number of slots ops.gone accepted.  Call it after the records read by
 * then were handed in.
 */
size_t scl_collector_tick(scl_collector *col, int64_t now_ms);

/*
 * The earliest time scl_collector_tick() has something to do, 0 if none.
 */
int64_t scl_collector_next_due(const scl_collector *col);

/*
 * Forget the containers without a process (and, never counted, without a
 * record) for forget_delay_ms whose slots are not busy: they hold nothing
 * then but a decision made again if they come back.  Call it after a
 * write.  Returns how many were forgotten.
 */
size_t scl_collector_forget_idle(scl_collector *col, int64_t now_ms);

/* What scl_collector_record() did with a record it returned 1 for. */
typedef struct scl_collector_result {
	size_t slot;   /* where it went */
	bool learned;  /* added to the slot's syscall set (false: a set limit refused it) */
} scl_collector_result;

/*
 * Take a record: drop journald's second copy, attribute it
 * (scl_collector_attribute(), or by its hostname with split_host) and add
 * it to its slot's syscall set.  1 with *ret when it went to a slot, 0
 * when not (counted by reason in the stats), -ENOMEM.  Live callers set
 * the time and hand in the process events queued before it first.
 */
int scl_collector_record(scl_collector *col, const scl_record *rec, scl_collector_result *ret);

/* slot's syscall set: NULL when it has none (no record yet, or freed by scl_collector_slot_free()). */
const scl_sysset *scl_collector_slot_set(const scl_collector *col, size_t slot);
/* slot's set counts syscall numbers libseccomp cannot name (their records are reported at the end). */
bool scl_collector_slot_unknown(const scl_collector *col, size_t slot);
/* Free slot's set (its profile was written and is not needed in memory); a record makes a new one. */
void scl_collector_slot_free(scl_collector *col, size_t slot);

/* The counters. */
void scl_collector_stats_get(const scl_collector *col, scl_collector_stats *ret);

/* Each known container: its id, whether selected (1), not (0) or undecided (-1), its live processes. */
typedef void (*scl_collector_each_fn)(void *ud, const char *id, int selected, uint32_t live, int64_t idle_ms);
void scl_collector_foreach(const scl_collector *col, scl_collector_each_fn fn, void *ud);

#endif
