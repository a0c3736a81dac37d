/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/filter.h>
#include <stdarg.h>
#include <stdio.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "scmplog/arch.h"
#include "scmplog/filter.h"
#include "scmplog/num.h"
#include "scmplog/record.h"
#include "profile-fmt.h"
#include "util.h"

#ifndef SECCOMP_FILTER_FLAG_LOG
#define SECCOMP_FILTER_FLAG_LOG (1UL << 1)
#endif

struct scl_filter {
	scmp_filter_ctx ctx;
	struct sock_filter *prog;
	size_t len;
	unsigned int flags;
};

struct build {
	uint32_t def_act;        /* libseccomp action of the default */
	scl_filter_stats st;
	scl_pfmt_strv warn;
	bool want_warn;
};

void scl_filter_free(scl_filter *f)
{
	if (!f)
		return;
	if (f->ctx)
		seccomp_release(f->ctx);
	free(f->prog);
	free(f);
}

/* SCL_ACT_* are the kernel's SECCOMP_RET_* values, which libseccomp uses too. */
static int to_scmp_action(uint32_t action, uint32_t data, uint32_t *ret)
{
	switch (action) {
	case SCL_ACT_ERRNO:
	case SCL_ACT_TRACE:
		*ret = action | (data & SCL_MAX_ACTION_DATA);
		return 0;
	case SCL_ACT_KILL_PROCESS:
	case SCL_ACT_KILL_THREAD:
	case SCL_ACT_TRAP:
	case SCL_ACT_LOG:
	case SCL_ACT_ALLOW:
		*ret = action;
		return 0;
	case SCL_ACT_USER_NOTIF:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

static int arch_ctx(const struct build *b, uint32_t arch, scmp_filter_ctx *ret)
{
	scmp_filter_ctx c = seccomp_init(b->def_act);
	int r;

	if (!c) {
		if (b->def_act == SCMP_ACT_LOG && seccomp_api_get() < 3)
			return -EOPNOTSUPP;
		return -ENOMEM;
	}
	if (arch != seccomp_arch_native()) {
		r = seccomp_arch_add(c, arch);
		if (r == 0)
			r = seccomp_arch_remove(c, SCMP_ARCH_NATIVE);
		if (r < 0) {
			seccomp_release(c);
			return r;
		}
	}
	*ret = c;
	return 0;
}

/*
 * Add `name` to the single-arch context c.  libseccomp reads the number of
 * seccomp_rule_add() as a native number and translates it by name to the
 * context's arch, so the native (or pseudo) number is passed, never the
 * arch's own.  Returns 1 if added, 0 if the arch lacks the name, -errno.
 */
static int add_name(struct build *b, scmp_filter_ctx c, uint32_t arch, const char *name, uint32_t act,
		    unsigned nargs, const struct scmp_arg_cmp *args)
{
	int nr_arch = seccomp_syscall_resolve_name_arch(arch, name);
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	if (nr_arch == __NR_SCMP_ERROR || nr_arch < 0 || nr == __NR_SCMP_ERROR) {
		b->st.unknown_on_arch++;
		return 0;
	}
	if (act == b->def_act)
		return 1; /* a no-op rule: libseccomp refuses it (-EACCES) */
	r = seccomp_rule_add_array(c, act, nr, nargs, args);
	if (r < 0)
		return r;
	b->st.rules++;
	return 1;
}

static void warnf(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(struct build *b, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!b->want_warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)scl_pfmt_strv_addf(&b->warn, "%s", msg);
}

/* The names a profile allows on arch: unrestricted, or restricted to a set holding arch. */
static bool allowed_here(const scl_profile_syscall *s, uint32_t arch)
{
	if (s->n_arches == 0)
		return true;
	for (size_t i = 0; i < s->n_arches; i++)
		if (s->arches[i] == arch)
			return true;
	return false;
}

/* found[i]: 0 not for this filter's arches, 1 no arch has it, 2 allowed somewhere */
static int add_allowed(struct build *b, scmp_filter_ctx c, uint32_t arch, const scl_profile_syscall *sc,
		       size_t n, unsigned char *found)
{
	for (size_t i = 0; i < n; i++) {
		int r;

		if (!allowed_here(&sc[i], arch))
			continue;
		if (!found[i])
			found[i] = 1;
		r = add_name(b, c, arch, sc[i].name, SCMP_ACT_ALLOW, 0, NULL);
		if (r < 0) {
			const scl_arch_info *a = scl_arch_by_token(arch);
			warnf(b, "cannot allow '%s' on %s: %s", sc[i].name, a ? a->name : "?", strerror(-r));
			continue;
		}
		if (r > 0)
			found[i] = 2;
	}
	return 0;
}

static const char *const cap_names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
	"LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
	"WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/* 1 held, 0 not held, -ENOENT unknown name. */
static int cap_held(const char *name)
{
	const char *n = name;

	if (!strncasecmp(n, "CAP_", 4))
		n += 4;
	for (size_t i = 0; i < ELEMENTSOF(cap_names); i++)
		if (!strcasecmp(n, cap_names[i]))
			return prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0) == 1;
	return -ENOENT;
}

/* "6.18.44-foo" or "5.8" -> {6, 18, 44}; -EINVAL if it does not start with N.N */
static int parse_kver(const char *s, uint64_t v[3])
{
	size_t i = 0;

	v[0] = v[1] = v[2] = 0;
	for (int k = 0; k < 3; k++) {
		size_t j = i;
		while (s[j] >= '0' && s[j] <= '9')
			j++;
		if (j == i || scl_parse_u64(s + i, j - i, 0xffff, &v[k]) < 0) {
			if (k >= 2)
				break;
			return -EINVAL;
		}
		i = j;
		if (s[i] != '.')
			break;
		i++;
	}
	return 0;
}

static int kver_cmp(const uint64_t a[3], const uint64_t b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static bool cond_has_arch(const scl_profile_cond *c, uint32_t arch)
{
	for (size_t i = 0; i < c->n_arches; i++) {
		const scl_arch_info *a = scl_pfmt_arch_lookup(c->arches[i]);
		if (a && a->token == arch)
			return true;
	}
	return false;
}

/*
 * Do the arch-independent conditions (caps, minKernel) let rule r apply?
 * why gets the reason when not; *quiet is set when that is only what the
 * profile asks for, not worth a warning: a Docker-style profile pairs each
 * capability-gated allow with the same names denied without the capability,
 * so one of the two never applies.
 */
static bool rule_env_applies(const scl_profile_rule *r, char *why, size_t whylen, bool *quiet)
{
	struct utsname u;
	uint64_t kv[3], mv[3];
	bool have_kv = uname(&u) == 0 && parse_kver(u.release, kv) == 0;

	*quiet = false;
	for (size_t i = 0; i < r->includes.n_caps; i++) {
		int h = cap_held(r->includes.caps[i]);
		if (h <= 0) {
			snprintf(why, whylen, "%s %s", r->includes.caps[i],
				 h < 0 ? "is not a capability we know" : "is not in the capability bounding set");
			*quiet = h == 0;
			return false;
		}
	}
	for (size_t i = 0; i < r->excludes.n_caps; i++) {
		int h = cap_held(r->excludes.caps[i]);
		if (h < 0) {
			snprintf(why, whylen, "%s is not a capability we know", r->excludes.caps[i]);
			return false;
		}
		if (h > 0) {
			snprintf(why, whylen, "excluded with %s, which is held", r->excludes.caps[i]);
			*quiet = true;
			return false;
		}
	}
	if (r->includes.min_kernel) {
		if (!have_kv || parse_kver(r->includes.min_kernel, mv) < 0) {
			snprintf(why, whylen, "cannot compare minKernel %s with the running kernel", r->includes.min_kernel);
			return false;
		}
		if (kver_cmp(kv, mv) < 0) {
			snprintf(why, whylen, "needs kernel %s", r->includes.min_kernel);
			return false;
		}
	}
	if (r->excludes.min_kernel) {
		if (!have_kv || parse_kver(r->excludes.min_kernel, mv) < 0) {
			snprintf(why, whylen, "cannot compare excludes.minKernel %s with the running kernel",
				 r->excludes.min_kernel);
			return false;
		}
		if (kver_cmp(kv, mv) >= 0) {
			snprintf(why, whylen, "excluded from kernel %s on", r->excludes.min_kernel);
			return false;
		}
	}
	return true;
}

static int add_other_rule(struct build *b, scmp_filter_ctx c, uint32_t arch, const scl_profile_rule *r,
			  size_t ri)
{
	struct scmp_arg_cmp args[SCL_MAX_ARG_INDEX + 1];
	unsigned per_index[SCL_MAX_ARG_INDEX + 1] = { 0 };
	bool split = false;
	uint32_t act;
	char label[128];
	int e;

	scl_pfmt_rule_label(r, label, sizeof(label));
	if (r->includes.n_arches && !cond_has_arch(&r->includes, arch))
		return 0;
	if (r->excludes.n_arches && cond_has_arch(&r->excludes, arch))
		return 0;
	e = to_scmp_action(r->action, r->has_errno_ret ? r->errno_ret : EPERM, &act);
	if (e < 0)
		return e;
	if (r->n_args > SCL_MAX_ARG_INDEX + 1) {
		split = true;
	} else {
		for (size_t i = 0; i < r->n_args; i++)
			if (r->args[i].index <= SCL_MAX_ARG_INDEX && ++per_index[r->args[i].index] > 1)
				split = true;
	}
	for (size_t i = 0; i < r->n_args && i <= SCL_MAX_ARG_INDEX; i++)
		args[i] = (struct scmp_arg_cmp){
			.arg = r->args[i].index,
			.op = (enum scmp_compare)r->args[i].op,
			.datum_a = r->args[i].value,
			.datum_b = r->args[i].value_two,
		};
	b->st.other_rules++;
	for (size_t k = 0; k < r->n_names; k++) {
		if (!split) {
			e = add_name(b, c, arch, r->names[k], act, (unsigned)r->n_args, args);
		} else {
			e = 0;
			for (size_t i = 0; i < r->n_args && e >= 0; i++) {
				struct scmp_arg_cmp one = {
					.arg = r->args[i].index,
					.op = (enum scmp_compare)r->args[i].op,
					.datum_a = r->args[i].value,
					.datum_b = r->args[i].value_two,
				};
				e = add_name(b, c, arch, r->names[k], act, 1, &one);
			}
		}
		if (e < 0) {
			const scl_arch_info *a = scl_arch_by_token(arch);
			warnf(b, "rule %zu (%s): '%s' on %s refused by libseccomp: %s", ri, label, r->names[k],
			      a ? a->name : "?", strerror(-e));
		}
	}
	return 0;
}

static int compile(scl_filter *f)
{
	_cleanup_close_ int fd = memfd_create("scmplog-bpf", MFD_CLOEXEC);
	off_t size;
	ssize_t got;
	int r;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(f->ctx, fd);
	if (r < 0)
		return r;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) || size > 65536 * (off_t)sizeof(struct sock_filter))
		return -EINVAL;
	f->prog = malloc((size_t)size);
	if (!f->prog)
		return -ENOMEM;
	got = pread(fd, f->prog, (size_t)size, 0);
	if (got != size)
		return got < 0 ? -errno : -EIO;
	f->len = (size_t)size / sizeof(struct sock_filter);
	return 0;
}

