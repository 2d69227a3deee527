/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tracepoint formats of a recording and the text of their samples (see
 * tracefmt-int.h).  The TRACING_DATA layout is the one perf's
 * util/trace-event-info.c writes; each event's format file is parsed for
 * its fields and its print fmt, whose arguments become a small expression
 * tree (tracefmt-expr.c) evaluated against each sample's raw data
 * (tracefmt-print.c).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "script/tracefmt-int.h"
#include "script/tracefmt-expr-int.h"

struct tf_set {
	struct tf_event **ev;
	size_t n;
	struct tf_names names;
};

struct rd {
	const unsigned char *p;
	size_t n, pos;
};

static int rd_bytes(struct rd *r, void *dst, size_t n)
{
	if (n > r->n - r->pos)
		return -1;
	memcpy(dst, r->p + r->pos, n);
	r->pos += n;
	return 0;
}

/* A NUL-terminated string at the read position. */
static const char *rd_str(struct rd *r)
{
	const char *s = (const char *)r->p + r->pos;
	const void *nul = memchr(s, 0, r->n - r->pos);

	if (!nul)
		return NULL;
	r->pos += (size_t)((const char *)nul - s) + 1;
	return s;
}

/* The unsigned decimal at [P, END) into *V: -1 when there is no digit or
   it exceeds MAX.  Format text is not NUL-terminated: never strtoul. */
static int parse_uint(const char *p, const char *end, uint64_t max, uint64_t *v)
{
	const char *d = p;

	*v = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (*v > (max - (uint64_t)(*p - '0')) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	return p > d ? 0 : -1;
}

/* What follows KEY in [P, END), or NULL. */
static const char *after_key(const char *p, const char *end, const char *key)
{
	size_t k = strlen(key);
	const char *at = memmem(p, (size_t)(end - p), key, k);

	return at ? at + k : NULL;
}

/* Offsets and sizes beyond a record (64 KiB at most) are not a format. */
#define FIELD_MAX 0xffff

/* One field line: "\tfield:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;" */
static int parse_field(struct tf_field *f, const char *line, size_t len)
{
	const char *end = line + len, *semi = memchr(line, ';', len), *o, *sz, *sg;
	uint64_t offset, size;
	char decl[256];

	if (!semi || (size_t)(semi - line) >= sizeof decl)
		return -1;
	memcpy(decl, line, (size_t)(semi - line));
	decl[semi - line] = 0;
	o = after_key(semi, end, "offset:");
	sz = after_key(semi, end, "size:");
	sg = after_key(semi, end, "signed:");
	if (!o || !sz || parse_uint(o, end, FIELD_MAX, &offset) < 0 ||
	    parse_uint(sz, end, FIELD_MAX, &size) < 0)
		return -1;
	f->offset = (unsigned)offset;
	f->size = (unsigned)size;
	f->is_signed = sg && sg < end && *sg == '1';
	/* The name is the last identifier, before a trailing "[N]"
	   ("__data_loc char[] name" has its brackets earlier). */
	char *dend = decl + strlen(decl);
	while (dend > decl && dend[-1] == ' ')
		*--dend = 0;
	if (dend > decl && dend[-1] == ']') {
		char *br = strrchr(decl, '[');
		uint64_t count = 0;

		if (!br)
			return -1;      /* "]" without "[" */
		/* "[N]", or a length the kernel left as a macro: count 0,
		   no indexing. */
		if (parse_uint(br + 1, dend - 1, FIELD_MAX, &count) < 0)
			count = 0;
		f->is_array = 1;
		f->count = (unsigned)count;
		*br = 0;
		dend = br;
	} else if (memchr(decl, '[', (size_t)(dend - decl)) &&
		   !memchr(decl, ']', (size_t)(dend - decl))) {
		return -1;              /* an unclosed "[" */
	}
	char *name = dend;
	while (name > decl && (name[-1] == '_' || (name[-1] >= '0' && name[-1] <= '9') ||
			       ((name[-1] | 0x20) >= 'a' && (name[-1] | 0x20) <= 'z')))
		name--;
	if (name == dend)
		return -1;
	f->name = strdup(name);
	*name = 0;
	f->is_data_loc = strstr(decl, "__data_loc") != NULL;
	f->is_string = (f->is_array || f->is_data_loc) && strstr(decl, "char") != NULL;
	if (f->is_data_loc)
		f->is_array = 1;
	f->is_pointer = strchr(decl, '*') != NULL;
	f->is_long = strstr(decl, "long") != NULL;
	return f->name ? 0 : -1;
}

static struct tf_event *parse_format(const char *text, size_t len, const char *sys)
{
	struct tf_event *ev = calloc(1, sizeof *ev);
	const char *p = text, *end = text + len;
	int have_fmt = 0;

	if (!ev)
		return NULL;
	ev->system = strdup(sys);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l > 5 && strncmp(p, "name: ", 6) == 0 && !ev->name)
			ev->name = strndup(p + 6, l - 6);
		else if (l > 3 && strncmp(p, "ID: ", 4) == 0) {
			if (parse_uint(p + 4, p + l, UINT64_MAX, &ev->id) < 0)
				ev->id = 0;     /* matches no sample */
		} else if (l > 7 && strncmp(p, "\tfield:", 7) == 0) {
			struct tf_field *nf = realloc(ev->fields, (ev->nfields + 1) * sizeof *nf);
			if (!nf)
				break;
			ev->fields = nf;
			memset(&nf[ev->nfields], 0, sizeof *nf);
			if (parse_field(&nf[ev->nfields], p + 7, l - 7) == 0)
				ev->nfields++;
		} else if (l > 11 && strncmp(p, "print fmt: ", 11) == 0) {
			char *pf = strndup(p + 11, (size_t)(end - p) - 11);
			have_fmt = 1;
			if (!pf || tf_expr_parse(ev, pf) < 0)
				ev->failed = 1;
			free(pf);
			break;
		}
		p += l + 1;
	}
	/* Without a print fmt the fields are shown as libtraceevent does. */
	if (!have_fmt)
		ev->failed = 1;
	pf_assert(ev->failed || ev->fmt);
	if (!ev->name || !ev->system) {
		tf_event_free(ev);
		return NULL;
	}
	return ev;
}

