/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_FILTER_H
#define SCL_CLI_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli-options.h"
#include "scmplog/record.h"

/* Record selection shared by build and explain: OR within an option, AND across. */
struct cli_filter {
	uint32_t *pids;
	size_t n_pids;
	char **exes;
	size_t n_exes;
	char **comms;
	size_t n_comms;
	uint32_t *uids;
	size_t n_uids;
	char **hosts;
	size_t n_hosts;
	bool has_since, has_until;
	uint64_t since_ms, until_ms; /* epoch milliseconds */
	uint32_t assume_arch;        /* --assume-arch: for records without arch= (0: none) */
};

void cli_filter_free(struct cli_filter *f);
/* Whether rec passes the selection (every option given, one of its values). */
bool cli_filter_selected(const struct cli_filter *f, const scl_record *rec);

/* Which option a cli_filter_option_cb() call handles. */
enum {
	OPT_PID = 1000, OPT_EXE, OPT_COMM, OPT_UID, OPT_HOST, OPT_SINCE, OPT_UNTIL, OPT_ASSUME_ARCH,
	OPT_FILTER_LAST,
};
/*
 * An option table's callback for the options below: opt->value is the struct
 * cli_filter, opt->id the option (OPT_PID...).  0, or -1 after logging a
 * usage error.
 */
int cli_filter_option_cb(const struct cli_option *opt, const char *arg);

/* Option table entries (cli-options.h) for a struct cli_filter *f, with their help groups. */
#define CLI_OPTS_FILTER(f)                                                                                  \
	CLI_OPT_GROUP("Selecting records (repeat an option for OR; different options AND):", 25),           \
	CLI_OPT_CALLBACK(0, "pid", cli_filter_option_cb, (f), OPT_PID, "PID", "records of this process id"),  \
	CLI_OPT_CALLBACK(0, "exe", cli_filter_option_cb, (f), OPT_EXE, "PATH", "records whose exe= is PATH"), \
	CLI_OPT_CALLBACK(0, "comm", cli_filter_option_cb, (f), OPT_COMM, "NAME", "records whose comm= is NAME"), \
	CLI_OPT_CALLBACK(0, "uid", cli_filter_option_cb, (f), OPT_UID, "UID", "records of this uid"),        \
	CLI_OPT_CALLBACK(0, "host", cli_filter_option_cb, (f), OPT_HOST, "NAME",                             \
			 "records from this host (syslog, journal, node=)"),                                \
	CLI_OPT_CALLBACK(0, "since", cli_filter_option_cb, (f), OPT_SINCE, "TIME",                           \
			 "records at or after TIME (audit timestamp)"),                                     \
	CLI_OPT_CALLBACK(0, "until", cli_filter_option_cb, (f), OPT_UNTIL, "TIME", "records before TIME"),   \
	CLI_OPT_TEXT("  TIME is epoch seconds (1795706294 or @1795706294.5), or local time\n"               \
		     "  'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS]' or 'YYYY-MM-DDTHH:MM[:SS]'.\n"),             \
	CLI_OPT_GROUP("Reading records:", 25),                                                              \
	CLI_OPT_CALLBACK(0, "assume-arch", cli_filter_option_cb, (f), OPT_ASSUME_ARCH, "ARCH",               \
			 "records without arch= (kernels before 3.16) are from\n"                           \
			 "ARCH (x86_64, aarch64, ...; compat=1: its 32-bit arch)")

#endif
