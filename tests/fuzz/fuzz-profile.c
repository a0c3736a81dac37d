/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: the OCI profile reader, and every writer on what it read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "scmplog/profile-io.h"
#include "scmplog/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scl_profile *p = NULL;
	char **warnings = NULL;
	char err[256];
	FILE *f;

	if (scl_profile_read_oci((const char *)data, size, &p, &warnings, err, sizeof(err)) < 0)
		return 0;
	f = fopen("/dev/null", "w");
	if (f) {
		scl_k8s_options o = { 0 };
		o.name = "fuzz";
		scl_profile_write_oci(p, f);
		scl_profile_write_k8s(p, &o, f);
		scl_profile_write_systemd(p, f);
		scl_profile_write_stats(p, f);
		fclose(f);
	}
	scl_strv_free(warnings);
	scl_profile_free(p);
	return 0;
}
