/*
 * lure_render.c - the text of each breadcrumb kind, styled like what attackers find on real
 * networks: a "temporary password" account description, a Group Policy Preferences Groups.xml
 * with a cpassword, an old admin script (.bat/.cmd or .ps1) that maps a share with the account, a
 * cmdkey command that stores the credential on a host, and an unattend.xml with an AutoLogon
 * password. Pure: every value is escaped for its syntax (XML, batch, PowerShell single quotes)
 * and a value that cannot be made safe is refused.
 */
#include "adseed/lure.h"

#include <stdio.h>
#include <string.h>

/* XML attribute / text escaping. */
static void put_xml(strbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_printf(b, "&amp;"); break;
        case '<': strbuf_printf(b, "&lt;"); break;
        case '>': strbuf_printf(b, "&gt;"); break;
        case '"': strbuf_printf(b, "&quot;"); break;
        case '\'': strbuf_printf(b, "&apos;"); break;
        default: strbuf_printf(b, "%c", *s); break;
        }
    }
}

/* Inside a batch file's double quotes only '%' expands: it is doubled. */
static void put_bat(strbuf *b, const char *s)
{
    for (; *s; s++)
        strbuf_printf(b, *s == '%' ? "%%%%" : "%c", *s);
}

/* PowerShell single-quoted string: a quote is doubled. */
static void put_ps(strbuf *b, const char *s)
{
    for (; *s; s++)
        strbuf_printf(b, *s == '\'' ? "''" : "%c", *s);
}

/* DOMAIN\name with put() escaping both parts. */
static void put_account(strbuf *b, const lure_params *p, void (*put)(strbuf *, const char *))
{
    put(b, p->netbios);
    strbuf_printf(b, "\\");
    put(b, p->name);
}

static int plain_text(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '"')
            return 0;
    return 1;
}

static void render_description(const lure_params *p, strbuf *b)
{
    strbuf_printf(b,
                  "Backup service account - temporary password %s (set %.10s, change after "
                  "the migration)",
                  p->password, p->when);
}

static void render_gpp(const lure_params *p, const char *cpassword, strbuf *b)
{
    const uint8_t *u = p->uid;
    strbuf_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
                     "<Groups clsid=\"{3125E937-EB16-4b4c-9934-544FC6D24D26}\">"
                     "<User clsid=\"{DF5F1855-51E5-4d24-8B1A-D9BDE98BA1D1}\" name=\"");
    put_xml(b, p->name);
    strbuf_printf(b,
                  "\" image=\"2\" changed=\"%s\" uid=\"{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
                  "%02X%02X%02X%02X%02X%02X}\">",
                  p->when, u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9], u[10], u[11], u[12],
                  u[13], u[14], u[15]);
    strbuf_printf(b,
                  "<Properties action=\"U\" newName=\"\" fullName=\"\" description=\"\" "
                  "cpassword=\"%s\" changeLogon=\"0\" noChange=\"1\" neverExpires=\"1\" "
                  "acctDisabled=\"0\" userName=\"",
                  cpassword);
    put_account(b, p, put_xml);
    strbuf_printf(b, "\"/></User>\r\n</Groups>\r\n");
}

static void render_script(const lure_params *p, const char *target, strbuf *b)
{
    if (p->powershell) {
        strbuf_printf(b,
                      "# Nightly export to the backup share (legacy job, do not remove)\r\n"
                      "# %s - runs as the backup service account\r\n$user = '",
                      p->when);
        put_account(b, p, put_ps);
        strbuf_printf(b,
                      "'\r\n$pass = ConvertTo-SecureString '%s' -AsPlainText -Force\r\n"
                      "$cred = New-Object System.Management.Automation.PSCredential($user, $pass)\r\n"
                      "New-PSDrive -Name Z -PSProvider FileSystem -Root '",
                      p->password);
        put_ps(b, target);
        strbuf_printf(b, "' -Credential $cred | Out-Null\r\n"
                         "Copy-Item -Path 'D:\\Exports\\*' -Destination 'Z:\\Exports' -Recurse -Force\r\n"
                         "Remove-PSDrive -Name Z\r\n");
        return;
    }
    strbuf_printf(b,
                  "@echo off\r\nREM Nightly export to the backup share (legacy job, do not remove)\r\n"
                  "REM %s - runs as the backup service account\r\nnet use Z: \"",
                  p->when);
    put_bat(b, target);
    strbuf_printf(b, "\" /user:");
    put_account(b, p, put_bat);
    strbuf_printf(b,
                  " \"%s\" /persistent:no\r\n"
                  "robocopy D:\\Exports Z:\\Exports /MIR /R:1 /W:5 /LOG:C:\\Temp\\export.log\r\n"
                  "net use Z: /delete /y\r\n",
                  p->password);
}

