/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scmplog collect's output files (collect.h): a file per key in DIR through
 * scl_outdir, the collector's naming side, what a record does to its file
 * (a denial appended, a freed profile read again), the writes, forgetting,
 * the watchdog, the status line and the summary.
 */
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

/* The extension of the profiles written (the format table's). */
static const char *out_ext(const struct collect *C)
{
	return scl_format_ext(C->out.format);
}

/* The name of a limit in its warnings: the option's when one set it, else the SCL_MAX_* default. */
static const char *limit_name(bool opt, const char *option, const char *def)
{
	return opt ? option : def;
}

/* The base name of f's files in DIR (no extension). */
static const char *fbase(const struct collect *C, const struct outfile *f)
{
	return scl_outdir_base(C->od, (size_t)(f - C->files));
}

int collect_dfd(const struct collect *C)
{
	return scl_outdir_fd(C->od);
}

/*
 * Read DIR/base.json if it exists, for the union.  With --format k8s the
 * OCI JSON is written beside the YAML (collect_flush()): it is what learning
 * resumes from, as YAML is only written, never read.
 */
static void load_prev(struct collect *C, struct outfile *f)
{
	char err[256] = "", path[4200];
	_cleanup_(scl_strv_freep) char **warnings = NULL;
	int r;

	r = scl_outdir_read(C->od, fbase(C, f), &f->prev, &warnings, err, sizeof(err));
	if (r == -ENOMEM) {
		C->oom = 1;
		return;
	}
	if (r < 0) {
		f->broken = true;
		C->errors++;
		log_error("cannot read profile '%s/%s.json': %s; it will not be overwritten", C->dir, fbase(C, f),
			  err[0] ? err : strerror(-r));
		return;
	}
	if (!f->prev)
		return;
	/* one byte order, or it would not load: of an archMap this machine's entry (a --split-by host file may be another machine's) */
	snprintf(path, sizeof(path), "%s/%s.json", C->dir, fbase(C, f));
	if (cli_profile_narrow_native(f->prev, path, true) < 0) {
		C->oom = 1;
		return;
	}
	if (cli_verbose)
		log_info("resuming from '%s/%s.json' (%zu syscalls)", C->dir, fbase(C, f), scl_profile_count(f->prev));
}

