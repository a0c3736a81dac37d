/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "util.h"

/*
 * Sub-architectures follow the OCI runtimes' archMap (Docker/containerd): a
 * filter for the native arch alone KILLs the first compat syscall instead of
 * logging it.
 */
static const scl_arch_info arches[] = {
	{ 0x40000028, "arm", "SCMP_ARCH_ARM", "arm", { 0 } },
	{ 0xc00000b7, "aarch64", "SCMP_ARCH_AARCH64", "arm64", { 0x40000028, 0 } },
	{ 0xc0000102, "loongarch64", "SCMP_ARCH_LOONGARCH64", "loongarch64", { 0 } },
	{ 0x00000008, "mips", "SCMP_ARCH_MIPS", "mips", { 0 } },
	{ 0x80000008, "mips64", "SCMP_ARCH_MIPS64", "mips64", { 0x00000008, 0xa0000008, 0 } },
	{ 0xa0000008, "mips64n32", "SCMP_ARCH_MIPS64N32", "mips64-n32", { 0x00000008, 0x80000008, 0 } },
	{ 0x40000008, "mipsel", "SCMP_ARCH_MIPSEL", "mips-le", { 0 } },
	{ 0xc0000008, "mipsel64", "SCMP_ARCH_MIPSEL64", "mips64-le", { 0x40000008, 0xe0000008, 0 } },
	{ 0xe0000008, "mipsel64n32", "SCMP_ARCH_MIPSEL64N32", "mips64-le-n32", { 0x40000008, 0xc0000008, 0 } },
	{ 0x0000000f, "parisc", "SCMP_ARCH_PARISC", "parisc", { 0 } },
	{ 0x8000000f, "parisc64", "SCMP_ARCH_PARISC64", "parisc64", { 0x0000000f, 0 } },
	{ 0x00000014, "ppc", "SCMP_ARCH_PPC", "ppc", { 0 } },
	{ 0x80000015, "ppc64", "SCMP_ARCH_PPC64", "ppc64", { 0x00000014, 0 } },
	{ 0xc0000015, "ppc64le", "SCMP_ARCH_PPC64LE", "ppc64-le", { 0 } },
	{ 0xc00000f3, "riscv64", "SCMP_ARCH_RISCV64", "riscv64", { 0 } },
	{ 0x00000016, "s390", "SCMP_ARCH_S390", "s390", { 0 } },
	{ 0x80000016, "s390x", "SCMP_ARCH_S390X", "s390x", { 0x00000016, 0 } },
	{ 0x40000003, "x86", "SCMP_ARCH_X86", "x86", { 0 } },
	{ 0x4000003e, "x32", "SCMP_ARCH_X32", "x32", { 0 } },
	{ 0xc000003e, "x86_64", "SCMP_ARCH_X86_64", "x86-64", { 0x40000003, 0x4000003e, 0 } },
};

static const struct {
	const char *alias;
	uint32_t token;
} aliases[] = {
	{ "amd64", 0xc000003e }, { "x86-64", 0xc000003e }, { "i386", 0x40000003 },
	{ "i486", 0x40000003 },	 { "i586", 0x40000003 },   { "i686", 0x40000003 },
	{ "arm64", 0xc00000b7 }, { "armhf", 0x40000028 },  { "armel", 0x40000028 },
	{ "ppc64el", 0xc0000015 }, { "ppc64-le", 0xc0000015 }, { "mips-le", 0x40000008 },
};

const scl_arch_info *scl_arch_by_token(uint32_t token)
{
	for (size_t i = 0; i < ELEMENTSOF(arches); i++)
		if (arches[i].token == token)
			return &arches[i];
	return NULL;
}

const scl_arch_info *scl_arch_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(arches); i++)
		if (!strcmp(arches[i].name, name) || !strcmp(arches[i].oci_name, name) ||
		    !strcmp(arches[i].systemd_name, name))
			return &arches[i];
	for (size_t i = 0; i < ELEMENTSOF(aliases); i++)
		if (!strcmp(aliases[i].alias, name))
			return scl_arch_by_token(aliases[i].token);
	return NULL;
}

const scl_arch_info *scl_arch_at(size_t i)
{
	return i < ELEMENTSOF(arches) ? &arches[i] : NULL;
}

uint32_t scl_arch_native(void)
{
	return seccomp_arch_native();
}

uint32_t scl_arch_native_of(uint32_t arch, uint32_t compat)
{
	if (!compat)
		return arch;
	for (size_t i = 0; scl_arch_at(i); i++) {
		const scl_arch_info *a = scl_arch_at(i);

		if (!(a->token & 0x80000000U))
			continue;
		for (size_t j = 0; j < ELEMENTSOF(a->subarches) && a->subarches[j]; j++)
			if (a->subarches[j] == arch)
				return a->token;
	}
	return arch;
}

/*
 * Two open-addressing tables: (arch, nr) -> interned name (or a negative
 * entry), and the string interning set.  Both grow at 50% load.
 */
struct nr_entry {
	uint64_t key; /* arch << 32 | nr; 0 = empty slot needs a flag */
	const char *name;
	int err;
	int used;
};

struct scl_mapper {
	struct nr_entry *nrs;
	size_t nr_cap, nr_len;
	char **strs;
	size_t str_cap, str_len;
};

static uint64_t hash_str(const char *s)
{
	return scl_fnv1a(SCL_FNV_OFFSET, s, strlen(s));
}

