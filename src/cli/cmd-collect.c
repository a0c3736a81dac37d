/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli-learn.h"
#include "cli/cli-loop.h"
#include "cli/cli-notify.h"
#include "cli/cli-options.h"
#include "cli/cli-outdir.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "cli/collect.h"
#include "cli/self-confine.h"
#include "scmplog/collector.h"
#include "scmplog/container.h"
#include "scmplog/journal.h"
#include "scmplog/learn.h"
#include "scmplog/limits.h"
#include "scmplog/notify.h"
#include "scmplog/num.h"
#include "scmplog/outdir.h"
#include "scmplog/output.h"
#include "scmplog/proc-connector.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "scmplog/stream.h"
#include "scmplog/sysset.h"
#include "lib/util.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog collect --out-dir DIR [OPTIONS]\n\n"
	       "The node collector: read SECCOMP records live, attribute each record's process to\n"
	       "its container (from /proc/PID/cgroup when the record is read; for a process that\n"
	       "is already gone, from what was learned about it or, through the kernel's process\n"
	       "events, about its parent) and keep one profile per container in memory.  Every\n"
	       "--interval seconds, a second after a container's last process exited (seen\n"
	       "through the process events), and on SIGINT, SIGTERM or SIGHUP before exiting,\n"
	       "the profiles of containers with new records are written atomically to\n"
	       "DIR/ID.json, or DIR/NAMESPACE_POD_CONTAINER.json when kubelet's log directories\n"
	       "name the container (names made safe file names; two that would share a file\n"
	       "do not: the second gets a stable suffix and a warning).  A profile already in\n"
	       "DIR is read first and kept in the union, so learning resumes across restarts.\n"
	       "Records that cannot be attributed (the process is gone and unknown, or it is in\n"
	       "no container) are counted, never guessed into a profile.  A denial of an\n"
	       "enforcing profile (a record with another action than LOG) is appended to\n"
	       "DIR/ID.denied.log, as 'scmplog listen' writes it, which 'scmplog review'\n"
	       "reads against DIR/ID.json to propose the next profile.\n\n");
	cli_options_help(stdout, options);
	printf("Once its sources are open, collect keeps only the capabilities it still needs\n"
	       "(live sources: CAP_AUDIT_CONTROL, CAP_AUDIT_READ, CAP_AUDIT_WRITE, CAP_SYSLOG for\n"
	       "the /dev/kmsg fallback, CAP_NET_ADMIN for the process events; audisp:\n"
	       "CAP_AUDIT_CONTROL for the lost counter, CAP_NET_ADMIN; all:\n"
	       "CAP_DAC_READ_SEARCH, and CAP_DAC_OVERRIDE if DIR is not its own) and runs under\n"
	       "its own seccomp allowlist.\n\n"
	       "With NOTIFY_SOCKET set (systemd Type=notify) it reports READY=1 and a STATUS= line;\n"
	       "with WATCHDOG_USEC set (WatchdogSec=), WATCHDOG=1 at half that interval.\n"
	       "Every audit setting changed is restored on exit.  The live sources need root.\n\n"
	       "Journal and log file records carry no live process: one is attributed by its pid\n"
	       "only while that process still exists.  journald rate-limits the audit stream and\n"
	       "drops records under load.  A journal rotation loses nothing (-v notes the files);\n"
	       "journal files vacuumed before they were read (the collector was behind, stopped,\n"
	       "or its --cursor-file's entry is gone) are reported, \"up to N\" records counted as\n"
	       "lost (N: the journal entries of every kind missing).\n\n"
	       "As an auditd plugin (--source audisp; /etc/audit/plugins.d/scmplog.conf, inactive\n"
	       "as installed) it writes every message to syslog too.  SIGHUP (auditd reloading)\n"
	       "writes the profiles; the end of the input (auditd stopped) writes them and exits\n"
	       "0.  Records auditd did not pass on (its plugin queue full: q_depth and\n"
	       "overflow_action in auditd.conf) are found by their serials and counted as lost.\n\n"
	       "Exit status: 0 after a signal, once every profile was written; 1 on errors (a\n"
	       "profile that could not be written or read); 2 usage.\n");
}

