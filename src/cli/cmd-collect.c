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
#include "cli/cli-notify.h"
#include "cli/cli-options.h"
#include "cli/cli-outdir.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
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

#define now_ms scl_now_ms /* lib/util.h */

/* --source audisp without --out-dir: auditd starts its plugins with an empty environment and, before 4.0.1, at most two arguments */
#define AUDISP_DIR "/var/lib/scmplog/audisp"

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

/*
 * One output file, for one key: a container's Kubernetes name or id, or a
 * hostname.  Several containers may share it (a restarted Kubernetes
 * container keeps its name).  Its name and key are the output directory's
 * (scl_outdir): files[i] is scl_outdir_base(od, i).
 */
struct outfile {
	scl_profile *prev;        /* read from DIR at first sight, NULL if none */
	bool broken;              /* an existing file we could not read: never overwritten */
	bool dirty;               /* records since the last write */
	bool written;
	bool due;                 /* a container of it has no process left: write it now */
	uint64_t records;
	size_t syscalls;          /* in the last profile written */
	uint32_t users;           /* containers selected into it and not forgotten (forget_ctr()) */
	bool unloaded;            /* written, then prev and set freed: the file on disk has it all */
	bool orphan;              /* its last user was forgotten: free it once written (forget_idle()) */
};

/*
 * Each file is read through the library's scanner, fed as bytes are
 * appended: every form `build` reads, journal export entries assembled across
 * reads, printk's "callbacks suppressed" counted as lost.
 */
struct follow {
	const char *path;
	int fd;                   /* -1 while the file is missing */
	dev_t dev;
	ino_t ino;
	off_t off;                /* bytes read from fd */
	scl_scanner *scan;        /* a line or export entry in progress */
	uint64_t suppressed;      /* records printk dropped, as its lines said */
};

struct collect {
	int proc_fd;
	const char *dir;
	scl_outdir *od;           /* DIR: the files' names, resume, atomic writes (outdir.h) */
	unsigned flags;
	struct cli_profile_out out;
	const char **want_ids;
	size_t n_want_ids;
	const char **want_cgroups;
	size_t n_want_cgroups;
	const char *pods_dir, *containers_dir;
	scl_proc_conn *conn;
	scl_collector *col;       /* containers, selection, processes, the files' syscall sets (collector.h) */
	scl_collector_limits lim;
	struct outfile *files;    /* parallel to od's files */
	size_t n_files, files_cap;
	int oom;
	int errors;
	/* journal and log files: no live process behind a record; the journal has two copies of each */
	bool journal, offline;
	enum cli_source source;   /* --source: a live source (neither journal nor audisp) */
	bool source_set;
	struct follow *follows;   /* --follow-file */
	size_t n_follows;
	bool audisp;              /* an auditd plugin: the records on standard input */
	uint64_t btime, clk_tck;  /* offline, audisp: to tell a record's process from a later one of its pid */
	bool split_host;          /* group by the record's hostname */
	volatile sig_atomic_t scan_stop;
	bool terminate;
	int sig_fd;
	int64_t next_flush;
	uint64_t overflows_seen;  /* of the process events, handed to the collector */
	/* systemd's watchdog: WATCHDOG=1 every watchdog_ms (half of WATCHDOG_USEC), 0 if off */
	int64_t watchdog_ms, next_watchdog;
	/*
	 * The journal's files across scans, and its gaps: entries removed
	 * (vacuumed) before they were read, up to jmissing of them records,
	 * junknown gaps of unknown size.  jremoved: the files removed since the
	 * last gap, for its message.
	 */
	scl_journal_files *jfiles;
	uint64_t jgaps, jmissing, junknown;
	char jremoved[512];
	size_t jremoved_n, jremoved_named;
	const char *cursor_file;
	bool jfirst; /* the first scan: a gap at its start is the cursor file's */
	uint64_t calls;           /* records handed to on_record() */
	uint64_t malformed;
	/* which limits an option set: its warnings name the option, not the SCL_MAX_* default */
	bool opt_containers, opt_pids, opt_hosts;
};

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

static int dfd(const struct collect *C)
{
	return scl_outdir_fd(C->od);
}

/*
 * Read DIR/base.json if it exists, for the union.  With --format k8s the
 * OCI JSON is written beside the YAML (flush()): it is what learning
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

static const scl_collector_ops collector_ops = {
	.bind = ops_bind,
	.bind_host = ops_bind_host,
	.had = ops_had,
	.release = ops_release,
	.busy = ops_busy,
	.gone = ops_gone,
	.event = ops_event,
};

static int on_proc_event(void *ud, const scl_proc_event *ev)
{
	struct collect *C = ud;

	return scl_collector_proc_event(C->col, ev);
}

static void drain_proc_events(struct collect *C)
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

/* A denial (an enforcing profile's, audited): appended to DIR/NAME.denied.log beside the profile. */
static void note_denial(struct collect *C, const struct outfile *f, const scl_record *rec)
{
	scl_notify_denial d;
	int r = scl_notify_from_record(rec, &d);

	if (r >= 0)
		r = scl_notify_append(dfd(C), fbase(C, f), &d);
	if (r < 0)
		log_error("cannot append a denial to '%s/%s.denied.log': %s", C->dir, fbase(C, f), strerror(-r));
}

/*
 * The records: each goes through the collector (journald's copies dropped,
 * attributed, learned into its file's syscall set); what is left is the
 * file's: its profile read again if it was freed, a denial appended.
 */
