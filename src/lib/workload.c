/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "lib/container-internal.h"
#include "scmplog/limits.h"
#include "scmplog/workload.h"

/* apimachinery pkg/util/rand: alphanums, what rand.String and SafeEncodeString use */
static bool rand_char(char c)
{
	return c && strchr("bcdfghjklmnpqrstvwxz2456789", c);
}

static bool all_rand(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!rand_char(p[i]))
			return false;
	return n > 0;
}

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return n > 0;
}

/* The last '-'-separated part of p[0..n): its start; 0 when there is no '-' (or only a leading one). */
static size_t last_part(const char *p, size_t n)
{
	for (size_t i = n; i > 1; i--)
		if (p[i - 1] == '-')
			return i;
	return 0;
}

const char *scl_workload_kind_str(scl_workload_kind k)
{
	static const char *const names[_SCL_WORKLOAD_MAX] = {
		[SCL_WORKLOAD_POD] = "pod",
		[SCL_WORKLOAD_GENERATED] = "generated",
		[SCL_WORKLOAD_DEPLOYMENT] = "deployment",
		[SCL_WORKLOAD_CRONJOB] = "cronjob",
		[SCL_WORKLOAD_STATEFULSET] = "statefulset",
	};
	return (unsigned)k < _SCL_WORKLOAD_MAX ? names[k] : NULL;
}

size_t scl_k8s_pod_workload(const char *pod, size_t n, scl_workload_kind *kind)
{
	scl_workload_kind k = SCL_WORKLOAD_POD;
	size_t s = last_part(pod, n), len = n;

	if (s && n - s == 5 && all_rand(pod + s, 5)) {
		/* NAME-XXXXX; then NAME-HASH or NAME-MINUTES before it */
		size_t base = s - 1, h = last_part(pod, base);

		k = SCL_WORKLOAD_GENERATED;
		len = base;
		if (h && base - h >= 6 && base - h <= 10 && all_rand(pod + h, base - h)) {
			k = SCL_WORKLOAD_DEPLOYMENT;
			len = h - 1;
		} else if (h && base - h >= 8 && all_digits(pod + h, base - h)) {
			k = SCL_WORKLOAD_CRONJOB;
			len = h - 1;
		}
	} else if (s && all_digits(pod + s, n - s)) {
		k = SCL_WORKLOAD_STATEFULSET;
		len = s - 1;
	}
	if (kind)
		*kind = k;
	return len;
}

int scl_k8s_name_split(const char *name, size_t n, scl_k8s_parts *ret)
{
	const char *a = memchr(name, '_', n), *b;

	if (!a)
		return -EINVAL;
	b = memchr(a + 1, '_', n - (size_t)(a + 1 - name));
	if (!b)
		return -EINVAL;
	ret->ns = name;
	ret->ns_n = (size_t)(a - name);
	ret->pod = a + 1;
	ret->pod_n = (size_t)(b - a - 1);
	ret->container = b + 1;
	ret->container_n = n - (size_t)(b + 1 - name);
	if (!scl_dns_label(ret->ns, ret->ns_n, SCL_MAX_K8S_LABEL) || !scl_dns_subdomain(ret->pod, ret->pod_n) ||
	    !scl_dns_label(ret->container, ret->container_n, SCL_MAX_K8S_LABEL))
		return -EINVAL;
	return 0;
}
