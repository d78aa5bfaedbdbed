#!/usr/bin/env python3
"""Rendered Windows event XML (a stream of <Event> documents, as wevtutil or evtxexport print)
-> one JSON document per line, in the layout a Windows event shipper writes:

  winlogbeat8  Winlogbeat 8.x / Elastic Agent (ECS): winlog.event_id and winlog.record_id as
               strings, winlog.event_data.<Name> strings, @timestamp with milliseconds (UTC)
  winlogbeat7  Winlogbeat 7.x: winlog.event_id and winlog.record_id as numbers
  nxlog        NXLog im_msvistalog + to_json(): flat; EventID and RecordNumber numbers, the
               EventData fields at the top level (digit-only values as numbers), EventTime in
               NXLog Agent's default DateFormat (YYYY-MM-DDThh:mm:ss.sTZ, local time: --tz)

Field names follow the products' documentation (see docs/json-events.md); the extra fields the
products add (message, event.*, agent, Keywords, Severity, ...) are written too, so that a reader
has to ignore them. Used by tests/integration/test_hunt_json.sh and to write
tests/fixtures/json/. Python 3 standard library only.

usage: evtx_xml_to_json.py --layout winlogbeat8|winlogbeat7|nxlog [--tz +02:00] IN.xml > OUT.jsonl
"""
import argparse
import datetime as dt
import json
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
EVENT_RE = re.compile(r"<Event[\s>].*?</Event\s*>", re.S)


def local(tag):
    return tag.split("}", 1)[-1]


def parse_time(s):
    # "2020-08-02T11:33:06.521159600Z" or 7-digit or no fraction
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$", s)
    base = dt.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
    frac = (m.group(2) or "0")[:6].ljust(6, "0")
    return base + dt.timedelta(microseconds=int(frac))


def read_event(text):
    root = ET.fromstring(text)
    sysd, data, user = {}, [], None
    for sect in root:
        name = local(sect.tag)
        if name == "System":
            for e in sect:
                n = local(e.tag)
                if n == "Provider":
                    sysd["provider"] = e.get("Name", "")
                    sysd["guid"] = e.get("Guid", "")
                elif n == "TimeCreated":
                    sysd["time"] = parse_time(e.get("SystemTime"))
                elif n == "Execution":
                    sysd["pid"], sysd["tid"] = e.get("ProcessID"), e.get("ThreadID")
                else:
                    sysd[n] = e.text or ""
        elif name == "EventData":
            k = 0
            for e in sect:
                if local(e.tag) != "Data":
                    continue
                k += 1
                data.append((e.get("Name") or "param%d" % k, e.text or ""))
        elif name == "UserData":
            for child in sect:
                user = {"xml_name": local(child.tag)}
                for leaf in child.iter():
                    if leaf is not child and len(leaf) == 0:
                        user[local(leaf.tag)] = leaf.text or ""
    return sysd, data, user


def winlogbeat(sysd, data, user, major):
    t = sysd["time"]
    eid, rid = int(sysd["EventID"]), int(sysd["EventRecordID"])
    w = {
        "channel": sysd.get("Channel", ""),
        "computer_name": sysd.get("Computer", ""),
        "event_data": dict(data),
        "event_id": str(eid) if major >= 8 else eid,
        "keywords": ["Audit Success"],
        "opcode": "Info",
        "process": {"pid": int(sysd.get("pid") or 0), "thread": {"id": int(sysd.get("tid") or 0)}},
        "provider_guid": sysd.get("guid", ""),
        "provider_name": sysd.get("provider", ""),
        "record_id": str(rid) if major >= 8 else rid,
        "task": "Kerberos Service Ticket Operations",
    }
    if sysd.get("Version"):
        w["version"] = int(sysd["Version"])
    if not data:
        del w["event_data"]
    if user:
        w["user_data"] = user
    return {
        "@timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000),
        "agent": {"type": "winlogbeat", "version": "8.11.1" if major >= 8 else "7.17.15"},
        "ecs": {"version": "8.0.0" if major >= 8 else "1.12.0"},
        "event": {"code": str(eid), "kind": "event", "provider": sysd.get("provider", ""),
                  "created": "2024-01-01T00:00:00.000Z", "outcome": "success"},
        "host": {"name": sysd.get("Computer", "").split(".")[0]},
        "log": {"level": "information"},
        "message": "Event %d: %s" % (eid, "; ".join("%s=%s" % kv for kv in data)),
        "winlog": w,
    }


def nxlog(sysd, data, user, tz):
    sign = 1 if tz[0] == "+" else -1
    off = dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])) * sign
    t = sysd["time"].astimezone(dt.timezone(off))
    stamp = t.strftime("%Y-%m-%dT%H:%M:%S.%f") + tz
    doc = {
        "EventTime": stamp,
        "Hostname": sysd.get("Computer", ""),
        "Keywords": "9232379236109516800",
        "EventType": "AUDIT_SUCCESS",
        "SeverityValue": 2,
        "Severity": "INFO",
        "EventID": int(sysd["EventID"]),
        "SourceName": sysd.get("provider", ""),
        "ProviderGuid": sysd.get("guid", ""),
        "Version": int(sysd.get("Version") or 0),
        "Task": int(sysd.get("Task") or 0),
        "OpcodeValue": 0,
        "RecordNumber": int(sysd["EventRecordID"]),
        "ExecutionProcessID": int(sysd.get("pid") or 0),
        "ExecutionThreadID": int(sysd.get("tid") or 0),
        "Channel": sysd.get("Channel", ""),
        "Message": "Event %s" % sysd["EventID"],
        "Category": "Kerberos Service Ticket Operations",
        "Opcode": "Info",
    }
    for k, v in data + sorted((user or {}).items()):
        if k == "xml_name":
            continue
        doc[k] = int(v) if re.fullmatch(r"[1-9][0-9]{0,8}", v) else v
    doc["EventReceivedTime"] = stamp
    doc["SourceModuleName"] = "eventlog"
    doc["SourceModuleType"] = "im_msvistalog"
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layout", required=True, choices=["winlogbeat8", "winlogbeat7", "nxlog"])
    ap.add_argument("--tz", default="+02:00", help="NXLog collector's UTC offset, e.g. +02:00")
    ap.add_argument("input")
    a = ap.parse_args()
    text = open(a.input, encoding="utf-8", errors="surrogateescape").read()
    for rec in EVENT_RE.findall(text):
        try:
            sysd, data, user = read_event(rec)
        except ET.ParseError:
            continue  # a record the XML path skips as malformed
        if a.layout == "nxlog":
            doc = nxlog(sysd, data, user, a.tz)
        else:
            doc = winlogbeat(sysd, data, user, 8 if a.layout == "winlogbeat8" else 7)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
