/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Demangling.  C++ names go through the C++ runtime's __cxa_demangle (in
 * libstdc++, which every distribution ships), the same demangler as
 * libiberty's.  perf 6.1 prints names without parameters, return types or
 * trailing qualifiers, so those are cut from the top level of the result.
 * Rust legacy symbols (_ZN...17h<hash>E) then lose the hash and get their
 * $..$ escapes decoded, as perf's rust-demangle.c does, and a suffix
 * after them (".llvm.<hex>", ".cold") handled as rustc-demangle does.  Rust v0 symbols
 * (_R...) go to demangle-v0.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include <pf/demangle.h>
#include "util/pf-int.h"
#include "demangle/demangle-int.h"

char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

PF_EXPORT char *pf_demangle_full(const char *name)
{
	int status = 0;

	if (name && name[0] == '_' && name[1] == 'R')
		return pf_demangle_rust_v0(name);
	if (!name || name[0] != '_' || name[1] != 'Z')
		return NULL;
	char *s = __cxa_demangle(name, NULL, NULL, &status);
	return status == 0 ? s : NULL;
}

/* Length of the operator token after "operator" at S (e.g. "()", "<<",
   " new[]"), so its brackets are not taken for structure. */
static size_t operator_len(const char *s)
{
	static const char *const ops[] = {
		" new[]", " delete[]", " new", " delete", "()", "[]", "<=>", "->*",
		"<<=", ">>=", "<<", ">>", "<=", ">=", "->", "&&", "||", "==",
		"!=", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
		"<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "=", ",",
		" \"\"",
	};
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (strncmp(s, ops[i], strlen(ops[i])) == 0)
			return strlen(ops[i]);
	return 0;
}

/* Walk S at bracket depth 0.  Returns the index of the last top-level
   '(' that opens a parameter list (those of enclosing functions, as in
   "f(int)::{lambda()#1}::operator()(...)", stay), or -1; *SPACE gets the
   last top-level space before it (-1 if none). */
static long top_paren(const char *s, long *space)
{
	long depth = 0, last = -1, last_space = -1;

	*space = -1;
	for (long i = 0; s[i]; i++) {
		if (strncmp(s + i, "(anonymous namespace)", 21) == 0 && depth == 0) {
			i += 20;
			continue;
		}
		if (strncmp(s + i, "operator", 8) == 0 &&
		    (i == 0 || s[i - 1] == ':' || s[i - 1] == ' ')) {
			size_t n = operator_len(s + i + 8);
			i += 7 + (long)n;
			continue;
		}
		switch (s[i]) {
		case '(':
			if (depth == 0 && i > 0) {
				last = i;
				*space = last_space;
			}
			/* fall through */
		case '<': case '[': case '{':
			depth++;
			break;
		case ')': case '>': case ']': case '}':
			if (depth > 0)
				depth--;
			break;
		case ' ':
			if (depth == 0 && last < 0)
				last_space = i;
			break;
		}
	}
	return last;
}

/* Drop the parameter list and all after it (cv- and ref-qualifiers,
   " [clone .isra.0]" suffixes) and a template function's return type. */
static void strip_params(char *s)
{
	long space, p = top_paren(s, &space);

	if (p < 0)
		return;
	s[p] = 0;
	if (space > 0 && space < p)
		memmove(s, s + space + 1, strlen(s + space + 1) + 1);
}

