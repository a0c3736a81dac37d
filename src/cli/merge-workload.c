/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * merge --by workload DIR...: the node collectors' per-container profiles
 * (NAMESPACE_POD_CONTAINER.json, one directory per node) merged into one
 * profile per (namespace, workload, container), the workload read from the
 * pod name (scmplog/workload.h).  A pod is one run: the statistics file
 * counts how many pods saw each syscall (so `scmplog coverage` reads it), and
 * NAME.workload.json names the pods and nodes and counts both per syscall.
 *
 * Deterministic: the inputs are sorted (nodes by name, files by name), so
 * the order of the DIR arguments does not show.  Idempotent: a pod is known
 * by its namespace, pod and container names, and the same pod found again
 * (the same node's files given twice, or copied under another directory)
 * is the same pod, taken once (the union of its copies, on the node that
 * sorts first).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-outdir.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "cli/merge-workload.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "scmplog/output.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "scmplog/workload.h"

struct pod {
	char *file;            /* NAME.json as found */
	char *key;             /* NAMESPACE_POD_CONTAINER */
	char *group;           /* NAMESPACE_WORKLOAD_CONTAINER */
	char *pod;             /* the pod's name */
	scl_workload_kind kind;
	size_t node;           /* index into the sorted nodes */
	scl_profile *p;
};

struct node {
	char *name;            /* the DIR's last component */
	char *dir;             /* as given */
};

static void pods_free(struct pod *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].file);
		free(v[i].key);
		free(v[i].group);
		free(v[i].pod);
		scl_profile_free(v[i].p);
	}
	free(v);
}

static int cmp_node(const void *a, const void *b)
{
	const struct node *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->dir, y->dir);
}

/* by group, then pod key, then node: copies of a pod next to each other, the first node's first */
static int cmp_pod(const void *a, const void *b)
{
	const struct pod *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	if (!c)
		c = strcmp(x->key, y->key);
	return c ? c : (x->node > y->node) - (x->node < y->node);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a/b/node-1//" -> "node-1"; "/" and "." stay as they are. */
static char *node_name(const char *dir)
{
	size_t n = strlen(dir), s;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	s = n;
	while (s > 0 && dir[s - 1] != '/')
		s--;
	if (s == n)
		return strndup(dir, n);
	return strndup(dir + s, n - s);
}

static bool ends_with(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);

	return n >= m && !strcmp(s + n - m, t);
}

/*
 * The profile files of one node directory, sorted: NAME.json but not
 * NAME.stats.json, NAME.workload.json or hidden (temporary) files.
 */
static int list_dir(const char *dir, char ***ret, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	char **v = NULL;
	size_t n = 0;
	struct dirent *e;

	if (!d) {
		log_error("cannot open directory '%s': %m", dir);
		return -errno;
	}
	errno = 0;
	while ((e = readdir(d))) {
		char **nv;

		if (e->d_name[0] == '.' || !ends_with(e->d_name, ".json") || ends_with(e->d_name, ".stats.json") ||
		    ends_with(e->d_name, ".workload.json") || ends_with(e->d_name, ".denied.json"))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(e->d_name))) {
			v = nv ? nv : v;
			goto oom;
		}
		v = nv;
		n++;
		errno = 0;
	}
	if (errno) {
		log_error("cannot read directory '%s': %m", dir);
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return -EIO;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*ret = v;
	*ret_n = n;
	return 0;
oom:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	log_error("out of memory");
	return -ENOMEM;
}

struct workload_doc {
	const struct pod *pods; /* the group's pods, one per key (copies merged) */
	size_t n;
	const struct node *nodes;
	size_t n_nodes;
	const scl_profile *p;   /* the group's profile */
	const char *ns, *workload, *container;
	size_t ns_n, workload_n, container_n;
};

