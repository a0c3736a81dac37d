/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/capability.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/cli-live.h"
#include "cli/cli-loop.h"
#include "cli/cli-notify.h"
#include "cli/cli-spawn.h"
#include "cli/cli.h"
#include "lib/util.h"

/* How a round ended: bits. */
enum { ROUND_STOP = 1, ROUND_SIGNAL_STOP = 2 };

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

void cli_loop_init(struct cli_loop *L, struct cli_live *live, int sig_fd, const struct cli_loop_ops *ops, void *ud)
{
	static const struct cli_loop_ops none = { 0 };

	memset(L, 0, sizeof(*L));
	L->live = live;
	L->sig_fd = sig_fd;
	L->ops = ops ? ops : &none;
	L->ud = ud;
	L->last_progress = scl_now_ms();
}

int cli_loop_watch(struct cli_loop *L, const int *fd)
{
	if (L->n_watch == CLI_LOOP_MAX_FDS)
		return -E2BIG;
	L->watch[L->n_watch++] = fd;
	return 0;
}

/* One round (cli-loop.h), waking at `wake` at the latest.  Returns ROUND_* bits or a hook's failure. */
static int loop_round(struct cli_loop *L, int64_t wake)
{
	struct pollfd pf[2 + CLI_LOOP_MAX_FDS];
	struct signalfd_siginfo si;
	const struct cli_loop_ops *o = L->ops;
	int64_t now = scl_now_ms(), due = wake, t;
	nfds_t n = 0;
	int r, stop = 0;

	if (L->live)
		pf[n++] = (struct pollfd){ cli_live_fd(L->live), POLLIN, 0 };
	if (L->sig_fd >= 0)
		pf[n++] = (struct pollfd){ L->sig_fd, POLLIN, 0 };
	for (size_t i = 0; i < L->n_watch; i++)
		pf[n++] = (struct pollfd){ *L->watch[i], POLLIN, 0 }; /* poll() passes over a negative fd */
	if (o->due)
		due = min64(due, o->due(L->ud, now));
	if (L->watchdog_ms)
		due = min64(due, L->next_watchdog);
	t = due == INT64_MAX ? -1 : due > now ? due - now : 0;
	if (L->live) {
		int lp = cli_live_poll_ms(L->live);
		if (lp >= 0 && (t < 0 || t > lp))
			t = lp;
	}
	if (poll(pf, n, (int)(t > 60000 ? 60000 : t)) < 0 && errno != EINTR) {
		r = -errno;
		log_error("poll: %s", strerror(-r));
		return r;
	}
	if (o->before_read) {
		r = o->before_read(L->ud);
		if (r < 0)
			return r;
		if (r == CLI_LOOP_STOP)
			stop |= ROUND_STOP;
	}
	if (L->live) {
		r = cli_live_dispatch(L->live, &L->live_ops, L->ud);
		if (r < 0 && r != -ECANCELED) {
			if (r != -ENOMEM)
				log_error("cannot read audit records: %s", strerror(-r));
			return r;
		}
		if (r != 0)
			L->last_progress = scl_now_ms();
	}
	while (L->sig_fd >= 0 && read(L->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue; /* ops->round reaps */
		r = o->signal ? o->signal(L->ud, &si) : CLI_LOOP_STOP;
		if (r < 0)
			return r;
		if (r == CLI_LOOP_STOP)
			stop |= ROUND_SIGNAL_STOP;
	}
	now = scl_now_ms();
	if (o->round) {
		r = o->round(L->ud, now);
		if (r < 0)
			return r;
		if (r == CLI_LOOP_STOP)
			stop |= ROUND_STOP;
	}
	if (L->watchdog_ms && now >= L->next_watchdog) {
		(void)cli_notify("WATCHDOG=1");
		L->next_watchdog = now + L->watchdog_ms;
	}
	return stop;
}

int cli_loop_run(struct cli_loop *L)
{
	int r;

	(void)cli_notify("READY=1");
	L->next_watchdog = scl_now_ms();
	do
		r = loop_round(L, INT64_MAX);
	while (r == 0);
	if (r < 0)
		return r;
	(void)cli_notify("STOPPING=1");
	return 0;
}

int cli_loop_drain(struct cli_loop *L, int64_t hard_ms, bool *unconfirmed, int64_t *ms)
{
	int64_t start = scl_now_ms(), now, hard, deadline, resend;
	bool blind = false, cut = false;
	int r;

	if (!L->live) {
		*unconfirmed = false;
		*ms = 0;
		return 0;
	}
	L->draining = true;
	r = cli_live_drain_start(L->live);
	if (r < 0) {
		if (!cli_quiet || r != -EOPNOTSUPP)
			log_warn("cannot send the drain marker (%s): waiting %d s instead", strerror(-r),
				 CLI_DRAIN_BLIND_MS / 1000);
		blind = true;
		hard = start + min64(CLI_DRAIN_BLIND_MS, hard_ms);
		resend = INT64_MAX;
	} else {
		hard = start + hard_ms;
		resend = start + CLI_DRAIN_RESEND_MS;
	}
	deadline = min64(start + CLI_DRAIN_QUIET_MS, hard);
	for (;;) {
		r = loop_round(L, min64(deadline, resend));
		if (r < 0) {
			L->draining = false;
			return r;
		}
		now = scl_now_ms();
		if (!blind && cli_live_drained(L->live))
			break;
		if (r & ROUND_SIGNAL_STOP) {
			log_warn("stopped before the drain marker came back (a second signal)");
			cut = true;
			break;
		}
		/* keep waiting while records still come, up to the hard limit */
		if (L->last_progress + CLI_DRAIN_QUIET_MS > deadline)
			deadline = min64(L->last_progress + CLI_DRAIN_QUIET_MS, hard);
		if (now >= deadline) {
			if (!blind)
				log_warn("the drain marker did not come back within %lld s", (long long)((now - start) / 1000));
			cut = true;
			break;
		}
		if (now >= resend) {
			(void)cli_live_drain_start(L->live);
			resend = now + CLI_DRAIN_RESEND_MS;
		}
	}
	L->draining = false;
	*unconfirmed = blind || cut;
	*ms = now - start;
	return 0;
}

bool cli_loop_report_loss(const scl_live_stats *st, bool new_tasks, bool unconfirmed, const char *what,
			  const char *hint)
{
	uint64_t lost = new_tasks ? scl_live_stats_lost_new_tasks(st) : scl_live_stats_lost(st);
	bool said = lost || unconfirmed || st->malformed;

	if (st->malformed && !cli_quiet)
		log_warn("%llu SECCOMP record%s could not be parsed (not attributed)", (unsigned long long)st->malformed,
			 st->malformed == 1 ? "" : "s");
	if (said)
		log_warn("records were lost or may be missing: %s may be incomplete%s", what, hint);
	if (lost)
		cli_live_report_lost(st,
				     !st->lost_known ? " (unknown)" :
				     new_tasks && scl_live_kernel_lost_not_ours(st) ? " (system-wide, not ours)" :
				     " (system-wide)",
				     "");
	if (unconfirmed)
		log_warn("the end was not confirmed: records still queued in the kernel may not have been read");
	cli_live_report_overflows(st);
	cli_live_report_slot(st);
	return said;
}

/* ---- explain --follow ---- */

struct follow {
	int (*cb)(void *ud, const scl_record *rec);
	void *ud;
	int stop; /* 1 stop ok, -1 stop error */
	struct cli_loop *loop;
};

static int follow_record(void *ud, const scl_record *rec)
{
	struct follow *f = ud;
	int r = f->cb(f->ud, rec);

	if (r == 0)
		return 0;
	f->stop = r > 0 ? 1 : -1;
	return -ECANCELED;
}

static int follow_round(void *ud, int64_t now)
{
	struct follow *f = ud;

	(void)now;
	if (!f->stop)
		return 0;
	f->loop->live_ops.record = NULL; /* the callback asked: no more records, also while draining */
	return CLI_LOOP_STOP;
}

int cli_follow_records(int (*cb)(void *ud, const scl_record *rec), void *ud, const char *source,
		       enum cli_confine_mode confine)
{
	static const struct cli_loop_ops ops = { .round = follow_round };
	enum cli_source want = CLI_SOURCE_AUTO;
	struct cli_signals sig = { .fd = -1 };
	struct cli_live lv = { 0 };
	struct cli_loop L;
	struct follow f = { cb, ud, 0, &L };
	scl_live_stats st;
	bool unconfirmed;
	int64_t ms;
	int rc = EXIT_RUNTIME, r;

	if (source && cli_source_parse(source, &want) < 0)
		return EXIT_USAGE;
	if (cli_signals_setup(&sig) < 0) {
		log_error("cannot set up signal handling: %m");
		return EXIT_RUNTIME;
	}
	if (cli_live_open(&lv, want, 0) < 0)
		goto out;
	/* kept: restoring the audit settings, the drain marker, the /dev/kmsg fallback */
	if (cli_confine(confine, "explain",
			CLI_CAP(CAP_AUDIT_CONTROL) | CLI_CAP(CAP_AUDIT_READ) | CLI_CAP(CAP_AUDIT_WRITE) | CLI_CAP(CAP_SYSLOG),
			-1) < 0)
		goto out;
	cli_loop_init(&L, &lv, sig.fd, &ops, &f);
	L.live_ops.record = follow_record;
	r = cli_loop_run(&L);
	if (r == 0 && f.stop >= 0)
		r = cli_loop_drain(&L, CLI_DRAIN_STOP_MS, &unconfirmed, &ms);
	if (r == -ENOMEM)
		log_error("out of memory");
	if (r < 0 || f.stop < 0)
		goto out;
	rc = EXIT_OK;
	if (cli_live_stats(&lv, &st) == 0)
		(void)cli_loop_report_loss(&st, false, unconfirmed, "the denials listed", "");
out:
	if (cli_live_close(&lv) < 0)
		rc = EXIT_RUNTIME;
	cli_signals_restore(&sig);
	return rc;
}
