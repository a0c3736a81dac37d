/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "scmplog/syscall-groups.h"

#include "lib/syscall-groups-table.h"

/*
 * Display order for scl_sysgroup_of(): groups that are subsets of others come
 * before them (@chown, @clock, @module, @raw-io, @reboot, @swap and @setuid
 * before @privileged; @basic-io, which shares close with @file-system, before
 * it), risky ones before harmless ones.  @system-service, the
 * union of most groups, is not here.
 */
static const char *const display_order[] = {
	"@module", "@reboot", "@swap", "@raw-io", "@clock", "@mount", "@debug",
	"@keyring", "@cpu-emulation", "@obsolete", "@chown", "@setuid", "@privileged",
	"@process", "@network-io", "@ipc", "@basic-io", "@file-system", "@memlock",
	"@pkey", "@resources", "@signal", "@timer", "@sync", "@aio", "@io-event",
	"@default",
};

/*
 * Docker's documentation, "Significant syscalls blocked by the default
 * profile" (docs.docker.com/engine/security/seccomp/), reasons shortened.
 * Sorted by name (strcmp) for bsearch.
 */
static const scl_docker_blocked docker_blocked[] = {
	{ "_sysctl", "obsolete, replaced by /proc/sys", false },
	{ "acct", "process accounting: could disable the container's own limits or accounting (CAP_SYS_PACCT)", false },
	{ "add_key", "kernel keyring, which is not namespaced", false },
	{ "bpf", "loads possibly persistent BPF programs into the kernel (CAP_SYS_ADMIN)", false },
	{ "clock_adjtime", "the clock is not namespaced (CAP_SYS_TIME)", false },
	{ "clock_settime", "the clock is not namespaced (CAP_SYS_TIME)", false },
	{ "clone", "creating namespaces; Docker allows clone only without CLONE_NEW* flags", true },
	{ "create_module", "kernel modules (obsolete; CAP_SYS_MODULE)", false },
	{ "delete_module", "kernel modules (CAP_SYS_MODULE)", false },
	{ "finit_module", "kernel modules (CAP_SYS_MODULE)", false },
	{ "get_kernel_syms", "kernel and module symbols (obsolete)", false },
	{ "get_mempolicy", "kernel memory and NUMA settings (CAP_SYS_NICE)", false },
	{ "init_module", "kernel modules (CAP_SYS_MODULE)", false },
	{ "ioperm", "I/O privilege levels (CAP_SYS_RAWIO)", false },
	{ "iopl", "I/O privilege levels (CAP_SYS_RAWIO)", false },
	{ "kcmp", "inspects other processes (CAP_SYS_PTRACE)", false },
	{ "kexec_file_load", "loads a new kernel (CAP_SYS_BOOT)", false },
	{ "kexec_load", "loads a new kernel (CAP_SYS_BOOT)", false },
	{ "keyctl", "kernel keyring, which is not namespaced", false },
	{ "lookup_dcookie", "tracing/profiling, could leak information on the host (CAP_SYS_ADMIN)", false },
	{ "mbind", "kernel memory and NUMA settings (CAP_SYS_NICE)", false },
	{ "mount", "mounting file systems (CAP_SYS_ADMIN)", false },
	{ "move_pages", "kernel memory and NUMA settings", false },
	{ "nfsservctl", "the kernel NFS daemon (obsolete since Linux 3.1)", false },
	{ "open_by_handle_at", "cause of an old container breakout (CAP_DAC_READ_SEARCH)", false },
	{ "perf_event_open", "tracing/profiling, could leak information on the host", false },
	{ "personality", "BSD emulation and other personas; Docker allows only the usual personas", true },
	{ "pivot_root", "changing the root file system, a privileged operation", false },
	{ "process_vm_readv", "reads other processes' memory (CAP_SYS_PTRACE)", false },
	{ "process_vm_writev", "writes other processes' memory (CAP_SYS_PTRACE)", false },
	{ "ptrace", "tracing other processes; a seccomp bypass before Linux 4.8", false },
	{ "query_module", "kernel modules (obsolete)", false },
	{ "quotactl", "quotas: could disable the container's own limits (CAP_SYS_ADMIN)", false },
	{ "reboot", "rebooting the host (CAP_SYS_BOOT)", false },
	{ "request_key", "kernel keyring, which is not namespaced", false },
	{ "set_mempolicy", "kernel memory and NUMA settings (CAP_SYS_NICE)", false },
	{ "setns", "joining other namespaces (CAP_SYS_ADMIN)", false },
	{ "settimeofday", "the clock is not namespaced (CAP_SYS_TIME)", false },
	{ "stime", "the clock is not namespaced (CAP_SYS_TIME)", false },
	{ "swapoff", "swapping (CAP_SYS_ADMIN)", false },
	{ "swapon", "swapping (CAP_SYS_ADMIN)", false },
	{ "sysfs", "obsolete", false },
	{ "umount", "unmounting file systems (CAP_SYS_ADMIN)", false },
	{ "umount2", "unmounting file systems (CAP_SYS_ADMIN)", false },
	{ "unshare", "creating namespaces (CAP_SYS_ADMIN, except user namespaces)", false },
	{ "uselib", "old shared-library loader, unused for a long time", false },
	{ "userfaultfd", "user-space page fault handling, a common exploit aid", false },
	{ "ustat", "obsolete", false },
	{ "vm86", "x86 real-mode virtual machine in the kernel (CAP_SYS_ADMIN)", false },
	{ "vm86old", "x86 real-mode virtual machine in the kernel (CAP_SYS_ADMIN)", false },
};

