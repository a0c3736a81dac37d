/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_LIMITS_H
#define SCMPLOG_LIMITS_H

/*
 * Every size that input controls has a named limit here.  Going over one is an
 * error that names the limit; nothing is silently truncated.
 */

/* One audit record body (kernel: MAX_AUDIT_MESSAGE_LENGTH in include/uapi/linux/audit.h). */
#define SCL_MAX_RECORD 8970
/* One input line, including framing (syslog prefix, ENRICHED tail, JSON wrapping). */
#define SCL_MAX_LINE 65536
/* A decoded comm (kernel TASK_COMM_LEN is 16, we allow slack for other kernels). */
#define SCL_MAX_COMM 64
/* A decoded exe path (PATH_MAX). */
#define SCL_MAX_EXE 4096
/* A hostname from syslog, journal or node= prefixes (HOST_NAME_MAX is 64; FQDNs are longer). */
#define SCL_MAX_HOST 255
/* A syscall name as it appears in a profile. */
#define SCL_MAX_SYSCALL_NAME 64
/* Syscall numbers we track per architecture (mips n32 starts at 6000; x32 bit is stripped). */
#define SCL_MAX_SYSCALL_NR 8192
/* One journal export entry (all fields together). */
#define SCL_MAX_JOURNAL_ENTRY (1024 * 1024)
/* A profile file read by scmplog. */
#define SCL_MAX_PROFILE_SIZE (16 * 1024 * 1024)
/* Nesting depth accepted in JSON input. */
#define SCL_MAX_JSON_DEPTH 32
/* A string in a profile rule's conditions: an "arches" or "caps" entry, "minKernel". */
#define SCL_MAX_PROFILE_STRING 64
/* Distinct groups for --split-by (build; collect --split-by host: hosts). */
#define SCL_MAX_GROUPS 100000
/* node= names whose serials collect --source audisp counts for loss (its stream.h). */
#define SCL_MAX_STREAM_NODES 64
/* Containers scmplog collect knows at once, selected or left out (gone ones are forgotten). */
#define SCL_MAX_CONTAINERS 100000
/* Live container processes scmplog collect counts from the process events (SCL_PID_MAX_LIMIT). */
#define SCL_MAX_TRACKED_PIDS 1048576
/* The largest pid: PID_MAX_LIMIT on 64-bit kernels (include/linux/threads.h). */
#define SCL_PID_MAX_LIMIT 4194304u
/* A file name derived from input (sanitised, before the extension). */
#define SCL_MAX_FILE_NAME 200

/* A container id: 64 hex for docker/containerd/CRI-O/podman; a plain runc leaf name at most this. */
#define SCL_MAX_CONTAINER_ID 128
/* A Kubernetes pod UID (36-char UUID; static pods use 32 hex). */
#define SCL_MAX_POD_UID 36
/* A cgroup path from /proc/PID/cgroup (PATH_MAX), and one component of it (NAME_MAX). */
#define SCL_MAX_CGROUP_PATH 4096
#define SCL_MAX_CGROUP_NAME 255
/* The whole /proc/PID/cgroup file (v1 hybrid: one line per hierarchy). */
#define SCL_MAX_PROC_CGROUP_FILE 65536
/* The whole /proc/PID/stat file. */
#define SCL_MAX_PROC_STAT 4096
/* The whole /proc/stat file, read once for btime (its intr line grows with the IRQs). */
#define SCL_MAX_PROC_STAT_FILE (4 * 1024 * 1024)
/* Entries in a container resolver cache (scl_container_cache_new: 0 means this). */
#define SCL_MAX_CONTAINER_CACHE 65536
/* Kubernetes names: a DNS-1123 label (namespace, container) and subdomain (pod). */
#define SCL_MAX_K8S_LABEL 63
#define SCL_MAX_K8S_NAME 253
/* Directory entries examined in /var/log/pods or /var/log/containers per lookup. */
#define SCL_MAX_K8S_LOG_ENTRIES 100000
/* A journal cursor given to resume from (systemd's are about 150 bytes). */
#define SCL_MAX_JOURNAL_CURSOR 1024
/* Journal files whose changes (rotation, vacuum) a followed journal source tells. */
#define SCL_MAX_JOURNAL_FILES 65536
/* Entries of one journal file passed over because sd-journal aborts on them (one child process each). */
#define SCL_MAX_JOURNAL_ABORTS 64
/* The container state a runtime sends a seccomp listener (runc's is under 1 KiB without annotations). */
#define SCL_MAX_LISTENER_STATE 65536
/* Containers one seccomp listener serves at once. */
#define SCL_MAX_LISTENER_CONTAINERS 4096

/*
 * A syscall set (sysset.h): lanes of 65536 numbers per (arch, action, compat)
 * in one set (a lane's bitset is at most 8 KiB), and keys whose own counts it keeps.
 */
#define SCL_MAX_SYSSET_LANES 64
#define SCL_MAX_SYSSET_COUNTED 1024

#endif