static int on_record(void *ud, const scl_record *rec)
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
		drain_proc_events(C); /* the loop set the collector's time for the round */
		if (C->oom)
			return -ENOMEM;
	} else {
		scl_collector_set_time(C->col, now_ms());
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

static int flush(struct collect *C, bool final)
{
	return flush_files(C, final, false);
}

/*
 * After a write: forget the containers gone for a while whose files are
 * written (scl_collector_forget_idle()), then free the files none uses any
 * more.
 */
static void forget_idle(struct collect *C, int64_t now)
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
 * (scl_collector_tick(): the gone delay).  Returns as flush().
 */
static int write_gone(struct collect *C, int64_t now)
{
	return scl_collector_tick(C->col, now) ? flush_files(C, false, true) : 0;
}

/*
 * systemd's watchdog (WatchdogSec=, passed as WATCHDOG_USEC and WATCHDOG_PID):
 * WATCHDOG=1 at half the interval, sent only from the loops that read and
 * write, so a collector stuck anywhere else is restarted.
 */
static void watchdog_init(struct collect *C)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return;
	C->watchdog_ms = (int64_t)(usec / 2000);
	if (C->watchdog_ms == 0)
		C->watchdog_ms = 1;
	C->next_watchdog = now_ms();
}

static void watchdog_kick(struct collect *C, int64_t now)
{
	if (!C->watchdog_ms || now < C->next_watchdog)
		return;
	(void)cli_notify("WATCHDOG=1");
	C->next_watchdog = now + C->watchdog_ms;
}

static uint64_t unattributed(const struct collect *C)
{
	scl_collector_stats s;

	scl_collector_stats_get(C->col, &s);
	return s.gone + s.uncertain + s.no_pid + s.unreadable + s.undecided + s.over_containers + s.no_host +
	       s.over_groups;
}

static size_t n_selected(const struct collect *C)
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
static uint64_t journal_lost(const struct collect *C)
{
	return C->jmissing + C->junknown;
}

static uint64_t n_records(const struct collect *C)
{
	scl_collector_stats s;

	scl_collector_stats_get(C->col, &s);
	return s.records;
}

static void notify_status(const struct collect *C, uint64_t lost)
{
	char s[256];

	if (!cli_notify_enabled())
		return;
	snprintf(s, sizeof(s), "STATUS=%llu records, %zu containers, %llu unattributed, %llu lost",
		 (unsigned long long)n_records(C), n_selected(C), (unsigned long long)unattributed(C),
		 (unsigned long long)lost);
	(void)cli_notify(s);
}

static void summary(const struct collect *C, const char *name, const scl_live_stats *st)
{
	uint64_t lost = scl_live_stats_lost(st);
	scl_collector_stats cs;

	scl_collector_stats_get(C->col, &cs);

	if (C->split_host) {
		log_info("%llu SECCOMP records read %s: %llu attributed to %zu host%s, %llu without a hostname, "
			 "%llu past %s, %llu lost",
			 (unsigned long long)cs.records, name, (unsigned long long)cs.learned, n_selected(C),
			 n_selected(C) == 1 ? "" : "s", (unsigned long long)cs.no_host, (unsigned long long)cs.over_groups,
			 limit_name(C->opt_hosts, "--max-hosts", "SCL_MAX_GROUPS"),
			 (unsigned long long)(lost + journal_lost(C)));
	} else {
		log_info("%llu SECCOMP records read %s: %llu attributed to %zu container%s, %llu unattributed "
			 "(%llu of gone unknown processes, %llu gone with their cgroup unknown since exec, "
			 "%llu without pid, %llu unreadable, %llu undecided, %llu past %s), "
			 "%llu of host processes, %llu of other containers, %llu lost",
			 (unsigned long long)cs.records, name, (unsigned long long)cs.learned, n_selected(C),
			 n_selected(C) == 1 ? "" : "s", (unsigned long long)unattributed(C), (unsigned long long)cs.gone,
			 (unsigned long long)cs.uncertain, (unsigned long long)cs.no_pid, (unsigned long long)cs.unreadable,
			 (unsigned long long)cs.undecided, (unsigned long long)cs.over_containers,
			 limit_name(C->opt_containers, "--max-containers", "SCL_MAX_CONTAINERS"), (unsigned long long)cs.host, (unsigned long long)cs.not_selected,
			 (unsigned long long)(lost + journal_lost(C)));
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
		log_warn("lost: kernel lost counter +%llu%s (system-wide), %llu serial gap%s, %llu receive overflow%s, "
			 "%llu suppressed by printk: the profiles may be incomplete",
			 (unsigned long long)st->kernel_lost, st->lost_known ? "" : " (unknown)",
			 (unsigned long long)st->serial_gaps, st->serial_gaps == 1 ? "" : "s",
			 (unsigned long long)st->overflows, st->overflows == 1 ? "" : "s",
			 (unsigned long long)st->suppressed);
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

/* ---- the journal as the source ---- */

/* A saved cursor: one line.  0 with *ret (NULL when there is no file yet), or -errno. */
static int cursor_load(const char *path, char **ret)
{
	char buf[SCL_MAX_JOURNAL_CURSOR + 2];
	_cleanup_close_ int fd = -1;
	size_t n = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*ret = NULL;
			return 0;
		}
		return -errno;
	}
	for (;;) {
		ssize_t k = read(fd, buf + n, sizeof(buf) - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n == sizeof(buf))
			return -E2BIG;
	}
	if (n && buf[n - 1] == '\n')
		n--;
	if (n == 0 || n > SCL_MAX_JOURNAL_CURSOR || memchr(buf, '\n', n) || memchr(buf, '\0', n))
		return -EBADMSG;
	*ret = strndup(buf, n);
	return *ret ? 0 : -ENOMEM;
}

