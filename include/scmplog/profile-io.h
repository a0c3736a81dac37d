/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_PROFILE_IO_H
#define SCMPLOG_PROFILE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scmplog/profile.h"

/*
 * Profile formats.  Writers are deterministic (sorted names, fixed key order,
 * trailing newline, same bytes for the same profile) and return 0, or -EIO
 * (or the stream's errno) when the stream reports an error; the caller still
 * checks fflush()/fclose() (scl_write_atomic() does).
 *
 * Warnings are returned as a NULL-terminated array of malloc'd strings
 * (free with scl_strv_free()); the text of a warning or error never holds
 * control bytes: bytes taken from input are shown as \xNN and cut to a short
 * excerpt.
 */

typedef enum scl_format {
	SCL_FORMAT_OCI,      /* OCI runtime / Docker / containers JSON */
	SCL_FORMAT_K8S,      /* security-profiles-operator SeccompProfile YAML */
	SCL_FORMAT_SYSTEMD,  /* systemd unit settings (SystemCallFilter=, ...) */
} scl_format;

void scl_strv_free(char **v);
static inline void scl_strv_freep(char ***v)
{
	scl_strv_free(*v);
}

/* "oci" (also "json", "docker"), "k8s" (also "kubernetes"), "systemd".  -EINVAL otherwise. */
int scl_format_parse(const char *s, scl_format *ret);
/* "oci", "k8s", "systemd". */
const char *scl_format_name(scl_format f);
/* The file name extension of a profile in format f: ".json", ".yaml", ".conf". */
const char *scl_format_ext(scl_format f);

/*
 * OCI JSON, two-space indentation, keys in this order:
 *   defaultAction; defaultErrnoRet (only with SCMP_ACT_ERRNO); architectures
 *   (scl_profile_arches() order, as SCMP_ARCH_* names, always present);
 *   flags, listenerPath, listenerMetadata (only when set with
 *   scl_profile_set_report());
 *   syscalls (always present, [] when empty):
 *     1. {"names": [unrestricted allowed names], "action": "SCMP_ACT_ALLOW"}
 *        when there are any;
 *     2. one such rule with "includes": {"arches": [...]} per distinct
 *        architecture restriction, restrictions written with Go/Docker
 *        architecture names ("amd64", "386", "x32", "arm64", ...), sorted,
 *        rules ordered by that list;
 *     3. the other rules in insertion order, keys names, action, errnoRet,
 *        args (index, value, valueTwo, op), comment, includes, excludes
 *        (arches, caps, minKernel), each only when present.
 */
int scl_profile_write_oci(const scl_profile *p, FILE *f);

/*
 * Reading OCI JSON profiles (Docker, containers/common, runc config
 * fragments; also the JSON form of a SeccompProfile object, whose "spec" is
 * read).  At most SCL_MAX_PROFILE_SIZE bytes (-EFBIG) and SCL_MAX_JSON_DEPTH
 * levels of nesting; strict JSON (json-c strict mode, UTF-8 validated, no NUL
 * bytes, integers must fit 64 bits, nothing after the top-level value).
 * Duplicate object keys cannot be detected (json-c keeps the last).
 *
 * Semantics:
 *   - defaultAction (required), defaultErrnoRet or containers' defaultErrno
 *     (errno name); architectures and archMap (architecture +
 *     subArchitectures) both add architectures; unknown architecture names
 *     are skipped with a warning.
 *   - A syscalls[] rule with SCMP_ACT_ALLOW or SCMP_ACT_LOG (LOG read as
 *     ALLOW, with a warning), no args and no includes/excludes becomes plain
 *     allowed names; with only includes.arches (or only excludes.arches,
 *     taken relative to the profile's architectures, or to every known one
 *     when it lists none) it becomes architecture-restricted allowed names.
 *   - Every other rule (other actions, args, caps or minKernel conditions,
 *     unknown architecture names in a condition, both includes and excludes
 *     arches) is kept as an "other rule" with a warning such as
 *     "rule 12 (clone): args conditions kept as-is".  Rule numbers are
 *     indexes into "syscalls", from 0.  Rules without names are skipped with a
 *     warning.  The old single "name" key is accepted.
 *   - Unknown keys anywhere, and keys we do not support (flags,
 *     listenerPath, listenerMetadata), give a warning and are ignored.
 *   - Every allowed name gets records 0 and runs 1 (one merged input).
 *
 * Syscall names must be valid (scl_profile_name_valid()) but need not be known.
 * Returns 0 with *ret and *ret_warnings (may be NULL if not wanted); on error
 * -EINVAL (bad JSON, wrong type, bad value), -EFBIG, -ENOMEM, or the read
 * error, with a message in err (if err and errlen), e.g. "line 3, column 7:
 * unexpected character" or "syscalls[4].action: unknown action
 * \"SCMP_ACT_FOO\"".  The message does not name the file.
 */
int scl_profile_read_oci(const char *buf, size_t n, scl_profile **ret, char ***ret_warnings,
			 char *err, size_t errlen);
/* Read all of fd (up to the limit) and parse it.  Read errors give -errno and strerror in err. */
int scl_profile_read_oci_fd(int fd, scl_profile **ret, char ***ret_warnings, char *err,
			    size_t errlen);
/* Open path (O_RDONLY|O_CLOEXEC) and read it.  "-" is not special here. */
int scl_profile_read_oci_file(const char *path, scl_profile **ret, char ***ret_warnings,
			      char *err, size_t errlen);

