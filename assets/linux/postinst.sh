#!/bin/sh
# Debian post-install of the Icebox desktop package (electron-builder deb afterInstall).
# Installs the `icebox` command, then the root helper and its polkit policy exactly as
# `sudo icebox install-helper` does (same checks: a root-owned /usr/bin/node, fixed paths).
set -e

RES=/opt/Icebox/resources

# The CLI runs under the system's Node.js (the app binary has the runAsNode fuse off).
# Node flags and environment as bin/icebox chooses them (scripts/cli-bundle.mjs nodeFlagsFor).
cat > /usr/bin/icebox <<'WRAPPER'
#!/bin/sh
unset NODE_EXTRA_CA_CERTS
case "$1" in
  ps | check | serve) exec /usr/bin/node --max-semi-space-size=4 /opt/Icebox/resources/cli/cli.mjs "$@" ;;
  *) exec /usr/bin/node /opt/Icebox/resources/cli/cli.mjs "$@" ;;
esac
WRAPPER
chmod 0755 /usr/bin/icebox

/usr/bin/node "$RES/cli/cli.mjs" install-helper \
  --helper "$RES/helper/icebox-helper.cjs" \
  --policy "$RES/linux/org.icebox.policy" || {
  echo "icebox: the helper was not installed; run 'sudo icebox install-helper' to see why." >&2
}

exit 0
