/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_SYSSET_H
#define SCMPLOG_SYSSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/learn.h"
#include "scmplog/record.h"

/*
 * A set of syscalls seen, small enough to keep one per container: the keys
 * of scl_learn (arch as logged, nr as logged, action, compat; no group) as
 * bits.  Keys are kept per "lane", one lane per (arch, action, compat,
 * nr >> 16), each a bitset over nr & 0xffff grown in 64-bit words up to the
 * highest bit set: x86_64's numbers are one lane of 7 words, x32's (the
 * 0x40000000 bit kept in nr) another, ARM's private 0x0f00xx numbers
 * another, MIPS's 4000+ numbers fit in one lane of about 70 words.
 *
 * Counts: a lane counts the records added to it; a key's own count is kept
 * only for keys the caller asks for with scl_sysset_count_key() (at most
 * SCL_MAX_SYSSET_COUNTED of them: meant for the few a report names, such as
 * numbers libseccomp cannot map).  At most SCL_MAX_SYSSET_LANES lanes.
 *
 * The group field of every scl_learn_key given is ignored.
 */
typedef struct scl_sysset scl_sysset;

/* 0 with *ret, or -ENOMEM. */
int scl_sysset_new(scl_sysset **ret);
void scl_sysset_free(scl_sysset *s);

/*
 * Add one record of key k.  Returns 1 if the key was new, 0 if it was in
 * the set already; -E2BIG if it needs a lane past SCL_MAX_SYSSET_LANES,
 * -ENOMEM: then nothing changed.
 */
int scl_sysset_add(scl_sysset *s, const scl_learn_key *k);
/* The same for a parsed record (its key as scl_learn_add() takes it), written to *ret_key if not NULL. */
int scl_sysset_add_record(scl_sysset *s, const scl_record *rec, scl_learn_key *ret_key);
/*
 * Take back one record of k that made k new: the key leaves the set and its
 * lane's count drops by one (the lane itself stays).  -ENOENT if k is not
 * in the set.  A count kept for k is dropped.
 */
int scl_sysset_remove(scl_sysset *s, const scl_learn_key *k);

bool scl_sysset_contains(const scl_sysset *s, const scl_learn_key *k);

/*
 * Keep k's own count from now on, starting at 1 (the record that made it
 * new): later scl_sysset_add() of k count there.  0 (also when counted
 * already), -ENOENT if k is not in the set, -E2BIG past
 * SCL_MAX_SYSSET_COUNTED counted keys, -ENOMEM.
 */
int scl_sysset_count_key(scl_sysset *s, const scl_learn_key *k);

/* Distinct keys in the set. */
size_t scl_sysset_size(const scl_sysset *s);
/* Records added (scl_sysset_remove() takes one back). */
uint64_t scl_sysset_records(const scl_sysset *s);
/* Records added to k's lane (whatever their nr); 0 if there is no such lane. */
uint64_t scl_sysset_lane_records(const scl_sysset *s, const scl_learn_key *k);
/* Lanes in use. */
size_t scl_sysset_lanes(const scl_sysset *s);
/*
 * Bytes the set holds on the heap: the struct, its lane table, the bitsets
 * and the counted keys (allocator overhead not included).
 */
size_t scl_sysset_memory(const scl_sysset *s);

/*
 * All keys, as scl_learn_entries() gives them for one group: sorted by
 * (arch, nr, action, compat), key.group set to group.  count is the key's
 * own count for a counted key (scl_sysset_count_key()), 0 for the others
 * (which were seen at least once).  Returns the number of entries with a
 * malloc'd array in *ret (caller frees; not NULL even when empty), or
 * -ENOMEM.
 */
long scl_sysset_entries(const scl_sysset *s, uint32_t group, scl_learn_entry **ret);

#endif
