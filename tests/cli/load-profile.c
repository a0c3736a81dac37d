/*
 * load-profile: load OCI seccomp profiles the way their consumers do, to
 * prove that a profile scmplog wrote is one they accept.
 *
 *   load-profile [-q] [--if-oci] FILE...
 *
 * For each FILE (OCI/Docker JSON): seccomp_init() with defaultAction
 * (defaultErrnoRet), seccomp_arch_add() for every "architectures" entry (an
 * "archMap" is narrowed to this machine's entry, as Docker does), then
 * every syscalls[] rule as runc 1.1.5 adds it (libcontainer/seccomp/
 * seccomp_linux.go: a rule with the default action is skipped, a name
 * libseccomp cannot resolve on the native arch is skipped, conditions on
 * one argument index twice become one rule per condition), after Docker's
 * resolution of includes/excludes (arches against this machine's, caps as
 * if none were granted); then the filter is loaded into the kernel in a
 * child process, so its BPF program is checked too (length, validity).  A
 * profile that lists only architectures of the other byte order is for
 * another machine: it is built as there (without this machine's
 * architecture) but not loaded.
 * seccomp_arch_add() fails with EDOM for an architecture of the other byte
 * order (libseccomp's db_col_db_add()): the failure this helper exists for.
 *
 * Exit status: 0 every FILE loads; 1 one does not (each failure printed as
 * "load-profile: FILE: what"); 2 usage.  -q: no line per loaded FILE;
 * --if-oci: a FILE that is not an OCI profile (no JSON object with a string
 * defaultAction: a SeccompProfile, statistics, diff output) is passed over.
 */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *file;

static int failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int failf(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "load-profile: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static json_object *key(json_object *o, const char *k)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, k, &v))
		return NULL;
	return json_object_is_type(v, json_type_null) ? NULL : v;
}

/* "SCMP_ARCH_X86_64" -> libseccomp token; 0 if unknown. */
static uint32_t arch_token(const char *name)
{
	char buf[64];
	size_t n = 0;

	if (strncmp(name, "SCMP_ARCH_", 10) != 0)
		return 0;
	for (const char *s = name + 10; *s && n + 1 < sizeof(buf); s++)
		buf[n++] = (char)tolower((unsigned char)*s);
	buf[n] = '\0';
	return seccomp_arch_resolve_name(buf);
}

/* Docker's name for this machine (goruntime.GOARCH), for includes/excludes arches. */
static const char *go_arch(void)
{
	switch (seccomp_arch_native()) {
	case SCMP_ARCH_X86_64: return "amd64";
	case SCMP_ARCH_X86: return "386";
	case SCMP_ARCH_AARCH64: return "arm64";
	case SCMP_ARCH_ARM: return "arm";
	case SCMP_ARCH_PPC64LE: return "ppc64le";
	case SCMP_ARCH_S390X: return "s390x";
	case SCMP_ARCH_RISCV64: return "riscv64";
	default: return "";
	}
}

static bool action_of(const char *s, json_object *errno_ret, uint32_t def_errno, uint32_t *ret)
{
	uint32_t e = errno_ret ? (uint32_t)json_object_get_int(errno_ret) : def_errno;

	if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		*ret = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		*ret = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		*ret = SCMP_ACT_TRAP;
	else if (!strcmp(s, "SCMP_ACT_ERRNO"))
		*ret = SCMP_ACT_ERRNO(e);
	else if (!strcmp(s, "SCMP_ACT_TRACE"))
		*ret = SCMP_ACT_TRACE(e);
	else if (!strcmp(s, "SCMP_ACT_ALLOW"))
		*ret = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		*ret = SCMP_ACT_LOG;
	else if (!strcmp(s, "SCMP_ACT_NOTIFY"))
		*ret = SCMP_ACT_NOTIFY;
	else
		return false;
	return true;
}

static bool str_in(json_object *arr, const char *s)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s))
			return true;
	return false;
}

/* Docker's includes/excludes: does the rule apply here, with no extra capability? */
static bool applies(json_object *rule)
{
	json_object *inc = key(rule, "includes"), *exc = key(rule, "excludes");
	json_object *ia = key(inc, "arches"), *ea = key(exc, "arches"), *ic = key(inc, "caps");

	if (ea && json_object_array_length(ea) && str_in(ea, go_arch()))
		return false;
	if (ia && json_object_array_length(ia) && !str_in(ia, go_arch()))
		return false;
	return !(ic && json_object_array_length(ic));
}

