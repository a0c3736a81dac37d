/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "cli/self-confine.h"
#include "scmplog/container.h"
#include "scmplog/dedup.h"
#include "scmplog/journal.h"
#include "scmplog/learn.h"
#include "scmplog/limits.h"
#include "scmplog/notify.h"
#include "scmplog/num.h"
#include "scmplog/output.h"
#include "scmplog/proc-connector.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "scmplog/stream.h"
#include "scmplog/sysset.h"
#include "lib/util.h"

/* --source audisp without --out-dir: auditd starts its plugins with an empty environment and, before 4.0.1, at most two arguments */
#define AUDISP_DIR "/var/lib/scmplog/audisp"

static void help(void)
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
	       "reads against DIR/ID.json to propose the next profile.\n\n"
	       "Containers:\n"
	       "      --out-dir DIR        write the profiles here (default: $STATE_DIRECTORY)\n"
	       "      --all                every container (the default)\n"
	       "      --container ID       only this container, by its full id (repeatable)\n"
	       "      --cgroup PREFIX      only containers whose cgroup path starts with PREFIX,\n"
	       "                           decided when a container is first seen (repeatable)\n"
	       "      --plain-runc         also take a plain leaf cgroup name as a container id (runc\n"
	       "                           without cgroupsPath); any leaf then looks like one, so\n"
	       "                           combine with --container or --cgroup\n"
	       "      --pods-dir DIR       kubelet's pod log directories (default /var/log/pods)\n"
	       "      --containers-dir DIR kubelet's container log links (default /var/log/containers)\n\n"
	       "Output:\n"
	       "  -f, --format FORMAT      oci (default) or k8s (SeccompProfile YAML, DIR/NAME.yaml,\n"
	       "                           with DIR/NAME.json beside it: learning resumes from that)\n"
	       CLI_PROFILE_PORTABLE_HELP
	       CLI_PROFILE_RUNTIME_HELP
	       "      --interval SEC       write every SEC seconds, 1..86400 (default 30)\n"
	       "      --split-by KEY       container (default) or host: one profile per record\n"
	       "                           hostname, DIR/HOST.json (a server receiving many nodes'\n"
	       "                           logs); records without a hostname are unattributed\n\n"
	       "Collecting:\n"
	       "      --source SOURCE      auto (default), daemon, multicast or kmsg, as for run (the\n"
	       "                           daemon slot watched: lost, multicast from then on);\n"
	       "                           or journal: the system journal, followed from its end;\n"
	       "                           or audisp: as an auditd plugin, the records auditd passes\n"
	       "                           on standard input (format = string; DIR defaults to\n"
	       "                           " AUDISP_DIR ")\n"
	       "      --journal-dir DIR    follow the journal files in DIR (from the start)\n"
	       "      --cursor-file FILE   journal: resume after the cursor saved in FILE, and save\n"
	       "                           the last one there whenever the profiles are written\n"
	       "      --follow-file FILE   follow a text log file like tail -F, reopening it when it\n"
	       "                           is rotated or truncated (repeatable; plain text only)\n"
	       "      --from-start         --follow-file: read what the files already hold first\n"
	       "      --no-proc-events     do not follow fork/exec/exit through the proc connector\n"
	       "  -q, --quiet              no status line or summary on stderr\n"
	       "  -v, --verbose            say which source is used and why\n"
	       "  -h, --help               this text\n\n"
	       "Confinement:\n"
	       CLI_CONFINE_HELP
	       "Once its sources are open, collect keeps only the capabilities it still needs\n"
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

enum {
	OPT_OUT_DIR = 1300, OPT_ALL, OPT_CONTAINER, OPT_CGROUP, OPT_PLAIN_RUNC, OPT_PODS_DIR,
	OPT_CONTAINERS_DIR, OPT_INTERVAL, OPT_SOURCE, OPT_NO_PROC_EVENTS, OPT_SPLIT_BY, OPT_JOURNAL_DIR,
	OPT_CURSOR_FILE, OPT_FOLLOW_FILE, OPT_FROM_START,
};

/*
 * One output file, for one key: a container's Kubernetes name or id, or a
 * hostname.  Several containers may share it (a restarted Kubernetes
 * container keeps its name).
 */
struct outfile {
	char base[SCL_MAX_FILE_NAME + 1];
	char *key;                /* the unsanitised key, key_n bytes (any bytes) */
	size_t key_n;
	scl_profile *prev;        /* read from DIR at first sight, NULL if none */
	bool broken;              /* an existing file we could not read: never overwritten */
	bool dirty;               /* records since the last write */
	bool written;
	bool due;                 /* a container of it has no process left: write it now */
	bool over_limit_said;     /* a syscall set limit was hit and reported */
	uint64_t records;
	size_t syscalls;          /* in the last profile written */
	uint32_t users;           /* containers selected into it and not forgotten (forget_ctr()) */
	bool unloaded;            /* written, then prev and set freed: the file on disk has it all */
	bool has_unknown;         /* counts syscalls libseccomp cannot name: kept for the final report */
	bool orphan;              /* its last user was forgotten: free it once written (forget_idle()) */
	/*
	 * What its containers (or host) did: the syscalls seen, a bitset per
	 * architecture (NULL until the first record), flat in the records.
	 */
	scl_sysset *set;
};

enum { SEL_UNDECIDED = -1, SEL_NO = 0, SEL_YES = 1 };

struct ctr {
	char id[SCL_MAX_CONTAINER_ID + 1];
	uint64_t records;
	int selected;
	size_t file;              /* index into files, when selected */
	uint32_t live;            /* its processes known to be alive (struct pidslot) */
	int64_t gone_at;          /* write its file then (ms, now_ms()), 0 if not due */
	int64_t idle_since;       /* its last counted process exited then (ms), 0 while it has one */
};

/* A live process counted in a container's live count. */
struct pidslot {
	uint32_t pid;             /* 0: empty */
	uint32_t ctr;             /* index into ctrs */
};

struct collect {
	int proc_fd, dfd;
	const char *dir;
	unsigned flags;
	struct cli_profile_out out;
	char **want_ids;
	size_t n_want_ids;
	char **want_cgroups;
	size_t n_want_cgroups;
	const char *pods_dir, *containers_dir;
	scl_container_cache *cache;
	scl_proc_conn *conn;
	scl_mapper *mapper;       /* names a set's new keys once, for the unknown-syscall report */
	struct ctr *ctrs;
	size_t n_ctrs;            /* slots, forgotten ones included */
	/* forgotten slots, for reuse: the first (+1; 0: none), each keeping the next in its file */
	size_t free_ctr, n_free_ctrs;
	size_t n_unselected;      /* slots of containers decided not to be learned */
	uint64_t forgotten_selected; /* learned containers forgotten since */
	uint32_t *index;          /* find_ctr()'s hash table */
	size_t index_cap;
	struct outfile *files;
	size_t n_files, files_cap;
	/* files by key and by base name (folded to lower case): indexes (+1; 0 is empty), at most half full */
	uint32_t *file_by_key, *file_by_base;
	size_t file_index_cap;
	int oom;
	int errors;
	/*
	 * Recent lookups, direct-mapped by pid, for the records of a few busy
	 * processes in a read batch: valid for the batch (memo_gen) until an
	 * event of that pid comes.
	 */
	struct memo {
		uint64_t gen;
		uint32_t pid;
		int r;
		scl_container c;
	} memo[256];
	uint64_t memo_gen;
	/*
	 * Processes whose cgroup is unknown since their last exec: it was
	 * processed after they were gone, and a runtime may have moved them
	 * between fork and exec.  Bit per pid (PID_MAX_LIMIT bits, 512 KiB).
	 */
	uint64_t *uncertain;
	uint64_t n_uncertain;
	/* pids whose exit event came, until a fork reuses them (bit per pid, as uncertain) */
	uint64_t *exited;
	/* journal and log files: no live process behind a record; the journal has two copies of each */
	bool journal, offline;
	bool audisp;              /* an auditd plugin: the records on standard input */
	uint64_t btime, clk_tck;  /* offline, audisp: to tell a record's process from a later one of its pid */
	bool split_host;          /* group by the record's hostname */
	scl_dedup *dedup;         /* journald's two copies of a record */
	volatile sig_atomic_t scan_stop;
	bool terminate;
	int sig_fd;
	int64_t next_flush;
	/*
	 * Live processes per container, from the process events: a table of
	 * live pids (open addressing, at most half full), the earliest
	 * ctr.gone_at, and the overflows seen (an overflow may have hidden
	 * exits: the table is checked against /proc then).
	 */
	struct pidslot *pids;
	size_t pids_cap, pids_n;
	int64_t next_gone;
	uint64_t overflows_seen;
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
	/* counters */
	uint64_t records, attributed, host, not_selected, gone, no_pid, unreadable, undecided;
	uint64_t no_host, duplicates, malformed, over_limit;
	/* records past SCL_MAX_CONTAINERS or SCL_MAX_GROUPS, processes past SCL_MAX_TRACKED_PIDS */
	uint64_t over_groups, over_pids;
	bool over_groups_said, over_pids_said;
};

