/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scmplog/container.h"
#include "scmplog/limits.h"
#include "unit-util.h"

#define D1 "3f4e1a9c2b7d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef"
#define D2 "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"
#define D3 "a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef0"
#define D4 "b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef01a"
#define D5 "c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef01a2b"
#define D6 "d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef01a2b3c"
#define D7 "e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef01a2b3c4d"
#define D8 "f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef01a2b3c4d5e"
#define POD1 "6b0f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e"
#define POD1_ "6b0f1c2e_3d4a_4b5c_8d9e_0f1a2b3c4d5e"
#define POD2 "0d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6"
#define POD3 "5f2c1e9b8a7d6c5b4a3928171615141f"
#define POD4 "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"
#define POD5 "11111111-2222-4333-8444-555555555555"

#define NONE SCL_RUNTIME_NONE
#define DOCKER SCL_RUNTIME_DOCKER
#define CTRD SCL_RUNTIME_CONTAINERD
#define CRIO SCL_RUNTIME_CRIO
#define PODMAN SCL_RUNTIME_PODMAN
#define PLAIN SCL_RUNTIME_PLAIN
#define G SCL_QOS_GUARANTEED
#define BU SCL_QOS_BURSTABLE
#define BE SCL_QOS_BESTEFFORT

enum { CONMON = 1, NESTED = 2, DELEG = 4 };
#define LEAF SCL_CGROUP_PLAIN_LEAF
#define INNER SCL_CGROUP_INNERMOST

/* Paths that parse: every runtime, both drivers, pods, nesting, host paths. */
static const struct path_case {
	const char *path;
	unsigned flags;
	int r;
	scl_container_runtime rt;
	unsigned bits; /* CONMON NESTED DELEG */
	scl_k8s_qos qos;
	const char *id, *uid;
} path_ok[] = {
	/* docker */
	{ "/docker/" D1, 0, 1, DOCKER, 0, 0, D1, "" },
	{ "/system.slice/docker-" D1 ".scope", 0, 1, DOCKER, 0, 0, D1, "" },
	{ "/system.slice/docker-" D1 ".scope/init.scope", 0, 1, DOCKER, 0, 0, D1, "" },
	{ "/mycustom.slice/docker-" D2 ".scope", 0, 1, DOCKER, 0, 0, D2, "" },
	{ "/docker/buildkit/lv5wz2mv4x7dy2m5l7u4ybi1x", 0, 0, NONE, 0, 0, "", "" },
	{ "/system.slice/docker.service", 0, 0, NONE, 0, 0, "", "" },
	{ "/system.slice/docker-compose@web.service", 0, 0, NONE, 0, 0, "", "" },
	/* containerd CRI */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD1_ ".slice/cri-containerd-" D1 ".scope",
	  0, 1, CTRD, 0, BU, D1, POD1 },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD1_ ".slice/cri-containerd-" D2 ".scope",
	  0, 1, CTRD, 0, BE, D2, POD1 },
	{ "/kubepods.slice/kubepods-pod" POD1_ ".slice/cri-containerd-" D1 ".scope", 0, 1, CTRD, 0, G, D1, POD1 },
	{ "/kubepods/burstable/pod" POD2 "/" D1, 0, 1, CTRD, 0, BU, D1, POD2 },
	{ "/kubepods/besteffort/pod" POD2 "/" D2, 0, 1, CTRD, 0, BE, D2, POD2 },
	{ "/kubepods/pod" POD2 "/" D1, 0, 1, CTRD, 0, G, D1, POD2 },
	{ "/kubepods/pod" POD3 "/" D1, 0, 1, CTRD, 0, G, D1, POD3 },          /* static pod: hash uid */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD3 ".slice/cri-containerd-" D2 ".scope",
	  0, 1, CTRD, 0, BU, D2, POD3 },
	/* docker as the kubelet's runtime, systemd driver */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD1_ ".slice/docker-" D2 ".scope",
	  0, 1, DOCKER, 0, BU, D2, POD1 },
	/* the pod cgroup itself, and the qos level: no container */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD1_ ".slice", 0, 0, NONE, 0, BU, "", POD1 },
	{ "/kubepods/besteffort/pod" POD2, 0, 0, NONE, 0, BE, "", POD2 },
	{ "/kubepods/burstable", LEAF, 0, NONE, 0, 0, "", "" },
	{ "/kubepods.slice/kubepods-burstable.slice", LEAF, 0, NONE, 0, 0, "", "" },
	{ "/kubepods/burstable/pod" POD2 "/not-a-container", 0, 0, NONE, 0, BU, "", POD2 },
	/* a QoS directory below a pod (named by whoever owns that subtree) does not relabel the pod
	 * (tests/fuzz/corpus/cgroup/crash-pod-qos-relabelled*) */
	{ "/kubepods-pod" POD1_ ".slice/b/kubepods/burstable/-", 0, 0, NONE, 0, G, "", POD1 },
	{ "/kubepods-pod" POD1_ ".slice/b/kubepods/burstable", 0, 0, NONE, 0, G, "", POD1 },
	{ "/kubepods.slice/kubepods-pod" POD1_ ".slice/x/kubepods/besteffort", LEAF, 0, NONE, 0, G, "", POD1 },
	{ "/kubepods/burstable/pod" POD2 "/kubepods/besteffort/x", 0, 0, NONE, 0, BU, "", POD2 },
	{ "/kubepods/pod" POD2 "/kubepods/burstable/pod" POD4, 0, 0, NONE, 0, G, "", POD2 },
	/* CRI-O */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD1_ ".slice/crio-" D1 ".scope", 0, 1, CRIO,
	  0, BU, D1, POD1 },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD1_ ".slice/crio-conmon-" D1 ".scope", 0, 1,
	  CRIO, CONMON, BU, D1, POD1 },
	{ "/kubepods/burstable/pod" POD2 "/crio-" D2, 0, 1, CRIO, 0, BU, D2, POD2 },
	{ "/kubepods/burstable/pod" POD2 "/crio-conmon-" D2, 0, 1, CRIO, CONMON, BU, D2, POD2 },
	{ "/system.slice/crio-" D1 ".scope", 0, 1, CRIO, 0, 0, D1, "" },
	{ "/crio-" D1, 0, 1, CRIO, 0, 0, D1, "" },
	{ "/system.slice/crio.service", 0, 0, NONE, 0, 0, "", "" },
	{ "/crio-extra.slice/x.service", 0, 0, NONE, 0, 0, "", "" },
	{ "/machine.slice/libpod-healthcheck.service", 0, 0, NONE, 0, 0, "", "" },
	/* podman */
	{ "/machine.slice/libpod-" D1 ".scope", 0, 1, PODMAN, 0, 0, D1, "" },
	{ "/machine.slice/libpod-" D1 ".scope/container", 0, 1, PODMAN, 0, 0, D1, "" },
	{ "/machine.slice/libpod-conmon-" D1 ".scope", 0, 1, PODMAN, CONMON, 0, D1, "" },
	{ "/libpod_parent/libpod-" D2, 0, 1, PODMAN, 0, 0, D2, "" },
	{ "/libpod_parent/libpod-conmon-" D2, 0, 1, PODMAN, CONMON, 0, D2, "" },
	{ "/machine.slice/machine-libpod_pod_" D2 ".slice/libpod-" D1 ".scope", 0, 1, PODMAN, 0, 0, D1, "" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" D1 ".scope/container", 0, 1, PODMAN, DELEG,
	  0, D1, "" },
	/* nesting: outermost by default, innermost on request */
	{ "/docker/" D1 "/docker/" D2, 0, 1, DOCKER, NESTED, 0, D1, "" },
	{ "/docker/" D1 "/docker/" D2, INNER, 1, DOCKER, NESTED, 0, D2, "" },
	{ "/system.slice/docker-" D1 ".scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
	  "kubelet-kubepods-besteffort-pod" POD1_ ".slice/cri-containerd-" D2 ".scope",
	  0, 1, DOCKER, NESTED, 0, D1, "" },
	{ "/system.slice/docker-" D1 ".scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
	  "kubelet-kubepods-besteffort-pod" POD1_ ".slice/cri-containerd-" D2 ".scope",
	  INNER, 1, CTRD, NESTED, BE, D2, POD1 },
	{ "/docker/" D1 "/kubelet/kubepods/burstable/pod" POD2 "/" D2, INNER, 1, CTRD, NESTED, BU, D2, POD2 },
	/* a privileged container naming a cgroup after another container */
	{ "/system.slice/docker-" D1 ".scope/docker-" D2 ".scope", 0, 1, DOCKER, NESTED, 0, D1, "" },
	/* plain runc leaf: only when asked for */
	{ "/ctrA", 0, 0, NONE, 0, 0, "", "" },
	{ "/ctrA", LEAF, 1, PLAIN, 0, 0, "ctrA", "" },
	{ "/process_api/44be946df6ebd5cd842e14846f1052d0/ctrA", LEAF, 1, PLAIN, 0, 0, "ctrA", "" },
	{ "/default/my.container_1+x", LEAF, 1, PLAIN, 0, 0, "my.container_1+x", "" },
	{ "/" D1, LEAF, 1, PLAIN, 0, 0, D1, "" },
	{ "/system.slice/cron.service", LEAF, 0, NONE, 0, 0, "", "" },
	{ "/user.slice/user-1000.slice/session-3.scope", LEAF, 0, NONE, 0, 0, "", "" },
	{ "/system.slice/cron.service/sub", LEAF, 0, NONE, 0, 0, "", "" },
	{ "/docker", LEAF, 0, NONE, 0, 0, "", "" },
	{ "/docker/buildkit", LEAF, 0, NONE, 0, 0, "", "" },
	{ "/has space", LEAF, 0, NONE, 0, 0, "", "" },
	/* host paths */
	{ "/", 0, 0, NONE, 0, 0, "", "" },
	{ "/", LEAF, 0, NONE, 0, 0, "", "" },
	{ "/init.scope", 0, 0, NONE, 0, 0, "", "" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome.scope", 0, 0, NONE, DELEG, 0, "", "" },
	{ "/system.slice/podinfo.service", 0, 0, NONE, 0, 0, "", "" },
	{ "/pods-manager.slice/x-pod.slice", 0, 0, NONE, 0, 0, "", "" },
	{ "/system.slice/weird:name\twith\x01" "bytes", 0, 0, NONE, 0, 0, "", "" },
};

