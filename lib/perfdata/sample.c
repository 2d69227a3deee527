/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * perf.data events and samples: the attribute table and its sample ids,
 * event names (HEADER_EVENT_DESC, EVENT_UPDATE, or derived from the
 * attribute as perf does), header features, the sample_id trailer of
 * side-band records, and decoding PERF_RECORD_SAMPLE by sample_type in the
 * kernel's field order (include/uapi/linux/perf_event.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "perfdata/read-int.h"

static char *derive_name(const struct perf_event_attr *a);

int pd_add_evsel(pf_perfdata *pd, const void *attr, size_t attr_size,
		 const uint64_t *ids, size_t nr_ids, uint64_t off)
{
	struct pf_evsel *e;
	void *p;

	p = mem_realloc(pd->evsel, (pd->nr_evsel + 1) * sizeof *pd->evsel);
	if (!p)
		return -1;
	pd->evsel = p;
	e = calloc(1, sizeof *e + nr_ids * sizeof *ids);
	if (!e) {
		error_set("%s: out of memory", pd->name);
		return -1;
	}
	memcpy(&e->attr, attr, attr_size < sizeof e->attr ? attr_size : sizeof e->attr);
	e->attr.size = sizeof e->attr;
	e->ids = (const uint64_t *)(e + 1);
	memcpy((uint64_t *)(e + 1), ids, nr_ids * sizeof *ids);
	e->nr_ids = nr_ids;
	e->idx = (int)pd->nr_evsel;
	e->name = derive_name(&e->attr);
	if (!e->name) {
		free(e);
		error_set("%s: out of memory", pd->name);
		return -1;
	}
	pd->evsel[pd->nr_evsel++] = e;

	if (nr_ids == 0)
		return 0;
	p = mem_realloc(pd->idmap, (pd->nr_idmap + nr_ids) * sizeof *pd->idmap);
	if (!p)
		return -1;
	pd->idmap = p;
	for (size_t i = 0; i < nr_ids; i++) {
		memcpy(&pd->idmap[pd->nr_idmap].id, (const char *)ids + 8 * i, 8);
		pd->idmap[pd->nr_idmap++].idx = (size_t)e->idx;
	}
	pd->idmap_sorted = 0;
	(void)off;
	return 0;
}

int pd_read_attrs(pf_perfdata *pd, const struct perfdata_header *h)
{
	uint64_t n, esz = h->attr_size;

	if (h->attrs.offset > pd->mem_size || h->attrs.size > pd->mem_size - h->attrs.offset) {
		error_set("%s: attribute section lies outside the file (offset 24)", pd->name);
		return -1;
	}
	if (esz < PERF_ATTR_SIZE_VER0 + sizeof(struct perfdata_section) || esz > 4096) {
		error_set("%s: bad attribute entry size %llu at offset 16",
			  pd->name, (unsigned long long)esz);
		return -1;
	}
	n = h->attrs.size / esz;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t off = h->attrs.offset + i * esz;
		const unsigned char *a = pd->mem + off;
		struct perfdata_section ids;

		memcpy(&ids, a + esz - sizeof ids, sizeof ids);
		if (ids.offset > pd->mem_size || ids.size > pd->mem_size - ids.offset) {
			error_set("%s: sample ids of attribute %llu lie outside the file (offset %llu)",
				  pd->name, (unsigned long long)i,
				  (unsigned long long)(off + esz - sizeof ids));
			return -1;
		}
		uint64_t *idv = malloc(ids.size + 8);
		if (!idv) {
			error_set("%s: out of memory", pd->name);
			return -1;
		}
		memcpy(idv, pd->mem + ids.offset, ids.size);
		int r = pd_add_evsel(pd, a, esz - sizeof ids, idv, ids.size / 8, off);
		free(idv);
		if (r < 0)
			return -1;
	}
	return 0;
}

int pd_set_feature(pf_perfdata *pd, int feat, const void *data, size_t size,
		   int copy, uint64_t off)
{
	(void)off;
	free(pd->feat_owned[feat]);
	pd->feat_owned[feat] = NULL;
	free(pd->feat_str[feat]);
	pd->feat_str[feat] = NULL;
	if (copy) {
		void *p = mem_alloc(size ? size : 1);

		if (!p)
			return -1;
		memcpy(p, data, size);
		pd->feat_owned[feat] = p;
		data = p;
	}
	pd->feat[feat] = data;
	pd->feat_size[feat] = size;
	return 0;
}

