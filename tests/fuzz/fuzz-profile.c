/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness: the OCI profile reader, and every writer on what it
 * read; the statistics reader, its writer (what it wrote reads back and is
 * written the same) and the coverage estimate.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/coverage.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"

static char *stats_text(const scl_profile *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	if (scl_profile_write_stats(p, f) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static void fuzz_stats(const uint8_t *data, size_t size)
{
	scl_profile *p = NULL, *q = NULL;
	scl_coverage c;
	char *a, *b;
	size_t na = 0, nb = 0;

	if (scl_profile_parse_stats((const char *)data, size, &p, NULL, 0) < 0)
		return;
	(void)scl_coverage_compute(p, &c);
	a = stats_text(p, &na);
	if (a && scl_profile_parse_stats(a, na, &q, NULL, 0) < 0)
		abort(); /* what we write must read back */
	b = q ? stats_text(q, &nb) : NULL;
	if (a && b && (na != nb || memcmp(a, b, na)))
		abort(); /* and be written the same */
	free(a);
	free(b);
	scl_profile_free(q);
	scl_profile_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scl_profile *p = NULL;
	char **warnings = NULL;
	char err[256];
	FILE *f;

	fuzz_stats(data, size);
	if (scl_profile_read_oci((const char *)data, size, &p, &warnings, err, sizeof(err)) < 0)
		return 0;
	f = fopen("/dev/null", "w");
	if (f) {
		scl_k8s_options o = { 0 };
		o.name = "fuzz";
		scl_profile_write_oci(p, f);
		scl_profile_write_k8s(p, &o, f);
		o.coverage_annotation = true;
		scl_profile_write_k8s(p, &o, f);
		scl_profile_write_systemd(p, f);
		scl_profile_write_stats(p, f);
		fclose(f);
	}
	scl_strv_free(warnings);
	scl_profile_free(p);
	return 0;
}
