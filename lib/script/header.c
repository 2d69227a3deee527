/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --header: the lines perf script --header prints before the samples
 * (perf_header__fprintf_info in perf 6.1's util/header.c): the file's
 * layout, then each header feature the recording has, in feature order,
 * each the way perf prints it without -I (the topology and cache tables
 * only announced), then the features it lacks.  A pipe stream has an
 * empty layout and its features where their records come.  Events are described with
 * every non-zero attribute field, in perf_event_attr__fprintf's order.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "perfdata/format.h"
#include "script/print-int.h"

struct bit_name {
	uint64_t bit;
	const char *name;
};

/* perf's own order, which is not quite the bits' order. */
static const struct bit_name sample_bits[] = {
	{ PERF_SAMPLE_IP, "IP" }, { PERF_SAMPLE_TID, "TID" }, { PERF_SAMPLE_TIME, "TIME" },
	{ PERF_SAMPLE_ADDR, "ADDR" }, { PERF_SAMPLE_READ, "READ" },
	{ PERF_SAMPLE_CALLCHAIN, "CALLCHAIN" }, { PERF_SAMPLE_ID, "ID" },
	{ PERF_SAMPLE_CPU, "CPU" }, { PERF_SAMPLE_PERIOD, "PERIOD" },
	{ PERF_SAMPLE_STREAM_ID, "STREAM_ID" }, { PERF_SAMPLE_RAW, "RAW" },
	{ PERF_SAMPLE_BRANCH_STACK, "BRANCH_STACK" }, { PERF_SAMPLE_REGS_USER, "REGS_USER" },
	{ PERF_SAMPLE_STACK_USER, "STACK_USER" }, { PERF_SAMPLE_IDENTIFIER, "IDENTIFIER" },
	{ PERF_SAMPLE_REGS_INTR, "REGS_INTR" }, { PERF_SAMPLE_DATA_SRC, "DATA_SRC" },
	{ PERF_SAMPLE_WEIGHT, "WEIGHT" }, { PERF_SAMPLE_PHYS_ADDR, "PHYS_ADDR" },
	{ PERF_SAMPLE_AUX, "AUX" }, { PERF_SAMPLE_CGROUP, "CGROUP" },
	{ PERF_SAMPLE_DATA_PAGE_SIZE, "DATA_PAGE_SIZE" },
	{ PERF_SAMPLE_CODE_PAGE_SIZE, "CODE_PAGE_SIZE" },
	{ PERF_SAMPLE_WEIGHT_STRUCT, "WEIGHT_STRUCT" }, { 0, NULL },
};

static const struct bit_name read_bits[] = {
	{ PERF_FORMAT_TOTAL_TIME_ENABLED, "TOTAL_TIME_ENABLED" },
	{ PERF_FORMAT_TOTAL_TIME_RUNNING, "TOTAL_TIME_RUNNING" },
	{ PERF_FORMAT_ID, "ID" }, { PERF_FORMAT_GROUP, "GROUP" }, { PERF_FORMAT_LOST, "LOST" },
	{ 0, NULL },
};

static const struct bit_name branch_bits[] = {
	{ PERF_SAMPLE_BRANCH_USER, "USER" }, { PERF_SAMPLE_BRANCH_KERNEL, "KERNEL" },
	{ PERF_SAMPLE_BRANCH_HV, "HV" }, { PERF_SAMPLE_BRANCH_ANY, "ANY" },
	{ PERF_SAMPLE_BRANCH_ANY_CALL, "ANY_CALL" },
	{ PERF_SAMPLE_BRANCH_ANY_RETURN, "ANY_RETURN" },
	{ PERF_SAMPLE_BRANCH_IND_CALL, "IND_CALL" }, { PERF_SAMPLE_BRANCH_ABORT_TX, "ABORT_TX" },
	{ PERF_SAMPLE_BRANCH_IN_TX, "IN_TX" }, { PERF_SAMPLE_BRANCH_NO_TX, "NO_TX" },
	{ PERF_SAMPLE_BRANCH_COND, "COND" }, { PERF_SAMPLE_BRANCH_CALL_STACK, "CALL_STACK" },
	{ PERF_SAMPLE_BRANCH_IND_JUMP, "IND_JUMP" }, { PERF_SAMPLE_BRANCH_CALL, "CALL" },
	{ PERF_SAMPLE_BRANCH_NO_FLAGS, "NO_FLAGS" }, { PERF_SAMPLE_BRANCH_NO_CYCLES, "NO_CYCLES" },
	{ PERF_SAMPLE_BRANCH_TYPE_SAVE, "TYPE_SAVE" }, { PERF_SAMPLE_BRANCH_HW_INDEX, "HW_INDEX" },
	{ PERF_SAMPLE_BRANCH_PRIV_SAVE, "PRIV_SAVE" }, { 0, NULL },
};

static void print_bits(struct printer *pr, const char *name, uint64_t v,
		       const struct bit_name *bits)
{
	const char *sep = "";

	if (!v)
		return;
	sp_ob_printf(pr, ", %s = ", name);
	for (; bits->name; bits++)
		if (v & bits->bit) {
			sp_ob_printf(pr, "%s%s", sep, bits->name);
			sep = "|";
		}
}

static void print_u(struct printer *pr, const char *name, uint64_t v)
{
	if (v)
		sp_ob_printf(pr, ", %s = %" PRIu64, name, v);
}

static void print_x(struct printer *pr, const char *name, uint64_t v)
{
	if (v)
		sp_ob_printf(pr, ", %s = %#" PRIx64, name, v);
}

/* perf_event_attr__fprintf: the fields that are not zero. */
static void print_attr(struct printer *pr, const struct perf_event_attr *a)
{
	print_u(pr, "type", a->type);
	print_u(pr, "size", a->size);
	print_x(pr, "config", a->config);
	print_u(pr, "{ sample_period, sample_freq }", a->sample_period);
	print_bits(pr, "sample_type", a->sample_type, sample_bits);
	print_bits(pr, "read_format", a->read_format, read_bits);
#define FLAG(f) print_u(pr, #f, a->f)
	FLAG(disabled); FLAG(inherit); FLAG(pinned); FLAG(exclusive);
	FLAG(exclude_user); FLAG(exclude_kernel); FLAG(exclude_hv); FLAG(exclude_idle);
	FLAG(mmap); FLAG(comm); FLAG(freq); FLAG(inherit_stat); FLAG(enable_on_exec);
	FLAG(task); FLAG(watermark); FLAG(precise_ip); FLAG(mmap_data);
	FLAG(sample_id_all); FLAG(exclude_host); FLAG(exclude_guest);
	FLAG(exclude_callchain_kernel); FLAG(exclude_callchain_user); FLAG(mmap2);
	FLAG(comm_exec); FLAG(use_clockid); FLAG(context_switch); FLAG(write_backward);
	FLAG(namespaces); FLAG(ksymbol); FLAG(bpf_event); FLAG(aux_output); FLAG(cgroup);
	FLAG(text_poke); FLAG(build_id); FLAG(inherit_thread); FLAG(remove_on_exec);
	FLAG(sigtrap);
#undef FLAG
	print_u(pr, "{ wakeup_events, wakeup_watermark }", a->wakeup_events);
	print_u(pr, "bp_type", a->bp_type);
	print_x(pr, "{ bp_addr, config1 }", a->bp_addr);
	print_x(pr, "{ bp_len, config2 }", a->bp_len);
	print_bits(pr, "branch_sample_type", a->branch_sample_type, branch_bits);
	print_x(pr, "sample_regs_user", a->sample_regs_user);
	print_u(pr, "sample_stack_user", a->sample_stack_user);
	if (a->clockid)
		sp_ob_printf(pr, ", clockid = %d", a->clockid);
	print_x(pr, "sample_regs_intr", a->sample_regs_intr);
	print_u(pr, "aux_watermark", a->aux_watermark);
	print_u(pr, "sample_max_stack", a->sample_max_stack);
	print_u(pr, "aux_sample_size", a->aux_sample_size);
	print_u(pr, "sig_data", a->sig_data);
}

static void print_events(struct printer *pr)
{
	for (size_t i = 0; i < pf_perfdata_nr_evsel(pr->pd); i++) {
		const struct pf_evsel *e = pf_perfdata_evsel(pr->pd, i);

		sp_ob_printf(pr, "# event : name = %s, ", e->name);
		if (e->nr_ids) {
			ob_puts(pr, ", id = {");
			for (size_t k = 0; k < e->nr_ids; k++)
				sp_ob_printf(pr, "%s %" PRIu64, k ? "," : "", e->ids[k]);
			ob_puts(pr, " }");
		}
		print_attr(pr, &e->attr);
		ob_putc(pr, '\n');
	}
}

/* A feature string: u32 length, then that many bytes, NUL-padded.  Its
   text and *POS moved past it; NULL past the end. */
static const char *feat_str(const unsigned char *p, size_t size, size_t *pos, int *len)
{
	if (size - *pos < 4)
		return NULL;
	uint32_t n = load_u32(p + *pos);
	if (n > size - *pos - 4)
		return NULL;
	const char *s = (const char *)p + *pos + 4;
	*len = (int)strnlen(s, n);
	*pos += 4 + n;
	return s;
}

static void print_cmdline(struct printer *pr, const unsigned char *p, size_t size)
{
	size_t pos = 4;
	const char *s;
	int len;

	if (size < 4)
		return;
	ob_puts(pr, "# cmdline : ");
	for (uint32_t i = 0, n = load_u32(p); i < n && (s = feat_str(p, size, &pos, &len)); i++)
		sp_ob_printf(pr, "%.*s ", len, s);
	ob_putc(pr, '\n');
}

static void print_pmu_mappings(struct printer *pr, const unsigned char *p, size_t size)
{
	size_t pos = 4;
	const char *s, *sep = "";
	int len;

	if (size < 4)
		return;
	ob_puts(pr, "# pmu mappings: ");
	uint32_t n = load_u32(p);
	if (!n)
		ob_puts(pr, "not available");
	for (uint32_t i = 0; i < n && size - pos >= 4; i++) {
		uint32_t type = load_u32(p + pos);

		pos += 4;
		if (!(s = feat_str(p, size, &pos, &len)))
			break;
		sp_ob_printf(pr, "%s%.*s = %" PRIu32, sep, len, s, type);
		sep = ", ";
	}
	ob_putc(pr, '\n');
}

/* "# group: name{a,b}" for each group of more than one event. */
static void print_groups(struct printer *pr, const unsigned char *p, size_t size)
{
	size_t pos = 4, nev = pf_perfdata_nr_evsel(pr->pd);
	const char *s;
	int len;

	if (size < 4)
		return;
	for (uint32_t i = 0, n = load_u32(p); i < n; i++) {
		if (!(s = feat_str(p, size, &pos, &len)) || size - pos < 8)
			break;
		uint32_t leader = load_u32(p + pos), members = load_u32(p + pos + 4);
		pos += 8;
		if (members < 2 || leader >= nev || members > nev - leader)
			continue;
		if (len == 12 && strncmp(s, "{anon_group}", 12) == 0)
			len = 0;
		sp_ob_printf(pr, "# group: %.*s{", len, s);
		for (uint32_t k = 0; k < members; k++)
			sp_ob_printf(pr, "%s%s", k ? "," : "",
				     pf_perfdata_evsel(pr->pd, leader + k)->name);
		ob_puts(pr, "}\n");
	}
}

static void print_sample_time(struct printer *pr, const unsigned char *p, size_t size)
{
	if (size < 16)
		return;
	uint64_t first = load_u64(p), last = load_u64(p + 8);
	sp_ob_printf(pr, "# time of first sample : %" PRIu64 ".%06" PRIu64 "\n",
		     first / 1000000000, first % 1000000000 / 1000);
	sp_ob_printf(pr, "# time of last sample : %" PRIu64 ".%06" PRIu64 "\n",
		     last / 1000000000, last % 1000000000 / 1000);
	sp_ob_printf(pr, "# sample duration : %10.3f ms\n", (double)(last - first) / 1e6);
}

static const char *clock_name(uint32_t id)
{
	switch (id) {
	case CLOCK_MONOTONIC: return "monotonic";
	case CLOCK_MONOTONIC_RAW: return "monotonic_raw";
	case CLOCK_REALTIME: return "realtime";
	case CLOCK_BOOTTIME: return "boottime";
	case CLOCK_TAI: return "tai";
	}
	return "(not found)";
}

/* CLOCK_DATA: the recording clock against the time of day. */
static void print_clock_data(struct printer *pr, const unsigned char *p, size_t size)
{
	char date[64];
	struct tm tm;

	if (size < 24)
		return;
	uint32_t id = load_u32(p + 4);
	uint64_t tod = load_u64(p + 8), clk = load_u64(p + 16);
	time_t sec = (time_t)(tod / 1000000000);
	long usec = (long)(tod % 1000000000 / 1000);
	if (localtime_r(&sec, &tm))
		strftime(date, sizeof date, "%F %T", &tm);
	else
		strcpy(date, "<error>");
	sp_ob_printf(pr, "# clockid: %s (%u)\n", clock_name(id), id);
	sp_ob_printf(pr, "# reference time: %s.%06ld = %ld.%06ld (TOD) = %ld.%09ld (%s)\n",
		     date, usec, (long)sec, usec, (long)(clk / 1000000000),
		     (long)(clk % 1000000000), clock_name(id));
}

static void print_cpu_pmu_caps(struct printer *pr, const unsigned char *p, size_t size)
{
	size_t pos = 4;
	const char *name, *value;
	int nl, vl;

	if (size < 4)
		return;
	uint32_t n = load_u32(p);
	if (!n) {
		ob_puts(pr, "# cpu pmu capabilities: not available\n");
		return;
	}
	ob_puts(pr, "# cpu pmu capabilities: ");
	for (uint32_t i = 0; i < n; i++) {
		if (!(name = feat_str(p, size, &pos, &nl)) || !(value = feat_str(p, size, &pos, &vl)))
			break;
		sp_ob_printf(pr, "%s%.*s=%.*s", i ? ", " : "", nl, name, vl, value);
	}
	ob_putc(pr, '\n');
}

static const char *const feat_names[HEADER_LAST_FEATURE] = {
	NULL, "TRACING_DATA", "BUILD_ID", "HOSTNAME", "OSRELEASE", "VERSION", "ARCH",
	"NRCPUS", "CPUDESC", "CPUID", "TOTAL_MEM", "CMDLINE", "EVENT_DESC", "CPU_TOPOLOGY",
	"NUMA_TOPOLOGY", "BRANCH_STACK", "PMU_MAPPINGS", "GROUP_DESC", "AUXTRACE", "STAT",
	"CACHE", "SAMPLE_TIME", "MEM_TOPOLOGY", "CLOCKID", "DIR_FORMAT", "BPF_PROG_INFO",
	"BPF_BTF", "COMPRESSED", "CPU_PMU_CAPS", "CLOCK_DATA", "HYBRID_TOPOLOGY", "PMU_CAPS",
};

/* One feature's lines, as perf prints it without -I. */
void sp_print_feature(struct printer *pr, int feat)
{
	static const struct { int feat; const char *label; } strs[] = {
		{ HEADER_HOSTNAME, "hostname" }, { HEADER_OSRELEASE, "os release" },
		{ HEADER_VERSION, "perf version" }, { HEADER_ARCH, "arch" },
		{ HEADER_CPUDESC, "cpudesc" }, { HEADER_CPUID, "cpuid" },
	};
	size_t size;
	const unsigned char *p = pf_perfdata_feature(pr->pd, feat, &size);
	const char *s;

	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
		if (strs[i].feat == feat) {
			if ((s = pf_perfdata_feature_string(pr->pd, feat)))
				sp_ob_printf(pr, "# %s : %s\n", strs[i].label, s);
			return;
		}
	switch (feat) {
	case HEADER_NRCPUS:
		if (size >= 8)
			sp_ob_printf(pr, "# nrcpus online : %u\n# nrcpus avail : %u\n",
				     load_u32(p + 4), load_u32(p));
		break;
	case HEADER_TOTAL_MEM:
		if (size >= 8)
			sp_ob_printf(pr, "# total memory : %" PRIu64 " kB\n", load_u64(p));
		break;
	case HEADER_CMDLINE: print_cmdline(pr, p, size); break;
	case HEADER_EVENT_DESC: print_events(pr); break;
	case HEADER_CPU_TOPOLOGY: case HEADER_NUMA_TOPOLOGY: case HEADER_CACHE:
	case HEADER_MEM_TOPOLOGY: case HEADER_HYBRID_TOPOLOGY:
		sp_ob_printf(pr, "# %s info available, use -I to display\n", feat_names[feat]);
		break;
	case HEADER_BRANCH_STACK: ob_puts(pr, "# contains samples with branch stack\n"); break;
	case HEADER_PMU_MAPPINGS: print_pmu_mappings(pr, p, size); break;
	case HEADER_GROUP_DESC: print_groups(pr, p, size); break;
	case HEADER_AUXTRACE:
		ob_puts(pr, "# contains AUX area data (e.g. instruction trace)\n");
		break;
	case HEADER_STAT: ob_puts(pr, "# contains stat data\n"); break;
	case HEADER_SAMPLE_TIME: print_sample_time(pr, p, size); break;
	case HEADER_CLOCKID:
		if (size >= 8)
			sp_ob_printf(pr, "# clockid frequency: %" PRIu64 " MHz\n", load_u64(p) * 1000);
		break;
	case HEADER_DIR_FORMAT:
		if (size >= 8)
			sp_ob_printf(pr, "# directory data version : %" PRIu64 "\n", load_u64(p));
		break;
	case HEADER_COMPRESSED:
		if (size >= 16)
			sp_ob_printf(pr, "# compressed : %s, level = %d, ratio = %d\n",
				     load_u32(p + 4) == 1 ? "Zstd" : "Unknown", (int)load_u32(p + 8),
				     (int)load_u32(p + 12));
		break;
	case HEADER_CPU_PMU_CAPS: print_cpu_pmu_caps(pr, p, size); break;
	case HEADER_CLOCK_DATA: print_clock_data(pr, p, size); break;
	}
	/* TRACING_DATA, BUILD_ID, the BPF ones and PMU_CAPS print nothing
	   here (perf 6.1 without -I, with no PMU capabilities to show). */
}

void sp_print_header(struct printer *pr)
{
	pf_perfdata *pd = pr->pd;
	uint64_t offset, size;
	struct stat st;
	int fd = pf_perfdata_fd(pd);

	ob_puts(pr, "# ========\n");
	if (fd >= 0 && fstat(fd, &st) == 0)
		sp_ob_printf(pr, "# captured on    : %s", ctime(&st.st_mtime));
	/* A stream's features come as records, each printed as it passes
	   (sp_print_feature). */
	if (pf_perfdata_data_section(pd, &offset, &size) < 0) {
		ob_puts(pr, "# header version : 1\n# data offset    : 0\n# data size      : 0\n"
			"# feat offset    : 0\n# ========\n#\n");
		return;
	}
	sp_ob_printf(pr, "# header version : 1\n# data offset    : %" PRIu64 "\n"
		"# data size      : %" PRIu64 "\n# feat offset    : %" PRIu64 "\n",
		offset, size, offset + size);
	for (int f = HEADER_FIRST_FEATURE; f < HEADER_LAST_FEATURE; f++)
		if (pf_perfdata_has_feature(pd, f))
			sp_print_feature(pr, f);
	ob_puts(pr, "# missing features: ");
	for (int f = HEADER_FIRST_FEATURE; f < HEADER_LAST_FEATURE; f++)
		if (!pf_perfdata_has_feature(pd, f))
			sp_ob_printf(pr, "%s ", feat_names[f]);
	ob_puts(pr, "\n# ========\n#\n");
}