int pd_read_features(pf_perfdata *pd, const struct perfdata_header *h,
		     const unsigned char *mem, uint64_t base, size_t len)
{
	uint64_t off = h->data.offset + h->data.size, end = base + len;

	for (int feat = 1; feat < HEADER_FEAT_BITS; feat++) {
		struct perfdata_section s;

		if (!(h->adds_features[feat / 64] & (1ULL << (feat % 64))))
			continue;
		/* A truncated table or a section outside the file: ignore the
		   features, as perf does, since the samples are still good. */
		if (off < base || off > end || end - off < sizeof s)
			return 0;
		memcpy(&s, mem + (off - base), sizeof s);
		off += sizeof s;
		if (s.offset < base || s.offset > end || s.size > end - s.offset)
			continue;
		pd_set_feature(pd, feat, mem + (s.offset - base), s.size, 0, 0);
	}
	return 0;
}

PF_EXPORT const void *pf_perfdata_feature(const pf_perfdata *pd, int feat, size_t *size)
{
	if (feat <= 0 || feat >= HEADER_FEAT_BITS || !pd->feat[feat]) {
		*size = 0;
		return NULL;
	}
	*size = pd->feat_size[feat];
	return pd->feat[feat];
}

PF_EXPORT const char *pf_perfdata_feature_string(const pf_perfdata *pd, int feat)
{
	size_t size;
	const unsigned char *p = pf_perfdata_feature(pd, feat, &size);
	uint32_t len;

	if (!p || size < 4)
		return NULL;
	if (pd->feat_str[feat])
		return pd->feat_str[feat];
	memcpy(&len, p, 4);
	if (len > size - 4)
		len = (uint32_t)(size - 4);
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	memcpy(s, p + 4, len);
	s[len] = 0;
	((pf_perfdata *)pd)->feat_str[feat] = s;
	return s;
}

static const char *const sw_names[] = {
	"cpu-clock", "task-clock", "page-faults", "context-switches",
	"cpu-migrations", "minor-faults", "major-faults", "alignment-faults",
	"emulation-faults", "dummy", "bpf-output", "cgroup-switches",
};
static const char *const hw_names[] = {
	"cycles", "instructions", "cache-references", "cache-misses",
	"branches", "branch-misses", "bus-cycles", "stalled-cycles-frontend",
	"stalled-cycles-backend", "ref-cycles",
};

/* A name from the attribute alone, as perf's evsel__name() makes it when
   the recording does not carry one. */
static char *derive_name(const struct perf_event_attr *a)
{
	char buf[64];

	if (a->type == PERF_TYPE_SOFTWARE && a->config < sizeof sw_names / sizeof *sw_names)
		snprintf(buf, sizeof buf, "%s", sw_names[a->config]);
	else if (a->type == PERF_TYPE_HARDWARE && a->config < sizeof hw_names / sizeof *hw_names)
		snprintf(buf, sizeof buf, "%s", hw_names[a->config]);
	else if (a->type == PERF_TYPE_TRACEPOINT)
		snprintf(buf, sizeof buf, "unknown:unknown");
	else
		snprintf(buf, sizeof buf, "raw 0x%llx", (unsigned long long)a->config);
	return strdup(buf);
}

static void set_name(struct pf_evsel *e, char *name)
{
	if (!name)
		return;
	free((char *)e->name);
	e->name = name;
}

/* HEADER_EVENT_DESC: u32 nr, u32 attr_size, then per event the attribute,
   u32 nr_ids, a string (u32 len + bytes) and the ids. */
void pd_name_events(pf_perfdata *pd)
{
	size_t size, pos = 8;
	const unsigned char *p = pf_perfdata_feature(pd, HEADER_EVENT_DESC, &size);
	uint32_t nr = 0, asz = 0;

	if (p && size >= 8) {
		memcpy(&nr, p, 4);
		memcpy(&asz, p + 4, 4);
	}
	for (uint32_t i = 0; i < nr && i < pd->nr_evsel; i++) {
		uint32_t nids, len;

		if (size - pos < (uint64_t)asz + 8)
			break;
		pos += asz;
		memcpy(&nids, p + pos, 4);
		memcpy(&len, p + pos + 4, 4);
		pos += 8;
		if (len > size - pos)
			break;
		set_name(pd->evsel[i], strndup((const char *)p + pos, len));
		pos += len;
		if ((uint64_t)nids * 8 > size - pos)
			break;
		pos += (size_t)nids * 8;
	}
	for (size_t i = 0; i < pd->nr_evsel; i++)
		if (!pd->evsel[i]->name)
			set_name(pd->evsel[i], derive_name(&pd->evsel[i]->attr));
}