START_TEST(test_path_ok)
{
	const struct path_case *t = &path_ok[_i];
	scl_container c;
	int r;

	memset(&c, 0xa5, sizeof(c));
	r = scl_container_parse_path(t->path, strlen(t->path), t->flags, &c);
	ck_assert_msg(r == t->r, "case %d (%s): r=%d, want %d", _i, t->path, r, t->r);
	ck_assert_msg(c.runtime == t->rt, "case %d: runtime %s", _i, scl_container_runtime_str(c.runtime));
	ck_assert_int_eq(c.conmon, !!(t->bits & CONMON));
	ck_assert_msg(c.nested == !!(t->bits & NESTED), "case %d: nested", _i);
	ck_assert_msg(c.user_delegated == !!(t->bits & DELEG), "case %d: delegated", _i);
	ck_assert_msg(c.qos == t->qos, "case %d: qos %s", _i, scl_k8s_qos_str(c.qos));
	ck_assert_str_eq(c.id, t->id);
	ck_assert_str_eq(c.pod_uid, t->uid);
}
END_TEST

/* Paths that must be refused; ret stays untouched. */
static const struct bad_case {
	const char *path;
	size_t len; /* 0: strlen */
	unsigned flags;
	int err;
} path_bad[] = {
	{ "", 0, 0, -EINVAL },
	{ "docker/" D1, 0, 0, -EINVAL },                                   /* relative */
	{ "/docker//" D1, 0, 0, -EINVAL },                                 /* empty component */
	{ "/docker/" D1 "/", 0, 0, -EINVAL },
	{ "/../../docker/" D1, 0, 0, -EINVAL },                            /* another cgroup namespace */
	{ "/system.slice/./docker-" D1 ".scope", 0, 0, -EINVAL },
	{ "/system.slice/docker-../../etc.scope", 0, 0, -EINVAL },
	{ "/system.slice/docker-" D1 "\n.scope", 0, 0, -EINVAL },          /* newline */
	{ "/docker/" D1 "\0/x", sizeof("/docker/" D1 "\0/x") - 1, 0, -EINVAL }, /* NUL */
	/* container ids: length, case, charset */
	{ "/system.slice/docker-" "3f4e1a9c2b7d" ".scope", 0, 0, -EINVAL },       /* short id */
	{ "/system.slice/docker-" D1 "0.scope", 0, 0, -EINVAL },                  /* 65 hex */
	{ "/system.slice/docker-3F4E1A9C2B7D8E6F0A1B2C3D4E5F60718293A4B5C6D7E8F90123456789ABCDEF.scope", 0, 0, -EINVAL },
	{ "/system.slice/docker-3f4e1a9c2b7d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdeg.scope", 0, 0, -EINVAL },
	{ "/system.slice/docker-.scope", 0, 0, -EINVAL },
	{ "/system.slice/cri-containerd-" D1 "x.scope", 0, 0, -EINVAL },
	{ "/crio-conmon-", 0, 0, -EINVAL },
	{ "/crio-conmon-" D1 ".scope.scope", 0, 0, -EINVAL },
	{ "/machine.slice/libpod-" D1 "/../x", 0, 0, -EINVAL },
	{ "/libpod_parent/libpod-evil", 0, 0, -EINVAL },
	{ "/docker/3f4e1a9c2b7d", 0, 0, -EINVAL },                        /* a short id where the full one goes */
	{ "/docker/3F4E1A9C2B7D8E6F0A1B2C3D4E5F60718293A4B5C6D7E8F90123456789ABCDEF", 0, 0, -EINVAL },
	{ "/kubepods/burstable/pod" POD2 "/" D1 "00", 0, 0, -EINVAL },
	/* pod uids */
	{ "/kubepods/burstable/pod" POD1_ "/" D1, 0, 0, -EINVAL },          /* '_' with cgroupfs */
	{ "/kubepods/burstable/podnotauid/" D1, 0, 0, -EINVAL },
	{ "/kubepods/pod/" D1, 0, 0, -EINVAL },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD1 ".slice", 0, 0, -EINVAL }, /* '-' */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6B0F1C2E_3D4A_4B5C_8D9E_0F1A2B3C4D5E.slice",
	  0, 0, -EINVAL },
	{ "/kubepods.slice/kubepods-burstable-pod" POD1_ "_.slice", 0, 0, -EINVAL },
	{ "/kubepods.slice/kubepods-burstable-pod.slice", 0, 0, -EINVAL },
	{ "/kubepods.slice/kubepods-burstable-pod../../x.slice", 0, 0, -EINVAL },
};

START_TEST(test_path_bad)
{
	const struct bad_case *t = &path_bad[_i];
	scl_container c, before;
	size_t n = t->len ? t->len : strlen(t->path);
	int r;

	memset(&c, 0x5a, sizeof(c));
	before = c;
	r = scl_container_parse_path(t->path, n, t->flags, &c);
	ck_assert_msg(r == t->err, "case %d (%s): r=%d, want %d", _i, t->path, r, t->err);
	ck_assert(memcmp(&c, &before, sizeof(c)) == 0);
}
END_TEST

