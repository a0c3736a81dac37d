/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/workload.h"
#include "unit-util.h"

static const struct pod_case {
	const char *pod;
	const char *workload;
	scl_workload_kind kind;
} pod_cases[] = {
	/* Deployment: NAME-HASH-XXXXX (hash 10 and 9 characters, as kube-controller-manager makes them) */
	{ "web-7d9f8c5b46-x2kq4", "web", SCL_WORKLOAD_DEPLOYMENT },
	{ "coredns-5d78c9869d-8bmtv", "coredns", SCL_WORKLOAD_DEPLOYMENT },
	{ "shop-api-v2-6c8b5d4f9-zt7wq", "shop-api-v2", SCL_WORKLOAD_DEPLOYMENT },
	{ "a-b2c4d6-xxxxx", "a", SCL_WORKLOAD_DEPLOYMENT },
	/* a 5-character hash is not taken for one (1 in 40,000): NAME-XXXXX, the hash kept */
	{ "web-7d9f8-x2kq4", "web-7d9f8", SCL_WORKLOAD_GENERATED },
	/* 11 characters: more than a uint32 has digits */
	{ "web-7d9f8c5b46b-x2kq4", "web-7d9f8c5b46b", SCL_WORKLOAD_GENERATED },
	/* DaemonSet, ReplicaSet, Job: NAME-XXXXX */
	{ "kube-proxy-9wq5z", "kube-proxy", SCL_WORKLOAD_GENERATED },
	{ "node-exporter-5tz8q", "node-exporter", SCL_WORKLOAD_GENERATED },
	{ "fluent-bit-x7k2p", "fluent-bit", SCL_WORKLOAD_GENERATED },
	/* CronJob: NAME-MINUTES-XXXXX */
	{ "backup-29410560-qp2xz", "backup", SCL_WORKLOAD_CRONJOB },
	/* StatefulSet: NAME-ORDINAL */
	{ "db-0", "db", SCL_WORKLOAD_STATEFULSET },
	{ "redis-cluster-12", "redis-cluster", SCL_WORKLOAD_STATEFULSET },
	/* words are not random: vowels, 0, 1, 3 */
	{ "frontend-admin", "frontend-admin", SCL_WORKLOAD_POD },
	{ "web-abcde", "web-abcde", SCL_WORKLOAD_POD },
	{ "web-x2kq1", "web-x2kq1", SCL_WORKLOAD_POD },
	{ "web-x2kq", "web-x2kq", SCL_WORKLOAD_POD },
	{ "nginx", "nginx", SCL_WORKLOAD_POD },
	/* a static pod keeps its node's name */
	{ "etcd-node-a", "etcd-node-a", SCL_WORKLOAD_POD },
	/* nothing left before the generated part: the name stays */
	{ "x2kq4", "x2kq4", SCL_WORKLOAD_POD },
	{ "-x2kq4", "-x2kq4", SCL_WORKLOAD_POD },
	{ "7", "7", SCL_WORKLOAD_POD },
	/* one part at a time: a StatefulSet pod's ordinal before a random suffix is not stripped twice */
	{ "db-0-x2kq4", "db-0", SCL_WORKLOAD_GENERATED },
};

START_TEST(test_pod)
{
	const struct pod_case *c = &pod_cases[_i];
	scl_workload_kind k = _SCL_WORKLOAD_MAX;
	size_t n = scl_k8s_pod_workload(c->pod, strlen(c->pod), &k);

	ck_assert_msg(n == strlen(c->workload) && !memcmp(c->pod, c->workload, n), "%s: workload '%.*s', want '%s'",
		      c->pod, (int)n, c->pod, c->workload);
	ck_assert_msg(k == c->kind, "%s: kind %s, want %s", c->pod, scl_workload_kind_str(k),
		      scl_workload_kind_str(c->kind));
	ck_assert_uint_eq(scl_k8s_pod_workload(c->pod, strlen(c->pod), NULL), n);
}
END_TEST

/* Only n bytes are read: a name cut short is the name it is cut to. */
START_TEST(test_pod_bounds)
{
	const char full[] = "web-7d9f8c5b46-x2kq4";
	char *heap;
	size_t n;

	n = scl_k8s_pod_workload(full, 14, NULL); /* "web-7d9f8c5b46": no suffix, not a number */
	ck_assert_uint_eq(n, 14);
	heap = malloc(5);
	memcpy(heap, "db-12", 5); /* no terminating NUL: ASan sees a read past n */
	ck_assert_uint_eq(scl_k8s_pod_workload(heap, 5, NULL), 2);
	free(heap);
	ck_assert_ptr_null(scl_workload_kind_str(_SCL_WORKLOAD_MAX));
	ck_assert_str_eq(scl_workload_kind_str(SCL_WORKLOAD_STATEFULSET), "statefulset");
}
END_TEST

START_TEST(test_split)
{
	scl_k8s_parts k;
	const char *ok = "shop_web-7d9f8c5b46-x2kq4_nginx";

	ck_assert_int_eq(scl_k8s_name_split(ok, strlen(ok), &k), 0);
	ck_assert_uint_eq(k.ns_n, 4);
	ck_assert(!memcmp(k.ns, "shop", 4));
	ck_assert_uint_eq(k.pod_n, strlen("web-7d9f8c5b46-x2kq4"));
	ck_assert(!memcmp(k.pod, "web-7d9f8c5b46-x2kq4", k.pod_n));
	ck_assert_uint_eq(k.container_n, 5);
	ck_assert(!memcmp(k.container, "nginx", 5));
	/* a pod name is a subdomain: dots */
	ck_assert_int_eq(scl_k8s_name_split("kube-system_etcd-node.a_etcd", 28, &k), 0);

	static const char *const bad[] = {
		"shop_web",              /* two parts */
		"shop_web_nginx_x",      /* four */
		"_web_nginx", "shop__nginx", "shop_web_",
		"Shop_web_nginx",        /* upper case */
		"shop_web_-nginx", "shop_web-_nginx", "shop_web_ng.inx", "sh.op_web_nginx",
		"shop_web_ngi/nx", "../x_web_nginx", "shop_web_nginx\n",
		"shop_web..a_nginx", "shop_.web_nginx", "shop_web._nginx",
		"shop_web_0123456789012345678901234567890123456789012345678901234567890123", /* 64 */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(scl_k8s_name_split(bad[i], strlen(bad[i]), &k) == -EINVAL, "accepted '%s'", bad[i]);
	/* NUL inside n */
	ck_assert_int_eq(scl_k8s_name_split("shop_web\0_nginx", 15, &k), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("workload");
	TCase *tc = tcase_create("workload");

	tcase_add_loop_test(tc, test_pod, 0, (int)(sizeof(pod_cases) / sizeof(pod_cases[0])));
	tcase_add_test(tc, test_pod_bounds);
	tcase_add_test(tc, test_split);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
