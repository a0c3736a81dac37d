/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/profile-fmt.h"
#include "lib/util.h"
#include "scmplog/limits.h"
#include "scmplog/profile-io.h"

void scl_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

int scl_format_parse(const char *s, scl_format *ret)
{
	static const struct {
		const char *name;
		scl_format f;
	} names[] = {
		{ "oci", SCL_FORMAT_OCI },       { "json", SCL_FORMAT_OCI },
		{ "docker", SCL_FORMAT_OCI },    { "k8s", SCL_FORMAT_K8S },
		{ "kubernetes", SCL_FORMAT_K8S }, { "systemd", SCL_FORMAT_SYSTEMD },
	};

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (!strcmp(s, names[i].name)) {
			*ret = names[i].f;
			return 0;
		}
	return -EINVAL;
}

const char *scl_format_name(scl_format f)
{
	switch (f) {
	case SCL_FORMAT_OCI:
		return "oci";
	case SCL_FORMAT_K8S:
		return "k8s";
	case SCL_FORMAT_SYSTEMD:
		return "systemd";
	}
	return "unknown";
}

const char *scl_format_ext(scl_format f)
{
	switch (f) {
	case SCL_FORMAT_OCI:
		return ".json";
	case SCL_FORMAT_K8S:
		return ".yaml";
	case SCL_FORMAT_SYSTEMD:
		return ".conf";
	}
	return "";
}

int scl_pfmt_strv_addf(scl_pfmt_strv *s, const char *fmt, ...)
{
	va_list ap;
	char *m;
	int k;

	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = reallocarray(s->v, cap, sizeof(char *));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	va_start(ap, fmt);
	k = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (k < 0)
		return -ENOMEM;
	s->v[s->n++] = m;
	s->v[s->n] = NULL;
	return 0;
}

int scl_pfmt_strv_take(scl_pfmt_strv *s, char ***ret)
{
	if (!s->v) {
		s->v = calloc(1, sizeof(char *));
		if (!s->v)
			return -ENOMEM;
		s->cap = 1;
	}
	*ret = s->v;
	s->v = NULL;
	s->n = s->cap = 0;
	return 0;
}

void scl_pfmt_strv_done(scl_pfmt_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

void scl_pfmt_excerpt(const char *s, size_t n, size_t max, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (size == 0)
		return;
	for (size_t i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			if (o + 5 > size)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			if (o + 2 > size)
				break;
			buf[o++] = (char)c;
		}
	}
	if (n > max && o + 4 <= size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

void scl_pfmt_rule_label(const scl_profile_rule *r, char *buf, size_t size)
{
	if (r->n_names == 0)
		snprintf(buf, size, "no names");
	else if (r->n_names == 1)
		snprintf(buf, size, "%s", r->names[0]);
	else
		snprintf(buf, size, "%s, +%zu more", r->names[0], r->n_names - 1);
}

/*
 * Docker and containers/common compare includes/excludes arches with the
 * runtime's GOARCH, so that is what we write.  The first entry per
 * architecture is the one written; the others are read too.
 */
static const struct {
	const char *go;
	const char *oci;
} go_arches[] = {
	{ "amd64", "SCMP_ARCH_X86_64" },    { "386", "SCMP_ARCH_X86" },
	{ "x32", "SCMP_ARCH_X32" },         { "arm64", "SCMP_ARCH_AARCH64" },
	{ "arm", "SCMP_ARCH_ARM" },         { "ppc64le", "SCMP_ARCH_PPC64LE" },
	{ "ppc64", "SCMP_ARCH_PPC64" },     { "ppc", "SCMP_ARCH_PPC" },
	{ "s390x", "SCMP_ARCH_S390X" },     { "s390", "SCMP_ARCH_S390" },
	{ "mips64", "SCMP_ARCH_MIPS64" },   { "mips64le", "SCMP_ARCH_MIPSEL64" },
	{ "mips64n32", "SCMP_ARCH_MIPS64N32" }, { "mips64len32", "SCMP_ARCH_MIPSEL64N32" },
	{ "mips", "SCMP_ARCH_MIPS" },       { "mipsle", "SCMP_ARCH_MIPSEL" },
	{ "riscv64", "SCMP_ARCH_RISCV64" }, { "loong64", "SCMP_ARCH_LOONGARCH64" },
	{ "x86", "SCMP_ARCH_X86" },
};

const scl_arch_info *scl_pfmt_arch_lookup(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(go_arches); i++)
		if (!strcmp(name, go_arches[i].go))
			return scl_arch_by_name(go_arches[i].oci);
	return scl_arch_by_name(name);
}

const char *scl_pfmt_arch_go_name(uint32_t token)
{
	const scl_arch_info *a = scl_arch_by_token(token);

	if (!a)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(go_arches); i++)
		if (!strcmp(a->oci_name, go_arches[i].oci))
			return go_arches[i].go;
	return a->name;
}

