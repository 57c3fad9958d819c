#!/bin/sh
# Recipe v3 (session 8): recipe v2 (run_v2.sh) with long-form training the way the seek loop
# decodes, for the base, the experts and the multitask baseline alike:
#  - 30 % (not 15 %) of batches are long-form windows, each starting up to 1 s before its first
#    utterance (--window-lead 1.0: in a pause or in another sentence's tail, where the seek loop
#    starts windows), half of them with the previous window's timestamped segments as the
#    <|startofprev|> prompt (--window-prompts 0.5), as openai's loop conditions on previous text.
# Run names v3base, v3-expert-<name>, v3-multitask. Everything else as v2 (run_v2.sh's header).
# Measured (models/train/README.md, "Recipe v3"): the base reaches 8.9 % test WER (v2 9.8 %) and
# 43 % on the numbers-only long-form set of session 7 (v2 68 %).
cd "$(dirname "$0")"
RECIPE_NAME=v3 RECIPE_MIX="--concat 0.15 --windows 0.3 --window-lead 1.0 --window-prompts 0.5" \
  EXPERT_STEPS=${EXPERT_STEPS:-600} exec sh ./run_v2.sh
