/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-input.h"
#include "cli/cli-live.h"
#include "cli/cli-loop.h"
#include "cli/cli-options.h"
#include "cli/cli.h"
#include "cli/self-confine.h"
#include "scmplog/arch.h"
#include "scmplog/learn.h"
#include "scmplog/limits.h"
#include "lib/util.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog explain [OPTIONS] [FILE...]\n\n"
	       "List the syscalls that an enforcing seccomp profile denied (KILL_PROCESS,\n"
	       "KILL_THREAD, ERRNO, TRAP, TRACE, USER_NOTIF records), grouped by program\n"
	       "(exe and comm) with counts: the answer to \"why does my program get\n"
	       "'Operation not permitted' under seccomp\".  ERRNO, TRAP and TRACE denials are\n"
	       "logged only when the filter was loaded with SECCOMP_FILTER_FLAG_LOG\n"
	       "(scmplog exec --log-denied).  Input as for 'scmplog build'.\n\n");
	cli_options_help(stdout, options);
	printf("\nExit status: 0 success (denials found or not); 1 error; 2 usage.\n");
}

/* --source: checked now, used by --follow */
static int source_cb(const struct cli_option *opt, const char *arg)
{
	enum cli_source s;

	if (cli_source_parse(arg, &s) < 0)
		return -1;
	*(const char **)opt->value = arg;
	return 0;
}

struct follow_ctx {
	struct cli_input *in;
	scl_mapper *mapper;
};

static int follow_cb(void *ud, const scl_record *rec)
{
	struct follow_ctx *fc = ud;
	struct cli_input *in = fc->in;
	const char *name = NULL;
	char comm[SCL_MAX_COMM + 1] = "", exe[SCL_MAX_EXE + 1] = "";
	const scl_arch_info *a = scl_arch_by_token(rec->arch);
	int r = cli_input_add(in, rec);

	if (r < 0) {
		log_error("out of memory");
		return r;
	}
	if (r == 0 || scl_record_action(rec) == SCL_ACT_LOG)
		return 0;
	if ((rec->fields & SCL_F_EXE) && scl_record_decode_str(rec->exe, rec->exe_hex, exe, sizeof(exe)) < 0)
		exe[0] = '\0';
	if ((rec->fields & SCL_F_COMM) && scl_record_decode_str(rec->comm, rec->comm_hex, comm, sizeof(comm)) < 0)
		comm[0] = '\0';
	printf("denied: pid %u ", rec->pid);
	cli_put_escaped(stdout, exe, strlen(exe));
	fputs(" (comm \"", stdout);
	cli_put_escaped(stdout, comm, strlen(comm));
	if (scl_mapper_name(fc->mapper, rec->arch, rec->syscall, &name, NULL) == 0)
		printf("\"): %s on %s, %s\n", name, a ? a->name : "unknown", scl_action_str(scl_record_action(rec)));
	else
		printf("\"): syscall %d on %s, %s\n", (int32_t)rec->syscall, a ? a->name : "unknown",
		       scl_action_str(scl_record_action(rec)));
	fflush(stdout);
	return 0;
}

struct row {
	const char *group;
	size_t group_n;
	const char *name;
	char nrbuf[32];
	const char *arch;
	uint32_t action;
	uint64_t count;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	size_t n = x->group_n < y->group_n ? x->group_n : y->group_n;
	int c = memcmp(x->group, y->group, n);

	if (c)
		return c;
	if (x->group_n != y->group_n)
		return x->group_n < y->group_n ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return strcmp(x->arch, y->arch);
}

