#!/bin/sh
# System packages the test suite needs on Debian/Ubuntu (Qt's offscreen platform, fonts, and gettext
# for the translation check).
# Skipped when they are present or when apt is not available.
set -e
PKGS="libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-noto-cjk fonts-noto-color-emoji gettext"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install these system packages for the GUI tests:$missing" >&2
    exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
