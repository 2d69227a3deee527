/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pprof builder and encoder (pprof-int.h), and folded stacks to pprof
 * (pf_export_fold_pprof).  Field numbers are profile.proto's.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include <pf/export.h>
#include "util/pf-int.h"
#include "util/hash-int.h"
#include "export/pb-int.h"
#include "export/pprof-int.h"

/* One interned object: KEY (its kind first) to its index. */
struct key_ent {
	struct table_entry h;
	const char *key;
	size_t len;
	size_t index;
};

enum { K_MAPPING = 1, K_FUNCTION, K_LOCATION, K_SAMPLE };

int pp_init(struct pprof *pp)
{
	memset(pp, 0, sizeof *pp);
	if (strmap_init(&pp->strings) < 0 ||
	    table_init(&pp->keys, sizeof(struct key_ent), 1024) < 0 ||
	    pp_string(pp, "", 0) != 0)
		return -1;
	return 0;
}

void pp_release(struct pprof *pp)
{
	arena_release(&pp->arena);
	strmap_release(&pp->strings);
	table_release(&pp->keys);
	free(pp->str);
	free(pp->str_len);
	free(pp->map);
	free(pp->fn);
	free(pp->loc);
	free(pp->smp);
	free(pp->ids);
	free(pp->type);
	free(pp->unit);
	free(pp->comment);
	buf_release(&pp->key);
}

int64_t pp_string(struct pprof *pp, const char *s, size_t len)
{
	struct strmap_entry *e = strmap_find(&pp->strings, s, len);
	char *copy;

	if (e)
		return (int64_t)e->value;
	if (GROW(pp->str, pp->str_cap, pp->nr_str + 1) < 0 ||
	    GROW(pp->str_len, pp->str_len_cap, pp->nr_str + 1) < 0 ||
	    !(copy = arena_strndup(&pp->arena, s, len)) ||
	    strmap_put(&pp->strings, copy, len, pp->nr_str) < 0)
		return -1;
	pp->str[pp->nr_str] = copy;
	pp->str_len[pp->nr_str] = len;
	return (int64_t)pp->nr_str++;
}

int64_t pp_sample_type(struct pprof *pp, const char *type, const char *unit)
{
	int64_t t = pp_str(pp, type), u = pp_str(pp, unit);

	if (t < 0 || u < 0)
		return -1;
	for (size_t i = 0; i < pp->nr_type; i++)
		if (pp->type[i] == t && pp->unit[i] == u)
			return (int64_t)i;
	size_t cap = pp->type_cap;
	if (GROW(pp->type, pp->type_cap, pp->nr_type + 1) < 0 ||
	    GROW(pp->unit, cap, pp->nr_type + 1) < 0)
		return -1;
	pp->type[pp->nr_type] = t;
	pp->unit[pp->nr_type] = u;
	return (int64_t)pp->nr_type++;
}

/* The index KEY (pp->key) has, or NEW when it is new.  SIZE_MAX when out
   of memory. */
static size_t intern(struct pprof *pp, size_t next)
{
	const struct buf *k = &pp->key;
	uint64_t h = table_hash(pf_hash(k->p, k->len));
	struct key_ent *e;
	char *copy;
	int grown;

	TABLE_PROBE(&pp->keys, h, e)
		if (e->h.hash == h && e->len == k->len && !memcmp(e->key, k->p, k->len))
			return e->index;
	if ((grown = table_reserve(&pp->keys)) < 0 || !(copy = arena_alloc(&pp->arena, k->len)))
		return SIZE_MAX;
	if (grown)
		TABLE_PROBE(&pp->keys, h, e)
			;
	memcpy(copy, k->p, k->len);
	*e = (struct key_ent){ { h }, copy, k->len, next };
	table_filled(&pp->keys);
	return next;
}

static int key_start(struct pprof *pp, int kind, const void *data, size_t n)
{
	pp->key.len = 0;
	return buf_addc(&pp->key, (char)kind) | buf_add(&pp->key, data, n);
}

/* The id of ITEM (SIZE bytes) among the interned items of KIND in *ARR,
   appended when new; 0 when out of memory. */
