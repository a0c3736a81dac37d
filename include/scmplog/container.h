/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_CONTAINER_H
#define SCMPLOG_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/limits.h"

/*
 * Container attribution: which container (and Kubernetes pod) a host process
 * belongs to, from its cgroup path.  Everything here treats cgroup paths and
 * directory names as hostile: lengths are bounded (limits.h), ids are checked
 * for length and charset, and no name read from input is ever turned into a
 * path.  The library never prints.
 *
 * Conventions recognised (cgroupfs and systemd drivers):
 *   docker       /docker/<id>                 .../docker-<id>.scope
 *   containerd   /kubepods/<qos>/pod<uid>/<id> .../cri-containerd-<id>.scope
 *   CRI-O        <parent>/crio-<id>           .../crio-<id>.scope
 *   podman       /libpod_parent/libpod-<id>   .../libpod-<id>.scope
 *   conmon       crio-conmon-<id>[.scope], libpod-conmon-<id>[.scope]:
 *                the runtime's monitor, reported with conmon = true
 *   kubelet pods /kubepods[/burstable|/besteffort]/pod<uid>
 *                kubepods.slice/kubepods[-<qos>].slice/kubepods[-<qos>]-pod<uid_>.slice
 *                (also under a prefix, as kind's kubelet-kubepods-...)
 *   plain        /<id> or /<parent>/<id> (runc without cgroupsPath): only
 *                with SCL_CGROUP_PLAIN_LEAF, as any leaf name is a candidate
 * The ids of docker, containerd, CRI-O and podman are exactly 64 lower-case
 * hex digits.
 */

typedef enum scl_container_runtime {
	SCL_RUNTIME_NONE = 0,   /* not in a container (a host process) */
	SCL_RUNTIME_DOCKER,
	SCL_RUNTIME_CONTAINERD, /* also a bare 64-hex id under a kubelet pod cgroup (cgroupfs driver) */
	SCL_RUNTIME_CRIO,
	SCL_RUNTIME_PODMAN,
	SCL_RUNTIME_PLAIN,      /* a plain leaf (runc without cgroupsPath), SCL_CGROUP_PLAIN_LEAF */
	_SCL_RUNTIME_MAX,
} scl_container_runtime;

typedef enum scl_k8s_qos {
	SCL_QOS_NONE = 0,       /* not in a kubelet pod cgroup */
	SCL_QOS_GUARANTEED,
	SCL_QOS_BURSTABLE,
	SCL_QOS_BESTEFFORT,
	_SCL_QOS_MAX,
} scl_k8s_qos;

/* A plain value: keep it on the stack, copy it freely. */
typedef struct scl_container {
	scl_container_runtime runtime;
	bool conmon;          /* the runtime's conmon process for container id, not the container */
	bool nested;          /* more than one container level in the path (docker in docker, kind) */
	bool user_delegated;  /* below a systemd user@UID.service: that user chose the names */
	scl_k8s_qos qos;
	char id[SCL_MAX_CONTAINER_ID + 1];  /* "" when runtime is NONE */
	char pod_uid[SCL_MAX_POD_UID + 1];  /* with '-' (systemd's '_' converted back); "" if none */
} scl_container;

/* Flags for the parsers. */
enum {
	/* Accept a plain leaf name as a container id when nothing else matches. */
	SCL_CGROUP_PLAIN_LEAF = 1u << 0,
	/*
	 * With nested containers report the innermost one instead of the
	 * outermost.  The outermost is the default because it was named by the
	 * host's runtime: a process that may create cgroups below its own (a
	 * privileged container, cgroup delegation) can give them any name,
	 * including another container's id.  Use this for kind or docker-in-docker.
	 */
	SCL_CGROUP_INNERMOST = 1u << 1,
};

const char *scl_container_runtime_str(scl_container_runtime rt);
const char *scl_k8s_qos_str(scl_k8s_qos q);

