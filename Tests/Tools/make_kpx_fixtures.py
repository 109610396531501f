#!/usr/bin/env python3
"""Writes the recorded-response fixtures in Tests/Fixtures/kpx-api/ that kpx_replay_server.py serves.

The responses follow the data.go.kr schemas documented in ../shared/reference/grid-feeds.md §1 (field
names, `response.header` / `response.body.items.item[]`, hour-ending trade hours, the SMP API's duplicate
"01"/"1" hours). Values are made up but shaped like the real feeds. Deterministic: run it again and git
shows no change. Layout: <root>/<gateway path>/<sorted query without serviceKey and dataType>.<json|xml>,
plus `_default.<ext>` (an empty page) in each API directory.
"""
import json
import math
import os
import sys
from xml.sax.saxutils import escape

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "kpx-api")
GATEWAY = "B552115"

REGIONS = ["서울시", "부산시", "대구시", "인천시", "광주시", "대전시", "울산시", "세종시", "경기도", "강원도",
           "충청북도", "충청남도", "전라북도", "전라남도", "경상북도", "경상남도", "제주도"]
# Peak MWh per trade hour by region; 전라남도 is the largest, as in KPX's data.
PEAK = {name: 40.0 + 35.0 * i for i, name in enumerate(REGIONS)}
PEAK["전라남도"] = 1900.0


def solar_shape(hour):
    """Fraction of peak in trade hour 1..24 (hour-ending): dark before 06:00 and after 20:00 KST."""
    if hour <= 6 or hour >= 21:
        return 0.0
    return round(math.sin(math.pi * (hour - 6) / 14.0), 6)


def page_json(items, total, page, rows, code="00", message="NORMAL SERVICE."):
    body = {"dataType": "JSON", "items": {"item": items} if items else "", "pageNo": page, "numOfRows": rows,
            "totalCount": total}
    return json.dumps({"response": {"header": {"resultCode": code, "resultMsg": message}, "body": body}},
                      ensure_ascii=False, indent=1) + "\n"


def page_xml(items, total, page, rows, code="00", message="NORMAL SERVICE."):
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "<response>", "  <header>",
             f"    <resultCode>{code}</resultCode>", f"    <resultMsg>{escape(message)}</resultMsg>", "  </header>",
             "  <body>", "    <items>"]
    for item in items:
        lines.append("      <item>")
        for key, value in item.items():
            lines.append(f"        <{key}>{escape(str(value))}</{key}>")
        lines.append("      </item>")
    lines += ["    </items>", f"    <numOfRows>{rows}</numOfRows>", f"    <pageNo>{page}</pageNo>",
              f"    <totalCount>{total}</totalCount>", "  </body>", "</response>"]
    return "\n".join(lines) + "\n"


def write_pages(service, params, rows_all, page_size):
    """Every page of one query, in both formats."""
    total = len(rows_all)
    pages = max(1, math.ceil(total / page_size))
    for number in range(1, pages + 1):
        chunk = rows_all[(number - 1) * page_size:number * page_size]
        query = dict(params, pageNo=str(number), numOfRows=str(page_size))
        name = "&".join(f"{k}={query[k]}" for k in sorted(query))
        folder = os.path.join(ROOT, GATEWAY, service)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name + ".json"), "w", encoding="utf-8") as out:
            out.write(page_json(chunk, total, number, page_size))
        with open(os.path.join(folder, name + ".xml"), "w", encoding="utf-8") as out:
            out.write(page_xml(chunk, total, number, page_size))


def write_default(service):
    folder = os.path.join(ROOT, GATEWAY, service)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "_default.json"), "w", encoding="utf-8") as out:
        out.write(page_json([], 0, 1, 0))
    with open(os.path.join(folder, "_default.xml"), "w", encoding="utf-8") as out:
        out.write(page_xml([], 0, 1, 0))


def regional_solar():
    service = "PvAmountByLocHr/getPvAmountByLocHr"
    rows = []
    for hour in range(1, 25):
        for name in REGIONS:
            rows.append({"tradeYmd": "20240501", "tradeNo": hour, "regionNm": name,
                         "amgo": f"{PEAK[name] * solar_shape(hour):.6f}", "rn": len(rows) + 1})
    for size in (500, 200):
        write_pages(service, {"tradeYmd": "20240501"}, rows, size)
    # A day with two bad rows: a negative value and a non-number, both for 전라남도.
    bad = [dict(r, tradeYmd="20240502") for r in rows]
    for r in bad:
        if r["regionNm"] == "전라남도" and r["tradeNo"] == 12:
            r["amgo"] = "-3.250000"
        if r["regionNm"] == "전라남도" and r["tradeNo"] == 13:
            r["amgo"] = "n/a"
    for size in (500, 200):
        write_pages(service, {"tradeYmd": "20240502"}, bad, size)
    write_default(service)


