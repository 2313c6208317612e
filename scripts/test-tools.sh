#!/usr/bin/env bash
# Tools the test suite drives besides Node: tmux (terminal UI end-to-end tests), busybox (its tar
# dialect), zstd (compressed tar cases), qemu-img and qemu-io (qcow2 oracles), unzip/zipinfo (zip
# oracles), the disk oracles (sfdisk, sgdisk, mke2fs, mkfs.vfat, mcopy, Sleuth Kit's fls and mmls), zsh and
# fish (completion scripts) and groff (the man page).
# Without one of them (not root, no package registry) its tests skip with a visible SKIPPED line
# instead of failing.
missing=()
for pair in tmux:tmux busybox:busybox zstd:zstd qemu-img:qemu-utils unzip:unzip sfdisk:fdisk sgdisk:gdisk \
  mke2fs:e2fsprogs mkfs.vfat:dosfstools mcopy:mtools fls:sleuthkit zsh:zsh fish:fish groff:groff-base; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "not root, so not installing ${missing[*]}: the tests that need them will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || echo "could not install ${missing[*]}: the tests that need them will be skipped" >&2
exit 0
