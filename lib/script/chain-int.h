/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Call chains as the kernel records them: PERF_CONTEXT_* markers among the
 * addresses say whose frames follow.  Shared by the printer (print.c) and
 * the exporter (lib/export), which must take chains apart alike.
 */
#ifndef PF_SCRIPT_CHAIN_INT_H
#define PF_SCRIPT_CHAIN_INT_H

#include <stdint.h>
#include <linux/perf_event.h>

/* A PERF_CONTEXT_* marker in a call chain sets the cpumode of the frames
   after it (<linux/perf_event.h>).  0 for a real address. */
static inline int chain_context(uint64_t ip, unsigned *mode)
{
	if (ip < (uint64_t)PERF_CONTEXT_MAX)
		return 0;
	switch (ip) {
	case PERF_CONTEXT_KERNEL: *mode = PERF_RECORD_MISC_KERNEL; break;
	case PERF_CONTEXT_USER: *mode = PERF_RECORD_MISC_USER; break;
	case PERF_CONTEXT_GUEST_KERNEL: *mode = PERF_RECORD_MISC_GUEST_KERNEL; break;
	case PERF_CONTEXT_GUEST_USER: *mode = PERF_RECORD_MISC_GUEST_USER; break;
	case PERF_CONTEXT_HV: *mode = PERF_RECORD_MISC_HYPERVISOR; break;
	}
	return 1;
}

#endif /* PF_SCRIPT_CHAIN_INT_H */