/* PERF_RECORD_EVENT_UPDATE: u64 type, u64 id, then for type NAME the name;
   the other types (unit, scale, cpus) are not used. */
int pd_event_update(pf_perfdata *pd, const unsigned char *rec, size_t size)
{
	uint64_t type, id;

	if (size < 24)
		return 0;
	memcpy(&type, rec + 8, 8);
	memcpy(&id, rec + 16, 8);
	if (type != PERFDATA_EVENT_UPDATE_NAME)
		return 0;
	for (size_t i = 0; i < pd->nr_evsel; i++)
		for (size_t j = 0; j < pd->evsel[i]->nr_ids; j++)
			if (pd->evsel[i]->ids[j] == id) {
				set_name(pd->evsel[i], strndup((const char *)rec + 24, size - 24));
				return 0;
			}
	return 0;
}

void pd_free_events(pf_perfdata *pd)
{
	for (size_t i = 0; i < pd->nr_evsel; i++) {
		free((char *)pd->evsel[i]->name);
		free(pd->evsel[i]);
	}
	free(pd->evsel);
	free(pd->idmap);
}

PF_EXPORT size_t pf_perfdata_nr_evsel(const pf_perfdata *pd)
{
	return pd->nr_evsel;
}

PF_EXPORT const struct pf_evsel *pf_perfdata_evsel(const pf_perfdata *pd, size_t idx)
{
	return idx < pd->nr_evsel ? pd->evsel[idx] : NULL;
}

static int idmap_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static const struct pf_evsel *by_id(pf_perfdata *pd, uint64_t id)
{
	size_t lo = 0, hi;

	if (!pd->idmap_sorted) {
		qsort(pd->idmap, pd->nr_idmap, sizeof *pd->idmap, idmap_cmp);
		pd->idmap_sorted = 1;
	}
	hi = pd->nr_idmap;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pd->idmap[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pd->nr_idmap && pd->idmap[lo].id == id)
		return pd->evsel[pd->idmap[lo].idx];
	return NULL;
}

/* The event a record belongs to, found by its sample id when the recording
   has several events.  All events of a recording share the id's position
   (perf insists), so the first event's sample_type locates it. */
const struct pf_evsel *pd_evsel_of(pf_perfdata *pd, const unsigned char *rec,
				   size_t size, uint32_t type)
{
	const struct perf_event_attr *a;
	uint64_t st, id;
	size_t pos;

	if (pd->nr_evsel <= 1)
		return pd->nr_evsel ? pd->evsel[0] : NULL;
	a = &pd->evsel[0]->attr;
	st = a->sample_type;
	if (!(st & (PERF_SAMPLE_ID | PERF_SAMPLE_IDENTIFIER)))
		return pd->evsel[0];
	if (type == PERF_RECORD_SAMPLE) {
		if (st & PERF_SAMPLE_IDENTIFIER) {
			pos = 8;
		} else {
			pos = 8;
			pos += !!(st & PERF_SAMPLE_IP) * 8;
			pos += !!(st & PERF_SAMPLE_TID) * 8;
			pos += !!(st & PERF_SAMPLE_TIME) * 8;
			pos += !!(st & PERF_SAMPLE_ADDR) * 8;
		}
	} else {
		if (!a->sample_id_all)
			return NULL;
		if (st & PERF_SAMPLE_IDENTIFIER) {
			pos = size - 8;
		} else {
			size_t back = 8;
			back += !!(st & PERF_SAMPLE_CPU) * 8;
			back += !!(st & PERF_SAMPLE_STREAM_ID) * 8;
			if (size < back)
				return NULL;
			pos = size - back;
		}
	}
	if (pos + 8 > size)
		return NULL;
	memcpy(&id, rec + pos, 8);
	/* Records perf synthesized (of processes running before the
	   recording) may carry id 0: they belong to the first event. */
	return id ? by_id(pd, id) : pd->evsel[0];
}

/* Fill time, pid/tid and cpu of REC: from the sample, or from the
   sample_id trailer that sample_id_all appends to side-band records. */
void pd_sample_id(pf_perfdata *pd, const unsigned char *rec, size_t size,
		  struct pf_record *r)
{
	const struct pf_evsel *e = r->evsel ? r->evsel : pd_evsel_of(pd, rec, size,
			((const struct perf_event_header *)rec)->type);
	uint32_t type = ((const struct perf_event_header *)rec)->type;
	uint64_t st;
	size_t pos;