static int op_of(const char *s, enum scmp_compare *ret)
{
	static const struct {
		const char *n;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i].n, s)) {
			*ret = ops[i].op;
			return 0;
		}
	return -1;
}

static int add_rule(scmp_filter_ctx ctx, json_object *rule, size_t ri, uint32_t def, uint32_t def_errno)
{
	json_object *names = key(rule, "names"), *name = key(rule, "name"), *act = key(rule, "action");
	json_object *args = key(rule, "args");
	struct scmp_arg_cmp cmp[6];
	unsigned n_cmp = 0, seen = 0;
	bool split = false;
	uint32_t a;

	if (!act || !action_of(json_object_get_string(act), key(rule, "errnoRet"), def_errno, &a))
		return failf("syscalls[%zu]: bad action", ri);
	if (!applies(rule) || a == def)
		return 0;
	for (size_t k = 0; args && k < json_object_array_length(args); k++) {
		json_object *c = json_object_array_get_idx(args, k);
		json_object *idx = key(c, "index"), *op = key(c, "op");
		enum scmp_compare o;

		if (!idx || !op || op_of(json_object_get_string(op), &o) < 0 || n_cmp >= 6)
			return failf("syscalls[%zu].args[%zu]: bad condition", ri, k);
		cmp[n_cmp] = (struct scmp_arg_cmp){ .arg = (unsigned)json_object_get_int(idx), .op = o,
						     .datum_a = (uint64_t)json_object_get_int64(key(c, "value")),
						     .datum_b = (uint64_t)json_object_get_int64(key(c, "valueTwo")) };
		if (cmp[n_cmp].arg > 5)
			return failf("syscalls[%zu].args[%zu]: index over 5", ri, k);
		if (seen & (1U << cmp[n_cmp].arg))
			split = true;
		seen |= 1U << cmp[n_cmp].arg;
		n_cmp++;
	}
	for (size_t i = 0; i < (names ? json_object_array_length(names) : name ? 1 : 0); i++) {
		const char *s = json_object_get_string(names ? json_object_array_get_idx(names, i) : name);
		int nr = seccomp_syscall_resolve_name(s), r = 0;

		if (nr == __NR_SCMP_ERROR)
			continue; /* runc: a syscall this libseccomp does not know is not supported here */
		if (!split) {
			r = seccomp_rule_add_array(ctx, a, nr, n_cmp, n_cmp ? cmp : NULL);
		} else {
			for (unsigned k = 0; k < n_cmp && r == 0; k++)
				r = seccomp_rule_add_array(ctx, a, nr, 1, &cmp[k]);
		}
		if (r < 0)
			return failf("syscalls[%zu]: error adding seccomp filter rule for syscall %s: %s", ri, s,
				     strerror(-r));
	}
	return 0;
}

static int add_arch(scmp_filter_ctx ctx, const char *name, const char *where)
{
	uint32_t t = arch_token(name);
	int r;

	if (!t)
		return failf("%s: \"%s\" is not an architecture libseccomp knows", where, name);
	r = seccomp_arch_add(ctx, t);
	if (r < 0 && r != -EEXIST)
		return failf("%s: error adding architecture %s to seccomp filter: %s", where, name, strerror(-r));
	return 0;
}

/* The seccomp mode of a process (/proc/PID/status "Seccomp:"), -1 if unreadable. */
static int seccomp_mode(pid_t pid)
{
	char path[64], line[256];
	int mode = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp:", 8)) {
			mode = (int)strtol(line + 8, NULL, 10);
			break;
		}
	fclose(f);
	return mode;
}

/*
 * Load into the kernel, in a child: the filter confines whoever loads it.  A
 * failed load exits with the errno.  A loaded filter may deny everything,
 * exit_group() included (glibc's _exit() then faults, ASan's loops), so the
 * child does not report: the parent sees the filter in its
 * /proc/PID/status (Seccomp: 2), or its death by the filter's signal, and
 * kills it.
 */
static int load_in_child(scmp_filter_ctx ctx)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return failf("fork: %s", strerror(errno));
	if (pid == 0) {
		int r = seccomp_load(ctx);

		if (r < 0)
			_exit(-r);
		for (;;)
			pause();
	}
	for (int i = 0; i < 30000; i++) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid) {
			if (WIFEXITED(st) && WEXITSTATUS(st))
				return failf("seccomp_load: %s", strerror(WEXITSTATUS(st)));
			return 0; /* killed by the loaded filter */
		}
		if (w < 0)
			return failf("waitpid: %s", strerror(errno));
		if (seccomp_mode(pid) == 2) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return 0;
		}
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return failf("the loading child neither loaded the filter nor failed in 30 s");
}