static size_t id_hash(const char *id, size_t mask)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 29)) & mask;
}

/* Open addressing over indexes into ctrs (+1; 0 is empty), kept at most half full. */
static struct ctr *find_ctr(struct collect *C, const char *id)
{
	if (!C->index_cap)
		return NULL;
	for (size_t i = id_hash(id, C->index_cap - 1); C->index[i]; i = (i + 1) & (C->index_cap - 1))
		if (!strcmp(C->ctrs[C->index[i] - 1].id, id))
			return &C->ctrs[C->index[i] - 1];
	return NULL;
}

static void index_put(struct collect *C, size_t k)
{
	size_t i;

	for (i = id_hash(C->ctrs[k].id, C->index_cap - 1); C->index[i]; i = (i + 1) & (C->index_cap - 1))
		;
	C->index[i] = (uint32_t)k + 1;
}

/* Index ctrs[k], growing the table first when it would be more than half full. */
static int index_ctr(struct collect *C, size_t k)
{
	if ((k + 1) * 2 > C->index_cap) {
		size_t cap = C->index_cap ? C->index_cap * 2 : 64;
		uint32_t *ni = calloc(cap, sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		free(C->index);
		C->index = ni;
		C->index_cap = cap;
		for (size_t j = 0; j < k; j++)
			if (C->ctrs[j].id[0]) /* not a forgotten slot */
				index_put(C, j);
	}
	index_put(C, k);
	return 0;
}

/* Take ctrs[k] out of the index; the entries after it in its probe run move back, so no tombstones. */
static void index_remove(struct collect *C, size_t k)
{
	size_t mask = C->index_cap - 1, i;

	for (i = id_hash(C->ctrs[k].id, mask); C->index[i] && C->index[i] != k + 1; i = (i + 1) & mask)
		;
	if (!C->index[i])
		return;
	for (size_t j = (i + 1) & mask; C->index[j]; j = (j + 1) & mask) {
		size_t home = id_hash(C->ctrs[C->index[j] - 1].id, mask);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			C->index[i] = C->index[j];
			i = j;
		}
	}
	C->index[i] = 0;
}

static size_t ctrs_in_use(const struct collect *C)
{
	return C->n_ctrs - C->n_free_ctrs;
}