/* Over the limits: each says so. */
START_TEST(test_path_limits)
{
	char *p = malloc(SCL_MAX_CGROUP_PATH + 64);
	scl_container c;
	size_t n;

	ck_assert(p != NULL);
	/* a path of exactly SCL_MAX_CGROUP_PATH is fine, one more byte is not */
	p[0] = '/';
	for (n = 1; n < SCL_MAX_CGROUP_PATH; n++)
		p[n] = (n % 200 == 0) ? '/' : 'a';
	ck_assert_int_eq(scl_container_parse_path(p, SCL_MAX_CGROUP_PATH, 0, &c), 0);
	p[n] = 'a';
	ck_assert_int_eq(scl_container_parse_path(p, SCL_MAX_CGROUP_PATH + 1, 0, &c), -ENAMETOOLONG);
	/* one component of NAME_MAX + 1 */
	p[0] = '/';
	memset(p + 1, 'b', SCL_MAX_CGROUP_NAME + 1);
	ck_assert_int_eq(scl_container_parse_path(p, SCL_MAX_CGROUP_NAME + 1, 0, &c), 0);
	ck_assert_int_eq(scl_container_parse_path(p, SCL_MAX_CGROUP_NAME + 2, 0, &c), -ENAMETOOLONG);
	/* a plain leaf longer than SCL_MAX_CONTAINER_ID */
	memset(p + 1, 'c', SCL_MAX_CONTAINER_ID + 1);
	ck_assert_int_eq(scl_container_parse_path(p, SCL_MAX_CONTAINER_ID + 1, LEAF, &c), 1);
	ck_assert_uint_eq(strlen(c.id), SCL_MAX_CONTAINER_ID);
	ck_assert_int_eq(scl_container_parse_path(p, SCL_MAX_CONTAINER_ID + 2, LEAF, &c), -ENAMETOOLONG);
	ck_assert_int_eq(scl_container_parse_path(p, SCL_MAX_CONTAINER_ID + 2, 0, &c), 0);
	free(p);
}
END_TEST

/* /proc/PID/cgroup contents. */
static const struct cg_case {
	const char *text;
	unsigned flags;
	int r;
	scl_container_runtime rt;
	const char *id, *uid;
} cg_cases[] = {
	{ "0::/system.slice/docker-" D1 ".scope\n", 0, 1, DOCKER, D1, "" },
	{ "0::/system.slice/docker-" D1 ".scope", 0, 1, DOCKER, D1, "" },      /* no final newline */
	{ "0::/system.slice/docker-" D1 ".scope (deleted)\n", 0, 1, DOCKER, D1, "" },
	{ "0::/\n", 0, 0, NONE, "", "" },
	/* hybrid: v2 first, then name=systemd, then the others */
	{ "9:name=systemd:/docker/" D2 "\n4:memory:/docker/" D1 "\n0::/docker/" D1 "\n", 0, 1, DOCKER, D1, "" },
	{ "9:name=systemd:/docker/" D2 "\n4:memory:/docker/" D1 "\n0::/\n", 0, 1, DOCKER, D2, "" },
	{ "9:name=systemd:/\n4:memory:/docker/" D1 "\n3:cpu,cpuacct:/docker/" D2 "\n0::/\n", 0, 1, DOCKER, D1, "" },
	{ "12:rdma:/\n11:net_cls,net_prio:/\n1:name=systemd:/init.scope\n0::/init.scope\n", 0, 0, NONE, "", "" },
	/* no container, but a pod cgroup somewhere */
	{ "4:memory:/kubepods/besteffort/pod" POD2 "\n0::/\n", 0, 0, NONE, "", POD2 },
	/* the plain leaf of runc without cgroupsPath */
	{ "4:memory:/process_api/44be946df6ebd5cd842e14846f1052d0/ctrA\n1:cpu:/ctrA\n0::/ctrA\n", LEAF, 1, PLAIN, "ctrA", "" },
	/* a malformed hierarchy does not hide a container elsewhere ... */
	{ "9:name=systemd:/docker/" D2 "\n4:memory:/docker/3f4e1a9c2b7d\n0::/\n", 0, 1, DOCKER, D2, "" },
	/* ... but is reported when nothing else shows one */
	{ "4:memory:/docker/3f4e1a9c2b7d\n0::/\n", 0, -EINVAL, NONE, "", "" },
	/* syntax */
	{ "", 0, -EBADMSG, NONE, "", "" },
	{ "\n", 0, -EBADMSG, NONE, "", "" },
	{ "0::/\n\n", 0, -EBADMSG, NONE, "", "" },
	{ "0:/\n", 0, -EBADMSG, NONE, "", "" },
	{ "x::/\n", 0, -EBADMSG, NONE, "", "" },
	{ "-1::/\n", 0, -EBADMSG, NONE, "", "" },
	{ " 0::/\n", 0, -EBADMSG, NONE, "", "" },
	{ "0:memory:/\n", 0, -EBADMSG, NONE, "", "" },      /* v2 has no controllers */
	{ "4::/\n", 0, -EBADMSG, NONE, "", "" },            /* v1 has some */
	{ "4:cpu,,memory:/\n", 0, -EBADMSG, NONE, "", "" },
	{ "99999999999:cpu:/\n", 0, -EBADMSG, NONE, "", "" },
	{ "0::relative\n", 0, -EINVAL, NONE, "", "" },
	{ "0::\n", 0, -EINVAL, NONE, "", "" },
	/* a path may hold ':' */
	{ "0::/system.slice/a:b:c\n", 0, 0, NONE, "", "" },
};

START_TEST(test_proc_cgroup)
{
	const struct cg_case *t = &cg_cases[_i];
	scl_container c;
	int r;

	memset(&c, 0, sizeof(c));
	r = scl_container_parse_proc_cgroup(t->text, strlen(t->text), t->flags, &c);
	ck_assert_msg(r == t->r, "case %d: r=%d, want %d", _i, r, t->r);
	if (r < 0)
		return;
	ck_assert_int_eq(c.runtime, t->rt);
	ck_assert_str_eq(c.id, t->id);
	ck_assert_str_eq(c.pod_uid, t->uid);
}
END_TEST

START_TEST(test_proc_cgroup_limits)
{
	size_t n = SCL_MAX_PROC_CGROUP_FILE + 1;
	char *buf = malloc(n);
	scl_container c;

	ck_assert(buf != NULL);
	memset(buf, 'a', n);
	memcpy(buf, "0::/", 4);
	ck_assert_int_eq(scl_container_parse_proc_cgroup(buf, n, 0, &c), -E2BIG);
	/* NUL inside */
	ck_assert_int_eq(scl_container_parse_proc_cgroup("0::/\0x\n", 7, 0, &c), -EBADMSG);
	free(buf);
}
END_TEST

#define STAT_TAIL " 7364608 512 18446744073709551615 94621244985344 94621245005225 0 0 0 0 0 0 0 0 0 17 1 0 0\n"
#define STAT_MID " S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 "

