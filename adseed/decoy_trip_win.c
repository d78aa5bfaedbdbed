/*
 * decoy_trip_win.c - `adseed trip` on Windows is not built in: it prints the native equivalent
 * (klist get SPN, then klist to read the ticket encryption).
 */
#include "adseed/decoy.h"

#include <stdio.h>

int decoy_trip_spn(const char *spn, char *etype_name, size_t etlen, char *err, size_t errlen)
{
    (void)etype_name;
    (void)etlen;
    snprintf(err, errlen,
             "trip is not built in on Windows: run `klist get %s` then `klist` and "
             "read KerbTicket Encryption Type",
             spn);
    return -1;
}
