/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * security-profiles-operator SeccompProfile YAML, written by hand.  Every
 * scalar we write is from a small alphabet (syscall names, SCMP_* names,
 * DNS-1123 labels, numbers), so the only quoting needed is for plain scalars
 * YAML would read as numbers, booleans or null.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/profile-fmt.h"
#include "lib/util.h"
#include "scmplog/limits.h"
#include "scmplog/profile-io.h"
#include "scmplog/record.h"

#define K8S_DEFAULT_NAME "scmplog-profile"

int scl_k8s_name(const char *in, size_t n, char *out, size_t outlen)
{
	size_t len = 0;
	bool dash = false;

	if (outlen < SCL_MAX_K8S_LABEL + 1)
		return -ENOBUFS;
	for (size_t i = 0; i < n && len < SCL_MAX_K8S_LABEL; i++) {
		char c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && len > 0) {
				/* No room for "-x": stop rather than end in '-' or glue words. */
				if (len + 2 > SCL_MAX_K8S_LABEL)
					break;
				out[len++] = '-';
			}
			dash = false;
			out[len++] = c;
		} else {
			dash = true;
		}
	}
	if (len == 0) {
		memcpy(out, K8S_DEFAULT_NAME, sizeof(K8S_DEFAULT_NAME));
		return (int)(sizeof(K8S_DEFAULT_NAME) - 1);
	}
	out[len] = '\0';
	return (int)len;
}

/*
 * The architectures security-profiles-operator's SeccompProfile CRD accepts
 * (spec.architectures' enum, v1 and v1beta1 alike; tests/data/k8s/ keeps the
 * CRD).  The API server refuses an object with any other name.
 */
bool scl_pfmt_k8s_arch(uint32_t token)
{
	static const uint32_t enum_arches[] = {
		0x40000003, 0xc000003e, 0x4000003e, 0x40000028, 0xc00000b7, 0x00000008,
		0x80000008, 0xa0000008, 0x40000008, 0xc0000008, 0xe0000008, 0x00000014,
		0x80000015, 0xc0000015, 0x00000016, 0x80000016, 0x0000000f, 0x8000000f,
		0xc00000f3,
	};

	for (size_t i = 0; i < ELEMENTSOF(enum_arches); i++)
		if (enum_arches[i] == token)
			return true;
	return false;
}

/* YAML 1.1 and 1.2 would read these plain scalars as something other than a string. */
static void put_scalar(FILE *f, const char *s)
{
	static const char *const special[] = { "y", "n", "yes", "no", "on", "off", "true",
					       "false", "null" };
	bool quote = s[0] >= '0' && s[0] <= '9';

	for (size_t i = 0; i < ELEMENTSOF(special) && !quote; i++)
		quote = !strcmp(s, special[i]);
	if (quote)
		fprintf(f, "\"%s\"", s);
	else
		fputs(s, f);
}

static void put_names(FILE *f, const char *const *names, size_t n)
{
	fputs("    names:\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs("    - ", f);
		put_scalar(f, names[i]);
		fputc('\n', f);
	}
}