static uint64_t intern_item(struct pprof *pp, int kind, const void *item, size_t size,
			    void **arr, size_t *nr, size_t *cap)
{
	size_t i;

	if (key_start(pp, kind, item, size) < 0 || (i = intern(pp, *nr)) == SIZE_MAX)
		return 0;
	if (i == *nr) {
		if (mem_grow(arr, cap, *nr + 1, size, 16) < 0)
			return 0;
		memcpy((char *)*arr + *nr * size, item, size);
		(*nr)++;
	}
	return i + 1;
}

uint64_t pp_mapping(struct pprof *pp, const struct pp_mapping *m)
{
	return intern_item(pp, K_MAPPING, m, sizeof *m, (void **)&pp->map, &pp->nr_map,
			   &pp->map_cap);
}

uint64_t pp_function(struct pprof *pp, const struct pp_function *f)
{
	return intern_item(pp, K_FUNCTION, f, sizeof *f, (void **)&pp->fn, &pp->nr_fn,
			   &pp->fn_cap);
}

static int add_ids(struct pprof *pp, const uint64_t *v, size_t n, size_t *at)
{
	if (GROW(pp->ids, pp->ids_cap, pp->nr_ids + n + 1) < 0)
		return -1;
	*at = pp->nr_ids;
	if (n)
		memcpy(pp->ids + pp->nr_ids, v, n * sizeof *v);
	pp->nr_ids += n;
	return 0;
}

uint64_t pp_location(struct pprof *pp, uint64_t mapping, uint64_t address,
		     const uint64_t *fn_ids, size_t n)
{
	uint64_t head[2] = { mapping, address };
	size_t i, at;

	if (key_start(pp, K_LOCATION, head, sizeof head) < 0 ||
	    buf_add(&pp->key, fn_ids, n * sizeof *fn_ids) < 0 ||
	    (i = intern(pp, pp->nr_loc)) == SIZE_MAX)
		return 0;
	if (i == pp->nr_loc) {
		if (GROW(pp->loc, pp->loc_cap, pp->nr_loc + 1) < 0 ||
		    add_ids(pp, fn_ids, n, &at) < 0)
			return 0;
		pp->loc[pp->nr_loc++] = (struct pp_location){ mapping, address, at, n };
	}
	return i + 1;
}

int pp_add_sample(struct pprof *pp, const uint64_t *locs, size_t n, size_t type,
		  int64_t pid, int64_t tid, int64_t comm, int64_t thread_comm,
		  uint64_t value)
{
	int64_t head[5] = { (int64_t)type, pid, tid, comm, thread_comm };
	size_t i, at;

	if (key_start(pp, K_SAMPLE, head, sizeof head) < 0 ||
	    buf_add(&pp->key, locs, n * sizeof *locs) < 0 ||
	    (i = intern(pp, pp->nr_smp)) == SIZE_MAX)
		return -1;
	if (i == pp->nr_smp) {
		if (GROW(pp->smp, pp->smp_cap, pp->nr_smp + 1) < 0 ||
		    add_ids(pp, locs, n, &at) < 0)
			return -1;
		pp->smp[pp->nr_smp++] = (struct pp_sample){ at, n, type, 0, pid, tid,
							    comm, thread_comm };
	}
	/* Sample values are int64. */
	if (value > (uint64_t)INT64_MAX - pp->smp[i].value) {
		error_set("a sample's sum does not fit in 63 bits");
		return -1;
	}
	pp->smp[i].value += value;
	return 0;
}

int pp_comment(struct pprof *pp, const char *text)
{
	int64_t s = pp_str(pp, text);

	if (s < 0 || GROW(pp->comment, pp->comment_cap, pp->nr_comment + 1) < 0)
		return -1;
	pp->comment[pp->nr_comment++] = s;
	return 0;
}

static void value_type(struct pb *p, struct pb *sub, unsigned field, int64_t type, int64_t unit)
{
	pb_int(sub, 1, type);
	pb_int(sub, 2, unit);
	pb_message(p, field, sub);
}