/*
 * security-profiles-operator SeccompProfile YAML:
 *   apiVersion: security-profiles-operator.x-k8s.io/v1 (served from the
 *               operator's v1.0.0 on) or v1beta1 on request (v0.9.0 on)
 *   kind: SeccompProfile
 *   metadata: name (sanitised with scl_k8s_name(); "scmplog-profile" when
 *             NULL); no namespace: SeccompProfile is cluster-scoped since
 *             the operator's v0.9.0, in both API versions
 *   spec: defaultAction, architectures (scl_profile_arches() order, those
 *         the CRD's enum has: not SCMP_ARCH_LOONGARCH64; omitted when none),
 *         syscalls ([] when empty): the allowed names as one
 *         SCMP_ACT_ALLOW rule, then the other rules that apply (action,
 *         names, errnoRet, args).
 * The format has no includes/excludes and no defaultErrnoRet: conditions are
 * resolved for the profile's architectures, assuming a current kernel and no
 * capabilities beyond the default; see scl_profile_format_losses().
 * Scalars that YAML could read as something other than a string are quoted.
 * A rule with an argument value above 2^63-1 (the API's values are int64)
 * gives -EOPNOTSUPP: the API server would refuse the object, and leaving out
 * a rule could widen the profile.
 */
typedef struct scl_k8s_options {
	const char *name;
	bool v1beta1;
	/*
	 * Write security-profiles-operator's per-syscall coverage annotation
	 * (its recording merger's, for profiles merged from several
	 * containers), when the run count is known and not 0:
	 *   metadata.annotations["spo.x-k8s.io/syscall-coverage"] =
	 *   {"version":"v1","total":T,"syscalls":{"NAME":RUNS,...}}
	 * compact JSON as Go's encoding/json writes it (keys in that order,
	 * names sorted), T the run count, RUNS the runs that saw the syscall
	 * (names no run saw are left out, as the operator never counts them).
	 */
	bool coverage_annotation;
} scl_k8s_options;
int scl_profile_write_k8s(const scl_profile *p, const scl_k8s_options *o, FILE *f);

/*
 * One entry point for every format: scl_profile_write_oci(), _k8s() or
 * _systemd() as fmt says, with the options that format takes (o may be
 * NULL: every option off, k8s metadata.name "scmplog-profile").  Same
 * returns as those; -EINVAL for an unknown format.
 */
typedef struct scl_profile_write_options {
	scl_k8s_options k8s;  /* SCL_FORMAT_K8S */
} scl_profile_write_options;
int scl_profile_write(const scl_profile *p, scl_format fmt, const scl_profile_write_options *o, FILE *f);

/*
 * A DNS-1123 label from any bytes, for metadata.name: ASCII letters
 * lower-cased, [a-z0-9] kept, runs of anything else become one '-', no '-' at
 * either end, at most 63 bytes; "scmplog-profile" if nothing is left.  Distinct
 * inputs may give the same label.  Returns the length, -ENOBUFS if outlen <
 * 64.
 */
int scl_k8s_name(const char *in, size_t n, char *out, size_t outlen);

/*
 * systemd unit settings, a drop-in file (UNIT.service.d/NAME.conf) whose
 * lines can also be pasted into a unit's [Service] section:
 *   # generated by scmplog
 *   [Service]
 *   SystemCallArchitectures=<scl_arch_info.systemd_name ...>   (when any)
 *   SystemCallFilter=<names, sorted, several lines of at most 80 columns;
 *                     systemd adds them up>
 *   SystemCallErrorNumber=<errno name, or number>   (SCMP_ACT_ERRNO default)
 * A SCMP_ACT_KILL_PROCESS or _KILL_THREAD default writes no
 * SystemCallErrorNumber= (systemd kills);
 * a SCMP_ACT_LOG default writes SystemCallLog=~<names> instead of a filter
 * (log everything except the allowed names).  Other default actions, an
 * empty allowlist (an empty SystemCallFilter= would remove the filter), an
 * ERRNO default with errno 0 or above 4095, and LOG without names give
 * -EOPNOTSUPP.  Other rules are not written (see scl_profile_format_losses()).
 */
int scl_profile_write_systemd(const scl_profile *p, FILE *f);

/*
 * Statistics of a profile, for `build --stats FILE`, as JSON:
 *   {
 *     "runs": [
 *       { "lost": 0, "first": 1765000000123, "last": 1765000004567 },
 *       { "lost": null, "first": null, "last": null },
 *       ...
 *     ],
 *     "syscalls": {
 *       "read": { "records": 12, "runs": 1 },
 *       ...
 *     }
 *   }
 * "runs": one line per run counted (scl_profile_run: lost records, window
 * in epoch milliseconds, null when unknown), sorted (those with a window by
 * window, then those with a known loss by loss, then the rest), so that the
 * order of merging does not show; "runs": [] when none; no "runs" when
 * scl_profile_runs_known() is false (an old file read back stays old).
 * Names sorted, one per line, "syscalls": {} when empty.
 */
int scl_profile_write_stats(const scl_profile *p, FILE *f);

/*
 * What writing p in format fmt cannot express, one warning per loss (rules
 * left out or with conditions dropped, restricted names, defaultErrnoRet,
 * a default action the format lacks).  Empty list (not NULL) for OCI.
 * -ENOMEM.
 */
int scl_profile_format_losses(const scl_profile *p, scl_format fmt, char ***ret_warnings);

#endif
