/* missing_main.c - placeholder program used while a folder has no main.c yet. */
#include <stdio.h>

int main(void)
{
    fputs("not built yet\n", stderr);
    return 2;
}
