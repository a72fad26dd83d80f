/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host shim of the KUnit API the sercam suites use, so the very same suite
 * runs on the host (under ASan/UBSan) as in the guest kernel. Results are
 * printed as TAP by kunit_shim.c; parameterised cases count one test per
 * parameter.
 */
#ifndef SHIM_KUNIT_TEST_H
#define SHIM_KUNIT_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/types.h>

#define GFP_KERNEL		0
#define KUNIT_PARAM_DESC_SIZE	128

struct kunit {
	const void *param_value;
	int failed;
	jmp_buf abort;
	void *allocs[64];
	int nallocs;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

void kunit_shim_register(struct kunit_suite *suite);
void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp);

#define kunit_test_suite(s)						\
	static void __attribute__((constructor)) shim_register_##s(void) \
	{								\
		kunit_shim_register(&s);				\
	}

#define KUNIT_CASE(fn)			{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_PARAM(fn, gen)	{ .run_case = fn, .name = #fn,	\
					  .generate_params = gen }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		typeof((array)[0]) *__next = prev ?			\
			((typeof(__next))prev) + 1 : (array);		\
		if (__next - (array) < (long)ARRAY_SIZE(array)) {	\
			void (*__get_desc)(typeof(__next), char *) = get_desc; \
			if (__get_desc)					\
				__get_desc(__next, desc);		\
			return __next;					\
		}							\
		return NULL;						\
	}

#define KUNIT_SHIM_CHECK(t, cond, fatal, fmt, ...) do {			\
	if (!(cond)) {							\
		printf("    # %s:%d: " fmt "\n", __FILE__, __LINE__,	\
		       ##__VA_ARGS__);					\
		(t)->failed = 1;					\
		if (fatal)						\
			longjmp((t)->abort, 1);				\
	}								\
} while (0)

#define KUNIT_SHIM_CMP(t, a, op, b, fatal, fmt, ...) do {		\
	long long __a = (long long)(a), __b = (long long)(b);		\
	KUNIT_SHIM_CHECK(t, __a op __b, fatal,				\
			 "%s %s %s: %lld vs %lld " fmt, #a, #op, #b,	\
			 __a, __b, ##__VA_ARGS__);			\
} while (0)

#define KUNIT_EXPECT_EQ(t, a, b)	KUNIT_SHIM_CMP(t, a, ==, b, 0, "")
#define KUNIT_EXPECT_NE(t, a, b)	KUNIT_SHIM_CMP(t, a, !=, b, 0, "")
#define KUNIT_EXPECT_GE(t, a, b)	KUNIT_SHIM_CMP(t, a, >=, b, 0, "")
#define KUNIT_EXPECT_EQ_MSG(t, a, b, fmt, ...)				\
	KUNIT_SHIM_CMP(t, a, ==, b, 0, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT(t, a, b)	KUNIT_SHIM_CMP(t, a, >, b, 0, "")
#define KUNIT_ASSERT_EQ(t, a, b)	KUNIT_SHIM_CMP(t, a, ==, b, 1, "")
#define KUNIT_ASSERT_EQ_MSG(t, a, b, fmt, ...)				\
	KUNIT_SHIM_CMP(t, a, ==, b, 1, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE(t, a, b)	KUNIT_SHIM_CMP(t, a, <=, b, 0, "")
#define KUNIT_ASSERT_GT(t, a, b)	KUNIT_SHIM_CMP(t, a, >, b, 1, "")
#define KUNIT_ASSERT_LE(t, a, b)	KUNIT_SHIM_CMP(t, a, <=, b, 1, "")
#define KUNIT_ASSERT_LT(t, a, b)	KUNIT_SHIM_CMP(t, a, <, b, 1, "")
#define KUNIT_ASSERT_GE(t, a, b)	KUNIT_SHIM_CMP(t, a, >=, b, 1, "")
#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_SHIM_CHECK(t, (c), 0, "%s", #c)
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_SHIM_CHECK(t, !(c), 0, "!%s", #c)
#define KUNIT_ASSERT_NOT_NULL(t, p)	KUNIT_SHIM_CHECK(t, (p) != NULL, 1, "%s", #p)
#define KUNIT_EXPECT_MEMEQ(t, a, b, n)					\
	KUNIT_SHIM_CHECK(t, !memcmp((a), (b), (n)), 0, "%s == %s", #a, #b)

/* a diagnostic line, as KUnit prints it: "    # " and the message */
#define kunit_info(t, fmt, ...)	printf("    # " fmt, ##__VA_ARGS__)

#endif
