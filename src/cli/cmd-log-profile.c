/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-options.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/notify.h"
#include "scmplog/profile.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog log-profile [OPTIONS]\n\n"
	       "Print the profile for learning: default action SCMP_ACT_LOG, so the kernel\n"
	       "allows every syscall and logs it as a SECCOMP record.  With --allow-known,\n"
	       "a complain-mode profile: the syscalls PROFILE allows (and its conditional\n"
	       "allow rules) run silently, everything else is logged.\n\n");
	cli_options_help(stdout, options);
	printf("\n"
	       "A denial of an enforcing profile is audited only when its filter was loaded\n"
	       "with SECCOMP_FILTER_FLAG_LOG, or when the action is a kill.  runc 1.1\n"
	       "(Debian 12's 1.1.5) refuses \"flags\" (\"seccomp flags are not yet supported\n"
	       "by runc\"): use --listener with it.  Docker 20.10 passes neither key to runc:\n"
	       "under it a \"flags\" profile enforces without logging, and a --listener one\n"
	       "does not start (\"listenerPath is not set\"); there, only a kill default action\n"
	       "(SCMP_ACT_KILL_PROCESS) has its denials audited.\n\n"
	       "Exit status: 0 success; 1 PROFILE could not be read or the output written;\n"
	       "2 usage error.\n");
}

/* The allowed syscalls of src and its conditional allow rules, nothing that denies. */
static int copy_allowed(scl_profile *dst, const scl_profile *src, const char *path)
{
	_cleanup_free_ scl_profile_syscall *v = NULL;
	size_t n, dropped = 0;
	int r;

	r = scl_profile_syscalls(src, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (v[i].n_arches == 0)
			r = scl_profile_allow(dst, v[i].name, 0);
		for (size_t k = 0; k < v[i].n_arches && r >= 0; k++)
			r = scl_profile_allow_on_arch(dst, v[i].name, v[i].arches[k], 0);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < scl_profile_rule_count(src); i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(src, i);
		if (rule->action != SCL_ACT_ALLOW) {
			dropped++;
			continue;
		}
		r = scl_profile_add_rule(dst, rule);
		if (r < 0)
			return r;
	}
	if (dropped && !cli_quiet)
		log_warn("'%s': %zu rule%s with other actions than SCMP_ACT_ALLOW left out: in complain "
			 "mode they would deny instead of log",
			 path, dropped, dropped == 1 ? "" : "s");
	return 0;
}

/*
 * A seccomp filter holds architectures of one byte order: libseccomp's
 * seccomp_arch_add() fails with EDOM for the other, and runc with it
 * ("error adding architecture to seccomp filter: numerical argument out of
 * domain").  AUDIT_ARCH_* carry __AUDIT_ARCH_LE (0x40000000).
 */
static void warn_byte_orders(const scl_profile *p)
{
	const scl_arch_info *le = NULL, *be = NULL;

	for (size_t i = 0; i < scl_profile_arch_count(p); i++) {
		uint32_t t = scl_profile_arch_at(p, i);
		const scl_arch_info *a = scl_arch_by_token(t);

		if (!a)
			continue;
		if (t & 0x40000000U) {
			if (!le)
				le = a;
		} else if (!be) {
			be = a;
		}
	}
	if (le && be && !cli_quiet)
		log_warn("the profile lists architectures of both byte orders (%s and %s): a seccomp filter holds "
			 "one, so libseccomp and runc refuse to load it; write one profile per byte order",
			 le->name, be->name);
}

/* --enforce: the profile at path, made to report its denials (flags, or a listener). */
static int enforce_profile(struct cli_profile_out *out, const char *path, const char *listener)
{
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_(scl_profile_freep) scl_profile *q = NULL;
	size_t n = 0;
	int r;

	if (out->format != SCL_FORMAT_OCI) {
		log_error("--enforce writes OCI JSON only (the keys that report denials are runtime settings)");
		return EXIT_USAGE;
	}
	if (cli_refuse_same_file(out->output, "-o", path, "the --enforce profile") < 0)
		return EXIT_USAGE;
	if (cli_profile_read(path, &p) < 0)
		return EXIT_RUNTIME;
	if (scl_profile_has_arch_map(p) || cli_profile_mixed(p)) {
		char what[4200];

		snprintf(what, sizeof(what), "'%s'", !strcmp(path, "-") ? "stdin" : path);
		if (cli_profile_narrow(p, scl_arch_native(), what, true) < 0)
			return EXIT_RUNTIME;
	}
	if (scl_profile_default_action(p) != SCL_ACT_ERRNO) {
		uint32_t a = scl_profile_default_action(p);
		log_error("'%s': default action %s: %s", path, scl_profile_action_name(a),
			  a == SCL_ACT_KILL_PROCESS || a == SCL_ACT_KILL_THREAD ?
			  "its denials are audited already (a kill always is)" :
			  "only SCMP_ACT_ERRNO denials can be reported this way");
		return EXIT_RUNTIME;
	}
	if (!listener) {
		r = scl_profile_set_report(p, true, NULL, NULL);
		if (r < 0) {
			log_error("out of memory");
			return EXIT_RUNTIME;
		}
		if (!cli_quiet)
			log_warn("\"flags\" is refused by runc before 1.2 (Debian 12's runc 1.1.5: \"seccomp "
				 "flags are not yet supported by runc\"; for it use --listener) and dropped by "
				 "Docker 20.10, which then enforces without logging");
		return cli_profile_write(out, p) < 0 ? EXIT_RUNTIME : EXIT_OK;
	}
	r = scl_notify_profile(p, listener, &q, &n);
	if (r < 0) {
		log_error("cannot make the listener profile of '%s': %s", path, strerror(-r));
		return EXIT_RUNTIME;
	}
	if (!cli_quiet)
		log_info("%zu syscalls '%s' denies go to the listener at '%s' (not write: runc "
			 "refuses SCMP_ACT_NOTIFY for it)", n, path, listener);
	return cli_profile_write(out, q) < 0 ? EXIT_RUNTIME : EXIT_OK;
}