static int cursor_write(FILE *f, void *ud)
{
	fputs(ud, f);
	fputc('\n', f);
	return 0;
}

static void check_signals(struct collect *C)
{
	struct signalfd_siginfo si;

	while (read(C->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD) {
			C->terminate = true;
			C->scan_stop = 1;
		}
}

/* The scan stops (and returns its cursor) when it is time to write, or on a signal. */
static int on_journal_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	struct collect *C = ud;
	int r = on_record(C, rec);

	if (r < 0)
		return r;
	int64_t now = now_ms();

	if ((C->calls & 1023) == 0)
		check_signals(C);
	watchdog_kick(C, now);
	if (now >= C->next_flush)
		C->scan_stop = 1;
	return 0;
}

static int on_journal_skip(void *ud, scl_skip_reason why, uint64_t lineno)
{
	struct collect *C = ud;

	C->malformed++;
	return 0;
}

static int on_journal_idle(void *ud)
{
	struct collect *C = ud;
	int64_t now = now_ms();

	/* the files removed before now were checked for a gap (and none was found) */
	C->jremoved[0] = '\0';
	C->jremoved_n = C->jremoved_named = 0;

	check_signals(C);
	watchdog_kick(C, now);
	if (now >= C->next_flush)
		C->scan_stop = 1;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int on_journal_file(void *ud, scl_journal_file_change what, const char *path, const char *new_path)
{
	struct collect *C = ud;

	if (what == SCL_JOURNAL_FILE_REMOVED) {
		size_t l = strlen(C->jremoved);
		int k = snprintf(C->jremoved + l, sizeof(C->jremoved) - l, "%s'%s'", l ? ", " : "", base_name(path));

		/* names past the buffer are left out, their count is not */
		if (k < 0 || (size_t)k >= sizeof(C->jremoved) - l)
			C->jremoved[l] = '\0';
		else
			C->jremoved_named++;
		C->jremoved_n++;
	}
	if (!cli_verbose)
		return 0;
	if (what == SCL_JOURNAL_FILE_ARCHIVED)
		log_info("journal file '%s' archived as '%s' (rotated)", path, base_name(new_path));
	else
		log_info("journal file '%s' %s", path, what == SCL_JOURNAL_FILE_ADDED ? "added" : "removed");
	return 0;
}

/* A journal time (usec since the epoch) as "2025-01-31 12:34:56.789012 UTC"; "an unknown time" for 0. */
static const char *journal_time(uint64_t usec, char *buf, size_t n)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;
	char d[32];

	if (!usec || !gmtime_r(&t, &tm) || !strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S", &tm))
		return "an unknown time";
	snprintf(buf, n, "%s.%06llu UTC", d, (unsigned long long)(usec % 1000000));
	return buf;
}

/*
 * Entries the journal lost before they were read: say what is known, count
 * it as lost.  The count is of journal entries of every kind (journald
 * numbers them all in one sequence), so the records among them are up to it.
 */
/*
 * A damaged file in --journal-dir (scl_journal_check_dir()): the follow scan
 * reads through sd-journal's matches, which stop at damage silently, so it
 * is said before; one that makes sd-journal abort would end the collector.
 */
static int on_journal_damaged(void *ud, const scl_journal_damage *d)
{
	char err[128] = "", bad[96] = "";
	uint64_t unreached = d->entries > d->read ? d->entries - d->read : 0;

	(void)ud;
	if (d->error)
		snprintf(err, sizeof(err), " (%s)", strerror(-d->error));
	if (d->aborts) {
		log_error("journal file '%s' is damaged%s: %llu entr%s sd-journal abort (damaged compressed data); "
			  "collecting from it would crash: move it out of the directory ('scmplog build' reads around "
			  "the damage)",
			  d->path, err, (unsigned long long)d->aborts, d->aborts == 1 ? "y makes" : "ies make");
		return -ECANCELED;
	}
	if (d->corrupt)
		snprintf(bad, sizeof(bad), ", %llu had fields sd-journal could not read", (unsigned long long)d->corrupt);
	log_warn("journal file '%s' is damaged%s: %llu of its %llu entries could not be read%s; collect may miss more "
		 "of it ('scmplog build' reads around the damage, 'journalctl --verify --file=%s' tells where)",
		 d->path, err, (unsigned long long)unreached, (unsigned long long)d->entries, bad, d->path);
	return 0;
}

static int on_journal_gap(void *ud, const scl_journal_gap *g)
{
	struct collect *C = ud;
	char what[sizeof(C->jremoved) + 200], more[48] = "", t1[48], t2[48];

	C->jgaps++;
	if (g->known)
		C->jmissing += g->missing;
	else
		C->junknown++;
	if (C->jremoved_n > C->jremoved_named)
		snprintf(more, sizeof(more), " and %zu more", C->jremoved_n - C->jremoved_named);
	if (C->jremoved_named)
		snprintf(what, sizeof(what), "journal file%s %s%s %s removed (vacuumed) before scmplog read %s",
			 C->jremoved_n == 1 ? "" : "s", C->jremoved, more, C->jremoved_n == 1 ? "was" : "were",
			 C->jremoved_n == 1 ? "all of it" : "all of them");
	else if (g->resumed && C->jfirst && C->cursor_file)
		snprintf(what, sizeof(what),
			 "the journal no longer has the entry of the cursor in '%s' nor some after it (vacuumed while "
			 "scmplog was not running?)",
			 C->cursor_file);
	else
		snprintf(what, sizeof(what), "journal entries were removed (vacuumed) before scmplog read them");
	if (g->known)
		log_warn("%s: up to %llu SECCOMP record%s lost, journal entries %llu to %llu "
			 "(after %s, before %s; entries of every kind, so the records among them are fewer or as many): "
			 "the profiles may be incomplete",
			 what, (unsigned long long)g->missing, g->missing == 1 ? "" : "s",
			 (unsigned long long)g->last_pos.seqnum + 1, (unsigned long long)g->next_pos.seqnum - 1,
			 journal_time(g->last_pos.realtime, t1, sizeof(t1)),
			 journal_time(g->next_pos.realtime, t2, sizeof(t2)));
	else
		log_warn("%s: an unknown number of SECCOMP records lost after %s (the journal "
			 "goes on in another sequence, at %s): the profiles may be incomplete",
			 what, journal_time(g->last_pos.realtime, t1, sizeof(t1)),
			 journal_time(g->next_pos.realtime, t2, sizeof(t2)));
	C->jremoved[0] = '\0';
	C->jremoved_n = C->jremoved_named = 0;
	return 0;
}

/*
 * Follow the journal, writing the profiles and then the cursor every
 * interval: a scan is stopped for each write, as only a finished scan tells
 * its cursor, and started again after it.  Returns the failed writes of the
 * last flush, -ENOMEM, or -1 after logging an error.
 */
static int collect_journal(struct collect *C, const char *jdir, const char *cursor_file, uint64_t interval)
{
	static const scl_scan_ops ops = { .record = on_journal_record, .skip = on_journal_skip };
	_cleanup_free_ char *cursor = NULL;
	int r;

	C->jfiles = scl_journal_files_new();
	if (!C->jfiles)
		return -ENOMEM;
	C->cursor_file = cursor_file;
	C->jfirst = true;
	if (cursor_file) {
		r = cursor_load(cursor_file, &cursor);
		if (r < 0) {
			log_error("cannot read cursor file '%s': %s", cursor_file, strerror(-r));
			return -1;
		}
		if (cursor && cli_verbose)
			log_info("resuming after the cursor in '%s'", cursor_file);
	}
	for (bool last = false;;) {
		scl_journal_opts jo = {
			.cursor = cursor,
			/* the system journal is followed from now on; a directory (copied logs) from its start */
			.tail = !jdir,
			.follow = !last,
			.wait_usec = 200000,
			.stop = &C->scan_stop,
			.idle = on_journal_idle,
			.files = C->jfiles,
			.file_changed = on_journal_file,
			.gap = on_journal_gap,
		};
		char *next = NULL;

		C->scan_stop = 0;
		C->next_flush = now_ms() + (last ? 3000 : (int64_t)interval * 1000);
		r = jdir ? scl_journal_scan_dir(jdir, &ops, C, &jo, &next) : scl_journal_scan_system(&ops, C, &jo, &next);
		C->jfirst = false;
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (jdir)
				log_error("cannot read journal directory '%s': %s", jdir, strerror(-r));
			else
				log_error("cannot read the system journal: %s", strerror(-r));
			return -1;
		}
		if (next) {
			free(cursor);
			cursor = next;
		}
		if (C->terminate && !last) {
			/*
			 * A signal stops the scan where it is: a collector behind (a busy
			 * machine) would leave the entries already written unread, and
			 * uncounted.  Those are read first, to the end (3 s at most).
			 */
			last = true;
			continue;
		}
		r = flush(C, C->terminate);
		if (r < 0)
			return r;
		/* only once the profiles hold every record before it */
		if (r == 0 && cursor_file && cursor) {
			int w = scl_write_atomic_path(cursor_file, cursor_write, cursor, 0644);
			if (w < 0) {
				log_error("cannot write cursor file '%s': %s", cursor_file, strerror(-w));
				C->errors++;
			}
		}
		notify_status(C, journal_lost(C));
		if (C->terminate)
			return r;
		watchdog_kick(C, now_ms());
	}
}