static void render_cmdkey(const lure_params *p, const char *target, strbuf *b)
{
    strbuf_printf(b, "REM Run on the host that should hold the lure, as the user whose Credential\r\n"
                     "REM Manager vault attackers would dump (see docs/adseed.md), then delete this file.\r\n"
                     "cmdkey /add:");
    put_bat(b, target);
    strbuf_printf(b, " /user:");
    put_account(b, p, put_bat);
    strbuf_printf(b, " /pass:%s\r\n", p->password);
}

static void render_unattend(const lure_params *p, strbuf *b)
{
    strbuf_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
                     "<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">\r\n"
                     "  <settings pass=\"oobeSystem\">\r\n"
                     "    <component name=\"Microsoft-Windows-Shell-Setup\" processorArchitecture=\"amd64\" "
                     "publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\" versionScope=\"nonSxS\" "
                     "xmlns:wcm=\"http://schemas.microsoft.com/WMIConfig/2002/State\" "
                     "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n"
                     "      <AutoLogon>\r\n"
                     "        <Password>\r\n"
                     "          <Value>");
    put_xml(b, p->password);
    strbuf_printf(b, "</Value>\r\n          <PlainText>true</PlainText>\r\n        </Password>\r\n"
                     "        <Domain>");
    put_xml(b, p->netbios);
    strbuf_printf(b, "</Domain>\r\n        <Enabled>true</Enabled>\r\n"
                     "        <LogonCount>1</LogonCount>\r\n        <Username>");
    put_xml(b, p->name);
    strbuf_printf(b,
                  "</Username>\r\n      </AutoLogon>\r\n"
                  "      <TimeZone>UTC</TimeZone>\r\n"
                  "    </component>\r\n  </settings>\r\n"
                  "  <!-- build %s -->\r\n</unattend>\r\n",
                  p->when);
}

int lure_render(const lure_params *p, strbuf *out, char *err, size_t errlen)
{
    char target[512], cpw[1024];
    if (!p->name || !p->netbios || !p->dns_domain || !p->password || !p->when || !plain_text(p->name) ||
        !plain_text(p->netbios) || !plain_text(p->password) || !plain_text(p->when)) {
        snprintf(err, errlen, "breadcrumb: missing or unprintable name, domain or password");
        return -1;
    }
    if (p->target && (!p->target[0] || !plain_text(p->target) || strlen(p->target) >= 256)) {
        snprintf(err, errlen, "--target: must be printable, without '\"', at most 255 characters");
        return -1;
    }
    if (p->kind == ADSEED_LURE_SCRIPT)
        snprintf(target, sizeof target, "%s", p->target ? p->target : "");
    if (p->kind == ADSEED_LURE_SCRIPT && !p->target)
        snprintf(target, sizeof target, "\\\\fs-backup01.%.200s\\Exports$", p->dns_domain);
    if (p->kind == ADSEED_LURE_CMDKEY)
        snprintf(target, sizeof target, "%.300s", p->target ? p->target : "");
    if (p->kind == ADSEED_LURE_CMDKEY && !p->target)
        snprintf(target, sizeof target, "fs-backup01.%.200s", p->dns_domain);
    if (p->kind == ADSEED_LURE_CMDKEY && strpbrk(target, " \t&|<>^")) {
        snprintf(err, errlen, "--target: a cmdkey target is a host name (no spaces or & | < > ^)");
        return -1;
    }
    switch (p->kind) {
    case ADSEED_LURE_DESCRIPTION: render_description(p, out); break;
    case ADSEED_LURE_GPP:
        if (lure_gpp_cpassword(p->password, cpw, sizeof cpw, err, errlen) != 0)
            return -1;
        render_gpp(p, cpw, out);
        break;
    case ADSEED_LURE_SCRIPT: render_script(p, target, out); break;
    case ADSEED_LURE_CMDKEY: render_cmdkey(p, target, out); break;
    case ADSEED_LURE_UNATTEND: render_unattend(p, out); break;
    }
    if (out->failed) {
        snprintf(err, errlen, "breadcrumb: out of memory");
        return -1;
    }
    return 0;
}
