/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of demangling: C++ names as perf 6.1 prints them (no
 * parameter lists, return types, qualifiers or clone suffixes, but the
 * parameters of enclosing functions of lambdas and local names kept) and
 * Rust legacy symbols without their hash and with escapes decoded, and
 * Rust v0 symbols as rustfilt shows them.  tests/data/script/rust-v0.tsv
 * holds symbols of a rustc 1.95 program built with
 * -C symbol-mangling-version=v0 and the names rustc-demangle's alternate
 * form gives for them.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "check-run.h"

static const struct { const char *in, *out; } cases[] = {
	{ "_Z4worki", "work" },
	{ "_ZN6RegionIiE4fillEi", "Region<int>::fill" },
	{ "_ZN6RegionIiE4fillEi.isra.0", "Region<int>::fill" },
	{ "_ZN12_GLOBAL__N_111touch_pagesEPcm.constprop.0",
	  "(anonymous namespace)::touch_pages" },
	{ "_ZZ10run_lambdamENKUlmE_clEm",
	  "run_lambda(unsigned long)::{lambda(unsigned long)#1}::operator()" },
	{ "_Znwm", "operator new" },
	{ "_ZdlPvm", "operator delete" },
	{ "_ZNSt6vectorIlSaIlEE17_M_default_appendEm",
	  "std::vector<long, std::allocator<long> >::_M_default_append" },
	{ "_Z3maxIiET_S0_S0_", "max<int>" },
	{ "_ZltRK1AS1_", "operator<" },
	{ "_ZN1AclEv", "A::operator()" },
	{ "_ZNK1A3getEv", "A::get" },
	{ "_ZNSt8ios_base4InitC1Ev", "std::ios_base::Init::Init" },
	{ "_ZN4core3ptr13drop_in_place17h0123456789abcdefE", "core::ptr::drop_in_place" },
	{ "_ZN66_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17h0123456789abcdefE",
	  "<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop" },
	/* LLVM's suffixes: __cxa_demangle refuses them after a Rust name. */
	{ "_ZN9hashbrown3raw21RawTable$LT$T$C$A$GT$14reserve_rehash17h6f45b8f613bf4913E.llvm.4719921051583704194",
	  "hashbrown::raw::RawTable<T,A>::reserve_rehash" },
	{ "_ZN4core3ptr13drop_in_place17h0123456789abcdefE.llvm.9D1C9369",
	  "core::ptr::drop_in_place" },
	{ "_ZN3std2rt10lang_start17h0123456789abcdefE.cold", "std::rt::lang_start.cold" },
	{ "_ZN3std2rt10lang_start17h0123456789abcdefE.llvm.12.cold",
	  "std::rt::lang_start.llvm.12.cold" },
	{ "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0123456789abcdefE.llvm.77",
	  "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>" },
	/* C++ clone suffixes, GCC's and LLVM's, are cut with the parameters. */
	{ "_Z4worki.constprop.0.isra.0", "work" },
	{ "_Z4worki.cold", "work" },
	{ "_Z4worki.llvm.123", "work" },
	{ "_ZN1A3getEv.part.0", "A::get" },
};

START_TEST(cxx_and_rust)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *s = pf_demangle(cases[i].in);

		ck_assert_msg(s != NULL, "%s not demangled", cases[i].in);
		ck_assert_msg(strcmp(s, cases[i].out) == 0, "%s: got '%s', want '%s'",
			      cases[i].in, s, cases[i].out);
		free(s);
	}
}
END_TEST

static const struct { const char *in, *out; } v0_cases[] = {
	{ "_RNvCsd4xRcsCg8ch_7mycrate3foo.llvm.9D1C9369", "mycrate::foo" },
	{ "_RNvCs1234_7mycrate3foo.cold", "mycrate::foo.cold" },
	{ "_RNCNvCs1234_7mycrate3foo0_", "mycrate::foo::{closure#0}" },
	{ "_RNCNvCs1234_7mycrate3foos_0_", "mycrate::foo::{closure#1}" },
	{ "_RNvNtCs56HGsqMBDvY_4progu9gre_6ka8i8berechne",
	  "prog::gr\xc3\xb6\xc3\x9f" "e::berechne" },
	{ "_RINvCs8s0nRN0ts6u_3adt1pKVNtB2_1PS1xh1_1ysn3_EEB2_",
	  "adt::p::<{adt::P { x: 1, y: -3 }}>" },
	{ "_RINvCs56HGsqMBDvY_4prog4flagKb1_Kce4_EB2_", "prog::flag::<true, '\xc3\xa4'>" },
};

