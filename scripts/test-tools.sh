#!/usr/bin/env bash
# Tools the test suite drives besides Node: tmux for the terminal UI end-to-end tests. Without it
# (not root, no package registry) those tests skip with a visible SKIPPED line instead of failing.
command -v tmux >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "tmux is missing and we are not root: the terminal UI end-to-end tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq tmux >/dev/null 2>&1 || echo "could not install tmux: the terminal UI end-to-end tests will be skipped" >&2
exit 0
