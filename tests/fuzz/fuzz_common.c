/* fuzz_common.c - helpers of the fuzz targets (see fuzz.h). */
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "adseed/adseed.h"
#include "svc/detect/decoy_index.h"

const char *fuzz_temp_file(const char *tag, const uint8_t *data, size_t size)
{
    static char path[256];
    FILE *f;
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

    snprintf(path, sizeof path, "%s/addecoy-fuzz-%s-%ld", dir, tag, (long)getpid());
    f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    return path;
}

static const char inventory_json[] =
    "{\"version\": 1, \"decoys\": [{\"name\": \"svc_backup_legacy\", \"sid\": \"S-1-5-21-1-2-3-4105\","
    " \"guid\": \"259162f1-58e4-4ee9-9b9c-2baf2a03d376\", \"dn\": \"CN=svc_backup_legacy,DC=corp,DC=example\","
    " \"spns\": [\"MSSQLSvc/db01.corp.example:1433\"], \"memo\": \"bait\"},"
    " {\"name\": \"admin-test\"}]}";

const struct decoy_index *fuzz_index(void)
{
    static adseed_inventory inv; /* built once, kept for the process: read-only afterwards */
    static decoy_index *ix;
    char err[256];

    if (!ix) {
        adseed_inventory_init(&inv);
        if (adseed_inventory_parse(&inv, inventory_json, strlen(inventory_json), "fuzz", err, sizeof err) != 0 ||
            !(ix = decoy_index_build(&inv, err, sizeof err)))
            abort();
    }
    return ix;
}

int fuzz_json_ok(const char *s, size_t n)
{
    json_error_t e;
    json_t *j = json_loadb(s, n, JSON_DECODE_ANY, &e);
    if (!j)
        return 0;
    json_decref(j);
    return 1;
}

int fuzz_event(const uint8_t *data, size_t size, const char *decoy, evtx_event *ev)
{
    static const unsigned ids[] = {4768, 4769, 4771, 4776, 4625, 4624, 4662, 4738, 5136};
    static const char *const names[] = {"WorkstationName",
                                        "IpAddress",
                                        "IpPort",
                                        "Status",
                                        "SubStatus",
                                        "TicketEncryptionType",
                                        "TicketOptions",
                                        "ProcessName",
                                        "TargetDomainName",
                                        "SubjectUserName",
                                        "SubjectDomainName",
                                        "LogonType",
                                        "PreAuthType",
                                        "AccessMask",
                                        "Properties",
                                        "OperationType",
                                        "AttributeLDAPDisplayName",
                                        "AttributeValue",
                                        "Workstation",
                                        "ServiceSid"};
    unsigned id;
    size_t i = 2, k = 0;
    char *piece = NULL;
    int rc = -1;

    if (size < 2)
        return -1;
    id = ids[data[0] % (sizeof ids / sizeof ids[0])];
    ev->event_id = id;
    ev->record_id = data[1];
    evtx_event_set_time_ms(ev, data[1] & 1 ? -1 : (int64_t)data[1] * 1000003);
    if (evtx_event_set_computer(ev, "dc1", 3) != 0 || evtx_event_set_channel(ev, "Security", 8) != 0)
        return -1;
    if (id == 4662)
        rc = evtx_event_add_field(ev, "ObjectName", "%{259162f1-58e4-4ee9-9b9c-2baf2a03d376}", (size_t)-1);
    else if (id == 5136)
        rc = evtx_event_add_field(ev, "ObjectGUID", "{259162F1-58E4-4EE9-9B9C-2BAF2A03D376}", (size_t)-1);
    else
        rc = evtx_event_add_field(ev, id == 4769 ? "ServiceName" : "TargetUserName", decoy, (size_t)-1);
    if (rc != 0)
        return -1;
    if (!(piece = malloc(size + 1)))
        return -1;
    while (i <= size && k < sizeof names / sizeof names[0] * 2) {
        size_t j = i;
        while (j < size && data[j] != 0 && data[j] != '\n')
            j++;
        memcpy(piece, data + i, j - i);
        piece[j - i] = '\0';
        /* the first pieces fill the known fields, later ones repeat them (duplicates) */
        if (evtx_event_add_field(
                ev, k == 0 && id == 4769 ? "TargetUserName" : names[k % (sizeof names / sizeof names[0])],
                piece, j - i) != 0)
            break;
        k++;
        i = j + 1;
    }
    free(piece);
    return 0;
}