int scl_mapper_new(scl_mapper **ret)
{
	scl_mapper *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->nr_cap = 256;
	m->nrs = calloc(m->nr_cap, sizeof(*m->nrs));
	m->str_cap = 512;
	m->strs = calloc(m->str_cap, sizeof(*m->strs));
	if (!m->nrs || !m->strs) {
		scl_mapper_free(m);
		return -ENOMEM;
	}
	*ret = m;
	return 0;
}

void scl_mapper_free(scl_mapper *m)
{
	if (!m)
		return;
	/* also a mapper scl_mapper_new() gave up on: strs may be NULL */
	for (size_t i = 0; m->strs && i < m->str_cap; i++)
		free(m->strs[i]);
	free(m->strs);
	free(m->nrs);
	free(m);
}

static int str_grow(scl_mapper *m)
{
	size_t cap = m->str_cap * 2;
	char **n = calloc(cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < m->str_cap; i++) {
		if (!m->strs[i])
			continue;
		size_t j = hash_str(m->strs[i]) & (cap - 1);
		while (n[j])
			j = (j + 1) & (cap - 1);
		n[j] = m->strs[i];
	}
	free(m->strs);
	m->strs = n;
	m->str_cap = cap;
	return 0;
}

const char *scl_mapper_intern(scl_mapper *m, const char *name)
{
	size_t j;

	if (!m || !name)
		return NULL;
	if ((m->str_len + 1) * 2 > m->str_cap && str_grow(m) < 0)
		return NULL;
	j = hash_str(name) & (m->str_cap - 1);
	while (m->strs[j]) {
		if (!strcmp(m->strs[j], name))
			return m->strs[j];
		j = (j + 1) & (m->str_cap - 1);
	}
	m->strs[j] = strdup(name);
	if (!m->strs[j])
		return NULL;
	m->str_len++;
	return m->strs[j];
}

static int nr_grow(scl_mapper *m)
{
	size_t cap = m->nr_cap * 2;
	struct nr_entry *n = calloc(cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < m->nr_cap; i++) {
		if (!m->nrs[i].used)
			continue;
		size_t j = scl_mix64(m->nrs[i].key) & (cap - 1);
		while (n[j].used)
			j = (j + 1) & (cap - 1);
		n[j] = m->nrs[i];
	}
	free(m->nrs);
	m->nrs = n;
	m->nr_cap = cap;
	return 0;
}

static struct nr_entry *nr_slot(scl_mapper *m, uint64_t key, int *found)
{
	size_t j = scl_mix64(key) & (m->nr_cap - 1);

	while (m->nrs[j].used) {
		if (m->nrs[j].key == key) {
			*found = 1;
			return &m->nrs[j];
		}
		j = (j + 1) & (m->nr_cap - 1);
	}
	*found = 0;
	return &m->nrs[j];
}

/* Is this token one libseccomp can resolve on?  (2.5.4 lacks loongarch64.) */
static int arch_supported(uint32_t arch)
{
	return scl_arch_by_token(arch) && seccomp_syscall_resolve_name_arch(arch, "read") != __NR_SCMP_ERROR;
}

int scl_mapper_name(scl_mapper *m, uint32_t arch, uint32_t nr, const char **ret_name,
		    uint32_t *ret_arch)
{
	uint32_t eff = arch;
	uint64_t key;
	struct nr_entry *e;
	int found;

	if (arch == SCL_ARCH_X86_64 && (nr & SCL_X32_SYSCALL_BIT) && nr < 0x80000000U)
		eff = SCL_ARCH_X32;
	key = ((uint64_t)eff << 32) | nr;
	e = nr_slot(m, key, &found);
	if (!found) {
		if ((m->nr_len + 1) * 2 > m->nr_cap) {
			if (nr_grow(m) < 0)
				return -ENOMEM;
			e = nr_slot(m, key, &found);
		}
		e->used = 1;
		e->key = key;
		e->name = NULL;
		m->nr_len++;
		if (!arch_supported(eff)) {
			e->err = -EAFNOSUPPORT;
		} else if (nr > INT32_MAX) {
			e->err = -ENOENT;
		} else {
			char *s;
			errno = 0;
			s = seccomp_syscall_resolve_num_arch(eff, (int)nr);
			if (!s) {
				/* NULL both for a number it cannot name and when its strdup() fails */
				e->err = errno == ENOMEM ? -ENOMEM : -ENOENT;
			} else {
				e->name = scl_mapper_intern(m, s);
				free(s);
				e->err = e->name ? 0 : -ENOMEM;
			}
		}
		if (e->err == -ENOMEM) {
			/*
			 * Not remembered: a failed allocation must not make the
			 * syscall unknown for the mapper's life (a collector would
			 * leave it out of every profile).  The slot was the end of
			 * its probe chain, so emptying it again is safe.
			 */
			e->used = 0;
			m->nr_len--;
			return -ENOMEM;
		}
	}
	if (e->err < 0)
		return e->err;
	*ret_name = e->name;
	if (ret_arch)
		*ret_arch = eff;
	return 0;
}

int scl_arch_syscall_number(uint32_t arch, const char *name, uint32_t *ret_nr)
{
	return scl_mapper_number(NULL, arch, name, ret_nr);
}

int scl_mapper_number(scl_mapper *m, uint32_t arch, const char *name, uint32_t *ret_nr)
{
	int nr;

	(void)m;
	if (!arch_supported(arch))
		return -EAFNOSUPPORT;
	nr = seccomp_syscall_resolve_name_arch(arch, name);
	if (nr < 0)
		return -ENOENT;
	*ret_nr = (uint32_t)nr;
	return 0;
}
