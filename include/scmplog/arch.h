/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_ARCH_H
#define SCMPLOG_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Architectures and syscall names.  Architecture values are AUDIT_ARCH_*
 * numbers, which are also libseccomp's SCMP_ARCH_* tokens.  SCL_ARCH_X32 is
 * libseccomp's x32 token; the kernel never reports it (x32 arrives as x86_64
 * with bit 0x40000000 in the syscall number).
 */

#define SCL_ARCH_X86_64 0xc000003eU
#define SCL_ARCH_X86 0x40000003U
#define SCL_ARCH_X32 0x4000003eU
#define SCL_ARCH_AARCH64 0xc00000b7U
#define SCL_ARCH_ARM 0x40000028U
#define SCL_ARCH_RISCV64 0xc00000f3U
#define SCL_ARCH_LOONGARCH64 0xc0000102U
#define SCL_X32_SYSCALL_BIT 0x40000000U

/*
 * Byte order: AUDIT_ARCH_* tokens of little-endian architectures carry
 * __AUDIT_ARCH_LE (0x40000000).  One seccomp filter holds architectures of
 * one byte order (libseccomp refuses the other with EDOM).
 */
#define SCL_ARCH_LE_BIT 0x40000000U
static inline bool scl_arch_little_endian(uint32_t token)
{
	return (token & SCL_ARCH_LE_BIT) != 0;
}

typedef struct scl_arch_info {
	uint32_t token;
	const char *name;      /* libseccomp/uname style: "x86_64", "x86", "aarch64" */
	const char *oci_name;  /* "SCMP_ARCH_X86_64" */
	const char *systemd_name; /* SystemCallArchitectures= value */
	uint32_t subarches[3]; /* sub-architectures a filter must also cover, 0-terminated */
} scl_arch_info;

/* Known architecture by token, or NULL. */
const scl_arch_info *scl_arch_by_token(uint32_t token);
/*
 * By any of its names: "x86_64", "amd64", "SCMP_ARCH_X86_64", "x86", "i386",
 * "i686", "arm64", "aarch64", ... (case-sensitive for SCMP_ names).  NULL if
 * unknown.
 */
const scl_arch_info *scl_arch_by_name(const char *name);
/* Table iteration: index 0.. until NULL. */
const scl_arch_info *scl_arch_at(size_t i);
/* The machine's native architecture (libseccomp's seccomp_arch_native()). */
uint32_t scl_arch_native(void);
/*
 * The 64-bit architecture a record's arch belongs to: with compat set, the
 * 64-bit arch whose sub-architectures include arch (x86 -> x86_64); else, or
 * when none does, arch itself.
 */
uint32_t scl_arch_native_of(uint32_t arch, uint32_t compat);

/*
 * The syscall mapper.  Names are interned: the pointers stay valid until
 * scl_mapper_free(), and equal names from the same mapper are equal pointers.
 * libseccomp is asked at most once per (arch, number).
 */
typedef struct scl_mapper scl_mapper;

int scl_mapper_new(scl_mapper **ret);
void scl_mapper_free(scl_mapper *m);

/*
 * Name a syscall as logged: (audit arch, syscall number).  x32 numbers under
 * x86_64 resolve on SCL_ARCH_X32.  Returns 0 with *ret_name and
 * *ret_arch (the effective arch: x32 for x32 numbers), -EAFNOSUPPORT for an
 * arch libseccomp does not know, -ENOENT for a number it cannot name,
 * -ENOMEM.
 */
int scl_mapper_name(scl_mapper *m, uint32_t arch, uint32_t nr, const char **ret_name,
		    uint32_t *ret_arch);
/* Number of a syscall name on an arch (x32 numbers carry the x32 bit). -ENOENT if none. */
int scl_mapper_number(scl_mapper *m, uint32_t arch, const char *name, uint32_t *ret_nr);
/* scl_mapper_number() without a mapper: libseccomp is asked every time. */
int scl_arch_syscall_number(uint32_t arch, const char *name, uint32_t *ret_nr);
/* Intern any string (a syscall name read from a profile). */
const char *scl_mapper_intern(scl_mapper *m, const char *name);

#endif
