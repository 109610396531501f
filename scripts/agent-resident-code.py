#!/usr/bin/env python3
"""Which modules' code a running greencap-agent keeps resident: its text pages present in /proc/PID/pagemap,
each attributed to the symbol that covers it (nm of the same binary), summed by Swift module name.

    sudo scripts/agent-resident-code.py PID [BINARY]

Reading pagemap needs root (CAP_SYS_ADMIN) for the page-present bits. BINARY defaults to /proc/PID/exe.
Where the agent's steady-state RSS goes, and so which dependency to cut next (docs/performance.md).
"""
import bisect
import collections
import os
import re
import struct
import subprocess
import sys


def module(name):
    match = re.match(r"\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)", name)
    if match:
        return match.group(2)[: int(match.group(1))]
    if name.startswith("$s"):
        return "Swift standard library"
    if name.startswith("swift_") or name.startswith("_swift"):
        return "Swift runtime"
    if "boringssl" in name.lower():
        return "BoringSSL"
    if name.startswith("_Z"):
        return "C++"
    return "C and other"


def main():
    pid = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else os.readlink(f"/proc/{pid}/exe")
    path = os.readlink(f"/proc/{pid}/exe").removesuffix(" (deleted)")
    maps = [line.split() for line in open(f"/proc/{pid}/maps") if line.rstrip().endswith(path) or line.rstrip().endswith(path + " (deleted)")]
    text = next(m for m in maps if m[1].startswith("r-x"))
    start, end = (int(x, 16) for x in text[0].split("-"))
    base = min(int(m[0].split("-")[0], 16) - int(m[2], 16) for m in maps)
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        pagemap.seek(start // 4096 * 8)
        data = pagemap.read((end - start) // 4096 * 8)
    present = [i for i in range(len(data) // 8) if struct.unpack_from("<Q", data, i * 8)[0] >> 63]
    symbols = []
    for line in subprocess.run(["nm", "--defined-only", "-S", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        fields = line.split(None, 3)
        if len(fields) == 4:
            symbols.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
    symbols.sort()
    addresses = [s[0] for s in symbols]
    resident, size = collections.Counter(), collections.Counter()
    for address, length, name in symbols:
        size[module(name)] += length
    for page in present:
        address = start + page * 4096 - base + 2048
        index = bisect.bisect_right(addresses, address) - 1
        covered = index >= 0 and symbols[index][0] + symbols[index][1] >= address - 2048
        resident[module(symbols[index][2]) if covered else "(no symbol)"] += 4
    print(f"resident text: {len(present) * 4} KiB of {(end - start) // 1024} KiB")
    for name, kib in resident.most_common(16):
        print(f"{kib:7d} KiB  {name:28s} (its code: {size[name] // 1024} KiB)")


main()