/* ---- text log files, followed like tail -F ---- */

struct follow_ud {
	struct collect *C;
	struct follow *f;
};

static int follow_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	struct collect *C = ((struct follow_ud *)ud)->C;
	int r;

	(void)lineno;
	/* journald's two copies of a record are dropped as build drops them (scl_collector_record()) */
	r = on_record(C, rec);
	return r == -ENOMEM ? r : 0;
}

static int follow_skip(void *ud, scl_skip_reason why, uint64_t lineno)
{
	(void)why;
	(void)lineno;
	((struct follow_ud *)ud)->C->malformed++;
	return 0;
}

static int follow_suppressed(void *ud, uint64_t count, uint64_t lineno)
{
	struct follow *f = ((struct follow_ud *)ud)->f;

	(void)lineno;
	f->suppressed = scl_sat_add(f->suppressed, count);
	return 0;
}

static const scl_scan_ops follow_ops = {
	.record = follow_record,
	.skip = follow_skip,
	.suppressed = follow_suppressed,
};

/* Records printk dropped, as the followed files said. */
static uint64_t follow_suppressed_total(const struct follow *fs, size_t n)
{
	uint64_t t = 0;

	for (size_t i = 0; i < n; i++)
		t = scl_sat_add(t, fs[i].suppressed);
	return t;
}

/* Read what was appended and scan it; a partial line or entry waits in the scanner. */
static int follow_read(struct collect *C, struct follow *f)
{
	struct follow_ud ud = { C, f };
	char chunk[65536];

	for (;;) {
		ssize_t k = read(f->fd, chunk, sizeof(chunk));
		int r;

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			return 0;
		f->off += k;
		r = scl_scanner_feed(f->scan, chunk, (size_t)k, &follow_ops, &ud);
		if (r < 0)
			return r;
		if (C->oom)
			return -ENOMEM;
	}
}

