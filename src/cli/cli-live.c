/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/capability.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli-live.h"
#include "cli/cli.h"
#include "scmplog/num.h"
#include "scmplog/output.h"
#include "lib/util.h"

/* ---- live sources ---- */

int cli_source_parse(const char *s, enum cli_source *ret)
{
	static const struct {
		const char *name;
		enum cli_source v;
	} t[] = {
		{ "auto", CLI_SOURCE_AUTO },
		{ "daemon", CLI_SOURCE_DAEMON },
		{ "multicast", CLI_SOURCE_MULTICAST },
		{ "kmsg", CLI_SOURCE_KMSG },
	};

	for (size_t i = 0; i < ELEMENTSOF(t); i++)
		if (!strcmp(s, t[i].name)) {
			*ret = t[i].v;
			return 0;
		}
	log_error("invalid --source '%s': expected auto, daemon, multicast or kmsg", s);
	return -1;
}

/*
 * A collector killed with SIGKILL cannot restore the limits it raised (the
 * kernel drops the dead daemon by itself, not the limits).  While they are
 * raised, their old values wait in this file; the next run puts them back if
 * its writer is gone.
 */
#define STATE_DIR "/run/scmplog"
#define STATE_FILE STATE_DIR "/audit-restore"

struct saved_limits {
	uint64_t pid, old_limit, limit, old_wait, wait;
};

static int state_write_cb(FILE *f, void *ud)
{
	const struct saved_limits *v = ud;

	fprintf(f, "pid %llu\nbacklog_limit %llu %llu\nbacklog_wait_time %llu %llu\n", (unsigned long long)v->pid,
		(unsigned long long)v->old_limit, (unsigned long long)v->limit, (unsigned long long)v->old_wait,
		(unsigned long long)v->wait);
	return ferror(f) ? -EIO : 0;
}

static bool state_written;
static struct saved_limits state_noted;

/*
 * Called by scl_netlink_open() once registered, before the limits are
 * raised (with the values it is about to set): a SIGKILL at any moment
 * after they are raised finds them noted.
 */
static void state_save(const struct scl_netlink_info *info, void *userdata)
{
	struct saved_limits v = { (uint64_t)getpid(), info->old_backlog_limit, info->backlog_limit,
				  info->old_backlog_wait_time, info->backlog_wait_time };

	(void)userdata;
	if (info->old_backlog_limit == info->backlog_limit && info->old_backlog_wait_time == info->backlog_wait_time)
		return;
	if (mkdir(STATE_DIR, 0700) < 0 && errno != EEXIST)
		return; /* best effort */
	state_written = scl_write_atomic_path(STATE_FILE, state_write_cb, &v, 0600) == 0;
	state_noted = v;
}

static void state_clear(void)
{
	if (state_written)
		(void)unlink(STATE_FILE);
	state_written = false;
}

/* After a failed open: the note goes unless a limit it names is still raised (not put back). */
static void state_clear_unless_raised(void)
{
	scl_audit_status st;

	if (!state_written)
		return;
	if (scl_audit_get_status(&st) == 0 &&
	    !(state_noted.limit != state_noted.old_limit && st.backlog_limit == state_noted.limit) &&
	    !(state_noted.wait != state_noted.old_wait && st.backlog_wait_time == state_noted.wait))
		state_clear();
}

/* "key N [N]" lines of our own state file, strictly. */
static int state_parse(const char *buf, size_t n, struct saved_limits *v)
{
	unsigned seen = 0;

	while (n > 0) {
		const char *nl = memchr(buf, '\n', n), *sp1, *sp2;
		size_t len = nl ? (size_t)(nl - buf) : n;
		uint64_t a = 0, b = 0;

		sp1 = memchr(buf, ' ', len);
		if (!sp1)
			return -EBADMSG;
		sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - buf));
		if (scl_parse_u64(sp1 + 1, (size_t)((sp2 ? sp2 : buf + len) - sp1 - 1), UINT32_MAX, &a) < 0)
			return -EBADMSG;
		if (sp2 && scl_parse_u64(sp2 + 1, (size_t)(buf + len - sp2 - 1), UINT32_MAX, &b) < 0)
			return -EBADMSG;
		if (STARTSWITH(buf, len, "pid ") && !sp2) {
			v->pid = a;
			seen |= 1;
		} else if (STARTSWITH(buf, len, "backlog_limit ") && sp2) {
			v->old_limit = a;
			v->limit = b;
			seen |= 2;
		} else if (STARTSWITH(buf, len, "backlog_wait_time ") && sp2) {
			v->old_wait = a;
			v->wait = b;
			seen |= 4;
		} else {
			return -EBADMSG;
		}
		if (!nl)
			break;
		n -= len + 1;
		buf = nl + 1;
	}
	return seen == 7 ? 0 : -EBADMSG;
}