static int add_event(struct tf_set *set, struct tf_event *ev)
{
	struct tf_event **n = realloc(set->ev, (set->n + 1) * sizeof *n);

	if (!n)
		return -1;
	set->ev = n;
	set->ev[set->n++] = ev;
	return 0;
}

/* Lines of 'ADDR : "text"', what char * fields of some events point at. */
static void parse_printk(struct tf_set *set, const char *p, size_t n)
{
	const char *end = p + n;
	struct tf_printk *pk = NULL;
	size_t cnt = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[1024];

		if (l < sizeof line) {
			memcpy(line, p, l);
			line[l] = 0;
			char *q = strchr(line, '"'), *e = strrchr(line, '"');
			struct tf_printk *np;
			if (q && e > q && (np = realloc(pk, (cnt + 1) * sizeof *np))) {
				pk = np;
				*e = 0;
				pk[cnt].addr = strtoull(line, NULL, 16);
				/* The text keeps its C escapes; turn "\n" back. */
				char *t = strdup(q + 1), *w = t;
				for (char *c = t; c && *c; c++)
					if (c[0] == '\\' && c[1] == 'n')
						*w++ = '\n', c++;
					else
						*w++ = *c;
				if (w)
					*w = 0;
				if ((pk[cnt].text = t))
					cnt++;
			}
		}
		p += l + 1;
	}
	set->names.printk = pk;
	set->names.nprintk = cnt;
}

void tf_set_resolver(struct tf_set *set,
		     const char *(*sym)(void *arg, uint64_t addr, uint64_t *off), void *arg)
{
	set->names.sym = sym;
	set->names.arg = arg;
}