/* The end of a file's content (rotated away): its last line without a newline, an entry not closed. */
static int follow_end(struct collect *C, struct follow *f)
{
	struct follow_ud ud = { C, f };

	return scl_scanner_end(f->scan, &follow_ops, &ud);
}

/* Open f->path; at_end: skip what it holds now. */
static int follow_open(struct follow *f, bool at_end)
{
	struct stat st;
	int fd, r;

	if (!f->scan && (r = scl_scanner_new(&f->scan)) < 0)
		return r;
	fd = open(f->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->off = 0;
	scl_scanner_reset(f->scan);
	if (at_end) {
		off_t o = lseek(fd, 0, SEEK_END);
		if (o > 0)
			f->off = o;
	}
	return 0;
}

/*
 * One round over a file: read what was appended, then look for rotation (the
 * path names another file: the old one was read to its end above, the new
 * one is read from its start) or truncation (read again from the start).
 */
static int follow_poll(struct collect *C, struct follow *f)
{
	struct stat st;
	int r;

	if (f->fd < 0) {
		r = follow_open(f, false);
		if (r < 0)
			return r == -ENOENT ? 0 : r;
		if (cli_verbose)
			log_info("following '%s'", f->path);
	}
	r = follow_read(C, f);
	if (r < 0)
		return r;
	if (stat(f->path, &st) < 0)
		return errno == ENOENT ? 0 : -errno; /* moved away, not replaced yet */
	if (st.st_dev != f->dev || st.st_ino != f->ino) {
		/* what was written to the old file after the read above, and a last line without its newline */
		r = follow_read(C, f);
		if (r == 0)
			r = follow_end(C, f);
		if (r < 0)
			return r;
		close(f->fd);
		f->fd = -1;
		if (cli_verbose)
			log_info("'%s' was rotated, reopening it", f->path);
		r = follow_open(f, false);
		if (r < 0)
			return r == -ENOENT ? 0 : r;
		return follow_read(C, f);
	}
	if (fstat(f->fd, &st) == 0 && st.st_size < f->off) {
		if (cli_verbose)
			log_info("'%s' was truncated, reading it from its start", f->path);
		if (lseek(f->fd, 0, SEEK_SET) < 0)
			return -errno;
		f->off = 0;
		scl_scanner_reset(f->scan);
		return follow_read(C, f);
	}
	return 0;
}

/* Follow the files until a signal, writing every interval.  Returns as collect_journal(). */
static int collect_files(struct collect *C, struct follow *fs, size_t n, bool from_start, uint64_t interval)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		r = follow_open(&fs[i], !from_start);
		if (r == -ENOMEM)
			return r;
		if (r == -ENOENT) {
			if (!cli_quiet)
				log_warn("cannot open log file '%s': %s, waiting for it", fs[i].path, strerror(-r));
			continue;
		}
		if (r < 0) {
			log_error("cannot open log file '%s': %s", fs[i].path, strerror(-r));
			return -1;
		}
	}
	C->next_flush = now_ms() + (int64_t)interval * 1000;
	for (;;) {
		check_signals(C);
		for (size_t i = 0; i < n; i++) {
			r = follow_poll(C, &fs[i]);
			if (r == -ENOMEM)
				return r;
			if (r < 0) {
				log_error("cannot read log file '%s': %s", fs[i].path, strerror(-r));
				return -1;
			}
		}
		if (C->terminate || now_ms() >= C->next_flush) {
			r = flush(C, C->terminate);
			if (r < 0 || C->terminate)
				return r;
			notify_status(C, follow_suppressed_total(fs, n));
			C->next_flush = now_ms() + (int64_t)interval * 1000;
		}
		watchdog_kick(C, now_ms());
		/* regular files are always readable to poll(): look again in a while */
		(void)poll(NULL, 0, 200);
	}
}

/* ---- an auditd plugin: what auditd passes on standard input ---- */

/*
 * One collector per DIR: auditd starts a plugin again while the one before
 * may still be writing its profiles (a restart of auditd: SIGTERM and the end
 * of its input, then a new auditd and a new plugin), and the new one must
 * resume from what that one wrote.  Waits up to 30 s.
 */