int scl_profile_write_k8s(const scl_profile *p, const scl_k8s_options *o, FILE *f)
{
	_cleanup_free_ uint32_t *arches = NULL;
	_cleanup_free_ scl_profile_syscall *v = NULL;
	_cleanup_free_ const char **names = NULL;
	char name[SCL_MAX_K8S_LABEL + 1];
	size_t n_arches, n, n_rules = scl_profile_rule_count(p), n_listed = 0;
	bool any = false;
	int r;

	if (o && o->name)
		r = scl_k8s_name(o->name, strlen(o->name), name, sizeof(name));
	else
		r = scl_k8s_name("", 0, name, sizeof(name));
	if (r < 0)
		return r;
	r = scl_profile_arches(p, &arches, &n_arches);
	if (r < 0)
		return r;
	/* The API's values are int64 (the CRD's format): the server would refuse the object. */
	for (size_t i = 0; i < n_rules; i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(p, i);

		if (scl_pfmt_rule_fate(rule, arches, n_arches, NULL, 0) == SCL_PFMT_DROP)
			continue;
		for (size_t k = 0; k < rule->n_args; k++)
			if (rule->args[k].value > INT64_MAX || rule->args[k].value_two > INT64_MAX)
				return -EOPNOTSUPP;
	}
	r = scl_pfmt_resolved_names(p, arches, n_arches, &v, &n);
	if (r < 0)
		return r;
	names = calloc(n + 1, sizeof(char *));
	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		names[i] = v[i].name;

	fprintf(f, "apiVersion: security-profiles-operator.x-k8s.io/%s\n",
		o && o->v1beta1 ? "v1beta1" : "v1");
	fputs("kind: SeccompProfile\nmetadata:\n  name: ", f);
	put_scalar(f, name);
	fputc('\n', f);
	if (o && o->coverage_annotation && scl_profile_runs_known(p) && scl_profile_run_count(p)) {
		_cleanup_free_ scl_profile_syscall *sv = NULL;
		size_t sn = 0, k = 0;

		r = scl_profile_syscalls(p, &sv, &sn);
		if (r < 0)
			return r;
		/* single-quoted: the JSON holds no quote of its own (names are [a-z0-9_]) */
		fprintf(f, "  annotations:\n    spo.x-k8s.io/syscall-coverage: '{\"version\":\"v1\",\"total\":%" PRIu64
			   ",\"syscalls\":{",
			scl_profile_run_count(p));
		for (size_t i = 0; i < sn; i++)
			if (sv[i].runs)
				fprintf(f, "%s\"%s\":%" PRIu64, k++ ? "," : "", sv[i].name, sv[i].runs);
		fputs("}}'\n", f);
	}
	fprintf(f, "spec:\n  defaultAction: %s\n",
		scl_profile_action_name(scl_profile_default_action(p)));
	/* An architecture the CRD lacks is left out (scl_profile_format_losses() says so). */
	for (size_t i = 0; i < n_arches; i++) {
		if (!scl_pfmt_k8s_arch(arches[i]))
			continue;
		if (!n_listed++)
			fputs("  architectures:\n", f);
		fprintf(f, "  - %s\n", scl_arch_by_token(arches[i])->oci_name);
	}
	for (size_t i = 0; i < n_rules && !any; i++)
		any = scl_pfmt_rule_fate(scl_profile_rule_at(p, i), arches, n_arches, NULL, 0) !=
		      SCL_PFMT_DROP;
	if (n == 0 && !any) {
		fputs("  syscalls: []\n", f);
		return scl_pfmt_stream_result(f);
	}
	fputs("  syscalls:\n", f);
	if (n) {
		fputs("  - action: SCMP_ACT_ALLOW\n", f);
		put_names(f, names, n);
	}
	for (size_t i = 0; i < n_rules; i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(p, i);

		if (scl_pfmt_rule_fate(rule, arches, n_arches, NULL, 0) == SCL_PFMT_DROP)
			continue;
		fprintf(f, "  - action: %s\n", scl_profile_action_name(rule->action));
		put_names(f, rule->names, rule->n_names);
		if (rule->has_errno_ret)
			fprintf(f, "    errnoRet: %" PRIu32 "\n", rule->errno_ret);
		if (rule->n_args) {
			fputs("    args:\n", f);
			for (size_t k = 0; k < rule->n_args; k++) {
				const scl_profile_arg *a = &rule->args[k];
				fprintf(f,
					"    - index: %" PRIu32 "\n"
					"      value: %" PRIu64 "\n"
					"      valueTwo: %" PRIu64 "\n"
					"      op: %s\n",
					a->index, a->value, a->value_two, scl_pfmt_op_name(a->op));
			}
		}
	}
	return scl_pfmt_stream_result(f);
}
