/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_PROFILE_H
#define SCL_CLI_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli-options.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"

/*
 * Reading and writing profiles for the commands: the options that choose
 * where and how a profile is written, shared so that every command spells
 * them the same way.  All functions that return < 0 have already logged why
 * (except cli_profile_finish(), see there).
 */

/* Which option a cli_profile_out_cb() call handles ('o' and 'f' for -o, -f). */
enum {
	CLI_OPT_PROFILE_NAME = 1100,
	CLI_OPT_PROFILE_NAMESPACE,
	CLI_OPT_PROFILE_K8S_API,
	CLI_OPT_PROFILE_DEFAULT_ACTION,
	CLI_OPT_PROFILE_ERRNO,
	CLI_OPT_PROFILE_PORTABLE,
	CLI_OPT_PROFILE_RUNTIME,
};

/* Option table entries (cli-options.h) for a struct cli_profile_out *o: where and how it is written. */
#define CLI_OPTS_PROFILE_OUT(o)                                                                          \
	CLI_OPT_CALLBACK('o', "output", cli_profile_out_cb, (o), 'o', "FILE",                            \
			 "write to FILE atomically ('-': stdout, the default)"),                           \
	CLI_OPT_CALLBACK('f', "format", cli_profile_out_cb, (o), 'f', "FORMAT",                          \
			 "oci (default), k8s (SeccompProfile YAML) or systemd"),                           \
	CLI_OPT_CALLBACK(0, "name", cli_profile_out_cb, (o), CLI_OPT_PROFILE_NAME, "NAME",                \
			 "metadata.name for k8s (default: from FILE, or\n"                                  \
			 "scmplog-profile), made a DNS-1123 label"),                                       \
	/* refused with a reason (SeccompProfile is cluster-scoped); not listed */                       \
	CLI_OPT_CALLBACK(0, "namespace", cli_profile_out_cb, (o), CLI_OPT_PROFILE_NAMESPACE, "NAMESPACE", \
			 NULL),                                                                            \
	CLI_OPT_CALLBACK(0, "k8s-api", cli_profile_out_cb, (o), CLI_OPT_PROFILE_K8S_API, "VERSION",       \
			 "v1 (default; security-profiles-operator v1.0.0 on) or\n"                          \
			 "v1beta1 (v0.9.0 on)")

/* For commands that let the user choose the default action. */
#define CLI_OPTS_PROFILE_ACTION(o)                                                                    \
	CLI_OPT_CALLBACK(0, "default-action", cli_profile_out_cb, (o), CLI_OPT_PROFILE_DEFAULT_ACTION, "A", \
			 "SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_LOG, ...\n"                     \
			 "(the SCMP_ACT_ prefix and case are optional)"),                                \
	CLI_OPT_CALLBACK(0, "errno", cli_profile_out_cb, (o), CLI_OPT_PROFILE_ERRNO, "E",                 \
			 "errno of SCMP_ACT_ERRNO: 1..4095 or a name (EPERM)")

/* For commands that write learned profiles: build, run, collect, merge. */
#define CLI_OPTS_PROFILE_PORTABLE(o)                                                           \
	CLI_OPT_CALLBACK(0, "portable", cli_profile_out_cb, (o), CLI_OPT_PROFILE_PORTABLE, NULL, \
			 "also allow what another kernel or C library takes for the\n"             \
			 "syscalls seen (open for openat, clone for clone3, ...) and\n"            \
			 "answer ENOSYS, not EPERM, for a newer one not seen (clone3),\n"          \
			 "so that the library falls back; the summary names each\n"               \
			 "(the table: profiles/README.md, Portable profiles)")

/* For commands that write container profiles: build, collect, merge. */
#define CLI_OPTS_PROFILE_RUNTIME(o)                                                            \
	CLI_OPT_CALLBACK(0, "runtime", cli_profile_out_cb, (o), CLI_OPT_PROFILE_RUNTIME, "NAME", \
			 "also allow what the container runtime's own init does after\n"           \
			 "it has loaded the filter, which one learning run may miss:\n"            \
			 "runc, docker (runc and docker-init) or crun (from its\n"                 \
			 "source, untested); the summary names each (the baselines:\n"             \
			 "profiles/README.md, Runtime baselines)")

/* --arch ARCH (repeatable): the architectures' audit tokens, in order; the caller frees tokens. */
struct cli_arch_list {
	uint32_t *tokens;
	size_t n;
};
/* An option table's callback: opt->value is the struct cli_arch_list. */
int cli_arch_list_cb(const struct cli_option *opt, const char *arg);

struct cli_profile_out {
	const char *output;       /* NULL or "-": stdout */
	scl_format format;
	const char *name;         /* k8s metadata.name */
	bool v1beta1;
	bool has_action;          /* --default-action given */
	uint32_t action;
	bool has_errno;           /* --errno given */
	uint32_t errno_ret;
	bool portable;            /* --portable */
	const struct scl_runtime *runtime; /* --runtime: its baseline is allowed (NULL: none) */
	bool portable_silent;     /* --portable and --runtime without their summary (collect, between its final writes) */
	const char *label;        /* names the profile in the --portable summary (NULL: none) */
	bool coverage_annotation; /* k8s: SPO's syscall-coverage annotation (merge of several) */
};

