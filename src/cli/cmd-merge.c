/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-options.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "cli/merge-workload.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/profile.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog merge [OPTIONS] PROFILE.json...\n"
	       "       scmplog merge --by workload --out-dir OUT [OPTIONS] DIR...\n\n"
	       "Write the union of OCI JSON profiles (Docker, containers, scmplog): every\n"
	       "architecture and every syscall any of them allows, record and run counts\n"
	       "added up, other rules (argument conditions, capabilities, ...) kept once.\n"
	       "The default action is the first profile's unless --default-action or\n"
	       "--errno is given.  With one PROFILE, merge converts it to another --format.\n"
	       "'-' reads stdin.\n\n"
	       "One seccomp filter holds architectures of one byte order, so the result is\n"
	       "for one kind of machine, this one or --arch's: of an archMap (Docker,\n"
	       "containers/common) that machine's entry is kept, as Docker takes it; when\n"
	       "the profiles list architectures of both byte orders, those of the other\n"
	       "are left out, with a warning.\n\n"
	       "--by workload merges the node collectors' Kubernetes profiles: each DIR holds\n"
	       "one node's NAMESPACE_POD_CONTAINER.json files (DIR's last component names the\n"
	       "node); the pods of one workload (Deployment, ReplicaSet, DaemonSet, Job,\n"
	       "CronJob, StatefulSet: told by the pod name) become OUT/NAMESPACE_WORKLOAD_\n"
	       "CONTAINER.json (or .yaml), with NAME.stats.json (each pod a run: 'scmplog\n"
	       "coverage' reads it) and NAME.workload.json (its pods and nodes, and how many\n"
	       "of each saw every syscall).  A pod found twice is taken once.\n\n");
	cli_options_help(stdout, options);
	printf("\n"
	       "Exit status: 0 success; 1 a profile or statistics file could not be read or written;\n"
	       "2 usage.\n");
}