START_TEST(rust_v0)
{
	for (size_t i = 0; i < sizeof v0_cases / sizeof *v0_cases; i++) {
		char *s = pf_demangle(v0_cases[i].in);

		ck_assert_msg(s != NULL, "%s not demangled", v0_cases[i].in);
		ck_assert_msg(strcmp(s, v0_cases[i].out) == 0, "%s: got '%s', want '%s'",
			      v0_cases[i].in, s, v0_cases[i].out);
		free(s);
	}
}
END_TEST

/* Every symbol of the recorded list, when the source tree is known. */
START_TEST(rust_v0_list)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[4096];
	int n = 0;

	if (!top)
		return;
	snprintf(path, sizeof path, "%s/tests/data/script/rust-v0.tsv", top);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *tab = strchr(line, '\t');
		ck_assert_ptr_nonnull(tab);
		*tab = 0;
		char *s = pf_demangle(line);
		ck_assert_msg(s && strcmp(s, tab + 1) == 0, "%s: got '%s', want '%s'",
			      line, s ? s : "(null)", tab + 1);
		free(s);
		n++;
	}
	fclose(f);
	ck_assert_int_gt(n, 400);
}
END_TEST

/* Malformed v0 symbols give NULL, within bounded time and memory. */
START_TEST(rust_v0_bad)
{
	static const char *const bad[] = {
		"_R", "_RNvC", "_RB_", "_RNvB_1a", "_RNvCs1234_7mycrate3foo junk",
		"_RNvCs1234_7mycrate99foo", "_Rnvc", "_RINvCs1_1aKj12345678901234567_EB2_x",
		"_RNvCs1234_7mycrateu3f_", "_RNvCs_3fo\xc3\xb6",
	};
	char deep[4000];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(pf_demangle(bad[i]) == NULL, "%s demangled", bad[i]);
	/* Nesting past the depth bound. */
	strcpy(deep, "_R");
	for (int i = 0; i < 1500; i++)
		strcat(deep, "I");
	strcat(deep, "Cs_1a");
	ck_assert_ptr_null(pf_demangle(deep));
	/* 30 tuples, each of two backrefs to the one before: 2^30 "u8"s. */
	ck_assert_ptr_null(pf_demangle("_RINvCs_1a1fThhETB9_B9_ETBd_Bd_ETBl_Bl_ETBt_Bt_ETBB_BB_ETBJ_BJ_ETBR_BR_ETBZ_BZ_ETB17_B17_ETB1f_B1f_ETB1p_B1p_ETB1z_B1z_ETB1J_B1J_ETB1T_B1T_ETB23_B23_E"
		"TB2d_B2d_ETB2n_B2n_ETB2x_B2x_ETB2H_B2H_ETB2R_B2R_ETB31_B31_ETB3b_B3b_ETB3l_B3l_ETB3v_B3v_ETB3F_B3F_ETB3P_B3P_ETB3Z_B3Z_ETB49_B49_ETB4j_B4j_ETB4t_B4t_EE"));
}
END_TEST

START_TEST(not_mangled)
{
	ck_assert_ptr_null(pf_demangle("main"));
	ck_assert_ptr_null(pf_demangle("_Zgarbage!"));
	ck_assert_ptr_null(pf_demangle(""));
	ck_assert_ptr_null(pf_demangle("__libc_start_main"));
}
END_TEST

START_TEST(full)
{
	char *s = pf_demangle_full("_ZNK1A3getEv");

	ck_assert_str_eq(s, "A::get() const");
	free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("demangle");
	TCase *tc = tcase_create("demangle");

	tcase_add_test(tc, cxx_and_rust);
	tcase_add_test(tc, rust_v0);
	tcase_add_test(tc, rust_v0_list);
	tcase_add_test(tc, rust_v0_bad);
	tcase_add_test(tc, not_mangled);
	tcase_add_test(tc, full);
	suite_add_tcase(s, tc);
	return check_run(s);
}
