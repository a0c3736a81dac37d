/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli-input.h"
#include "cli/cli-learn.h"
#include "cli/cli-options.h"
#include "cli/cli-outdir.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "scmplog/arch.h"
#include "scmplog/learn.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/output.h"
#include "scmplog/profile.h"
#include "scmplog/profile-io.h"
#include "lib/util.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog build [OPTIONS] [FILE...]\n\n"
	       "Build a seccomp allowlist profile from SECCOMP audit records (type 1326) in\n"
	       "FILEs (stdin when none or '-'): dmesg, dmesg -r, /dev/kmsg, audit.log (RAW,\n"
	       "ENRICHED, node=), syslog (RFC 3339 or traditional), journalctl -o short*/export/json,\n"
	       "gzip-compressed or plain, detected line by line.\n\n");
	cli_options_help(stdout, options);
	printf("\nOne seccomp filter holds architectures of one byte order: records of both (a\n"
	       "central log of x86_64 and s390x machines) give the profile of this machine's\n"
	       "byte order, or --arch's; the others are left out and counted (--split-by arch\n"
	       "writes one profile per machine architecture).\n\n"
	       "Exit status: 0 success; 1 error, no records, or (--strict) anything skipped; 2 usage.\n");
}


static const char *group_what(enum cli_group_by g)
{
	switch (g) {
	case GROUP_EXE:
		return "exe";
	case GROUP_COMM:
		return "comm";
	case GROUP_HOST:
		return "host";
	case GROUP_ARCH:
		return "arch";
	default:
		return "group";
	}
}

/*
 * --split-by: the file of a group with a profile, named by collect's rules
 * (scl_outdir): the sanitised group, or, when another group has that name
 * (the sanitiser's hash collided, or the names differ only in case), an
 * alternative, said once.  Groups are named in the order they were first
 * seen, as collect names its keys.  Returns the file's index, -ENOMEM or
 * -EEXIST (logged).
 */
static long group_file(const struct cli_input *in, scl_outdir *od, const char *g, size_t gn, scl_format fmt)
{
	const char *what = group_what(in->group_by);
	scl_outdir_name nm;
	int r = scl_outdir_file(od, g, gn, &nm);

	if (r == -EEXIST)
		cli_outdir_say_full(what, g, gn, "its profile is not written");
	if (r < 0)
		return r;
	cli_outdir_say(od, what, g, gn, &nm, scl_format_ext(fmt));
	return (long)nm.index;
}

static int cmp_arch_name(const void *a, const void *b)
{
	return strcmp(scl_arch_by_token(*(const uint32_t *)a)->name, scl_arch_by_token(*(const uint32_t *)b)->name);
}

/*
 * --arch replaces the architectures seen; a name learned on x86_64 (say
 * arch_prctl) stays in a profile listed for aarch64, where runtimes ignore a
 * name the arch lacks.  That is kept, but an --arch that no record (and no
 * --merge profile) came from is most likely a mistake: say so, naming the
 * architectures that were seen.  An --arch counts as seen when it, or one
 * of its sub-architectures, was (compat records keep their 32-bit arch, x32
 * numbers count as x32).
 */
static int warn_unseen_arches(const uint32_t *arches, size_t n_arches, const scl_learn_entry *e, size_t n,
			      bool include_denied, const scl_profile *base)
{
	_cleanup_free_ uint32_t *seen = NULL;
	size_t n_seen = 0;
	char list[512];
	size_t off = 0;

	if (n_arches == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t arch = e[i].key.arch;

		if (e[i].key.action == SCL_ACT_ALLOW || (e[i].key.action != SCL_ACT_LOG && !include_denied))
			continue;
		if (arch == SCL_ARCH_X86_64 && (e[i].key.nr & SCL_X32_SYSCALL_BIT) && e[i].key.nr < 0x80000000U)
			arch = SCL_ARCH_X32;
		if (scl_arch_by_token(arch) && scl_u32_add(&seen, &n_seen, arch) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; base && i < scl_profile_arch_count(base); i++) {
		const scl_arch_info *a = scl_arch_by_token(scl_profile_arch_at(base, i));

		if (!a || scl_u32_add(&seen, &n_seen, a->token) < 0)
			return a ? -ENOMEM : 0;
		for (size_t j = 0; j < ELEMENTSOF(a->subarches) && a->subarches[j]; j++)
			if (scl_u32_add(&seen, &n_seen, a->subarches[j]) < 0)
				return -ENOMEM;
	}
	if (n_seen == 0)
		return 0;
	qsort(seen, n_seen, sizeof(*seen), cmp_arch_name);
	list[0] = '\0';
	for (size_t i = 0; i < n_seen && off < sizeof(list); i++) {
		int k = snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "", scl_arch_by_token(seen[i])->name);
		if (k < 0)
			break;
		off += (size_t)k;
	}
	for (size_t i = 0; i < n_arches; i++) {
		const scl_arch_info *a = scl_arch_by_token(arches[i]);
		bool hit = scl_u32_in(seen, n_seen, a->token);

		for (size_t j = 0; !hit && j < ELEMENTSOF(a->subarches) && a->subarches[j]; j++)
			hit = scl_u32_in(seen, n_seen, a->subarches[j]);
		if (!hit)
			log_warn("--arch %s: no record came from %s%s, only from %s; the profile lists it anyway, "
				 "with the names learned there",
				 a->name, a->name, a->subarches[0] ? " or its sub-architectures" : "", list);
	}
	return 0;
}