static int by_id(const void *a, const void *b)
{
	const struct tf_event *x = *(struct tf_event *const *)a, *y = *(struct tf_event *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

struct tf_set *tf_parse(const void *data, size_t size)
{
	struct rd r = { data, size, 0 };
	struct tf_set *set = calloc(1, sizeof *set);
	unsigned char magic[10], endian, lsize;
	uint32_t page, nsys, nfmt;
	uint64_t len;
	const char *s;

	if (!set)
		return NULL;
	if (rd_bytes(&r, magic, 10) < 0 || memcmp(magic, "\x17\x08\x44tracing", 10) != 0 ||
	    !rd_str(&r) || rd_bytes(&r, &endian, 1) < 0 || rd_bytes(&r, &lsize, 1) < 0 ||
	    rd_bytes(&r, &page, 4) < 0)
		goto bad;
	(void)lsize;
	(void)page;
	if (endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)) {
		error_set("tracing data of the other byte order");
		goto fail;
	}
	/* header_page and header_event: name, u64 size, text. */
	for (int i = 0; i < 2; i++)
		if (!(s = rd_str(&r)) || rd_bytes(&r, &len, 8) < 0 || len > size - r.pos)
			goto bad;
		else
			r.pos += (size_t)len;
	/* ftrace's own events, then each system's. */
	if (rd_bytes(&r, &nfmt, 4) < 0)
		goto bad;
	for (uint32_t i = 0; i < nfmt; i++)
		if (rd_bytes(&r, &len, 8) < 0 || len > size - r.pos)
			goto bad;
		else
			r.pos += (size_t)len;
	if (rd_bytes(&r, &nsys, 4) < 0)
		goto bad;
	for (uint32_t i = 0; i < nsys; i++) {
		const char *sys = rd_str(&r);

		if (!sys || rd_bytes(&r, &nfmt, 4) < 0)
			goto bad;
		for (uint32_t j = 0; j < nfmt; j++) {
			if (rd_bytes(&r, &len, 8) < 0 || len > size - r.pos)
				goto bad;
			struct tf_event *ev = parse_format((const char *)r.p + r.pos, (size_t)len, sys);
			r.pos += (size_t)len;
			if (ev && add_event(set, ev) < 0) {
				tf_event_free(ev);
				error_set("out of memory");
				goto fail;
			}
		}
	}
	if (set->n)
		qsort(set->ev, set->n, sizeof *set->ev, by_id);
	/* kallsyms (perf writes none), then the printk formats. */
	uint32_t n32;
	if (rd_bytes(&r, &n32, 4) == 0 && n32 <= size - r.pos) {
		r.pos += n32;
		if (rd_bytes(&r, &n32, 4) == 0 && n32 <= size - r.pos)
			parse_printk(set, (const char *)r.p + r.pos, n32);
	}
	return set;
bad:
	error_set("malformed tracing data at byte %zu of %zu", r.pos, size);
fail:
	tf_free(set);
	return NULL;
}

void tf_free(struct tf_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		tf_event_free(set->ev[i]);
	free(set->ev);
	for (size_t i = 0; i < set->names.nprintk; i++)
		free(set->names.printk[i].text);
	free((void *)set->names.printk);
	free(set);
}

void tf_event_free(struct tf_event *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->nfields; i++)
		free(ev->fields[i].name);
	free(ev->fields);
	tf_expr_free(ev);
	free(ev->name);
	free(ev->system);
	free(ev);
}

/* Looked up per sample: a binary search over the events sorted by id. */
const struct tf_event *tf_find(const struct tf_set *set, uint64_t id)
{
	size_t lo = 0, hi = set ? set->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->ev[mid]->id < id)
			lo = mid + 1;
		else if (set->ev[mid]->id > id)
			hi = mid;
		else
			return set->ev[mid];
	}
	return NULL;
}

const struct tf_event *tf_nth(const struct tf_set *set, size_t i)
{
	return set && i < set->n ? set->ev[i] : NULL;
}

