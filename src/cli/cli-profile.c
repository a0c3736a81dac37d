/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli-learn.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "lib/util.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/arch.h"
#include "scmplog/outdir.h"
#include "scmplog/output.h"
#include "scmplog/portable.h"
#include "scmplog/runtime.h"

void cli_profile_out_init(struct cli_profile_out *o)
{
	memset(o, 0, sizeof(*o));
	o->format = SCL_FORMAT_OCI;
}

void cli_profile_out_free(struct cli_profile_out *o)
{
	/* Nothing owned today; keeps callers correct if that changes. */
	(void)o;
}

static int parse_action(const char *arg, uint32_t *ret)
{
	char buf[64];
	size_t n = 0;

	if (strncasecmp(arg, "SCMP_ACT_", 9) != 0) {
		memcpy(buf, "SCMP_ACT_", 9);
		n = 9;
	}
	for (const char *s = arg; *s; s++) {
		if (n + 1 >= sizeof(buf))
			return -EINVAL;
		buf[n++] = (*s >= 'a' && *s <= 'z') ? (char)(*s - 'a' + 'A') : *s;
	}
	return scl_profile_action_parse(buf, n, ret);
}

static int parse_errno(const char *arg, uint32_t *ret)
{
	uint64_t v;

	if (scl_parse_u64_str(arg, 4095, &v) == 0) {
		if (v == 0)
			return -EINVAL;
		*ret = (uint32_t)v;
		return 0;
	}
	for (int e = 1; e <= 4095; e++) {
		const char *name = strerrorname_np(e);
		if (name && !strcmp(name, arg)) {
			*ret = (uint32_t)e;
			return 0;
		}
	}
	return -EINVAL;
}

