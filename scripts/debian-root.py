#!/usr/bin/env python3
"""A minimal Debian root to install Greencap's packages into (the package test, docs/operations.md).

    scripts/debian-root.py ROOT CACHE PACKAGE.deb...

Holds only what the given packages depend on (their Depends and Pre-Depends, followed through the archive,
first alternative that is not `systemd` itself), plus a shell, coreutils and libc-bin for the maintainer
scripts: so a missing Depends shows as a binary that cannot start. No Swift, no compiler. The .debs come from
the machine's apt sources through `apt-get download` and are kept in CACHE between runs. Needs root (dpkg
runs the maintainer scripts chrooted into ROOT). Prints the packages installed.
"""
import os
import re
import subprocess
import sys

BASE = ["base-files", "base-passwd", "dash", "coreutils", "libc-bin", "diffutils", "sed", "grep"]


def run(*args, cwd=None):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"debian-root: {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def choose(alternatives):
    """One package from an `a | b (>= 1)` group: the first that is not systemd (the root stays minimal)."""
    names = [re.sub(r"[\s(:].*", "", alt.strip()) for alt in alternatives]
    names = [n for n in names if n]
    for name in names:
        if name != "systemd":
            return name
    return names[0]


def archive_dependencies(packages):
    """Depends and Pre-Depends of each package as apt sees them, virtual names resolved to their first provider.
    One apt-cache call for the lot: each call costs about a second."""
    text = run("apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks",
               "--no-replaces", "--no-enhances", *packages)
    result, lines = {}, text.splitlines()
    package, current = None, []
    for index, line in enumerate(lines):
        if not line.startswith(" "):
            package = line.strip()
            result.setdefault(package, [])
            continue
        match = re.match(r"  (\|?)(Pre)?Depends: (.*)", line)
        if not match or package is None:
            continue
        name = match.group(3).strip()
        if name.startswith("<"):
            # A virtual package: apt lists its providers on the following, further indented lines.
            providers = []
            for follow in lines[index + 1:]:
                if not follow.startswith("    "):
                    break
                providers.append(follow.strip())
            name = providers[0] if providers else None
        if name:
            current.append(name)
        if not match.group(1):
            if current:
                result[package].append(choose(current))
            current = []
    return result


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    root, cache, debs = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
    wanted = list(BASE)
    for deb in debs:
        field = run("dpkg-deb", "-f", deb, "Depends").strip()
        wanted += [choose(group.split("|")) for group in field.split(",") if group.strip()]
    chosen, frontier = [], list(dict.fromkeys(wanted))
    while frontier:
        chosen += frontier
        found = archive_dependencies(frontier)
        frontier = list(dict.fromkeys(d for deps in found.values() for d in deps if d not in chosen))

    os.makedirs(cache, exist_ok=True)
    missing = [p for p in chosen if not any(f.startswith(p + "_") and f.endswith(".deb") for f in os.listdir(cache))]
    if missing:
        result = subprocess.run(["apt-get", "download", *missing], cwd=cache, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"debian-root: apt-get download failed (run `apt-get update` if the lists are empty):\n"
                     f"{result.stdout}{result.stderr}")
    files = []
    for package in chosen:
        matches = sorted(f for f in os.listdir(cache) if f.startswith(package + "_") and f.endswith(".deb"))
        files.append(os.path.join(cache, matches[-1]))

    # As debootstrap does: unpack everything first, so the maintainer scripts find a shell and their tools;
    # then install through dpkg, so the root's package database knows what is there.
    os.makedirs(os.path.join(root, "var/lib/dpkg/info"), exist_ok=True)
    os.makedirs(os.path.join(root, "var/lib/dpkg/updates"), exist_ok=True)
    for name in ("status", "available"):
        open(os.path.join(root, "var/lib/dpkg", name), "a").close()
    for path in files:
        run("dpkg-deb", "-x", path, root)
    environment = dict(os.environ, PATH="/usr/sbin:/usr/bin:/sbin:/bin", DEBIAN_FRONTEND="noninteractive")
    result = subprocess.run(["dpkg", "--root=" + root, "--force-depends", "--force-unsafe-io", "-i", *files],
                            capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        sys.exit(f"debian-root: dpkg -i into {root} failed:\n{result.stdout}{result.stderr}")
    print(" ".join(chosen))


main()
