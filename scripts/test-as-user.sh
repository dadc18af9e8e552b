#!/usr/bin/env bash
# Runs README's test command, `make test`, as an ordinary user: proof that contributors need no root.
#
#   sudo scripts/test-as-user.sh [make arguments...]      e.g. PYTEST_ARGS="tests/servers"
#   sudo scripts/test-as-user.sh --setup-only             only build the user's .venv (`make setup-test`)
#
# Must be started as root, because it creates the user (FACTEUR_TEST_USER, default facteur-tester) when missing.
# It copies this checkout (tracked and untracked files, ignored ones left out) into that user's home and runs
# `make test` there as them, with a plain environment. The Debian packages are installed first, as root, the way
# an administrator would have; the user's `make test` then only checks them and builds its own .venv (the user's
# pip cache stays in their home, so later runs download nothing).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "$0 must run as root: it creates the test user. As an ordinary user, just run: make test" >&2
  exit 2
fi
target=test
if [ "${1:-}" = "--setup-only" ]; then
  target=setup-test
  shift
fi
user="${FACTEUR_TEST_USER:-facteur-tester}"
src="$(cd "$(dirname "$0")/.." && pwd)"

"$src/scripts/install-system-deps.sh" test
if ! id -u "$user" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash "$user"
fi
home="$(getent passwd "$user" | cut -d: -f6)"
dest="$home/facteur"
# A fresh copy each time; the user's .venv is kept (make rebuilds it when pyproject.toml changes).
mkdir -p "$dest"
find "$dest" -mindepth 1 -maxdepth 1 ! -name .venv -exec rm -rf {} +
(cd "$src" && git ls-files -z --cached --others --exclude-standard \
   | xargs -0 -I{} sh -c 'test -e "$1" && printf "%s\0" "$1"' _ {} \
   | tar --null -T - -cf -) | tar -xf - -C "$dest"
chown -R "$user:" "$dest"

echo "Running make $target as $user ($(id -u "$user")) in $dest"
exec runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" SHELL=/bin/bash \
  PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 ${CI:+CI="$CI"} \
  make -C "$dest" "$target" "$@"
