/* ldap_prompt_win.c - reads the bind password from the Windows console without echo. */
#include "adseed/ldap_conn.h"

#include <stdio.h>
#include <string.h>
#include <windows.h>

int adseed_prompt_noecho(const char *prompt, char *buf, size_t len)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode = 0;
    int ret = -1;
    if (in == INVALID_HANDLE_VALUE || !GetConsoleMode(in, &mode))
        return -1;
    fputs(prompt, stderr);
    fflush(stderr);
    if (!SetConsoleMode(in, mode & ~(DWORD)ENABLE_ECHO_INPUT))
        return -1;
    if (fgets(buf, (int)len, stdin)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        ret = 0;
    }
    SetConsoleMode(in, mode);
    fputs("\n", stderr);
    return ret;
}
