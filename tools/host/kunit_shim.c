// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the KUnit suites linked in on the host and prints TAP: one test per
 * case, or per parameter of a parameterised case.
 */
#include <kunit/test.h>

static struct kunit_suite *suites[8];
static int nsuites;

void kunit_shim_register(struct kunit_suite *suite)
{
	if (nsuites < (int)ARRAY_SIZE(suites))
		suites[nsuites++] = suite;
}

void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	void *p = calloc(1, size ? size : 1);

	if (p && test->nallocs < (int)ARRAY_SIZE(test->allocs))
		test->allocs[test->nallocs++] = p;
	return p;
}

static int run_one(struct kunit_case *c, const void *param, const char *desc,
		   int n, const char *suite)
{
	struct kunit t = { .param_value = param };

	if (!setjmp(t.abort))
		c->run_case(&t);
	while (t.nallocs)
		free(t.allocs[--t.nallocs]);
	printf("%s %d - %s.%s%s%s\n", t.failed ? "not ok" : "ok", n, suite,
	       c->name, desc ? " " : "", desc ? desc : "");
	return t.failed;
}

static int count(struct kunit_case *c)
{
	char desc[KUNIT_PARAM_DESC_SIZE];
	const void *p = NULL;
	int n = 0;

	if (!c->generate_params)
		return 1;
	while ((p = c->generate_params(p, desc)))
		n++;
	return n;
}

int main(void)
{
	int s, total = 0, n = 0, failed = 0;
	struct kunit_case *c;

	for (s = 0; s < nsuites; s++)
		for (c = suites[s]->test_cases; c->run_case; c++)
			total += count(c);
	printf("TAP version 13\n1..%d\n", total);
	for (s = 0; s < nsuites; s++) {
		for (c = suites[s]->test_cases; c->run_case; c++) {
			char desc[KUNIT_PARAM_DESC_SIZE];
			const void *p = NULL;

			if (!c->generate_params) {
				failed += run_one(c, NULL, NULL, ++n,
						  suites[s]->name);
				continue;
			}
			while ((p = c->generate_params(p, desc)))
				failed += run_one(c, p, desc, ++n,
						  suites[s]->name);
		}
	}
	return failed ? 1 : 0;
}
