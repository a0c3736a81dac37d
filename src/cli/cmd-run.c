/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli-input.h"
#include "cli/cli-learn.h"
#include "cli/cli-live.h"
#include "cli/cli-loop.h"
#include "cli/cli-options.h"
#include "cli/cli-spawn.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "cli/self-confine.h"
#include "scmplog/filter.h"
#include "scmplog/learn.h"
#include "scmplog/num.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "lib/util.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog run [OPTIONS] -- CMD [ARGS...]\n\n"
	       "Learn CMD's seccomp profile live from the kernel.  CMD runs with no_new_privs under\n"
	       "a filter whose default action is SCMP_ACT_LOG (native architecture and its\n"
	       "sub-architectures: on x86_64 also x86 and x32), in a new audit session: its\n"
	       "loginuid is written again (its current value, or its uid when unset), which gives\n"
	       "it a fresh session id that every descendant inherits.  Only records of that\n"
	       "session are learned: CMD's whole process tree, short-lived grandchildren\n"
	       "included, and nothing else running at the same time.  scmplog waits for the whole\n"
	       "tree to exit, then makes sure every record the kernel queued was read before it\n"
	       "writes the profile.  A process of the tree that starts an audit session of its\n"
	       "own (pam_loginuid: login, su -l) is followed only while audit is enabled\n"
	       "(auditctl -e 1), as the kernel logs the change only then.\n\n");
	cli_options_help(stdout, options);
	printf("Once CMD is started, scmplog keeps CAP_AUDIT_CONTROL, CAP_AUDIT_READ,\n"
	       "CAP_AUDIT_WRITE, CAP_SYSLOG (the /dev/kmsg fallback), CAP_KILL and\n"
	       "CAP_DAC_READ_SEARCH (and CAP_DAC_OVERRIDE if the output's directory is not its\n"
	       "own) and runs under its own seccomp allowlist.\n\n"
	       "Processes CMD leaves behind are reparented to scmplog (a child subreaper),\n"
	       "learned and waited for.  Every audit setting changed is restored on exit\n"
	       "(normal, error, SIGINT, SIGTERM); SIGINT, SIGTERM, SIGHUP and SIGQUIT are\n"
	       "passed on to CMD.  Needs root (CAP_AUDIT_CONTROL, CAP_AUDIT_READ,\n"
	       "CAP_AUDIT_WRITE) and /proc/sys/kernel/seccomp/actions_logged to contain 'log'.\n\n"
	       "Exit status: CMD's (128+N if killed by signal N); 1 if records were lost (without\n"
	       "--allow-loss) or on errors; 2 usage; 126/127 if CMD could not be executed.\n");
}

/* --source: opt->value is the enum cli_source */
static int source_cb(const struct cli_option *opt, const char *arg)
{
	return cli_source_parse(arg, opt->value);
}

/* Distinct (arch, nr) for the status line. */
struct keyset {
	uint64_t *k;
	size_t cap, n;
};

static void keyset_add(struct keyset *s, uint64_t key)
{
	size_t i;

	key++; /* 0 marks an empty slot */
	if (s->n * 2 >= s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		uint64_t *nk = calloc(ncap, sizeof(*nk));
		if (!nk)
			return; /* only the status line suffers */
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->k[j])
				continue;
			for (i = (s->k[j] * 0x9e3779b97f4a7c15ULL >> 20) & (ncap - 1); nk[i]; i = (i + 1) & (ncap - 1))
				;
			nk[i] = s->k[j];
		}
		free(s->k);
		s->k = nk;
		s->cap = ncap;
	}
	for (i = (key * 0x9e3779b97f4a7c15ULL >> 20) & (s->cap - 1); s->k[i]; i = (i + 1) & (s->cap - 1))
		if (s->k[i] == key)
			return;
	s->k[i] = key;
	s->n++;
}

struct run {
	scl_learn *learn;
	struct cli_child child;
	bool ses_known;
	uint32_t *ses;             /* the command's session, and sessions it started */
	size_t n_ses;
	int child_error;           /* exit code after a child failure report, 0 if none */
	struct cli_child_msg error_msg;
	uint64_t records, others, denied_live, unselected;
	const struct cli_filter *select; /* --exe, --comm: NULL if none */
	struct keyset distinct;
	int oom;
	/* the loop's view */
	struct cli_loop *loop;
	struct cli_live *live;
	bool tty, child_alive, tree_done;
	int child_status;
	int64_t last_status, next_status;
	uint64_t last_records;
};