const char *scl_pfmt_errno_name(uint32_t e)
{
	if (e == 0 || e > 4095)
		return NULL;
	return strerrorname_np((int)e);
}

int scl_pfmt_errno_parse(const char *s, size_t n, uint32_t *ret)
{
	static const struct {
		const char *alias;
		int e;
	} aliases[] = {
		{ "EWOULDBLOCK", EWOULDBLOCK },
		{ "EDEADLOCK", EDEADLOCK },
		{ "ENOTSUP", ENOTSUP },
	};

	for (size_t i = 0; i < ELEMENTSOF(aliases); i++)
		if (strlen(aliases[i].alias) == n && !memcmp(aliases[i].alias, s, n)) {
			*ret = (uint32_t)aliases[i].e;
			return 0;
		}
	for (uint32_t e = 1; e <= 4095; e++) {
		const char *name = scl_pfmt_errno_name(e);
		if (name && strlen(name) == n && !memcmp(name, s, n)) {
			*ret = e;
			return 0;
		}
	}
	return -EINVAL;
}

int scl_pfmt_resolved_names(const scl_profile *p, const uint32_t *exp, size_t n_exp,
			    scl_profile_syscall **ret, size_t *ret_n)
{
	scl_profile_syscall *v;
	size_t n, k = 0;
	int r;

	r = scl_profile_syscalls(p, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		bool keep = v[i].n_arches == 0 || n_exp == 0;
		for (size_t a = 0; a < v[i].n_arches && !keep; a++)
			keep = scl_u32_in(exp, n_exp, v[i].arches[a]);
		if (keep)
			v[k++] = v[i];
	}
	*ret = v;
	*ret_n = k;
	return 0;
}

static void why_add(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void why_add(char *why, size_t whylen, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (!why || whylen == 0)
		return;
	len = strnlen(why, whylen);
	if (len + 3 >= whylen)
		return;
	if (len) {
		memcpy(why + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + len, whylen - len, fmt, ap);
	va_end(ap);
}

/* How many of exp the arch names cover. */
static size_t arches_cover(const scl_profile_cond *c, const uint32_t *exp, size_t n_exp)
{
	size_t hit = 0;

	for (size_t i = 0; i < n_exp; i++) {
		for (size_t k = 0; k < c->n_arches; k++) {
			const scl_arch_info *a = scl_pfmt_arch_lookup(c->arches[k]);
			if (a && a->token == exp[i]) {
				hit++;
				break;
			}
		}
	}
	return hit;
}

int scl_pfmt_rule_fate(const scl_profile_rule *r, const uint32_t *exp, size_t n_exp, char *why,
		       size_t whylen)
{
	int fate = SCL_PFMT_KEEP;

	if (why && whylen)
		why[0] = '\0';
	if (r->includes.n_caps) {
		why_add(why, whylen, "needs capability %s", r->includes.caps[0]);
		fate = SCL_PFMT_DROP;
	}
	if (r->excludes.min_kernel) {
		why_add(why, whylen, "only for kernels older than %s", r->excludes.min_kernel);
		fate = SCL_PFMT_DROP;
	}
	if (r->includes.n_arches) {
		size_t hit = arches_cover(&r->includes, exp, n_exp);
		if (n_exp != 0 && hit == 0) {
			why_add(why, whylen, "not for the profile's architectures");
			fate = SCL_PFMT_DROP;
		} else if (n_exp == 0 || hit < n_exp) {
			why_add(why, whylen, "includes.arches dropped");
			fate = fate > SCL_PFMT_STRIP ? fate : SCL_PFMT_STRIP;
		}
	}
	if (r->excludes.n_arches) {
		size_t hit = arches_cover(&r->excludes, exp, n_exp);
		if (n_exp > 0 && hit == n_exp) {
			why_add(why, whylen, "excluded on all of the profile's architectures");
			fate = SCL_PFMT_DROP;
		} else if (hit > 0 || n_exp == 0) {
			why_add(why, whylen, "excludes.arches dropped");
			fate = fate > SCL_PFMT_STRIP ? fate : SCL_PFMT_STRIP;
		}
	}
	if (r->includes.min_kernel) {
		why_add(why, whylen, "minKernel %s assumed met", r->includes.min_kernel);
		fate = fate > SCL_PFMT_STRIP ? fate : SCL_PFMT_STRIP;
	}
	if (r->excludes.n_caps) {
		why_add(why, whylen, "excludes.caps dropped (no %s assumed)", r->excludes.caps[0]);
		fate = fate > SCL_PFMT_STRIP ? fate : SCL_PFMT_STRIP;
	}
	return fate;
}

void scl_pfmt_json_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fputs("\\u00", f);
				fputc(hex[c >> 4], f);
				fputc(hex[c & 15], f);
			} else {
				fputc(c, f);
			}
		}
	}
	fputc('"', f);
}

