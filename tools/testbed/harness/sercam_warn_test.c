// SPDX-License-Identifier: GPL-2.0
/*
 * A module that warns when loaded. The test bed loads it to prove that a
 * WARN_ON() in the guest turns the verdict red.
 */
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init sercam_warn_test_init(void)
{
	WARN_ON(1);
	return 0;
}
module_init(sercam_warn_test_init);

static void __exit sercam_warn_test_exit(void)
{
}
module_exit(sercam_warn_test_exit);

MODULE_DESCRIPTION("sercam test bed: a WARN_ON() on load");
MODULE_LICENSE("GPL");