int cmd_explain(int argc, char **argv)
{
	struct cli_input in = { .group_by = GROUP_EXPLAIN };
	scl_mapper *m = NULL;
	scl_learn_entry *ent = NULL;
	struct row *rows = NULL;
	size_t nrows = 0;
	uint64_t denied = 0;
	bool all = false, follow = false;
	enum cli_confine_mode confine = CLI_CONFINE_UNSET;
	const char *source = NULL;
	long n;
	int first, rc = EXIT_RUNTIME;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 25),
		CLI_OPT_FLAG(0, "all", &all, "also list logged (allowed) syscalls"),
		CLI_OPT_FLAG('f', "follow", &follow,
			     "read live from the kernel (root) until Ctrl-C, printing\n"
			     "each denial as it happens, then the table"),
		CLI_OPT_CALLBACK(0, "source", source_cb, &source, 0, "SOURCE",
				 "with --follow: auto (default), daemon, multicast, kmsg"),
		CLI_OPT_VERBOSE("list every skipped record (FILE:LINE: reason, expected\n"
				"form (key=value)), the first few in full; with\n"
				"--follow: say which source is used and why, once it\n"
				"reads"),
		CLI_OPT_FLAG(0, "strict", &in.strict, "fail on the first malformed record"),
		CLI_OPT_QUIET("no summary on stderr"),
		CLI_OPT_HELP(),
		CLI_OPT_GROUP("Confinement (with --follow; kept: CAP_AUDIT_CONTROL, CAP_AUDIT_READ,\n"
			      "CAP_AUDIT_WRITE, CAP_SYSLOG):", 0),
		CLI_OPTS_CONFINE(&confine),
		CLI_OPTS_FILTER(&in.filter),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "explain", options, help, 0 };

	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		goto out;
	rc = EXIT_RUNTIME;
	if (scl_mapper_new(&m) < 0)
		goto oom;
	if (follow && first < argc) {
		log_error("--follow reads from the kernel; it takes no FILE");
		rc = EXIT_USAGE;
		goto out;
	}
	if (source && !follow) {
		log_error("--source goes with --follow");
		rc = EXIT_USAGE;
		goto out;
	}
	if (follow) {
		struct follow_ctx fc = { &in, m };
		rc = cli_follow_records(follow_cb, &fc, source, confine);
	}
	else
		rc = cli_input_read(&in, argv + first, argc - first);
	if (rc)
		goto out;
	if (!in.learn && scl_learn_new(&in.learn) < 0)
		goto oom;
	rc = EXIT_RUNTIME;
	n = scl_learn_entries(in.learn, &ent);
	if (n < 0)
		goto oom;
	rows = calloc((size_t)n + 1, sizeof(*rows));
	if (!rows)
		goto oom;
	for (long i = 0; i < n; i++) {
		const scl_learn_entry *e = &ent[i];
		struct row *rw = &rows[nrows];
		const scl_arch_info *a;
		uint32_t eff = e->key.arch;

		if (e->key.action == SCL_ACT_LOG && !all)
			continue;
		if (e->key.action != SCL_ACT_LOG && e->key.action != SCL_ACT_ALLOW)
			denied += e->count;
		rw->group = scl_learn_group(in.learn, e->key.group, &rw->group_n);
		if (scl_mapper_name(m, e->key.arch, e->key.nr, &rw->name, &eff) < 0) {
			snprintf(rw->nrbuf, sizeof(rw->nrbuf), "#%d", (int32_t)e->key.nr);
			rw->name = rw->nrbuf;
		}
		a = scl_arch_by_token(eff);
		rw->arch = a ? a->name : "unknown";
		rw->action = e->key.action;
		rw->count = e->count;
		nrows++;
	}
	qsort(rows, nrows, sizeof(*rows), cmp_row);
	if (nrows == 0) {
		printf("no denied syscalls found in %llu SECCOMP record%s\n", (unsigned long long)in.selected,
		       in.selected == 1 ? "" : "s");
	}
	for (size_t i = 0; i < nrows; i++) {
		const struct row *rw = &rows[i];
		if (i == 0 || rw->group != rows[i - 1].group) {
			size_t en = strlen(rw->group);
			const char *comm = rw->group + en + 1;
			if (i)
				putchar('\n');
			cli_put_escaped(stdout, en ? rw->group : "(unknown exe)", en ? en : 13);
			if (rw->group_n > en + 1) {
				fputs(" (comm \"", stdout);
				cli_put_escaped(stdout, comm, rw->group_n - en - 1);
				fputs("\")", stdout);
			}
			fputs(":\n", stdout);
		}
		printf("  %-24s %-8s %-13s %llu\n", rw->name, rw->arch, scl_action_str(rw->action),
		       (unsigned long long)rw->count);
	}
	if (denied && !cli_quiet)
		printf("\n%llu denial%s. To allow these syscalls, add them to the profile (scmplog build\n"
		       "--include-denied --merge PROFILE FILE... adds them from these records).\n",
		       (unsigned long long)denied, denied == 1 ? "" : "s");
	if (cli_finish_stdout() < 0) {
		log_error("cannot write to stdout: %m");
		goto out;
	}
	rc = cli_input_report(&in);
	goto out;
oom:
	log_error("out of memory");
	rc = EXIT_RUNTIME;
out:
	free(rows);
	free(ent);
	scl_mapper_free(m);
	cli_input_free(&in);
	return rc;
}