int scl_pfmt_stream_result(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

int scl_pfmt_read_fd(int fd, char **ret, size_t *ret_n)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t k;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *t;

			if (ncap > SCL_MAX_PROFILE_SIZE + 1)
				ncap = SCL_MAX_PROFILE_SIZE + 1;
			if (ncap == cap)
				return -EFBIG;
			t = realloc(buf, ncap + 1);
			if (!t)
				return -ENOMEM;
			buf = t;
			cap = ncap;
		}
		k = scl_read_full(fd, buf + len, cap - len);
		if (k < 0)
			return (int)k;
		len += (size_t)k;
		if (len < cap)
			break; /* short: the end of the file */
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return -ENOMEM;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_n = len;
	return 0;
}

int scl_pfmt_too_large(char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "larger than SCL_MAX_PROFILE_SIZE (%d bytes)", SCL_MAX_PROFILE_SIZE);
	return -EFBIG;
}

/* Restricted names that a format without per-architecture allows changes. */
static int restricted_losses(const scl_profile *p, const uint32_t *exp, size_t n_exp,
			     scl_pfmt_strv *w)
{
	_cleanup_free_ scl_profile_syscall *v = NULL;
	size_t n;
	int r;

	r = scl_profile_syscalls(p, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && n_exp > 0; i++) {
		size_t hit = 0;

		if (!v[i].n_arches)
			continue;
		for (size_t a = 0; a < n_exp; a++)
			hit += scl_u32_in(v[i].arches, v[i].n_arches, exp[a]);
		if (hit == 0)
			r = scl_pfmt_strv_addf(w, "%s: allowed only on architectures the profile does not list, left out",
					       v[i].name);
		else if (hit < n_exp)
			r = scl_pfmt_strv_addf(w, "%s: allowed on every architecture of the profile, not only on some",
					       v[i].name);
		if (r < 0)
			return r;
	}
	return 0;
}

bool scl_pfmt_systemd_rule_ok(const scl_profile_rule *r, uint32_t default_action)
{
	return (default_action == SCL_ACT_ERRNO || default_action == SCL_ACT_KILL_PROCESS ||
		default_action == SCL_ACT_KILL_THREAD) &&
	       r->action == SCL_ACT_ERRNO && r->has_errno_ret && r->errno_ret >= 1 && r->errno_ret <= 4095 &&
	       r->n_args == 0 && !r->includes.n_arches && !r->includes.n_caps && !r->includes.min_kernel &&
	       !r->excludes.n_arches && !r->excludes.n_caps && !r->excludes.min_kernel;
}

