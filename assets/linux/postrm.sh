#!/bin/sh
# Debian post-remove of the Icebox desktop package: removes what postinst added. Snapshots in
# /var/lib/icebox stay unless the package is purged.
set -e

rm -f /usr/libexec/icebox/icebox-helper /usr/share/polkit-1/actions/org.icebox.policy
rmdir /usr/libexec/icebox/criu-plugins /usr/libexec/icebox 2>/dev/null || true
rm -f /usr/bin/icebox
if [ "$1" = "purge" ]; then
  rm -rf /var/lib/icebox
fi

exit 0
