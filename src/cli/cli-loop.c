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
#include "cli/cli-spawn.h"
#include "cli/cli.h"
#include "lib/util.h"

/* ---- follow ---- */

struct follow {
	int (*cb)(void *ud, const scl_record *rec);
	void *ud;
	int stop; /* 1 stop ok, -1 stop error */
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

static void report_loss(const scl_live_stats *st, bool drain_failed, const char *what)
{
	uint64_t lost = scl_live_stats_lost(st);

	if (!lost && !drain_failed)
		return;
	if (lost)
		log_warn("%llu record%s may have been lost%s: kernel lost counter +%llu%s, %llu serial gap%s, "
			 "%llu receive overflow%s, %llu suppressed by printk",
			 (unsigned long long)lost, lost == 1 ? "" : "s", what, (unsigned long long)st->kernel_lost,
			 st->lost_known ? "" : " (unknown)", (unsigned long long)st->serial_gaps,
			 st->serial_gaps == 1 ? "" : "s", (unsigned long long)st->overflows,
			 st->overflows == 1 ? "" : "s", (unsigned long long)st->suppressed);
	if (drain_failed)
		log_warn("records still queued in the kernel at the end could not be confirmed as read%s", what);
	cli_live_report_slot(st);
}

/*
 * At the stop: read what the kernel queued before it, up to a drain marker,
 * which also closes the serial-gap count (records started before the stop
 * still arrive out of order: a hole just below the newest serial read is not
 * a loss yet).  True when the marker was sent and did not come back within
 * 3 s.  Records are passed on unless the callback asked to stop.
 */
static bool follow_drain(struct cli_live *lv, struct follow *f)
{
	scl_live_ops ops = { .record = f->stop ? NULL : follow_record };
	int64_t deadline = scl_now_ms() + 3000;

	if (cli_live_drain_start(lv) < 0)
		return false; /* kmsg without CAP_AUDIT_WRITE: as before, the count runs to the last record */
	while (!cli_live_drained(lv)) {
		struct pollfd p = { cli_live_fd(lv), POLLIN, 0 };
		int64_t left = deadline - scl_now_ms();
		int t = cli_live_poll_ms(lv), r;

		if (left <= 0)
			return true;
		(void)poll(&p, 1, t >= 0 && t < left ? t : (int)left);
		r = cli_live_dispatch(lv, &ops, f);
		if (f->stop)
			ops.record = NULL;
		if (r < 0 && r != -ECANCELED)
			return true;
	}
	return false;
}

int cli_follow_records(int (*cb)(void *ud, const scl_record *rec), void *ud, const char *source,
		       enum cli_confine_mode confine)
{
	enum cli_source want = CLI_SOURCE_AUTO;
	struct cli_signals sig = { .fd = -1 };
	struct cli_live lv = { 0 };
	struct follow f = { cb, ud, 0 };
	scl_live_ops ops = { .record = follow_record };
	scl_live_stats st;
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
	for (;;) {
		struct pollfd p[2] = { { cli_live_fd(&lv), POLLIN, 0 }, { sig.fd, POLLIN, 0 } };
		struct signalfd_siginfo si;
		bool stop = false;

		if (poll(p, 2, cli_live_poll_ms(&lv)) < 0 && errno != EINTR) {
			log_error("poll: %m");
			goto out;
		}
		r = cli_live_dispatch(&lv, &ops, &f);
		if (r < 0 && r != -ECANCELED) {
			log_error("cannot read audit records: %s", strerror(-r));
			goto out;
		}
		if (f.stop)
			break;
		while (read(sig.fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			if (si.ssi_signo != SIGCHLD)
				stop = true;
		if (stop)
			break;
	}
	if (f.stop >= 0) {
		bool drain_failed = follow_drain(&lv, &f);

		rc = EXIT_OK;
		if (cli_live_stats(&lv, &st) == 0)
			report_loss(&st, drain_failed, "");
	}
out:
	if (cli_live_close(&lv) < 0)
		rc = EXIT_RUNTIME;
	cli_signals_restore(&sig);
	return rc;
}