static int audisp_lock(struct collect *C)
{
	for (int i = 0; i < 300; i++) {
		if (flock(dfd(C), LOCK_EX | LOCK_NB) == 0)
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

/*
 * Read standard input until its end (auditd stopped or dropped the plugin),
 * or 3 s after SIGTERM, SIGINT or SIGQUIT (auditd sends SIGTERM before it
 * closes the socket: what it passed is read first); SIGHUP (auditd
 * reconfigured) writes the profiles.  Returns as collect_journal().
 */
static int collect_audisp(struct collect *C, scl_stream *in, uint64_t interval)
{
	scl_live_ops ops = { .record = on_record };
	uint64_t prev = 0, said = 0;
	int64_t deadline = 0;
	scl_live_stats st;
	int r;

	C->next_flush = now_ms() + (int64_t)interval * 1000;
	for (;;) {
		struct pollfd pf[3] = {
			{ STDIN_FILENO, POLLIN, 0 },
			{ C->sig_fd, POLLIN, 0 },
			{ C->conn ? scl_proc_conn_fd(C->conn) : -1, POLLIN, 0 },
		};
		struct signalfd_siginfo si;
		int64_t now = now_ms(), timeout = C->next_flush - now;
		bool hup = false, ended;

		if (scl_collector_next_due(C->col) && scl_collector_next_due(C->col) - now < timeout)
			timeout = scl_collector_next_due(C->col) - now;
		if (C->watchdog_ms && C->next_watchdog - now < timeout)
			timeout = C->next_watchdog - now;
		if (deadline && deadline - now < timeout)
			timeout = deadline - now;
		if (timeout < 0)
			timeout = 0;
		if (poll(pf, 3, (int)timeout) < 0 && errno != EINTR) {
			log_error("poll: %m");
			return -1;
		}
		scl_collector_set_time(C->col, now_ms());
		/* process events first: a record's fork event was queued before the record */
		drain_proc_events(C);
		if (C->oom)
			return -ENOMEM;
		scl_collector_new_batch(C->col);
		r = scl_stream_dispatch(in, &ops, C);
		if (r == -ENOMEM)
			return r;
		if (r == -EPROTO) {
			log_error("standard input is not auditd's string format: set 'format = string' in the plugin's "
				  "configuration (/etc/audit/plugins.d/scmplog.conf)");
			return -1;
		}
		if (r < 0) {
			log_error("cannot read standard input: %s", strerror(-r));
			return -1;
		}
		ended = r == 1;
		while (read(C->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGHUP)
				hup = true;
			else if (si.ssi_signo != SIGCHLD && !deadline)
				deadline = now_ms() + 3000;
		}
		now = now_ms();
		if (ended || (deadline && now >= deadline)) {
			if (cli_verbose)
				log_info(ended ? "end of the input (auditd stopped), writing the profiles"
					       : "stopped by a signal before the end of the input, writing the profiles");
			break;
		}
		if (hup || now >= C->next_flush) {
			r = flush(C, false);
			if (r == -ENOMEM)
				return r;
			forget_idle(C, now);
			/* not the kernel's lost counter: AUDIT_GET would wait while auditd is behind */
			scl_stream_stats(in, false, &st);
			audisp_say_loss(&st, &prev, &said);
			notify_status(C, scl_live_stats_lost(&st));
			C->next_flush = now + (int64_t)interval * 1000;
		}
		if (scl_collector_next_due(C->col) && now >= scl_collector_next_due(C->col)) {
			r = write_gone(C, now);
			if (r == -ENOMEM)
				return r;
		}
		watchdog_kick(C, now);
	}
	return flush(C, true);
}

/* Set up, confine, collect, report: the exit status, or -ENOMEM, or -1 after an error was logged. */
static int run_audisp(struct collect *C, enum cli_confine_mode confine, uint64_t interval)
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
			dfd(C)) < 0) {
		scl_stream_free(in);
		return -1;
	}
	if (cli_verbose)
		log_info("collecting the records auditd passes on standard input into '%s', writing every %llu s", C->dir,
			 (unsigned long long)interval);
	(void)cli_notify("READY=1");
	notify_status(C, 0);
	r = collect_audisp(C, in, interval);
	if (r < 0) {
		scl_stream_free(in);
		return r;
	}
	(void)cli_notify("STOPPING=1");
	scl_stream_stats(in, true, &st);
	if (!cli_quiet)
		summary(C, "from auditd", &st);
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
	return r > 0 || C->errors ? EXIT_RUNTIME : EXIT_OK;
}

