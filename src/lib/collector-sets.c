/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node collector's output slots (collector.h): each slot's syscall set
 * and its limits, the hosts of --split-by host, journald's two copies of a
 * record, and scl_collector_record(), which takes a record through them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/collector-internal.h"
#include "scmplog/arch.h"
#include "scmplog/collector.h"
#include "scmplog/dedup.h"
#include "scmplog/limits.h"
#include "scmplog/sysset.h"

static int slots_reserve(scl_collector *col, size_t slot)
{
	size_t n = col->n_slots;
	struct slotset *v;

	if (slot < n)
		return 0;
	while (n <= slot)
		n = n ? n * 2 : 16;
	v = realloc(col->slots, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memset(v + col->n_slots, 0, (n - col->n_slots) * sizeof(*v));
	col->slots = v;
	col->n_slots = n;
	return 0;
}

/* A record slot's set cannot take: counted, said once per slot. */
static void set_limit(scl_collector *col, size_t slot, scl_collector_set_limit limit)
{
	col->st.over_set_limit++;
	if (!col->slots[slot].limit_said) {
		scl_collector_event ev = { .type = SCL_COLLECTOR_SET_LIMIT, .slot = slot, .limit = limit };

		col->slots[slot].limit_said = true;
		scl_col_say(col, &ev);
	}
}

/*
 * Add a record to slot's set.  A key is named the first time it is seen;
 * one libseccomp cannot name (only SCMP_ACT_LOG keys go into a profile:
 * the others are never named) keeps its own count, so that the report of
 * unknown syscalls at the end gives its records.  0 with *learned (false: a
 * set limit refused it), -ENOMEM.
 */
static int slot_learn(scl_collector *col, size_t slot, const scl_record *rec, bool *learned)
{
	struct slotset *ss;
	const char *name;
	scl_learn_key k;
	uint32_t eff;
	int r;

	*learned = false;
	r = slots_reserve(col, slot);
	if (r < 0)
		return r;
	ss = &col->slots[slot];
	if (!ss->set && scl_sysset_new(&ss->set) < 0)
		return -ENOMEM;
	r = scl_sysset_add_record(ss->set, rec, &k);
	if (r == -E2BIG) {
		set_limit(col, slot, SCL_COLLECTOR_LIMIT_LANES);
		return 0;
	}
	if (r < 0)
		return r;
	*learned = true;
	if (r == 0 || k.action != SCL_ACT_LOG)
		return 0;
	if (!col->mapper && scl_mapper_new(&col->mapper) < 0)
		return -ENOMEM;
	r = scl_mapper_name(col->mapper, k.arch, k.nr, &name, &eff);
	if (r == 0)
		return 0;
	if (r != -ENOMEM)
		r = scl_sysset_count_key(ss->set, &k);
	if (r == 0) {
		ss->has_unknown = true;
		return 0;
	}
	*learned = false;
	(void)scl_sysset_remove(ss->set, &k); /* as if it never came */
	if (r == -E2BIG) {
		set_limit(col, slot, SCL_COLLECTOR_LIMIT_COUNTED);
		return 0;
	}
	return r;
}

/* split_host: the slot of the record's hostname.  1 with *ret, 0 when none (counted), -ENOMEM. */
static int host_slot(scl_collector *col, const scl_record *rec, size_t *ret)
{
	int r;

	if (!(rec->fields & SCL_F_HOST) || rec->host.n == 0 || rec->host.n > SCL_MAX_HOST) {
		col->st.no_host++;
		return 0;
	}
	r = col->cfg.ops->bind_host(col->cfg.ud, rec->host.p, rec->host.n, false, ret);
	if (r == -ENOENT) {
		if (col->n_hosts >= col->lim.max_groups) {
			col->st.over_groups++;
			if (!col->over_groups_said) {
				scl_collector_event ev = { .type = SCL_COLLECTOR_OVER_GROUPS };

				col->over_groups_said = true;
				scl_col_say(col, &ev);
			}
			return 0;
		}
		r = col->cfg.ops->bind_host(col->cfg.ud, rec->host.p, rec->host.n, true, ret);
		if (r == 0)
			col->n_hosts++;
	}
	if (r == -EEXIST) {
		col->st.no_host++;
		return 0;
	}
	return r < 0 ? r : 1;
}

static bool journal_framed(const scl_record *rec)
{
	return rec->framing == SCL_FRAME_JOURNAL_EXPORT || rec->framing == SCL_FRAME_JOURNAL_JSON ||
	       rec->framing == SCL_FRAME_JOURNAL;
}

int scl_collector_record(scl_collector *col, const scl_record *rec, scl_collector_result *ret)
{
	scl_collector_hit hit;
	bool learned;
	size_t slot;
	int r;

	if (col->cfg.journal || journal_framed(rec)) {
		if (!col->dedup && (r = scl_dedup_new(&col->dedup)) < 0)
			return r;
		r = scl_dedup_seen(col->dedup, rec);
		if (r < 0)
			return r;
		if (r > 0) {
			col->st.duplicates++;
			return 0;
		}
	}
	col->st.records++;
	if (col->cfg.split_host) {
		r = host_slot(col, rec, &slot);
		if (r <= 0)
			return r;
		r = slot_learn(col, slot, rec, &learned);
		if (r < 0)
			return r;
	} else {
		r = scl_collector_attribute(col, rec, &hit);
		if (r <= 0)
			return r;
		slot = hit.slot;
		r = slot_learn(col, slot, rec, &learned);
		if (r < 0)
			return r;
		r = scl_collector_learned(col, rec, &hit, learned);
		if (r < 0)
			return r;
	}
	col->st.learned += learned;
	*ret = (scl_collector_result){ .slot = slot, .learned = learned };
	return 1;
}

const scl_sysset *scl_collector_slot_set(const scl_collector *col, size_t slot)
{
	return slot < col->n_slots ? col->slots[slot].set : NULL;
}

bool scl_collector_slot_unknown(const scl_collector *col, size_t slot)
{
	return slot < col->n_slots && col->slots[slot].has_unknown;
}

void scl_collector_slot_free(scl_collector *col, size_t slot)
{
	if (slot >= col->n_slots)
		return;
	scl_sysset_free(col->slots[slot].set);
	col->slots[slot].set = NULL;
}