struct arch_count {
	uint32_t arch;
	uint64_t records;
};

static int cmp_arch_count(const void *a, const void *b)
{
	return strcmp(scl_arch_by_token(((const struct arch_count *)a)->arch)->name,
		      scl_arch_by_token(((const struct arch_count *)b)->arch)->name);
}

/* Does the entry go into a profile (a logged syscall, or a denial with --include-denied)? */
static bool used_entry(const scl_learn_entry *e, bool include_denied)
{
	return e->key.action == SCL_ACT_LOG || (include_denied && e->key.action != SCL_ACT_ALLOW);
}

/*
 * The machine a profile is for: --arch's; else, when its records and the
 * --merge profile hold one byte order, the machine with the most records
 * of it (or the --merge profile's first architecture); else this one.
 * *ret_why says how it was chosen, for the warning.
 */
static uint32_t pick_target(const scl_learn_entry *e, size_t n, bool include_denied, const uint32_t *arches,
			    size_t n_arches, const scl_profile *base, const char **ret_why)
{
	struct arch_count per[32];
	size_t n_per = 0;
	uint64_t best = 0;
	uint32_t native = scl_arch_native(), top = 0;
	bool le = false, be = false;

	*ret_why = "--arch";
	if (n_arches)
		return arches[0];
	*ret_why = "this machine";
	for (size_t i = 0; i < n; i++) {
		uint32_t a = scl_arch_native_of(e[i].key.arch, e[i].key.compat);
		size_t j;

		if (!used_entry(&e[i], include_denied) || !scl_arch_by_token(a))
			continue;
		*(scl_arch_little_endian(a) ? &le : &be) = true;
		for (j = 0; j < n_per && per[j].arch != a; j++)
			;
		if (j == n_per && n_per < ELEMENTSOF(per))
			per[n_per++] = (struct arch_count){ a, 0 };
		if (j < n_per)
			per[j].records += e[i].count;
	}
	for (size_t j = 0; j < n_per; j++)
		if (per[j].records > best) {
			best = per[j].records;
			top = per[j].arch;
		}
	for (size_t i = 0; base && i < scl_profile_arch_count(base); i++) {
		uint32_t a = scl_profile_arch_at(base, i);

		*(scl_arch_little_endian(a) ? &le : &be) = true;
		if (!top)
			top = scl_arch_native_of(a, 1);
	}
	if (le == be || scl_arch_little_endian(top) == scl_arch_little_endian(native))
		return native;
	*ret_why = "its records";
	return top;
}

/*
 * Leave out the records of the other byte order than target's (one
 * seccomp filter holds one), counted per architecture and warned about
 * with the ways to their profile.  Compacts e; returns the new count.
 * label: NULL, or the --split-by group.
 */