const char *scl_sysgroup_source(void)
{
	return SCL_SYSGROUP_SOURCE;
}

const scl_sysgroup *scl_sysgroup_at(size_t i)
{
	return i < ELEMENTSOF(sysgroups) ? &sysgroups[i] : NULL;
}

const scl_sysgroup *scl_sysgroup_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(sysgroups); i++)
		if (!strcmp(sysgroups[i].name, name) ||
		    (name[0] != '@' && !strcmp(sysgroups[i].name + 1, name)))
			return &sysgroups[i];
	return NULL;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool scl_sysgroup_has(const scl_sysgroup *g, const char *syscall)
{
	if (!g || !syscall)
		return false;
	return bsearch(syscall, g->syscalls, g->n_syscalls, sizeof(g->syscalls[0]), cmp_name) != NULL;
}

const scl_sysgroup *scl_sysgroup_of(const char *syscall)
{
	for (size_t i = 0; i < ELEMENTSOF(display_order); i++) {
		const scl_sysgroup *g = scl_sysgroup_by_name(display_order[i]);

		if (scl_sysgroup_has(g, syscall))
			return g;
	}
	return NULL;
}

size_t scl_sysgroup_rank(const scl_sysgroup *g)
{
	if (g)
		for (size_t i = 0; i < ELEMENTSOF(display_order); i++)
			if (!strcmp(g->name, display_order[i]))
				return i;
	return ELEMENTSOF(display_order);
}

size_t scl_sysgroup_all_of(const char *syscall, const scl_sysgroup **ret, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(sysgroups); i++) {
		if (!scl_sysgroup_has(&sysgroups[i], syscall))
			continue;
		if (n < size)
			ret[n] = &sysgroups[i];
		n++;
	}
	return n;
}

static int cmp_blocked(const void *key, const void *elem)
{
	return strcmp(key, ((const scl_docker_blocked *)elem)->name);
}

const scl_docker_blocked *scl_docker_blocked_lookup(const char *syscall)
{
	if (!syscall)
		return NULL;
	return bsearch(syscall, docker_blocked, ELEMENTSOF(docker_blocked), sizeof(docker_blocked[0]),
		       cmp_blocked);
}

const scl_docker_blocked *scl_docker_blocked_at(size_t i)
{
	return i < ELEMENTSOF(docker_blocked) ? &docker_blocked[i] : NULL;
}
