/* ldap_prompt_posix.c - reads the bind password from the terminal without echo (POSIX termios). */
#include "adseed/ldap_conn.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int adseed_prompt_noecho(const char *prompt, char *buf, size_t len)
{
    FILE *tty = fopen("/dev/tty", "r+");
    struct termios old, quiet;
    int ret = -1;
    if (!tty)
        return -1;
    int fd = fileno(tty);
    if (!isatty(fd) || tcgetattr(fd, &old) != 0)
        goto out;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    fputs(prompt, tty);
    fflush(tty);
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
        goto out;
    if (fgets(buf, (int)len, tty)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        ret = 0;
    }
    tcsetattr(fd, TCSAFLUSH, &old);
    fseek(tty, 0, SEEK_CUR); /* output after input on an update stream needs a positioning call */
    fputs("\n", tty);
out:
    fclose(tty);
    return ret;
}