/*
 * Parse one cgroup path (the part after the second ':' of a /proc/PID/cgroup
 * line, no newline; not NUL-terminated).  Returns 1 and fills *ret for a
 * container; 0 and fills *ret (runtime NONE, possibly pod_uid and qos for a
 * process in a pod cgroup but in no container) for anything else well formed;
 * -EINVAL for a path that is not absolute, has an empty, "." or ".."
 * component (as seen from another cgroup namespace), a NUL or a newline, or a
 * component shaped like a runtime's (docker-*.scope, /docker/X, pod*, ...)
 * whose id or pod UID is malformed; -ENAMETOOLONG over SCL_MAX_CGROUP_PATH,
 * SCL_MAX_CGROUP_NAME or (plain leaf) SCL_MAX_CONTAINER_ID.  *ret is written
 * only on success.
 */
int scl_container_parse_path(const char *path, size_t n, unsigned flags, scl_container *ret);

/*
 * Parse the contents of /proc/PID/cgroup: v2 "0::/path", v1 "N:ctrl,ctrl:/path",
 * named "N:name=systemd:/path"; a v2 path may end in " (deleted)".  The
 * hierarchies are tried in this order: v2, name=systemd, the others in file
 * order; the first that shows a container wins (a v1 hybrid system may show
 * "0::/" but the container in the v1 hierarchies).  Returns as above; also
 * -EBADMSG for a line that is not "id:controllers:path", -E2BIG over
 * SCL_MAX_PROC_CGROUP_FILE.  With no container anywhere but an error in some
 * hierarchy, that error is returned.
 */
int scl_container_parse_proc_cgroup(const char *buf, size_t n, unsigned flags, scl_container *ret);

/*
 * The start time (field 22, clock ticks after boot) from the contents of
 * /proc/PID/stat.  comm (field 2) may hold spaces, ')' and newlines: the
 * fields are taken after the last ')'.  pid must equal field 1.  Returns 0,
 * -EBADMSG for anything malformed, -E2BIG over SCL_MAX_PROC_STAT.
 */
int scl_container_parse_stat_starttime(const char *buf, size_t n, uint32_t pid, uint64_t *ret);
/* The same, with the task's flags (field 9, PF_*; either out pointer may be NULL). */
int scl_container_parse_stat(const char *buf, size_t n, uint32_t pid, uint64_t *ret_starttime, uint32_t *ret_flags);
/*
 * PF_EXITING (include/linux/sched.h), set when a task begins to exit and
 * never cleared.  From then on /proc/PID/cgroup shows the root ("/") in
 * every cgroup v1 hierarchy (kernel/cgroup/cgroup.c, proc_cgroup_show(): "On
 * traditional hierarchies, all zombie tasks show up as belonging to the root
 * cgroup"); cgroup v2 keeps the task's own.
 */
#define SCL_PF_EXITING 0x00000004u

/*
 * The boot time (the "btime" line: epoch seconds) from the contents of
 * /proc/stat.  Returns 0, -EBADMSG without one well-formed btime line,
 * -E2BIG over SCL_MAX_PROC_STAT_FILE.  scl_container_read_btime() reads
 * "stat" under proc_fd; -errno when it cannot.
 */
int scl_container_parse_btime(const char *buf, size_t n, uint64_t *ret);
int scl_container_read_btime(int proc_fd, uint64_t *ret);

/* Seconds of clock disagreement allowed between btime + start time and a record's time. */
#define SCL_PROC_START_SLACK 2

/*
 * Could a process that started starttime clock ticks (clk_tck a second)
 * after btime have made a record stamped rec_sec (epoch seconds)?  False
 * when the record predates the boot (another boot's, or an early-boot
 * uptime stamp) or the process started more than SCL_PROC_START_SLACK
 * seconds after it: the record's pid was reused since.  This is what tells
 * an old record (a journal, a followed log) from one of the live process
 * that holds its pid now.
 */
bool scl_container_may_have_made(uint64_t starttime, uint64_t btime, uint64_t clk_tck, uint64_t rec_sec);

/*
 * Read /proc/PID/stat and /proc/PID/cgroup relative to proc_fd (an open
 * directory: /proc, or a fake tree in tests) through one directory fd for
 * PID, so both describe the same process.  ret_starttime may be NULL.
 * Returns 1 or 0 as scl_container_parse_path(), -ENOENT when the process is
 * gone (ENOENT or ESRCH), -EINVAL for pid 0 or above SCL_PID_MAX_LIMIT,
 * other -errno.
 */