/* Build one context per architecture with fill(), merge them, compile. */
typedef int (*fill_fn)(struct build *b, scmp_filter_ctx c, uint32_t arch, void *ud);

static int build_filter(struct build *b, const uint32_t *arches, size_t n, fill_fn fill, void *ud,
			unsigned flags, scl_filter **ret)
{
	scl_filter *f = calloc(1, sizeof(*f));
	int r = 0;

	if (!f)
		return -ENOMEM;
	f->flags = flags;
	for (size_t i = 0; i < n; i++) {
		scmp_filter_ctx c = NULL;

		r = arch_ctx(b, arches[i], &c);
		if (r < 0)
			goto fail;
		r = fill(b, c, arches[i], ud);
		if (r < 0) {
			seccomp_release(c);
			goto fail;
		}
		if (!f->ctx) {
			f->ctx = c;
		} else {
			r = seccomp_merge(f->ctx, c);
			if (r < 0) {
				seccomp_release(c);
				goto fail;
			}
		}
		b->st.arches++;
	}
	if (flags & SECCOMP_FILTER_FLAG_LOG)
		(void)seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_LOG, 1);
	r = compile(f);
	if (r < 0)
		goto fail;
	*ret = f;
	return 0;
fail:
	scl_filter_free(f);
	return r;
}