/* Read /proc/PID/cgroup and look for a path below one of the --cgroup prefixes. */
static int cgroup_selected(struct collect *C, uint32_t pid)
{
	char name[16], buf[SCL_MAX_PROC_CGROUP_FILE];
	_cleanup_close_ int dfd = -1, fd = -1;
	size_t n = 0;

	snprintf(name, sizeof(name), "%u", pid);
	dfd = openat(C->proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = openat(dfd, "cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t k = read(fd, buf + n, sizeof(buf) - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return errno == ESRCH ? -ENOENT : -errno;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n == sizeof(buf))
			return -E2BIG;
	}
	for (const char *p = buf, *end = buf + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *c1, *c2;

		c1 = memchr(p, ':', (size_t)(le - p));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		if (c2) {
			const char *path = c2 + 1;
			size_t pn = (size_t)(le - path);
			for (size_t i = 0; i < C->n_want_cgroups; i++) {
				const char *w = C->want_cgroups[i];
				size_t wn = strlen(w);
				/* a prefix ends at a component boundary ("/a" is not a prefix of "/ab") */
				if (pn >= wn && !memcmp(path, w, wn) &&
				    (pn == wn || path[wn] == '/' || (wn > 0 && w[wn - 1] == '/')))
					return 1;
			}
		}
		p = le + 1;
	}
	return 0;
}

static bool id_wanted(const struct collect *C, const char *id)
{
	for (size_t i = 0; i < C->n_want_ids; i++)
		if (!strcmp(C->want_ids[i], id))
			return true;
	return false;
}

/*
 * Read DIR/base.json if it exists, for the union.  With --format k8s the
 * OCI JSON is written beside the YAML (flush()): it is what learning
 * resumes from, as YAML is only written, never read.
 */
static void load_prev(struct collect *C, struct outfile *f)
{
	char fname[SCL_MAX_FILE_NAME + 8], err[256] = "", path[4200];
	_cleanup_close_ int fd = -1;
	_cleanup_(scl_strv_freep) char **warnings = NULL;
	struct stat st;
	int r;

	snprintf(fname, sizeof(fname), "%s.json", f->base);
	fd = openat(C->dfd, fname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return;
		r = -errno;
		if (r == -ELOOP)
			snprintf(err, sizeof(err), "a symbolic link, not followed");
		goto broken;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto broken;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		snprintf(err, sizeof(err), "not a regular file");
		goto broken;
	}
	r = scl_profile_read_oci_fd(fd, &f->prev, &warnings, err, sizeof(err));
	if (r < 0)
		goto broken;
	/* one byte order, or it would not load: of an archMap this machine's entry (a --split-by host file may be another machine's) */
	snprintf(path, sizeof(path), "%s/%s", C->dir, fname);
	if (cli_profile_narrow_native(f->prev, path, true) < 0) {
		C->oom = 1;
		return;
	}
	if (cli_verbose)
		log_info("resuming from '%s/%s' (%zu syscalls)", C->dir, fname, scl_profile_count(f->prev));
	return;
broken:
	if (r == -ENOMEM) {
		C->oom = 1;
		return;
	}
	f->broken = true;
	C->errors++;
	log_error("cannot read profile '%s/%s': %s; it will not be overwritten", C->dir, fname,
		  err[0] ? err : strerror(-r));
}

static uint64_t file_hash(const char *s, size_t n, bool fold)
{
	uint64_t h = SCL_FNV_OFFSET;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (fold && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return scl_mix64(h);
}

/*
 * The index into files of the file with key s (by_base false), or whose base
 * name equals s but for case (by_base true: two names that differ only in
 * case are one file on a case-insensitive file system); -1 if none.
 */
static long file_find(const struct collect *C, bool by_base, const char *s, size_t n)
{
	const uint32_t *x = by_base ? C->file_by_base : C->file_by_key;
	size_t mask = C->file_index_cap - 1;

	if (!C->file_index_cap)
		return -1;
	for (size_t i = file_hash(s, n, by_base) & mask; x[i]; i = (i + 1) & mask) {
		const struct outfile *f = &C->files[x[i] - 1];

		if (by_base ? strlen(f->base) == n && !strncasecmp(f->base, s, n)
			    : f->key_n == n && !memcmp(f->key, s, n))
			return (long)x[i] - 1;
	}
	return -1;
}

static void file_index_put(struct collect *C, size_t k)
{
	const struct outfile *f = &C->files[k];
	size_t mask = C->file_index_cap - 1, i;

	for (i = file_hash(f->key, f->key_n, false) & mask; C->file_by_key[i]; i = (i + 1) & mask)
		;
	C->file_by_key[i] = (uint32_t)k + 1;
	for (i = file_hash(f->base, strlen(f->base), true) & mask; C->file_by_base[i]; i = (i + 1) & mask)
		;
	C->file_by_base[i] = (uint32_t)k + 1;
}

/* Room for one more file in files and its indexes. */
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
	if ((C->n_files + 1) * 2 > C->file_index_cap) {
		size_t cap = C->file_index_cap ? C->file_index_cap * 2 : 64;
		uint32_t *bk = calloc(cap, sizeof(*bk)), *bb = calloc(cap, sizeof(*bb));

		if (!bk || !bb) {
			free(bk);
			free(bb);
			return -ENOMEM;
		}
		free(C->file_by_key);
		free(C->file_by_base);
		C->file_by_key = bk;
		C->file_by_base = bb;
		C->file_index_cap = cap;
		for (size_t k = 0; k < C->n_files; k++)
			file_index_put(C, k);
	}
	return 0;
}

/* Alternative names tried for a key whose sanitised name another key has (a collision needs 2^32 tries each). */
#define FILE_NAME_ATTEMPTS 16

static void put_collision(const struct collect *C, const char *what, const struct outfile *other, const char *key,
			  size_t key_n, const char *taken, const char *base)
{
	const char *ext = C->out.format == SCL_FORMAT_OCI ? ".json" : ".yaml";

	fprintf(stderr, "scmplog: warning: %ss '", what);
	cli_put_escaped(stderr, other->key, other->key_n);
	fputs("' and '", stderr);
	cli_put_escaped(stderr, key, key_n);
	fprintf(stderr, "' would both be written to '%s/%s%s' (%s): the second is written to '%s/%s%s'\n", C->dir,
		taken, ext, strcmp(taken, other->base) ? "file names that differ only in case" : "file name hash collision",
		C->dir, base, ext);
}

/* DIR/base.json exists (or is something we will refuse): a profile of an earlier run. */
static bool on_disk(const struct collect *C, const char *base)
{
	char fname[SCL_MAX_FILE_NAME + 8];
	struct stat st;

	snprintf(fname, sizeof(fname), "%s.json", base);
	return fstatat(C->dfd, fname, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

/*
 * The output file of key (what: "container" or "host"), added and its old
 * profile read at first sight.  Its name is the sanitised key; when another
 * key has that name already (the sanitiser's hash collided, or the names
 * differ only in case), the first of scl_sanitize_filename_alt()'s
 * alternatives no other key has, said once: keys never share a file.
 *
 * Only names the sanitiser hashed can collide.  Of two colliding keys, the
 * one seen first keeps the plain name (and the profile an earlier run left
 * under it); the other's alternative depends on its key only, and a key
 * whose alternative is in DIR from an earlier run takes it again at once, so
 * a restart that sees the two in the other order keeps both names.
 * -ENOMEM, or -EEXIST when every alternative is taken (logged).
 */
static int file_for_key(struct collect *C, const char *what, const char *key, size_t key_n, size_t *ret)
{
	char base[SCL_MAX_FILE_NAME + 1], taken[SCL_MAX_FILE_NAME + 1] = "";
	long k = file_find(C, false, key, key_n), other = -1;
	bool resumed = false;
	struct outfile *nf;
	unsigned attempt;
	int len;

	if (k >= 0) {
		*ret = (size_t)k;
		return 0;
	}
	len = scl_sanitize_filename_alt(key, key_n, 0, base, sizeof(base));
	if (len < 0)
		return len; /* cannot happen: the buffer is always large enough */
	if ((size_t)len != key_n || memcmp(base, key, key_n)) {
		for (attempt = 1; attempt < FILE_NAME_ATTEMPTS && !resumed; attempt++) {
			len = scl_sanitize_filename_alt(key, key_n, attempt, base, sizeof(base));
			resumed = len > 0 && file_find(C, true, base, (size_t)len) < 0 && on_disk(C, base);
		}
	}
	for (attempt = 0; !resumed && attempt < FILE_NAME_ATTEMPTS; attempt++) {
		len = scl_sanitize_filename_alt(key, key_n, attempt, base, sizeof(base));
		if (len < 0)
			return len;
		k = file_find(C, true, base, (size_t)len);
		if (k < 0)
			break;
		if (other < 0) {
			other = k;
			memcpy(taken, base, (size_t)len + 1);
		}
	}
	if (!resumed && attempt == FILE_NAME_ATTEMPTS) {
		fprintf(stderr, "scmplog: %s '", what);
		cli_put_escaped(stderr, key, key_n);
		fprintf(stderr, "': %d file names tried, all taken by others: its records are not learned\n",
			(int)FILE_NAME_ATTEMPTS);
		C->errors++;
		return -EEXIST;
	}
	if (files_reserve(C) < 0)
		return -ENOMEM;
	nf = &C->files[C->n_files];
	memset(nf, 0, sizeof(*nf));
	nf->key = malloc(key_n ? key_n : 1);
	if (!nf->key)
		return -ENOMEM;
	memcpy(nf->key, key, key_n);
	nf->key_n = key_n;
	memcpy(nf->base, base, strlen(base) + 1);
	if (other >= 0) {
		put_collision(C, what, &C->files[other], key, key_n, taken, base);
	} else if (resumed && !cli_quiet) {
		fprintf(stderr, "scmplog: %s '", what);
		cli_put_escaped(stderr, key, key_n);
		fprintf(stderr, "' is written to '%s/%s%s', the alternative name an earlier run gave it (its own "
			"collides with another's)\n", C->dir, base, C->out.format == SCL_FORMAT_OCI ? ".json" : ".yaml");
	}
	load_prev(C, nf);
	file_index_put(C, C->n_files);
	*ret = C->n_files++;
	return 0;
}

#define CONTAINER_KEY_MAX (SCL_MAX_K8S_LABEL * 2 + SCL_MAX_K8S_NAME + 3)

/* A container's file key: its Kubernetes names when kubelet's directories have them, else its id. */
static const char *container_key(const struct collect *C, const scl_container *c, char name[CONTAINER_KEY_MAX])
{
	scl_k8s_names k;

	if (c->pod_uid[0] && scl_container_k8s_names(C->pods_dir, C->containers_dir, c->pod_uid, c->id, &k) == 0 &&
	    k.container[0]) {
		snprintf(name, CONTAINER_KEY_MAX, "%s_%s_%s", k.namespace_, k.pod, k.container);
		return name;
	}
	return c->id;
}

/* The file of a container (made at first sight). */
static int pick_file(struct collect *C, const scl_container *c, size_t *ret)
{
	char name[CONTAINER_KEY_MAX];
	const char *key = container_key(C, c, name);

	return file_for_key(C, "container", key, strlen(key), ret);
}

/* A container was selected before (its file exists): one forgotten since (forget_ctr()). */
static bool had_file(const struct collect *C, const scl_container *c)
{
	char name[CONTAINER_KEY_MAX];
	const char *key = container_key(C, c, name);

	return file_find(C, false, key, strlen(key)) >= 0;
}

static struct ctr *add_ctr(struct collect *C, const scl_container *c)
{
	struct ctr *n;
	size_t k;

	if (C->free_ctr) {
		/* a forgotten slot: nothing refers to it any more, and the index has room for every slot */
		k = C->free_ctr - 1;
		C->free_ctr = C->ctrs[k].file;
		C->n_free_ctrs--;
	} else {
		n = realloc(C->ctrs, (C->n_ctrs + 1) * sizeof(*n));
		if (!n)
			return NULL;
		C->ctrs = n;
		k = C->n_ctrs;
	}
	n = &C->ctrs[k];
	memset(n, 0, sizeof(*n));
	memcpy(n->id, c->id, sizeof(n->id));
	n->id[sizeof(n->id) - 1] = '\0';
	n->selected = SEL_UNDECIDED;
	if (k < C->n_ctrs) {
		index_put(C, k);
		return n;
	}
	if (index_ctr(C, k) < 0)
		return NULL;
	C->n_ctrs++;
	return n;
}

/*
 * A container without a process for FORGET_DELAY_MS whose file is written
 * (or that has none) is forgotten (forget_idle()), so that a node collector
 * running for months is neither stopped by SCL_MAX_CONTAINERS nor grows
 * with every container it ever saw.  A record of it that still comes makes
 * it new again (decided again: by its id, a live process, or, with the
 * process gone, its file: only selected containers have one), and its file
 * is read back from DIR (load_prev()): the profile is the same, one more
 * run.  A file no container uses any more has its syscalls freed
 * (unloaded) once written, unless it counts syscalls libseccomp cannot
 * name (kept for the report at the end).
 */
static void forget_ctr(struct collect *C, size_t k)
{
	struct ctr *t = &C->ctrs[k];

	if (t->selected == SEL_YES) {
		struct outfile *f = &C->files[t->file];

		if (t->records)
			C->forgotten_selected++;
		if (f->users && --f->users == 0)
			f->orphan = true;
	}
	if (t->selected == SEL_NO)
		C->n_unselected--;
	index_remove(C, k);
	memset(t, 0, sizeof(*t));
	t->file = C->free_ctr;
	C->free_ctr = k + 1;
	C->n_free_ctrs++;
}

static int decide(struct collect *C, struct ctr *t, const scl_container *c, uint32_t pid)
{
	bool any_filter = C->n_want_ids || C->n_want_cgroups;
	int sel = any_filter ? SEL_NO : SEL_YES;
	int r;

	if (id_wanted(C, t->id))
		sel = SEL_YES;
	if (sel != SEL_YES && C->n_want_cgroups) {
		r = cgroup_selected(C, pid);
		/* its process is gone: a container forgotten once selected is selected again */
		if (r < 0 && !had_file(C, c))
			return SEL_UNDECIDED;
		if (r != 0)
			sel = SEL_YES;
	}
	if (sel == SEL_YES) {
		r = pick_file(C, c, &t->file);
		if (r == -ENOMEM) {
			C->oom = 1;
			return SEL_UNDECIDED;
		}
		if (r < 0)
			sel = SEL_NO; /* no file name of its own (logged) */
		else {
			C->files[t->file].users++;
			C->files[t->file].orphan = false;
		}
	}
	if (sel == SEL_YES) {
		if (cli_verbose) {
			fprintf(stderr, "scmplog: container ");
			cli_put_escaped(stderr, t->id, strlen(t->id));
			fprintf(stderr, " (%s) -> %s/%s%s\n", scl_container_runtime_str(c->runtime), C->dir,
				C->files[t->file].base, C->out.format == SCL_FORMAT_OCI ? ".json" : ".yaml");
		}
	}
	t->selected = sel;
	if (sel == SEL_NO)
		C->n_unselected++;
	return sel;
}

/*
 * Room for one more container: a slot is free, or one of a container that
 * is not learned is given up (forget_ctr(); it holds nothing but that
 * decision, made again if it comes back).  Without this, every leaf cgroup
 * with a process (a host's services, each command of a CI runner) would
 * take a slot for good and leave none to the containers asked for.
 */
static bool ctr_room(struct collect *C)
{
	if (ctrs_in_use(C) < SCL_MAX_CONTAINERS)
		return true;
	if (!C->n_unselected)
		return false;
	for (size_t k = 0; k < C->n_ctrs; k++)
		if (C->ctrs[k].id[0] && C->ctrs[k].selected == SEL_NO) {
			forget_ctr(C, k);
			return true;
		}
	return false;
}

#define PID_BITS SCL_PID_MAX_LIMIT

static bool pid_bit(const uint64_t *map, uint32_t pid)
{
	return pid < PID_BITS && (map[pid / 64] >> (pid % 64) & 1);
}

static void set_pid_bit(uint64_t *map, uint32_t pid, bool on)
{
	if (pid >= PID_BITS)
		return;
	if (on)
		map[pid / 64] |= 1ULL << (pid % 64);
	else
		map[pid / 64] &= ~(1ULL << (pid % 64));
}

static bool uncertain(const struct collect *C, uint32_t pid)
{
	return pid_bit(C->uncertain, pid);
}

static void set_uncertain(struct collect *C, uint32_t pid, bool on)
{
	set_pid_bit(C->uncertain, pid, on);
}

/*
 * A process that exited but was not reaped yet.  Its /proc/PID/cgroup is no
 * answer: the v1 hierarchies say "/" for an exiting task, but the v2 line
 * keeps its cgroup (proc_cgroup_show()), so a container's zombie init still
 * reads as in the container.  Any error reads as "gone" too.
 */
static bool zombie(const struct collect *C, uint32_t pid)
{
	char name[32], buf[SCL_MAX_PROC_STAT];
	const char *rp;
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "%u/stat", pid);
	fd = openat(C->proc_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return true;
	/* "pid (comm) S ...": comm may hold ')', the state follows the last one */
	rp = memrchr(buf, ')', (size_t)n);
	if (!rp || buf + n - rp < 3)
		return true;
	return rp[2] == 'Z' || rp[2] == 'X';
}

#define now_ms scl_now_ms /* lib/util.h */

/* ---- live processes per container ---- */

/*
 * A container's file is written soon after its last process exits, not at
 * the exit event: the last records (exit_group) pass through the kernel's
 * audit queue and may reach us after the exit event, which the proc
 * connector sends from the exiting task itself.  So the file is due
 * GONE_DELAY_MS after the count dropped to zero, and written in the loop
 * round that reaches that time, after reading the records queued by then.
 * A record that comes later still makes the file dirty again: it is
 * written at the next --interval, nothing is lost.
 */
#define GONE_DELAY_MS 1000
/* A container without a process is forgotten after this long (forget_ctr()); tests: 2 s. */
#ifdef SCL_SMALL_LIMITS
#define FORGET_DELAY_MS 2000
#else
#define FORGET_DELAY_MS 60000
#endif

static size_t pid_home(uint32_t pid, size_t mask)
{
	return (size_t)scl_mix64(pid) & mask;
}

/* The slot holding pid, or the empty one where it would go (pids_cap > 0). */
static size_t pid_slot(const struct collect *C, uint32_t pid)
{
	size_t mask = C->pids_cap - 1, i;

	for (i = pid_home(pid, mask); C->pids[i].pid && C->pids[i].pid != pid; i = (i + 1) & mask)
		;
	return i;
}

static int pids_grow(struct collect *C)
{
	size_t cap = C->pids_cap ? C->pids_cap * 2 : 1024, old_cap = C->pids_cap;
	struct pidslot *old = C->pids, *np = calloc(cap, sizeof(*np));

	if (!np)
		return -ENOMEM;
	C->pids = np;
	C->pids_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].pid)
			C->pids[pid_slot(C, old[i].pid)] = old[i];
	free(old);
	return 0;
}

/* Empty slot i; the entries after it in its probe run move back, so no tombstones. */
static void pid_remove_slot(struct collect *C, size_t i)
{
	size_t mask = C->pids_cap - 1;

	for (size_t j = (i + 1) & mask; C->pids[j].pid; j = (j + 1) & mask) {
		/* the entry at j may fill the hole when the hole is on its probe path (home .. j) */
		if (((j - pid_home(C->pids[j].pid, mask)) & mask) >= ((j - i) & mask)) {
			C->pids[i] = C->pids[j];
			i = j;
		}
	}
	C->pids[i].pid = 0;
	C->pids_n--;
}

/* ctrs[k] lost a live process; with none left, its file is due GONE_DELAY_MS from now. */
static void ctr_release(struct collect *C, uint32_t k)
{
	struct ctr *t = &C->ctrs[k];

	if (t->live && --t->live == 0) {
		t->idle_since = now_ms();
		t->gone_at = t->idle_since + GONE_DELAY_MS;
		if (!C->next_gone || t->gone_at < C->next_gone)
			C->next_gone = t->gone_at;
	}
}

/*
 * A record of ctrs[k] with no process of it counted: one read after the
 * file was due (on a busy machine the kernel's audit queue may run more
 * than GONE_DELAY_MS behind the exit events), or of a container whose
 * processes were all gone before their events were read.  Its file is due
 * again GONE_DELAY_MS from now, not only at the next --interval.  Not when
 * processes are not counted (no proc connector, or past
 * SCL_MAX_TRACKED_PIDS): a container's count is 0 while it runs then.
 */
static void late_record(struct collect *C, struct ctr *t)
{
	if (t->live || t->gone_at || !C->conn || C->offline || C->over_pids)
		return;
	if (!t->idle_since)
		t->idle_since = now_ms();
	t->gone_at = now_ms() + GONE_DELAY_MS;
	if (!C->next_gone || t->gone_at < C->next_gone)
		C->next_gone = t->gone_at;
}

/* The index into ctrs of the container pid is counted in, or -1. */
static long tracked(const struct collect *C, uint32_t pid)
{
	size_t i;

	if (!C->pids_cap || pid == 0)
		return -1;
	i = pid_slot(C, pid);
	return C->pids[i].pid ? (long)C->pids[i].ctr : -1;
}

static void untrack(struct collect *C, uint32_t pid)
{
	size_t i;
	uint32_t k;

	if (!C->pids_cap || pid == 0)
		return;
	i = pid_slot(C, pid);
	if (!C->pids[i].pid)
		return;
	k = C->pids[i].ctr;
	pid_remove_slot(C, i);
	ctr_release(C, k);
}

/* Count pid as a live process of ctrs[k], moving it from another container's count. */
static int track(struct collect *C, uint32_t pid, size_t k)
{
	size_t i;

	if (pid == 0)
		return 0;
	if ((C->pids_n + 1) * 2 > C->pids_cap && C->pids_n < SCL_MAX_TRACKED_PIDS && pids_grow(C) < 0)
		return -ENOMEM;
	i = pid_slot(C, pid);
	if (C->pids[i].pid) {
		uint32_t old = C->pids[i].ctr;

		if (old == k)
			return 0;
		C->pids[i].ctr = (uint32_t)k;
		C->ctrs[k].live++;
		C->ctrs[k].idle_since = 0;
		ctr_release(C, old);
		return 0;
	}
	if (C->pids_n >= SCL_MAX_TRACKED_PIDS) {
		C->over_pids++;
		if (!C->over_pids_said)
			log_warn("over SCL_MAX_TRACKED_PIDS (%d live container processes): further processes are not "
				 "counted, and a container's profile may be written before its last process exits (and "
				 "again at every --interval)",
				 SCL_MAX_TRACKED_PIDS);
		C->over_pids_said = true;
		return 0;
	}
	C->pids[i].pid = pid;
	C->pids[i].ctr = (uint32_t)k;
	C->pids_n++;
	C->ctrs[k].live++;
	C->ctrs[k].idle_since = 0;
	return 0;
}

/*
 * The index into ctrs of container c, added at first sight; -1 past the
 * group limit or for a container that can never be selected (--container
 * alone, another id); -ENOMEM.
 */
static long ctr_for(struct collect *C, const scl_container *c)
{
	struct ctr *t = find_ctr(C, c->id);

	if (!t) {
		if (C->n_want_ids && !C->n_want_cgroups && !id_wanted(C, c->id))
			return -1;
		if (!ctr_room(C))
			return -1; /* its records are counted (over_groups()) when they come */
		if (!(t = add_ctr(C, c)))
			return -ENOMEM;
	}
	return (long)(t - C->ctrs);
}

/* pid, read from /proc just now, is alive in container c: count it there. */
static int live_in(struct collect *C, uint32_t pid, const scl_container *c)
{
	long k = ctr_for(C, c);
	struct ctr *t;

	if (k == -ENOMEM)
		return -ENOMEM;
	if (k < 0) {
		untrack(C, pid);
		return 0;
	}
	t = &C->ctrs[k];
	/* --cgroup is decided on a live process of the container: now, as its records may be read after it is gone */
	if (t->selected == SEL_UNDECIDED && C->n_want_cgroups) {
		(void)decide(C, t, c, pid);
		if (C->oom)
			return -ENOMEM;
	}
	if (t->selected == SEL_NO) {
		untrack(C, pid);
		return 0;
	}
	return track(C, pid, (size_t)k);
}

/*
 * The container processes alive when we start: their forks and execs came
 * before us.  The proc connector is open already, so the events of anything
 * that changes meanwhile are queued and applied after this read.
 */
static int seed_live(struct collect *C)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	fd = openat(C->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((errno = 0, de = readdir(d))) {
		scl_container c;
		uint64_t pid;

		/* a zombie's exit event came before us: not counted */
		if (scl_parse_u64_str(de->d_name, PID_BITS - 1, &pid) < 0 || pid == 0 || zombie(C, (uint32_t)pid))
			continue;
		r = scl_container_read_proc(C->proc_fd, (uint32_t)pid, C->flags, &c, NULL);
		if (r == -ENOMEM)
			break;
		if (r != 1 || c.conmon) {
			r = 0;
			continue;
		}
		r = live_in(C, (uint32_t)pid, &c);
		if (r < 0)
			break;
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	return r;
}

/* After an overflow of the process events some exits may be lost: drop the counted pids that are gone. */
static void sweep_live(struct collect *C)
{
	for (size_t i = 0; i < C->pids_cap;) {
		if (C->pids[i].pid && zombie(C, C->pids[i].pid)) {
			uint32_t k = C->pids[i].ctr;

			/* an entry from further on may move into slot i: look at it again */
			pid_remove_slot(C, i);
			ctr_release(C, k);
			continue;
		}
		i++;
	}
}

static int on_proc_event(void *ud, const scl_proc_event *ev)
{
	struct collect *C = ud;
	scl_container c;
	int r;

	if (C->memo[ev->pid % ELEMENTSOF(C->memo)].pid == ev->pid)
		C->memo[ev->pid % ELEMENTSOF(C->memo)].gen = 0;
	switch (ev->type) {
	case SCL_PROC_FORK:
		/*
		 * The child of a process whose cgroup is unknown inherits the
		 * doubt; otherwise it gets the parent's container (read now if
		 * the parent still lives).
		 */
		set_uncertain(C, ev->pid, uncertain(C, ev->parent_pid));
		set_pid_bit(C->exited, ev->pid, false);
		(void)scl_container_cache_fork(C->cache, ev->parent_pid, ev->pid);
		/* a child forked inside a container is one of its processes (a new pid: any old count was a lost exit) */
		{
			long k = tracked(C, ev->parent_pid);
			if (k >= 0)
				return track(C, ev->pid, (size_t)k);
			untrack(C, ev->pid);
		}
		/*
		 * A parent not counted in a container may still have forked
		 * into one: runc clones its init with CLONE_PARENT, so the
		 * fork names the runtime on the host, and what the cache
		 * inherited from it is the host.  Read the child itself now:
		 * on a busy machine its exec event may be read only after it
		 * is gone, and then this is all that is known of it.  (Gone
		 * already: the parent's answer; its exit event is still to
		 * come and ends any count.)
		 */
		r = scl_container_cache_lookup(C->cache, ev->pid, &c);
		if (r == -ENOMEM)
			return r;
		if (r == 1 && !c.conmon)
			return live_in(C, ev->pid, &c);
		break;
	case SCL_PROC_EXEC:
		/*
		 * A runtime moves its init into the container's cgroup between
		 * fork and exec (runc; systemd does the same with units), so
		 * what the fork taught us may be the runtime's cgroup: read it
		 * again now.  When the process is already gone, the fork's
		 * answer stands only if it was a container (a process forked
		 * inside a container stays there); a child of a host process
		 * (a runtime) is not attributed by guess.
		 */
		if (!zombie(C, ev->pid) && (r = scl_container_read_proc(C->proc_fd, ev->pid, C->flags, &c, NULL)) >= 0) {
			set_uncertain(C, ev->pid, false);
			(void)scl_container_cache_invalidate(C->cache, ev->pid);
			(void)scl_container_cache_lookup(C->cache, ev->pid, &c);
			if (r == 1 && !c.conmon)
				return live_in(C, ev->pid, &c);
			untrack(C, ev->pid);
		} else if (scl_container_cache_lookup(C->cache, ev->pid, &c) != 1) {
			set_uncertain(C, ev->pid, true);
		}
		break;
	case SCL_PROC_EXIT:
		(void)scl_container_cache_exit(C->cache, ev->pid);
		set_pid_bit(C->exited, ev->pid, true);
		untrack(C, ev->pid);
		break;
	}
	return 0;
}

static void drain_proc_events(struct collect *C)
{
	if (!C->conn)
		return;
	if (scl_proc_conn_dispatch(C->conn, on_proc_event, C) == -ENOMEM)
		C->oom = 1;
	if (scl_proc_conn_overflows(C->conn) != C->overflows_seen) {
		C->overflows_seen = scl_proc_conn_overflows(C->conn);
		sweep_live(C);
	}
}

/* journald's two copies of a record (scmplog/dedup.h): 1 a copy, 0 not, -ENOMEM */
static int duplicate(struct collect *C, const scl_record *rec)
{
	if (!C->dedup) {
		int r = scl_dedup_new(&C->dedup);
		if (r < 0)
			return r;
	}
	return scl_dedup_seen(C->dedup, rec);
}

/* A record a syscall set cannot take: counted, and said once per file. */
static int set_over_limit(struct collect *C, struct outfile *f, const char *limit, unsigned value, const char *what)
{
	C->over_limit++;
	if (!f->over_limit_said)
		log_warn("profile '%s/%s%s': over %s (%u %s), records past it are not learned", C->dir, f->base,
			 C->out.format == SCL_FORMAT_OCI ? ".json" : ".yaml", limit, value, what);
	f->over_limit_said = true;
	return 0;
}

/* A denial (an enforcing profile's, audited): appended to DIR/NAME.denied.log beside the profile. */
static void note_denial(struct collect *C, const struct outfile *f, const scl_record *rec)
{
	scl_notify_denial d;
	int r = scl_notify_from_record(rec, &d);

	if (r >= 0)
		r = scl_notify_append(C->dfd, f->base, &d);
	if (r < 0)
		log_error("cannot append a denial to '%s/%s.denied.log': %s", C->dir, f->base, strerror(-r));
}

/*
 * Add a record to its file's syscall set.  A key is named the first time it
 * is seen; one libseccomp cannot name (only SCMP_ACT_LOG keys go into a
 * profile: the others are never named) keeps its own count, so that the
 * report of unknown syscalls at the end gives its records.  Returns 1 when
 * learned, 0 when a set limit refused the record, -ENOMEM.
 */
static int learn_record(struct collect *C, struct outfile *f, const scl_record *rec)
{
	const char *name;
	scl_learn_key k;
	uint32_t eff;
	int r;

	if (f->unloaded) {
		/* a container of it came back after it was written and freed: on from the file */
		f->unloaded = false;
		load_prev(C, f);
		if (C->oom)
			return -ENOMEM;
	}
	if (!f->set && scl_sysset_new(&f->set) < 0)
		return -ENOMEM;
	if (scl_record_action(rec) != SCL_ACT_LOG)
		note_denial(C, f, rec);
	r = scl_sysset_add_record(f->set, rec, &k);
	if (r == -E2BIG)
		return set_over_limit(C, f, "SCL_MAX_SYSSET_LANES", SCL_MAX_SYSSET_LANES,
				      "ranges of 65536 syscall numbers by architecture and action");
	if (r <= 0 || k.action != SCL_ACT_LOG)
		return r < 0 ? r : 1;
	r = scl_mapper_name(C->mapper, k.arch, k.nr, &name, &eff);
	if (r == 0)
		return 1;
	if (r != -ENOMEM)
		r = scl_sysset_count_key(f->set, &k);
	if (r == 0) {
		f->has_unknown = true;
		return 1;
	}
	(void)scl_sysset_remove(f->set, &k); /* as if it never came */
	if (r == -E2BIG)
		return set_over_limit(C, f, "SCL_MAX_SYSSET_COUNTED", SCL_MAX_SYSSET_COUNTED,
				      "syscall numbers libseccomp cannot name");
	return r;
}

/* A record of a container or host past SCL_MAX_CONTAINERS or SCL_MAX_GROUPS: counted, said once. */
static void over_groups(struct collect *C)
{
	C->over_groups++;
	if (!C->over_groups_said && C->split_host)
		log_warn("over SCL_MAX_GROUPS (%d hosts): the records of further hosts are counted, not learned",
			 SCL_MAX_GROUPS);
	else if (!C->over_groups_said)
		log_warn("over SCL_MAX_CONTAINERS (%d containers): the records of further containers are counted, "
			 "not learned",
			 SCL_MAX_CONTAINERS);
	C->over_groups_said = true;
}

/* --split-by host: the record's hostname names its profile. */
static int on_record_host(struct collect *C, const scl_record *rec)
{
	struct outfile *f;
	long k;
	size_t fi;
	int r;

	if (!(rec->fields & SCL_F_HOST) || rec->host.n == 0 || rec->host.n > SCL_MAX_HOST) {
		C->no_host++;
		return 0;
	}
	k = file_find(C, false, rec->host.p, rec->host.n);
	if (k >= 0) {
		fi = (size_t)k;
	} else {
		if (C->n_files >= SCL_MAX_GROUPS) {
			over_groups(C);
			return 0;
		}
		r = file_for_key(C, "host", rec->host.p, rec->host.n, &fi);
		if (r == -EEXIST) {
			C->no_host++;
			return 0;
		}
		if (r < 0)
			return r;
		if (C->oom)
			return -ENOMEM;
		if (cli_verbose) {
			fputs("scmplog: host ", stderr);
			cli_put_escaped(stderr, rec->host.p, rec->host.n);
			fprintf(stderr, " -> %s/%s%s\n", C->dir, C->files[fi].base,
				C->out.format == SCL_FORMAT_OCI ? ".json" : ".yaml");
		}
	}
	f = &C->files[fi];
	r = learn_record(C, f, rec);
	if (r <= 0)
		return r;
	C->attributed++;
	f->records++;
	f->dirty = true;
	return 0;
}

/*
 * --source audisp: records come through auditd's queue, seconds late when
 * auditd or the plugin fell behind, and on a busy machine the pid may be
 * another process's by then.  A live process that started after the record
 * holds a reused pid (as for the offline sources); a gone one leaves the
 * answer to what was learned of the pid.
 */
static bool pid_reused(const struct collect *C, const scl_record *rec)
{
	char name[32], buf[SCL_MAX_PROC_STAT];
	uint64_t st;
	ssize_t n;
	int fd;

	if (!(rec->fields & SCL_F_TIME))
		return false;
	snprintf(name, sizeof(name), "%u/stat", rec->pid);
	fd = openat(C->proc_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || scl_container_parse_stat_starttime(buf, (size_t)n, rec->pid, &st) < 0)
		return false;
	return !scl_container_may_have_made(st, C->btime, C->clk_tck, rec->time_sec);
}

static int on_record(void *ud, const scl_record *rec)
{
	struct collect *C = ud;
	bool fresh = true, learned;
	scl_container c;
	struct memo *m;
	struct ctr *t;
	int r;

	if (C->journal) {
		r = duplicate(C, rec);
		if (r < 0)
			return r;
		if (r > 0) {
			C->duplicates++;
			return 0;
		}
	}
	C->records++;
	if (C->split_host)
		return on_record_host(C, rec);
	if (!(rec->fields & SCL_F_PID) || rec->pid == 0) {
		C->no_pid++;
		return 0;
	}
	if (C->offline) {
		/*
		 * The record may be old: its pid counts only while a process of
		 * that pid lives that had started by the record's time (a later
		 * one holds a reused pid; one that came and went between the
		 * record and now cannot be told apart from it, and stays a risk
		 * of offline attribution).
		 */
		uint64_t st = 0;

		r = zombie(C, rec->pid) ? -ENOENT : scl_container_read_proc(C->proc_fd, rec->pid, C->flags, &c, &st);
		if (r == -ENOMEM)
			return r;
		/* a live process that started after the record holds a reused pid */
		if (r >= 0 && (!(rec->fields & SCL_F_TIME) ||
			       !scl_container_may_have_made(st, C->btime, C->clk_tck, rec->time_sec)))
			r = -ENOENT;
		if (r == -ENOENT || r == -ESRCH) {
			C->gone++;
			return 0;
		}
		if (r < 0) {
			C->unreadable++;
			return 0;
		}
		goto found;
	}
	/*
	 * The cache knows a live process by (pid, start time), but a process
	 * may change cgroups and keep both (a runtime moves its init, or a
	 * shell echoes itself into cgroup.procs, then execs).  Its exec event
	 * was queued before this record was made: take the events in now, so
	 * that the exec's fresh read (or its doubt) is what the cache answers
	 * with, and so that a short-lived child's fork is known.
	 */
	drain_proc_events(C);
	m = &C->memo[rec->pid % ELEMENTSOF(C->memo)];
	if (m->gen == C->memo_gen && m->pid == rec->pid) {
		r = m->r;
		c = m->c;
		fresh = false;
		goto found;
	}
	if (C->audisp && pid_reused(C, rec)) {
		C->gone++;
		return 0;
	}
	if (C->uncertain && uncertain(C, rec->pid)) {
		/* only a live process is read; the cache would answer with what the fork taught */
		r = zombie(C, rec->pid) ? -ENOENT : scl_container_read_proc(C->proc_fd, rec->pid, C->flags, &c, NULL);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			C->n_uncertain++;
			return 0;
		}
	} else {
		r = scl_container_cache_lookup(C->cache, rec->pid, &c);
		if (r == -ENOMEM)
			return r;
		if (r == -ENOENT) {
			C->gone++;
			return 0;
		}
		if (r < 0) {
			C->unreadable++;
			return 0;
		}
	}
	m->gen = C->memo_gen;
	m->pid = rec->pid;
	m->r = r;
	m->c = c;
found:
	if (r == 0 || c.conmon) {
		C->host++;
		return 0;
	}
	t = find_ctr(C, c.id);
	if (!t && !ctr_room(C)) {
		over_groups(C);
		return 0;
	}
	if (!t && !(t = add_ctr(C, &c)))
		return -ENOMEM;
	if (t->selected == SEL_UNDECIDED && decide(C, t, &c, rec->pid) == SEL_UNDECIDED) {
		if (C->oom)
			return -ENOMEM;
		C->undecided++;
		return 0;
	}
	if (t->selected == SEL_NO) {
		C->not_selected++;
		return 0;
	}
	r = learn_record(C, &C->files[t->file], rec);
	if (r < 0)
		return r;
	if (r > 0) {
		C->attributed++;
		t->records++;
		C->files[t->file].records++;
		C->files[t->file].dirty = true;
	}
	learned = r > 0;
	if (C->conn && !C->offline && fresh && !pid_bit(C->exited, rec->pid) && tracked(C, rec->pid) < 0) {
		/*
		 * A process no event counted: runc's init before its exec (it is
		 * cloned with CLONE_PARENT, so its fork event names the runtime
		 * on the host as its parent).  Whatever lives under this pid now
		 * is counted where it lives; not after its exit event, which
		 * can come while /proc still shows the process in its cgroup.
		 */
		scl_container lc;

		r = scl_container_read_proc(C->proc_fd, rec->pid, C->flags, &lc, NULL);
		if (r == -ENOMEM)
			return r;
		if (r == 1 && !lc.conmon && (r = live_in(C, rec->pid, &lc)) < 0)
			return r;
	}
	if (learned)
		late_record(C, t);
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

		if (!f->set || !(final || f->dirty) || f->broken || (due_only && !f->due))
			continue;
		n = scl_sysset_entries(f->set, 0, &ent);
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
		C->out.label = f->base;
		r = cli_profile_finish(&C->out, ps[i], NULL, 0);
		if (r == 0 && C->out.format != SCL_FORMAT_OCI) {
			/* the state a restart resumes from, first: a failed YAML is made again from it */
			struct cli_profile_out json = C->out;

			json.format = SCL_FORMAT_OCI;
			r = cli_profile_write_at(&json, C->dfd, C->dir, f->base, ps[i]);
		}
		if (r == 0)
			r = cli_profile_write_at(&C->out, C->dfd, C->dir, f->base, ps[i]);
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
 * After a write: forget the containers without a process for
 * FORGET_DELAY_MS whose files are written (forget_ctr()), then free the
 * files none uses any more.
 */
static void forget_idle(struct collect *C, int64_t now)
{
	for (size_t k = 0; k < C->n_ctrs; k++) {
		struct ctr *t = &C->ctrs[k];

		if (!t->id[0] || t->live || !t->idle_since || t->gone_at || now - t->idle_since < FORGET_DELAY_MS)
			continue;
		/* written first: a failed write is tried again at the next interval */
		if (t->selected == SEL_YES && (C->files[t->file].dirty || C->files[t->file].due))
			continue;
		if (cli_verbose) {
			fprintf(stderr, "scmplog: container ");
			cli_put_escaped(stderr, t->id, strlen(t->id));
			fprintf(stderr, " forgotten: no process for %d s%s\n", FORGET_DELAY_MS / 1000,
				t->selected == SEL_YES ? ", its profile written" : "");
		}
		forget_ctr(C, k);
	}
	for (size_t i = 0; i < C->n_files; i++) {
		struct outfile *f = &C->files[i];

		if (!f->orphan || f->users || f->dirty || f->due || f->broken || f->has_unknown)
			continue;
		f->orphan = false;
		scl_sysset_free(f->set);
		f->set = NULL;
		scl_profile_free(f->prev);
		f->prev = NULL;
		f->unloaded = true;
	}
}

/*
 * Write the files of the containers whose last process exited
 * GONE_DELAY_MS ago or more (see GONE_DELAY_MS).  Returns as flush().
 */
static int write_gone(struct collect *C, int64_t now)
{
	int64_t next = 0;
	bool any = false;

	for (size_t k = 0; k < C->n_ctrs; k++) {
		struct ctr *t = &C->ctrs[k];
		struct outfile *f;

		if (!t->gone_at)
			continue;
		if (t->gone_at > now) {
			if (!next || t->gone_at < next)
				next = t->gone_at;
			continue;
		}
		t->gone_at = 0;
		/* a process came back (a restart under the same id): its exit will make the file due */
		if (t->live || t->selected != SEL_YES)
			continue;
		f = &C->files[t->file];
		if (!f->dirty || f->broken)
			continue;
		f->due = true;
		any = true;
		if (cli_verbose) {
			fprintf(stderr, "scmplog: container ");
			cli_put_escaped(stderr, t->id, strlen(t->id));
			fprintf(stderr, " has no process left: writing %s/%s%s\n", C->dir, f->base,
				C->out.format == SCL_FORMAT_OCI ? ".json" : ".yaml");
		}
	}
	C->next_gone = next;
	return any ? flush_files(C, false, true) : 0;
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
	return C->gone + C->n_uncertain + C->no_pid + C->unreadable + C->undecided + C->no_host + C->over_groups;
}

static size_t n_selected(const struct collect *C)
{
	size_t n = 0;

	if (C->split_host) {
		for (size_t i = 0; i < C->n_files; i++)
			n += C->files[i].records > 0;
		return n;
	}
	for (size_t i = 0; i < C->n_ctrs; i++)
		n += C->ctrs[i].selected == SEL_YES && C->ctrs[i].records > 0;
	return n + C->forgotten_selected;
}

/* Records the journal lost before they were read: up to this many (an unknown-sized gap counts one). */
static uint64_t journal_lost(const struct collect *C)
{
	return C->jmissing + C->junknown;
}

static void notify_status(const struct collect *C, uint64_t lost)
{
	char s[256];

	if (!cli_notify_enabled())
		return;
	snprintf(s, sizeof(s), "STATUS=%llu records, %zu containers, %llu unattributed, %llu lost",
		 (unsigned long long)C->records, n_selected(C), (unsigned long long)unattributed(C),
		 (unsigned long long)lost);
	(void)cli_notify(s);
}

static int add_str(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = s; /* argv strings live as long as we run */
	return 0;
}

static void summary(const struct collect *C, const char *name, const scl_live_stats *st)
{
	uint64_t lost = scl_live_stats_lost(st);

	if (C->split_host) {
		log_info("%llu SECCOMP records read %s: %llu attributed to %zu host%s, %llu without a hostname, "
			 "%llu past SCL_MAX_GROUPS, %llu lost",
			 (unsigned long long)C->records, name, (unsigned long long)C->attributed, n_selected(C),
			 n_selected(C) == 1 ? "" : "s", (unsigned long long)C->no_host,
			 (unsigned long long)C->over_groups, (unsigned long long)(lost + journal_lost(C)));
	} else {
		log_info("%llu SECCOMP records read %s: %llu attributed to %zu container%s, %llu unattributed "
			 "(%llu of gone unknown processes, %llu gone with their cgroup unknown since exec, "
			 "%llu without pid, %llu unreadable, %llu undecided, %llu past SCL_MAX_CONTAINERS), "
			 "%llu of host processes, %llu of other containers, %llu lost",
			 (unsigned long long)C->records, name, (unsigned long long)C->attributed, n_selected(C),
			 n_selected(C) == 1 ? "" : "s", (unsigned long long)unattributed(C), (unsigned long long)C->gone,
			 (unsigned long long)C->n_uncertain, (unsigned long long)C->no_pid, (unsigned long long)C->unreadable, (unsigned long long)C->undecided,
			 (unsigned long long)C->over_groups,
			 (unsigned long long)C->host, (unsigned long long)C->not_selected,
			 (unsigned long long)(lost + journal_lost(C)));
	}
	for (size_t i = 0; i < C->n_files; i++) {
		const struct outfile *f = &C->files[i];
		const char *ext = C->out.format == SCL_FORMAT_OCI ? ".json" : ".yaml";

		if (f->broken)
			log_info("  %s%s: not written (the existing file could not be read), %llu records", f->base, ext,
				 (unsigned long long)f->records);
		else if (f->written)
			log_info("  %s%s: %zu syscalls, %llu records", f->base, ext, f->syscalls,
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
	if (C->over_pids)
		log_warn("%llu container process%s not counted: over SCL_MAX_TRACKED_PIDS (%d)",
			 (unsigned long long)C->over_pids, C->over_pids == 1 ? "" : "es", SCL_MAX_TRACKED_PIDS);
	if (C->over_limit)
		log_warn("%llu SECCOMP record%s not learned: over a syscall set limit (see above)",
			 (unsigned long long)C->over_limit, C->over_limit == 1 ? "" : "s");
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

	if ((C->records & 1023) == 0)
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

struct follow_ud {
	struct collect *C;
	struct follow *f;
};

static int follow_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	struct collect *C = ((struct follow_ud *)ud)->C;
	int r;

	(void)lineno;
	/* journald's two copies of a record, as build drops them (the journal source drops its own) */
	if (!C->journal && (rec->framing == SCL_FRAME_JOURNAL_EXPORT || rec->framing == SCL_FRAME_JOURNAL_JSON ||
			    rec->framing == SCL_FRAME_JOURNAL)) {
		r = duplicate(C, rec);
		if (r < 0)
			return r;
		if (r > 0) {
			C->duplicates++;
			return 0;
		}
	}
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
		if (flock(C->dfd, LOCK_EX | LOCK_NB) == 0)
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

		if (C->next_gone && C->next_gone - now < timeout)
			timeout = C->next_gone - now;
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
		/* process events first: a record's fork event was queued before the record */
		drain_proc_events(C);
		if (C->oom)
			return -ENOMEM;
		C->memo_gen++;
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
		if (C->next_gone && now >= C->next_gone) {
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
			C->dfd) < 0) {
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

int cmd_collect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "format", required_argument, NULL, 'f' },
		CLI_PROFILE_PORTABLE_LONGOPTS,
		CLI_PROFILE_RUNTIME_LONGOPTS,
		{ "out-dir", required_argument, NULL, OPT_OUT_DIR },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "plain-runc", no_argument, NULL, OPT_PLAIN_RUNC },
		{ "pods-dir", required_argument, NULL, OPT_PODS_DIR },
		{ "containers-dir", required_argument, NULL, OPT_CONTAINERS_DIR },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "no-proc-events", no_argument, NULL, OPT_NO_PROC_EVENTS },
		{ "split-by", required_argument, NULL, OPT_SPLIT_BY },
		{ "journal-dir", required_argument, NULL, OPT_JOURNAL_DIR },
		{ "cursor-file", required_argument, NULL, OPT_CURSOR_FILE },
		{ "follow-file", required_argument, NULL, OPT_FOLLOW_FILE },
		{ "from-start", no_argument, NULL, OPT_FROM_START },
		CLI_CONFINE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct collect C = { .proc_fd = -1, .dfd = -1, .pods_dir = "/var/log/pods",
			     .containers_dir = "/var/log/containers" };
	struct cli_signals sig = { .fd = -1 };
	struct cli_live lv = { 0 };
	enum cli_source source = CLI_SOURCE_AUTO;
	scl_live_stats st = { 0 };
	uint64_t interval = 30, lost = 0;
	bool all = false, proc_events = true, tty, opened = false, source_set = false;
	const char *journal_dir = NULL, *cursor_file = NULL;
	struct follow *follows = NULL;
	size_t n_follows = 0;
	bool from_start = false;
	enum cli_confine_mode confine = CLI_CONFINE_UNSET;
	int c, r, rc = EXIT_RUNTIME;
	int64_t next_flush, next_status;

	cli_profile_out_init(&C.out);
	optind = 0;
	while ((c = getopt_long(argc, argv, "hqvf:", opts, NULL)) != -1) {
		r = cli_confine_option(&confine, c, optarg);
		if (r < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (r > 0)
			continue;
		switch (c) {
		case 'h':
			help();
			rc = cli_finish_stdout() < 0 ? EXIT_RUNTIME : EXIT_OK;
			goto out;
		case 'q':
			cli_quiet = 1;
			break;
		case 'v':
			cli_verbose = 1;
			break;
		case 'f':
			if (scl_format_parse(optarg, &C.out.format) < 0 || C.out.format == SCL_FORMAT_SYSTEMD) {
				log_error("invalid --format '%s': expected oci or k8s", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case CLI_OPT_PROFILE_PORTABLE:
			C.out.portable = true;
			break;
		case CLI_OPT_PROFILE_RUNTIME:
			if (cli_profile_out_option(&C.out, c, optarg) < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case OPT_OUT_DIR:
			C.dir = optarg;
			break;
		case OPT_ALL:
			all = true;
			break;
		case OPT_CONTAINER:
			if (!optarg[0] || strlen(optarg) > SCL_MAX_CONTAINER_ID) {
				log_error("invalid --container '%s': expected 1..%d bytes", optarg, SCL_MAX_CONTAINER_ID);
				rc = EXIT_USAGE;
				goto out;
			}
			if (add_str(&C.want_ids, &C.n_want_ids, optarg) < 0)
				goto oom;
			break;
		case OPT_CGROUP:
			if (optarg[0] != '/' || strlen(optarg) > SCL_MAX_CGROUP_PATH) {
				log_error("invalid --cgroup '%s': expected an absolute cgroup path", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			if (add_str(&C.want_cgroups, &C.n_want_cgroups, optarg) < 0)
				goto oom;
			break;
		case OPT_PLAIN_RUNC:
			C.flags |= SCL_CGROUP_PLAIN_LEAF;
			break;
		case OPT_PODS_DIR:
			C.pods_dir = optarg;
			break;
		case OPT_CONTAINERS_DIR:
			C.containers_dir = optarg;
			break;
		case OPT_INTERVAL:
			if (scl_parse_u64_str(optarg, 86400, &interval) < 0 || interval == 0) {
				log_error("invalid --interval '%s': expected seconds, 1..86400", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case OPT_SOURCE:
			source_set = true;
			C.journal = !strcmp(optarg, "journal");
			C.audisp = !strcmp(optarg, "audisp");
			if (C.journal || C.audisp)
				break;
			if (cli_source_parse(optarg, &source) < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case OPT_SPLIT_BY:
			if (!strcmp(optarg, "host")) {
				C.split_host = true;
			} else if (!strcmp(optarg, "container")) {
				C.split_host = false;
			} else {
				log_error("invalid --split-by '%s': expected container or host", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case OPT_JOURNAL_DIR:
			journal_dir = optarg;
			break;
		case OPT_FOLLOW_FILE: {
			struct follow *nf;

			if (!optarg[0]) {
				log_error("invalid --follow-file '': expected a file name");
				rc = EXIT_USAGE;
				goto out;
			}
			nf = realloc(follows, (n_follows + 1) * sizeof(*nf));
			if (!nf)
				goto oom;
			follows = nf;
			memset(&nf[n_follows], 0, sizeof(*nf));
			nf[n_follows].path = optarg;
			nf[n_follows].fd = -1;
			n_follows++;
			break;
		}
		case OPT_FROM_START:
			from_start = true;
			break;
		case OPT_CURSOR_FILE:
			if (!optarg[0]) {
				log_error("invalid --cursor-file '': expected a file name");
				rc = EXIT_USAGE;
				goto out;
			}
			cursor_file = optarg;
			break;
		case OPT_NO_PROC_EVENTS:
			proc_events = false;
			break;
		default:
			fprintf(stderr, "Try 'scmplog collect --help'.\n");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		log_error("collect: unexpected argument '%s'", argv[optind]);
		rc = EXIT_USAGE;
		goto out;
	}
	if (all && (C.n_want_ids || C.n_want_cgroups)) {
		log_error("collect: --all excludes --container and --cgroup");
		rc = EXIT_USAGE;
		goto out;
	}
	if (journal_dir) {
		if (source_set && !C.journal) {
			log_error("collect: --journal-dir reads the journal; it excludes other --source values");
			rc = EXIT_USAGE;
			goto out;
		}
		C.journal = true;
	}
	if (n_follows && (source_set || journal_dir)) {
		log_error("collect: --follow-file excludes --source and --journal-dir");
		rc = EXIT_USAGE;
		goto out;
	}
	if (from_start && !n_follows) {
		log_error("collect: --from-start goes with --follow-file");
		rc = EXIT_USAGE;
		goto out;
	}
	if (cursor_file && !C.journal) {
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

	if (mkdir(C.dir, 0755) < 0 && errno != EEXIST) {
		log_error("cannot create output directory '%s': %m", C.dir);
		goto out;
	}
	C.dfd = open(C.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (C.dfd < 0) {
		log_error("cannot open output directory '%s': %m", C.dir);
		goto out;
	}
	if (C.audisp && audisp_lock(&C) < 0)
		goto out;
	C.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (C.proc_fd < 0) {
		log_error("cannot open '/proc': %m");
		goto out;
	}
	if (scl_container_cache_new(C.proc_fd, C.flags, 0, &C.cache) < 0 || scl_mapper_new(&C.mapper) < 0)
		goto oom;
	C.offline = C.journal || n_follows;
	if (C.offline || C.audisp) {
		long tck = sysconf(_SC_CLK_TCK);
		r = scl_container_read_btime(C.proc_fd, &C.btime);
		if (r < 0 || tck <= 0) {
			log_error("cannot read the boot time from '/proc/stat': %s", strerror(r < 0 ? -r : EINVAL));
			goto out;
		}
		C.clk_tck = (uint64_t)tck;
	}
	if (proc_events && !C.offline) {
		r = scl_proc_conn_open(0, &C.conn);
		if (r == 0 && (!(C.uncertain = calloc(PID_BITS / 64, sizeof(uint64_t))) ||
			       !(C.exited = calloc(PID_BITS / 64, sizeof(uint64_t)))))
			goto oom;
		if (r < 0 && !cli_quiet)
			log_warn("cannot follow process events (%s): records of processes that exit before they are "
				 "read cannot be attributed, and profiles are written only every --interval",
				 strerror(-r));
		if (r == 0) {
			r = seed_live(&C);
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
	if (n_follows || C.journal) {
		/* files and the journal are opened (and reopened) by path: nothing to keep but reading */
		if (cli_confine(confine, "collect", CLI_CAP(CAP_DAC_READ_SEARCH), C.dfd) < 0)
			goto out;
	}
	if (n_follows) {
		(void)cli_notify("READY=1");
		notify_status(&C, 0);
		r = collect_files(&C, follows, n_follows, from_start, interval);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0)
			goto out;
		(void)cli_notify("STOPPING=1");
		if (!cli_quiet) {
			memset(&st, 0, sizeof(st));
			st.suppressed = follow_suppressed_total(follows, n_follows);
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
		r = collect_journal(&C, journal_dir, cursor_file, interval);
		if (r == -ENOMEM)
			goto oom;
		if (r < 0)
			goto out;
		(void)cli_notify("STOPPING=1");
		if (!cli_quiet) {
			memset(&st, 0, sizeof(st));
			summary(&C, journal_dir ? "from the journal directory" : "from the system journal", &st);
			if (C.duplicates && cli_verbose)
				log_info("%llu journal copies of records already read were skipped",
					 (unsigned long long)C.duplicates);
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
	if (cli_live_open(&lv, source, 0) < 0)
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
			C.dfd) < 0)
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
		if (C.next_gone && C.next_gone - now < timeout)
			timeout = C.next_gone - now;
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
		/* process events first: a record's fork event was queued before the record */
		drain_proc_events(&C);
		if (C.oom)
			goto oom;
		C.memo_gen++;
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
		if (C.next_gone && now >= C.next_gone) {
			r = write_gone(&C, now);
			if (r == -ENOMEM)
				goto oom;
		}
		watchdog_kick(&C, now);
		if (tty && now >= next_status) {
			if (cli_live_stats(&lv, &st) == 0)
				lost = scl_live_stats_lost(&st);
			fprintf(stderr, "\r\033[Kscmplog: %llu records, %zu containers, %llu unattributed, %llu lost",
				(unsigned long long)C.records, n_selected(&C), (unsigned long long)unattributed(&C),
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
			drain_proc_events(&C);
			C.memo_gen++;
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
	scl_proc_conn_free(C.conn);
	scl_journal_files_free(C.jfiles);
	scl_container_cache_free(C.cache);
	scl_mapper_free(C.mapper);
	for (size_t i = 0; i < C.n_files; i++) {
		scl_profile_free(C.files[i].prev);
		scl_sysset_free(C.files[i].set);
		free(C.files[i].key);
	}
	free(C.files);
	free(C.file_by_key);
	free(C.file_by_base);
	free(C.ctrs);
	free(C.index);
	free(C.want_ids);
	free(C.want_cgroups);
	free(C.uncertain);
	free(C.exited);
	free(C.pids);
	scl_dedup_free(C.dedup);
	for (size_t i = 0; i < n_follows; i++) {
		if (follows[i].fd >= 0)
			close(follows[i].fd);
		scl_scanner_free(follows[i].scan);
	}
	free(follows);
	if (C.dfd >= 0)
		close(C.dfd);
	if (C.proc_fd >= 0)
		close(C.proc_fd);
	cli_profile_out_free(&C.out);
	return rc;
}