	if (!e)
		e = pd->nr_evsel ? pd->evsel[0] : NULL;
	if (!e)
		return;
	st = e->attr.sample_type;
	if (type == PERF_RECORD_SAMPLE) {
		/* The fields before the variable-sized ones sit at fixed
		   places: no need to decode the whole sample. */
		pos = 8 + !!(st & PERF_SAMPLE_IDENTIFIER) * 8 + !!(st & PERF_SAMPLE_IP) * 8;
		if (st & PERF_SAMPLE_TID) {
			if (pos + 8 <= size) {
				memcpy(&r->pid, rec + pos, 4);
				memcpy(&r->tid, rec + pos + 4, 4);
			}
			pos += 8;
		}
		if (st & PERF_SAMPLE_TIME) {
			if (pos + 8 <= size)
				memcpy(&r->time, rec + pos, 8);
			pos += 8;
		}
		pos += !!(st & PERF_SAMPLE_ADDR) * 8 + !!(st & PERF_SAMPLE_ID) * 8 +
		       !!(st & PERF_SAMPLE_STREAM_ID) * 8;
		if ((st & PERF_SAMPLE_CPU) && pos + 4 <= size) {
			uint32_t cpu;

			memcpy(&cpu, rec + pos, 4);
			r->cpu = (int32_t)cpu;
		}
		return;
	}
	if (!e->attr.sample_id_all)
		return;
	pos = size;
	/* The trailer, read from its end: IDENTIFIER, CPU, STREAM_ID, ID,
	   TIME, TID. */
#define BACK(bit) ((st & (bit)) && pos >= 16 ? (pos -= 8, 1) : 0)
	if (BACK(PERF_SAMPLE_IDENTIFIER)) {}
	if (BACK(PERF_SAMPLE_CPU)) {
		uint32_t cpu;
		memcpy(&cpu, rec + pos, 4);
		r->cpu = (int32_t)cpu;
	}
	if (BACK(PERF_SAMPLE_STREAM_ID)) {}
	if (BACK(PERF_SAMPLE_ID)) {}
	if (BACK(PERF_SAMPLE_TIME))
		memcpy(&r->time, rec + pos, 8);
	if (BACK(PERF_SAMPLE_TID)) {
		memcpy(&r->pid, rec + pos, 4);
		memcpy(&r->tid, rec + pos + 4, 4);
	}
#undef BACK
}

struct cursor {
	const unsigned char *p;
	size_t pos, size;
};

static int take(struct cursor *c, uint64_t *v)
{
	if (c->size - c->pos < 8)
		return -1;
	memcpy(v, c->p + c->pos, 8);
	c->pos += 8;
	return 0;
}

static int skip(struct cursor *c, uint64_t n)
{
	if (n > c->size - c->pos)
		return -1;
	c->pos += (size_t)n;
	return 0;
}

static int read_values(struct cursor *c, uint64_t rf)
{
	uint64_t nr = 1, per = 8, v;

	if (rf & PERF_FORMAT_ID)
		per += 8;
#ifdef PERF_FORMAT_LOST
	if (rf & PERF_FORMAT_LOST)
		per += 8;
#endif
	if (rf & PERF_FORMAT_GROUP) {
		if (take(c, &nr) < 0)
			return -1;
	}
	if ((rf & PERF_FORMAT_TOTAL_TIME_ENABLED) && take(c, &v) < 0)
		return -1;
	if ((rf & PERF_FORMAT_TOTAL_TIME_RUNNING) && take(c, &v) < 0)
		return -1;
	if (nr > c->size / per)
		return -1;
	return skip(c, nr * per);
}

static int regs(struct cursor *c, uint64_t mask, uint64_t *abi, const uint64_t **r)
{
	if (take(c, abi) < 0)
		return -1;
	if (*abi == 0)
		return 0;
	*r = (const uint64_t *)(c->p + c->pos);
	return skip(c, (uint64_t)__builtin_popcountll(mask) * 8);
}

PF_EXPORT int pf_perfdata_sample(pf_perfdata *pd, const struct pf_record *rec,
				 struct pf_sample *s)
{
	const struct pf_evsel *e = rec->evsel;
	struct cursor c = { rec->data, 8, rec->size };
	uint64_t st, v;
	const char *what = "sample";

