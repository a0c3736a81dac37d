/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "scmplog/coverage.h"

void scl_coverage_estimate(uint64_t runs, uint64_t incidences, uint64_t q1, uint64_t q2, uint64_t observed,
			   scl_coverage *c)
{
	double t = (double)runs, u = (double)incidences, f1 = (double)q1, f2 = (double)q2, k;

	c->bias_corrected = false;
	c->undetected = c->chao2 = c->new_next = c->miss = 0;
	c->sample_coverage = 0;
	if (runs < SCL_COVERAGE_MIN_RUNS) {
		c->status = SCL_COVERAGE_TOO_FEW_RUNS;
		return;
	}
	/* each of Q1 holds one incidence, each of Q2 two; no syscall more than T */
	if (q1 + q2 > observed || incidences < q1 + 2 * q2 || (observed && incidences / observed > runs) ||
	    (observed && incidences / observed == runs && incidences % observed)) {
		c->status = SCL_COVERAGE_INCONSISTENT;
		return;
	}
	c->status = SCL_COVERAGE_OK;
	c->sample_coverage = 1;
	c->chao2 = (double)observed;
	/*
	 * Leave one run out: the syscalls only it saw were new to the other
	 * T-1, so Q1/T is an unbiased estimate of the new syscalls a run needs
	 * after T-1 runs, which is no fewer than after T; and P(N >= 1) <= E[N].
	 */
	c->miss = f1 / t < 1 ? f1 / t : 1;
	if (q1 == 0)
		return; /* every syscall seen twice or more: nothing points at an unseen one */
	if (q2 > 0) {
		c->undetected = (t - 1) / t * f1 * f1 / (2 * f2);
		k = (t - 1) * f1 / ((t - 1) * f1 + 2 * f2);
	} else {
		c->bias_corrected = true;
		c->undetected = (t - 1) / t * f1 * (f1 - 1) / 2;
		k = (t - 1) * (f1 - 1) / ((t - 1) * (f1 - 1) + 2);
	}
	c->chao2 = (double)observed + c->undetected;
	c->sample_coverage = 1 - f1 / u * k;
	c->new_next = f1 / t * k; /* (1 - C) U / T */
}

int scl_coverage_compute(const scl_profile *p, scl_coverage *ret)
{
	_cleanup_free_ scl_profile_syscall *v = NULL;
	scl_coverage c = { 0 };
	size_t n;
	int r;

	r = scl_profile_syscalls(p, &v, &n);
	if (r < 0)
		return r;
	c.runs = scl_profile_run_count(p);
	for (size_t i = 0; i < n; i++) {
		if (v[i].runs == 0) {
			c.not_observed++;
			continue;
		}
		c.observed++;
		c.incidences = scl_sat_add(c.incidences, v[i].runs);
		c.q1 += v[i].runs == 1;
		c.q2 += v[i].runs == 2;
		if (v[i].runs > c.max_incidence)
			c.max_incidence = v[i].runs;
	}
	for (size_t i = 0; i < scl_profile_run_info_count(p); i++) {
		const scl_profile_run *run = scl_profile_run_info_at(p, i);

		if (run->has_lost) {
			c.runs_loss_known++;
			c.runs_lossy += run->lost > 0;
			c.lost = scl_sat_add(c.lost, run->lost);
		}
		if (run->has_window) {
			c.runs_window_known++;
			if (!c.has_window || run->first_ms < c.first_ms)
				c.first_ms = run->first_ms;
			if (!c.has_window || run->last_ms > c.last_ms)
				c.last_ms = run->last_ms;
			c.has_window = true;
		}
	}
	if (!scl_profile_runs_known(p))
		c.status = SCL_COVERAGE_RUNS_UNKNOWN;
	else if (c.max_incidence > c.runs)
		c.status = SCL_COVERAGE_INCONSISTENT;
	else
		scl_coverage_estimate(c.runs, c.incidences, c.q1, c.q2, c.observed, &c);
	*ret = c;
	return 0;
}