def national_fuel_mix():
    service = "sumperfuel5m/getSumperfuel5m"
    rows = []
    for step in range(1, 4):
        minute = 5 * step
        rows.append({"baseDateTime": f"20240501120{minute}00" if minute < 10 else f"2024050112{minute}00",
                     "fuelPwr1": "1203.5", "fuelPwr2": "0", "fuelPwr3": "9876.1", "fuelPwr4": "21034.0",
                     "fuelPwr5": "0", "fuelPwr6": "8123.4", "fuelPwr7": "512.0",
                     "fuelPwr8": f"{15234.5 + step:.1f}", "fuelPwr9": f"{1433.2 + step:.1f}", "fuelPwr10": "812.3",
                     "pEsmw": "2103.4", "bEmsw": "1501.2", "fuelPwrTot": f"{61234.0 + 10 * step:.1f}"})
    write_pages(service, {}, rows, 300)
    write_default(service)


def day_ahead():
    service = "SmpWithForecastDemand/getSmpWithForecastDemand"
    for date, conflict in (("20240501", False), ("20240502", True)):
        rows = []
        for area in ("육지", "제주"):
            for hour in range(1, 25):
                mlfd = 55000 + 400 * hour
                jlfd = 600 + 12 * hour
                row = {"date": date, "hour": f"{hour:02d}", "areaName": area, "smp": f"{120 + hour * 1.5:.2f}",
                       "mlfd": mlfd, "jlfd": jlfd, "slfd": mlfd + jlfd}
                rows.append(row)
                if hour <= 9:  # KPX sends hours 1-9 a second time as "1".."9"
                    twin = dict(row, hour=str(hour))
                    if conflict and area == "제주" and hour == 7:
                        twin["jlfd"] = jlfd + 50
                    rows.append(twin)
        for index, row in enumerate(rows):
            row["rn"] = index + 1
        write_pages(service, {"date": date}, rows, 200)
    write_default(service)


def jeju():
    service = "JejuSukub5mToday/getJejuSukub5mToday"
    rows = []
    for step in range(1, 289):
        minutes = 5 * step
        hh, mm = divmod(minutes, 60)
        solar = round(420.0 * max(0.0, math.sin(math.pi * (minutes / 60.0 - 6) / 14.0)), 1)
        rows.append({"baseDatetime": f"20240501{hh:02d}{mm:02d}00", "suppAbility": "1650.0",
                     "currPwrTot": f"{700 + (step % 24) * 5:.1f}", "renewPwrTot": f"{solar + 210.5:.1f}",
                     "renewPwrSolar": f"{solar:.1f}", "renewPwrWind": "210.5", "currNtPwrTot": "512.0"})
    for size in (300, 100):
        write_pages(service, {"baseDate": "20240501"}, rows, size)
    write_default(service)


def greencap_feed():
    folder = os.path.join(ROOT, "feeds")
    os.makedirs(folder, exist_ok=True)
    document = {
        "format": "greencap-feed/1", "region": "KR-46", "issued": "2024-05-01T09:00:00Z", "source": "mirror-gwangju",
        "records": [
            {"start": "2024-05-01T03:00:00Z", "minutes": 60, "solar_mw": 1710.5, "wind_mw": 88.0, "demand_mw": None,
             "curtailment": "active", "kind": "actual", "quality": "good"},
            {"start": "2024-05-01T04:00:00Z", "minutes": 60, "solar_mw": 1650.0, "wind_mw": None,
             "curtailment": "none", "kind": "actual"},
            {"start": "2024-05-02T03:00:00Z", "minutes": 60, "solar_mw": 1500.0, "wind_mw": 70.0,
             "curtailment": "possible", "kind": "forecast", "quality": "estimated"},
            {"start": "2024-05-02T04:00:00Z", "minutes": 60, "solar_mw": -5, "kind": "actual"},
            {"start": "2024-05-02T05:00:00Z", "minutes": 7, "solar_mw": 5, "kind": "actual"},
        ],
    }
    with open(os.path.join(folder, "kr46.json"), "w", encoding="utf-8") as out:
        out.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    with open(os.path.join(folder, "wrong-format.json"), "w", encoding="utf-8") as out:
        out.write(json.dumps(dict(document, format="greencap-feed/9"), indent=1) + "\n")


if __name__ == "__main__":
    regional_solar()
    national_fuel_mix()
    day_ahead()
    jeju()
    greencap_feed()
    print(f"fixtures written under {os.path.normpath(ROOT)}", file=sys.stderr)