static void label(struct pb *p, struct pb *sub, int64_t key, int64_t str, int64_t num)
{
	pb_int(sub, 1, key);
	pb_int(sub, 2, str);
	pb_int(sub, 3, num);
	pb_message(p, 3, sub);
}

static void encode(struct pprof *pp, struct pb *p, int64_t keys[4])
{
	struct pb sub = { { 0 }, 0 }, inner = { { 0 }, 0 };
	uint64_t *values = calloc(pp->nr_type ? pp->nr_type : 1, sizeof *values);

	if (!values) {
		p->failed = 1;
		return;
	}
	for (size_t i = 0; i < pp->nr_type; i++)
		value_type(p, &sub, 1, pp->type[i], pp->unit[i]);
	for (size_t i = 0; i < pp->nr_smp; i++) {
		const struct pp_sample *s = &pp->smp[i];

		pb_packed(&sub, 1, pp->ids + s->locs, s->nr_locs);
		memset(values, 0, pp->nr_type * sizeof *values);
		values[s->type] = s->value;
		pb_packed(&sub, 2, values, pp->nr_type);
		if (s->pid >= 0)
			label(&sub, &inner, keys[0], 0, s->pid);
		if (s->tid >= 0)
			label(&sub, &inner, keys[1], 0, s->tid);
		if (s->comm)
			label(&sub, &inner, keys[2], s->comm, 0);
		if (s->thread_comm)
			label(&sub, &inner, keys[3], s->thread_comm, 0);
		pb_message(p, 2, &sub);
	}
	for (size_t i = 0; i < pp->nr_map; i++) {
		const struct pp_mapping *m = &pp->map[i];

		pb_uint(&sub, 1, i + 1);
		pb_uint(&sub, 2, m->start);
		pb_uint(&sub, 3, m->limit);
		pb_uint(&sub, 4, m->offset);
		pb_int(&sub, 5, m->file);
		pb_int(&sub, 6, m->build_id);
		pb_uint(&sub, 7, 1);		/* has_functions */
		pb_message(p, 3, &sub);
	}
	for (size_t i = 0; i < pp->nr_loc; i++) {
		const struct pp_location *l = &pp->loc[i];

		pb_uint(&sub, 1, i + 1);
		pb_uint(&sub, 2, l->mapping);
		pb_uint(&sub, 3, l->address);
		for (size_t k = 0; k < l->nr_lines; k++) {
			pb_uint(&inner, 1, pp->ids[l->lines + k]);
			pb_message(&sub, 4, &inner);
		}
		pb_message(p, 4, &sub);
	}
	for (size_t i = 0; i < pp->nr_fn; i++) {
		const struct pp_function *f = &pp->fn[i];

		pb_uint(&sub, 1, i + 1);
		pb_int(&sub, 2, f->name);
		pb_int(&sub, 3, f->system_name);
		pb_int(&sub, 4, f->file);
		pb_message(p, 5, &sub);
	}
	for (size_t i = 0; i < pp->nr_str; i++)
		pb_bytes(p, 6, pp->str[i], pp->str_len[i]);
	pb_int(p, 9, pp->time_nanos);
	pb_int(p, 10, pp->duration_nanos);
	if (pp->period_type)
		value_type(p, &sub, 11, pp->period_type, pp->period_unit);
	pb_int(p, 12, pp->period);
	for (size_t i = 0; i < pp->nr_comment; i++)
		pb_int(p, 13, pp->comment[i]);
	pb_release(&sub);
	pb_release(&inner);
	free(values);
}

int pp_write(struct pprof *pp, FILE *out)
{
	struct pb p = { { 0 }, 0 };
	int64_t keys[4] = { pp_str(pp, "pid"), pp_str(pp, "tid"), pp_str(pp, "comm"),
			    pp_str(pp, "thread_comm") };
	int rc;

	if (keys[0] < 0 || keys[1] < 0 || keys[2] < 0 || keys[3] < 0) {
		error_set("out of memory");
		return -1;
	}
	encode(pp, &p, keys);
	if (pb_failed(&p)) {
		pb_release(&p);
		error_set("out of memory");
		return -1;
	}
	rc = pb_gzip(p.b.p, p.b.len, out);
	pb_release(&p);
	return rc;
}