/* Native arch and its sub-architectures. */
static size_t native_arches(uint32_t out[4])
{
	uint32_t nat = scl_arch_native();
	const scl_arch_info *a = scl_arch_by_token(nat);
	size_t n = 0;

	out[n++] = nat;
	for (size_t i = 0; a && i < ELEMENTSOF(a->subarches) && a->subarches[i]; i++)
		out[n++] = a->subarches[i];
	return n;
}

struct allow_ctx {
	scl_profile_syscall *sc;
	size_t n;
	unsigned char *found;
	const scl_profile *p;
};

static int fill_log(struct build *b, scmp_filter_ctx c, uint32_t arch, void *ud)
{
	struct allow_ctx *a = ud;

	return a->sc ? add_allowed(b, c, arch, a->sc, a->n, a->found) : 0;
}

int scl_filter_new_log(const scl_profile *known, scl_filter **ret, scl_filter_stats *ret_stats)
{
	struct build b = { .def_act = SCMP_ACT_LOG };
	struct allow_ctx a = { 0 };
	uint32_t arches[4];
	size_t n = native_arches(arches);
	scl_filter *f = NULL;
	int r;

	if (known) {
		r = scl_profile_syscalls(known, &a.sc, &a.n);
		if (r < 0)
			return r;
		a.found = calloc(a.n + 1, 1);
		if (!a.found) {
			free(a.sc);
			return -ENOMEM;
		}
	}
	r = build_filter(&b, arches, n, fill_log, &a, 0, &f);
	for (size_t i = 0; r == 0 && i < a.n; i++)
		if (a.found[i] == 1)
			b.st.unknown++;
	free(a.sc);
	free(a.found);
	if (r < 0)
		return r;
	if (ret_stats)
		*ret_stats = b.st;
	*ret = f;
	return 0;
}