/* One of cli-profile.h's output options: 1 consumed, 0 not ours, -1 after logging a usage error. */
static int cli_profile_out_option(struct cli_profile_out *o, int opt, const char *arg)
{
	switch (opt) {
	case 'o':
		o->output = arg;
		return 1;
	case 'f':
		if (scl_format_parse(arg, &o->format) < 0) {
			log_error("invalid --format '%s': expected oci, k8s or systemd", arg);
			return -1;
		}
		return 1;
	case CLI_OPT_PROFILE_NAME:
		if (!arg[0]) {
			log_error("--name must not be empty");
			return -1;
		}
		o->name = arg;
		return 1;
	case CLI_OPT_PROFILE_NAMESPACE:
		/* Written before v0.9.0 made the object cluster-scoped: refused, not dropped in silence. */
		log_error("--namespace: a SeccompProfile has no namespace (cluster-scoped since "
			  "security-profiles-operator v0.9.0); to keep profiles of several namespaces "
			  "apart, put it in --name (--name %s-NAME)", arg);
		return -1;
	case CLI_OPT_PROFILE_K8S_API:
		if (!strcmp(arg, "v1")) {
			o->v1beta1 = false;
		} else if (!strcmp(arg, "v1beta1")) {
			o->v1beta1 = true;
		} else {
			log_error("invalid --k8s-api '%s': expected v1 or v1beta1", arg);
			return -1;
		}
		return 1;
	case CLI_OPT_PROFILE_DEFAULT_ACTION:
		if (parse_action(arg, &o->action) < 0) {
			log_error("invalid --default-action '%s': expected SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, "
				  "SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_LOG, SCMP_ACT_TRACE or SCMP_ACT_ALLOW",
				  arg);
			return -1;
		}
		if (o->action == SCL_ACT_USER_NOTIF) {
			log_error("SCMP_ACT_NOTIFY cannot be the default action");
			return -1;
		}
		o->has_action = true;
		break;
	case CLI_OPT_PROFILE_ERRNO:
		if (parse_errno(arg, &o->errno_ret) < 0) {
			log_error("invalid --errno '%s': expected 1..4095 or a name such as EPERM", arg);
			return -1;
		}
		o->has_errno = true;
		break;
	case CLI_OPT_PROFILE_PORTABLE:
		o->portable = true;
		return 1;
	case CLI_OPT_PROFILE_RUNTIME:
		o->runtime = scl_runtime_by_id(arg);
		if (!o->runtime) {
			log_error("invalid --runtime '%s': expected runc, docker or crun", arg);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
	if (o->has_action && o->has_errno && o->action != SCL_ACT_ERRNO) {
		log_error("--errno only applies to --default-action SCMP_ACT_ERRNO");
		return -1;
	}
	return 1;
}

int cli_arch_list_cb(const struct cli_option *opt, const char *arg)
{
	struct cli_arch_list *l = opt->value;
	const scl_arch_info *a = scl_arch_by_name(arg);
	uint32_t *t;

	if (!a) {
		log_error("unknown architecture '%s'", arg);
		return -1;
	}
	t = reallocarray(l->tokens, l->n + 1, sizeof(*t));
	if (!t) {
		log_error("out of memory");
		return -1;
	}
	t[l->n++] = a->token;
	l->tokens = t;
	return 0;
}

int cli_profile_out_cb(const struct cli_option *opt, const char *arg)
{
	return cli_profile_out_option(opt->value, opt->id, arg) < 0 ? -1 : 0;
}

static const char *role_text(scl_portable_role role)
{
	switch (role) {
	case SCL_PORTABLE_ALT:
		return "alternative to";
	case SCL_PORTABLE_FALLBACK:
		return "fallback of";
	default:
		return "with";
	}
}

static int portable(const struct cli_profile_out *o, scl_profile *p)
{
	_cleanup_free_ scl_portable_change *v = NULL;
	size_t n = 0, n_allow = 0;
	char label[256] = "";
	int r;

	r = scl_portable_apply(p, &v, &n);
	if (r < 0 || cli_quiet || o->portable_silent)
		return r;
	for (size_t i = 0; i < n; i++)
		n_allow += !v[i].enosys;
	if (o->label)
		snprintf(label, sizeof(label), "'%s': ", o->label);
	log_info("%s--portable: %zu syscall%s allowed, %zu answer%s ENOSYS (the families: profiles/README.md)", label,
		 n_allow, n_allow == 1 ? "" : "s", n - n_allow, n - n_allow == 1 ? "s" : "");
	for (size_t i = 0; i < n; i++) {
		const scl_portable_change *c = &v[i];

		if (c->enosys)
			log_info("  ENOSYS %s (Linux %s; %s seen): EPERM would stop the fallback of its callers; %s",
				 c->name, c->member->kernel, c->because, c->family->why);
		else
			log_info("  allow %s (%s %s): %s", c->name, role_text(c->member->role), c->because,
				 c->family->why);
	}
	return 0;
}

static int runtime(const struct cli_profile_out *o, scl_profile *p)
{
	_cleanup_free_ scl_runtime_change *v = NULL;
	const scl_runtime *rt = o->runtime;
	size_t n = 0;
	char label[256] = "";
	int r;

	r = scl_runtime_apply(p, rt, &v, &n);
	if (r < 0 || cli_quiet || o->portable_silent)
		return r;
	if (o->label)
		snprintf(label, sizeof(label), "'%s': ", o->label);
	log_info("%s--runtime %s: %zu syscall%s allowed: %s (the baseline: profiles/README.md)", label, rt->id, n,
		 n == 1 ? "" : "s", rt->what);
	if (!rt->tested && n > 0)
		log_warn("%s--runtime %s: untested: read in the runtime's source, never run here", label, rt->id);
	for (size_t i = 0; i < n; i++)
		log_info("  allow %s (%s%s): %s; %s", v[i].syscall->name, v[i].part->id,
			 v[i].syscall->seen ? ", seen" : "", v[i].syscall->why, v[i].syscall->where);
	return 0;
}

int cli_profile_finish(const struct cli_profile_out *o, scl_profile *p, const uint32_t *arches,
		       size_t n_arches)
{
	int r;

	if (o->has_action || o->has_errno) {
		uint32_t action = o->has_action ? o->action : SCL_ACT_ERRNO;
		uint32_t e = o->has_errno ? o->errno_ret : 1;

		if (!o->has_errno && scl_profile_default_action(p) == SCL_ACT_ERRNO)
			e = scl_profile_default_errno(p);
		r = scl_profile_set_default_action(p, action, e);
		if (r < 0)
			return r;
	}
	if (n_arches > 0) {
		scl_profile_clear_arches(p);
		for (size_t i = 0; i < n_arches; i++) {
			r = scl_profile_add_arch(p, arches[i]);
			if (r < 0)
				return r;
		}
	}
	if (o->runtime) {
		r = runtime(o, p);
		if (r < 0)
			return r;
	}
	if (o->portable)
		return portable(o, p);
	return 0;
}

int cli_profile_build_failed(int r)
{
	if (r == -ENOMEM)
		log_error("out of memory");
	else
		log_error("cannot build profile: %s", strerror(-r));
	return EXIT_RUNTIME;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

static const char *display(const char *path)
{
	return !strcmp(path, "-") ? "stdin" : path;
}

int cli_profile_read(const char *path, scl_profile **ret)
{
	return cli_profile_read_notes(path, ret, true);
}

int cli_profile_read_notes(const char *path, scl_profile **ret, bool kept_notes)
{
	_cleanup_(scl_strv_freep) char **w = NULL;
	char err[512] = "";
	int r;

	if (!strcmp(path, "-"))
		r = scl_profile_read_oci_fd(STDIN_FILENO, ret, &w, err, sizeof(err));
	else
		r = scl_profile_read_oci_file(path, ret, &w, err, sizeof(err));
	if (r < 0) {
		log_error("cannot read profile '%s': %s", display(path), err[0] ? err : strerror(-r));
		return r;
	}
	for (char **s = w; !cli_quiet && s && *s; s++)
		if (kept_notes || !ends_with(*s, " kept as-is"))
			log_warn("'%s': %s", display(path), *s);
	return 0;
}

/* The library's write options of o's format, with k8s_name as metadata.name (NULL: the default). */
static void cli_profile_write_options(const struct cli_profile_out *o, const char *k8s_name, scl_profile_write_options *ret)
{
	*ret = (scl_profile_write_options){
		.k8s = {
			.name = k8s_name,
			.v1beta1 = o->v1beta1,
			.coverage_annotation = o->coverage_annotation,
		},
	};
}

struct write_ctx {
	const struct cli_profile_out *o;
	const scl_profile *p;
	const char *k8s_name;
};

static int write_cb(FILE *f, void *userdata)
{
	const struct write_ctx *c = userdata;
	scl_profile_write_options w;

	cli_profile_write_options(c->o, c->k8s_name, &w);
	return scl_profile_write(c->p, c->o->format, &w, f);
}

/* Say what the format loses; returns -ENOMEM only. */
static int report_losses(const struct cli_profile_out *o, const scl_profile *p)
{
	_cleanup_(scl_strv_freep) char **w = NULL;
	int r;

	r = scl_profile_format_losses(p, o->format, &w);
	if (r < 0)
		return r;
	for (char **s = w; !cli_quiet && *s; s++)
		log_warn("%s format: %s", scl_format_name(o->format), *s);
	/*
	 * runc 1.1.5 (Debian 12's, under its Docker too) does not know the name
	 * SCMP_ARCH_RISCV64: "not a valid arch for seccomp", the whole profile
	 * refused (tests/live/test-docker-flow.sh); nor SCMP_ARCH_LOONGARCH64,
	 * which libseccomp knows from 2.5.5 on (Debian 12 has 2.5.4).  Alone in
	 * a profile, either is its own machine's, whose runtime must know it.
	 */
	static const struct { uint32_t arch; const char *name, *why; } young[] = {
		{ SCL_ARCH_RISCV64, "riscv64", "runc 1.1.5 (Debian 12's, also under its Docker) refuses it "
						 "(\"not a valid arch for seccomp\")" },
		{ SCL_ARCH_LOONGARCH64, "loongarch64", "libseccomp before 2.5.5 (Debian 12's 2.5.4) and runc 1.1.5 "
							 "do not know it" },
	};
	for (size_t i = 0; i < sizeof(young) / sizeof(young[0]); i++)
		if (o->format != SCL_FORMAT_SYSTEMD && scl_profile_has_arch(p, young[i].arch) &&
		    scl_profile_arch_count(p) > 1)
			log_warn("the profile lists %s beside other architectures: %s; a %s profile of its own "
				 "(build --split-by arch) is a %s machine's",
				 young[i].name, young[i].why, young[i].name, young[i].name);
	return 0;
}

static void write_error(const struct cli_profile_out *o, const char *what, int r)
{
	if (r == -EOPNOTSUPP)
		log_error("cannot write %s: the profile cannot be expressed in %s format%s", what,
			  scl_format_name(o->format), cli_quiet ? "" : " (see the warnings above)");
	else if (r == -ELOOP)
		log_error("cannot write %s: it is a symbolic link, refusing to replace it", what);
	else if (r == -EINVAL)
		log_error("cannot write %s: not a regular file", what);
	else
		log_error("cannot write %s: %s", what, strerror(-r));
}

/* metadata.name from the output file: its base name without extension. */
static char *name_from_path(const char *path)
{
	const char *base, *dot;

	if (!path || !strcmp(path, "-"))
		return NULL;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	return strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

static bool to_stdout(const char *path)
{
	return !path || !strcmp(path, "-");
}

static void profile_what(const struct cli_profile_out *o, char *what, size_t n)
{
	snprintf(what, n, "profile '%s'", o->output);
}

static int write_profile_stdout(const struct cli_profile_out *o, struct write_ctx *c)
{
	int r = write_cb(stdout, c);

	if (r >= 0)
		r = cli_finish_stdout();
	if (r < 0)
		write_error(o, "to stdout", r);
	return r;
}

/* The profile written in full beside o->output, not yet in place. */
static int prepare_profile(const struct cli_profile_out *o, struct write_ctx *c, scl_atomic_file *ret)
{
	char what[4200];
	int r = scl_write_prepare_path(o->output, write_cb, c, 0644, ret);

	if (r < 0) {
		profile_what(o, what, sizeof(what));
		write_error(o, what, r);
	}
	return r;
}

int cli_profile_write(const struct cli_profile_out *o, const scl_profile *p)
{
	return cli_profile_write_with_stats(o, p, NULL);
}

static int stats_cb(FILE *f, void *userdata)
{
	return scl_profile_write_stats(userdata, f);
}

static void stats_error(const char *path, int r)
{
	if (r == -ELOOP)
		log_error("cannot write statistics '%s': it is a symbolic link, refusing to replace it", path);
	else if (r == -EINVAL)
		log_error("cannot write statistics '%s': not a regular file", path);
	else
		log_error("cannot write statistics '%s': %s", path, strerror(-r));
}

static int write_stats_stdout(const scl_profile *p)
{
	int r = scl_profile_write_stats(p, stdout);

	if (r >= 0)
		r = cli_finish_stdout();
	if (r < 0)
		log_error("cannot write statistics to stdout: %s", strerror(-r));
	return r;
}

static int prepare_stats(const char *path, const scl_profile *p, scl_atomic_file *ret)
{
	/* The callback's userdata is not const; the writer does not modify the profile. */
	int r = scl_write_prepare_path(path, stats_cb, (void *)(uintptr_t)p, 0644, ret);

	if (r < 0)
		stats_error(path, r);
	return r;
}

int cli_profile_write_with_stats(const struct cli_profile_out *o, const scl_profile *p, const char *stats)
{
	_cleanup_free_ char *derived = NULL;
	struct write_ctx c = { .o = o, .p = p, .k8s_name = o->name };
	scl_atomic_file f[2] = { { .dirfd = -1 }, { .dirfd = -1 } };
	size_t nf = 0, failed = 0;
	char what[4200];
	int r;

	if (!c.k8s_name) {
		derived = name_from_path(o->output);
		c.k8s_name = derived;
	}
	if (report_losses(o, p) < 0) {
		log_error("out of memory");
		return -ENOMEM;
	}
	/* Files first, written in full; what goes to stdout is written before any file is put in place. */
	if (!to_stdout(o->output)) {
		r = prepare_profile(o, &c, &f[nf]);
		if (r < 0)
			return r;
		nf++;
	}
	if (stats && !to_stdout(stats)) {
		r = prepare_stats(stats, p, &f[nf]);
		if (r < 0)
			goto abort;
		nf++;
	}
	if (to_stdout(o->output)) {
		r = write_profile_stdout(o, &c);
		if (r < 0)
			goto abort;
	}
	if (stats && to_stdout(stats)) {
		r = write_stats_stdout(p);
		if (r < 0)
			goto abort;
	}
	if (nf == 0)
		return 0;
	r = scl_write_commit(f, nf, &failed);
	if (r < 0) {
		const scl_atomic_file *other = nf == 2 ? &f[1 - failed] : NULL;
		bool is_stats = stats && !to_stdout(stats) && failed == nf - 1;

		if (is_stats)
			stats_error(stats, r);
		else {
			profile_what(o, what, sizeof(what));
			write_error(o, what, r);
		}
		if (other)
			log_error("%s '%s' %s", is_stats ? "profile" : "statistics", is_stats ? o->output : stats,
				  other->in_place ? "was replaced all the same: its old content could not be put back"
						  : "left as it was too (both or neither)");
	}
	return r;
abort:
	while (nf-- > 0)
		scl_write_abort(&f[nf]);
	return r;
}

int cli_profile_write_outdir(const struct cli_profile_out *o, const struct scl_outdir *d, const char *base,
			     const scl_profile *p)
{
	scl_profile_write_options w;
	char what[4400];
	int r;

	if (report_losses(o, p) < 0) {
		log_error("out of memory");
		return -ENOMEM;
	}
	cli_profile_write_options(o, base, &w);
	r = scl_outdir_write(d, base, p, o->format, &w);
	if (r < 0) {
		snprintf(what, sizeof(what), "profile '%s/%s%s'", scl_outdir_path(d), base, scl_format_ext(o->format));
		write_error(o, what, r);
	}
	return r;
}

/* "x86_64, x86, x32" into buf. */
static void cli_arch_list(const uint32_t *v, size_t n, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < size; i++) {
		const scl_arch_info *a = scl_arch_by_token(v[i]);
		int k = snprintf(buf + off, size - off, "%s%s", i ? ", " : "", a ? a->name : "?");

		if (k < 0)
			break;
		off += (size_t)k;
	}
}

bool cli_profile_mixed(const scl_profile *p)
{
	bool le = false, be = false;

	for (size_t i = 0; i < scl_profile_arch_count(p); i++) {
		if (scl_arch_little_endian(scl_profile_arch_at(p, i)))
			le = true;
		else
			be = true;
	}
	return le && be;
}

int cli_profile_narrow(scl_profile *p, uint32_t target, const char *what, bool hint_arch)
{
	_cleanup_free_ uint32_t *removed = NULL, *kept = NULL;
	const scl_arch_info *t = scl_arch_by_token(target);
	bool had_map = scl_profile_has_arch_map(p);
	char rlist[512], klist[256];
	size_t n_removed = 0, n_kept = 0;
	uint32_t other = 0;

	if (scl_profile_narrow_arches(p, target, &removed, &n_removed) < 0 ||
	    scl_profile_arches(p, &kept, &n_kept) < 0) {
		log_error("out of memory");
		return -ENOMEM;
	}
	if (n_removed == 0)
		return 0;
	cli_arch_list(removed, n_removed, rlist, sizeof(rlist));
	cli_arch_list(kept, n_kept, klist, sizeof(klist));
	for (size_t i = 0; i < n_removed && !other; i++)
		if (scl_arch_little_endian(removed[i]) != scl_arch_little_endian(target))
			other = scl_arch_native_of(removed[i], 1);
	if (had_map) {
		if (!cli_quiet)
			log_info("%s: of its archMap, the entry for %s (%s), as Docker and Podman take it on %s; "
				 "left out: %s%s",
				 what, t->name, n_kept ? klist : "none: the runtime's native architecture", t->name,
				 rlist, hint_arch ? " (--arch ARCH for another machine's)" : "");
		return 0;
	}
	log_warn("%s: left out %s: a seccomp filter holds one byte order, and this profile is for %s (%s-endian)%s%s%s",
		 what, rlist, t->name, scl_arch_little_endian(target) ? "little" : "big",
		 hint_arch ? "; --arch " : "", hint_arch ? scl_arch_by_token(other ? other : removed[0])->name : "",
		 hint_arch ? " for theirs" : "");
	return 0;
}

int cli_profile_narrow_native(scl_profile *p, const char *path, bool mixed_only)
{
	uint32_t native = scl_arch_native();
	bool foreign = scl_profile_has_arch_map(p) || cli_profile_mixed(p);
	char what[4200];

	for (size_t i = 0; i < scl_profile_arch_count(p) && !foreign && !mixed_only; i++)
		foreign = scl_arch_little_endian(scl_profile_arch_at(p, i)) != scl_arch_little_endian(native);
	if (!foreign)
		return 0;
	snprintf(what, sizeof(what), "'%s'", display(path));
	return cli_profile_narrow(p, native, what, false);
}

/* Identity of a path: the file's, or, for one that does not exist, its directory's and its name. */
struct file_id {
	bool exists;
	dev_t dev;
	ino_t ino;
	const char *base;
};

static int file_id(const char *path, struct file_id *id)
{
	_cleanup_free_ char *dir = NULL;
	const char *slash;
	struct stat st;

	if (to_stdout(path) ? fstat(STDIN_FILENO, &st) == 0 : stat(path, &st) == 0) {
		*id = (struct file_id){ .exists = true, .dev = st.st_dev, .ino = st.st_ino };
		return 0;
	}
	if (to_stdout(path) || errno != ENOENT)
		return -errno;
	slash = strrchr(path, '/');
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return -ENOMEM;
	if (stat(dir, &st) < 0)
		return -errno;
	*id = (struct file_id){ .exists = false, .dev = st.st_dev, .ino = st.st_ino, .base = slash ? slash + 1 : path };
	return 0;
}

int cli_refuse_same_file(const char *out, const char *out_what, const char *in, const char *in_what)
{
	struct file_id a = { 0 }, b = { 0 };

	if (!out || !in || to_stdout(out) || file_id(out, &a) < 0 || file_id(in, &b) < 0)
		return 0;
	if (a.exists != b.exists || a.dev != b.dev || a.ino != b.ino)
		return 0;
	if (!a.exists && (!a.base || !b.base || strcmp(a.base, b.base)))
		return 0;
	if (to_stdout(in))
		log_error("%s '%s' is standard input, read as %s: refusing to replace it", out_what, out, in_what);
	else if (!strcmp(out, in))
		log_error("%s '%s' is also %s: refusing to replace it", out_what, out, in_what);
	else
		log_error("%s '%s' is the same file as %s '%s': refusing to replace it", out_what, out, in_what, in);
	return -EEXIST;
}

/*
 * build/run --merge P --stats S: S holds the counts of the runs that made P;
 * they become P's, so that this run's records and run add to them.  A
 * missing S starts the counting (P counts as one run).
 */
int cli_profile_read_base_stats(const char *path, scl_profile *base)
{
	_cleanup_(scl_profile_freep) scl_profile *st = NULL;
	char err[512] = "";
	int r;

	r = scl_profile_read_stats_file(path, &st, err, sizeof(err));
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		log_error("cannot read statistics '%s' (read back for --merge): %s", path, err[0] ? err : strerror(-r));
		return r;
	}
	if (scl_profile_set_stats_from(base, st) < 0) {
		log_error("out of memory");
		return -ENOMEM;
	}
	return 0;
}