static int is_hash(const char *s, size_t n)
{
	if (n != 17 || s[0] != 'h')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static const struct { const char *esc, *ch; } rust_escapes[] = {
	{ "$SP$", "@" }, { "$BP$", "*" }, { "$RF$", "&" }, { "$LT$", "<" },
	{ "$GT$", ">" }, { "$LP$", "(" }, { "$RP$", ")" }, { "$C$", "," },
	{ "$u7e$", "~" }, { "$u20$", " " }, { "$u27$", "'" }, { "$u5b$", "[" },
	{ "$u5d$", "]" }, { "$u7b$", "{" }, { "$u7d$", "}" }, { "$u3b$", ";" },
	{ "$u2b$", "+" }, { "$u22$", "\"" },
};

/* "a::b::h0123456789abcdef" from a legacy Rust symbol: drop the hash and
   decode the escapes in place.  0 if S is not one. */
static int rust_legacy(char *s)
{
	size_t n = strlen(s);
	char *h = n > 19 ? s + n - 17 : NULL;

	if (!h || h[-1] != ':' || h[-2] != ':' || !is_hash(h, 17))
		return 0;
	h[-2] = 0;
	char *out = s;
	int seg_start = 1;
	for (char *in = s; *in;) {
		size_t k;

		/* rustc writes "_$" for a segment that starts with an escape. */
		if (seg_start && in[0] == '_' && in[1] == '$')
			in++;
		seg_start = 0;
		if (*in == '$') {
			for (k = 0; k < sizeof rust_escapes / sizeof *rust_escapes; k++) {
				size_t l = strlen(rust_escapes[k].esc);
				if (strncmp(in, rust_escapes[k].esc, l) == 0) {
					*out++ = rust_escapes[k].ch[0];
					in += l;
					break;
				}
			}
			if (k < sizeof rust_escapes / sizeof *rust_escapes)
				continue;
		}
		if (in[0] == '.' && in[1] == '.') {
			*out++ = ':';
			*out++ = ':';
			in += 2;
			continue;
		}
		if (in[0] == ':' && in[1] == ':') {
			*out++ = *in++;
			*out++ = *in++;
			seg_start = 1;
			continue;
		}
		*out++ = *in++;
	}
	*out = 0;
	return 1;
}

/* Where the nested name of "_ZN<len><ident>...E" ends (after its E), or 0:
   what follows is a suffix LLVM or GCC added (".llvm.1234", ".cold").
   Rust legacy identifiers may hold '.' ("std..rt"), so it is parsed. */
static size_t nested_name_end(const char *s)
{
	size_t i = 3;

	if (strncmp(s, "_ZN", 3) != 0)
		return 0;
	while (s[i] >= '1' && s[i] <= '9') {
		size_t len = 0;

		while (s[i] >= '0' && s[i] <= '9' && len < 4096)
			len = len * 10 + (size_t)(s[i++] - '0');
		if (strnlen(s + i, len) < len)
			return 0;
		i += len;
	}
	return s[i] == 'E' && i > 3 ? i + 1 : 0;
}

/* LLVM's ".llvm.<hex>" (ThinLTO's promoted locals), which rustc-demangle
   and perf leave out of the name. */
static int is_llvm_suffix(const char *s)
{
	if (strncmp(s, ".llvm.", 6) != 0 || !s[6])
		return 0;
	for (s += 6; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F') || *s == '@'))
			return 0;
	return 1;
}

/* A Rust legacy symbol with a suffix after its E, which __cxa_demangle
   refuses: the name without it, then the suffix as rustc-demangle shows
   it (".cold" kept, ".llvm.<hex>" dropped).  NULL if NAME is not one. */
static char *rust_legacy_suffixed(const char *name)
{
	size_t end = nested_name_end(name);
	char *base, *s, *r;

	if (!end || !name[end])
		return NULL;
	if (!(base = strndup(name, end)))
		return NULL;
	s = pf_demangle_full(base);
	free(base);
	if (!s || !rust_legacy(s)) {
		free(s);
		return NULL;
	}
	if (is_llvm_suffix(name + end))
		return s;
	if (asprintf(&r, "%s%s", s, name + end) < 0)
		r = NULL;
	free(s);
	return r;
}

PF_EXPORT char *pf_demangle(const char *name)
{
	if (name && name[0] == '_' && name[1] == 'R')
		return pf_demangle_rust_v0(name);

	char *s = pf_demangle_full(name);

	if (!s)
		return name ? rust_legacy_suffixed(name) : NULL;
	if (!rust_legacy(s))
		strip_params(s);
	return s;
}