/* Room for one more file. */
static int files_reserve(struct collect *C)
{
	if (C->n_files == C->files_cap) {
		size_t cap = C->files_cap ? C->files_cap * 2 : 16;
		struct outfile *nf = realloc(C->files, cap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		C->files = nf;
		C->files_cap = cap;
	}
	return 0;
}

/*
 * The output file of key (what: "container" or "host"), added and its old
 * profile read at first sight; its name is the output directory's
 * (scl_outdir_file(): keys never share a file, a collision is said once).
 * -ENOMEM, or -EEXIST when every alternative is taken (logged).
 */
static int file_for_key(struct collect *C, const char *what, const char *key, size_t key_n, size_t *ret)
{
	scl_outdir_name nm;
	int r;

	if (files_reserve(C) < 0)
		return -ENOMEM;
	r = scl_outdir_file(C->od, key, key_n, &nm);
	if (r == -EEXIST) {
		cli_outdir_say_full(what, key, key_n, "its records are not learned");
		C->errors++;
		return r;
	}
	if (r < 0)
		return r;
	cli_outdir_say(C->od, what, key, key_n, &nm, scl_format_ext(C->out.format));
	if (nm.is_new) {
		memset(&C->files[nm.index], 0, sizeof(C->files[nm.index]));
		C->n_files = nm.index + 1;
		load_prev(C, &C->files[nm.index]);
	}
	*ret = nm.index;
	return 0;
}

/* The file of a container (made at first sight). */
static int pick_file(struct collect *C, const scl_container *c, size_t *ret)
{
	char name[SCL_OUTDIR_CONTAINER_KEY_MAX];
	const char *key = scl_outdir_container_key(c, C->pods_dir, C->containers_dir, name);

	return file_for_key(C, "container", key, strlen(key), ret);
}

/* A container was selected before (its file exists): one forgotten since (forget_ctr()). */
static bool had_file(const struct collect *C, const scl_container *c)
{
	char name[SCL_OUTDIR_CONTAINER_KEY_MAX];
	const char *key = scl_outdir_container_key(c, C->pods_dir, C->containers_dir, name);

	return scl_outdir_find(C->od, key, strlen(key)) >= 0;
}

/* ---- the naming side of the collector (collector.h's ops) ---- */

static int ops_bind(void *ud, const scl_container *c, size_t *ret)
{
	struct collect *C = ud;
	size_t fi;
	int r = pick_file(C, c, &fi);

	if (r < 0)
		return r;
	if (C->oom)
		return -ENOMEM;
	C->files[fi].users++;
	C->files[fi].orphan = false;
	*ret = fi;
	return 0;
}

static bool ops_had(void *ud, const scl_container *c)
{
	return had_file(ud, c);
}

/* A container of file slot was forgotten: with no user left, its syscalls may be freed once written. */
static void ops_release(void *ud, size_t slot)
{
	struct collect *C = ud;
	struct outfile *f = &C->files[slot];

	if (f->users && --f->users == 0)
		f->orphan = true;
}

static bool ops_busy(void *ud, size_t slot)
{
	const struct collect *C = ud;

	return C->files[slot].dirty || C->files[slot].due;
}

static bool ops_gone(void *ud, size_t slot, const char *id)
{
	struct collect *C = ud;
	struct outfile *f = &C->files[slot];

	if (!f->dirty || f->broken)
		return false;
	f->due = true;
	if (cli_verbose) {
		fprintf(stderr, "scmplog: container ");
		cli_put_escaped(stderr, id, strlen(id));
		fprintf(stderr, " has no process left: writing %s/%s%s\n", C->dir, fbase(C, f), out_ext(C));
	}
	return true;
}

static void put_holder(void *ud, const char *id, int selected, uint32_t live, int64_t idle_ms)
{
	(void)ud;
	fputs("scmplog:   ", stderr);
	cli_put_escaped(stderr, id, strlen(id));
	fprintf(stderr, " (%s, %u live process%s", selected > 0 ? "learned" : selected == 0 ? "not learned" : "undecided",
		live, live == 1 ? "" : "es");
	if (idle_ms >= 0)
		fprintf(stderr, ", idle %lld ms", (long long)idle_ms);
	fputs(")\n", stderr);
}

static void ops_event(void *ud, const scl_collector_event *ev)
{
	struct collect *C = ud;

	switch (ev->type) {
	case SCL_COLLECTOR_SELECTED:
		if (cli_verbose) {
			fprintf(stderr, "scmplog: container ");
			cli_put_escaped(stderr, ev->id, strlen(ev->id));
			fprintf(stderr, " (%s) -> %s/%s%s\n", scl_container_runtime_str(ev->runtime), C->dir,
				scl_outdir_base(C->od, ev->slot), out_ext(C));
		}
		break;
	case SCL_COLLECTOR_FORGOTTEN:
		if (cli_verbose) {
			fprintf(stderr, "scmplog: container ");
			cli_put_escaped(stderr, ev->id, strlen(ev->id));
			fprintf(stderr, " forgotten: no process for %lld s%s\n", (long long)(C->lim.forget_delay_ms / 1000),
				ev->selected ? ", its profile written" : "");
		}
		break;
	case SCL_COLLECTOR_OVER_CONTAINERS:
		log_warn("over %s (%zu containers): the records of further containers are counted, not learned",
			 limit_name(C->opt_containers, "--max-containers", "SCL_MAX_CONTAINERS"), C->lim.max_containers);
		if (cli_verbose) {
			fprintf(stderr, "scmplog: container ");
			cli_put_escaped(stderr, ev->id, strlen(ev->id));
			fputs(" refused; the containers known:\n", stderr);
			scl_collector_foreach(C->col, put_holder, C);
		}
		break;
	case SCL_COLLECTOR_OVER_PIDS:
		log_warn("over %s (%zu live container processes): further processes are not counted, and a "
			 "container's profile may be written before its last process exits (and again at every "
			 "--interval)",
			 limit_name(C->opt_pids, "--max-pids", "SCL_MAX_TRACKED_PIDS"), C->lim.max_tracked_pids);
		break;
	case SCL_COLLECTOR_OVER_GROUPS:
		log_warn("over %s (%zu hosts): the records of further hosts are counted, not learned",
			 limit_name(C->opt_hosts, "--max-hosts", "SCL_MAX_GROUPS"), C->lim.max_groups);
		break;
	case SCL_COLLECTOR_SET_LIMIT:
		if (ev->limit == SCL_COLLECTOR_LIMIT_LANES)
			log_warn("profile '%s/%s%s': over SCL_MAX_SYSSET_LANES (%u ranges of 65536 syscall numbers by "
				 "architecture and action), records past it are not learned",
				 C->dir, scl_outdir_base(C->od, ev->slot), out_ext(C), (unsigned)SCL_MAX_SYSSET_LANES);
		else
			log_warn("profile '%s/%s%s': over SCL_MAX_SYSSET_COUNTED (%u syscall numbers libseccomp cannot "
				 "name), records past it are not learned",
				 C->dir, scl_outdir_base(C->od, ev->slot), out_ext(C), (unsigned)SCL_MAX_SYSSET_COUNTED);
		break;
	}
}

/* --split-by host: a host's file (add: made at first sight). */
static int ops_bind_host(void *ud, const char *host, size_t n, bool add, size_t *ret)
{
	struct collect *C = ud;
	long k;
	int r;

	if (!add) {
		k = scl_outdir_find(C->od, host, n);
		if (k < 0)
			return -ENOENT;
		*ret = (size_t)k;
		return 0;
	}
	r = file_for_key(C, "host", host, n, ret);
	if (r < 0)
		return r;
	if (C->oom)
		return -ENOMEM;
	if (cli_verbose) {
		fputs("scmplog: host ", stderr);
		cli_put_escaped(stderr, host, n);
		fprintf(stderr, " -> %s/%s%s\n", C->dir, scl_outdir_base(C->od, *ret), out_ext(C));
	}
	return 0;
}

static int ops_sync(void *ud);

const scl_collector_ops collect_collector_ops = {
	.bind = ops_bind,
	.bind_host = ops_bind_host,
	.had = ops_had,
	.release = ops_release,
	.busy = ops_busy,
	.gone = ops_gone,
	.event = ops_event,
	.sync = ops_sync,
};

static int on_proc_event(void *ud, const scl_proc_event *ev)
{
	struct collect *C = ud;

	return scl_collector_proc_event(C->col, ev);
}

/* Take in the process events queued (the collector's), noting an overflow. */
static void collect_drain_proc_events(struct collect *C)
{
	if (!C->conn)
		return;
	if (scl_proc_conn_dispatch(C->conn, on_proc_event, C) == -ENOMEM)
		C->oom = 1;
	if (scl_proc_conn_overflows(C->conn) != C->overflows_seen) {
		C->overflows_seen = scl_proc_conn_overflows(C->conn);
		scl_collector_proc_overflow(C->col);
	}
}

/* A record of a gone process that nothing is known of: its fork may be queued still. */
static int ops_sync(void *ud)
{
	struct collect *C = ud;

	collect_drain_proc_events(C);
	return C->oom ? -ENOMEM : 0;
}

int collect_before_read(void *ud)
{
	struct collect *C = ud;

	scl_collector_set_time(C->col, scl_now_ms());
	collect_drain_proc_events(C);
	if (C->oom)
		return -ENOMEM;
	scl_collector_new_batch(C->col);
	return 0;
}

/* A denial (an enforcing profile's, audited): appended to DIR/NAME.denied.log beside the profile. */
static void note_denial(struct collect *C, const struct outfile *f, const scl_record *rec)
{
	scl_notify_denial d;
	int r = scl_notify_from_record(rec, &d);

	if (r >= 0)
		r = scl_notify_append(collect_dfd(C), fbase(C, f), &d);
	if (r < 0)
		log_error("cannot append a denial to '%s/%s.denied.log': %s", C->dir, fbase(C, f), strerror(-r));
}

/*
 * The records: each goes through the collector (journald's copies dropped,
 * attributed, learned into its file's syscall set); what is left is the
 * file's: its profile read again if it was freed, a denial appended.
 */
int collect_on_record(void *ud, const scl_record *rec)
{
	struct collect *C = ud;
	scl_collector_result res;
	struct outfile *f;
	int r;

	C->calls++;
	/*
	 * The cache knows a live process by (pid, start time), but a process
	 * may change cgroups and keep both (a runtime moves its init, or a
	 * shell echoes itself into cgroup.procs, then execs).  Its exec event
	 * was queued before this record was made: take the events in now, so
	 * that the exec's fresh read (or its doubt) is what the cache answers
	 * with, and so that a short-lived child's fork is known.
	 */
	if (C->split_host) {
		/* no container: nothing to take in */
	} else if (C->conn) {
		collect_drain_proc_events(C); /* the loop set the collector's time for the round */
		if (C->oom)
			return -ENOMEM;
	} else {
		scl_collector_set_time(C->col, scl_now_ms());
	}
	r = scl_collector_record(C->col, rec, &res);
	if (r <= 0)
		return r;
	f = &C->files[res.slot];
	if (f->unloaded) {
		/* a container of it came back after it was written and freed: on from the file */
		f->unloaded = false;
		load_prev(C, f);
		if (C->oom)
			return -ENOMEM;
	}
	if (scl_record_action(rec) != SCL_ACT_LOG)
		note_denial(C, f, rec);
	if (res.learned) {
		f->records++;
		f->dirty = true;
	}
	return 0;
}

/*
 * Write the profiles of every file with new records (due_only: of those
 * marked due); the last time (final), every profile, so that syscalls
 * libseccomp cannot name are reported once, with their whole counts.
 * Returns the number of failed writes, or -ENOMEM.
 */
static int flush_files(struct collect *C, bool final, bool due_only)
{
	_cleanup_free_ scl_profile **ps = NULL;
	struct cli_learn lb;
	int failed = 0, r;

	ps = calloc(C->n_files + 1, sizeof(*ps)); /* NOLINT(bugprone-sizeof-expression): an array of pointers */
	if (!ps || cli_learn_init(&lb) < 0) {
		free(TAKE_PTR(ps));
		return -ENOMEM;
	}
	for (size_t fi = 0; fi < C->n_files; fi++) {
		const struct outfile *f = &C->files[fi];
		_cleanup_free_ scl_learn_entry *ent = NULL;
		long n;

		const scl_sysset *set = scl_collector_slot_set(C->col, fi);

		if (!set || !(final || f->dirty) || f->broken || (due_only && !f->due))
			continue;
		n = scl_sysset_entries(set, 0, &ent);
		if (n < 0)
			goto oom;
		if (n == 0)
			continue;
		if (scl_profile_new(&ps[fi]) < 0)
			goto oom;
		r = cli_learn_to_profile(&lb, ent, (size_t)n, ps[fi]);
		if (r == -ENOMEM)
			goto oom;
	}
	for (size_t i = 0; i < C->n_files; i++) {
		struct outfile *f = &C->files[i];

		if (!ps[i])
			continue;
		scl_profile_mark_run(ps[i]);
		if (f->prev && scl_profile_merge(ps[i], f->prev) < 0)
			goto oom;
		C->out.portable_silent = !final;
		C->out.label = fbase(C, f);
		r = cli_profile_finish(&C->out, ps[i], NULL, 0);
		if (r == 0 && C->out.format != SCL_FORMAT_OCI) {
			/* the state a restart resumes from, first: a failed YAML is made again from it */
			struct cli_profile_out json = C->out;

			json.format = SCL_FORMAT_OCI;
			r = cli_profile_write_outdir(&json, C->od, fbase(C, f), ps[i]);
		}
		if (r == 0)
			r = cli_profile_write_outdir(&C->out, C->od, fbase(C, f), ps[i]);
		if (r < 0) {
			failed++;
			continue;
		}
		f->dirty = false;
		f->written = true;
		f->syscalls = scl_profile_count(ps[i]);
	}
	if (final)
		cli_learn_report_unknown(&lb, false);
	else if (failed)
		log_warn("%d profile%s not written: what was learned is kept in memory and written again at the next "
			 "interval; the files on disk are the last complete ones",
			 failed, failed == 1 ? "" : "s");
	for (size_t i = 0; i < C->n_files; i++) {
		scl_profile_free(ps[i]);
		C->files[i].due = false;
	}
	cli_learn_done(&lb);
	return failed;
oom:
	for (size_t i = 0; i < C->n_files; i++)
		scl_profile_free(ps[i]);
	cli_learn_done(&lb);
	return -ENOMEM;
}

int collect_flush(struct collect *C, bool final)
{
	return flush_files(C, final, false);
}

/*
 * After a write: forget the containers gone for a while whose files are
 * written (scl_collector_forget_idle()), then free the files none uses any
 * more.
 */
void collect_forget_idle(struct collect *C, int64_t now)
{
	(void)scl_collector_forget_idle(C->col, now);
	for (size_t i = 0; i < C->n_files; i++) {
		struct outfile *f = &C->files[i];

		if (!f->orphan || f->users || f->dirty || f->due || f->broken || scl_collector_slot_unknown(C->col, i))
			continue;
		f->orphan = false;
		scl_collector_slot_free(C->col, i);
		scl_profile_free(f->prev);
		f->prev = NULL;
		f->unloaded = true;
	}
}

/*
 * Write the files of the containers whose last process exited a while ago
 * (scl_collector_tick(): the gone delay).  Returns as collect_flush().
 */
static int collect_write_gone(struct collect *C, int64_t now)
{
	return scl_collector_tick(C->col, now) ? flush_files(C, false, true) : 0;
}

/*
 * systemd's watchdog (WatchdogSec=, passed as WATCHDOG_USEC and WATCHDOG_PID):
 * WATCHDOG=1 at half the interval, sent only from the loops that read and
 * write, so a collector stuck anywhere else is restarted.
 */
void collect_watchdog_init(struct collect *C)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return;
	C->watchdog_ms = (int64_t)(usec / 2000);
	if (C->watchdog_ms == 0)
		C->watchdog_ms = 1;
}

