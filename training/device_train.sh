#!/usr/bin/env bash
# Trains both models on the GPU machine in parallel (one H200 is far from busy with either) and
# leaves the checkpoints + logs in $OUT. Run from the repository root with training/.data present.
# Usage: bash training/device_train.sh STEPS MAX_SECONDS
set -u
STEPS=${1:-3600}
MAXS=${2:-530}
OUT=${OUT:-training/runs}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
python3 -c "import torch, cv2; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0), 'cv2', cv2.__version__)"
nvidia-smi --query-gpu=name,memory.used,clocks.sm --format=csv,noheader
start=$(date +%s)
python3 training/train.py --model privacy --data training/.data --steps "$STEPS" --max-seconds "$MAXS" --batch 96 --seed 7 --out "$OUT" > "$OUT/privacy.log" 2>&1 &
p1=$!
python3 training/train.py --model street --data training/.data --steps "$STEPS" --max-seconds "$MAXS" --batch 96 --seed 7 --out "$OUT" > "$OUT/street.log" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
echo "exit privacy=$r1 street=$r2 wall $(( $(date +%s) - start ))s"
tail -n 4 "$OUT/privacy.log" "$OUT/street.log"