static const struct stat_case {
	const char *text;
	size_t len; /* 0: strlen */
	uint32_t pid;
	int r;
	uint64_t start;
} stat_cases[] = {
	{ "42 (cat)" STAT_MID "194804" STAT_TAIL, 0, 42, 0, 194804 },
	{ "42 (cat)" STAT_MID "194804", 0, 42, 0, 194804 },                   /* no more fields, no newline */
	{ "42 (cat)" STAT_MID "18446744073709551615" STAT_TAIL, 0, 42, 0, UINT64_MAX },
	{ "42 ()" STAT_MID "7" STAT_TAIL, 0, 42, 0, 7 },                       /* empty comm */
	{ "42 (a b)" STAT_MID "7" STAT_TAIL, 0, 42, 0, 7 },
	/* comm pretending to end early and to carry the fields */
	{ "42 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 666 (y)" STAT_MID "9" STAT_TAIL, 0, 42, 0, 9 },
	{ "42 ())))" STAT_MID "9" STAT_TAIL, 0, 42, 0, 9 },
	{ "42 (new\nline)" STAT_MID "9" STAT_TAIL, 0, 42, 0, 9 },
	{ "42 (x\0y)" STAT_MID "9" STAT_TAIL, sizeof("42 (x\0y)" STAT_MID "9" STAT_TAIL) - 1, 42, 0, 9 },
	{ "4294967295 (max)" STAT_MID "3" STAT_TAIL, 0, 4294967295u, 0, 3 },
	/* broken */
	{ "43 (cat)" STAT_MID "194804" STAT_TAIL, 0, 42, -EBADMSG, 0 },      /* another pid */
	{ "042 (cat)" STAT_MID "1" STAT_TAIL, 0, 42, 0, 1 },                 /* leading zero is still 42 */
	{ "42 (cat" STAT_MID "1" STAT_TAIL, 0, 42, -EBADMSG, 0 },            /* no ')' */
	{ "42 cat)" STAT_MID "1" STAT_TAIL, 0, 42, -EBADMSG, 0 },
	{ "42  (cat)" STAT_MID "1" STAT_TAIL, 0, 42, -EBADMSG, 0 },
	{ "42 (cat)  S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 5" STAT_TAIL, 0, 42, -EBADMSG, 0 },
	{ "42 (cat) SS 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 5" STAT_TAIL, 0, 42, -EBADMSG, 0 },
	{ "42 (cat)" STAT_MID "-5" STAT_TAIL, 0, 42, -EBADMSG, 0 },
	{ "42 (cat)" STAT_MID "+5" STAT_TAIL, 0, 42, -EBADMSG, 0 },
	{ "42 (cat)" STAT_MID "5x" STAT_TAIL, 0, 42, -EBADMSG, 0 },
	{ "42 (cat)" STAT_MID "18446744073709551616" STAT_TAIL, 0, 42, -EBADMSG, 0 },
	{ "42 (cat)" STAT_MID STAT_TAIL, 0, 42, -EBADMSG, 0 },              /* empty field 22 */
	{ "42 (cat) S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0\n", 0, 42, -EBADMSG, 0 }, /* short */
	{ "42 (cat)", 0, 42, -EBADMSG, 0 },
	{ "", 0, 42, -EBADMSG, 0 },
	{ "42", 0, 42, -EBADMSG, 0 },
	{ " 42 (cat)" STAT_MID "1" STAT_TAIL, 0, 42, -EBADMSG, 0 },
};

START_TEST(test_stat)
{
	const struct stat_case *t = &stat_cases[_i];
	size_t n = t->len ? t->len : strlen(t->text);
	uint64_t v = 12345;
	int r;

	r = scl_container_parse_stat_starttime(t->text, n, t->pid, &v);
	ck_assert_msg(r == t->r, "case %d: r=%d, want %d", _i, r, t->r);
	ck_assert_uint_eq(v, r == 0 ? t->start : 12345);
}
END_TEST

START_TEST(test_stat_limit)
{
	char *buf = malloc(SCL_MAX_PROC_STAT + 1);
	uint64_t v;

	ck_assert(buf != NULL);
	memset(buf, ' ', SCL_MAX_PROC_STAT + 1);
	ck_assert_int_eq(scl_container_parse_stat_starttime(buf, SCL_MAX_PROC_STAT + 1, 1, &v), -E2BIG);
	free(buf);
}
END_TEST

/* /proc/stat: the btime line, wherever it is, once, strictly numeric. */
static const struct btime_case {
	const char *text;
	int r;
	uint64_t btime;
} btime_cases[] = {
	{ "cpu  1 2 3\nintr 5 0 0\nctxt 99\nbtime 1795418000\nprocesses 7\n", 0, 1795418000 },
	{ "btime 1\n", 0, 1 },
	{ "ctxt 1\nbtime 1795418000", 0, 1795418000 },        /* no final newline */
	{ "cpu 1\nprocesses 7\n", -EBADMSG, 0 },              /* none */
	{ "btime \n", -EBADMSG, 0 },
	{ "btime 17x\n", -EBADMSG, 0 },
	{ "btime -1\n", -EBADMSG, 0 },
	{ "btime  5\n", -EBADMSG, 0 },
	{ "btime 5\nbtime 6\n", -EBADMSG, 0 },                /* twice */
	{ "xbtime 5\n", -EBADMSG, 0 },                        /* not at a line start */
	{ "btimes 5\n", -EBADMSG, 0 },
	{ "", -EBADMSG, 0 },
};

START_TEST(test_btime)
{
	const struct btime_case *t = &btime_cases[_i];
	uint64_t v = 12345;
	int r = scl_container_parse_btime(t->text, strlen(t->text), &v);

	ck_assert_msg(r == t->r, "case %d: r=%d, want %d", _i, r, t->r);
	ck_assert_uint_eq(v, r == 0 ? t->btime : 12345);
}
END_TEST

START_TEST(test_btime_real)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	uint64_t bt = 0;
	time_t now = time(NULL);

	ck_assert(fd >= 0);
	ck_assert_int_eq(scl_container_read_btime(fd, &bt), 0);
	ck_assert_uint_gt(bt, 1000000000);
	ck_assert_uint_le(bt, (uint64_t)now);
	close(fd);
}
END_TEST

/* Whether the process now holding a record's pid can have made it. */
static const struct made_case {
	uint64_t starttime, btime, tck, rec;
	bool want;
} made_cases[] = {
	{ 0, 1000, 100, 1000, true },            /* started at boot, record at boot */
	{ 500, 1000, 100, 1005, true },          /* started 5 s after boot, record then */
	{ 500, 1000, 100, 1100, true },          /* record long after the start */
	{ 500, 1000, 100, 1003, true },          /* within the slack */
	{ 500, 1000, 100, 1002, false },         /* started 3 s after the record: reused pid */
	{ 100000, 1000, 100, 1500, false },      /* started 1000 s after boot, record at 500 s */
	{ 0, 1795418000, 100, 1700000000, false }, /* a record of an earlier boot */
	{ 0, 1795418000, 100, 114, false },      /* an early-boot uptime stamp */
	{ 0, 1000, 0, 1000, false },             /* no clock rate: never */
	{ 250, 1000, 250, 1001, true },          /* another CLK_TCK */
};

START_TEST(test_may_have_made)
{
	const struct made_case *t = &made_cases[_i];

	ck_assert_msg(scl_container_may_have_made(t->starttime, t->btime, t->tck, t->rec) == t->want,
		      "case %d", _i);
}
END_TEST

/* The fixture /proc tree in tests/data/proc. */
static const struct proc_case {
	uint32_t pid;
	unsigned flags;
	int r;
	scl_container_runtime rt;
	bool conmon;
	scl_k8s_qos qos;
	const char *id, *uid;
	uint64_t start;
} proc_cases[] = {
	{ 1001, 0, 1, DOCKER, false, 0, D1, "", 2210456 },           /* v1 hybrid, docker cgroupfs */
	{ 1002, 0, 1, DOCKER, false, 0, D2, "", 2210999 },           /* v2, docker systemd */
	{ 1003, 0, 1, DOCKER, false, 0, D1, "", 3300000 },           /* 0::/ but memory has it */
	{ 1004, 0, 1, CTRD, false, BU, D1, POD1, 455 },
	{ 1005, 0, 1, CRIO, true, BE, D2, POD1, 9001 },              /* conmon, via name=systemd */
	{ 1006, 0, 1, PODMAN, false, 0, D2, "", 777 },               /* (deleted) */
	{ 1007, 0, 0, NONE, false, 0, "", "", 5000 },                /* plain leaf not allowed */
	{ 1007, LEAF, 1, PLAIN, false, 0, "ctrA", "", 5000 },
	{ 1008, 0, 0, NONE, false, 0, "", "", 100 },
	{ 1009, 0, 1, DOCKER, false, 0, D1, "", 424242 },            /* hostile comm */
	{ 1010, 0, 1, DOCKER, false, 0, D1, "", 31337 },             /* newline in comm */
	{ 1011, 0, -EBADMSG, NONE, false, 0, "", "", 0 },            /* stat of another pid */
	{ 1012, 0, -EBADMSG, NONE, false, 0, "", "", 0 },            /* short stat */
	{ 1013, 0, -EBADMSG, NONE, false, 0, "", "", 0 },            /* bad cgroup line */
	{ 1014, 0, -EINVAL, NONE, false, 0, "", "", 0 },             /* ../ in a scope name */
	{ 1015, 0, -ENOENT, NONE, false, 0, "", "", 0 },             /* empty files: reaped */
	{ 1016, 0, 1, PODMAN, false, 0, D2, "", 8080 },              /* v1 wins over a host v2 path */
	{ 1017, 0, 1, PODMAN, false, 0, D1, "", 12345 },             /* rootless */
	{ 1018, 0, -ENOTDIR, NONE, false, 0, "", "", 0 },            /* pid dir is a symlink (O_NOFOLLOW) */
	{ 1019, 0, -ELOOP, NONE, false, 0, "", "", 0 },              /* stat is a symlink */
	{ 4000, 0, -ENOENT, NONE, false, 0, "", "", 0 },             /* no such process */
	{ 0, 0, -EINVAL, NONE, false, 0, "", "", 0 },
	{ 4194305, 0, -EINVAL, NONE, false, 0, "", "", 0 },
};