/* What a struct collect owns (cmd_collect()'s _cleanup_). */
static void collect_done(struct collect *C)
{
	scl_proc_conn_free(C->conn);
	scl_journal_follow_close(C->jf);
	scl_journal_files_free(C->jfiles);
	scl_collector_free(C->col);
	for (size_t i = 0; i < C->n_files; i++) {
		scl_profile_free(C->files[i].prev);
	}
	free(C->files);
	free(C->want_ids);
	free(C->want_cgroups);
	for (size_t i = 0; i < C->n_follows; i++) {
		if (C->follows[i].fd >= 0)
			close(C->follows[i].fd);
		scl_scanner_free(C->follows[i].scan);
	}
	free(C->follows);
	scl_outdir_free(C->od);
	if (C->proc_fd >= 0)
		close(C->proc_fd);
	cli_profile_out_free(&C->out);
}

/* ---- the options ---- */

enum { OPT_CONTAINER = 1, OPT_CGROUP, OPT_FOLLOW_FILE, OPT_CURSOR_FILE };

/* -f, --format: oci or k8s (the format table also has json, docker and systemd). */
static int format_cb(const struct cli_option *opt, const char *arg)
{
	struct cli_profile_out *o = opt->value;
	scl_format f;

	if (scl_format_parse(arg, &f) < 0 || (f != SCL_FORMAT_OCI && f != SCL_FORMAT_K8S)) {
		log_error("invalid --format '%s': expected oci or k8s", arg);
		return -1;
	}
	o->format = f;
	return 0;
}

/* --source: journal, audisp, or a live source (cli_source_parse()). */
static int source_cb(const struct cli_option *opt, const char *arg)
{
	struct collect *C = opt->value;

	C->source_set = true;
	C->journal = !strcmp(arg, "journal");
	C->audisp = !strcmp(arg, "audisp");
	if (C->journal || C->audisp)
		return 0;
	return cli_source_parse(arg, &C->source) < 0 ? -1 : 0;
}

static int add_str(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = s; /* argv strings live as long as we run */
	return 0;
}