/* Folded stacks to pprof. */
struct fold_pprof {
	struct pprof pp;
	size_t type;
	int comm_label;
	uint64_t *locs;
	size_t locs_cap;
};

/* Digits at P before END: their value and where they stop, or -1. */
static long digits(const char *p, const char *end, const char **stop)
{
	long v = 0;
	const char *q = p;

	while (q < end && *q >= '0' && *q <= '9' && v < 100000000)
		v = v * 10 + (*q++ - '0');
	*stop = q;
	return q > p ? v : -1;
}

/* "comm-PID/TID", "comm-PID" or "comm" (pfcollapse --tid, --pid; PID
   "?" when the text had none) into labels. */
static void comm_labels(struct fold_pprof *fp, const char *s, size_t n, int64_t *comm,
			int64_t *pid, int64_t *tid)
{
	const char *dash = memrchr(s, '-', n), *end = s + n, *p;
	long v = -1, t = -1;

	*pid = *tid = -1;
	if (dash && fp->comm_label > 1) {
		p = dash + 1;
		if (p < end && *p == '?')
			p++;
		else
			v = digits(p, end, &p);
		if (p < end && *p == '/')
			t = digits(p + 1, end, &p);
		if (p == end && p > dash + 1 && (v >= 0 || t >= 0 || dash[1] == '?')) {
			*pid = v;
			*tid = t;
			n = (size_t)(dash - s);
		}
	}
	*comm = pp_string(&fp->pp, s, n);
}

static int fold_line(const char *stack, size_t len, uint64_t count, void *arg)
{
	struct fold_pprof *fp = arg;
	const char *end = stack + len, *p = stack;
	int64_t comm = 0, pid = -1, tid = -1;
	size_t n = 0;

	if (fp->comm_label) {
		const char *semi = memchr(p, ';', len);
		size_t cn = semi ? (size_t)(semi - p) : len;

		comm_labels(fp, p, cn, &comm, &pid, &tid);
		if (comm < 0)
			return -1;
		p = semi ? semi + 1 : end;
	}
	/* Root first in the text, leaf first in a sample. */
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *e = semi ? semi : end;
		struct pp_function f = { pp_string(&fp->pp, p, (size_t)(e - p)), 0, 0 };
		uint64_t fn, loc;

		if (f.name < 0)
			return -1;
		f.system_name = f.name;
		if (!(fn = pp_function(&fp->pp, &f)) || !(loc = pp_location(&fp->pp, 0, 0, &fn, 1)) ||
		    GROW(fp->locs, fp->locs_cap, n + 1) < 0)
			return -1;
		fp->locs[n++] = loc;
		p = semi ? semi + 1 : end;
	}
	for (size_t i = 0; i < n / 2; i++) {
		uint64_t t = fp->locs[i];
		fp->locs[i] = fp->locs[n - 1 - i];
		fp->locs[n - 1 - i] = t;
	}
	if (count > INT64_MAX) {
		error_set("count %llu does not fit in pprof's 63 bits", (unsigned long long)count);
		return -1;
	}
	return pp_add_sample(&fp->pp, fp->locs, n, fp->type, pid, tid, comm, 0, count);
}

PF_EXPORT int pf_export_fold_pprof(pf_fold *f, const char *type, const char *unit,
				   int comm_label, FILE *out)
{
	struct fold_pprof fp = { .comm_label = comm_label };
	int64_t t;
	int rc = -1;

	if (pp_init(&fp.pp) < 0)
		goto oom;
	t = pp_sample_type(&fp.pp, type ? type : "samples", unit ? unit : "count");
	if (t < 0)
		goto oom;
	fp.type = (size_t)t;
	fp.pp.period_type = fp.pp.type[t];
	fp.pp.period_unit = fp.pp.unit[t];
	fp.pp.period = 1;
	/* The callback's failures say what they are. */
	rc = pf_fold_each_sorted(f, fold_line, &fp) != 0 ? -1 : pp_write(&fp.pp, out);
	pp_release(&fp.pp);
	free(fp.locs);
	return rc;
oom:
	pp_release(&fp.pp);
	error_set("out of memory");
	return -1;
}
