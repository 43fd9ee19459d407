#!/bin/sh
# mmdebstrap customize hook: trims a systemd rootfs so it boots fast as a
# container init. $1 is the rootfs being built.
set -eu
root="$1"
# Units that make no sense in a container and slow or break boot.
for unit in getty.target console-getty.service systemd-udevd.service \
  systemd-udev-trigger.service systemd-firstboot.service \
  systemd-remount-fs.service sys-kernel-config.mount sys-kernel-debug.mount \
  sys-kernel-tracing.mount dev-hugepages.mount systemd-modules-load.service \
  apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
# Every container gets its own machine id at first boot.
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
# Keep the image small; apt lists are refreshed by the roles.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
