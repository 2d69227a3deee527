/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of demangling: C++ names as perf 6.1 prints them (no
 * parameter lists, return types, qualifiers or clone suffixes, but the
 * parameters of enclosing functions of lambdas and local names kept) and
 * Rust legacy symbols without their hash and with escapes decoded.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>

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
	SRunner *sr;
	int failed;

	tcase_add_test(tc, cxx_and_rust);
	tcase_add_test(tc, not_mangled);
	tcase_add_test(tc, full);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
