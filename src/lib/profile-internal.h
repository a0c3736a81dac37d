/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_PROFILE_INTERNAL_H
#define SCL_PROFILE_INTERNAL_H

/*
 * The profile model's representation, shared by profile.c (the model),
 * profile-rules.c (its other rules) and profile-stats.c (the statistics
 * files, which read and set its counts).
 * Not installed; nothing else looks inside a profile.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "scmplog/limits.h"
#include "scmplog/profile.h"

struct entry {
	char name[SCL_MAX_SYSCALL_NAME + 1];
	uint64_t records;
	uint64_t runs;
	uint32_t *arches;  /* sorted restriction, NULL = every architecture */
	size_t n_arches;
};

/* An archMap entry: a machine's architecture and its sub-architectures (known tokens, no duplicates). */
#define MAP_SUBS 24
struct arch_map {
	uint32_t arch;
	uint32_t subs[MAP_SUBS];
	size_t n_subs;
};

struct scl_profile {
	uint32_t default_action;
	uint32_t default_errno;

	uint32_t *arches;
	size_t n_arches, cap_arches;
	struct arch_map *map;
	size_t n_map, cap_map;

	struct entry *entries;
	size_t n_entries, cap_entries;
	/*
	 * Open addressing over entries: slot holds index + 1, 0 is empty.  The
	 * hash is seeded per profile, so a hostile profile cannot be built to
	 * collide; iteration order never depends on it (we sort).
	 */
	size_t *table;
	size_t table_size;
	uint64_t seed;

	scl_profile_rule *rules;
	size_t n_rules, cap_rules;

	/* how a runtime reports denials: OCI flags, listenerPath, listenerMetadata */
	bool flag_log;
	char *listener_path, *listener_metadata;
	/* runs counted: n_plain with nothing known, infos[] with something */
	uint64_t n_plain;
	scl_profile_run *infos;
	size_t n_infos, cap_infos;
	bool runs_unknown;
};

/* Free memory we own but hand out as const. */
static inline void scl_prof_free_const(const void *p)
{
	free((void *)(uintptr_t)p);
}

/* *p, an array of *cap elements of size bytes, made room for need (doubling).  -ENOMEM. */
int scl_prof_grow(void **p, size_t *cap, size_t need, size_t size);
/* Free what a rule owns (profile-rules.c). */
void scl_prof_rule_free(scl_profile_rule *r);

/* The entry of name s[0..n), or NULL. */
struct entry *scl_prof_lookup(const scl_profile *p, const char *s, size_t n);
/* Append run infos (those with something known) or count plain runs.  -ENOMEM. */
int scl_prof_add_runs(scl_profile *p, const scl_profile_run *v, size_t n, uint64_t plain);

#endif
