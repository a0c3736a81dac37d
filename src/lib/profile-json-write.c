/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OCI JSON profiles: the writer.  It is written by hand: json-c's pretty
 * printer has no space after ':' without JSON_C_TO_STRING_SPACED and prints
 * empty arrays as "[\n  ]", and we want the layout that Docker and
 * containers ship, byte-stable.  The reader: profile-json-read.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/profile-fmt.h"
#include "lib/util.h"
#include "scmplog/profile-io.h"
#include "scmplog/record.h"

static void indent(FILE *f, int level)
{
	for (int i = 0; i < level; i++)
		fputs("  ", f);
}

/* "key": [ "a", "b" ] over several lines, or "key": [] */
static void write_str_array(FILE *f, int level, const char *key, const char *const *v, size_t n,
			    bool last)
{
	indent(f, level);
	fprintf(f, "\"%s\": [", key);
	if (n == 0) {
		fputs(last ? "]\n" : "],\n", f);
		return;
	}
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		indent(f, level + 1);
		scl_pfmt_json_string(f, v[i]);
		fputs(i + 1 < n ? ",\n" : "\n", f);
	}
	indent(f, level);
	fputs(last ? "]\n" : "],\n", f);
}

static bool cond_empty(const scl_profile_cond *c)
{
	return c->n_arches == 0 && c->n_caps == 0 && !c->min_kernel;
}

static void write_cond(FILE *f, int level, const char *key, const scl_profile_cond *c, bool last)
{
	indent(f, level);
	fprintf(f, "\"%s\": {\n", key);
	if (c->n_arches)
		write_str_array(f, level + 1, "arches", c->arches, c->n_arches,
				!c->n_caps && !c->min_kernel);
	if (c->n_caps)
		write_str_array(f, level + 1, "caps", c->caps, c->n_caps, !c->min_kernel);
	if (c->min_kernel) {
		indent(f, level + 1);
		fputs("\"minKernel\": ", f);
		scl_pfmt_json_string(f, c->min_kernel);
		fputc('\n', f);
	}
	indent(f, level);
	fputs(last ? "}\n" : "},\n", f);
}

static void write_rule(FILE *f, const scl_profile_rule *r, bool last)
{
	bool inc = !cond_empty(&r->includes), exc = !cond_empty(&r->excludes);

	indent(f, 2);
	fputs("{\n", f);
	write_str_array(f, 3, "names", r->names, r->n_names, false);
	indent(f, 3);
	fprintf(f, "\"action\": \"%s\"", scl_profile_action_name(r->action));
	if (r->has_errno_ret) {
		fputs(",\n", f);
		indent(f, 3);
		fprintf(f, "\"errnoRet\": %" PRIu32, r->errno_ret);
	}
	if (r->n_args) {
		fputs(",\n", f);
		indent(f, 3);
		fputs("\"args\": [\n", f);
		for (size_t i = 0; i < r->n_args; i++) {
			const scl_profile_arg *a = &r->args[i];
			indent(f, 4);
			fputs("{\n", f);
			indent(f, 5);
			fprintf(f, "\"index\": %" PRIu32 ",\n", a->index);
			indent(f, 5);
			fprintf(f, "\"value\": %" PRIu64 ",\n", a->value);
			indent(f, 5);
			fprintf(f, "\"valueTwo\": %" PRIu64 ",\n", a->value_two);
			indent(f, 5);
			fprintf(f, "\"op\": \"%s\"\n", scl_pfmt_op_name(a->op));
			indent(f, 4);
			fputs(i + 1 < r->n_args ? "},\n" : "}\n", f);
		}
		indent(f, 3);
		fputc(']', f);
	}
	if (r->comment) {
		fputs(",\n", f);
		indent(f, 3);
		fputs("\"comment\": ", f);
		scl_pfmt_json_string(f, r->comment);
	}
	fputs(inc || exc ? ",\n" : "\n", f);
	if (inc)
		write_cond(f, 3, "includes", &r->includes, !exc);
	if (exc)
		write_cond(f, 3, "excludes", &r->excludes, true);
	indent(f, 2);
	fputs(last ? "}\n" : "},\n", f);
}

/* A group of restricted names sharing one architecture set. */
struct group {
	const uint32_t *arches;
	size_t n_arches;
	const char **go;      /* sorted Go names of arches */
	const char **names;
	size_t n_names;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	for (size_t i = 0; i < x->n_arches && i < y->n_arches; i++) {
		int c = strcmp(x->go[i], y->go[i]);
		if (c)
			return c;
	}
	return (x->n_arches > y->n_arches) - (x->n_arches < y->n_arches);
}

static bool same_set(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	return na == nb && !memcmp(a, b, na * sizeof(uint32_t));
}

static void groups_free(struct group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].go);
		free(g[i].names);
	}
	free(g);
}