	memset(s, 0, sizeof *s);
	s->pid = s->tid = -1;
	if (!e) {
		error_set("%s: sample of an unknown event at offset %llu",
			  pd->name, (unsigned long long)rec->offset);
		return -1;
	}
	s->evsel = e;
	s->cpumode = rec->misc & PERF_RECORD_MISC_CPUMODE_MASK;
	st = e->attr.sample_type;
	s->period = e->attr.freq ? 0 : e->attr.sample_period;
#define FIELD(bit, dst) \
	if ((st & (bit)) && (what = #bit, take(&c, &v) < 0)) goto bad; \
	else if (st & (bit)) dst
	FIELD(PERF_SAMPLE_IDENTIFIER, s->id = v);
	FIELD(PERF_SAMPLE_IP, s->ip = v);
	FIELD(PERF_SAMPLE_TID, (s->pid = (int32_t)(uint32_t)v, s->tid = (int32_t)(v >> 32)));
	FIELD(PERF_SAMPLE_TIME, s->time = v);
	FIELD(PERF_SAMPLE_ADDR, s->addr = v);
	FIELD(PERF_SAMPLE_ID, s->id = v);
	FIELD(PERF_SAMPLE_STREAM_ID, s->stream_id = v);
	FIELD(PERF_SAMPLE_CPU, s->cpu = (uint32_t)v);
	FIELD(PERF_SAMPLE_PERIOD, s->period = v);
	if (st & PERF_SAMPLE_READ) {
		what = "read values";
		if (read_values(&c, e->attr.read_format) < 0)
			goto bad;
	}
	if (st & PERF_SAMPLE_CALLCHAIN) {
		what = "callchain";
		if (take(&c, &s->nr_callchain) < 0 || s->nr_callchain > c.size / 8)
			goto bad;
		s->callchain = (const uint64_t *)(c.p + c.pos);
		if (skip(&c, s->nr_callchain * 8) < 0)
			goto bad;
	}
	if (st & PERF_SAMPLE_RAW) {
		uint32_t n;

		what = "raw data";
		if (c.size - c.pos < 4)
			goto bad;
		memcpy(&n, c.p + c.pos, 4);
		s->raw_size = n;
		s->raw = c.p + c.pos + 4;
		if (skip(&c, ((uint64_t)n + 4 + 7) & ~7ULL) < 0)
			goto bad;
	}
	if (st & PERF_SAMPLE_BRANCH_STACK) {
		what = "branch stack";
		if (take(&c, &v) < 0 || v > c.size / 24)
			goto bad;
		if ((e->attr.branch_sample_type & PERF_SAMPLE_BRANCH_HW_INDEX) &&
		    skip(&c, 8) < 0)
			goto bad;
		if (skip(&c, v * 24) < 0)
			goto bad;
	}
	if (st & PERF_SAMPLE_REGS_USER) {
		what = "user registers";
		s->user_regs_mask = e->attr.sample_regs_user;
		if (regs(&c, e->attr.sample_regs_user, &s->user_abi, &s->user_regs) < 0)
			goto bad;
	}
	if (st & PERF_SAMPLE_STACK_USER) {
		what = "user stack";
		if (take(&c, &s->stack_size) < 0)
			goto bad;
		s->stack = c.p + c.pos;
		if (skip(&c, s->stack_size) < 0)
			goto bad;
		if (s->stack_size && take(&c, &s->stack_dyn_size) < 0)
			goto bad;
		if (s->stack_dyn_size > s->stack_size)
			s->stack_dyn_size = s->stack_size;
	}
	FIELD(PERF_SAMPLE_WEIGHT | PERF_SAMPLE_WEIGHT_STRUCT, s->weight = v);
	FIELD(PERF_SAMPLE_DATA_SRC, s->data_src = v);
	FIELD(PERF_SAMPLE_TRANSACTION, s->transaction = v);
	if (st & PERF_SAMPLE_REGS_INTR) {
		uint64_t abi;
		const uint64_t *r;

		what = "interrupt registers";
		if (regs(&c, e->attr.sample_regs_intr, &abi, &r) < 0)
			goto bad;
	}
	FIELD(PERF_SAMPLE_PHYS_ADDR, s->phys_addr = v);
	FIELD(PERF_SAMPLE_CGROUP, s->cgroup = v);
	FIELD(PERF_SAMPLE_DATA_PAGE_SIZE, s->data_page_size = v);
	FIELD(PERF_SAMPLE_CODE_PAGE_SIZE, s->code_page_size = v);
#undef FIELD
	return 0;
bad:
	error_set("%s: malformed sample (%s) at offset %llu", pd->name, what,
		  (unsigned long long)(rec->offset + c.pos));
	return -1;
}
