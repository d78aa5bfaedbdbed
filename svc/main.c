/* main.c - the decoysvc program: hands its arguments to the library's command dispatcher. */
#include "svc/svc.h"
#include "svc/base/platform.h"

int main(int argc, char **argv)
{
    return svc_main(argc, svc_utf8_argv(argc, argv)); /* UTF-8 on Windows too */
}
