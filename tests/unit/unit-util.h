/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_UNIT_UTIL_H
#define SCL_UNIT_UTIL_H

#include <stddef.h>
#include <check.h>

/* Path of a fixture under tests/data (SCL_TEST_DATA overrides the directory). */
const char *unit_data_path(const char *rel);
/* Read a whole fixture; aborts the test on error.  Caller frees. */
char *unit_read_file(const char *rel, size_t *ret_len);
/* Run one suite, print Check's summary line, return an exit code. */
int unit_run_suite(Suite *s);

#endif
