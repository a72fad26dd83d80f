// SPDX-License-Identifier: GPL-2.0
#include "tap.h"
void asciiu_unit_tests(void) {}
