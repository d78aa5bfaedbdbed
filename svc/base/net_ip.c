/* net_ip.c - IP address parsing for the throttle's allowlist and the loopback test of sink URLs:
 * IPv4 as its IPv4-mapped IPv6 form so that one comparison serves both families. */
#include "svc/base/net.h"

#include <string.h>

int net_parse_ip(const char *s, uint8_t out[16])
{
    uint8_t a4[4];

    if (net_pton(0, s, a4) == 0) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, a4, 4);
        return 4;
    }
    return net_pton(1, s, out) == 0 ? 6 : 0;
}