static void json_str(FILE *f, const char *s, size_t n)
{
	/* names here are [a-z0-9.-] (checked) or a node directory's name: escape the rest */
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static bool pod_saw(const struct pod *pd, const char *name)
{
	scl_profile_syscall sc;

	return scl_profile_get(pd->p, name, &sc) == 0;
}

static int write_workload_doc(FILE *f, void *ud)
{
	const struct workload_doc *w = ud;
	_cleanup_free_ scl_profile_syscall *sc = NULL;
	_cleanup_free_ bool *seen = calloc(w->n_nodes ? w->n_nodes : 1, sizeof(bool));
	size_t n_sc = 0, n_nodes = 0;
	int r;

	if (!seen)
		return -ENOMEM;
	r = scl_profile_syscalls(w->p, &sc, &n_sc);
	if (r < 0)
		return r;
	fputs("{\n  \"namespace\": ", f);
	json_str(f, w->ns, w->ns_n);
	fputs(",\n  \"workload\": ", f);
	json_str(f, w->workload, w->workload_n);
	fputs(",\n  \"container\": ", f);
	json_str(f, w->container, w->container_n);
	fputs(",\n  \"pods\": [", f);
	for (size_t i = 0; i < w->n; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, w->pods[i].pod, strlen(w->pods[i].pod));
		seen[w->pods[i].node] = true;
	}
	fputs("],\n  \"kinds\": [", f);
	for (int k = 0, first = 1; k < _SCL_WORKLOAD_MAX; k++) {
		bool any = false;

		for (size_t i = 0; i < w->n && !any; i++)
			any = w->pods[i].kind == (scl_workload_kind)k;
		if (!any)
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ", ", scl_workload_kind_str((scl_workload_kind)k));
		first = 0;
	}
	fputs("],\n  \"nodes\": [", f);
	for (size_t i = 0; i < w->n_nodes; i++) {
		if (!seen[i])
			continue;
		fputs(n_nodes++ ? ", " : "", f);
		json_str(f, w->nodes[i].name, strlen(w->nodes[i].name));
	}
	fputs("],\n  \"syscalls\": {", f);
	for (size_t s = 0; s < n_sc; s++) {
		size_t pods = 0, nodes = 0;

		memset(seen, 0, w->n_nodes * sizeof(bool));
		for (size_t i = 0; i < w->n; i++) {
			if (!pod_saw(&w->pods[i], sc[s].name))
				continue;
			pods++;
			if (!seen[w->pods[i].node]) {
				seen[w->pods[i].node] = true;
				nodes++;
			}
		}
		fprintf(f, "%s\n    ", s ? "," : "");
		json_str(f, sc[s].name, strlen(sc[s].name));
		fprintf(f, ": { \"pods\": %zu, \"nodes\": %zu }", pods, nodes);
	}
	fputs(n_sc ? "\n  }\n}\n" : "}\n}\n", f);
	return 0;
}

static int write_stats(FILE *f, void *ud)
{
	return scl_profile_write_stats(ud, f);
}

/* Records 0 and runs 1 for every syscall of p: the pod is one run. */
static int one_run(scl_profile *p)
{
	_cleanup_(scl_profile_freep) scl_profile *st = NULL;
	_cleanup_free_ scl_profile_syscall *sc = NULL;
	size_t n = 0;
	int r;

	r = scl_profile_new(&st);
	if (r < 0)
		return r;
	r = scl_profile_syscalls(p, &sc, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if ((r = scl_profile_allow(st, sc[i].name, 0)) < 0 || (r = scl_profile_add_stats(st, sc[i].name, 0, 1)) < 0)
			return r;
	scl_profile_mark_run(st); /* one run counted, with nothing known of its loss or window */
	return scl_profile_set_stats_from(p, st) < 0 ? -ENOMEM : 0;
}

/* Read one node's files into *pods.  Files not named NAMESPACE_POD_CONTAINER are counted in *skipped. */
static int read_node(const struct node *nd, size_t node_ix, struct pod **pods, size_t *n_pods, size_t *skipped)
{
	char **files = NULL;
	size_t n_files = 0;
	int r;

	r = list_dir(nd->dir, &files, &n_files);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n_files; i++) {
		const char *fn = files[i];
		size_t base_n = strlen(fn) - 5, wl;
		scl_k8s_parts k;
		scl_workload_kind kind;
		struct pod *nv, *pd;
		char path[PATH_MAX];

		if (scl_k8s_name_split(fn, base_n, &k) < 0) {
			if (cli_verbose)
				log_info("'%s/%s': not named NAMESPACE_POD_CONTAINER.json, skipped", nd->dir, fn);
			(*skipped)++;
			continue;
		}
		nv = realloc(*pods, (*n_pods + 1) * sizeof(**pods));
		if (!nv) {
			r = -ENOMEM;
			break;
		}
		*pods = nv;
		pd = &nv[*n_pods];
		memset(pd, 0, sizeof(*pd));
		(*n_pods)++;
		wl = scl_k8s_pod_workload(k.pod, k.pod_n, &kind);
		pd->kind = kind;
		pd->node = node_ix;
		if (snprintf(path, sizeof(path), "%s/%s", nd->dir, fn) >= (int)sizeof(path)) {
			log_error("'%s/%s': path too long", nd->dir, fn);
			r = -ENAMETOOLONG;
			break;
		}
		if (!(pd->file = strdup(path)) || !(pd->key = strndup(fn, base_n)) ||
		    !(pd->pod = strndup(k.pod, k.pod_n)) ||
		    asprintf(&pd->group, "%.*s_%.*s_%.*s", (int)k.ns_n, k.ns, (int)wl, k.pod, (int)k.container_n,
			     k.container) < 0) {
			pd->group = NULL;
			r = -ENOMEM;
			break;
		}
		r = cli_profile_read(pd->file, &pd->p);
		if (r < 0)
			break;
	}
	if (r == -ENOMEM)
		log_error("out of memory");
	for (size_t i = 0; i < n_files; i++)
		free(files[i]);
	free(files);
	return r < 0 ? r : 0;
}

