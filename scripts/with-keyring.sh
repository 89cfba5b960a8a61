#!/bin/sh
# Run a command inside a private D-Bus session with an unlocked gnome-keyring: a real Secret
# Service for the tests, with a fresh login keyring each run (../shared/reference/platform-notes.md, B).
set -eu
if [ "${OKTA_WIZARD_IN_KEYRING_SESSION:-}" != "1" ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/okta-wizard-keyring.XXXXXX")
  mkdir -m 700 "$tmp/run" "$tmp/data"
  export XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/data" OKTA_WIZARD_IN_KEYRING_SESSION=1
  export OKTA_WIZARD_KEYRING_TMP="$tmp"
  rc=0
  dbus-run-session -- "$0" "$@" || rc=$?
  # The daemon can outlive a short session (reparented to PID 1): kill it by PID.
  if [ -f "$tmp/daemon.pid" ]; then kill "$(cat "$tmp/daemon.pid")" 2>/dev/null || true; fi
  rm -rf "$tmp"
  exit "$rc"
fi
eval "$(printf '%s' 'okta-wizard-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
pgrep -n -f "gnome-keyring-daemon" > "$OKTA_WIZARD_KEYRING_TMP/daemon.pid" 2>/dev/null || true
exec "$@"
