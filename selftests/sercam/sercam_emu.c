// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_emu - send one command to the camera emulator's control channel
 *
 *   sercam_emu WORD...
 *
 * Prints the reply (data lines, then the final "ok ..." line) and exits 0,
 * or prints the "err ..." line and exits 1. For the shell selftests.
 */
#include <stdio.h>
#include <string.h>

#include "sercam_test.h"

int main(int argc, char **argv)
{
	char cmd[EMU_LINE] = "", final[EMU_LINE] = "";
	char **lines;
	int i, n, ret;

	for (i = 1; i < argc; i++) {
		strncat(cmd, argv[i], sizeof(cmd) - strlen(cmd) - 2);
		if (i + 1 < argc)
			strcat(cmd, " ");
	}
	ret = emu_cmd(final, sizeof(final), &lines, &n, "%s", cmd);
	for (i = 0; !ret && i < n; i++)
		puts(lines[i]);
	if (!ret)
		emu_free_lines(lines, n);
	puts(final[0] ? final : "err no reply from the emulator");
	return ret ? 1 : 0;
}