/* A field's value, sign-extended when the format says it is signed. */
uint64_t tf_field_num(const struct tf_field *f, const unsigned char *raw, size_t n)
{
	uint64_t v = 0;

	if (f->offset > n || f->size > n - f->offset)
		return 0;
	switch (f->size) {
	case 1: { uint8_t x; memcpy(&x, raw + f->offset, 1);
		return f->is_signed ? (uint64_t)(int64_t)(int8_t)x : x; }
	case 2: { uint16_t x; memcpy(&x, raw + f->offset, 2);
		return f->is_signed ? (uint64_t)(int64_t)(int16_t)x : x; }
	case 4: { uint32_t x; memcpy(&x, raw + f->offset, 4);
		return f->is_signed ? (uint64_t)(int64_t)(int32_t)x : x; }
	case 8:
		memcpy(&v, raw + f->offset, 8);
	}
	return v;
}

/* A string field's bytes (up to its NUL): a char array in place or a
   __data_loc (u32: offset low 16 bits, length high 16). */
const char *tf_field_str(const struct tf_field *f, const unsigned char *raw, size_t n,
			 size_t *len)
{
	size_t off = f->offset, l = f->size;

	*len = 0;
	if (f->offset > n || f->size > n - f->offset)
		return "";
	if (f->is_data_loc) {
		uint32_t dl;

		if (f->size < 4)
			return "";
		memcpy(&dl, raw + f->offset, 4);
		off = dl & 0xffff;
		l = dl >> 16;
		if (off > n || l > n - off)
			return "";
	}
	const char *s = (const char *)raw + off;
	const char *nul = memchr(s, 0, l);
	*len = nul ? (size_t)(nul - s) : l;
	return s;
}

/* libtraceevent's print_fields: " name=value" for each non-common field. */
static size_t print_fields(const struct tf_event *ev, const unsigned char *raw, size_t n,
			   char *out, size_t size)
{
	size_t o = 0;

#define PUT(...) do { int put_n = snprintf(out + o, size - o, __VA_ARGS__); \
		if (put_n > 0) o += (size_t)put_n < size - o ? (size_t)put_n : size - o - 1; } while (0)
	PUT("[FAILED TO PARSE]");
	for (size_t i = 0; i < ev->nfields; i++) {
		const struct tf_field *f = &ev->fields[i];
		uint64_t v;

		if (strncmp(f->name, "common_", 7) == 0)
			continue;
		PUT(" %s=", f->name);
		if (f->is_string) {
			size_t l;
			const char *s = tf_field_str(f, raw, n, &l);
			PUT("%.*s", (int)l, s);
			continue;
		}
		if (f->is_array) {
			PUT("ARRAY[");
			for (unsigned j = 0; j < f->size && f->offset + j < n; j++)
				PUT("%s%02x", j ? ", " : "", raw[f->offset + j]);
			PUT("]");
			continue;
		}
		v = tf_field_num(f, raw, n);
		if (f->is_pointer)
			PUT("0x%" PRIx64, v);
		else if (f->is_signed && f->size == 4 && f->is_long)
			PUT("0x%x", (int)v);
		else if (f->is_signed && f->size <= 4)
			PUT("%d", (int)v);
		else if (f->is_signed)
			PUT("%" PRId64, (int64_t)v);
		else if (f->is_long)
			PUT("0x%" PRIx64, v);
		else
			PUT("%" PRIu64, v);
	}
#undef PUT
	return o;
}

size_t tf_format(const struct tf_set *set, const struct tf_event *ev, const void *raw,
		 size_t raw_size, char *out, size_t out_size)
{
	size_t n;

	if (!out_size)
		return 0;
	out[0] = 0;
	if (!ev->failed && (n = tf_expr_print(ev, &set->names, (const unsigned char *)raw, raw_size, out, out_size)) != (size_t)-1)
		return n;
	return print_fields(ev, raw, raw_size, out, out_size);
}
