#!/bin/sh
# usage: experts.sh N   -- 7 experts, two at a time, each followed by its delta export and eval
cd "$(dirname "$0")"
PY=/usr/bin/python3
W=${CHORUS_TRAIN_WORK:-/work/train-work}
N=$1
FT="--init shipped --freeze-embeddings --ctc-init ctchead --ctc-weight 1.0 --conv-lr-scale 1.0 --batch 16 --lr 1e-4 --lr-final 1e-5 --schedule cosine --warmup 20 --ckpt-every 50 --log-every 25"
one() {
  nice -n -5 $PY train.py train --run expert-$1 --pool $1 $FT --steps $N --threads 1 --seed 2 > $W/expert-$1.out 2>&1
  $PY package.py delta --run expert-$1 --name $1 >> $W/expert-$1.out 2>&1
  nice -n -5 $PY package.py evalship --name $1 --split test --subset $1 > $W/eval-$1.out 2>&1
}
# the auxiliary CTC head (thrown away at export, so not in models/base) is fitted once on the shipped
# base, encoder frozen (lr 0 for everything but the head): 200 steps, ~2 min
[ -f "$W/runs/ctchead/ckpt.pt" ] || ./run_ddp.sh --run ctchead --init shipped --freeze-embeddings --pool base --batch 16 \
  --lr 1e-3 --head-warmup 200 --steps 200 --ctc-weight 1.0 --seed 4 --log-every 25 > $W/ctchead.out 2>&1
for pair in "en de" "es fr" "numbers commands" "medical"; do
  for e in $pair; do one $e & done
  wait
done
echo EXPERTS DONE
