#!/usr/bin/env bash
# Install everything tarsier needs to build and test on Debian (run as root or with sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
pkgs="build-essential cmake pkg-config libcapstone-dev check libsdl2-dev zlib1g-dev nasm cpio gdb python3 libunicorn-dev clang"
missing=""
for p in $pkgs; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
