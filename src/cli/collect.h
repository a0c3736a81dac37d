/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_COLLECT_H
#define SCL_CLI_COLLECT_H

/*
 * scmplog collect: cmd-collect.c (help, options, setup, the audit socket,
 * the exit), collect-files.c (the output files: names, resume, the
 * collector's naming side, writing, status and summary) and one file per
 * other source: collect-journal.c, collect-follow.c (text files followed like
 * tail -F), collect-audisp.c (auditd's plugin input).  Every source runs on
 * the one live loop (cli-loop.h).  The engine is the library's scl_collector
 * (collector.h).
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli/cli-learn.h"
#include "cli/cli-live.h"
#include "cli/cli-loop.h"
#include "cli/cli-profile.h"
#include "cli/self-confine.h"
#include "scmplog/collector.h"
#include "scmplog/journal.h"
#include "scmplog/live.h"
#include "scmplog/outdir.h"
#include "scmplog/proc-connector.h"
#include "scmplog/stream.h"
#include "lib/util.h"

/* --source audisp without --out-dir: auditd starts its plugins with an empty environment and, before 4.0.1, at most two arguments */
#define AUDISP_DIR "/var/lib/scmplog/audisp"

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
	bool orphan;              /* its last user was forgotten: free it once written (collect_forget_idle()) */
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
	int sig_fd;
	int64_t next_flush;
	int64_t interval_ms;      /* --interval */
	/* the one live loop (cli-loop.h), every source's; live: the audit socket's (collect_live()) */
	struct cli_loop loop;
	struct cli_live live;
	uint64_t live_lost;       /* the lost count as read last */
	bool tty;                 /* the status line on stderr */
	int64_t next_status;
	uint64_t overflows_seen;  /* of the process events, handed to the collector */
	/* systemd's watchdog: WATCHDOG=1 every watchdog_ms (half of WATCHDOG_USEC), 0 if off: the loop's */
	int64_t watchdog_ms;
	int64_t next_follow;      /* --follow-file: when the files are looked at next */
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
	const char *jdir;         /* --journal-dir, NULL: the system journal */
	scl_journal_follow *jf;
	int jfd;                  /* scl_journal_follow_fd(), watched */
	int jstep;                /* the last step's SCL_JOURNAL_STEP_* */
	int64_t jnext;            /* when sd-journal asks for a step without its fd (its timeout) */
	bool jfirst; /* the first scan: a gap at its start is the cursor file's */
	uint64_t calls;           /* records handed to collect_on_record() */
	uint64_t malformed;
	/* which limits an option set: its warnings name the option, not the SCL_MAX_* default */
	bool opt_containers, opt_pids, opt_hosts;
};

/* ---- collect-files.c: the output files ---- */

/* The collector's naming side (collector.h's ops): a file per container or host key. */
extern const scl_collector_ops collect_collector_ops;
/* DIR's descriptor (scl_outdir_fd()). */
int collect_dfd(const struct collect *C);
/* A record (scl_live_ops, scl_scan_ops): into the collector, then its file's part.  0 or -ENOMEM. */
int collect_on_record(void *ud, const scl_record *rec);
/*
 * Write the profiles of every file with new records (final: of every file,
 * and the report of syscalls libseccomp cannot name).  Returns the number of
 * failed writes, or -ENOMEM.
 */
int collect_flush(struct collect *C, bool final);
/* After a write: forget the containers gone for a while, free the files none uses. */
void collect_forget_idle(struct collect *C, int64_t now);
/*
 * The timers every source shares, for its loop's round and due hooks: the
 * interval's write (collect_flush(), then next_flush moves on by
 * interval_ms; returns as collect_flush()), the gone containers' writes when
 * the collector says they are due (0 when they are not), and the earliest
 * of the two.
 */
int collect_interval_flush(struct collect *C, int64_t now);
int collect_gone(struct collect *C, int64_t now);
int64_t collect_next_due(const struct collect *C);
/* systemd's watchdog: WATCHDOG=1 at half of WATCHDOG_USEC (C->watchdog_ms), sent by the loop. */
void collect_watchdog_init(struct collect *C);
/* The loop's before_read (ud: the collect): the process events queued, before the records they explain. */
int collect_before_read(void *ud);
/* The counts of the status line, STATUS= and the summary. */
uint64_t collect_n_records(const struct collect *C);
size_t collect_n_selected(const struct collect *C);
uint64_t collect_unattributed(const struct collect *C);
uint64_t collect_journal_lost(const struct collect *C);
void collect_notify_status(const struct collect *C, uint64_t lost);
/*
 * A source's end, r its collection's (the number of failed writes, -ENOMEM,
 * or another -errno after it was logged): the summary on stderr (unless
 * --quiet; name says where the records came from: "from the log files"),
 * then the exit status, -ENOMEM, or -1.
 */
int collect_finish(const struct collect *C, int r, const char *name, const scl_live_stats *st);

/*
 * ---- the other sources, each on the loop until a signal (or its input's
 * end), writing every interval, then the summary: the exit status, -ENOMEM,
 * or -1 after an error was logged ----
 */

/* collect-journal.c: the system journal (jdir NULL) or the journal files in jdir, resuming after and saving C->cursor_file's cursor. */
int collect_journal_run(struct collect *C, const char *jdir);
/* scl_journal_check_dir()'s callback: a damaged journal file said (-ECANCELED: one that would crash the reader). */
int collect_journal_damaged(void *ud, const scl_journal_damage *d);
/* collect-follow.c: the text log files C->follows, followed like tail -F (from_start: what they hold first). */
int collect_files_run(struct collect *C, bool from_start);
/* collect-audisp.c: one collector per DIR for auditd's plugins: wait for the one before (30 s).  0, or -1 (logged). */
int collect_audisp_lock(struct collect *C);
/* As an auditd plugin: set up, confine, collect standard input, report. */
int collect_audisp_run(struct collect *C, enum cli_confine_mode confine);

#endif