static int fill_profile(struct build *b, scmp_filter_ctx c, uint32_t arch, void *ud)
{
	struct allow_ctx *a = ud;
	size_t nr = scl_profile_rule_count(a->p);
	int r;

	r = add_allowed(b, c, arch, a->sc, a->n, a->found);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nr; i++) {
		r = add_other_rule(b, c, arch, scl_profile_rule_at(a->p, i), i);
		if (r < 0)
			return r;
	}
	return 0;
}

int scl_filter_new_profile(const scl_profile *p, bool log_denied, scl_filter **ret,
			   scl_filter_stats *ret_stats, char ***ret_warnings)
{
	struct build b = { .want_warn = ret_warnings != NULL };
	struct allow_ctx a = { .p = p };
	_cleanup_free_ uint32_t *arches = NULL;
	uint32_t nat[4];
	size_t n = 0, nr = scl_profile_rule_count(p);
	_cleanup_free_ bool *env_ok = NULL;
	scl_filter *f = NULL;
	bool has_native = false;
	int r;

	r = to_scmp_action(scl_profile_default_action(p), scl_profile_default_errno(p), &b.def_act);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nr; i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(p, i);
		uint32_t act;
		if (to_scmp_action(rule->action, 0, &act) == -EOPNOTSUPP)
			return -EOPNOTSUPP;
	}
	r = scl_profile_arches(p, &arches, &n);
	if (r < 0)
		return r;
	if (n == 0) {
		free(arches);
		n = native_arches(nat);
		arches = malloc(n * sizeof(*arches));
		if (!arches)
			return -ENOMEM;
		memcpy(arches, nat, n * sizeof(*arches));
	}
	/*
	 * Only the arches this kernel can report: the native one and its
	 * sub-architectures.  A Docker or containers/common profile lists every
	 * machine's in its archMap and the runtimes take the native entry;
	 * libseccomp could not merge the others anyway (mips, s390x: another
	 * byte order, -EDOM).
	 */
	{
		size_t nn = native_arches(nat), k = 0;

		for (size_t i = 0; i < n; i++) {
			bool here = false;

			for (size_t j = 0; j < nn; j++)
				here = here || arches[i] == nat[j];
			if (here)
				arches[k++] = arches[i];
			if (arches[i] == scl_arch_native())
				has_native = true;
		}
		n = k;
	}
	if (!has_native)
		return -EAFNOSUPPORT;

	/* Conditions that do not depend on the arch: decided once, warned once. */
	env_ok = calloc(nr + 1, sizeof(bool));
	if (!env_ok)
		return -ENOMEM;
	r = scl_profile_syscalls(p, &a.sc, &a.n);
	if (r < 0)
		goto out;
	a.found = calloc(a.n + 1, 1);
	if (!a.found) {
		r = -ENOMEM;
		goto out;
	}
	{
		/* Profile with rules whose environment conditions fail: build without them. */
		_cleanup_(scl_profile_freep) scl_profile *q = NULL;

		r = scl_profile_new(&q);
		if (r < 0)
			goto out;
		for (size_t i = 0; i < nr; i++) {
			const scl_profile_rule *rule = scl_profile_rule_at(p, i);
			char why[256], label[128];
			bool quiet;

			if (rule_env_applies(rule, why, sizeof(why), &quiet)) {
				r = scl_profile_add_rule(q, rule);
				if (r < 0)
					goto out;
				continue;
			}
			b.st.other_skipped++;
			if (quiet)
				continue;
			scl_pfmt_rule_label(rule, label, sizeof(label));
			warnf(&b, "rule %zu (%s) not applied: %s", i, label, why);
		}
		a.p = q;
		r = build_filter(&b, arches, n, fill_profile, &a, log_denied ? SECCOMP_FILTER_FLAG_LOG : 0, &f);
		a.p = p;
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < a.n; i++)
		if (a.found[i] == 1) {
			b.st.unknown++;
			warnf(&b, "syscall '%s' is unknown to libseccomp on every architecture of the filter, not allowed",
			      a.sc[i].name);
		}
	if (ret_warnings) {
		r = scl_pfmt_strv_take(&b.warn, ret_warnings);
		if (r < 0) {
			scl_filter_free(f);
			goto out;
		}
	}
	if (ret_stats)
		*ret_stats = b.st;
	*ret = f;
	r = 0;
out:
	scl_pfmt_strv_done(&b.warn);
	free(a.sc);
	free(a.found);
	return r;
}

int scl_filter_export_pfc(const scl_filter *f, int fd)
{
	return seccomp_export_pfc(f->ctx, fd);
}

size_t scl_filter_bpf_len(const scl_filter *f)
{
	return f->len;
}

static int install(const scl_filter *f, unsigned flags)
{
	struct sock_fprog prog = { .len = (unsigned short)f->len, .filter = f->prog };
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags | flags, &prog);
	if (r < 0)
		return -errno;
	/* TSYNC: a positive return is a thread that could not take the filter */
	return r > 0 ? -ESRCH : 0;
}

int scl_filter_install(const scl_filter *f)
{
	return install(f, 0);
}

int scl_filter_install_all_threads(const scl_filter *f)
{
	return install(f, SECCOMP_FILTER_FLAG_TSYNC);
}
