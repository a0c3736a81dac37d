/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_WORKLOAD_H
#define SCMPLOG_WORKLOAD_H

#include <stddef.h>

/*
 * Kubernetes workloads from pod names.  The node collector names a
 * container's profile NAMESPACE_POD_CONTAINER (kubelet's /var/log/pods
 * directory and the container's directory in it); the pods of one workload
 * differ only in the part of the pod name their controller generates.  What
 * the controllers generate (Kubernetes 1.20 to 1.31):
 *
 *   Deployment   NAME-HASH-XXXXX   HASH: the ReplicaSet's pod-template-hash,
 *                                  rand.SafeEncodeString() of a decimal
 *                                  uint32 (1 to 10 characters, 6 or more
 *                                  but for 1 hash in 40,000)
 *   ReplicaSet, DaemonSet, Job
 *                NAME-XXXXX        XXXXX: generateName's random suffix,
 *                                  5 characters (rand.String(5))
 *   CronJob      NAME-MINUTES-XXXXX   the Job is NAME-<scheduled time in
 *                                  minutes since the epoch>, decimal
 *   StatefulSet  NAME-ORDINAL      ORDINAL: decimal, from 0
 *
 * Random and hash characters come from apimachinery's util/rand alphabet
 * "bcdfghjklmnpqrstvwxz2456789" (no vowels, no 0, 1, 3), which is what
 * tells them from a word of the name.  The name alone cannot say more than
 * that: a pod named by hand ("web-2") reads as a StatefulSet's, and a
 * static pod (NAME-NODENAME) keeps its node's name.  Names are untrusted:
 * the functions only read, within n bytes.
 */

typedef enum scl_workload_kind {
	SCL_WORKLOAD_POD,         /* nothing generated recognised: the pod is its own workload */
	SCL_WORKLOAD_GENERATED,   /* NAME-XXXXX: ReplicaSet, DaemonSet or Job */
	SCL_WORKLOAD_DEPLOYMENT,  /* NAME-HASH-XXXXX */
	SCL_WORKLOAD_CRONJOB,     /* NAME-MINUTES-XXXXX */
	SCL_WORKLOAD_STATEFULSET, /* NAME-ORDINAL */
	_SCL_WORKLOAD_MAX,
} scl_workload_kind;

/* "pod", "generated", "deployment", "cronjob", "statefulset"; NULL if out of range. */
const char *scl_workload_kind_str(scl_workload_kind k);

/*
 * The workload of a pod name of n bytes: the length of its NAME (a prefix
 * of pod, at least 1 byte), and in *kind (may be NULL) what was stripped.
 */
size_t scl_k8s_pod_workload(const char *pod, size_t n, scl_workload_kind *kind);

typedef struct scl_k8s_parts {
	const char *ns;        /* each a slice of the name given, not terminated */
	size_t ns_n;
	const char *pod;
	size_t pod_n;
	const char *container;
	size_t container_n;
} scl_k8s_parts;

/*
 * Split a profile name NAMESPACE_POD_CONTAINER (of n bytes) at its two
 * '_': namespace and pod names are DNS subdomains and container names DNS
 * labels, so neither holds one.  Each part must be 1 to 253 bytes of
 * [a-z0-9.-] (63 for the namespace and the container, [a-z0-9-]),
 * starting and ending alphanumeric.  -EINVAL otherwise.
 */
int scl_k8s_name_split(const char *name, size_t n, scl_k8s_parts *ret);

#endif