static bool scmplog_alive(pid_t pid)
{
	char path[64], comm[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	return n >= 7 && !memcmp(comm, "scmplog", 7);
}

static void state_recover(void)
{
	struct saved_limits v = { 0 };
	char buf[512];
	ssize_t n;
	int fd = open(STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r;

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || n == (ssize_t)sizeof(buf) || state_parse(buf, (size_t)n, &v) < 0) {
		log_warn("ignoring malformed '%s'", STATE_FILE);
		(void)unlink(STATE_FILE);
		return;
	}
	if (v.pid == 0 || v.pid > INT32_MAX || scmplog_alive((pid_t)v.pid))
		return; /* its writer still runs and will restore */
	r = scl_audit_restore_limits((uint32_t)v.old_limit, (uint32_t)v.limit, (uint32_t)v.old_wait, (uint32_t)v.wait);
	if (r < 0) {
		log_warn("cannot put back the audit settings left by scmplog pid %llu: %s", (unsigned long long)v.pid,
			 strerror(-r));
		return;
	}
	if (r > 0)
		log_warn("put back the audit backlog settings left raised by scmplog pid %llu, which did not exit cleanly",
			 (unsigned long long)v.pid);
	(void)unlink(STATE_FILE);
}

/* The collector whose kernel settings an exit() must restore. */
static scl_netlink *restore_on_exit;

static void restore_at_exit(void)
{
	if (restore_on_exit && scl_netlink_restore(restore_on_exit) == 0)
		state_clear();
}

static void arm_restore(scl_netlink *nl)
{
	static bool registered;

	if (!registered && atexit(restore_at_exit) == 0)
		registered = true;
	restore_on_exit = nl;
}

static const char *netlink_hint(int r)
{
	switch (r) {
	case -EPERM:
	case -EACCES:
		return " (needs root: CAP_AUDIT_CONTROL / CAP_AUDIT_READ in the initial namespaces)";
	case -ETIMEDOUT:
		return " (our marker record never came back: another network namespace, or audit rules that drop user messages?)";
	case -EPROTONOSUPPORT:
		return " (the kernel has no audit support)";
	default:
		return "";
	}
}

/* ---- the audit daemon slot while collecting ---- */

/* comm of a live process, printable (another process's name is untrusted text); "gone" without one */
static void proc_comm(uint32_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	fd = pid ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	if (n <= 0) {
		snprintf(buf, size, "gone");
		return;
	}
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			buf[i] = '?';
}

/* The holder multicast saw last, with its name read while it was there: it may be gone when it leaves. */
static struct {
	uint32_t pid;
	char comm[32];
} holder;

static void holder_set(uint32_t pid)
{
	holder.pid = pid;
	if (pid)
		proc_comm(pid, holder.comm, sizeof(holder.comm));
	else
		holder.comm[0] = '\0';
}

static void now_str(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%H:%M:%S", &tm))
		snprintf(buf, size, "?");
}

/* Registrations refused while we held the slot, each pid reported once. */
static uint32_t refused[32];
static size_t n_refused;

static bool refused_seen(uint32_t pid)
{
	for (size_t i = 0; i < n_refused && i < ELEMENTSOF(refused); i++)
		if (refused[i] == pid)
			return true;
	refused[n_refused++ % ELEMENTSOF(refused)] = pid;
	return false;
}

static int open_kmsg(struct cli_live *lv, int ctl);

/* Say what happened to the daemon slot; after a lost slot with no multicast, go on from /dev/kmsg. */
static int report_events(struct cli_live *lv)
{
	scl_netlink_event ev;
	bool cleared = false;

	while (scl_netlink_next_event(lv->nl, &ev) > 0) {
		char when[16], comm[32], who[64];

		if (!cleared && isatty(STDERR_FILENO) && !cli_quiet)
			fputs("\r\033[K", stderr); /* off the status line */
		cleared = true;
		now_str(when, sizeof(when));
		switch (ev.kind) {
		case SCL_NETLINK_EVENT_REFUSED:
			if (refused_seen(ev.pid))
				break;
			proc_comm(ev.pid, comm, sizeof(comm));
			log_warn("pid %u (%s) tried to register as the audit daemon at %s and was refused: scmplog holds "
				 "the slot; use --source multicast to run beside it",
				 ev.pid, comm, when);
			break;
		case SCL_NETLINK_EVENT_SLOT_LOST:
			holder_set(ev.pid);
			if (ev.pid)
				snprintf(who, sizeof(who), "pid %u (%s)", ev.pid, holder.comm);
			else
				snprintf(who, sizeof(who), "0 (no daemon)");
			lv->switched = true;
			if (ev.error == 0) {
				lv->kind = CLI_SOURCE_MULTICAST;
				log_warn("lost the audit daemon slot at %s: the kernel's audit pid is now %s, no longer "
					 "scmplog's; reading audit multicast from here on (records the kernel sent meanwhile "
					 "are counted as lost)",
					 when, who);
				break;
			}
			log_warn("lost the audit daemon slot at %s: the kernel's audit pid is now %s, no longer scmplog's; "
				 "cannot read audit multicast (%s%s): falling back to /dev/kmsg, which drops records under "
				 "load (records sent meanwhile are counted as lost)",
				 when, who, strerror(-ev.error), netlink_hint(ev.error));
			/* the netlink control socket's duplicate: once confined, no new socket */
			if (open_kmsg(lv, scl_netlink_ctl_dup(lv->nl)) < 0)
				return -ENOTCONN;
			break;
		case SCL_NETLINK_EVENT_RESUMED:
			if (ev.gap)
				log_warn("audit multicast delivers from serial %llu: up to %llu record%s (serials %llu..%llu) "
					 "went by unread between the last record read as the daemon and the first by "
					 "multicast; the missing ones count as lost",
					 (unsigned long long)ev.first_serial, (unsigned long long)ev.gap,
					 ev.gap == 1 ? "" : "s", (unsigned long long)ev.last_serial + 1,
					 (unsigned long long)ev.first_serial - 1);
			else
				log_info("audit multicast delivers from serial %llu: no serial went by unread between the last "
					 "record read as the daemon and the first by multicast",
					 (unsigned long long)ev.first_serial);
			break;
		case SCL_NETLINK_EVENT_DAEMON_CHANGED:
			if (ev.old_pid != holder.pid)
				holder_set(ev.old_pid); /* not seen before: its name, if it still has one */
			if (!ev.pid)
				log_info("the audit daemon (pid %u, %s) unregistered at %s: there is no audit daemon now; "
					 "still reading audit multicast",
					 ev.old_pid, holder.comm, when);
			snprintf(comm, sizeof(comm), "%s", holder.comm);
			holder_set(ev.pid);
			if (ev.pid && !ev.old_pid)
				log_info("pid %u (%s) registered as the audit daemon at %s; still reading audit multicast",
					 ev.pid, holder.comm, when);
			else if (ev.pid)
				log_info("the audit daemon changed at %s: pid %u (%s) holds the slot, pid %u (%s) held it; "
					 "still reading audit multicast",
					 when, ev.pid, holder.comm, ev.old_pid, comm);
			break;
		}
	}
	return 0;
}

void cli_live_report_lost(const scl_live_stats *st, const char *kernel_note, const char *tail)
{
	log_warn("lost: kernel lost counter +%llu%s, %llu serial gap%s, %llu receive overflow%s, %llu suppressed by "
		 "printk%s",
		 (unsigned long long)st->kernel_lost, kernel_note, (unsigned long long)st->serial_gaps,
		 st->serial_gaps == 1 ? "" : "s", (unsigned long long)st->overflows, st->overflows == 1 ? "" : "s",
		 (unsigned long long)st->suppressed, tail);
}

void cli_live_report_overflows(const scl_live_stats *st)
{
	uint64_t n = st->overflows - scl_live_stats_overflows_open(st);

	if (n && st->serial_gaps == 0)
		log_info("%llu receive overflow%s, nothing lost by %s: every serial below the drain marker sent after %s "
			 "was read (the kernel sends a record again when its send to the audit daemon timed out)",
			 (unsigned long long)n, n == 1 ? "" : "s", n == 1 ? "it" : "them", n == 1 ? "it" : "them");
}

void cli_live_report_slot(const scl_live_stats *st)
{
	char gap[192] = "", open_gap[128] = "";

	if (!st->slot_lost)
		return;
	if (st->slot_gap || !st->slot_gap_open)
		snprintf(gap, sizeof(gap), ": %llu serial%s went by between the last record read as the daemon and the first "
			 "by multicast%s",
			 (unsigned long long)st->slot_gap, st->slot_gap == 1 ? "" : "s",
			 !st->slot_gap ? "" : st->serials_tracked ? " (the missing ones are among the serial gaps)" :
			 " (counted as lost)");
	if (st->slot_gap_open)
		snprintf(open_gap, sizeof(open_gap), "%s after the last switch no record came by multicast to measure the "
			 "gap by: how many went by is unknown (counted as one)",
			 gap[0] ? ";" : ":");
	log_warn("the audit daemon slot was lost during the collection%s%s%s", st->slot_lost > 1 ? " more than once" : "",
		 gap, open_gap);
}

static int open_netlink(struct cli_live *lv, scl_netlink_mode mode, int rcvbuf, bool quiet_fail)
{
	scl_netlink_options o = { .mode = mode, .rcvbuf = rcvbuf, .before_raise = state_save };
	scl_netlink_info info;
	int r;

	r = scl_netlink_open(&o, &lv->nl);
	if (r < 0)
		state_clear_unless_raised();
	if (r < 0) {
		if (quiet_fail)
			return r;
		if (r == -EEXIST) {
			scl_audit_status st;
			if (scl_audit_get_status(&st) == 0 && st.pid)
				log_error("cannot collect as the audit daemon: another one is registered (pid %u); "
					  "use --source multicast or auto",
					  st.pid);
			else
				log_error("cannot collect as the audit daemon: another one is registered; use --source multicast or auto");
		} else {
			log_error("cannot collect audit records by %s: %s%s",
				  mode == SCL_NETLINK_DAEMON ? "registering as the audit daemon" :
				  mode == SCL_NETLINK_MULTICAST ? "audit multicast" : "netlink",
				  strerror(-r), netlink_hint(r));
		}
		return r;
	}
	scl_netlink_get_info(lv->nl, &info);
	lv->kind = info.mode == SCL_NETLINK_DAEMON ? CLI_SOURCE_DAEMON : CLI_SOURCE_MULTICAST;
	holder_set(info.mode == SCL_NETLINK_DAEMON ? (uint32_t)getpid() : info.other_daemon_pid);
	n_refused = 0;
	arm_restore(lv->nl);
	/* noted while raising: not needed when nothing stayed raised (multicast after all, or refused) */
	if (info.mode != SCL_NETLINK_DAEMON ||
	    (info.old_backlog_limit == info.backlog_limit && info.old_backlog_wait_time == info.backlog_wait_time))
		state_clear();
	if (cli_verbose) {
		if (info.mode == SCL_NETLINK_DAEMON)
			log_info("collecting as the audit daemon (backlog limit %u -> %u, wait time %u -> %u for the run)",
				 info.old_backlog_limit, info.backlog_limit, info.old_backlog_wait_time,
				 info.backlog_wait_time);
		else if (info.other_daemon_pid)
			log_info("collecting from audit multicast (the audit daemon slot is held by pid %u)",
				 info.other_daemon_pid);
		else if (mode == SCL_NETLINK_AUTO)
			log_info("collecting from audit multicast (audit daemon way: %s)", strerror(-info.daemon_error));
		else
			log_info("collecting from audit multicast");
		log_info("receive buffer %d bytes%s", info.rcvbuf, info.rcvbuf_forced ? "" : " (SO_RCVBUFFORCE refused)");
	}
	return 0;
}

static int open_kmsg(struct cli_live *lv, int ctl)
{
	int r = scl_kmsg_open_ctl(NULL, 0, ctl, &lv->km);

	if (r < 0) {
		if (r == -ETIMEDOUT)
			log_error("cannot collect from /dev/kmsg: audit records do not reach the kernel log "
				  "(an audit daemon takes them, or printk drops them)");
		else
			log_error("cannot collect from /dev/kmsg: %s", strerror(-r));
		return r;
	}
	lv->kind = CLI_SOURCE_KMSG;
	if (cli_verbose)
		log_info("collecting from /dev/kmsg (printk rate limits apply: losses are counted)");
	return 0;
}

int cli_live_open(struct cli_live *lv, enum cli_source want, int rcvbuf)
{
	int r;

	memset(lv, 0, sizeof(*lv));
	if (want != CLI_SOURCE_KMSG)
		state_recover();
	switch (want) {
	case CLI_SOURCE_DAEMON:
		return open_netlink(lv, SCL_NETLINK_DAEMON, rcvbuf, false);
	case CLI_SOURCE_MULTICAST:
		return open_netlink(lv, SCL_NETLINK_MULTICAST, rcvbuf, false);
	case CLI_SOURCE_KMSG:
		return open_kmsg(lv, -1);
	case CLI_SOURCE_AUTO:
		break;
	}
	r = open_netlink(lv, SCL_NETLINK_AUTO, rcvbuf, true);
	if (r == 0)
		return 0;
	log_warn("audit netlink unavailable (%s%s): falling back to /dev/kmsg, which drops records under load",
		 strerror(-r), netlink_hint(r));
	return open_kmsg(lv, -1);
}

const char *cli_live_name(const struct cli_live *lv)
{
	if (lv->switched)
		return lv->kind == CLI_SOURCE_KMSG ? "as the audit daemon, then from /dev/kmsg" :
		       "as the audit daemon, then from audit multicast";
	switch (lv->kind) {
	case CLI_SOURCE_DAEMON:
		return "as the audit daemon";
	case CLI_SOURCE_MULTICAST:
		return "from audit multicast";
	case CLI_SOURCE_KMSG:
		return "from /dev/kmsg";
	default:
		return "?";
	}
}

/* kmsg is the reader when it is open: from the start, or after a netlink collector died. */
int cli_live_fd(const struct cli_live *lv)
{
	return lv->km ? scl_kmsg_fd(lv->km) : scl_netlink_fd(lv->nl);
}

int cli_live_poll_ms(const struct cli_live *lv)
{
	return lv->km ? -1 : scl_netlink_poll_ms(lv->nl);
}

int cli_live_dispatch(struct cli_live *lv, const scl_live_ops *ops, void *ud)
{
	int r;

	if (lv->km)
		return scl_kmsg_dispatch(lv->km, ops, ud);
	r = scl_netlink_dispatch(lv->nl, ops, ud);
	if (report_events(lv) < 0)
		return -ENOTCONN;
	return r == -ENOTCONN && lv->km ? 0 : r;
}

int cli_live_drain_start(struct cli_live *lv)
{
	return lv->km ? scl_kmsg_drain_start(lv->km) : scl_netlink_drain_start(lv->nl);
}

bool cli_live_drained(const struct cli_live *lv)
{
	return lv->km ? scl_kmsg_drained(lv->km) : scl_netlink_drained(lv->nl);
}

static int live_stats(struct cli_live *lv, scl_live_stats *ret, bool progress)
{
	scl_live_stats k;
	int r;

	if (!lv->nl)
		return scl_kmsg_stats(lv->km, ret);
	r = progress ? scl_netlink_progress(lv->nl, ret) : scl_netlink_stats(lv->nl, ret);
	if (r < 0 || !lv->km)
		return r;
	/*
	 * Netlink until the slot was lost, /dev/kmsg since: kmsg sees only what
	 * printk lets through, so serials say nothing any more, and the kernel's
	 * lost counter is netlink's (it counts from the start).
	 */
	r = scl_kmsg_stats(lv->km, &k);
	if (r < 0)
		return r;
	ret->messages = scl_sat_add(ret->messages, k.messages);
	ret->records = scl_sat_add(ret->records, k.records);
	ret->malformed = scl_sat_add(ret->malformed, k.malformed);
	ret->overflows = scl_sat_add(ret->overflows, k.overflows);
	ret->suppressed = scl_sat_add(ret->suppressed, k.suppressed);
	ret->serials_tracked = false;
	return 0;
}

int cli_live_stats(struct cli_live *lv, scl_live_stats *ret)
{
	return live_stats(lv, ret, false);
}

int cli_live_progress(struct cli_live *lv, scl_live_stats *ret)
{
	return live_stats(lv, ret, true);
}

int cli_live_close(struct cli_live *lv)
{
	int r = 0;

	if (lv->nl) {
		r = scl_netlink_restore(lv->nl);
		if (r < 0)
			log_error("cannot restore the kernel's audit settings: %s (check 'auditctl -s')", strerror(-r));
		else
			state_clear();
		if (restore_on_exit == lv->nl)
			restore_on_exit = NULL;
		scl_netlink_free(lv->nl);
		lv->nl = NULL;
	}
	scl_kmsg_free(lv->km);
	lv->km = NULL;
	return r;
}
