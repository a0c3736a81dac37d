/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scmplog collect --source audisp (collect.h): as an auditd plugin, the
 * records auditd passes on standard input, a watched fd of the one live loop
 * (cli-loop.h) read in its round, beside the process events.
 */
#include <errno.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/cli-loop.h"
#include "cli/cli-notify.h"
#include "cli/cli.h"
#include "cli/collect.h"
#include "cli/self-confine.h"
#include "scmplog/stream.h"
#include "lib/util.h"

/*
 * One collector per DIR: auditd starts a plugin again while the one before
 * may still be writing its profiles (a restart of auditd: SIGTERM and the end
 * of its input, then a new auditd and a new plugin), and the new one must
 * resume from what that one wrote.  Waits up to 30 s.
 */
int collect_audisp_lock(struct collect *C)
{
	for (int i = 0; i < 300; i++) {
		if (flock(collect_dfd(C), LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		if (i == 0 && cli_verbose)
			log_info("waiting for the collector that writes to '%s' to exit", C->dir);
		(void)poll(NULL, 0, 100);
	}
	log_error("cannot lock output directory '%s': %s", C->dir,
		  errno == EWOULDBLOCK ? "another collector writes to it" : strerror(errno));
	return -1;
}

/*
 * Records missing for an interval are said as they are found, in syslog where
 * auditd says its queue to the plugins overflowed (a hole younger than that
 * may still be a record arriving late, out of serial order).
 */
static void audisp_say_loss(const scl_live_stats *st, uint64_t *prev, uint64_t *said)
{
	uint64_t settled = st->serial_gaps < *prev ? st->serial_gaps : *prev;

	if (settled > *said) {
		log_warn("lost: %llu record%s never reached this plugin (serial gaps; %llu in all): auditd's queue to its "
			 "plugins overflowed (q_depth, overflow_action in auditd.conf) or the kernel dropped them: the "
			 "profiles may be incomplete",
			 (unsigned long long)(settled - *said), settled - *said == 1 ? "" : "s",
			 (unsigned long long)settled);
		*said = settled;
	}
	*prev = st->serial_gaps;
}

struct audisp {
	struct collect *C;
	scl_stream *in;
	int in_fd;
	uint64_t prev, said;  /* audisp_say_loss()'s */
	int64_t deadline;     /* a stop signal: what auditd passed before it is read, 3 s at most; 0: none */
	bool hup;             /* SIGHUP: auditd reconfigured, write the profiles */
};

static int audisp_before_read(void *ud)
{
	return collect_before_read(((struct audisp *)ud)->C);
}

/* SIGHUP writes the profiles; SIGTERM, SIGINT, SIGQUIT end the input's read 3 s later at most. */
static int audisp_signal(void *ud, const struct signalfd_siginfo *si)
{
	struct audisp *A = ud;

	if (si->ssi_signo == SIGHUP)
		A->hup = true;
	else if (!A->deadline)
		A->deadline = scl_now_ms() + 3000;
	return 0;
}

/* Standard input, its end, the interval's write (or SIGHUP's), the gone containers' writes. */
static int audisp_round(void *ud, int64_t now)
{
	static const scl_live_ops ops = { .record = collect_on_record };
	struct audisp *A = ud;
	struct collect *C = A->C;
	scl_live_stats st;
	int r;

	r = scl_stream_dispatch(A->in, &ops, C);
	if (r == -ENOMEM)
		return r;
	if (r == -EPROTO) {
		log_error("standard input is not auditd's string format: set 'format = string' in the plugin's "
			  "configuration (/etc/audit/plugins.d/scmplog.conf)");
		return r;
	}
	if (r < 0) {
		log_error("cannot read standard input: %s", strerror(-r));
		return r;
	}
	now = scl_now_ms();
	if (r == 1 || (A->deadline && now >= A->deadline)) {
		if (cli_verbose)
			log_info(r == 1 ? "end of the input (auditd stopped), writing the profiles"
					: "stopped by a signal before the end of the input, writing the profiles");
		return CLI_LOOP_STOP;
	}
	if (A->hup || now >= C->next_flush) {
		A->hup = false;
		r = collect_interval_flush(C, now);
		if (r == -ENOMEM)
			return r;
		collect_forget_idle(C, now);
		/* not the kernel's lost counter: AUDIT_GET would wait while auditd is behind */
		scl_stream_stats(A->in, false, &st);
		audisp_say_loss(&st, &A->prev, &A->said);
		collect_notify_status(C, scl_live_stats_lost(&st));
	}
	r = collect_gone(C, now);
	return r == -ENOMEM ? r : 0;
}

static int64_t audisp_due(void *ud, int64_t now)
{
	struct audisp *A = ud;
	int64_t due = collect_next_due(A->C);

	(void)now;
	return A->deadline && A->deadline < due ? A->deadline : due;
}

/*
 * Read standard input until its end (auditd stopped or dropped the plugin),
 * or 3 s after SIGTERM, SIGINT or SIGQUIT (auditd sends SIGTERM before it
 * closes the socket: what it passed is read first); SIGHUP (auditd
 * reconfigured) writes the profiles.  Returns the failed writes of the last
 * flush, -ENOMEM, or -1 after logging an error.
 */
static int collect_audisp(struct collect *C, scl_stream *in)
{
	static const struct cli_loop_ops ops = {
		.before_read = audisp_before_read, .round = audisp_round, .signal = audisp_signal, .due = audisp_due,
	};
	struct audisp A = { .C = C, .in = in, .in_fd = STDIN_FILENO };
	int conn_fd = C->conn ? scl_proc_conn_fd(C->conn) : -1;
	int r;

	cli_loop_init(&C->loop, NULL, C->sig_fd, &ops, &A);
	C->loop.watchdog_ms = C->watchdog_ms;
	(void)cli_loop_watch(&C->loop, &A.in_fd);
	(void)cli_loop_watch(&C->loop, &conn_fd);
	C->next_flush = scl_now_ms() + C->interval_ms;
	collect_notify_status(C, 0);
	r = cli_loop_run(&C->loop);
	if (r < 0)
		return r == -ENOMEM ? r : -1;
	return collect_flush(C, true);
}

/* Set up, confine, collect, report: the exit status, or -ENOMEM, or -1 after an error was logged. */
int collect_audisp_run(struct collect *C, enum cli_confine_mode confine)
{
	scl_stream *in = NULL;
	scl_live_stats st;
	int r;

	r = cli_log_syslog_open();
	if (r < 0 && cli_verbose)
		log_info("no syslog to write to (/dev/log: %s): messages go to standard error only", strerror(-r));
	/* the kernel's lost counter: AUDIT_GET needs CAP_AUDIT_CONTROL, kept for it */
	r = scl_stream_new(STDIN_FILENO, true, &in);
	if (r < 0)
		return r;
	/* standard input is open already: nothing to keep but reading /proc and DIR */
	if (cli_confine(confine, "collect",
			CLI_CAP(CAP_DAC_READ_SEARCH) | CLI_CAP(CAP_AUDIT_CONTROL) | (C->conn ? CLI_CAP(CAP_NET_ADMIN) : 0),
			collect_dfd(C)) < 0) {
		scl_stream_free(in);
		return -1;
	}
	if (cli_verbose)
		log_info("collecting the records auditd passes on standard input into '%s', writing every %llu s", C->dir,
			 (unsigned long long)(C->interval_ms / 1000));
	r = collect_audisp(C, in);
	if (r < 0) {
		scl_stream_free(in);
		return r;
	}
	scl_stream_stats(in, true, &st);
	r = collect_finish(C, r, "from auditd", &st);
	if (st.serial_gaps)
		log_warn("lost: %llu record%s never reached this plugin (serial gaps): auditd drops what its queue to the "
			 "plugins cannot take (q_depth, overflow_action in auditd.conf; it logs 'queue to plugins is "
			 "full - dropping event'), or the kernel dropped them",
			 (unsigned long long)st.serial_gaps, st.serial_gaps == 1 ? "" : "s");
	if (scl_stream_untracked(in))
		log_warn("%llu records of nodes past SCL_MAX_STREAM_NODES (%d): their serials were not counted, loss "
			 "among them unknown",
			 (unsigned long long)scl_stream_untracked(in), SCL_MAX_STREAM_NODES);
	scl_stream_free(in);
	return r;
}