int merge_by_workload(struct cli_profile_out *out, const char *out_dir, char **dirs, size_t n_dirs, uint32_t target,
		      bool has_target)
{
	struct node *nodes = calloc(n_dirs, sizeof(*nodes));
	struct pod *pods = NULL;
	size_t n_pods = 0, skipped = 0, written = 0, n_nodes = 0, n_nodes_used = 0;
	_cleanup_(scl_outdir_freep) scl_outdir *od = NULL;
	bool le = false, be = false;
	int r = -ENOMEM, rc = EXIT_RUNTIME;

	if (!nodes)
		goto oom;
	for (size_t i = 0; i < n_dirs; i++, n_nodes++) {
		nodes[i].dir = dirs[i];
		if (!(nodes[i].name = node_name(dirs[i])))
			goto oom;
	}
	qsort(nodes, n_nodes, sizeof(*nodes), cmp_node);
	for (size_t i = 0; i < n_nodes; i++)
		if (read_node(&nodes[i], i, &pods, &n_pods, &skipped) < 0)
			goto out;
	if (!n_pods) {
		log_error("no NAMESPACE_POD_CONTAINER.json profile in the director%s given", n_dirs == 1 ? "y" : "ies");
		goto out;
	}
	qsort(pods, n_pods, sizeof(*pods), cmp_pod);

	/* one byte order, as plain merge: an archMap or --arch narrows; so do both orders together */
	for (size_t i = 0; i < n_pods; i++) {
		char what[PATH_MAX + 8];

		snprintf(what, sizeof(what), "'%s'", pods[i].file);
		if (scl_profile_has_arch_map(pods[i].p) && cli_profile_narrow(pods[i].p, target, what, true) < 0)
			goto out;
		for (size_t k = 0; k < scl_profile_arch_count(pods[i].p); k++) {
			if (scl_arch_little_endian(scl_profile_arch_at(pods[i].p, k)))
				le = true;
			else
				be = true;
		}
	}
	for (size_t i = 0; i < n_pods && out->format != SCL_FORMAT_SYSTEMD && (has_target || (le && be)); i++) {
		char what[PATH_MAX + 8];

		snprintf(what, sizeof(what), "'%s'", pods[i].file);
		if (cli_profile_narrow(pods[i].p, target, what, true) < 0)
			goto out;
	}

	/* copies of a pod: their union, once, on the first node; then each pod is one run */
	{
		size_t w = 0;

		for (size_t i = 0; i < n_pods; i++) {
			if (w && !strcmp(pods[w - 1].key, pods[i].key)) {
				r = scl_profile_merge(pods[w - 1].p, pods[i].p);
				if (r < 0)
					goto oom;
				if (cli_verbose)
					log_info("'%s': the same pod as '%s', taken once", pods[i].file, pods[w - 1].file);
				free(pods[i].file);
				free(pods[i].key);
				free(pods[i].group);
				free(pods[i].pod);
				scl_profile_free(pods[i].p);
				continue;
			}
			pods[w++] = pods[i];
		}
		n_pods = w;
	}
	/* each syscall of a pod was seen by one run, the pod, whatever its copies counted */
	for (size_t i = 0; i < n_pods; i++)
		if (one_run(pods[i].p) < 0)
			goto oom;

	if (cli_outdir_open(out_dir, scl_format_ext(out->format), &od) < 0)
		goto out;
	for (size_t start = 0; start < n_pods;) {
		_cleanup_(scl_profile_freep) scl_profile *p = NULL;
		size_t end = start, n_kinds = 0;
		struct workload_doc doc;
		scl_k8s_parts k;
		char fname[SCL_MAX_FILE_NAME + 64];
		bool kinds[_SCL_WORKLOAD_MAX] = { false };

		while (end < n_pods && !strcmp(pods[end].group, pods[start].group))
			end++;
		for (size_t i = start; i < end; i++) {
			if (!p) {
				/* the first pod's default action and architectures lead, as in plain merge */
				if (scl_profile_new(&p) < 0)
					goto oom;
				scl_profile_set_default_action(p, scl_profile_default_action(pods[i].p),
							       scl_profile_default_errno(pods[i].p));
			}
			if (scl_profile_merge(p, pods[i].p) < 0)
				goto oom;
			if (!kinds[pods[i].kind]) {
				kinds[pods[i].kind] = true;
				n_kinds++;
			}
		}
		if (n_kinds > 1 && !cli_quiet)
			log_warn("'%s': pods of different kinds are taken as one workload (%zu pods)", pods[start].group,
				 end - start);
		r = cli_profile_finish(out, p, NULL, 0);
		if (r < 0) {
			log_error("cannot set the default action: %s", strerror(-r));
			goto out;
		}
		if (strlen(pods[start].group) > SCL_MAX_FILE_NAME) {
			log_error("'%s': the workload's name is too long for a file name", pods[start].group);
			goto out;
		}
		if (cli_profile_write_outdir(out, od, pods[start].group, p) < 0)
			goto out;
		scl_k8s_name_split(pods[start].group, strlen(pods[start].group), &k);
		doc = (struct workload_doc){ .pods = pods + start, .n = end - start, .nodes = nodes, .n_nodes = n_nodes,
					     .p = p, .ns = k.ns, .ns_n = k.ns_n, .workload = k.pod, .workload_n = k.pod_n,
					     .container = k.container, .container_n = k.container_n };
		snprintf(fname, sizeof(fname), "%s.stats.json", pods[start].group);
		r = scl_write_atomic(scl_outdir_fd(od), fname, write_stats, p, 0644);
		if (r >= 0) {
			snprintf(fname, sizeof(fname), "%s.workload.json", pods[start].group);
			r = scl_write_atomic(scl_outdir_fd(od), fname, write_workload_doc, &doc, 0644);
		}
		if (r < 0) {
			log_error("cannot write '%s/%s': %s", out_dir, fname, strerror(-r));
			goto out;
		}
		written++;
		start = end;
	}
	if (skipped && !cli_quiet)
		log_warn("%zu file%s not named NAMESPACE_POD_CONTAINER.json skipped (-v names them)", skipped,
			 skipped == 1 ? "" : "s");
	{
		size_t used = 0;

		for (size_t i = 0; i < n_nodes; i++) {
			bool any = false;

			for (size_t k = 0; k < n_pods && !any; k++)
				any = pods[k].node == i;
			used += any;
		}
		n_nodes_used = used;
	}
	if (!cli_quiet)
		log_info("%zu pod%s of %zu node%s: %zu workload profile%s written to '%s'", n_pods, n_pods == 1 ? "" : "s",
			 n_nodes_used, n_nodes_used == 1 ? "" : "s", written, written == 1 ? "" : "s", out_dir);
	rc = EXIT_OK;
	goto out;
oom:
	log_error("out of memory");
out:
	pods_free(pods, n_pods);
	for (size_t i = 0; nodes && i < n_nodes; i++)
		free(nodes[i].name);
	free(nodes);
	return rc;
}
