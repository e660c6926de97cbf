#!/usr/bin/env bash
# The one prepared GPU check (issue: "A training step that runs at GPU speed"). On the GPU machine
# (the `run` tool, carry [".device"], after scripts/gpu/pack.sh here) it unpacks Node, Dawn and
# the Vulkan loader, points Dawn at the NVIDIA ICD and runs, in about 6–8 minutes (run it with the
# tool's 600 s limit: every stage appends to $OUT/gpu.log, so a cut run still returns its figures):
#   probe     adapter, features, a matmul's GFLOP/s
#   count     the engine step's dispatches, bytes and FLOPs at batch 128 (ResNet-56)
#   ips       ResNet-20 and -56 images/s at batch 128 and 512, each beside PyTorch eager of the
#             same network in the same command
#   half      ResNet-56 images/s at batch 512 with conv outputs stored as f16 (the optional
#             mode, off by default until this figure beats the f32 one above)
#   profile   GPU ms per kernel kind of one ResNet-56 step, Dawn's timestamp quantization off
#   twin      engine vs PyTorch (cuda, float32) losses over 20 steps from the same weights
# `DRY=1 bash scripts/gpu/device.sh` runs the same stages here, on SwiftShader and PyTorch's cpu,
# at tiny sizes: it proves the script end to end before device minutes are spent. STAGES="a b"
# runs only those; extra stages (convgrad, inputgrad) run only when named. Log: $OUT/gpu.log.
set -u
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
if [ "${DRY:-0}" = 1 ]; then
  export LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  N="npx tsx scripts/gpu/driver.ts"
  T="/usr/bin/python3 scripts/gpu/resnet56_torch.py --device cpu --warmup 1"
  DATA=../shared/datasets/cifar10/cifar-10-binary.tar.gz
  B1=2 B2=4 STEPS=2 WARM=1 STEPS2=2 WARM2=1 DEPTHS="20" TWIN="--depth 20 --batch 4 --steps 3 --device cpu"
  TWIN_PY=/usr/bin/python3 SLOW=4 PROBE=256 # SwiftShader: every stage gets 4× its GPU time limit
else
  D=.device
  B=/tmp/gpu
  mkdir -p "$B" "$D/node_modules/webgpu/dist/linux-x64"
  xz -dc "$D/node.xz" >"$B/node" && chmod +x "$B/node"
  xz -dc "$D/dawn.node.xz" >"$D/node_modules/webgpu/dist/linux-x64/dawn.node"
  for f in "$D"/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  # The bench's input-pipeline figure reads CIFAR records from the shared path.
  mkdir -p /work/shared/datasets/cifar10
  cp "$D/cifar-mini.tar.gz" /work/shared/datasets/cifar10/cifar-10-binary.tar.gz
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export VK_ICD_FILENAMES=$VK_DRIVER_FILES
  export LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}
  N="$B/node $D/driver.mjs"
  T="python3 scripts/gpu/resnet56_torch.py"
  DATA=$D/cifar-mini.tar.gz
  # Batch 512 takes fewer steps: at the old step's 112 images/s, 13 ResNet-56 steps are ~60 s.
  B1=128 B2=512 STEPS=20 WARM=3 STEPS2=10 WARM2=2 DEPTHS="20 56" TWIN="--depth 56 --batch 128 --steps 20"
  TWIN_PY=python3 SLOW=1 PROBE=2048
fi
export PYTHONUNBUFFERED=1
L="$OUT/gpu.log"
{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv 2>&1 | head -3
  node --version 2>/dev/null
} 2>&1 | tee -a "$L"
stage() { # name, seconds, command...
  local name=$1 secs=$(($2 * SLOW))
  shift 2
  case " ${STAGES:-all} " in
    *" $name "*) ;;
    *" all "*) case " convgrad inputgrad " in *" $name "*) return 0 ;; esac ;;
    *) return 0 ;;
  esac
  echo "=== $name: $*" | tee -a "$L"
  local t0=$SECONDS
  timeout "$secs" "$@" 2>&1 | tee -a "$L"
  local rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || FAILED="$FAILED $name"
  echo "=== $name rc=$rc ${SECONDS}s→$((SECONDS - t0))s" | tee -a "$L"
}
FAILED=""
stage probe 60 $N probe --size "$PROBE"
stage count 60 $N bench --count-only --depth 56
for depth in $DEPTHS; do
  stage ips 60 $N train --depth "$depth" --batch "$B1" --steps "$STEPS" --warmup "$WARM"
  stage ips 40 $T --depth "$depth" --batch "$B1" --steps "$STEPS"
  stage ips 90 $N train --depth "$depth" --batch "$B2" --steps "$STEPS2" --warmup "$WARM2"
  stage ips 40 $T --depth "$depth" --batch "$B2" --steps "$STEPS2"
done
stage half 90 $N train --depth "${DEPTHS##* }" --batch "$B2" --steps "$STEPS2" --warmup "$WARM2" --half
DAWN_FLAGS="disable-dawn-features=timestamp_quantization" \
  stage profile 60 $N profile --depth "${DEPTHS##* }" --batch "$B1" --warmup "$WARM"
# shellcheck disable=SC2086
stage twin 90 $N twin $TWIN --data "$DATA" --out "$OUT/twin" --python "$TWIN_PY"
stage convgrad 120 $N convgrad --batch "$B1" --repeats 5 --calls 8
stage inputgrad 120 $N inputgrad --batch "$B1" --repeats 5 --calls 8
echo "=== done in ${SECONDS}s; failed:${FAILED:- none}" | tee -a "$L"
[ -z "$FAILED" ]