int cmd_merge(int argc, char **argv)
{
	static const struct cli_option_choice by_keys[] = { { "workload", 1 }, { NULL, 0 } };
	_cleanup_(scl_profile_freep) scl_profile *dst = NULL;
	_cleanup_free_ scl_profile **ps = NULL;
	struct cli_string_list stats_in_list = { 0 };
	struct cli_arch_list arch = { 0 };
	size_t n_stats_in = 0, n_ps = 0;
	const char **stats_in;
	uint32_t target = scl_arch_native();
	bool has_target, le = false, be = false;
	const char *stats = NULL, *out_dir = NULL;
	int by_workload = 0;
	struct cli_profile_out out;
	int first, r, rc = EXIT_RUNTIME;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 0),
		CLI_OPTS_PROFILE_OUT(&out),
		CLI_OPTS_PROFILE_ACTION(&out),
		CLI_OPT_CALLBACK(0, "arch", cli_arch_list_cb, &arch, 0, "ARCH",
				 "the machine the profile is for (default: this one)"),
		CLI_OPTS_PROFILE_PORTABLE(&out),
		CLI_OPTS_PROFILE_RUNTIME(&out),
		CLI_OPT_STRING(0, "stats", &stats, "FILE", "write per-syscall record and run counts of the union to FILE"),
		CLI_OPT_STRING_LIST(0, "stats-in", &stats_in_list, "FILE",
				    "the counts of the PROFILE in the same position (from\n"
				    "'build --stats'); once per PROFILE, or not at all\n"
				    "(then each PROFILE counts as one run, no records)"),
		CLI_OPT_ENUM(0, "by", &by_workload, by_keys, "workload", "one profile per Kubernetes workload (see above)"),
		CLI_OPT_STRING(0, "out-dir", &out_dir, "OUT", "where --by writes its profiles"),
		CLI_OPT_QUIET("no warnings about the inputs or the output format"),
		CLI_OPT_VERBOSE("name the files --by skips and the pods it finds twice"),
		CLI_OPT_HELP(),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "merge", options, help, 0 };

	cli_profile_out_init(&out);
	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		goto out;
	rc = EXIT_RUNTIME;
	stats_in = stats_in_list.v;
	n_stats_in = stats_in_list.n;
	/* --arch names one machine: the last one given */
	has_target = arch.n > 0;
	if (has_target)
		target = arch.tokens[arch.n - 1];
	if (by_workload != (out_dir != NULL)) {
		log_error("--by and --out-dir go together");
		rc = EXIT_USAGE;
		goto out;
	}
	if (by_workload) {
		if (out.output || stats || n_stats_in) {
			log_error("--by writes to --out-dir; -o, --stats and --stats-in do not apply");
			rc = EXIT_USAGE;
			goto out;
		}
		if (out.format == SCL_FORMAT_SYSTEMD) {
			log_error("--by workload writes container profiles: --format oci or k8s");
			rc = EXIT_USAGE;
			goto out;
		}
		if (first >= argc) {
			log_error("merge --by workload needs at least one directory; see 'scmplog merge --help'");
			rc = EXIT_USAGE;
			goto out;
		}
		out.coverage_annotation = true; /* the pods of a workload, as the operator's merger of partial profiles */
		rc = merge_by_workload(&out, out_dir, argv + first, (size_t)(argc - first), target, has_target);
		goto out;
	}
	if (first >= argc) {
		log_error("merge needs at least one profile; see 'scmplog merge --help'");
		rc = EXIT_USAGE;
		goto out;
	}
	if (n_stats_in && n_stats_in != (size_t)(argc - first)) {
		log_error("--stats-in given %zu time%s for %d profile%s: give it once per profile, in the same order",
			  n_stats_in, n_stats_in == 1 ? "" : "s", argc - first, argc - first == 1 ? "" : "s");
		rc = EXIT_USAGE;
		goto out;
	}

	/* -o over a profile it merges, --stats over statistics it adds up, are updates in place */
	if (cli_refuse_same_file(stats, "--stats", out.output, "the -o profile") < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	for (int i = first; i < argc; i++)
		if (cli_refuse_same_file(stats, "--stats", argv[i], "the profile") < 0 ||
		    (n_stats_in && cli_refuse_same_file(out.output, "-o", stats_in[i - first], "the --stats-in file") < 0)) {
			rc = EXIT_USAGE;
			goto out;
		}
	ps = calloc((size_t)(argc - first), sizeof(scl_profile *));
	if (!ps) {
		log_error("out of memory");
		goto out;
	}
	for (int i = first; i < argc; i++, n_ps++) {
		if (cli_profile_read(argv[i], &ps[n_ps]) < 0)
			goto out;
		if (n_stats_in) {
			_cleanup_(scl_profile_freep) scl_profile *st = NULL;
			const char *sp = stats_in[i - first];
			char err[512] = "";

			r = scl_profile_read_stats_file(sp, &st, err, sizeof(err));
			if (r < 0) {
				log_error("cannot read statistics '%s': %s", sp, err[0] ? err : strerror(-r));
				goto out;
			}
			if (scl_profile_set_stats_from(ps[n_ps], st) < 0) {
				log_error("out of memory");
				goto out;
			}
		}
	}
	/*
	 * One byte order: an archMap gives the target's entry; plain lists are
	 * narrowed when --arch names the machine or when, together, they hold
	 * both byte orders (then this machine's is kept).  systemd installs one
	 * filter per architecture: its SystemCallArchitectures= may hold both
	 * (build -f systemd takes --arch of both byte orders too).
	 */
	for (size_t i = 0; i < n_ps; i++) {
		char what[4200];

		snprintf(what, sizeof(what), "'%s'", !strcmp(argv[first + (int)i], "-") ? "stdin" : argv[first + (int)i]);
		if (scl_profile_has_arch_map(ps[i]) && cli_profile_narrow(ps[i], target, what, true) < 0)
			goto out;
		for (size_t k = 0; k < scl_profile_arch_count(ps[i]); k++) {
			if (scl_arch_little_endian(scl_profile_arch_at(ps[i], k)))
				le = true;
			else
				be = true;
		}
	}
	for (size_t i = 0; i < n_ps && out.format != SCL_FORMAT_SYSTEMD && (has_target || (le && be)); i++) {
		char what[4200];

		snprintf(what, sizeof(what), "'%s'", !strcmp(argv[first + (int)i], "-") ? "stdin" : argv[first + (int)i]);
		if (cli_profile_narrow(ps[i], target, what, true) < 0)
			goto out;
	}
	for (size_t i = 0; i < n_ps; i++) {
		scl_profile *p = ps[i];
		const char *path = argv[first + (int)i];

		if (!dst) {
			dst = TAKE_PTR(ps[i]);
			continue;
		}
		if (!cli_quiet && !out.has_action &&
		    (scl_profile_default_action(p) != scl_profile_default_action(dst) ||
		     (scl_profile_default_action(p) == SCL_ACT_ERRNO &&
		      scl_profile_default_errno(p) != scl_profile_default_errno(dst))))
			log_warn("'%s': default action %s (errno %u) differs from the first profile's, "
				 "which is kept",
				 path, scl_profile_action_name(scl_profile_default_action(p)),
				 scl_profile_default_errno(p));
		r = scl_profile_merge(dst, p);
		if (r < 0) {
			log_error("cannot merge '%s': %s", path, strerror(-r));
			goto out;
		}
	}
	out.coverage_annotation = n_ps > 1; /* as the operator's merger of partial profiles */
	r = cli_profile_finish(&out, dst, NULL, 0);
	if (r < 0) {
		log_error("cannot set the default action: %s", strerror(-r));
		goto out;
	}
	if (cli_profile_write_with_stats(&out, dst, stats) < 0)
		goto out;
	rc = EXIT_OK;
out:
	for (size_t i = 0; ps && i < n_ps; i++)
		scl_profile_free(ps[i]);
	free(stats_in_list.v);
	free(arch.tokens);
	cli_profile_out_free(&out);
	return rc;
}