/* Byte order of an architecture token: AUDIT_ARCH_* carry __AUDIT_ARCH_LE. */
static bool little_endian(uint32_t token)
{
	return token & 0x40000000U;
}

static int load(json_object *root, size_t *ret_arches, size_t *ret_rules)
{
	json_object *da = key(root, "defaultAction"), *archs = key(root, "architectures");
	json_object *map = key(root, "archMap"), *sc = key(root, "syscalls"), *de = key(root, "defaultErrnoRet");
	uint32_t def, def_errno = de ? (uint32_t)json_object_get_int(de) : 1;
	scmp_filter_ctx ctx;
	char where[64];
	bool foreign = false;
	int r = 0;

	if (!da || !json_object_is_type(da, json_type_string) ||
	    !action_of(json_object_get_string(da), de, def_errno, &def))
		return failf("no valid defaultAction: not an OCI profile");
	ctx = seccomp_init(def);
	if (!ctx)
		return failf("seccomp_init failed");
	/*
	 * A profile for a machine of the other byte order (every listed
	 * architecture is): load it as that machine's runtime would, without
	 * this machine's architecture, and not into this kernel.
	 */
	for (size_t i = 0; archs && i < json_object_array_length(archs); i++) {
		uint32_t t = arch_token(json_object_get_string(json_object_array_get_idx(archs, i)));

		if (t && little_endian(t) == little_endian(seccomp_arch_native()))
			foreign = false;
		else if (t && i == 0)
			foreign = true;
	}
	if (foreign && seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0) {
		seccomp_release(ctx);
		return failf("seccomp_arch_remove failed");
	}
	*ret_arches = 0;
	for (size_t i = 0; r == 0 && archs && i < json_object_array_length(archs); i++) {
		snprintf(where, sizeof(where), "architectures[%zu]", i);
		r = add_arch(ctx, json_object_get_string(json_object_array_get_idx(archs, i)), where);
		(*ret_arches)++;
	}
	for (size_t i = 0; r == 0 && map && i < json_object_array_length(map); i++) {
		json_object *e = json_object_array_get_idx(map, i), *subs = key(e, "subArchitectures");
		const char *a = json_object_get_string(key(e, "architecture"));

		if (!a || arch_token(a) != seccomp_arch_native())
			continue;
		snprintf(where, sizeof(where), "archMap[%zu]", i);
		r = add_arch(ctx, a, where);
		for (size_t k = 0; r == 0 && subs && k < json_object_array_length(subs); k++)
			r = add_arch(ctx, json_object_get_string(json_object_array_get_idx(subs, k)), where);
		(*ret_arches) += 1 + (subs ? json_object_array_length(subs) : 0);
	}
	*ret_rules = sc ? json_object_array_length(sc) : 0;
	for (size_t i = 0; r == 0 && i < *ret_rules; i++)
		r = add_rule(ctx, json_object_array_get_idx(sc, i), i, def, def_errno);
	if (r == 0 && !foreign)
		r = load_in_child(ctx);
	seccomp_release(ctx);
	return r;
}

int main(int argc, char **argv)
{
	bool quiet = false, if_oci = false;
	int rc = 0, i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-q"))
			quiet = true;
		else if (!strcmp(argv[i], "--if-oci"))
			if_oci = true;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: load-profile [-q] [--if-oci] FILE...\n");
		return 2;
	}
	for (; i < argc; i++) {
		json_object *root;
		size_t na = 0, nr = 0;

		file = argv[i];
		root = json_object_from_file(file);
		if (!root && if_oci)
			continue;
		if (!root) {
			failf("cannot read JSON: %s", json_util_get_last_err());
			rc = 1;
			continue;
		}
		if (if_oci && (!json_object_is_type(root, json_type_object) ||
			       !json_object_is_type(key(root, "defaultAction"), json_type_string))) {
			json_object_put(root);
			continue;
		}
		if (load(root, &na, &nr) < 0)
			rc = 1;
		else if (!quiet)
			printf("loaded %s (%zu architecture%s, %zu rule%s)\n", file, na, na == 1 ? "" : "s", nr,
			       nr == 1 ? "" : "s");
		json_object_put(root);
	}
	return rc;
}
