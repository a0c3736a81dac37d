/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pid -> container cache (container.h), kept by process events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scmplog/container.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "container-internal.h"
#include "util.h"

/* ----------------------------------------------------------------- cache */

enum { LIST_LIVE, LIST_EXITED };

struct centry {
	uint32_t pid;
	bool verified; /* info was read from /proc for this starttime */
	bool exited;
	int result;    /* 1 container, 0 host */
	uint64_t starttime;
	scl_container info;
	int32_t prev, next; /* LRU list, -1 ends */
	int32_t hnext;      /* hash chain */
};

struct lru {
	int32_t head, tail; /* head: most recently used */
};

struct scl_container_cache {
	int proc_fd;
	unsigned flags;
	size_t max, n, cap;
	struct centry *e;
	int32_t *bucket;
	size_t nbuckets;
	struct lru list[2];
};

static size_t hash_pid(const scl_container_cache *c, uint32_t pid)
{
	return (size_t)((pid * 0x9e3779b1u) >> 7) & (c->nbuckets - 1);
}

int scl_container_cache_new(int proc_fd, unsigned flags, size_t max_entries, scl_container_cache **ret)
{
	scl_container_cache *c;

	if (max_entries == 0)
		max_entries = SCL_MAX_CONTAINER_CACHE;
	if (max_entries > SCL_MAX_CONTAINER_CACHE || proc_fd < 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->proc_fd = proc_fd;
	c->flags = flags;
	c->max = max_entries;
	for (c->nbuckets = 16; c->nbuckets < max_entries * 2; c->nbuckets *= 2)
		;
	c->bucket = malloc(c->nbuckets * sizeof(*c->bucket));
	if (!c->bucket) {
		free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->nbuckets; i++)
		c->bucket[i] = -1;
	c->list[0].head = c->list[0].tail = c->list[1].head = c->list[1].tail = -1;
	*ret = c;
	return 0;
}

void scl_container_cache_free(scl_container_cache *c)
{
	if (!c)
		return;
	free(c->e);
	free(c->bucket);
	free(c);
}

size_t scl_container_cache_size(const scl_container_cache *c)
{
	return c->n;
}

static struct centry *find(scl_container_cache *c, uint32_t pid)
{
	for (int32_t i = c->bucket[hash_pid(c, pid)]; i >= 0; i = c->e[i].hnext)
		if (c->e[i].pid == pid)
			return &c->e[i];
	return NULL;
}

static void list_unlink(scl_container_cache *c, struct centry *e)
{
	struct lru *l = &c->list[e->exited ? LIST_EXITED : LIST_LIVE];

	if (e->prev >= 0)
		c->e[e->prev].next = e->next;
	else
		l->head = e->next;
	if (e->next >= 0)
		c->e[e->next].prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = -1;
}

static void list_push(scl_container_cache *c, struct centry *e)
{
	struct lru *l = &c->list[e->exited ? LIST_EXITED : LIST_LIVE];
	int32_t i = (int32_t)(e - c->e);

	e->prev = -1;
	e->next = l->head;
	if (l->head >= 0)
		c->e[l->head].prev = i;
	l->head = i;
	if (l->tail < 0)
		l->tail = i;
}

static void touch(scl_container_cache *c, struct centry *e)
{
	list_unlink(c, e);
	list_push(c, e);
}

static void hash_unlink(scl_container_cache *c, struct centry *e)
{
	int32_t *pp = &c->bucket[hash_pid(c, e->pid)];
	int32_t i = (int32_t)(e - c->e);

	while (*pp >= 0 && *pp != i)
		pp = &c->e[*pp].hnext;
	if (*pp == i)
		*pp = e->hnext;
}

/* A slot for a new entry: a fresh one, or the least recently used (exited first). */
static struct centry *slot(scl_container_cache *c)
{
	struct centry *e;
	int32_t victim;

	if (c->n < c->max) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 64;
			struct centry *ne;
			if (cap > c->max)
				cap = c->max;
			ne = realloc(c->e, cap * sizeof(*ne));
			if (!ne)
				return NULL;
			c->e = ne;
			c->cap = cap;
		}
		return &c->e[c->n++];
	}
	victim = c->list[LIST_EXITED].tail >= 0 ? c->list[LIST_EXITED].tail : c->list[LIST_LIVE].tail;
	e = &c->e[victim];
	list_unlink(c, e);
	hash_unlink(c, e);
	return e;
}

static int upsert(scl_container_cache *c, uint32_t pid, uint64_t st, bool verified, int result,
		  const scl_container *info)
{
	struct centry *e = find(c, pid);

	if (e) {
		list_unlink(c, e);
	} else {
		size_t b = hash_pid(c, pid);
		e = slot(c);
		if (!e)
			return -ENOMEM;
		e->pid = pid;
		e->hnext = c->bucket[b];
		c->bucket[b] = (int32_t)(e - c->e);
	}
	e->starttime = st;
	e->verified = verified;
	e->exited = false;
	e->result = result;
	e->info = *info;
	list_push(c, e);
	return 0;
}

int scl_container_cache_lookup(scl_container_cache *c, uint32_t pid, scl_container *ret)
{
	_cleanup_close_ int dfd = -1;
	struct centry *e;
	scl_container info;
	uint64_t st;
	int r;

	dfd = scl_ctr_open_pid_dir(c->proc_fd, pid);
	r = dfd < 0 ? dfd : scl_ctr_read_starttime(dfd, pid, &st);
	if (r == 0) {
		e = find(c, pid);
		if (e && e->verified && e->starttime == st) {
			touch(c, e);
			*ret = e->info;
			return e->result;
		}
		r = scl_ctr_read_cgroup(dfd, pid, c->flags, &info, NULL);
		if (r >= 0) {
			int u = upsert(c, pid, st, true, r, &info);
			if (u < 0)
				return u;
			*ret = info;
			return r;
		}
	}
	if (r != -ENOENT)
		return r;
	/* gone: the last thing known about this pid */
	e = find(c, pid);
	if (!e)
		return -ENOENT;
	touch(c, e);
	*ret = e->info;
	return e->result;
}

int scl_container_cache_fork(scl_container_cache *c, uint32_t parent_pid, uint32_t child_pid)
{
	scl_container info;
	int r;

	if (child_pid == 0 || child_pid > SCL_PID_MAX_LIMIT)
		return -EINVAL;
	r = scl_container_cache_lookup(c, parent_pid, &info);
	if (r < 0)
		return r;
	return upsert(c, child_pid, 0, false, r, &info);
}

int scl_container_cache_exit(scl_container_cache *c, uint32_t pid)
{
	struct centry *e = find(c, pid);

	if (!e)
		return -ENOENT;
	list_unlink(c, e);
	e->exited = true;
	list_push(c, e);
	return 0;
}

int scl_container_cache_invalidate(scl_container_cache *c, uint32_t pid)
{
	struct centry *e = find(c, pid);

	if (!e)
		return -ENOENT;
	e->verified = false;
	return 0;
}
