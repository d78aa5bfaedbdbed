/* main.c - the decoysvc program: hands its arguments to the library's command dispatcher. */
#include "svc/svc.h"

int main(int argc, char **argv)
{
    return svc_main(argc, argv);
}
