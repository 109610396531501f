#!/usr/bin/env bash
# `make deb`: the greencap-agent and greencap-collector Debian packages, with the Swift runtime linked
# statically (--static-swift-stdlib), so a node needs no Swift toolchain. Packaging layout, maintainer
# scripts and the Depends rule are described in docs/operations.md ("Packages").
#
#   scripts/build-deb.sh [--out DIR] [--scratch-path DIR] [--configuration release|debug] [--binaries DIR]
#
# --binaries DIR packages greencap-agent and greencap-collector already linked with the static runtime
# (the package test relinks its debug objects rather than spend minutes on a release build); without it the
# two products are built here, release by default. DEB_COMPRESSION=gzip trades size for speed (the test uses it).
# Needs dpkg-deb and dpkg-shlibdeps (dpkg-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

out=.build-deb/packages
scratch=.build-deb
configuration=release
binaries=""
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    --scratch-path) scratch=$2; shift 2 ;;
    --configuration) configuration=$2; shift 2 ;;
    --binaries) binaries=$2; shift 2 ;;
    *) echo "build-deb: unknown argument '$1' (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
for tool in dpkg-deb dpkg-shlibdeps objdump; do
  command -v $tool >/dev/null || { echo "build-deb: $tool is missing; run scripts/install-deps.sh deb" >&2; exit 1; }
done

if [[ -z $binaries ]]; then
  # -Osize and identical-code folding: 2 MB less code, and 1.2 MB less agent RSS at steady state (most of the
  # agent's RSS is its own code pages; docs/performance.md, issue 9). The agent's CPU cost is a tick a second.
  flags=(-c "$configuration" --scratch-path "$scratch" --static-swift-stdlib)
  [[ $configuration == release ]] && flags+=(-Xswiftc -Osize -Xlinker --icf=safe)
  for product in greencap-agent greencap-collector; do
    swift build "${flags[@]}" --product $product
  done
  binaries=$(swift build "${flags[@]}" --show-bin-path)
fi