static int add_follow(struct collect *C, const char *path)
{
	struct follow *nf = realloc(C->follows, (C->n_follows + 1) * sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	C->follows = nf;
	nf[C->n_follows++] = (struct follow){ .path = path, .fd = -1 };
	return 0;
}

/* --container, --cgroup, --follow-file, --cursor-file: checked, then kept (in argv). */
static int value_cb(const struct cli_option *opt, const char *arg)
{
	struct collect *C = opt->value;
	int r = 0;

	switch (opt->id) {
	case OPT_CONTAINER:
		if (!arg[0] || strlen(arg) > SCL_MAX_CONTAINER_ID) {
			log_error("invalid --container '%s': expected 1..%d bytes", arg, SCL_MAX_CONTAINER_ID);
			return -1;
		}
		r = add_str(&C->want_ids, &C->n_want_ids, arg);
		break;
	case OPT_CGROUP:
		if (arg[0] != '/' || strlen(arg) > SCL_MAX_CGROUP_PATH) {
			log_error("invalid --cgroup '%s': expected an absolute cgroup path", arg);
			return -1;
		}
		r = add_str(&C->want_cgroups, &C->n_want_cgroups, arg);
		break;
	case OPT_FOLLOW_FILE:
	case OPT_CURSOR_FILE:
		if (!arg[0]) {
			log_error("invalid --%s '': expected a file name", opt->long_name);
			return -1;
		}
		if (opt->id == OPT_CURSOR_FILE)
			C->cursor_file = arg;
		else
			r = add_follow(C, arg);
		break;
	}
	if (r < 0)
		log_error("out of memory");
	return r < 0 ? -1 : 0;
}

/* Options that exclude each other, and DIR's default: 0, or -1 after a usage error was logged. */
static int check_options(struct collect *C, bool all, const char *journal_dir, bool from_start)
{
	if (all && (C->n_want_ids || C->n_want_cgroups)) {
		log_error("collect: --all excludes --container and --cgroup");
		return -1;
	}
	if (journal_dir) {
		if (C->source_set && !C->journal) {
			log_error("collect: --journal-dir reads the journal; it excludes other --source values");
			return -1;
		}
		C->journal = true;
	}
	if (C->n_follows && (C->source_set || journal_dir)) {
		log_error("collect: --follow-file excludes --source and --journal-dir");
		return -1;
	}
	if (from_start && !C->n_follows) {
		log_error("collect: --from-start goes with --follow-file");
		return -1;
	}
	if (C->cursor_file && !C->journal) {
		log_error("collect: --cursor-file goes with --source journal or --journal-dir");
		return -1;
	}
	if (C->split_host && (C->n_want_ids || C->n_want_cgroups)) {
		log_error("collect: --split-by host excludes --container and --cgroup");
		return -1;
	}
	if (!C->dir) {
		/* systemd's StateDirectory=: the first of a colon-separated list */
		const char *sd = getenv("STATE_DIRECTORY");
		if (sd && sd[0] == '/' && !strchr(sd, ':'))
			C->dir = sd;
	}
	if (!C->dir && C->audisp) {
		C->dir = AUDISP_DIR;
		(void)mkdir("/var/lib/scmplog", 0755);
	}
	if (!C->dir) {
		log_error("collect: no --out-dir given (scmplog collect --out-dir DIR [OPTIONS])");
		return -1;
	}
	return 0;
}

/* Open DIR and /proc, the process events, the collector: 0, -ENOMEM, or -1 after an error was logged. */
static int setup(struct collect *C, bool proc_events)
{
	int r, conn_r = 0;

	if (cli_outdir_open(C->dir, NULL, &C->od) < 0)
		return -1;
	if (C->audisp && collect_audisp_lock(C) < 0)
		return -1;
	C->proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (C->proc_fd < 0) {
		log_error("cannot open '/proc': %m");
		return -1;
	}
	C->offline = C->journal || C->n_follows;
	if (C->offline || C->audisp) {
		long tck = sysconf(_SC_CLK_TCK);
		r = scl_container_read_btime(C->proc_fd, &C->btime);
		if (r < 0 || tck <= 0) {
			log_error("cannot read the boot time from '/proc/stat': %s", strerror(r < 0 ? -r : EINVAL));
			return -1;
		}
		C->clk_tck = (uint64_t)tck;
	}
	if (proc_events && !C->offline)
		conn_r = scl_proc_conn_open(0, &C->conn);
	{
		scl_collector_config cc = {
			.proc_fd = C->proc_fd, .cgroup_flags = C->flags,
			.ids = (const char *const *)C->want_ids, .n_ids = C->n_want_ids,
			.cgroups = (const char *const *)C->want_cgroups, .n_cgroups = C->n_want_cgroups,
			.proc_events = C->conn != NULL, .offline = C->offline, .audisp = C->audisp,
			.btime = C->btime, .clk_tck = C->clk_tck, .limits = C->lim,
			.split_host = C->split_host, .journal = C->journal,
			.ops = &collect_collector_ops, .ud = C,
		};

		if (scl_collector_new(&cc, &C->col) < 0)
			return -ENOMEM;
		C->lim = *scl_collector_get_limits(C->col);
		scl_collector_set_time(C->col, scl_now_ms());
	}
	if (proc_events && !C->offline) {
		r = conn_r;
		if (r < 0 && !cli_quiet)
			log_warn("cannot follow process events (%s): records of processes that exit before they are "
				 "read cannot be attributed, and profiles are written only every --interval",
				 strerror(-r));
		if (r == 0) {
			r = scl_collector_seed(C->col);
			if (r == -ENOMEM || C->oom)
				return -ENOMEM;
			if (r < 0 && !cli_quiet)
				log_warn("cannot list the processes in '/proc' (%s): containers already running are "
					 "written only every --interval",
					 strerror(-r));
		}
	}
	return 0;
}

/* ---- the audit socket, on the one live loop (cli-loop.h) ---- */

/* The kernel's lost counter as read last (never an AUDIT_GET: test-collect-quiet). */
static uint64_t live_lost(struct collect *C)
{
	scl_live_stats st;

	if (cli_live_progress(&C->live, &st) == 0)
		C->live_lost = scl_live_stats_lost(&st);
	return C->live_lost;
}

/* The interval's write, the gone containers', the status line (not while draining: the final write follows). */
static int live_round(void *ud, int64_t now)
{
	struct collect *C = ud;
	int r;

	if (!C->loop.draining) {
		if (now >= C->next_flush) {
			r = collect_interval_flush(C, now);
			if (r == -ENOMEM)
				return r;
			collect_forget_idle(C, now);
			collect_notify_status(C, live_lost(C));
		}
		/* after this round's read: the records queued before the due time are in */
		r = collect_gone(C, now);
		if (r == -ENOMEM)
			return r;
	}
	if (C->tty && now >= C->next_status) {
		fprintf(stderr, "\r\033[Kscmplog: %llu records, %zu containers, %llu unattributed, %llu lost",
			(unsigned long long)collect_n_records(C), collect_n_selected(C),
			(unsigned long long)collect_unattributed(C), (unsigned long long)live_lost(C));
		fflush(stderr);
		C->next_status = now + 500;
	}
	return 0;
}

static int64_t live_due(void *ud, int64_t now)
{
	struct collect *C = ud;
	int64_t due = C->loop.draining ? INT64_MAX : collect_next_due(C);

	(void)now;
	return C->tty && C->next_status < due ? C->next_status : due;
}

/*
 * The audit socket (run's sources): read until a signal, writing every
 * interval and when a container's last process is gone, then drain what the
 * kernel queued before it (CLI_DRAIN_STOP_MS at most).  The exit status,
 * -ENOMEM, or -1 after an error was logged.
 */
static int collect_live(struct collect *C, const struct cli_signals *sig, enum cli_confine_mode confine,
			uint64_t interval)
{
	static const struct cli_loop_ops ops = { .before_read = collect_before_read, .round = live_round, .due = live_due };
	scl_live_stats st = { 0 };
	bool unconfirmed = false, opened = false;
	int conn_fd = C->conn ? scl_proc_conn_fd(C->conn) : -1;
	int64_t ms;
	int r;

	if (cli_live_open(&C->live, C->source, 0) < 0)
		return -1;
	opened = true;
	/*
	 * Kept: reading and restoring the audit settings (AUDIT_GET/SET), the
	 * multicast group, the drain marker (AUDIT_USER), reading any log file
	 * or profile, and unsubscribing from the process events at the end.
	 */
	if (cli_confine(confine, "collect",
			CLI_CAP(CAP_AUDIT_CONTROL) | CLI_CAP(CAP_AUDIT_READ) | CLI_CAP(CAP_AUDIT_WRITE) | CLI_CAP(CAP_SYSLOG) |
				CLI_CAP(CAP_DAC_READ_SEARCH) | (C->conn ? CLI_CAP(CAP_NET_ADMIN) : 0),
			collect_dfd(C)) < 0) {
		r = -1;
		goto out;
	}
	if (cli_verbose)
		log_info("collecting %s into '%s', writing every %llu s", cli_live_name(&C->live), C->dir,
			 (unsigned long long)interval);
	cli_loop_init(&C->loop, &C->live, sig->fd, &ops, C);
	C->loop.live_ops = (scl_live_ops){ .record = collect_on_record };
	C->loop.watchdog_ms = C->watchdog_ms;
	(void)cli_loop_watch(&C->loop, &conn_fd);
	C->tty = isatty(STDERR_FILENO) && !cli_quiet;
	C->next_flush = scl_now_ms() + C->interval_ms;
	C->next_status = scl_now_ms() + 500;
	collect_notify_status(C, 0);
	r = cli_loop_run(&C->loop);
	if (r == 0)
		r = cli_loop_drain(&C->loop, CLI_DRAIN_STOP_MS, &unconfirmed, &ms);
	if (C->tty)
		fputs("\r\033[K", stderr);
	if (r < 0) {
		r = r == -ENOMEM ? r : -1;
		goto out;
	}
	r = collect_flush(C, true);
	if (r == -ENOMEM)
		goto out;
	if (cli_live_stats(&C->live, &st) < 0)
		memset(&st, 0, sizeof(st));
	opened = false;
	if (cli_live_close(&C->live) < 0) {
		r = -1;
		goto out;
	}
	r = collect_finish(C, r, cli_live_name(&C->live), &st);
	if (unconfirmed) {
		/* the summary said the rest: only the end, in the loop's one wording */
		scl_live_stats none = { 0 };
		(void)cli_loop_report_loss(&none, false, true, "the profiles", "");
	}
	return r;
out:
	if (opened)
		cli_live_close(&C->live);
	return r;
}

int cmd_collect(int argc, char **argv)
{
	static const struct cli_option_choice split_keys[] = { { "container", 0 }, { "host", 1 }, { NULL, 0 } };
	_cleanup_(collect_done) struct collect C = { .proc_fd = -1, .pods_dir = "/var/log/pods",
						     .containers_dir = "/var/log/containers" };
	struct cli_signals sig = { .fd = -1 };
	uint64_t interval = 30, forget_after = 0;
	bool all = false, no_proc_events = false, plain_runc = false;
	const char *journal_dir = NULL;
	bool from_start = false;
	int split_host = 0;
	enum cli_confine_mode confine = CLI_CONFINE_UNSET;
	int first, r = 0, rc = EXIT_RUNTIME;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Containers:", 0),
		CLI_OPT_STRING(0, "out-dir", &C.dir, "DIR", "write the profiles here (default: $STATE_DIRECTORY)"),
		CLI_OPT_FLAG(0, "all", &all, "every container (the default)"),
		CLI_OPT_CALLBACK(0, "container", value_cb, &C, OPT_CONTAINER, "ID",
				 "only this container, by its full id (repeatable)"),
		CLI_OPT_CALLBACK(0, "cgroup", value_cb, &C, OPT_CGROUP, "PREFIX",
				 "only containers whose cgroup path starts with PREFIX,\n"
				 "decided when a container is first seen (repeatable)"),
		CLI_OPT_FLAG(0, "plain-runc", &plain_runc,
			     "also take a plain leaf cgroup name as a container id (runc\n"
			     "without cgroupsPath); any leaf then looks like one, so\n"
			     "combine with --container or --cgroup"),
		CLI_OPT_STRING(0, "pods-dir", &C.pods_dir, "DIR", "kubelet's pod log directories (default /var/log/pods)"),
		CLI_OPT_STRING(0, "containers-dir", &C.containers_dir, "DIR",
			       "kubelet's container log links (default /var/log/containers)"),
		CLI_OPT_GROUP("Output:", 0),
		CLI_OPT_CALLBACK('f', "format", format_cb, &C.out, 0, "FORMAT",
				 "oci (default) or k8s (SeccompProfile YAML, DIR/NAME.yaml,\n"
				 "with DIR/NAME.json beside it: learning resumes from that)"),
		CLI_OPTS_PROFILE_PORTABLE(&C.out),
		CLI_OPTS_PROFILE_RUNTIME(&C.out),
		CLI_OPT_UINT(0, "interval", &interval, 1, 86400, "seconds", "SEC",
			     "write every SEC seconds, 1..86400 (default 30)"),
		CLI_OPT_ENUM(0, "split-by", &split_host, split_keys, "KEY",
			     "container (default) or host: one profile per record\n"
			     "hostname, DIR/HOST.json (a server receiving many nodes'\n"
			     "logs); records without a hostname are unattributed"),
		CLI_OPT_GROUP("Collecting:", 0),
		CLI_OPT_CALLBACK(0, "source", source_cb, &C, 0, "SOURCE",
				 "auto (default), daemon, multicast or kmsg, as for run (the\n"
				 "daemon slot watched: lost, multicast from then on);\n"
				 "or journal: the system journal, followed from its end;\n"
				 "or audisp: as an auditd plugin, the records auditd passes\n"
				 "on standard input (format = string; DIR defaults to\n" AUDISP_DIR ")"),
		CLI_OPT_STRING(0, "journal-dir", &journal_dir, "DIR", "follow the journal files in DIR (from the start)"),
		CLI_OPT_CALLBACK(0, "cursor-file", value_cb, &C, OPT_CURSOR_FILE, "FILE",
				 "journal: resume after the cursor saved in FILE, and save\n"
				 "the last one there whenever the profiles are written"),
		CLI_OPT_CALLBACK(0, "follow-file", value_cb, &C, OPT_FOLLOW_FILE, "FILE",
				 "follow a text log file like tail -F, reopening it when it\n"
				 "is rotated or truncated (repeatable; plain text only)"),
		CLI_OPT_FLAG(0, "from-start", &from_start, "--follow-file: read what the files already hold first"),
		CLI_OPT_FLAG(0, "no-proc-events", &no_proc_events, "do not follow fork/exec/exit through the proc connector"),
		CLI_OPT_QUIET("no status line or summary on stderr"),
		CLI_OPT_VERBOSE("say which source is used and why, which container goes\n"
				"where, and which containers hold the slots at a limit"),
		CLI_OPT_HELP(),
		CLI_OPT_GROUP("Limits (memory bounds; past one, records are counted, not learned, and said once):", 0),
		CLI_OPT_UINT(0, "max-containers", &C.lim.max_containers, 1, SCL_MAX_CONTAINERS, NULL, "N",
			     "containers known at once, learned or not (default " CLI_STR(SCL_MAX_CONTAINERS) ")"),
		CLI_OPT_UINT(0, "max-pids", &C.lim.max_tracked_pids, 1, SCL_PID_MAX_LIMIT, NULL, "N",
			     "live container processes counted (default " CLI_STR(SCL_MAX_TRACKED_PIDS) ")"),
		CLI_OPT_UINT(0, "max-hosts", &C.lim.max_groups, 1, SCL_MAX_GROUPS, NULL, "N",
			     "--split-by host: hosts (default " CLI_STR(SCL_MAX_GROUPS) ")"),
		CLI_OPT_UINT(0, "forget-after", &forget_after, 1, 86400, NULL, "SEC",
			     "forget a container without a process for SEC seconds\n"
			     "once its profile is written (one not learned: without\n"
			     "a process or record), 1..86400 (default 60); it\n"
			     "resumes from its file if it comes back"),
		CLI_OPT_GROUP("Confinement:", 0),
		CLI_OPTS_CONFINE(&confine),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "collect", options, help, 0 };

	cli_profile_out_init(&C.out);
	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		goto out;
	rc = EXIT_RUNTIME;
	if (first < argc) {
		log_error("collect: unexpected argument '%s'", argv[first]);
		rc = EXIT_USAGE;
		goto out;
	}
	C.split_host = split_host;
	C.interval_ms = (int64_t)interval * 1000;
	if (plain_runc)
		C.flags |= SCL_CGROUP_PLAIN_LEAF;
	if (forget_after)
		C.lim.forget_delay_ms = (int64_t)forget_after * 1000;
	C.opt_containers = C.lim.max_containers != 0;
	C.opt_pids = C.lim.max_tracked_pids != 0;
	C.opt_hosts = C.lim.max_groups != 0;
	rc = EXIT_USAGE;
	if (check_options(&C, all, journal_dir, from_start) < 0)
		goto out;
	rc = EXIT_RUNTIME;
	r = setup(&C, !no_proc_events);
	if (r < 0)
		goto fail;
	if (cli_signals_setup(&sig) < 0) {
		log_error("cannot set up signal handling: %m");
		goto out;
	}
	C.sig_fd = sig.fd;
	collect_watchdog_init(&C);
	r = cli_notify_open();
	if (r < 0 && !cli_quiet)
		log_warn("cannot use NOTIFY_SOCKET: %s; no readiness or watchdog notifications", strerror(-r));
	if (journal_dir) {
		/* before confinement: each file is read in a child process first */
		r = scl_journal_check_dir(journal_dir, collect_journal_damaged, &C);
		if (r == -ENOMEM || r == -ECANCELED)
			goto fail;
		if (r < 0 && !cli_quiet)
			log_warn("cannot check the journal files in '%s' for damage: %s", journal_dir, strerror(-r));
	}
	if (C.n_follows || C.journal) {
		/* files and the journal are opened (and reopened) by path: nothing to keep but reading */
		if (cli_confine(confine, "collect", CLI_CAP(CAP_DAC_READ_SEARCH), collect_dfd(&C)) < 0)
			goto out;
	}
	if (C.n_follows)
		r = collect_files_run(&C, from_start);
	else if (C.journal)
		r = collect_journal_run(&C, journal_dir);
	else if (C.audisp)
		r = collect_audisp_run(&C, confine);
	else
		r = collect_live(&C, &sig, confine, interval);
fail:
	if (r == -ENOMEM)
		log_error("out of memory");
	rc = r >= 0 ? r : EXIT_RUNTIME;
out:
	cli_signals_restore(&sig);
	cli_notify_close();
	return rc;
}