static size_t leave_out_other_order(scl_learn_entry *e, size_t n, uint32_t target, const char *why,
				    bool include_denied, const char *label)
{
	struct arch_count out[32];
	size_t k = 0, n_out = 0;
	uint32_t other = 0;
	char list[1024];
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t a = e[i].key.arch;
		size_t j;

		if (!used_entry(&e[i], include_denied) || !scl_arch_by_token(a) ||
		    scl_arch_little_endian(a) == scl_arch_little_endian(target)) {
			e[k++] = e[i];
			continue;
		}
		for (j = 0; j < n_out && out[j].arch != a; j++)
			;
		if (j == n_out && n_out < ELEMENTSOF(out))
			out[n_out++] = (struct arch_count){ a, 0 };
		if (j < n_out)
			out[j].records += e[i].count;
	}
	if (n_out == 0)
		return k;
	for (size_t j = 0, most = 0; j < n_out; j++)
		if (out[j].records > most) {
			most = out[j].records;
			other = out[j].arch;
		}
	qsort(out, n_out, sizeof(*out), cmp_arch_count);
	list[0] = '\0';
	for (size_t j = 0; j < n_out && off < sizeof(list); j++) {
		int m = snprintf(list + off, sizeof(list) - off, "%s%llu record%s of %s", j ? ", " : "",
				 (unsigned long long)out[j].records, out[j].records == 1 ? "" : "s",
				 scl_arch_by_token(out[j].arch)->name);
		if (m < 0)
			break;
		off += (size_t)m;
	}
	log_warn("%s%s%sleft out %s: a seccomp filter holds one byte order, and this profile is for %s "
		 "(%s-endian, as %s); for theirs: --arch %s, or --split-by arch",
		 label ? "'" : "", label ? label : "", label ? "': " : "", list, scl_arch_by_token(target)->name,
		 scl_arch_little_endian(target) ? "little" : "big", why, scl_arch_by_token(scl_arch_native_of(other, 1))->name);
	return k;
}

/* Narrow the profile merged with --merge's to one byte order, naming that file. */
static int narrow_base(scl_profile *p, uint32_t target, const char *merge)
{
	char what[4200];

	snprintf(what, sizeof(what), "'%s' (--merge)", merge);
	return cli_profile_narrow(p, target, what, true);
}

