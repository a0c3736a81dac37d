/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/self-confine.h"
#include "scmplog/filter.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "lib/util.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SCL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCL_ASAN 1
#endif
#endif

/* profiles/scmplog-self.json, built in by the Makefile ($(BUILD)/gen/self-profile.c) */
extern const char scl_self_profile_json[];
extern const unsigned long scl_self_profile_json_len;

/* Syscalls the self-profile may never allow (NULL-terminated). */
static const char *const cli_confine_forbidden[] = {
	"execve", "execveat", "socket", "socketpair", "fork", "vfork",
	"ptrace", "process_vm_readv", "process_vm_writev", "bpf", "mount", "umount2",
	"move_mount", "fsopen", "fsmount", "open_tree", "pivot_root", "chroot", "setns",
	"unshare", "init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "open_by_handle_at", "setuid", "setgid", "setreuid",
	"setregid", "setresuid", "setresgid", "setgroups", "capset", "keyctl",
	"add_key", "request_key", "perf_event_open", "userfaultfd", "reboot",
	"swapon", "swapoff", "personality", "seccomp", "iopl", "ioperm",
	NULL,
};

static const char *const mode_names[] = {
	[CLI_CONFINE_ENFORCE] = "enforce",
	[CLI_CONFINE_LEARN] = "learn",
	[CLI_CONFINE_OFF] = "off",
};

/* Parse a mode name.  Returns 0 or -EINVAL. */
static int cli_confine_parse(const char *s, enum cli_confine_mode *ret)
{
	for (int m = CLI_CONFINE_ENFORCE; m <= CLI_CONFINE_OFF; m++)
		if (!strcasecmp(s, mode_names[m])) {
			*ret = (enum cli_confine_mode)m;
			return 0;
		}
	return -EINVAL;
}

/* 1: opt was a confinement option (consumed), 0: not ours, -1: bad value (reported). */
static int cli_confine_option(enum cli_confine_mode *mode, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_SELF_CONFINE:
		if (cli_confine_parse(arg, mode) < 0) {
			log_error("invalid --self-confine '%s': expected enforce, learn or off", arg);
			return -1;
		}
		return 1;
	case CLI_OPT_NO_SELF_CONFINE:
		*mode = CLI_CONFINE_OFF;
		return 1;
	default:
		return 0;
	}
}

int cli_confine_option_cb(const struct cli_option *opt, const char *arg)
{
	return cli_confine_option(opt->value, opt->id, arg) < 0 ? -1 : 0;
}

static int resolve_mode(enum cli_confine_mode *mode)
{
	const char *e;

	if (*mode != CLI_CONFINE_UNSET)
		return 0;
	e = getenv("SCMPLOG_SELF_CONFINE");
	if (e && *e) {
		if (cli_confine_parse(e, mode) < 0) {
			log_error("invalid SCMPLOG_SELF_CONFINE='%s' in the environment: expected enforce, learn or off", e);
			return -1;
		}
		return 0;
	}
#ifdef SCL_ASAN
	*mode = CLI_CONFINE_OFF;
	if (cli_verbose)
		log_info("self-confinement is off in this AddressSanitizer build (LeakSanitizer needs ptrace); "
			 "--self-confine enforce turns it on");
#else
	*mode = CLI_CONFINE_ENFORCE;
#endif
	return 0;
}

static int cap_last(void)
{
	int last = CAP_LAST_CAP;

	/* a newer kernel may know more: the bounding set answers EINVAL past the last */
	while (last < 63 && prctl(PR_CAPBSET_READ, (unsigned long)last + 1, 0, 0, 0) >= 0)
		last++;
	return last;
}