static bool ses_known_id(const struct run *R, uint32_t ses)
{
	for (size_t i = 0; i < R->n_ses; i++)
		if (R->ses[i] == ses)
			return true;
	return false;
}

static int add_ses(struct run *R, uint32_t ses)
{
	uint32_t *n;

	if (ses_known_id(R, ses))
		return 0;
	n = realloc(R->ses, (R->n_ses + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	R->ses = n;
	R->ses[R->n_ses++] = ses;
	return 0;
}

/* Read what the child said.  Called before looking at records read since the last call. */
static int poll_child(struct run *R)
{
	struct cli_child_msg m;

	/* until none is pending (0) or the pipe is closed (-EPIPE: the command ran or died) */
	while (cli_child_read(&R->child, &m) > 0) {
		if (m.kind == CLI_CHILD_SESSION) {
			if (add_ses(R, m.value) < 0)
				return -ENOMEM;
			R->ses_known = true;
		} else if (!R->child_error) {
			R->error_msg = m;
			R->child_error = 1;
		}
	}
	return 0;
}

static int on_record(void *ud, const scl_record *rec)
{
	struct run *R = ud;
	int r;

	/*
	 * The child reports its session before it installs the filter, so a
	 * record of it that we hold now was made after the report was written:
	 * reading the pipe now (after the record) cannot miss it.
	 */
	if (!R->ses_known && poll_child(R) < 0)
		return -ENOMEM;
	if (!R->ses_known || !(rec->fields & SCL_F_SES) || !ses_known_id(R, rec->ses)) {
		R->others++;
		return 0;
	}
	if (R->select && !cli_filter_selected(R->select, rec)) {
		R->unselected++;
		return 0;
	}
	R->records++;
	r = scl_learn_add(R->learn, rec, "", 0);
	if (r < 0)
		return r;
	if (scl_record_action(rec) != SCL_ACT_LOG)
		R->denied_live++;
	keyset_add(&R->distinct, (uint64_t)rec->arch << 32 | rec->syscall);
	return 0;
}

static int on_session(void *ud, uint32_t old_ses, uint32_t new_ses)
{
	struct run *R = ud;

	/* A task of ours started its own session (pam_loginuid): follow it. */
	if (R->ses_known && ses_known_id(R, old_ses) && new_ses != UINT32_MAX)
		return add_ses(R, new_ses);
	return 0;
}

/* The observation window's clock: epoch milliseconds, 0 if unavailable. */
static uint64_t realtime_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || ts.tv_sec < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void status_line(const struct run *R, uint64_t rate, uint64_t lost, bool draining)
{
	fprintf(stderr, "\r\033[Kscmplog: %llu records (%llu/s), %zu syscalls, %llu lost%s",
		(unsigned long long)R->records, (unsigned long long)rate, R->distinct.n, (unsigned long long)lost,
		draining ? ", draining" : "");
	fflush(stderr);
}

/* ---- run's configuration of the live loop (cli-loop.h) ---- */

/*
 * Signals go to the command while it lives, then to what is left of its
 * session.  The drain comes once the whole tree is gone: a signal then (a
 * second Ctrl-C) has no one to go to and stops the waiting, unconfirmed.
 */
static int run_signal(void *ud, const struct signalfd_siginfo *si)
{
	struct run *R = ud;

	if (R->loop->draining)
		return CLI_LOOP_STOP;
	if (poll_child(R) < 0)
		return -ENOMEM;
	cli_forward_signal(&R->child, R->child_alive, R->ses_known ? R->ses[0] : UINT32_MAX, (int)si->ssi_signo,
			   si->ssi_code);
	return 0;
}

/* The child's pipe, reaping, the status line; the loop stops once the whole tree is gone. */
static int run_round(void *ud, int64_t now)
{
	struct run *R = ud;

	if (poll_child(R) < 0)
		return -ENOMEM;
	/* Reap everything that exited; ECHILD: the whole tree is gone. */
	while (!R->tree_done) {
		int ws;
		pid_t w = waitpid(-1, &ws, WNOHANG);

		if (w > 0) {
			if (w == R->child.pid) {
				R->child_status = ws;
				R->child_alive = false;
			}
			continue;
		}
		if (w < 0 && errno == ECHILD)
			R->tree_done = true;
		break;
	}
	if (R->tty && now >= R->next_status) {
		scl_live_stats st;
		uint64_t lost = 0;

		if (cli_live_progress(R->live, &st) == 0)
			lost = scl_live_stats_lost_new_tasks(&st);
		status_line(R, (R->records - R->last_records) * 1000 / (uint64_t)(now > R->last_status ? now - R->last_status : 1),
			    lost, R->loop->draining);
		R->last_records = R->records;
		R->last_status = now;
		R->next_status = now + 500;
	}
	return R->tree_done ? CLI_LOOP_STOP : 0;
}

static int64_t run_due(void *ud, int64_t now)
{
	const struct run *R = ud;

	(void)now;
	return R->tty ? R->next_status : INT64_MAX;
}

/* The directory the profile goes to (O_PATH), -1 for stdout or if it cannot be opened. */
static int out_dirfd(const struct cli_profile_out *o)
{
	const char *slash;
	_cleanup_free_ char *dir = NULL;

	if (!o->output || !strcmp(o->output, "-"))
		return -1;
	slash = strrchr(o->output, '/');
	if (!slash)
		return open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	dir = strndup(o->output, slash == o->output ? 1 : (size_t)(slash - o->output));
	if (!dir)
		return -1;
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Names in p that base lacks. */
static size_t count_new(const scl_profile *p, const scl_profile *base)
{
	scl_profile_syscall *sc = NULL;
	size_t n = 0, fresh = 0;

	if (scl_profile_syscalls(p, &sc, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!base || !scl_profile_allows(base, sc[i].name))
			fresh++;
	free(sc);
	return fresh;
}

int cmd_run(int argc, char **argv)
{
	struct cli_profile_out out;
	struct cli_signals sig = { .fd = -1 };
	struct cli_live lv = { 0 };
	struct cli_learn lb = { 0 };
	struct run R = { .child = { .pid = -1, .msg_fd = -1 } };
	_cleanup_(scl_profile_freep) scl_profile *base = NULL;
	_cleanup_(scl_profile_freep) scl_profile *known = NULL;
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_(scl_filter_freep) scl_filter *filter = NULL;
	const char *merge = NULL, *allow_known = NULL, *stats = NULL;
	_cleanup_free_ char *prog = NULL;
	enum cli_source source = CLI_SOURCE_AUTO;
	scl_filter_stats fst;
	scl_live_stats st = { 0 };
	scl_learn_entry *ent = NULL;
	long n_ent;
	int rcvbuf = 0;
	struct cli_filter sel = { 0 };
	enum cli_confine_mode confine = CLI_CONFINE_UNSET;
	bool no_filter = false;
	static const struct cli_loop_ops loop_ops = { .round = run_round, .signal = run_signal, .due = run_due };
	struct cli_loop L;
	bool allow_loss = false, drain_failed = false, spawned = false, incomplete;
	int first, r, rc = EXIT_RUNTIME;
	int64_t drain_ms = 0;
	uint64_t lost = 0, window_first = 0, window_last = 0;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Output:", 0),
		CLI_OPTS_PROFILE_OUT(&out),
		CLI_OPTS_PROFILE_PORTABLE(&out),
		CLI_OPTS_PROFILE_ACTION(&out),
		CLI_OPT_STRING(0, "merge", &merge, "PROFILE", "union with an existing profile (incremental learning)"),
		CLI_OPT_STRING(0, "allow-known", &allow_known, "PROFILE",
			       "complain mode: PROFILE's syscalls are allowed without\n"
			       "logging, the rest logged; the output is PROFILE plus\n"
			       "what is new"),
		CLI_OPT_STRING(0, "stats", &stats, "FILE",
			       "write per-syscall record and run counts to FILE; with\n"
			       "--merge, an existing FILE is read first (the counts add up)"),
		CLI_OPT_GROUP("Collecting:", 0),
		CLI_OPT_CALLBACK(0, "source", source_cb, &source, 0, "SOURCE",
				 "auto (default), daemon, multicast or kmsg:\n"
				 "daemon registers as the audit daemon (only when none is\n"
				 "registered; raises the backlog limit and wait time for\n"
				 "the run) and loses nothing, but slows CMD down when it\n"
				 "logs faster than we read; multicast reads beside auditd\n"
				 "or journald; kmsg follows /dev/kmsg where neither works\n"
				 "(printk drops most records of a burst). auto: daemon if\n"
				 "the slot is free, else multicast, else kmsg.  The slot\n"
				 "is watched: a refused registration of another daemon is\n"
				 "reported; a slot lost mid-run means multicast from then\n"
				 "on (kmsg if that fails), the gap counted as lost"),
		CLI_OPT_FLAG(0, "allow-loss", &allow_loss,
			     "exit with CMD's status even if records were lost (serial\n"
			     "gaps, receive overflows, printk suppression, a lost daemon\n"
			     "slot, the kernel's lost counter unless none of it can\n"
			     "have been CMD's)"),
		CLI_OPT_UINT(0, "rcvbuf", &rcvbuf, 1, INT32_MAX / 2, "bytes", "BYTES",
			     "netlink receive buffer (default 64 MiB; the kernel doubles it)"),
		CLI_OPT_FLAG(0, "no-filter", &no_filter,
			     "install no filter: CMD (or its runtime) installs its own\n"
			     "SCMP_ACT_LOG filter, and its tree's records are learned"),
		CLI_OPT_CALLBACK(0, "exe", cli_filter_option_cb, &sel, OPT_EXE, "PATH",
				 "learn only records whose exe= is PATH (repeatable)"),
		CLI_OPT_CALLBACK(0, "comm", cli_filter_option_cb, &sel, OPT_COMM, "NAME",
				 "learn only records whose comm= is NAME (repeatable)"),
		CLI_OPT_QUIET("no status line or summary on stderr"),
		CLI_OPT_VERBOSE("say which source is used and why, the receive buffer\n"
				"the kernel set, the collector's CPU time"),
		CLI_OPT_HELP(),
		CLI_OPT_GROUP("Confinement:", 0),
		CLI_OPTS_CONFINE(&confine),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "run", options, help, CLI_OPTIONS_STOP_AT_OPERAND };

	cli_profile_out_init(&out);
	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		goto out;
	rc = EXIT_RUNTIME;
	if (first >= argc) {
		log_error("run: no command given (scmplog run [OPTIONS] -- CMD [ARGS...])");
		rc = EXIT_USAGE;
		goto out;
	}
	/* -o over --merge or --allow-known is the update in place; --stats over a profile is a mistake */
	if (cli_refuse_same_file(stats, "--stats", out.output, "the -o profile") < 0 ||
	    cli_refuse_same_file(stats, "--stats", merge, "the --merge profile") < 0 ||
	    cli_refuse_same_file(stats, "--stats", allow_known, "the --allow-known profile") < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (merge && (cli_profile_read(merge, &base) < 0 || cli_profile_narrow_native(base, merge, false) < 0))
		goto out;
	if (merge && stats && strcmp(stats, "-") && cli_profile_read_base_stats(stats, base) < 0)
		goto out;
	if (allow_known && (cli_profile_read(allow_known, &known) < 0 || cli_profile_narrow_native(known, allow_known, false) < 0))
		goto out;
	r = cli_find_program(argv[first], &prog);
	if (r < 0) {
		log_error("cannot execute '%s': %s", argv[first], strerror(-r));
		rc = r == -ENOENT ? 127 : 126;
		goto out;
	}
	if (no_filter && allow_known) {
		log_error("run: --allow-known needs the filter that --no-filter leaves out");
		rc = EXIT_USAGE;
		goto out;
	}
	if (sel.n_exes || sel.n_comms)
		R.select = &sel;
	r = no_filter ? 0 : scl_filter_new_log(known, &filter, &fst);
	if (r < 0) {
		log_error("cannot build the log filter: %s%s", strerror(-r),
			  r == -EOPNOTSUPP ? " (SCMP_ACT_LOG needs Linux 4.14 and libseccomp 2.4)" : "");
		goto out;
	}
	if (known && fst.unknown && !cli_quiet)
		log_warn("%zu syscall name%s of '%s' unknown to libseccomp here: they will be logged", fst.unknown,
			 fst.unknown == 1 ? "" : "s", allow_known);
	if (scl_learn_new(&R.learn) < 0 || cli_learn_init(&lb) < 0)
		goto oom;
	R.tty = isatty(STDERR_FILENO) && !cli_quiet;

	if (cli_signals_setup(&sig) < 0) {
		log_error("cannot set up signal handling: %m");
		goto out;
	}
	if (cli_live_open(&lv, source, rcvbuf) < 0)
		goto out;
	/* Orphaned grandchildren come to us, so the whole tree is waited for. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		log_error("cannot become a child subreaper: %m");
		goto out;
	}
	window_first = realtime_ms();
	r = cli_spawn(filter, prog, argv + first, true, &sig, &R.child);
	if (r < 0) {
		log_error("cannot start '%s': %s", argv[first], strerror(-r));
		goto out;
	}
	spawned = R.child_alive = true;
	/*
	 * CMD runs: from here on we read records, wait, pass signals on and
	 * write the profile.  Confinement failing stops CMD (see out:).
	 */
	{
		int dfd = out_dirfd(&out);

		r = cli_confine(confine, "run",
				CLI_CAP(CAP_AUDIT_CONTROL) | CLI_CAP(CAP_AUDIT_READ) | CLI_CAP(CAP_AUDIT_WRITE) | CLI_CAP(CAP_SYSLOG) |
					CLI_CAP(CAP_KILL) | CLI_CAP(CAP_DAC_READ_SEARCH),
				dfd);
		if (dfd >= 0)
			close(dfd);
		if (r < 0)
			goto out;
	}
	cli_loop_init(&L, &lv, sig.fd, &loop_ops, &R);
	L.live_ops = (scl_live_ops){ .record = on_record, .session = on_session };
	if (cli_loop_watch(&L, &R.child.msg_fd) < 0)
		goto out;
	R.loop = &L;
	R.live = &lv;
	R.last_status = scl_now_ms();
	R.next_status = R.last_status + 500;
	r = cli_loop_run(&L);
	if (r == -ENOMEM)
		goto oom;
	if (r < 0)
		goto out;
	window_last = realtime_ms();
	/* Drain: our marker comes back behind every record queued before it. */
	if (!R.child_error) {
		(void)poll_child(&R);
		r = cli_loop_drain(&L, CLI_DRAIN_END_MS, &drain_failed, &drain_ms);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0)
			goto out;
	}
	if (R.tty)
		fputs("\r\033[K", stderr);
	if (cli_live_stats(&lv, &st) < 0)
		memset(&st, 0, sizeof(st));
	if (cli_live_close(&lv) < 0)
		goto out;
	cli_signals_restore(&sig);

	if (R.child_error) {
		rc = cli_child_report(&R.error_msg, argv[first]);
		goto out;
	}

	/* The profile: what the tree did, with --allow-known and --merge. */
	n_ent = scl_learn_entries(R.learn, &ent);
	if (n_ent < 0)
		goto oom;
	if (scl_profile_new(&p) < 0)
		goto oom;
	r = cli_learn_to_profile(&lb, ent, (size_t)n_ent, p);
	if (r < 0)
		goto fail_r;
	{
		/* the tree started after the source opened: the kernel's lost counter can be ruled out */
		uint64_t gone = scl_live_stats_lost_new_tasks(&st) + st.malformed;
		scl_profile_run info = {
			.has_lost = !drain_failed || gone, /* an unconfirmed end: the loss is not known */
			.lost = gone,
			.has_window = window_first && window_last >= window_first,
			.first_ms = window_first,
			.last_ms = window_last,
		};

		if (scl_profile_mark_run_info(p, &info) < 0)
			goto oom;
	}
	if (known)
		scl_profile_clear_stats(known); /* allowed, not observed: no run, no incidence */
	{
		_cleanup_(scl_profile_freep) scl_profile *before = NULL;
		size_t fresh;

		if (scl_profile_new(&before) < 0)
			goto oom;
		if ((known && scl_profile_merge(before, known) < 0) || (base && scl_profile_merge(before, base) < 0))
			goto oom;
		fresh = count_new(p, before);
		if (known && (r = scl_profile_merge(p, known)) < 0)
			goto fail_r;
		if (base && (r = scl_profile_merge(p, base)) < 0)
			goto fail_r;
		if (scl_profile_count(p) == 0) {
			log_error("no SECCOMP records of '%s' were received (is 'log' in /proc/sys/kernel/seccomp/actions_logged?)",
				  argv[first]);
			goto out;
		}
		r = cli_profile_finish(&out, p, NULL, 0);
		if (r < 0)
			goto fail_r;
		if (cli_profile_write_with_stats(&out, p, stats) < 0)
			goto out;

		/* the tree started after the source opened: the kernel's lost counter can be ruled out */
		lost = scl_live_stats_lost_new_tasks(&st);
		if (!cli_quiet) {
			char extra[96] = "";
			if (known || base)
				snprintf(extra, sizeof(extra), " (%zu new since %s)", fresh,
					 known && base ? "--allow-known/--merge" : known ? "--allow-known" : "--merge");
			log_info("%llu records of '%s' read %s, %zu syscalls in the profile%s, %llu lost%s",
				 (unsigned long long)R.records, argv[first], cli_live_name(&lv), scl_profile_count(p), extra,
				 (unsigned long long)lost, drain_failed ? " (end not confirmed)" : "");
		}
	}
	if (cli_verbose && !R.child_error && !drain_failed)
		log_info("drained %lld ms after the command's end (the drain marker back, late records below it awaited)",
			 (long long)drain_ms);
	if (cli_verbose) {
		/* the collector's own cost, apart from CMD's (children are not included) */
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			log_info("collector CPU: %ld.%03ld s user, %ld.%03ld s system, max RSS %ld KiB",
				 (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec / 1000, (long)ru.ru_stime.tv_sec,
				 (long)ru.ru_stime.tv_usec / 1000, ru.ru_maxrss);
	}
	if (lb.denied && !cli_quiet)
		log_info("left out %llu denial record%s of the command's own filters", (unsigned long long)lb.denied,
			 lb.denied == 1 ? "" : "s");
	cli_learn_report_unknown(&lb, false);
	if (scl_live_kernel_lost_not_ours(&st) && !cli_quiet) {
		if (!st.serial_gaps)
			log_info("note: the kernel's lost counter grew by %llu during the run, by no record of '%s': "
				 "every audit serial number arrived and no task waited out the backlog (an audit daemon "
				 "that stalls loses records that multicast still delivers)",
				 (unsigned long long)st.kernel_lost, argv[first]);
		else
			log_info("note: the kernel's lost counter grew by %llu during the run; not added to the loss: "
				 "a record lost after getting its serial number is a serial gap, and no task waited out "
				 "the backlog",
				 (unsigned long long)st.kernel_lost);
	}
	incomplete = cli_loop_report_loss(&st, true, drain_failed, "the profile",
					  allow_loss ? "" : " (exit status 1; --allow-loss to accept)");
	rc = cli_exit_code(R.child_status);
	if (incomplete && !allow_loss && rc == 0)
		rc = EXIT_RUNTIME;
	goto out;

oom:
	r = -ENOMEM;
fail_r:
	rc = cli_profile_build_failed(r);
out:
	if (spawned && R.child_alive) {
		/* An error while the command runs: stop it rather than leave it unwatched. */
		kill(R.child.pid, SIGTERM);
	}
	cli_live_close(&lv);
	cli_signals_restore(&sig);
	if (R.child.msg_fd >= 0)
		close(R.child.msg_fd);
	free(ent);
	cli_filter_free(&sel);
	free(R.ses);
	free(R.distinct.k);
	scl_learn_free(R.learn);
	cli_learn_done(&lb);
	cli_profile_out_free(&out);
	return rc;
}