int scl_container_read_proc(int proc_fd, uint32_t pid, unsigned flags, scl_container *ret,
			    uint64_t *ret_starttime);

/*
 * A resolver cache: pid -> container, keyed by (pid, start time) so a reused
 * pid never inherits the previous process's container.  Not thread-safe.
 *
 * lookup: while the process lives, its entry is used only if it was read for
 * the same start time, else /proc is read again.  When the process is gone,
 * the last entry for that pid is returned (records are often handled after
 * their process exited); without one, -ENOENT.
 *
 * fork: the child gets the parent's container (the parent is looked up first
 * if needed).  This is a fallback for children that exit before anyone looks
 * them up: a live child is always read from /proc, since runtimes move their
 * init process into the container's cgroup after forking it (runc), or create
 * it there (clone3 CLONE_INTO_CGROUP).
 *
 * exit: the entry stays for late records but is evicted before any live one.
 *
 * invalidate: forget the cgroup read for pid (call it on exec: a runtime may
 * have moved the process since); the entry still serves after the process
 * is gone.
 *
 * max_entries 0 means SCL_MAX_CONTAINER_CACHE; it cannot exceed it (-EINVAL).
 * When full, the least recently used exited entry goes, else the least
 * recently used one.
 */
typedef struct scl_container_cache scl_container_cache;

int scl_container_cache_new(int proc_fd, unsigned flags, size_t max_entries, scl_container_cache **ret);
void scl_container_cache_free(scl_container_cache *c);
/* 1 (container) or 0 (host process) with *ret; -ENOENT; other -errno from reading /proc. */
int scl_container_cache_lookup(scl_container_cache *c, uint32_t pid, scl_container *ret);
/* 0, or the parent's lookup error (-ENOENT: parent unknown and gone). */
int scl_container_cache_fork(scl_container_cache *c, uint32_t parent_pid, uint32_t child_pid);
/* 0, -ENOENT if pid has no entry. */
int scl_container_cache_exit(scl_container_cache *c, uint32_t pid);
int scl_container_cache_invalidate(scl_container_cache *c, uint32_t pid);
size_t scl_container_cache_size(const scl_container_cache *c);

/*
 * Kubernetes names of a container, from kubelet's log directories:
 * containers_dir (/var/log/containers) holds symlinks
 * "<pod>_<namespace>_<container>-<id>.log" -> ".../<namespace>_<pod>_<uid>/<container>/<N>.log",
 * pods_dir (/var/log/pods) holds "<namespace>_<pod>_<uid>/" directories.
 * Either may be NULL.  The container name comes only from a symlink whose name
 * carries container_id and whose target (read, never followed) agrees with it
 * and with pod_uid; otherwise, with pod_uid, namespace and pod come from
 * pods_dir and container is "".  Every name is checked: namespace and
 * container are DNS-1123 labels (SCL_MAX_K8S_LABEL), pod a DNS-1123 subdomain
 * (SCL_MAX_K8S_NAME); entries that fail are ignored.
 *
 * pod_uid and container_id are NUL-terminated (as in scl_container), either
 * may be NULL or "".  Returns 0 with *ret; -ENOENT when nothing matches (or a
 * directory does not exist); -ENOTUNIQ when two entries give different names;
 * -EINVAL for a malformed pod_uid or container_id; -E2BIG when a directory
 * has more than SCL_MAX_K8S_LOG_ENTRIES entries; other -errno.
 */
typedef struct scl_k8s_names {
	char namespace_[SCL_MAX_K8S_LABEL + 1];
	char pod[SCL_MAX_K8S_NAME + 1];
	char container[SCL_MAX_K8S_LABEL + 1];
} scl_k8s_names;

int scl_container_k8s_names(const char *pods_dir, const char *containers_dir, const char *pod_uid,
			    const char *container_id, scl_k8s_names *ret);

#endif
