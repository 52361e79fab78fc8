#!/usr/bin/env bash
# The recipes of the committed models, as run on the GPU machine (one H200) from the repository
# root with training/.data present; checkpoints and logs go to $OUT. One device call runs at most
# 10 minutes, so each stage is its own call:
#   bash training/device_train.sh street           # 3600 steps, ~270 s alone; with
#                                                  #   training/.data/vehicles.json (pseudo_label.py
#                                                  #   --target vehicle) where present
#   bash training/device_train.sh privacy          # stage 1: 2800 steps (twice in parallel, the
#                                                  #   wall-time guard stops them near 2770)
#   bash training/device_train.sh privacy-finetune # stage 2: 400 steps from stage 1 with sign
#                                                  #   photos as negatives (carry runs/privacy_stage1.pt
#                                                  #   as training/runs/privacy_v2.pt)
#   bash training/device_train.sh privacy-v2       # anonymizer v2 (issue 12): faces, plates and
#                                                  #   the teacher's persons (persons.json), sign
#                                                  #   photos as negatives from the start; the
#                                                  #   `fast` architecture for one pass at 1280x736:
#                                                  #   4120 steps (~300 s on one H100); then, carrying
#                                                  #   its checkpoint as training/runs/fast-1.0/privacy.pt:
#   bash training/device_train.sh privacy-v2-restart # 6500 more steps from those weights, a new
#                                                  #   cosine schedule from lr 1.5e-3 (~470 s)
#                                                  # (train.py --resume continues one schedule over
#                                                  #  several calls where a run is longer than one)
#   bash training/device_train.sh privacy-v22      # anonymizer v2.2: the v2 recipe with the heads
#                                                  #   of 35 % of the images' persons blurred as the
#                                                  #   anonymizer does (config head_blur), one
#                                                  #   6800-step schedule in one call (~520 s)
#   bash training/device_train.sh teach            # the teach-a-new-object experiment
#                                                  #   (training/teach_loop.py): street without
#                                                  #   traffic_light and street taught it from
#                                                  #   training/.teach/export, same recipe, in parallel
# The second copy of each run in parallel is the reproduction check (models/*.MODEL_CARD.md).
set -u
WHAT=${1:?usage: device_train.sh street|privacy|privacy-finetune|privacy-v2|privacy-v2-restart|privacy-v22|teach}
OUT=${OUT:-training/runs}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
start=$(date +%s)
case "$WHAT" in
  street)
    python3 training/train.py --model street --data training/.data --steps 3600 --max-seconds 430 \
      --batch 96 --seed 7 --out "$OUT" > "$OUT/street.log" 2>&1 ;;
  privacy)
    for r in r1 r2; do
      python3 training/train.py --model privacy --data training/.data --steps 2800 --max-seconds 545 \
        --batch 96 --seed 7 --out "$OUT/$r" > "$OUT/$r.log" 2>&1 &
    done
    wait ;;
  privacy-finetune)
    for r in f1 f2; do
      python3 training/train.py --model privacy --data training/.data \
        --init training/runs/privacy_v2.pt --finetune --steps 400 --lr 5e-4 --max-seconds 105 \
        --batch 96 --seed 7 --out "$OUT/$r" > "$OUT/$r.log" 2>&1 &
    done
    wait ;;
  privacy-v2)
    test -f training/.data/persons.json || { echo "training/.data/persons.json missing (pseudo_label.py)" >&2; exit 2; }
    python3 training/train.py --model privacy --data training/.data --arch fast --width 1.0 \
      --steps 4120 --batch 96 --seed 7 --out "$OUT/fast-1.0" > "$OUT/fast-1.0.log" 2>&1 ;;
  privacy-v2-restart)
    python3 training/train.py --model privacy --data training/.data --arch fast --width 1.0 \
      --init training/runs/fast-1.0/privacy.pt --steps 6500 --lr 1.5e-3 --max-seconds 540 \
      --batch 96 --seed 8 --out "$OUT/fast-1.0-b" > "$OUT/fast-1.0-b.log" 2>&1 ;;
  privacy-v22)
    test -f training/.data/persons.json || { echo "training/.data/persons.json missing (pseudo_label.py)" >&2; exit 2; }
    python3 training/train.py --model privacy --data training/.data --arch fast --width 1.0 \
      --steps 6800 --max-seconds 545 --batch 96 --seed 7 --out "$OUT/v22" > "$OUT/v22.log" 2>&1 ;;
  teach)
    # the loop's open data is training/.data (carry the export, training/.teach/export)
    test -e training/.teach/data || ln -s ../.data training/.teach/data
    python3 training/train.py --model street --data training/.teach/data --drop-class traffic_light \
      --steps 3600 --max-seconds 400 --batch 96 --seed 7 --out "$OUT/baseline" > "$OUT/baseline.log" 2>&1 &
    python3 training/train.py --model street --data training/.teach/data --drop-class traffic_light \
      --extra-yolo training/.teach/export --steps 3600 --max-seconds 400 --batch 96 --seed 7 \
      --out "$OUT/taught" > "$OUT/taught.log" 2>&1 &
    wait ;;
  *) echo "unknown: $WHAT" >&2; exit 2 ;;
esac
echo "$WHAT: wall $(( $(date +%s) - start ))s"
tail -n 2 "$OUT"/*.log
