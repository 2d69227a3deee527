/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals shared by tracefmt.c (formats, fields), tracefmt-expr.c (the
 * print fmt's arguments parsed into expression trees) and tracefmt-print.c
 * (their evaluation and the formatted text).
 */
#ifndef PF_TRACEFMT_EXPR_INT_H
#define PF_TRACEFMT_EXPR_INT_H

#include <stddef.h>
#include <stdint.h>

struct tf_field {
	char *name;
	unsigned offset, size;
	unsigned count;                 /* elements of an array, else 0 */
	unsigned is_signed : 1, is_array : 1, is_data_loc : 1, is_string : 1,
		is_pointer : 1, is_long : 1;
};

/* A node of a print fmt argument's expression tree. */
enum tf_kind { N_NUM, N_STR, N_FIELD, N_INDEX, N_UN, N_BIN, N_TERN, N_CAST, N_FLAGS, N_SYM, N_GETSTR };

struct tf_pair {
	uint64_t v;
	char *s;
};

struct tf_node {
	enum tf_kind kind;
	int op;                 /* operator: a char, or a two-char code */
	int prec;               /* binary: precedence level, 0 the loosest */
	uint64_t num;
	char *str;
	const struct tf_field *field;
	struct tf_node *a, *b, *c;
	unsigned csize;         /* cast: 1, 2, 4, 8 */
	int csigned;            /* cast, number: of a signed type */
	struct tf_pair *pairs;
	size_t npairs;
};

/* Operator codes for two-character operators. */
#define OP2(a, b) ((a) << 8 | (b))

/* The value of N, which uses no field; *OK is 0 when it is not a number. */
uint64_t tf_eval_const(struct tf_node *n, int *ok);

/* Kernel addresses to names, and the kernel's printk format strings that
   char * fields point at. */
struct tf_names {
	const char *(*sym)(void *arg, uint64_t addr, uint64_t *off);
	void *arg;
	const struct tf_printk *printk;
	size_t nprintk;
};

struct tf_printk {
	uint64_t addr;
	char *text;
};

struct tf_event {
	char *name, *system;
	uint64_t id;
	struct tf_field *fields;
	size_t nfields;
	int failed;                     /* print fmt not understood */
	char *fmt;                      /* the print fmt's format string */
	struct tf_node **args;
	size_t nargs;
};

/* Parse PRINTFMT ("\"...\", args") into EV->fmt and EV->args; -1 when it
   uses a construct we do not evaluate. */
int tf_expr_parse(struct tf_event *ev, const char *printfmt);
void tf_expr_free(struct tf_event *ev);

/* EV's print fmt applied to RAW; the length written, or (size_t)-1 when a
   value does not fit its conversion. */
size_t tf_expr_print(const struct tf_event *ev, const struct tf_names *names,
		     const unsigned char *raw, size_t n, char *out, size_t size);

void tf_event_free(struct tf_event *ev);
uint64_t tf_field_num(const struct tf_field *f, const unsigned char *raw, size_t n);
const char *tf_field_str(const struct tf_field *f, const unsigned char *raw, size_t n,
			 size_t *len);

#endif /* PF_TRACEFMT_EXPR_INT_H */