int cmd_build(int argc, char **argv)
{
	static const struct cli_option_choice split_keys[] = {
		{ "exe", GROUP_EXE }, { "comm", GROUP_COMM }, { "host", GROUP_HOST }, { "arch", GROUP_ARCH }, { NULL, 0 },
	};
	struct cli_input in = { 0 };
	struct cli_profile_out out;
	struct cli_learn b = { 0 };
	_cleanup_(scl_profile_freep) scl_profile *base = NULL;
	const char *merge = NULL, *stats = NULL, *out_dir = NULL;
	struct cli_arch_list arch = { 0 };
	scl_learn_entry *ent = NULL;
	long n_ent = 0;
	bool allow_empty = false;
	int first, rc = EXIT_RUNTIME, r;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Output:", 0),
		CLI_OPTS_PROFILE_OUT(&out),
		CLI_OPTS_PROFILE_ACTION(&out),
		CLI_OPTS_PROFILE_PORTABLE(&out),
		CLI_OPTS_PROFILE_RUNTIME(&out),
		CLI_OPT_CALLBACK(0, "arch", cli_arch_list_cb, &arch, 0, "ARCH",
				 "list ARCH (and its sub-architectures); repeatable, of one\n"
				 "byte order (default: the architectures seen in the records)"),
		CLI_OPT_STRING(0, "merge", &merge, "PROFILE", "start from an existing profile (incremental learning)"),
		CLI_OPT_STRING(0, "stats", &stats, "FILE",
			       "write per-syscall record and run counts to FILE; with\n"
			       "--merge, an existing FILE's counts are added to"),
		CLI_OPT_FLAG(0, "include-denied", &b.include_denied, "also allow syscalls that an enforcing profile denied"),
		CLI_OPT_ENUM(0, "split-by", &in.group_by, split_keys, "KEY",
			     "one profile per exe, comm, host or arch (the machine's\n"
			     "architecture), written to --out-dir"),
		CLI_OPT_STRING(0, "out-dir", &out_dir, "DIR", "directory for --split-by profiles (NAME.json, sanitised)"),
		CLI_OPT_FLAG(0, "allow-empty", &allow_empty, "write a profile even when no record was found"),
		CLI_OPT_FLAG(0, "strict", &in.strict,
			     "fail, writing nothing, on the first malformed record, lost\n"
			     "record, unknown architecture or unknown syscall"),
		CLI_OPT_UINT('j', "jobs", &in.jobs, 1, 1024, NULL, "N",
			     "threads for large plain files (default: one per CPU, at most 8)"),
		CLI_OPT_QUIET("no summary on stderr"),
		CLI_OPT_VERBOSE("list every skipped record (FILE:LINE: reason, expected\n"
				"form (key=value)), the first few in full"),
		CLI_OPT_HELP(),
		CLI_OPTS_FILTER(&in.filter),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "build", options, help, 0 };

	cli_profile_out_init(&out);
	if (cli_learn_init(&b) < 0) /* clears b: before the options set it */
		goto oom;
	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		goto out;
	rc = EXIT_RUNTIME;
	if ((in.group_by != GROUP_NONE) != (out_dir != NULL)) {
		log_error("--split-by and --out-dir go together");
		rc = EXIT_USAGE;
		goto out;
	}
	if (out_dir && (out.output || stats)) {
		log_error("--split-by writes to --out-dir; -o and --stats do not apply");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!out_dir) {
		/* what is written never replaces what is read, but for --merge P -o P (the update in place) */
		static char dash[] = "-";
		char *stdin_only[] = { dash };
		char **files = first < argc ? argv + first : stdin_only;
		int nfiles = first < argc ? argc - first : 1;

		for (int i = 0; i < nfiles; i++)
			if (cli_refuse_same_file(out.output, "-o", files[i], "the input file") < 0 ||
			    cli_refuse_same_file(stats, "--stats", files[i], "the input file") < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
		if (cli_refuse_same_file(stats, "--stats", out.output, "the -o profile") < 0 ||
		    cli_refuse_same_file(stats, "--stats", merge, "the --merge profile") < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
	}
	for (size_t i = 1; i < arch.n && out.format != SCL_FORMAT_SYSTEMD; i++)
		if (scl_arch_little_endian(arch.tokens[i]) != scl_arch_little_endian(arch.tokens[0])) {
			log_error("--arch %s and --arch %s: a seccomp filter holds architectures of one byte order; "
				  "build one profile per byte order",
				  scl_arch_by_token(arch.tokens[0])->name, scl_arch_by_token(arch.tokens[i])->name);
			rc = EXIT_USAGE;
			goto out;
		}
	if (merge) {
		r = cli_profile_read(merge, &base);
		if (r < 0)
			goto out;
		if (stats && strcmp(stats, "-") && cli_profile_read_base_stats(stats, base) < 0)
			goto out;
	}


	rc = cli_input_read(&in, argv + first, argc - first);
	if (rc)
		goto out;
	rc = EXIT_RUNTIME;

	n_ent = scl_learn_entries(in.learn, &ent);
	if (n_ent < 0)
		goto oom;

	if (!out_dir) {
		_cleanup_(scl_profile_freep) scl_profile *p = NULL;
		const char *why;
		uint32_t target = pick_target(ent, (size_t)n_ent, b.include_denied, arch.tokens, arch.n, base, &why);

		if (out.format != SCL_FORMAT_SYSTEMD)
			n_ent = (long)leave_out_other_order(ent, (size_t)n_ent, target, why, b.include_denied, NULL);
		if (scl_profile_new(&p) < 0)
			goto oom;
		r = cli_learn_to_profile(&b, ent, (size_t)n_ent, p);
		if (r < 0)
			goto fail_r;
		{
			/* the records' times; a log file does not say what was lost */
			scl_profile_run info = { .has_window = in.counts.first_ms != 0,
						 .first_ms = in.counts.first_ms, .last_ms = in.counts.last_ms };

			if (scl_profile_mark_run_info(p, &info) < 0)
				goto oom;
		}
		if (in.strict && b.n_unknown) {
			cli_learn_report_unknown(&b, true);
			goto out;
		}
		if (scl_profile_count(p) == 0 && !base && !allow_empty) {
			cli_input_report(&in);
			cli_learn_report_unknown(&b, false);
			log_error("no SECCOMP records with action log found%s (use --allow-empty to write an empty profile)",
				  b.denied ? " (only denials: see 'scmplog explain' or --include-denied)" : "");
			goto out;
		}
		if (base) {
			r = scl_profile_merge(p, base);
			if (r < 0)
				goto fail_r;
		}
		if (out.format != SCL_FORMAT_SYSTEMD && !arch.n &&
		    (scl_profile_has_arch_map(p) || cli_profile_mixed(p)) && narrow_base(p, target, merge) < 0)
			goto out;
		if (warn_unseen_arches(arch.tokens, arch.n, ent, (size_t)n_ent, b.include_denied, base) < 0)
			goto oom;
		r = cli_profile_finish(&out, p, arch.tokens, arch.n);
		if (r < 0)
			goto fail_r;
		if (cli_profile_write_with_stats(&out, p, stats) < 0)
			goto out;
		if (!cli_quiet)
			log_info("%llu SECCOMP records read (%llu selected), %zu syscalls in the profile%s",
				 (unsigned long long)in.records, (unsigned long long)in.selected, scl_profile_count(p),
				 merge ? " (with --merge)" : "");
	} else {
		_cleanup_(scl_outdir_freep) scl_outdir *od = NULL;
		size_t start = 0, written = 0;

		if (cli_outdir_open(out_dir, scl_format_ext(out.format), &od) < 0)
			goto out;
		if (in.strict) {
			/* the unmappable records are found while mapping: before anything is written */
			_cleanup_(scl_profile_freep) scl_profile *all = NULL;

			if (scl_profile_new(&all) < 0)
				goto oom;
			r = cli_learn_to_profile(&b, ent, (size_t)n_ent, all);
			if (r < 0)
				goto fail_r;
			if (b.n_unknown) {
				cli_learn_report_unknown(&b, true);
				goto out;
			}
			b.denied = 0; /* counted again below */
		}
		if (warn_unseen_arches(arch.tokens, arch.n, ent, (size_t)n_ent, b.include_denied, base) < 0)
			goto oom;
		while (start < (size_t)n_ent) {
			_cleanup_(scl_profile_freep) scl_profile *p = NULL;
			uint32_t g = ent[start].key.group;
			size_t end = start, gn;
			const char *gname = scl_learn_group(in.learn, g, &gn);
			long fi;

			const char *why;
			uint32_t target;
			size_t kept;

			while (end < (size_t)n_ent && ent[end].key.group == g)
				end++;
			target = pick_target(ent + start, end - start, b.include_denied, arch.tokens, arch.n, base, &why);
			kept = end - start;
			if (out.format != SCL_FORMAT_SYSTEMD) {
				char label[4 * 256 + 1];
				size_t ln = 0;

				/* the group as read, bytes outside printable ASCII as \xNN, cut at 256 */
				for (size_t i = 0; i < gn && i < 256; i++) {
					unsigned char ch = (unsigned char)gname[i];

					if (ch < 0x20 || ch >= 0x7f || ch == '\\')
						ln += (size_t)snprintf(label + ln, sizeof(label) - ln, "\\x%02x", ch);
					else
						label[ln++] = (char)ch;
				}
				label[ln] = '\0';
				kept = leave_out_other_order(ent + start, end - start, target, why, b.include_denied, label);
			}
			if (scl_profile_new(&p) < 0)
				goto oom;
			r = cli_learn_to_profile(&b, ent + start, kept, p);
			if (r < 0)
				goto fail_r;
			start = end;
			if (scl_profile_count(p) == 0)
				continue;
			scl_profile_mark_run(p);
			if (base && (r = scl_profile_merge(p, base)) < 0)
				goto fail_r;
			if (out.format != SCL_FORMAT_SYSTEMD && !arch.n &&
			    (scl_profile_has_arch_map(p) || cli_profile_mixed(p)) && narrow_base(p, target, merge) < 0)
				goto out;
			r = cli_profile_finish(&out, p, arch.tokens, arch.n);
			if (r < 0)
				goto fail_r;
			fi = group_file(&in, od, gname, gn, out.format);
			if (fi == -ENOMEM)
				goto oom;
			if (fi < 0)
				goto out;
			if (cli_profile_write_outdir(&out, od, scl_outdir_base(od, (size_t)fi), p) < 0)
				goto out;
			written++;
		}
		if (!cli_quiet)
			log_info("%llu SECCOMP records read (%llu selected), %zu profiles written to '%s'",
				 (unsigned long long)in.records, (unsigned long long)in.selected, written, out_dir);
	}
	if (b.denied && !cli_quiet)
		log_info("left out %llu denial record%s (see 'scmplog explain', or --include-denied)",
			 (unsigned long long)b.denied, b.denied == 1 ? "" : "s");
	rc = cli_input_report(&in);
	if (cli_learn_report_unknown(&b, in.strict))
		rc = EXIT_RUNTIME;
	goto out;

oom:
	r = -ENOMEM;
fail_r:
	rc = cli_profile_build_failed(r);
out:
	free(ent);
	free(arch.tokens);
	cli_learn_done(&b);
	cli_input_free(&in);
	cli_profile_out_free(&out);
	return rc;
}
