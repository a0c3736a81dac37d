/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/profile.h"

static void help(void)
{
	printf("Usage: scmplog log-profile [OPTIONS]\n\n"
	       "Print the profile for learning: default action SCMP_ACT_LOG, so the kernel\n"
	       "allows every syscall and logs it as a SECCOMP record.  With --allow-known,\n"
	       "a complain-mode profile: the syscalls PROFILE allows (and its conditional\n"
	       "allow rules) run silently, everything else is logged.\n\n"
	       "Options:\n"
	       "  -a, --arch ARCH          list ARCH and its sub-architectures; repeatable\n"
	       "                           (default: --allow-known's architectures, of an\n"
	       "                           archMap this machine's entry, else the native one)\n"
	       "      --allow-known PROFILE\n"
	       "                           OCI JSON profile whose allowed syscalls are not logged\n"
	       CLI_PROFILE_OUT_HELP
	       "  -q, --quiet              no warnings\n"
	       "  -h, --help               this text\n\n"
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

int cmd_log_profile(int argc, char **argv)
{
	enum { OPT_ALLOW_KNOWN = 0x100 };
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "arch", required_argument, NULL, 'a' },
		{ "allow-known", required_argument, NULL, OPT_ALLOW_KNOWN },
		CLI_PROFILE_OUT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_(scl_profile_freep) scl_profile *known = NULL;
	_cleanup_free_ uint32_t *arches = NULL;
	struct cli_profile_out out;
	const char *known_path = NULL;
	size_t n_arches = 0;
	int c, r, rc = EXIT_RUNTIME;

	cli_profile_out_init(&out);
	optind = 0;
	while ((c = getopt_long(argc, argv, "hqa:o:f:", opts, NULL)) != -1) {
		r = cli_profile_out_option(&out, c, optarg);
		if (r < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (r > 0)
			continue;
		switch (c) {
		case 'h':
			help();
			rc = cli_finish_stdout() < 0 ? EXIT_RUNTIME : EXIT_OK;
			goto out;
		case 'q':
			cli_quiet = 1;
			break;
		case 'a': {
			const scl_arch_info *a = scl_arch_by_name(optarg);
			uint32_t *t;

			if (!a) {
				log_error("unknown architecture '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			t = reallocarray(arches, n_arches + 1, sizeof(*t));
			if (!t) {
				log_error("out of memory");
				goto out;
			}
			arches = t;
			arches[n_arches++] = a->token;
			break;
		}
		case OPT_ALLOW_KNOWN:
			known_path = optarg;
			break;
		default:
			fprintf(stderr, "Try 'scmplog log-profile --help'.\n");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		log_error("log-profile takes no arguments; see 'scmplog log-profile --help'");
		rc = EXIT_USAGE;
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
	if (known && n_arches == 0 && (scl_profile_has_arch_map(known) || cli_profile_mixed(known))) {
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
	if (n_arches == 0 && known && scl_profile_arch_count(known) > 0) {
		for (size_t i = 0; i < scl_profile_arch_count(known) && r >= 0; i++)
			r = scl_profile_add_arch(p, scl_profile_arch_at(known, i));
	} else if (n_arches == 0) {
		r = scl_profile_add_arch(p, scl_arch_native());
		if (r == -EAFNOSUPPORT) {
			log_error("the native architecture is unknown; use --arch");
			goto out;
		}
	}
	for (size_t i = 0; i < n_arches && r >= 0; i++)
		r = scl_profile_add_arch(p, arches[i]);
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
	cli_profile_out_free(&out);
	return rc;
}