int collect_interval_flush(struct collect *C, int64_t now)
{
	int r = collect_flush(C, false);

	C->next_flush = now + C->interval_ms;
	return r;
}

int collect_gone(struct collect *C, int64_t now)
{
	int64_t due = scl_collector_next_due(C->col);

	return due && now >= due ? collect_write_gone(C, now) : 0;
}

int64_t collect_next_due(const struct collect *C)
{
	int64_t due = scl_collector_next_due(C->col);

	return due && due < C->next_flush ? due : C->next_flush;
}

uint64_t collect_unattributed(const struct collect *C)
{
	scl_collector_stats s;

	scl_collector_stats_get(C->col, &s);
	return s.gone + s.uncertain + s.no_pid + s.unreadable + s.undecided + s.over_containers + s.no_host +
	       s.over_groups;
}

size_t collect_n_selected(const struct collect *C)
{
	size_t n = 0;

	if (C->split_host) {
		for (size_t i = 0; i < C->n_files; i++)
			n += C->files[i].records > 0;
		return n;
	}
	scl_collector_stats s;

	scl_collector_stats_get(C->col, &s);
	return s.selected;
}

/* Records the journal lost before they were read: up to this many (an unknown-sized gap counts one). */
uint64_t collect_journal_lost(const struct collect *C)
{
	return C->jmissing + C->junknown;
}

