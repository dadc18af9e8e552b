#!/usr/bin/env bash
# Installs the Debian packages Facteur needs to run and to be tested, only those missing.
# Usage: scripts/install-system-deps.sh [run|test|bench]
set -euo pipefail
what="${1:-test}"

run_pkgs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0 libxcb-shape0 libxcb-randr0
          libxcb-render-util0 libxcb-image0 libnss3 gnome-keyring
          libenchant-2-2 hunspell-en-us hunspell-fr)  # spell checking in the composer
test_pkgs=(dovecot-core dovecot-imapd dovecot-lmtpd gnome-keyring dbus dbus-x11 libsecret-tools xvfb xauth
           desktop-file-utils appstream binutils libglib2.0-bin gtk-update-icon-cache
           iproute2 util-linux)  # iproute2, util-linux: the sealed network of tests/gui/hostile
bench_pkgs=(isync notmuch)

case "$what" in
  run) pkgs=("${run_pkgs[@]}") ;;
  test) pkgs=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) pkgs=("${run_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [run|test|bench]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Facteur needs these packages (Debian names): ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
