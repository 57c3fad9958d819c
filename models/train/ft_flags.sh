# Fine-tuning flags shared by the experts, the multitask baseline and the reproducibility check
# (sourced by run_experts.sh, run_multitask.sh and rerun_experts.sh).
# FT_EXTRA (recipe v2, run_v2.sh) appends flags that override these (argparse keeps the last value);
# CTC_INIT names a run whose CTC head the fine-tunes start from instead of fitting one (ctchead);
# FT_INIT names the weights they start from: "shipped" (models/base, F16; default) or a run (its F32 final.pt).
FT="--init ${FT_INIT:-shipped} --freeze-embeddings --ctc-init ${CTC_INIT:-ctchead} --ctc-weight 1.0 --conv-lr-scale 1.0 --batch 16 --lr 1e-4 --lr-final 1e-5 --schedule cosine --warmup 20 --ckpt-every 50 --log-every 25 ${FT_EXTRA:-}"
# the auxiliary CTC head (thrown away at export, so not in models/base) is fitted once on the shipped
# base, encoder frozen (lr 0 for everything but the head): 200 steps, ~2 min
fit_ctc_head() {
  [ -n "${CTC_INIT:-}" ] && return 0
  [ -f "$W/runs/ctchead/ckpt.pt" ] || ./run_ddp.sh --run ctchead --init shipped --freeze-embeddings --pool base --batch 16 \
    --lr 1e-3 --head-warmup 200 --steps 200 --ctc-weight 1.0 --seed 4 --log-every 25 > $W/ctchead.out 2>&1
}