version=$(sed -n 's/.*current = "\(.*\)".*/\1/p' Sources/GreencapCore/Version.swift)
[[ -n $version ]] || { echo "build-deb: no version in Sources/GreencapCore/Version.swift" >&2; exit 1; }
arch=$(dpkg --print-architecture)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One package: stage its tree, compute Depends from what the binary links, write control files, build.
#   package binary unit config-source config-name description purge-snippet
package() {
  local name=$1 binary=$2 unit=$3 config_source=$4 config_name=$5 description=$6 purge=$7
  local root=$work/$name
  install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib/systemd/system" "$root/usr/lib/sysusers.d" \
    "$root/usr/lib/tmpfiles.d" "$root/etc/greencap" "$root/usr/share/doc/$name"
  # Debug sections go (they triple the size); the symbol table stays, so a crash report still names functions.
  objcopy --strip-debug "$binaries/$binary" "$root/usr/bin/$binary"
  chmod 0755 "$root/usr/bin/$binary"
  if objdump -p "$root/usr/bin/$binary" | grep -q 'NEEDED.*libswift'; then
    echo "build-deb: $binaries/$binary links the Swift runtime dynamically; build it with --static-swift-stdlib" >&2
    exit 1
  fi
  install -m 0644 "Systemd/$unit" "$root/usr/lib/systemd/system/$unit"
  install -m 0644 Systemd/greencap.sysusers.conf "$root/usr/lib/sysusers.d/$name.conf"
  install -m 0644 Systemd/greencap.tmpfiles.conf "$root/usr/lib/tmpfiles.d/$name.conf"
  install -m 0644 "$config_source" "$root/etc/greencap/$config_name"
  printf 'Greencap %s, built from the Greencap source tree (%s).\nSee docs/operations.md there.\n' \
    "$version" "$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)" > "$root/usr/share/doc/$name/README"

  # Depends as dpkg-shlibdeps computes it from the binary's NEEDED entries and the libraries' symbols files
  # (libc6, libmodbus5, libudev1, libsqlite3-0, ...). NVML is dlopen()ed at run time and so is not one.
  local shlibs
  mkdir -p "$work/shlibdeps-$name/debian"
  printf 'Source: greencap\n\nPackage: %s\nArchitecture: any\n' "$name" > "$work/shlibdeps-$name/debian/control"
  shlibs=$(cd "$work/shlibdeps-$name" && dpkg-shlibdeps -O "$root/usr/bin/$binary" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  [[ -n $shlibs ]] || { echo "build-deb: dpkg-shlibdeps found no dependencies for $binary" >&2; exit 1; }
  # The maintainer scripts call systemd-sysusers and systemd-tmpfiles (as debhelper's snippets would).
  local depends="$shlibs, systemd | systemd-standalone-sysusers, systemd | systemd-standalone-tmpfiles"

  cat > "$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $version
Architecture: $arch
Maintainer: Greencap maintainers <greencap@localhost>
Section: admin
Priority: optional
Depends: $depends
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Description: $description
CONTROL
  # Every file under /etc is a conffile: an upgrade never overwrites the operator's edits.
  (cd "$root" && find etc -type f | sort | sed 's|^|/|') > "$root/DEBIAN/conffiles"
  for script in postinst prerm postrm; do
    sed -e "s|@PACKAGE@|$name|g" -e "s|@UNIT@|$unit|g" -e "s|@BINARY@|/usr/bin/$binary|g" \
      -e "s|@CONFIG@|/etc/greencap/$config_name|g" packaging/deb/$script \
      | awk -v purge="$purge" '{ if ($0 == "@PURGE@") print purge; else print }' > "$root/DEBIAN/$script"
    chmod 0755 "$root/DEBIAN/$script"
  done
  (cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum) \
    > "$root/DEBIAN/md5sums"
  dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-xz}" --build "$root" "$out/${name}_${version}_${arch}.deb" >/dev/null
  echo "$out/${name}_${version}_${arch}.deb"
}

# The agent: the udev rule for USB-RS485 adapters, the Modbus device profiles, the uplink-key drop-in as an
# example. Its shipped configuration is the example with writes = "dry-run", so a node that starts before it
# was configured logs what it would do and never changes a GPU limit.
agent_config=$work/agent.toml
sed 's/^writes = "enforce"/writes = "dry-run"   # the package ships dry-run: set "enforce" once the node is checked (docs\/operations.md)/' \
  Config/agent.example.toml > "$agent_config"
grep -q '^writes = "dry-run"' "$agent_config" || { echo "build-deb: Config/agent.example.toml has no writes = \"enforce\" line to turn into dry-run" >&2; exit 1; }
install -d "$work/greencap-agent/usr/lib/udev/rules.d" "$work/greencap-agent/usr/share/greencap/profiles/modbus" \
  "$work/greencap-agent/usr/share/doc/greencap-agent/examples"
install -m 0644 Systemd/60-greencap-serial.rules "$work/greencap-agent/usr/lib/udev/rules.d/"
install -m 0644 Profiles/modbus/*.toml Profiles/modbus/SOURCE.md Profiles/modbus/LICENSE-sunspec \
  "$work/greencap-agent/usr/share/greencap/profiles/modbus/"
install -m 0644 Systemd/uplink-key.conf "$work/greencap-agent/usr/share/doc/greencap-agent/examples/"
package greencap-agent greencap-agent greencap-agent.service "$agent_config" agent.toml \
  "Greencap node agent: GPU and PDU/UPS power, per-GPU power caps" \
  "    rm -rf /var/lib/greencap/spool /var/lib/greencap/audit.jsonl"

package greencap-collector greencap-collector greencap-collector.service Config/collector.example.toml collector.toml \
  "Greencap collector: telemetry store, renewable feed, cap policy" \
  "    echo 'greencap-collector: purged; the database in /var/lib/greencap is kept (remove it by hand).' >&2"
