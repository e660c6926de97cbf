#!/usr/bin/env bash
# Builds .device/ (ignored) for the GPU machine: one bundled driver, Node, Dawn, the Vulkan loader
# debs and a small CIFAR-10 tarball (the twin stage and the bench's input figure). Run from the
# repository root; then `run` scripts/gpu/device.sh with carry [".device"] (see docs/benchmarks.md).
set -euo pipefail
D=.device
mkdir -p "$D/gl" "$D/node_modules/webgpu"
node_modules/.bin/esbuild scripts/gpu/driver.ts --bundle --platform=node --format=esm \
  --target=node20 --external:webgpu --external:node-fetch --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile="$D/driver.mjs"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$D/node_modules/webgpu/"
[ -f "$D/dawn.node.xz" ] || xz -9 -T2 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$D/dawn.node.xz"
[ -f "$D/node.xz" ] || xz -9 -T2 -c "$(command -v node)" >"$D/node.xz"
if ! ls "$D"/gl/libvulkan1_*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null
  # shellcheck disable=SC2086
  (cd "$D/gl" && apt-get $o download libvulkan1 libglvnd0 libegl1 libgl1 libglx0 libopengl0 libgles2)
fi
# Fallback loader for device.sh, tried only if the Debian one finds no adapter.
mkdir -p "$D/chromium"
[ -f /usr/lib/chromium/libvulkan.so.1 ] && cp /usr/lib/chromium/libvulkan.so.1 "$D/chromium/"
# A small valid CIFAR-10 tarball (ignored, never committed): data_batch_1's first 2,560 records
# (20 steps of 128 for the twin stage), one record of each other training file and 100 test
# records, so that both the engine and the exported train.py read it as the real thing.
[ -f "$D/cifar-mini.tar.gz" ] || python3 scripts/gpu/mini_cifar.py \
  ../shared/datasets/cifar10/cifar-10-binary.tar.gz "$D/cifar-mini.tar.gz"
du -sh "$D"
