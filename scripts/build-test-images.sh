#!/usr/bin/env bash
# Builds podlet's test images from Debian's busybox-static (plus a small static C helper) as OCI layouts and archives.
# Output: test/fixtures/images/out/{busybox.layout/, busybox.oci.tar, busybox.docker.tar}. Idempotent: skips when up to date.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/test/fixtures/images"
out="$src/out"
ref="localhost/podlet-test/busybox:1.0"  # a fixed tag: imagePullPolicy defaults to IfNotPresent, so pods use the imported image
stamp="$out/.built-$(sha256sum "$src/testhelper.c" "$0" /usr/bin/busybox | sha256sum | cut -c1-16)"
[ -f "$stamp" ] && exit 0

rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -static -O2 -o "$work/podlet-testhelper" "$src/testhelper.c"

umoci init --layout "$out/busybox.layout"
umoci new --image "$out/busybox.layout:latest"
umoci unpack --image "$out/busybox.layout:latest" "$work/bundle" >/dev/null
root="$work/bundle/rootfs"
mkdir -p "$root"/{bin,etc,tmp,root,home/app,proc,sys,dev,var/run}
chmod 1777 "$root/tmp"
install -m 0755 /usr/bin/busybox "$root/bin/busybox"
install -m 0755 "$work/podlet-testhelper" "$root/bin/podlet-testhelper"
for applet in $(/usr/bin/busybox --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nextra:x:2000:app\nnogroup:x:65534:\n' >"$root/etc/group"
chown 1000:1000 "$root/home/app"
umoci repack --image "$out/busybox.layout:latest" "$work/bundle"
umoci config --image "$out/busybox.layout:latest" --author podlet-tests \
  --config.cmd /bin/sh --config.env PATH=/bin --config.workingdir / >/dev/null
umoci gc --layout "$out/busybox.layout"

skopeo copy -q "oci:$out/busybox.layout:latest" "oci-archive:$out/busybox.oci.tar:$ref"
skopeo copy -q "oci:$out/busybox.layout:latest" "docker-archive:$out/busybox.docker.tar:$ref"
touch "$stamp"
echo "test images built in $out"