uint64_t collect_n_records(const struct collect *C)
{
	scl_collector_stats s;

	scl_collector_stats_get(C->col, &s);
	return s.records;
}

void collect_notify_status(const struct collect *C, uint64_t lost)
{
	char s[256];

	if (!cli_notify_enabled())
		return;
	snprintf(s, sizeof(s), "STATUS=%llu records, %zu containers, %llu unattributed, %llu lost",
		 (unsigned long long)collect_n_records(C), collect_n_selected(C), (unsigned long long)collect_unattributed(C),
		 (unsigned long long)lost);
	(void)cli_notify(s);
}

/* The summary on stderr: name says where the records came from ("from the log files"). */
static void collect_summary(const struct collect *C, const char *name, const scl_live_stats *st)
{
	uint64_t lost = scl_live_stats_lost(st);
	scl_collector_stats cs;

	scl_collector_stats_get(C->col, &cs);

	if (C->split_host) {
		log_info("%llu SECCOMP records read %s: %llu attributed to %zu host%s, %llu without a hostname, "
			 "%llu past %s, %llu lost",
			 (unsigned long long)cs.records, name, (unsigned long long)cs.learned, collect_n_selected(C),
			 collect_n_selected(C) == 1 ? "" : "s", (unsigned long long)cs.no_host, (unsigned long long)cs.over_groups,
			 limit_name(C->opt_hosts, "--max-hosts", "SCL_MAX_GROUPS"),
			 (unsigned long long)(lost + collect_journal_lost(C)));
	} else {
		log_info("%llu SECCOMP records read %s: %llu attributed to %zu container%s, %llu unattributed "
			 "(%llu of gone unknown processes, %llu gone with their cgroup unknown since exec, "
			 "%llu without pid, %llu unreadable, %llu undecided, %llu past %s), "
			 "%llu of host processes, %llu of other containers, %llu lost",
			 (unsigned long long)cs.records, name, (unsigned long long)cs.learned, collect_n_selected(C),
			 collect_n_selected(C) == 1 ? "" : "s", (unsigned long long)collect_unattributed(C), (unsigned long long)cs.gone,
			 (unsigned long long)cs.uncertain, (unsigned long long)cs.no_pid, (unsigned long long)cs.unreadable,
			 (unsigned long long)cs.undecided, (unsigned long long)cs.over_containers,
			 limit_name(C->opt_containers, "--max-containers", "SCL_MAX_CONTAINERS"), (unsigned long long)cs.host,
			 (unsigned long long)cs.not_selected,
			 (unsigned long long)(lost + collect_journal_lost(C)));
	}
	for (size_t i = 0; i < C->n_files; i++) {
		const struct outfile *f = &C->files[i];
		const char *ext = out_ext(C);

		if (f->broken)
			log_info("  %s%s: not written (the existing file could not be read), %llu records", fbase(C, f), ext,
				 (unsigned long long)f->records);
		else if (f->written)
			log_info("  %s%s: %zu syscalls, %llu records", fbase(C, f), ext, f->syscalls,
				 (unsigned long long)f->records);
	}
	if (lost)
		cli_live_report_lost(st, st->lost_known ? " (system-wide)" : " (unknown) (system-wide)",
				     ": the profiles may be incomplete");
	cli_live_report_overflows(st);
	cli_live_report_slot(st);
	if (C->jgaps)
		log_warn("lost: %llu journal gap%s (entries removed before they were read), up to %llu records%s: "
			 "the profiles may be incomplete",
			 (unsigned long long)C->jgaps, C->jgaps == 1 ? "" : "s", (unsigned long long)C->jmissing,
			 C->junknown ? " and an unknown number" : "");
	if (C->conn && (scl_proc_conn_overflows(C->conn) || scl_proc_conn_malformed(C->conn)))
		log_warn("process events: %llu overflow%s, %llu malformed: some short-lived processes may be unattributed",
			 (unsigned long long)scl_proc_conn_overflows(C->conn),
			 scl_proc_conn_overflows(C->conn) == 1 ? "" : "s",
			 (unsigned long long)scl_proc_conn_malformed(C->conn));
	if (cs.over_pids)
		log_warn("%llu container process%s not counted: over %s (%zu)", (unsigned long long)cs.over_pids,
			 cs.over_pids == 1 ? "" : "es", limit_name(C->opt_pids, "--max-pids", "SCL_MAX_TRACKED_PIDS"),
			 C->lim.max_tracked_pids);
	if (cs.over_set_limit)
		log_warn("%llu SECCOMP record%s not learned: over a syscall set limit (see above)",
			 (unsigned long long)cs.over_set_limit, cs.over_set_limit == 1 ? "" : "s");
	if (st->malformed + C->malformed)
		log_warn("%llu SECCOMP record%s could not be parsed (not attributed)",
			 (unsigned long long)(st->malformed + C->malformed), st->malformed + C->malformed == 1 ? "" : "s");
}

int collect_finish(const struct collect *C, int r, const char *name, const scl_live_stats *st)
{
	if (r == -ENOMEM)
		return -ENOMEM;
	if (r < 0)
		return -1;
	if (!cli_quiet)
		collect_summary(C, name, st);
	return r > 0 || C->errors ? EXIT_RUNTIME : EXIT_OK;
}
