#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret Service),
# so the tests use a real OS keyring and never the user's own.
set -euo pipefail
if [ -z "${FACTEUR_IN_TEST_SESSION:-}" ]; then
  export FACTEUR_IN_TEST_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
# A throwaway home for the keyring's files: the tests must never touch the real one.
export XDG_DATA_HOME="${XDG_DATA_HOME_FOR_TESTS:-$(mktemp -d)}"
printf 'facteur-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$@"