static int open_fixture_proc(void)
{
	int fd = open(unit_data_path("proc"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "cannot open %s", unit_data_path("proc"));
	return fd;
}

START_TEST(test_proc_fixture)
{
	const struct proc_case *t = &proc_cases[_i];
	int fd = open_fixture_proc();
	scl_container c;
	uint64_t st = 1;
	int r;

	memset(&c, 0, sizeof(c));
	r = scl_container_read_proc(fd, t->pid, t->flags, &c, &st);
	ck_assert_msg(r == t->r, "pid %u: r=%d, want %d", t->pid, r, t->r);
	if (r >= 0) {
		ck_assert_int_eq(c.runtime, t->rt);
		ck_assert_int_eq(c.conmon, t->conmon);
		ck_assert_int_eq(c.qos, t->qos);
		ck_assert_str_eq(c.id, t->id);
		ck_assert_str_eq(c.pod_uid, t->uid);
		ck_assert_uint_eq(st, t->start);
		if (t->pid == 1017)
			ck_assert(c.user_delegated);
	} else {
		ck_assert_uint_eq(st, 1);
	}
	close(fd);
}
END_TEST

/* The real /proc: our own process reads, whatever its cgroup. */
START_TEST(test_proc_self)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	scl_container c;
	uint64_t st = 0;
	int r;

	ck_assert(fd >= 0);
	r = scl_container_read_proc(fd, (uint32_t)getpid(), 0, &c, &st);
	ck_assert_msg(r == 0 || r == 1, "r=%d", r);
	ck_assert_uint_gt(st, 0);
	close(fd);
}
END_TEST

/* ---------------------------------------------------------------- cache */

/* A writable fake /proc in a temporary directory. */
static char tmp_proc[64];
static int tmp_fd = -1;

static void write_at(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp_proc, rel);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void fake_proc(uint32_t pid, uint64_t start, const char *cgroup_path)
{
	char rel[64], text[512];

	snprintf(rel, sizeof(rel), "%u", pid);
	{
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", tmp_proc, rel);
		mkdir(path, 0755);
	}
	snprintf(text, sizeof(text), "%u (p%u)" STAT_MID "%llu" STAT_TAIL, pid, pid, (unsigned long long)start);
	snprintf(rel, sizeof(rel), "%u/stat", pid);
	write_at(rel, text);
	snprintf(text, sizeof(text), "0::%s\n", cgroup_path);
	snprintf(rel, sizeof(rel), "%u/cgroup", pid);
	write_at(rel, text);
}

static void kill_proc(uint32_t pid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%u/stat", tmp_proc, pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%u/cgroup", tmp_proc, pid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%u", tmp_proc, pid);
	rmdir(path);
}

