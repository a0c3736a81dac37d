/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "cli/cli-options.h"
#include "cli/cli.h"
#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog resolve [--arch ARCH] NUMBER|NAME...\n"
	       "       scmplog resolve [--arch ARCH] --all\n"
	       "       scmplog resolve --arches\n\n"
	       "Map syscall numbers to names and names to numbers for an architecture\n"
	       "(default: this machine's), strictly: an unknown number or name is an error.\n"
	       "x32 numbers carry bit 0x40000000 (1073741824) as the kernel logs them.\n\n");
	cli_options_help(stdout, options);
	printf("\n"
	       "Exit status: 0 all resolved; 1 something unknown; 2 usage.\n");
}

static const scl_arch_info *arch_arg(const char *s)
{
	const scl_arch_info *a = scl_arch_by_name(s);
	uint64_t tok;

	if (a)
		return a;
	if (strlen(s) <= 8 && scl_parse_x64(s, strlen(s), UINT32_MAX, &tok) == 0)
		return scl_arch_by_token((uint32_t)tok);
	return NULL;
}

/* -a ARCH: a name or an audit token; opt->value is the const scl_arch_info * */
static int arch_cb(const struct cli_option *opt, const char *arg)
{
	const scl_arch_info *a = arch_arg(arg);

	if (!a) {
		log_error("unknown architecture '%s'", arg);
		return -1;
	}
	*(const scl_arch_info **)opt->value = a;
	return 0;
}

int cmd_resolve(int argc, char **argv)
{
	const scl_arch_info *arch = scl_arch_by_token(scl_arch_native());
	scl_mapper *m = NULL;
	bool all = false, arches = false;
	int first, rc = EXIT_OK;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 20),
		CLI_OPT_CALLBACK('a', "arch", arch_cb, &arch, 0, "ARCH",
				 "x86_64, x86, x32, aarch64, arm, ppc64le, s390x, riscv64, mips, ...\n"
				 "(also audit hex tokens such as c000003e)"),
		CLI_OPT_FLAG(0, "all", &all, "list every syscall of ARCH as NUMBER<TAB>NAME"),
		CLI_OPT_FLAG(0, "arches", &arches, "list the known architectures (name, audit token, OCI name)"),
		CLI_OPT_HELP(),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "resolve", options, help, 0 };

	/*
	 * Options may come after the operands (GNU getopt), so "-1" would be
	 * taken for an option: say what is wrong with it instead.
	 */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9') {
			log_error("invalid syscall number '%s': syscall numbers are not negative", argv[i]);
			return EXIT_USAGE;
		}
	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		return rc;
	if (arches) {
		for (size_t i = 0; scl_arch_at(i); i++) {
			const scl_arch_info *a = scl_arch_at(i);
			printf("%-12s %08x %s\n", a->name, a->token, a->oci_name);
		}
		return cli_finish_stdout() < 0 ? EXIT_RUNTIME : EXIT_OK;
	}
	if (!arch) {
		log_error("unknown native architecture; use --arch");
		return EXIT_USAGE;
	}
	if (!all && first >= argc) {
		log_error("nothing to resolve; see 'scmplog resolve --help'");
		return EXIT_USAGE;
	}
	if (scl_mapper_new(&m) < 0) {
		log_error("out of memory");
		return EXIT_RUNTIME;
	}
	if (all) {
		uint32_t base = arch->token == SCL_ARCH_X32 ? SCL_X32_SYSCALL_BIT : 0;
		size_t found = 0;
		for (uint32_t nr = 0; nr < SCL_MAX_SYSCALL_NR; nr++) {
			const char *name;
			int r = scl_mapper_name(m, arch->token == SCL_ARCH_X32 ? SCL_ARCH_X86_64 : arch->token, base | nr,
						&name, NULL);
			if (r == -EAFNOSUPPORT) {
				log_error("libseccomp cannot map syscalls of %s", arch->name);
				rc = EXIT_RUNTIME;
				break;
			}
			if (r == 0) {
				printf("%u\t%s\n", base | nr, name);
				found++;
			}
		}
		(void)found;
	}
	for (int i = first; i < argc; i++) {
		const char *a = argv[i], *name;
		uint64_t nr;
		uint32_t out;
		int r;

		if (scl_parse_u64_str(a, UINT32_MAX, &nr) == 0) {
			uint32_t tok = arch->token == SCL_ARCH_X32 ? SCL_ARCH_X86_64 : arch->token;
			if (arch->token == SCL_ARCH_X32)
				nr |= SCL_X32_SYSCALL_BIT;
			r = scl_mapper_name(m, tok, (uint32_t)nr, &name, NULL);
			if (r == 0) {
				printf("%s\n", name);
				continue;
			}
		} else {
			r = scl_mapper_number(m, arch->token, a, &out);
			if (r == 0) {
				printf("%u\n", out);
				continue;
			}
		}
		if (r == -EAFNOSUPPORT)
			log_error("libseccomp cannot map syscalls of %s", arch->name);
		else
			log_error("unknown syscall '%s' on %s", a, arch->name);
		rc = EXIT_RUNTIME;
	}
	scl_mapper_free(m);
	if (cli_finish_stdout() < 0) {
		log_error("cannot write to stdout: %m");
		return EXIT_RUNTIME;
	}
	return rc;
}
