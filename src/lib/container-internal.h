/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CONTAINER_INTERNAL_H
#define SCL_CONTAINER_INTERNAL_H

/*
 * What the container module's files share: container.c (cgroup paths and
 * /proc/PID/{cgroup,stat} text), container-proc.c (reading /proc),
 * container-cache.c (the pid cache) and container-k8s.c (kubelet names).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/container.h"

/* n bytes at p equal the string lit. */
bool scl_ctr_eq(const char *p, size_t n, const char *lit);
/* runc's id rule: ^[\w+-.]+$, not "." or "..". */
bool scl_ctr_is_plain_id(const char *p, size_t n);
/*
 * A pod UID: 8-4-4-4-12 lower-case hex with sep as separator (systemd slice
 * names carry '_' for '-'), or 32 hex (static pods: a hash).  Written with
 * '-' into out (SCL_MAX_POD_UID + 1).
 */
bool scl_ctr_pod_uid(const char *p, size_t n, char sep, char *out);

/* DNS-1123 label ([a-z0-9]([-a-z0-9]*[a-z0-9])?, at most max) and subdomain (labels joined by '.', at most SCL_MAX_K8S_NAME) */
bool scl_dns_label(const char *p, size_t n, size_t max);
bool scl_dns_subdomain(const char *p, size_t n);

/* /proc/PID under proc_fd, opened as a directory; -EINVAL for pid 0 or over SCL_PID_MAX_LIMIT. */
int scl_ctr_open_pid_dir(int proc_fd, uint32_t pid);
/* starttime from dfd's stat, container from its cgroup (dfd: /proc/PID). */
int scl_ctr_read_starttime(int dfd, uint32_t pid, uint64_t *ret);
/*
 * 0 while the task of dfd has not begun to exit; -ENOENT once it has
 * (SCL_PF_EXITING: its v1 cgroups read as the root) or is gone, -EBADMSG.
 */
int scl_ctr_still_alive(int dfd, uint32_t pid);
/*
 * /proc/PID/cgroup of dfd parsed (scl_container_parse_proc_cgroup()), or
 * -ENOENT when the task is gone or had begun to exit (its stat read after
 * the cgroups; SCL_PF_EXITING): what was read would be the root, not its
 * cgroup.  ret_starttime (may be NULL): the start time from that stat.
 */
int scl_ctr_read_cgroup(int dfd, uint32_t pid, unsigned flags, scl_container *ret, uint64_t *ret_starttime);

#endif