static void tmp_setup(void)
{
	snprintf(tmp_proc, sizeof(tmp_proc), "/tmp/scl-proc-XXXXXX");
	ck_assert(mkdtemp(tmp_proc) != NULL);
	tmp_fd = open(tmp_proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert(tmp_fd >= 0);
}

static void tmp_teardown(void)
{
	char cmd[128];

	close(tmp_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_proc);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_cache_basic)
{
	scl_container_cache *c;
	scl_container info;

	ck_assert_int_eq(scl_container_cache_new(tmp_fd, 0, 0, &c), 0);
	fake_proc(100, 1000, "/docker/" D1);
	fake_proc(200, 2000, "/system.slice/cron.service");
	ck_assert_int_eq(scl_container_cache_lookup(c, 100, &info), 1);
	ck_assert_str_eq(info.id, D1);
	ck_assert_int_eq(scl_container_cache_lookup(c, 200, &info), 0);
	ck_assert_int_eq(info.runtime, NONE);
	ck_assert_uint_eq(scl_container_cache_size(c), 2);

	/* a cached entry is used while (pid, starttime) holds: a cgroup change is not seen ... */
	fake_proc(100, 1000, "/docker/" D2);
	ck_assert_int_eq(scl_container_cache_lookup(c, 100, &info), 1);
	ck_assert_str_eq(info.id, D1);
	/* ... until invalidated (exec) */
	ck_assert_int_eq(scl_container_cache_invalidate(c, 100), 0);
	ck_assert_int_eq(scl_container_cache_lookup(c, 100, &info), 1);
	ck_assert_str_eq(info.id, D2);

	/* pid reuse: another start time, another container */
	fake_proc(100, 1001, "/system.slice/docker-" D1 ".scope");
	ck_assert_int_eq(scl_container_cache_lookup(c, 100, &info), 1);
	ck_assert_str_eq(info.id, D1);
	ck_assert_uint_eq(scl_container_cache_size(c), 2);

	/* gone: the last known answer */
	kill_proc(100);
	ck_assert_int_eq(scl_container_cache_lookup(c, 100, &info), 1);
	ck_assert_str_eq(info.id, D1);
	ck_assert_int_eq(scl_container_cache_exit(c, 100), 0);
	ck_assert_int_eq(scl_container_cache_lookup(c, 100, &info), 1);

	/* never seen and gone */
	memset(&info, 0x77, sizeof(info));
	ck_assert_int_eq(scl_container_cache_lookup(c, 300, &info), -ENOENT);
	ck_assert_int_eq(((unsigned char *)&info)[0], 0x77);
	ck_assert_int_eq(scl_container_cache_exit(c, 300), -ENOENT);
	ck_assert_int_eq(scl_container_cache_invalidate(c, 300), -ENOENT);
	ck_assert_int_eq(scl_container_cache_lookup(c, 0, &info), -EINVAL);

	/* garbage cgroup: an error, not cached */
	fake_proc(400, 4000, "/system.slice/docker-evil.scope");
	ck_assert_int_eq(scl_container_cache_lookup(c, 400, &info), -EINVAL);
	ck_assert_uint_eq(scl_container_cache_size(c), 2);
	scl_container_cache_free(c);
	scl_container_cache_free(NULL);
}
END_TEST

START_TEST(test_cache_fork)
{
	scl_container_cache *c;
	scl_container info;

	ck_assert_int_eq(scl_container_cache_new(tmp_fd, 0, 0, &c), 0);
	fake_proc(10, 100, "/kubepods/burstable/pod" POD2 "/" D1);
	/* the child exits before anyone looks: it inherits */
	ck_assert_int_eq(scl_container_cache_fork(c, 10, 11), 0);
	ck_assert_int_eq(scl_container_cache_lookup(c, 11, &info), 1);
	ck_assert_str_eq(info.id, D1);
	ck_assert_str_eq(info.pod_uid, POD2);
	/* a live child is read from /proc: runc moves its init after the fork */
	fake_proc(20, 200, "/user.slice/user-0.slice/session-1.scope");
	ck_assert_int_eq(scl_container_cache_fork(c, 20, 21), 0);
	fake_proc(21, 201, "/system.slice/docker-" D2 ".scope");
	ck_assert_int_eq(scl_container_cache_lookup(c, 21, &info), 1);
	ck_assert_str_eq(info.id, D2);
	/* a fork over an old entry of the same pid replaces it */
	kill_proc(21);
	ck_assert_int_eq(scl_container_cache_fork(c, 10, 21), 0);
	ck_assert_int_eq(scl_container_cache_lookup(c, 21, &info), 1);
	ck_assert_str_eq(info.id, D1);
	/* unknown, gone parent */
	ck_assert_int_eq(scl_container_cache_fork(c, 30, 31), -ENOENT);
	ck_assert_int_eq(scl_container_cache_lookup(c, 31, &info), -ENOENT);
	ck_assert_int_eq(scl_container_cache_fork(c, 10, 0), -EINVAL);
	scl_container_cache_free(c);
}
END_TEST

/*
 * A task that began to exit (PF_EXITING in stat's flags) reads as the root
 * in every cgroup v1 hierarchy: not its cgroup.  Its answer is what is known
 * of it (its fork), never "the host".
 */
#define STAT_MID_EXITING " R 1 42 42 0 -1 4194564 120 0 0 0 3 1 0 0 20 0 1 0 "

static void exiting_proc(uint32_t pid, uint64_t start)
{
	char rel[64], text[512], dir[256];

	snprintf(dir, sizeof(dir), "%s/%u", tmp_proc, pid);
	(void)mkdir(dir, 0755);
	snprintf(text, sizeof(text), "%u (mkdir)" STAT_MID_EXITING "%llu" STAT_TAIL, pid, (unsigned long long)start);
	snprintf(rel, sizeof(rel), "%u/stat", pid);
	write_at(rel, text);
	snprintf(rel, sizeof(rel), "%u/cgroup", pid);
	write_at(rel, "8:pids:/\n4:memory:/\n1:cpu:/\n0::/\n");
}

START_TEST(test_cache_exiting)
{
	scl_container_cache *c;
	scl_container info;
	uint64_t st = 0;
	uint32_t flags = 0;
	char text[512];

	snprintf(text, sizeof(text), "12 (mkdir)" STAT_MID_EXITING "1201" STAT_TAIL);
	ck_assert_int_eq(scl_container_parse_stat(text, strlen(text), 12, &st, &flags), 0);
	ck_assert_uint_eq(st, 1201);
	ck_assert_uint_eq(flags & SCL_PF_EXITING, SCL_PF_EXITING);
	snprintf(text, sizeof(text), "12 (mkdir)" STAT_MID "1201" STAT_TAIL);
	ck_assert_int_eq(scl_container_parse_stat(text, strlen(text), 12, NULL, &flags), 0);
	ck_assert_uint_eq(flags & SCL_PF_EXITING, 0);

	ck_assert_int_eq(scl_container_cache_new(tmp_fd, 0, 0, &c), 0);
	fake_proc(10, 100, "/docker/" D1);
	/* forked in D1, read only once exiting: the fork's answer */
	ck_assert_int_eq(scl_container_cache_fork(c, 10, 12), 0);
	exiting_proc(12, 1201);
	ck_assert_int_eq(scl_container_cache_lookup(c, 12, &info), 1);
	ck_assert_str_eq(info.id, D1);
	ck_assert_int_eq(scl_container_read_proc(tmp_fd, 12, 0, &info, NULL), -ENOENT);
	/* exiting and never seen: unknown, not the host */
	exiting_proc(13, 1301);
	ck_assert_int_eq(scl_container_cache_lookup(c, 13, &info), -ENOENT);
	kill_proc(12);
	kill_proc(13);
	scl_container_cache_free(c);
}
END_TEST

START_TEST(test_cache_evict)
{
	scl_container_cache *c;
	scl_container info;

	ck_assert_int_eq(scl_container_cache_new(tmp_fd, 0, SCL_MAX_CONTAINER_CACHE + 1, &c), -EINVAL);
	ck_assert_int_eq(scl_container_cache_new(-1, 0, 0, &c), -EINVAL);
	ck_assert_int_eq(scl_container_cache_new(tmp_fd, 0, 3, &c), 0);
	fake_proc(1, 1, "/docker/" D1);
	fake_proc(2, 2, "/docker/" D2);
	fake_proc(3, 3, "/docker/" D1);
	fake_proc(4, 4, "/docker/" D2);
	for (uint32_t p = 1; p <= 3; p++)
		ck_assert_int_eq(scl_container_cache_lookup(c, p, &info), 1);
	/* pid 1 was used most recently, 2 has exited: 2 goes first */
	ck_assert_int_eq(scl_container_cache_lookup(c, 1, &info), 1);
	ck_assert_int_eq(scl_container_cache_exit(c, 2), 0);
	kill_proc(2);
	ck_assert_int_eq(scl_container_cache_lookup(c, 4, &info), 1);
	ck_assert_uint_eq(scl_container_cache_size(c), 3);
	ck_assert_int_eq(scl_container_cache_lookup(c, 2, &info), -ENOENT);
	/* then the least recently used live entry: 3 */
	kill_proc(1);
	kill_proc(3);
	kill_proc(4);
	fake_proc(5, 5, "/docker/" D1);
	ck_assert_int_eq(scl_container_cache_lookup(c, 5, &info), 1);
	ck_assert_int_eq(scl_container_cache_lookup(c, 3, &info), -ENOENT);
	ck_assert_int_eq(scl_container_cache_lookup(c, 1, &info), 1);
	ck_assert_int_eq(scl_container_cache_lookup(c, 4, &info), 1);
	scl_container_cache_free(c);
}
END_TEST

/* Many pids through a small cache: the structure stays consistent. */
START_TEST(test_cache_churn)
{
	scl_container_cache *c;
	scl_container info;
	unsigned seen = 0;

	ck_assert_int_eq(scl_container_cache_new(tmp_fd, 0, 64, &c), 0);
	for (uint32_t p = 1; p <= 200; p++)
		fake_proc(p, p, p % 2 ? "/docker/" D1 : "/");
	for (unsigned round = 0; round < 5; round++)
		for (uint32_t p = 1; p <= 200; p++) {
			int r = scl_container_cache_lookup(c, p, &info);
			ck_assert_int_eq(r, (int)(p % 2));
			if (p % 7 == 0)
				scl_container_cache_exit(c, p);
			if (p % 11 == 0)
				ck_assert_int_eq(scl_container_cache_fork(c, p, 1000 + p), 0);
		}
	ck_assert_uint_eq(scl_container_cache_size(c), 64);
	for (uint32_t p = 1; p <= 200; p++)
		kill_proc(p);
	for (uint32_t p = 1; p <= 1200; p++)
		if (scl_container_cache_lookup(c, p, &info) >= 0)
			seen++;
	ck_assert_uint_eq(seen, 64);
	scl_container_cache_free(c);
}
END_TEST

/*
 * Scale: 1,000 containers of every runtime and driver, v2 and v1-hybrid
 * /proc/PID/cgroup files, plus host processes, through one cache.  Every id
 * comes back right, a second pass is served from the cache, and the heap the
 * cache holds grows by a bounded amount per process.
 */
enum { SCALE_N = 1000, SCALE_HOST = 24, SCALE_PID0 = 5000 };

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 64 lower-case hex digits from i (distinct for distinct i: the first 16 are i's hash). */
static void scale_id(unsigned i, char out[65])
{
	uint64_t s = i;

	for (int k = 0; k < 4; k++)
		snprintf(out + 16 * k, 17, "%016llx", (unsigned long long)splitmix(&s));
}

/* A pod UID 8-4-4-4-12, with '-' or (systemd slice names) '_'. */
static void scale_uid(unsigned i, char sep, char out[37])
{
	uint64_t s = 0x5eed0000u + i, a = splitmix(&s), b = splitmix(&s);

	snprintf(out, 37, "%08llx%c%04llx%c4%03llx%c8%03llx%c%012llx", (unsigned long long)(a >> 32), sep,
		 (unsigned long long)(a >> 16 & 0xffff), sep, (unsigned long long)(a & 0xfff), sep,
		 (unsigned long long)(b >> 48 & 0xfff), sep, (unsigned long long)(b & 0xffffffffffffULL));
}

struct scale_want {
	scl_container_runtime rt;
	scl_k8s_qos qos;
	char id[65], uid[37];
};

/* The /proc/PID/cgroup text of container i (runtime and driver by i % 8) and what it must parse to. */
static void scale_cgroup(unsigned i, char *buf, size_t n, struct scale_want *w)
{
	char id[65], uid[37], uid_[37];
	static const char *v1_rest = "11:devices:/\n10:freezer:/\n4:cpu,cpuacct:/\n";

	scale_id(i, id);
	scale_uid(i / 3, '-', uid); /* three containers a pod */
	scale_uid(i / 3, '_', uid_);
	memcpy(w->id, id, sizeof(id));
	w->uid[0] = '\0';
	w->qos = SCL_QOS_NONE;
	switch (i % 8) {
	case 0: /* docker, cgroupfs, v2 */
		w->rt = DOCKER;
		snprintf(buf, n, "0::/docker/%s\n", id);
		break;
	case 1: /* docker, systemd, v1 hybrid: the container in the v1 hierarchies, "0::/" */
		w->rt = DOCKER;
		snprintf(buf, n, "12:pids:/system.slice/docker-%s.scope\n%s1:name=systemd:/system.slice/docker-%s.scope\n0::/\n",
			 id, v1_rest, id);
		break;
	case 2: /* containerd, cgroupfs, burstable, v1 hybrid */
		w->rt = CTRD;
		w->qos = BU;
		memcpy(w->uid, uid, sizeof(uid));
		snprintf(buf, n, "12:pids:/kubepods/burstable/pod%s/%s\n%s0::/\n", uid, id, v1_rest);
		break;
	case 3: /* containerd, systemd, besteffort, v2 */
		w->rt = CTRD;
		w->qos = BE;
		memcpy(w->uid, uid, sizeof(uid));
		snprintf(buf, n,
			 "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod%s.slice/cri-containerd-%s.scope\n",
			 uid_, id);
		break;
	case 4: /* CRI-O, systemd, guaranteed, v2 */
		w->rt = CRIO;
		w->qos = G;
		memcpy(w->uid, uid, sizeof(uid));
		snprintf(buf, n, "0::/kubepods.slice/kubepods-pod%s.slice/crio-%s.scope\n", uid_, id);
		break;
	case 5: /* CRI-O, cgroupfs, burstable, v1 hybrid */
		w->rt = CRIO;
		w->qos = BU;
		memcpy(w->uid, uid, sizeof(uid));
		snprintf(buf, n, "%s3:memory:/kubepods/burstable/pod%s/crio-%s\n0::/\n", v1_rest, uid, id);
		break;
	case 6: /* podman, systemd, v2 */
		w->rt = PODMAN;
		snprintf(buf, n, "0::/machine.slice/libpod-%s.scope/container\n", id);
		break;
	default: /* podman, cgroupfs, v1 hybrid */
		w->rt = PODMAN;
		snprintf(buf, n, "%s5:pids:/libpod_parent/libpod-%s\n0::/\n", v1_rest, id);
		break;
	}
}

static void scale_proc(uint32_t pid, uint64_t start, const char *cgroup_text)
{
	char rel[64], text[512], dir[256];

	snprintf(dir, sizeof(dir), "%s/%u", tmp_proc, pid);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(text, sizeof(text), "%u (job %u)" STAT_MID "%llu" STAT_TAIL, pid, pid, (unsigned long long)start);
	snprintf(rel, sizeof(rel), "%u/stat", pid);
	write_at(rel, text);
	snprintf(rel, sizeof(rel), "%u/cgroup", pid);
	write_at(rel, cgroup_text);
}

static void scale_check(scl_container_cache *c, const struct scale_want *want)
{
	scl_container info;

	for (unsigned i = 0; i < SCALE_N; i++) {
		const struct scale_want *w = &want[i];

		memset(&info, 0x55, sizeof(info));
		ck_assert_int_eq(scl_container_cache_lookup(c, SCALE_PID0 + i, &info), 1);
		ck_assert_msg(info.runtime == w->rt && !strcmp(info.id, w->id) && !strcmp(info.pod_uid, w->uid) &&
				      info.qos == w->qos && !info.conmon && !info.nested,
			      "container %u: runtime %d id %s uid %s qos %d, want %d %s %s %d", i, info.runtime, info.id,
			      info.pod_uid, info.qos, w->rt, w->id, w->uid, w->qos);
	}
	for (unsigned h = 0; h < SCALE_HOST; h++) {
		ck_assert_int_eq(scl_container_cache_lookup(c, SCALE_PID0 + SCALE_N + h, &info), 0);
		ck_assert_int_eq(info.runtime, NONE);
		ck_assert_str_eq(info.id, "");
	}
}

/* Bytes malloc has handed out and not had back (0 where it cannot say, as under ASan). */
static size_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#else
	return 0;
#endif
}

START_TEST(test_cache_scale)
{
	static struct scale_want want[SCALE_N];
	scl_container_cache *c;
	char text[1024];
	size_t h0, h1, h2, h3;

	for (unsigned i = 0; i < SCALE_N; i++) {
		scale_cgroup(i, text, sizeof(text), &want[i]);
		scale_proc(SCALE_PID0 + i, 100000 + i, text);
	}
	for (unsigned h = 0; h < SCALE_HOST; h++) {
		snprintf(text, sizeof(text), h % 2 ? "0::/system.slice/svc%u.service\n" : "1:name=systemd:/user.slice/user-%u.slice/session-1.scope\n0::/\n", h);
		scale_proc(SCALE_PID0 + SCALE_N + h, 200000 + h, text);
	}
	/* the ids are distinct: 1,000 containers, not fewer */
	for (unsigned i = 1; i < SCALE_N; i++)
		ck_assert_str_ne(want[i].id, want[i - 1].id);

	h0 = heap_in_use();
	ck_assert_int_eq(scl_container_cache_new(tmp_fd, 0, 0, &c), 0);
	h1 = heap_in_use();
	scale_check(c, want);
	ck_assert_uint_eq(scl_container_cache_size(c), SCALE_N + SCALE_HOST);
	h2 = heap_in_use();
	/* live and unchanged: from the cache, nothing added */
	scale_check(c, want);
	ck_assert_uint_eq(scl_container_cache_size(c), SCALE_N + SCALE_HOST);
	ck_assert_uint_eq(heap_in_use(), h2);
	/* all gone: the last answer for each, still nothing added */
	for (unsigned i = 0; i < SCALE_N + SCALE_HOST; i++)
		kill_proc(SCALE_PID0 + i);
	scale_check(c, want);
	ck_assert_uint_eq(scl_container_cache_size(c), SCALE_N + SCALE_HOST);
	h3 = heap_in_use();
	ck_assert_uint_eq(h3, h2);
	if (h2) {
		size_t per = (h2 - h1) / (SCALE_N + SCALE_HOST);

		/* an entry is a pid, a start time and one scl_container; the table grows by doubling */
		ck_assert_uint_le(per, 2 * 256);
		if (getenv("SCL_UNIT_VERBOSE"))
			fprintf(stderr, "container cache: %zu bytes fixed (hash buckets for %d pids), %zu bytes a process "
					"for %d processes in %d containers\n",
				h1 - h0, SCL_MAX_CONTAINER_CACHE, per, SCALE_N + SCALE_HOST, SCALE_N);
	}
	scl_container_cache_free(c);
}
END_TEST

/* ------------------------------------------------------------ k8s names */

static const struct names_case {
	const char *uid, *id;
	int r;
	const char *ns, *pod, *container;
	bool no_containers_dir;
} names_cases[] = {
	{ POD1, D1, 0, "kube-system", "kube-proxy-x7k2p", "kube-proxy", false },
	{ NULL, D1, 0, "kube-system", "kube-proxy-x7k2p", "kube-proxy", false },  /* id alone */
	{ POD2, D3, 0, "default", "web-7d9f8c6b5-abcde", "nginx", false },
	{ POD2, D4, 0, "default", "web-7d9f8c6b5-abcde", "istio-proxy", false },
	{ POD3, D5, 0, "kube-system", "etcd-node1.example.com", "etcd", false },  /* static pod */
	/* the link points at another pod: only the pod names, from the pod uid */
	{ POD1, D3, 0, "kube-system", "kube-proxy-x7k2p", "", false },
	/* no link for this container (pause): pod names only */
	{ POD2, D2, 0, "default", "web-7d9f8c6b5-abcde", "", false },
	{ POD4, "", 0, "monitoring", "node-exporter-q8x4z", "", false },
	{ POD4, NULL, 0, "monitoring", "node-exporter-q8x4z", "", false },
	{ POD1, D1, 0, "kube-system", "kube-proxy-x7k2p", "", true },            /* no containers dir */
	/* two links with the same id disagree */
	{ POD2, D6, -ENOTUNIQ, NULL, NULL, NULL, false },
	/* hostile links (name vs target, ../ target, a regular file): nothing */
	{ NULL, D7, -ENOENT, NULL, NULL, NULL, false },
	{ NULL, D8, -ENOENT, NULL, NULL, NULL, false },
	/* hostile pod directories only */
	{ POD5, NULL, -ENOENT, NULL, NULL, NULL, false },
	{ "00000000-0000-4000-8000-000000000000", D2, -ENOENT, NULL, NULL, NULL, false },
	/* bad arguments */
	{ NULL, NULL, -EINVAL, NULL, NULL, NULL, false },
	{ "", "", -EINVAL, NULL, NULL, NULL, false },
	{ POD1_, D1, -EINVAL, NULL, NULL, NULL, false },
	{ "../../etc", D1, -EINVAL, NULL, NULL, NULL, false },
	{ POD1, "../../etc/passwd", -EINVAL, NULL, NULL, NULL, false },
	{ POD1, "a/b", -EINVAL, NULL, NULL, NULL, false },
};

START_TEST(test_names)
{
	const struct names_case *t = &names_cases[_i];
	char pods[4096], conts[4096];
	scl_k8s_names n;
	int r;

	snprintf(pods, sizeof(pods), "%s", unit_data_path("pods/log/pods"));
	snprintf(conts, sizeof(conts), "%s", unit_data_path("pods/log/containers"));
	memset(&n, 0x33, sizeof(n));
	r = scl_container_k8s_names(pods, t->no_containers_dir ? NULL : conts, t->uid, t->id, &n);
	ck_assert_msg(r == t->r, "case %d: r=%d, want %d", _i, r, t->r);
	if (r < 0) {
		ck_assert_int_eq(n.pod[0], 0x33);
		return;
	}
	ck_assert_str_eq(n.namespace_, t->ns);
	ck_assert_str_eq(n.pod, t->pod);
	ck_assert_str_eq(n.container, t->container);
}
END_TEST

START_TEST(test_names_missing_dirs)
{
	scl_k8s_names n;

	ck_assert_int_eq(scl_container_k8s_names("/nonexistent/pods", "/nonexistent/containers", POD1, D1, &n),
			 -ENOENT);
	ck_assert_int_eq(scl_container_k8s_names(NULL, NULL, POD1, D1, &n), -ENOENT);
	/* a file where a directory should be */
	ck_assert_int_eq(scl_container_k8s_names(unit_data_path("proc/1001/stat"), NULL, POD1, NULL, &n), -ENOTDIR);
}
END_TEST

/* Names no fixture in git should hold: newlines, over-long, control bytes. */
START_TEST(test_names_hostile_tmp)
{
	char pods[128], conts[128], path[1024], target[1024], longpod[260];
	scl_k8s_names n;

	snprintf(pods, sizeof(pods), "%s/pods", tmp_proc);
	snprintf(conts, sizeof(conts), "%s/containers", tmp_proc);
	ck_assert_int_eq(mkdir(pods, 0755), 0);
	ck_assert_int_eq(mkdir(conts, 0755), 0);
	/* newline and escape bytes in names */
	snprintf(path, sizeof(path), "%s/default_web\n_" POD2, pods);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/default\x1b[31m_web_" POD2, pods);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/web_default_ng\ninx-" D1 ".log", conts);
	ck_assert_int_eq(symlink("/var/log/pods/default_web_" POD2 "/ng\ninx/0.log", path), 0);
	/* a pod name over 253 characters (254: labels of 63) */
	memset(longpod, 'a', 254);
	longpod[63] = longpod[127] = longpod[191] = '.';
	longpod[254] = '\0';
	snprintf(path, sizeof(path), "%s/default_%s_" POD4, pods, longpod);
	/* 8 + 254 + 1 + 36 = 299 > NAME_MAX: the file system refuses it too */
	ck_assert_int_eq(mkdir(path, 0755), -1);
	/* a label over 63 */
	memset(longpod, 'b', 64);
	longpod[64] = '\0';
	snprintf(path, sizeof(path), "%s/%s_web_" POD4, pods, longpod);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	/* a link whose target is very long */
	memset(target, 'x', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/web_default_nginx-" D2 ".log", conts);
	ck_assert_int_eq(symlink(target, path), 0);

	ck_assert_int_eq(scl_container_k8s_names(pods, conts, POD2, D1, &n), -ENOENT);
	ck_assert_int_eq(scl_container_k8s_names(pods, conts, POD4, NULL, &n), -ENOENT);
	ck_assert_int_eq(scl_container_k8s_names(pods, conts, NULL, D2, &n), -ENOENT);

	/* and a good one next to them is found */
	snprintf(path, sizeof(path), "%s/default_web_" POD2, pods);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(scl_container_k8s_names(pods, conts, POD2, D1, &n), 0);
	ck_assert_str_eq(n.namespace_, "default");
	ck_assert_str_eq(n.pod, "web");
	ck_assert_str_eq(n.container, "");
}
END_TEST

START_TEST(test_strings)
{
	ck_assert_str_eq(scl_container_runtime_str(SCL_RUNTIME_CRIO), "cri-o");
	ck_assert_str_eq(scl_container_runtime_str(_SCL_RUNTIME_MAX), "unknown");
	ck_assert_str_eq(scl_k8s_qos_str(SCL_QOS_BESTEFFORT), "besteffort");
	ck_assert_str_eq(scl_k8s_qos_str((scl_k8s_qos)-1), "unknown");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("container");
	TCase *tc = tcase_create("parse");
	TCase *tp = tcase_create("cache");
	TCase *tk = tcase_create("k8s");

	tcase_add_loop_test(tc, test_path_ok, 0, sizeof(path_ok) / sizeof(path_ok[0]));
	tcase_add_loop_test(tc, test_path_bad, 0, sizeof(path_bad) / sizeof(path_bad[0]));
	tcase_add_test(tc, test_path_limits);
	tcase_add_loop_test(tc, test_proc_cgroup, 0, sizeof(cg_cases) / sizeof(cg_cases[0]));
	tcase_add_test(tc, test_proc_cgroup_limits);
	tcase_add_loop_test(tc, test_stat, 0, sizeof(stat_cases) / sizeof(stat_cases[0]));
	tcase_add_test(tc, test_stat_limit);
	tcase_add_loop_test(tc, test_btime, 0, sizeof(btime_cases) / sizeof(btime_cases[0]));
	tcase_add_test(tc, test_btime_real);
	tcase_add_loop_test(tc, test_may_have_made, 0, sizeof(made_cases) / sizeof(made_cases[0]));
	tcase_add_test(tc, test_strings);

	tcase_add_loop_test(tc, test_proc_fixture, 0, sizeof(proc_cases) / sizeof(proc_cases[0]));
	tcase_add_test(tc, test_proc_self);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tp, tmp_setup, tmp_teardown);
	tcase_add_test(tp, test_cache_basic);
	tcase_add_test(tp, test_cache_fork);
	tcase_add_test(tp, test_cache_exiting);
	tcase_add_test(tp, test_cache_evict);
	tcase_add_test(tp, test_cache_churn);
	tcase_add_test(tp, test_cache_scale);
	suite_add_tcase(s, tp);

	tcase_add_checked_fixture(tk, tmp_setup, tmp_teardown);
	tcase_add_loop_test(tk, test_names, 0, sizeof(names_cases) / sizeof(names_cases[0]));
	tcase_add_test(tk, test_names_missing_dirs);
	tcase_add_test(tk, test_names_hostile_tmp);
	suite_add_tcase(s, tk);
	return unit_run_suite(s);
}