/* Group the restricted syscalls of v (sorted by name) by their restriction. */
static int make_groups(const scl_profile_syscall *v, size_t n, struct group **ret, size_t *ret_n)
{
	struct group *g = NULL;
	size_t ng = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k;
		if (!v[i].n_arches)
			continue;
		for (k = 0; k < ng; k++)
			if (same_set(g[k].arches, g[k].n_arches, v[i].arches, v[i].n_arches))
				break;
		if (k == ng) {
			struct group *t = reallocarray(g, ng + 1, sizeof(*g));
			if (!t)
				goto oom;
			g = t;
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].arches = v[i].arches;
			g[ng].n_arches = v[i].n_arches;
			g[ng].go = calloc(v[i].n_arches, sizeof(char *));
			g[ng].names = calloc(n, sizeof(char *));
			ng++;
			if (!g[k].go || !g[k].names)
				goto oom;
			for (size_t a = 0; a < v[i].n_arches; a++)
				g[k].go[a] = scl_pfmt_arch_go_name(v[i].arches[a]);
			qsort(g[k].go, v[i].n_arches, sizeof(char *), cmp_str);
		}
		g[k].names[g[k].n_names++] = v[i].name;
	}
	if (ng)
		qsort(g, ng, sizeof(*g), cmp_group);
	*ret = g;
	*ret_n = ng;
	return 0;
oom:
	groups_free(g, ng);
	return -ENOMEM;
}

int scl_profile_write_oci(const scl_profile *p, FILE *f)
{
	_cleanup_free_ uint32_t *arches = NULL;
	_cleanup_free_ scl_profile_syscall *v = NULL;
	_cleanup_free_ const char **plain = NULL;
	_cleanup_free_ const char **archnames = NULL;
	struct group *g = NULL;
	size_t n_arches, n, n_plain = 0, ng = 0, n_rules = scl_profile_rule_count(p);
	size_t n_out;
	int r;

	r = scl_profile_arches(p, &arches, &n_arches);
	if (r < 0)
		return r;
	r = scl_profile_syscalls(p, &v, &n);
	if (r < 0)
		return r;
	plain = calloc(n + 1, sizeof(char *));
	archnames = calloc(n_arches + 1, sizeof(char *));
	if (!plain || !archnames)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!v[i].n_arches)
			plain[n_plain++] = v[i].name;
	for (size_t i = 0; i < n_arches; i++)
		archnames[i] = scl_arch_by_token(arches[i])->oci_name;
	r = make_groups(v, n, &g, &ng);
	if (r < 0)
		return r;

	fputs("{\n", f);
	indent(f, 1);
	fprintf(f, "\"defaultAction\": \"%s\",\n",
		scl_profile_action_name(scl_profile_default_action(p)));
	if (scl_profile_default_action(p) == SCL_ACT_ERRNO) {
		indent(f, 1);
		fprintf(f, "\"defaultErrnoRet\": %" PRIu32 ",\n", scl_profile_default_errno(p));
	}
	write_str_array(f, 1, "architectures", archnames, n_arches, false);
	if (scl_profile_flag_log(p)) {
		static const char *const log_flag[] = { "SECCOMP_FILTER_FLAG_LOG" };
		write_str_array(f, 1, "flags", log_flag, 1, false);
	}
	if (scl_profile_listener_path(p)) {
		indent(f, 1);
		fputs("\"listenerPath\": ", f);
		scl_pfmt_json_string(f, scl_profile_listener_path(p));
		fputs(",\n", f);
	}
	if (scl_profile_listener_metadata(p)) {
		indent(f, 1);
		fputs("\"listenerMetadata\": ", f);
		scl_pfmt_json_string(f, scl_profile_listener_metadata(p));
		fputs(",\n", f);
	}
	n_out = (n_plain > 0) + ng + n_rules;
	indent(f, 1);
	if (n_out == 0) {
		fputs("\"syscalls\": []\n}\n", f);
		goto done;
	}
	fputs("\"syscalls\": [\n", f);
	if (n_plain) {
		n_out--;
		indent(f, 2);
		fputs("{\n", f);
		write_str_array(f, 3, "names", plain, n_plain, false);
		indent(f, 3);
		fputs("\"action\": \"SCMP_ACT_ALLOW\"\n", f);
		indent(f, 2);
		fputs(n_out ? "},\n" : "}\n", f);
	}
	for (size_t i = 0; i < ng; i++) {
		scl_profile_rule rule = {
			.names = g[i].names,
			.n_names = g[i].n_names,
			.action = SCL_ACT_ALLOW,
			.includes = { .arches = g[i].go, .n_arches = g[i].n_arches },
		};
		n_out--;
		write_rule(f, &rule, n_out == 0);
	}
	for (size_t i = 0; i < n_rules; i++) {
		n_out--;
		write_rule(f, scl_profile_rule_at(p, i), n_out == 0);
	}
	indent(f, 1);
	fputs("]\n}\n", f);
done:
	groups_free(g, ng);
	return scl_pfmt_stream_result(f);
}
