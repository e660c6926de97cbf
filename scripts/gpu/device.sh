#!/usr/bin/env bash
# Runs on the GPU machine (the `run` tool, carry [".device"]) after scripts/gpu/pack.sh here.
# Unpacks Node, Dawn and the Vulkan loader, points Dawn at the NVIDIA ICD, then runs the stages
# named in $STAGES (default: all), each under its own time limit. Logs go to $OUT/gpu.log.
set -u
D=.device
B=/tmp/gpu
OUT=${OUT:-/tmp/out}
mkdir -p "$B" "$OUT" "$D/node_modules/webgpu/dist/linux-x64"
xz -dc "$D/node.xz" >"$B/node" && chmod +x "$B/node"
xz -dc "$D/dawn.node.xz" >"$D/node_modules/webgpu/dist/linux-x64/dawn.node"
for f in "$D"/gl/*.deb; do dpkg -x "$f" /; done
ldconfig
# The bench's input-pipeline figure reads CIFAR records from this path (a 2 MB prefix here).
mkdir -p /work/shared/datasets/cifar10
cp "$D/cifar-prefix.tar.gz" /work/shared/datasets/cifar10/cifar-10-binary.tar.gz
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export VK_ICD_FILENAMES=$VK_DRIVER_FILES
export LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}
export PYTHONUNBUFFERED=1
L="$OUT/gpu.log"
{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv
  "$B/node" --version
  ls /usr/local/nvidia/share/vulkan/icd.d/ 2>&1
} 2>&1 | tee -a "$L"
stage() { # name, seconds, command...
  local name=$1 secs=$2
  shift 2
  case " ${STAGES:-all} " in *" all "* | *" $name "*) ;; *) return 0 ;; esac
  echo "=== $name: $*" | tee -a "$L"
  local t0=$SECONDS
  timeout "$secs" "$@" 2>&1 | tee -a "$L"
  echo "=== $name rc=${PIPESTATUS[0]} ${SECONDS}s→$((SECONDS - t0))s" | tee -a "$L"
}
N="$B/node $D/driver.mjs"
T="python3 scripts/gpu/resnet56_torch.py"
stage probe 90 $N probe
if ! grep -q '"probe"' "$L"; then # diagnostics, then retry with Chromium's newer Vulkan loader
  cat "$VK_DRIVER_FILES"; ldconfig -p | grep -E 'libvulkan|GLX_nvidia|GLdispatch'
  export LD_LIBRARY_PATH=$PWD/$D/chromium:$LD_LIBRARY_PATH VK_LOADER_DEBUG=error,warn
  stage probe 90 $N probe
  unset VK_LOADER_DEBUG
fi
stage bench 240 $N bench --batch 128
stage train128 120 $N train --batch 128 --steps 20 --warmup 3
stage torch128 60 $T --batch 128
stage train512 150 $N train --batch 512 --steps 10 --warmup 2
stage torch512 60 $T --batch 512
stage profile 120 $N profile --batch 128
stage convs 90 $N convs --batch 128
# Experiment: filter gradients as forward convs (driver.ts useFilterGradViaConv).
stage train128fg 120 $N train --batch 128 --steps 20 --warmup 3 --filter-grad conv
stage train512fg 150 $N train --batch 512 --steps 10 --warmup 2 --filter-grad conv
stage profilefg 120 $N profile --batch 128 --filter-grad conv
# The tiled split-K filter gradient (src/engine/ops/conv-filter-grad.ts; train/profile above
# already use it, being the engine default): per-layer times, and the engine with tfjs's kernel.
stage convgrad 120 $N convgrad --batch 128 --repeats 5 --calls 8
stage train128tfjs 120 $N train --batch 128 --steps 20 --warmup 3 --filter-grad tfjs
stage torchcl 90 bash -c "$T --batch 128 --channels-last && $T --batch 512 --channels-last"
