#!/bin/sh
# Install the Debian packages the tests need when they are missing (as root), or say which.
set -eu
need=""
command -v gnome-keyring-daemon >/dev/null 2>&1 || need="$need gnome-keyring"
command -v dbus-run-session >/dev/null 2>&1 || need="$need dbus"
command -v secret-tool >/dev/null 2>&1 || need="$need libsecret-tools"
command -v tmux >/dev/null 2>&1 || need="$need tmux"
command -v pgrep >/dev/null 2>&1 || need="$need procps"
# The clipboard tests: a real X11 clipboard (xclip on an Xvfb display) and GNU screen.
command -v Xvfb >/dev/null 2>&1 || need="$need xvfb"
command -v xclip >/dev/null 2>&1 || need="$need xclip"
command -v screen >/dev/null 2>&1 || need="$need screen"
# The test sign-in's browser tests: Debian's headless Chromium and its matching chromedriver.
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v chromedriver >/dev/null 2>&1 || need="$need chromium-driver"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "The tests need these Debian packages:$need" >&2
  echo "Install them with: sudo apt-get install -y$need" >&2
  exit 1
fi
echo "Installing Debian packages:$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