/* --listener SOCKET: opt->value is the const char * */
static int listener_cb(const struct cli_option *opt, const char *arg)
{
	if (arg[0] != '/') {
		log_error("--listener '%s': the socket path must be absolute (the runtime connects "
			  "to it from its own directory)", arg);
		return -1;
	}
	*(const char **)opt->value = arg;
	return 0;
}

int cmd_log_profile(int argc, char **argv)
{
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_(scl_profile_freep) scl_profile *known = NULL;
	struct cli_arch_list arch = { 0 };
	struct cli_profile_out out;
	const char *known_path = NULL, *enforce_path = NULL, *listener = NULL;
	int first, r, rc = EXIT_RUNTIME;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 0),
		CLI_OPT_CALLBACK('a', "arch", cli_arch_list_cb, &arch, 0, "ARCH",
				 "list ARCH and its sub-architectures; repeatable\n"
				 "(default: --allow-known's architectures, of an\n"
				 "archMap this machine's entry, else the native one)"),
		CLI_OPT_STRING(0, "allow-known", &known_path, "PROFILE",
			       "OCI JSON profile whose allowed syscalls are not logged"),
		CLI_OPT_STRING(0, "enforce", &enforce_path, "PROFILE",
			       "not a learning profile: PROFILE (OCI JSON, default action\n"
			       "SCMP_ACT_ERRNO) made to report its denials, with\n"
			       "\"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"] (the kernel audits\n"
			       "them; runc 1.2 on, crun; runc 1.1 refuses any flags)"),
		CLI_OPT_CALLBACK(0, "listener", listener_cb, &listener, 0, "SOCKET",
				 "with --enforce: for runc 1.1, every syscall PROFILE denies\n"
				 "as SCMP_ACT_NOTIFY to the listener on SOCKET ('scmplog\n"
				 "listen'), which answers it with PROFILE's errno and\n"
				 "records it"),
		CLI_OPTS_PROFILE_OUT(&out),
		CLI_OPT_QUIET("no warnings"),
		CLI_OPT_HELP(),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "log-profile", options, help, 0 };

	cli_profile_out_init(&out);
	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		goto out;
	rc = EXIT_RUNTIME;
	if (first < argc) {
		log_error("log-profile takes no arguments; see 'scmplog log-profile --help'");
		rc = EXIT_USAGE;
		goto out;
	}
	if (listener && !enforce_path) {
		log_error("--listener needs --enforce PROFILE");
		rc = EXIT_USAGE;
		goto out;
	}
	if (enforce_path && (known_path || arch.n)) {
		log_error("--enforce takes the profile's own architectures and allowlist: not with %s",
			  known_path ? "--allow-known" : "--arch");
		rc = EXIT_USAGE;
		goto out;
	}
	if (enforce_path) {
		rc = enforce_profile(&out, enforce_path, listener);
		goto out;
	}
	/* the learning profile would replace the allowlist it was made from */
	if (known_path && cli_refuse_same_file(out.output, "-o", known_path, "the --allow-known profile") < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (known_path && cli_profile_read(known_path, &known) < 0)
		goto out;
	/* its architectures are the default: one machine's (of an archMap, this one's entry), one byte order */
	if (known && arch.n == 0 && (scl_profile_has_arch_map(known) || cli_profile_mixed(known))) {
		char what[4200];

		snprintf(what, sizeof(what), "'%s'", !strcmp(known_path, "-") ? "stdin" : known_path);
		if (cli_profile_narrow(known, scl_arch_native(), what, true) < 0)
			goto out;
	}

	r = scl_profile_new(&p);
	if (r < 0)
		goto fail;
	r = scl_profile_set_default_action(p, SCL_ACT_LOG, 0);
	if (r < 0)
		goto fail;
	if (arch.n == 0 && known && scl_profile_arch_count(known) > 0) {
		for (size_t i = 0; i < scl_profile_arch_count(known) && r >= 0; i++)
			r = scl_profile_add_arch(p, scl_profile_arch_at(known, i));
	} else if (arch.n == 0) {
		r = scl_profile_add_arch(p, scl_arch_native());
		if (r == -EAFNOSUPPORT) {
			log_error("the native architecture is unknown; use --arch");
			goto out;
		}
	}
	for (size_t i = 0; i < arch.n && r >= 0; i++)
		r = scl_profile_add_arch(p, arch.tokens[i]);
	if (r < 0)
		goto fail;
	if (known) {
		r = copy_allowed(p, known, known_path);
		if (r < 0)
			goto fail;
	}
	warn_byte_orders(p);
	if (cli_profile_write(&out, p) < 0)
		goto out;
	rc = EXIT_OK;
	goto out;
fail:
	log_error("cannot build the log profile: %s", strerror(-r));
out:
	free(arch.tokens);
	cli_profile_out_free(&out);
	return rc;
}
