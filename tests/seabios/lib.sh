# lib.sh - shared by the SeaBIOS tests (sourced).
# seabios_need: sets fw to the firmware directory (SEABIOS_DIR or Debian's
# /usr/share/seabios) and installs Debian's seabios package when bios-256k.bin
# or vgabios-stdvga.bin is missing; exits the test (status 1) if it cannot.
seabios_need() {
    fw=${SEABIOS_DIR:-/usr/share/seabios}
    if [ ! -f "$fw/bios-256k.bin" ] || [ ! -f "$fw/vgabios-stdvga.bin" ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq seabios >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq seabios >/dev/null 2>&1; } ||
            { echo "FAIL: $fw/bios-256k.bin is missing and Debian's seabios package cannot be installed"; exit 1; }
    fi
}