/* What a struct collect owns (cmd_collect()'s _cleanup_). */
static void collect_done(struct collect *C)
{
	scl_proc_conn_free(C->conn);
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

int cmd_collect(int argc, char **argv)
{
	static const struct cli_option_choice split_keys[] = { { "container", 0 }, { "host", 1 }, { NULL, 0 } };
	_cleanup_(collect_done) struct collect C = { .proc_fd = -1, .pods_dir = "/var/log/pods",
						     .containers_dir = "/var/log/containers" };
	struct cli_signals sig = { .fd = -1 };
	struct cli_live lv = { 0 };
	scl_live_stats st = { 0 };
	uint64_t interval = 30, lost = 0, forget_after = 0;
	bool all = false, no_proc_events = false, plain_runc = false, tty, opened = false;
	const char *journal_dir = NULL;
	bool from_start = false;
	int split_host = 0;
	enum cli_confine_mode confine = CLI_CONFINE_UNSET;
	int first, r, rc = EXIT_RUNTIME, proc_events_r = 0;
	int64_t next_flush, next_status;
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
	if (plain_runc)
		C.flags |= SCL_CGROUP_PLAIN_LEAF;
	if (forget_after)
		C.lim.forget_delay_ms = (int64_t)forget_after * 1000;
	C.opt_containers = C.lim.max_containers != 0;
	C.opt_pids = C.lim.max_tracked_pids != 0;
	C.opt_hosts = C.lim.max_groups != 0;
	if (all && (C.n_want_ids || C.n_want_cgroups)) {
		log_error("collect: --all excludes --container and --cgroup");
		rc = EXIT_USAGE;
		goto out;
	}
	if (journal_dir) {
		if (C.source_set && !C.journal) {
			log_error("collect: --journal-dir reads the journal; it excludes other --source values");
			rc = EXIT_USAGE;
			goto out;
		}
		C.journal = true;
	}
	if (C.n_follows && (C.source_set || journal_dir)) {
		log_error("collect: --follow-file excludes --source and --journal-dir");
		rc = EXIT_USAGE;
		goto out;
	}
	if (from_start && !C.n_follows) {
		log_error("collect: --from-start goes with --follow-file");
		rc = EXIT_USAGE;
		goto out;
	}
	if (C.cursor_file && !C.journal) {
		log_error("collect: --cursor-file goes with --source journal or --journal-dir");
		rc = EXIT_USAGE;
		goto out;
	}
	if (C.split_host && (C.n_want_ids || C.n_want_cgroups)) {
		log_error("collect: --split-by host excludes --container and --cgroup");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!C.dir) {
		/* systemd's StateDirectory=: the first of a colon-separated list */
		const char *sd = getenv("STATE_DIRECTORY");
		if (sd && sd[0] == '/' && !strchr(sd, ':'))
			C.dir = sd;
	}
	if (!C.dir && C.audisp) {
		C.dir = AUDISP_DIR;
		(void)mkdir("/var/lib/scmplog", 0755);
	}
	if (!C.dir) {
		log_error("collect: no --out-dir given (scmplog collect --out-dir DIR [OPTIONS])");
		rc = EXIT_USAGE;
		goto out;
	}

	if (cli_outdir_open(C.dir, NULL, &C.od) < 0)
		goto out;
	if (C.audisp && audisp_lock(&C) < 0)
		goto out;
	C.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (C.proc_fd < 0) {
		log_error("cannot open '/proc': %m");
		goto out;
	}
	C.offline = C.journal || C.n_follows;
	if (C.offline || C.audisp) {
		long tck = sysconf(_SC_CLK_TCK);
		r = scl_container_read_btime(C.proc_fd, &C.btime);
		if (r < 0 || tck <= 0) {
			log_error("cannot read the boot time from '/proc/stat': %s", strerror(r < 0 ? -r : EINVAL));
			goto out;
		}
		C.clk_tck = (uint64_t)tck;
	}
	if (!no_proc_events && !C.offline)
		proc_events_r = scl_proc_conn_open(0, &C.conn);
	{
		scl_collector_config cc = {
			.proc_fd = C.proc_fd, .cgroup_flags = C.flags,
			.ids = (const char *const *)C.want_ids, .n_ids = C.n_want_ids,
			.cgroups = (const char *const *)C.want_cgroups, .n_cgroups = C.n_want_cgroups,
			.proc_events = C.conn != NULL, .offline = C.offline, .audisp = C.audisp,
			.btime = C.btime, .clk_tck = C.clk_tck, .limits = C.lim,
			.split_host = C.split_host, .journal = C.journal,
			.ops = &collector_ops, .ud = &C,
		};

		if (scl_collector_new(&cc, &C.col) < 0)
			goto oom;
		C.lim = *scl_collector_get_limits(C.col);
		scl_collector_set_time(C.col, now_ms());
	}
	if (!no_proc_events && !C.offline) {
		r = proc_events_r;
		if (r < 0 && !cli_quiet)
			log_warn("cannot follow process events (%s): records of processes that exit before they are "
				 "read cannot be attributed, and profiles are written only every --interval",
				 strerror(-r));
		if (r == 0) {
			r = scl_collector_seed(C.col);
			if (r == -ENOMEM || C.oom)
				goto oom;
			if (r < 0 && !cli_quiet)
				log_warn("cannot list the processes in '/proc' (%s): containers already running are "
					 "written only every --interval",
					 strerror(-r));
		}
	}
	tty = isatty(STDERR_FILENO) && !cli_quiet;
	if (cli_signals_setup(&sig) < 0) {
		log_error("cannot set up signal handling: %m");
		goto out;
	}
	C.sig_fd = sig.fd;
	watchdog_init(&C);
	r = cli_notify_open();
	if (r < 0 && !cli_quiet)
		log_warn("cannot use NOTIFY_SOCKET: %s; no readiness or watchdog notifications", strerror(-r));
	if (journal_dir) {
		/* before confinement: each file is read in a child process first */
		r = scl_journal_check_dir(journal_dir, on_journal_damaged, &C);
		if (r == -ENOMEM)
			goto oom;
		if (r == -ECANCELED)
			goto out;
		if (r < 0 && !cli_quiet)
			log_warn("cannot check the journal files in '%s' for damage: %s", journal_dir, strerror(-r));
	}
	if (C.n_follows || C.journal) {
		/* files and the journal are opened (and reopened) by path: nothing to keep but reading */
		if (cli_confine(confine, "collect", CLI_CAP(CAP_DAC_READ_SEARCH), dfd(&C)) < 0)
			goto out;
	}
	if (C.n_follows) {
		(void)cli_notify("READY=1");
		notify_status(&C, 0);
		r = collect_files(&C, C.follows, C.n_follows, from_start, interval);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0)
			goto out;
		(void)cli_notify("STOPPING=1");
		if (!cli_quiet) {
			memset(&st, 0, sizeof(st));
			st.suppressed = follow_suppressed_total(C.follows, C.n_follows);
			summary(&C, "from the log files", &st);
		}
		rc = r > 0 || C.errors ? EXIT_RUNTIME : EXIT_OK;
		goto out;
	}
	if (C.journal) {
		if (!cli_quiet)
			log_warn("journald rate-limits the audit stream and drops records under load (it kept 656 "
				 "of ~10,000 in a burst on one machine): the profiles may be incomplete");
		if (cli_verbose)
			log_info("collecting from %s into '%s', writing every %llu s",
				 journal_dir ? "a journal directory" : "the system journal", C.dir,
				 (unsigned long long)interval);
		(void)cli_notify("READY=1");
		notify_status(&C, 0);
		r = collect_journal(&C, journal_dir, C.cursor_file, interval);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0)
			goto out;
		(void)cli_notify("STOPPING=1");
		if (!cli_quiet) {
			memset(&st, 0, sizeof(st));
			summary(&C, journal_dir ? "from the journal directory" : "from the system journal", &st);
			scl_collector_stats cs;

			scl_collector_stats_get(C.col, &cs);
			if (cs.duplicates && cli_verbose)
				log_info("%llu journal copies of records already read were skipped",
					 (unsigned long long)cs.duplicates);
		}
		rc = r > 0 || C.errors ? EXIT_RUNTIME : EXIT_OK;
		goto out;
	}
	if (C.audisp) {
		r = run_audisp(&C, confine, interval);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0)
			goto out;
		rc = r;
		goto out;
	}
	if (cli_live_open(&lv, C.source, 0) < 0)
		goto out;
	opened = true;
	/*
	 * Kept: reading and restoring the audit settings (AUDIT_GET/SET), the
	 * multicast group, the drain marker (AUDIT_USER), reading any log file
	 * or profile, and unsubscribing from the process events at the end.
	 */
	if (cli_confine(confine, "collect",
			CLI_CAP(CAP_AUDIT_CONTROL) | CLI_CAP(CAP_AUDIT_READ) | CLI_CAP(CAP_AUDIT_WRITE) | CLI_CAP(CAP_SYSLOG) |
				CLI_CAP(CAP_DAC_READ_SEARCH) | (C.conn ? CLI_CAP(CAP_NET_ADMIN) : 0),
			dfd(&C)) < 0)
		goto out;
	if (cli_verbose)
		log_info("collecting %s into '%s', writing every %llu s", cli_live_name(&lv), C.dir,
			 (unsigned long long)interval);
	(void)cli_notify("READY=1");
	notify_status(&C, 0);
	next_flush = now_ms() + (int64_t)interval * 1000;
	next_status = now_ms() + 500;

	for (;;) {
		scl_live_ops ops = { .record = on_record };
		struct pollfd pf[3] = {
			{ cli_live_fd(&lv), POLLIN, 0 },
			{ sig.fd, POLLIN, 0 },
			{ C.conn ? scl_proc_conn_fd(C.conn) : -1, POLLIN, 0 },
		};
		struct signalfd_siginfo si;
		bool stop = false;
		int64_t now = now_ms(), timeout = next_flush - now;

		if (tty && next_status - now < timeout)
			timeout = next_status - now;
		if (scl_collector_next_due(C.col) && scl_collector_next_due(C.col) - now < timeout)
			timeout = scl_collector_next_due(C.col) - now;
		if (C.watchdog_ms && C.next_watchdog - now < timeout)
			timeout = C.next_watchdog - now;
		if (cli_live_poll_ms(&lv) >= 0 && timeout > cli_live_poll_ms(&lv))
			timeout = cli_live_poll_ms(&lv);
		if (timeout < 0)
			timeout = 0;
		if (poll(pf, 3, (int)timeout) < 0 && errno != EINTR) {
			log_error("poll: %m");
			goto out;
		}
		scl_collector_set_time(C.col, now_ms());
		/* process events first: a record's fork event was queued before the record */
		drain_proc_events(&C);
		if (C.oom)
			goto oom;
		scl_collector_new_batch(C.col);
		r = cli_live_dispatch(&lv, &ops, &C);
		if (r < 0) {
			if (r == -ENOMEM)
				goto oom;
			log_error("cannot read audit records: %s", strerror(-r));
			goto out;
		}
		while (read(sig.fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			if (si.ssi_signo != SIGCHLD)
				stop = true;
		if (stop)
			break;
		now = now_ms();
		if (now >= next_flush) {
			r = flush(&C, false);
			if (r == -ENOMEM)
				goto oom;
			forget_idle(&C, now);
			if (cli_live_stats(&lv, &st) == 0)
				lost = scl_live_stats_lost(&st);
			notify_status(&C, lost);
			next_flush = now + (int64_t)interval * 1000;
		}
		/* after this round's read: the records queued before the due time are in */
		if (scl_collector_next_due(C.col) && now >= scl_collector_next_due(C.col)) {
			r = write_gone(&C, now);
			if (r == -ENOMEM)
				goto oom;
		}
		watchdog_kick(&C, now);
		if (tty && now >= next_status) {
			if (cli_live_stats(&lv, &st) == 0)
				lost = scl_live_stats_lost(&st);
			fprintf(stderr, "\r\033[Kscmplog: %llu records, %zu containers, %llu unattributed, %llu lost",
				(unsigned long long)n_records(&C), n_selected(&C), (unsigned long long)unattributed(&C),
				(unsigned long long)lost);
			fflush(stderr);
			next_status = now + 500;
		}
	}
	if (tty)
		fputs("\r\033[K", stderr);
	(void)cli_notify("STOPPING=1");

	/* Read what the kernel queued before the signal: our marker comes back behind it. */
	if (cli_live_drain_start(&lv) == 0) {
		int64_t deadline = now_ms() + 3000;
		scl_live_ops ops = { .record = on_record };

		while (!cli_live_drained(&lv) && now_ms() < deadline) {
			struct pollfd pf = { cli_live_fd(&lv), POLLIN, 0 };
			(void)poll(&pf, 1, 200);
			scl_collector_set_time(C.col, now_ms());
			drain_proc_events(&C);
			scl_collector_new_batch(C.col);
			r = cli_live_dispatch(&lv, &ops, &C);
			if (r == -ENOMEM)
				goto oom;
			if (r < 0)
				break;
		}
	}
	r = flush(&C, true);
	if (r == -ENOMEM)
		goto oom;
	if (cli_live_stats(&lv, &st) < 0)
		memset(&st, 0, sizeof(st));
	opened = false;
	if (cli_live_close(&lv) < 0)
		goto out;
	if (!cli_quiet)
		summary(&C, cli_live_name(&lv), &st);
	rc = r > 0 || C.errors ? EXIT_RUNTIME : EXIT_OK;
	goto out;

oom:
	log_error("out of memory");
	rc = EXIT_RUNTIME;
out:
	if (opened)
		cli_live_close(&lv);
	cli_signals_restore(&sig);
	cli_notify_close();
	return rc;
}
