/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_LEARN_H
#define SCMPLOG_LEARN_H

#include <stddef.h>
#include <stdint.h>

#include "scmplog/record.h"

/*
 * Record aggregation: counts per (group, arch, syscall number, action),
 * memory proportional to the distinct keys, not to the records.  A group is
 * an opaque byte string chosen by the caller (an exe path for --split-by exe,
 * "" for one profile); it is copied.  Numbers are resolved to names later, once
 * per distinct key (see arch.h).
 */
typedef struct scl_learn scl_learn;

typedef struct scl_learn_key {
	uint32_t group;   /* index, see scl_learn_group() */
	uint32_t arch;    /* as logged; compat=1 records keep their 32-bit arch */
	uint32_t nr;      /* as logged (x32 bit kept) */
	uint32_t action;  /* scl_record_action() */
	uint32_t compat;  /* 1 if logged with compat=1 */
} scl_learn_key;

int scl_learn_new(scl_learn **ret);
void scl_learn_free(scl_learn *l);

/* Count one record in a group.  Returns 0, -ENOMEM, -E2BIG past SCL_MAX_GROUPS groups. */
int scl_learn_add(scl_learn *l, const scl_record *rec, const char *group, size_t group_n);
/* Add n to a key directly (merging learners, tests). */
int scl_learn_add_key(scl_learn *l, const scl_learn_key *k, const char *group, size_t group_n,
		      uint64_t n);

size_t scl_learn_ngroups(const scl_learn *l);
/* Group bytes (NUL-terminated copy; may contain other bytes); NULL if out of range. */
const char *scl_learn_group(const scl_learn *l, size_t i, size_t *ret_n);
/* Total records counted. */
uint64_t scl_learn_total(const scl_learn *l);

/*
 * All keys with their counts, sorted by (group, arch, nr, action).  Returns
 * the number of entries and a malloc'd array in *ret (caller frees), or
 * -ENOMEM.
 */
typedef struct scl_learn_entry {
	scl_learn_key key;
	uint64_t count;
} scl_learn_entry;
long scl_learn_entries(const scl_learn *l, scl_learn_entry **ret);
/* qsort() comparator of entries: the order scl_learn_entries() returns. */
int scl_learn_entry_cmp(const void *a, const void *b);

#endif