static int caps_get(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*perm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	*inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

static int caps_set(uint64_t keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

/* Drop every capability but keep (and those not held): bounding set, ambient, then the sets. */
static int drop_caps(uint64_t keep, const char *who)
{
	uint64_t eff = 0, perm = 0, inh = 0;
	int last = cap_last(), r;

	r = caps_get(&eff, &perm, &inh);
	if (r < 0) {
		log_error("%s: cannot read its capabilities (capget): %s", who, strerror(-r));
		return -1;
	}
	keep &= perm;
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (int c = 0; c <= last; c++) {
		if (keep & CLI_CAP(c))
			continue;
		if (prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) != 1)
			continue;
		/* without CAP_SETPCAP (not root) the bounding set stays; no_new_privs keeps it unused */
		if (prctl(PR_CAPBSET_DROP, (unsigned long)c, 0, 0, 0) < 0 && errno != EPERM) {
			log_error("%s: cannot drop capability %d from the bounding set: %m", who, c);
			return -1;
		}
	}
	r = caps_set(keep);
	if (r < 0) {
		log_error("%s: cannot drop its capabilities (capset): %s", who, strerror(-r));
		return -1;
	}
	r = caps_get(&eff, &perm, &inh);
	if (r < 0 || (perm & ~keep) || (eff & ~keep) || inh) {
		log_error("%s: capabilities were not dropped (permitted %#llx, wanted %#llx)", who,
			  (unsigned long long)perm, (unsigned long long)keep);
		return -1;
	}
	return 0;
}

static const char *cap_name(int c)
{
	switch (c) {
	case CAP_AUDIT_CONTROL: return "cap_audit_control";
	case CAP_AUDIT_READ: return "cap_audit_read";
	case CAP_AUDIT_WRITE: return "cap_audit_write";
	case CAP_DAC_OVERRIDE: return "cap_dac_override";
	case CAP_DAC_READ_SEARCH: return "cap_dac_read_search";
	case CAP_KILL: return "cap_kill";
	case CAP_SYSLOG: return "cap_syslog";
	case CAP_NET_ADMIN: return "cap_net_admin";
	default: return NULL;
	}
}

/* The built-in profile, checked; 1 with a filter, 0 if it has no rules for this architecture, -1. */
static int self_filter(const char *who, bool learn, scl_filter **ret)
{
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	char err[256] = "", **warn = NULL;
	scl_filter_stats st;
	uint32_t def;
	int r;

	r = scl_profile_read_oci(scl_self_profile_json, (size_t)scl_self_profile_json_len, &p, NULL, err,
				 sizeof(err));
	if (r < 0) {
		log_error("%s: the built-in self-profile (profiles/scmplog-self.json) cannot be read: %s", who,
			  err[0] ? err : strerror(-r));
		return -1;
	}
	for (size_t i = 0; cli_confine_forbidden[i]; i++)
		if (scl_profile_allows(p, cli_confine_forbidden[i])) {
			log_error("%s: the built-in self-profile allows %s, which scmplog may never do once confined; "
				  "fix profiles/scmplog-self.json",
				  who, cli_confine_forbidden[i]);
			return -1;
		}
	def = scl_profile_default_action(p);
	if (def == SCL_ACT_ALLOW || def == SCL_ACT_LOG || def == SCL_ACT_TRACE || def == SCL_ACT_USER_NOTIF) {
		log_error("%s: the built-in self-profile's default action does not deny", who);
		return -1;
	}
	if (learn) {
		/* complain mode: what the profile allows passes unlogged, the rest is logged */
		r = scl_filter_new_log(p, ret, &st);
		if (r < 0) {
			log_error("%s: cannot build the learning filter: %s", who, strerror(-r));
			return -1;
		}
		return 1;
	}
	r = scl_filter_new_profile(p, true, ret, &st, &warn);
	scl_strv_free(warn);
	if (r == -EAFNOSUPPORT)
		return 0;
	if (r < 0) {
		log_error("%s: cannot build its own seccomp filter: %s", who, strerror(-r));
		return -1;
	}
	return 1;
}

/* Every thread's comm (the netlink reader's is its own). */
static void name_threads(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;

	(void)prctl(PR_SET_NAME, name, 0, 0, 0);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[300];
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		(void)!write(fd, name, strlen(name));
		close(fd);
	}
	closedir(d);
}

int cli_confine(enum cli_confine_mode mode, const char *who, uint64_t keep_caps, int out_dirfd)
{
	_cleanup_(scl_filter_freep) scl_filter *f = NULL;
	struct stat sb;
	int r;

	if (resolve_mode(&mode) < 0)
		return -1;
	if (mode == CLI_CONFINE_OFF) {
		if (cli_verbose)
			log_info("%s: not confining itself (--self-confine off)", who);
		return 0;
	}
	/* CAP_DAC_OVERRIDE only to write to a directory somebody else owns */
	if (out_dirfd >= 0 && fstat(out_dirfd, &sb) == 0 && sb.st_uid != geteuid())
		keep_caps |= CLI_CAP(CAP_DAC_OVERRIDE);

	/* everything that may fail or allocate much comes before the first irreversible step */
	{
		r = self_filter(who, mode == CLI_CONFINE_LEARN, &f);
		if (r < 0)
			return -1;
		if (r == 0 && !cli_quiet)
			log_warn("%s: the built-in self-profile has no rules for this architecture: running with "
				 "capabilities dropped but without its seccomp allowlist (make self-profile learns one)",
				 who);
	}
	if (drop_caps(keep_caps, who) < 0)
		return -1;
	if (mode == CLI_CONFINE_LEARN)
		name_threads("scmplog-learn");
	if (f) {
		/* on every thread: the audit netlink reader's too */
		r = scl_filter_install_all_threads(f);
		if (r < 0) {
			log_error("%s: cannot install its own seccomp filter: %s (--no-self-confine runs without it)",
				  who, strerror(-r));
			return -1;
		}
	} else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		log_error("%s: cannot set no_new_privs: %m", who);
		return -1;
	}
	if (cli_verbose) {
		char caps[256] = "";
		size_t n = 0;
		uint64_t e = 0, p = 0, i = 0;

		if (caps_get(&e, &p, &i) == 0)
			for (int c = 0; c < 64 && n < sizeof(caps) - 32; c++)
				if (p & CLI_CAP(c))
					n += (size_t)snprintf(caps + n, sizeof(caps) - n, "%s%s", n ? "," : "",
							      cap_name(c) ? cap_name(c) : "?");
		log_info("%s: confined (%s): capabilities kept: %s; seccomp %s", who, mode_names[mode],
			 n ? caps : "none",
			 !f ? "none (no rules for this architecture)"
			    : mode == CLI_CONFINE_LEARN ? "logs every syscall" : "allowlist installed");
	}
	return 0;
}
