/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_COVERAGE_H
#define SCMPLOG_COVERAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "scmplog/profile.h"

/*
 * Is learning done?  An estimate, from the runs a profile was learned from,
 * of what the next run may need that no run has shown yet.
 *
 * The data are incidence data: T runs (scl_profile_run_count()) and, per
 * syscall, how many of them saw it (scl_profile_syscall.runs), not how
 * often: a syscall a program makes a million times in every run tells no
 * more than one it makes once in every run.  Q1 and Q2 are the syscalls
 * seen in exactly one and exactly two runs, U the sum of the incidences.
 *
 *   Chao2 (Chao 1987; bias-corrected form when Q2 = 0, Chao 2005):
 *     undetected = (T-1)/T * Q1^2 / (2 Q2)          Q2 > 0
 *                = (T-1)/T * Q1 (Q1-1) / 2          Q2 = 0
 *   Sample coverage for incidence data (Chao & Jost 2012; Chao et al. 2014):
 *     C = 1 - Q1/U * (T-1) Q1 / ((T-1) Q1 + 2 Q2)           Q2 > 0
 *       = 1 - Q1/U * (T-1)(Q1-1) / ((T-1)(Q1-1) + 2)       Q2 = 0
 *     1 - C is the share of the next run's syscall incidences that are new.
 *   Expected syscalls the next run needs and the profile lacks (the point
 *   estimate):
 *     new_next = (1 - C) * U / T
 *   which equals Chao et al. 2014's expected new species in one more
 *   sampling unit: Good-Turing's Q1/T shrunk by the Chao factor.
 *   The chance that the next run needs at least one (the gate's number):
 *     miss = min(1, Q1/T)
 *   Leave one run out: the syscalls only it saw were new to the other T-1
 *   runs, so Q1/T (Good-Turing for incidence data) estimates without bias
 *   the new syscalls a run brings after T-1 runs, no fewer than after T;
 *   and P(N >= 1) <= E[N].  An upper bound, assuming only exchangeable
 *   runs; with one rare syscall (Q1 = 1, Q2 = 0) the bias-corrected Chao
 *   forms say 0 where Q1/T does not (tests/bench/calibrate-coverage.sh,
 *   the demo service: README).
 *
 * The estimate assumes comparable runs (the same workload, tests or pods of
 * one deployment) drawn independently; a path no run came near (a
 * yearly job, an error branch) is invisible to it.  Below
 * SCL_COVERAGE_MIN_RUNS runs, or when the run count is not known (a
 * statistics file written before runs were counted), or when a syscall
 * claims more runs than were counted, there is no estimate (status says why).
 */

/* Fewest runs for an estimate: with fewer, Q1 and Q2 change with every run. */
#define SCL_COVERAGE_MIN_RUNS 5

typedef enum scl_coverage_status {
	SCL_COVERAGE_OK = 0,
	SCL_COVERAGE_RUNS_UNKNOWN,   /* scl_profile_runs_known() false */
	SCL_COVERAGE_TOO_FEW_RUNS,   /* runs < SCL_COVERAGE_MIN_RUNS */
	SCL_COVERAGE_INCONSISTENT,   /* a syscall's runs above the run count */
} scl_coverage_status;

typedef struct scl_coverage {
	uint64_t runs;            /* T */
	uint64_t observed;        /* syscalls seen in at least one run (S_obs) */
	uint64_t not_observed;    /* allowed, seen in no run (a baseline, portable siblings) */
	uint64_t incidences;      /* U */
	uint64_t q1, q2;
	uint64_t max_incidence;   /* the most runs any syscall was seen in: T is at least this */

	/* the runs with something known (scl_profile_run) */
	uint64_t runs_loss_known; /* runs whose loss is known */
	uint64_t runs_lossy;      /* of those, runs that lost records */
	uint64_t lost;            /* records lost, summed (saturating) */
	bool has_window;
	uint64_t first_ms, last_ms; /* the union of the known windows */
	uint64_t runs_window_known;

	scl_coverage_status status;
	/* with SCL_COVERAGE_OK only: */
	bool bias_corrected;      /* Q2 = 0: the bias-corrected forms */
	double undetected;        /* Chao2's estimate of the syscalls no run showed */
	double chao2;             /* observed + undetected */
	double sample_coverage;   /* C */
	double new_next;          /* expected syscalls the next run needs and lacks, (1 - C) U / T */
	double miss;              /* min(1, Q1 / T): bounds the chance that it needs one */
} scl_coverage;

/*
 * The estimate from incidence numbers alone (T, U, Q1, Q2, S_obs): fills
 * status (OK or TOO_FEW_RUNS; INCONSISTENT if U < Q1 + 2 Q2 or U > T S_obs)
 * and the estimate fields of *c; the other fields are left as they are.
 */
void scl_coverage_estimate(uint64_t runs, uint64_t incidences, uint64_t q1, uint64_t q2, uint64_t observed,
			   scl_coverage *c);

/*
 * Everything above for a profile with its statistics (scl_profile_parse_stats(),
 * or a profile given them with scl_profile_set_stats_from()).  -ENOMEM.
 */
int scl_coverage_compute(const scl_profile *p, scl_coverage *ret);

#endif