void cli_profile_out_init(struct cli_profile_out *o);
void cli_profile_out_free(struct cli_profile_out *o);

/*
 * An option table's callback for one of the options above (opt->id: 'o', 'f'
 * or a CLI_OPT_PROFILE_*), opt->value the struct cli_profile_out: -1 after
 * logging a usage error.
 */
int cli_profile_out_cb(const struct cli_option *opt, const char *arg);

/*
 * Apply the options to a profile about to be written: --default-action and
 * --errno (--errno alone sets SCMP_ACT_ERRNO with that errno), and, when
 * n_arches > 0, make arches[] the profile's architectures; then --runtime
 * (scl_runtime_apply()) and --portable (scl_portable_apply(), which sees
 * the runtime's syscalls), whose summaries are logged (unless cli_quiet or
 * portable_silent): each syscall added or answered ENOSYS with its reason.
 * Returns 0 or -errno without logging an error (the caller says what it was
 * doing).
 */
int cli_profile_finish(const struct cli_profile_out *o, scl_profile *p, const uint32_t *arches,
		       size_t n_arches);
/*
 * Say why building the profile failed (r: -errno, not logged yet): "out of
 * memory" or "cannot build profile: REASON".  Returns EXIT_RUNTIME.
 */
int cli_profile_build_failed(int r);

/*
 * Read an OCI JSON profile ("-": stdin).  Logs "cannot read profile 'x': ..."
 * on failure, and the reader's warnings as "'x': ..." unless cli_quiet.
 */
int cli_profile_read(const char *path, scl_profile **ret);
/*
 * --merge P --stats S: an existing S (the statistics of the runs that made P)
 * becomes base's, so that this run's records and run add to them; a missing
 * S starts the counting.  Logs; -errno.
 */
int cli_profile_read_base_stats(const char *path, scl_profile *base);
/*
 * The same; without kept_notes, the reader's "... kept as-is" notes are not
 * shown (exec installs such rules as they are).
 */
int cli_profile_read_notes(const char *path, scl_profile **ret, bool kept_notes);

/*
 * Write p in the chosen format to o->output (atomically) or stdout.  Logs
 * what the format cannot express as warnings (unless cli_quiet) and errors.
 */
int cli_profile_write(const struct cli_profile_out *o, const scl_profile *p);

/*
 * Write p in an output directory (scl_outdir_write()) as BASE.EXT (.json,
 * .yaml or .conf by format) atomically, for one-profile-per-group output;
 * the k8s metadata.name comes from base.
 */
struct scl_outdir;
int cli_profile_write_outdir(const struct cli_profile_out *o, const struct scl_outdir *d, const char *base,
			     const scl_profile *p);

/*
 * cli_profile_write() and, when stats is not NULL, the per-syscall
 * statistics (scl_profile_write_stats()) to stats ("-": stdout): both files
 * or neither (scl_write_commit()).  Both are written in
 * full to temporary files, and whatever goes to stdout is written, before
 * either file is put in place; a failure in between leaves both files as
 * they were.  Only what went to stdout cannot be taken back.
 */
int cli_profile_write_with_stats(const struct cli_profile_out *o, const scl_profile *p, const char *stats);

/*
 * An output must not replace an input of another kind (the audit log a
 * profile is built from, the profile beside its statistics).  Returns
 * -EEXIST, logged as "OUT_WHAT 'out' is also IN_WHAT", when out (NULL or "-":
 * stdout, never refused) is the same file as in ("-": standard input), by
 * st_dev/st_ino; two paths that do not exist yet are the same file when
 * they name the same entry of the same directory.  0 otherwise, also when
 * either cannot be looked at (the write or the read says why).
 */
int cli_refuse_same_file(const char *out, const char *out_what, const char *in, const char *in_what);

/*
 * One byte order per profile: narrow p for a filter on a `target` machine
 * (scl_profile_narrow_arches()) and say what was left out, naming the
 * profile with `what` (e.g. "'x.json'"): an archMap narrowed to target's
 * entry, as Docker takes it, is said unless cli_quiet; architectures of
 * the other byte order left out of a plain list are warned about, with
 * (if hint_arch) the --arch that writes their profile.  Returns 0 or
 * -ENOMEM (logged).
 */
int cli_profile_narrow(scl_profile *p, uint32_t target, const char *what, bool hint_arch);
/*
 * The same for a profile read from path ("-": stdin), for this machine:
 * narrowed when it has an archMap or lists both byte orders, and, unless
 * mixed_only, when it lists an architecture of the other byte order (run
 * learns this machine's records only; collect's --split-by host profiles may
 * be another machine's).
 */
int cli_profile_narrow_native(scl_profile *p, const char *path, bool mixed_only);
/* True if p's architectures are of both byte orders. */
bool cli_profile_mixed(const scl_profile *p);

#endif
