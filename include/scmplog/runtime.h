/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_RUNTIME_H
#define SCMPLOG_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>

#include "scmplog/profile.h"

/*
 * Container runtime baselines: the syscalls a runtime's own init makes after
 * it has loaded the container's seccomp filter and before it execs the
 * container's process.  The filter holds them too, but a learning run sees
 * only those that happened in that run: runc's init is a Go program whose
 * runtime parks threads (futex), is preempted by a signal (rt_sigreturn),
 * polls (epoll_pwait) or grows its heap (mmap) when the scheduler decides,
 * so one learning run may lack what the next start needs, and the container
 * then fails to start now and then.  scl_runtime_apply() allows the whole
 * reviewed set from src/lib/runtime-table.h (each syscall with its reason
 * and where it is made: profiles/README.md, "Runtime baselines").
 */

typedef struct scl_runtime_syscall {
	const char *name;
	const char *why;      /* one line: what calls it, in that window */
	const char *where;    /* source file: function, of the version named by the part */
	bool seen;            /* learned here (runc, Docker), not only read in the source */
} scl_runtime_syscall;

/* A group of syscalls with one origin (runc's init code, the Go runtime, docker-init, crun). */
typedef struct scl_runtime_part {
	const char *id;       /* "runc-init", "go", ... */
	const char *what;     /* "runc 1.1.5 init (libcontainer), ..." */
	const scl_runtime_syscall *syscalls;
	size_t n_syscalls;
} scl_runtime_part;

#define SCL_RUNTIME_MAX_PARTS 4

typedef struct scl_runtime {
	const char *id;       /* "runc", "docker", "crun": what --runtime takes */
	const char *what;     /* one line: the runtime and version the baseline is for */
	bool tested;          /* false: from the source only, never run here */
	const scl_runtime_part *parts[SCL_RUNTIME_MAX_PARTS];
	size_t n_parts;
} scl_runtime;

/* The runtimes, in table order (stable). */
size_t scl_runtime_count(void);
const scl_runtime *scl_runtime_at(size_t i);
/* By id; NULL if none. */
const scl_runtime *scl_runtime_by_id(const char *id);

/* What scl_runtime_apply() added, one entry per syscall. */
typedef struct scl_runtime_change {
	const scl_runtime_syscall *syscall;   /* points into the table */
	const scl_runtime_part *part;
} scl_runtime_change;

/*
 * Allow every syscall of rt's baseline that p does not allow yet, on every
 * architecture, with 0 records (scl_profile_allow()); a syscall in two parts
 * counts once, for the first.  *ret lists the additions in table order
 * (malloc'd, NULL when *ret_n is 0; ret may be NULL).  Applying it twice
 * changes nothing the second time.  -ENOMEM, or -errno from the profile
 * functions (p may then hold part of the additions).
 */
int scl_runtime_apply(scl_profile *p, const scl_runtime *rt, scl_runtime_change **ret, size_t *ret_n);

#endif
