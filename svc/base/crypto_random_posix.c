/* crypto_random_posix.c - crypto_random() from /dev/urandom (POSIX builds). */
#include "svc/base/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int crypto_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    int rc = -1;

    if (fd < 0)
        return -1;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto out;
        p += n, len -= (size_t)n;
    }
    rc = 0;
out:
    close(fd);
    return rc;
}