int scl_profile_format_losses(const scl_profile *p, scl_format fmt, char ***ret_warnings)
{
	_cleanup_free_ uint32_t *exp = NULL;
	scl_pfmt_strv w = { 0 };
	uint32_t action = scl_profile_default_action(p), e = scl_profile_default_errno(p);
	const char *aname = scl_profile_action_name(action);
	size_t n_exp;
	int r;

	if (fmt == SCL_FORMAT_OCI)
		return scl_pfmt_strv_take(&w, ret_warnings);
	r = scl_profile_arches(p, &exp, &n_exp);
	if (r < 0)
		return r;
	r = restricted_losses(p, exp, n_exp, &w);
	if (r < 0)
		goto fail;

	if (fmt == SCL_FORMAT_K8S) {
		for (size_t i = 0; i < n_exp; i++) {
			if (scl_pfmt_k8s_arch(exp[i]))
				continue;
			r = scl_pfmt_strv_addf(&w, "architecture %s is not in security-profiles-operator's SeccompProfile architectures, left out (a runtime still applies the profile to its native architecture)",
					       scl_arch_by_token(exp[i])->oci_name);
			if (r < 0)
				goto fail;
		}
		if (action == SCL_ACT_ERRNO && e != 1)
			r = scl_pfmt_strv_addf(&w, "defaultErrnoRet %" PRIu32 " cannot be expressed, runtimes return EPERM", e);
		else if (action == SCL_ACT_USER_NOTIF)
			r = scl_pfmt_strv_addf(&w, "SCMP_ACT_NOTIFY is not accepted as default action");
		if (r < 0)
			goto fail;
	} else {
		if (scl_profile_count(p) == 0 && action == SCL_ACT_LOG)
			r = scl_pfmt_strv_addf(&w, "logging every syscall cannot be expressed (SystemCallLog= needs names to leave out)");
		else if (scl_profile_count(p) == 0)
			r = scl_pfmt_strv_addf(&w, "no syscall is allowed: an empty SystemCallFilter= would remove the filter");
		if (r < 0)
			goto fail;
		if (action == SCL_ACT_ERRNO && (e == 0 || e > 4095))
			r = scl_pfmt_strv_addf(&w, "errno %" PRIu32 " of the default action cannot be expressed", e);
		else if (action != SCL_ACT_ERRNO && action != SCL_ACT_LOG &&
			 action != SCL_ACT_KILL_PROCESS && action != SCL_ACT_KILL_THREAD)
			r = scl_pfmt_strv_addf(&w, "default action %s cannot be expressed", aname);
		if (r < 0)
			goto fail;
		for (size_t i = 0; i < n_exp; i++) {
			const scl_arch_info *a = scl_arch_by_token(exp[i]);
			if (scl_pfmt_systemd_arch(exp[i]))
				continue;
			r = scl_pfmt_strv_addf(&w, "architecture %s is not known to systemd 252, left out of SystemCallArchitectures= (systemd always allows the native one)",
					       a->name);
			if (r < 0)
				goto fail;
		}
	}

	for (size_t i = 0; i < scl_profile_rule_count(p); i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(p, i);
		const char *an = scl_profile_action_name(rule->action);
		char label[96], why[256];
		int fate;

		scl_pfmt_rule_label(rule, label, sizeof(label));
		if (fmt == SCL_FORMAT_SYSTEMD && scl_pfmt_systemd_rule_ok(rule, action))
			continue;
		if (fmt == SCL_FORMAT_SYSTEMD) {
			r = scl_pfmt_strv_addf(&w, "%s rule (%s): not expressible in systemd settings, left out",
					       an, label);
			if (r < 0)
				goto fail;
			continue;
		}
		fate = scl_pfmt_rule_fate(rule, exp, n_exp, why, sizeof(why));
		if (fate == SCL_PFMT_DROP)
			r = scl_pfmt_strv_addf(&w, "%s rule (%s): left out: %s", an, label, why);
		else if (fate == SCL_PFMT_STRIP)
			r = scl_pfmt_strv_addf(&w, "%s rule (%s): %s", an, label, why);
		if (r < 0)
			goto fail;
		if (fate == SCL_PFMT_DROP)
			continue;
		if (rule->has_errno_ret && rule->errno_ret > 4095)
			r = scl_pfmt_strv_addf(&w, "%s rule (%s): errnoRet %" PRIu32 " is above 4095",
					       an, label, rule->errno_ret);
		if (r < 0)
			goto fail;
		for (size_t k = 0; k < rule->n_args; k++)
			if (rule->args[k].value > INT64_MAX || rule->args[k].value_two > INT64_MAX) {
				r = scl_pfmt_strv_addf(&w, "%s rule (%s): argument value above 2^63-1 does not fit the Kubernetes API",
						       an, label);
				if (r < 0)
					goto fail;
				break;
			}
	}
	return scl_pfmt_strv_take(&w, ret_warnings);
fail:
	scl_pfmt_strv_done(&w);
	return r;
}

const char *scl_pfmt_op_name(scl_cmp op)
{
	switch (op) {
	case SCL_CMP_NE:
		return "SCMP_CMP_NE";
	case SCL_CMP_LT:
		return "SCMP_CMP_LT";
	case SCL_CMP_LE:
		return "SCMP_CMP_LE";
	case SCL_CMP_EQ:
		return "SCMP_CMP_EQ";
	case SCL_CMP_GE:
		return "SCMP_CMP_GE";
	case SCL_CMP_GT:
		return "SCMP_CMP_GT";
	case SCL_CMP_MASKED_EQ:
		return "SCMP_CMP_MASKED_EQ";
	}
	return "SCMP_CMP_EQ";
}

int scl_profile_write(const scl_profile *p, scl_format fmt, const scl_profile_write_options *o, FILE *f)
{
	static const scl_profile_write_options defaults;

	if (!p || !f)
		return -EINVAL;
	if (!o)
		o = &defaults;
	switch (fmt) {
	case SCL_FORMAT_OCI:
		return scl_profile_write_oci(p, f);
	case SCL_FORMAT_K8S:
		return scl_profile_write_k8s(p, &o->k8s, f);
	case SCL_FORMAT_SYSTEMD:
		return scl_profile_write_systemd(p, f);
	}
	return -EINVAL;
}
