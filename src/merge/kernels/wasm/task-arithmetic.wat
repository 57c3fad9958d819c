;; WebAssembly SIMD kernels of generalized task arithmetic (see ../generalized-task-arithmetic.ts)
;; and of the exact magnitude selection (see ../kth-largest-abs.ts).
;; The merge kernels work on one block that the caller has copied into this module's memory: the
;; base, the T task vectors (f32, `stride` bytes apart) and a parameter table of (w_t, thr_t) f32
;; pairs. They compute in float32 (merging in fp32, as PyTorch and mergekit do), eight elements per
;; iteration (two f32x4 vectors), with exactly the operations, in the same task order, of the
;; scalar per-element loop in which every operation is rounded to float32 (no fused multiply-add),
;; so their output is bit-identical to it. Masked-out terms add +0 instead of being skipped: the
;; sums start at +0 and can never reach -0, so x + 0 = x for every value they take. Pointers are
;; byte offsets; n is the element count, rounded up to a multiple of 8 by the caller (the scratch
;; is padded). Everything is written inline: V8 as of Node 20 does not inline calls between
;; WebAssembly functions.
;; Both merge kernels return 1 when an output element they wrote is NaN or ±Inf (the engine's
;; output check, done while the values are in registers), else 0.
;; Build: node scripts/build-wasm.mjs
(module
  (memory (export "memory") 4)

  ;; out[j] = base[j] + scale * (Σ_t [|d_t[j]| >= thr_t] * w_t * d_t[j]) [/ divisor]
  ;; starting from +0, tasks in order (thr_t = 0 keeps every entry; trim = 0 skips the test when
  ;; every thr_t is 0).
  (func (export "weightedSum")
    (param $out i32) (param $base i32) (param $d0 i32) (param $stride i32) (param $tasks i32)
    (param $params i32) (param $n i32) (param $scale f32) (param $divisor f32) (param $divide i32)
    (param $trim i32) (result i32)
    (local $end i32) (local $p i32) (local $q i32) (local $pend i32)
    (local $lo v128) (local $hi v128) (local $v v128) (local $w v128) (local $thr v128)
    (local $sv v128) (local $dv v128) (local $y v128) (local $y2 v128) (local $bad v128)
    (local.set $sv (f32x4.splat (local.get $scale)))
    (local.set $dv (f32x4.splat (local.get $divisor)))
    (local.set $pend (i32.add (local.get $params) (i32.shl (local.get $tasks) (i32.const 3))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $lo (v128.const f32x4 0 0 0 0))
        (local.set $hi (v128.const f32x4 0 0 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d0))
        (block $tasksDone
          (loop $task
            (br_if $tasksDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $w (v128.load32_splat (local.get $p)))
            (if (local.get $trim)
              (then
                (local.set $thr (v128.load32_splat offset=4 (local.get $p)))
                (local.set $v (v128.load (local.get $q)))
                (local.set $lo (f32x4.add (local.get $lo)
                  (v128.and (f32x4.ge (f32x4.abs (local.get $v)) (local.get $thr))
                            (f32x4.mul (local.get $w) (local.get $v)))))
                (local.set $v (v128.load offset=16 (local.get $q)))
                (local.set $hi (f32x4.add (local.get $hi)
                  (v128.and (f32x4.ge (f32x4.abs (local.get $v)) (local.get $thr))
                            (f32x4.mul (local.get $w) (local.get $v))))))
              (else
                (local.set $lo (f32x4.add (local.get $lo)
                  (f32x4.mul (local.get $w) (v128.load (local.get $q)))))
                (local.set $hi (f32x4.add (local.get $hi)
                  (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $q)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $task)))
        (if (local.get $divide)
          (then
            (local.set $lo (f32x4.div (local.get $lo) (local.get $dv)))
            (local.set $hi (f32x4.div (local.get $hi) (local.get $dv)))))
        (local.set $y (f32x4.add (v128.load (local.get $base)) (f32x4.mul (local.get $sv) (local.get $lo))))
        (local.set $y2 (f32x4.add (v128.load offset=16 (local.get $base)) (f32x4.mul (local.get $sv) (local.get $hi))))
        (v128.store (local.get $out) (local.get $y))
        (v128.store offset=16 (local.get $out) (local.get $y2))
        (local.set $bad (v128.or (local.get $bad)
          ;; all-ones lanes where a stored f32 is NaN or ±Inf (exponent bits all set)
          (v128.or
            (i32x4.eq (v128.and (local.get $y) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                      (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
            (i32x4.eq (v128.and (local.get $y2) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                      (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)))))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $base (i32.add (local.get $base) (i32.const 32)))
        (local.set $d0 (i32.add (local.get $d0) (i32.const 32)))
        (br $next)))
    (v128.any_true (local.get $bad)))

  ;; out = base + scale * TIES(d_0 … d_{T-1}), eight elements per iteration: elect the sign of the
  ;; kept mass (zero → +1), then the disjoint mean (or sum) of the kept entries with that sign. The
  ;; election pass overwrites each task's block (a scratch copy) with its kept weighted entries,
  ;; which the merge pass reads back from L1.
  (func (export "consensus")
    (param $out i32) (param $base i32) (param $d0 i32) (param $stride i32) (param $tasks i32)
    (param $params i32) (param $n i32) (param $scale f32) (param $normalize i32) (result i32)
    (local $end i32) (local $pend i32) (local $sv v128) (local $y v128) (local $y2 v128) (local $bad v128)
    (local $p i32) (local $q i32) (local $v v128) (local $w v128) (local $thr v128)
    (local $kept v128) (local $maj v128) (local $maj2 v128) (local $mixed v128) (local $mixed2 v128)
    (local $div v128) (local $div2 v128) (local $wd v128)
    (local.set $sv (f32x4.splat (local.get $scale)))
    (local.set $pend (i32.add (local.get $params) (i32.shl (local.get $tasks) (i32.const 3))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $maj (v128.const f32x4 0 0 0 0))
        (local.set $maj2 (v128.const f32x4 0 0 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d0))
        (block $electDone
          (loop $elect
            (br_if $electDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $w (v128.load32_splat (local.get $p)))
            (local.set $thr (v128.load32_splat offset=4 (local.get $p)))
            ;; the kept weighted entry: w·v where |v| >= thr, else +0
            (local.set $v (v128.load (local.get $q)))
            (local.set $v (v128.and (f32x4.ge (f32x4.abs (local.get $v)) (local.get $thr))
                                    (f32x4.mul (local.get $w) (local.get $v))))
            (v128.store (local.get $q) (local.get $v))
            (local.set $maj (f32x4.add (local.get $maj) (local.get $v)))
            (local.set $v (v128.load offset=16 (local.get $q)))
            (local.set $v (v128.and (f32x4.ge (f32x4.abs (local.get $v)) (local.get $thr))
                                    (f32x4.mul (local.get $w) (local.get $v))))
            (v128.store offset=16 (local.get $q) (local.get $v))
            (local.set $maj2 (f32x4.add (local.get $maj2) (local.get $v)))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $elect)))
        ;; majority: +1 where the kept mass is >= 0, else -1
        (local.set $maj (v128.bitselect (v128.const f32x4 1 1 1 1) (v128.const f32x4 -1 -1 -1 -1)
          (f32x4.ge (local.get $maj) (v128.const f32x4 0 0 0 0))))
        (local.set $maj2 (v128.bitselect (v128.const f32x4 1 1 1 1) (v128.const f32x4 -1 -1 -1 -1)
          (f32x4.ge (local.get $maj2) (v128.const f32x4 0 0 0 0))))
        (local.set $mixed (v128.const f32x4 0 0 0 0))
        (local.set $mixed2 (v128.const f32x4 0 0 0 0))
        (local.set $div (v128.const f32x4 0 0 0 0))
        (local.set $div2 (v128.const f32x4 0 0 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d0))
        (block $mergeDone
          (loop $merge
            (br_if $mergeDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $w (v128.load32_splat (local.get $p)))
            ;; kept: the weighted entry has the majority's sign (a trimmed +0 never has)
            (local.set $wd (v128.load (local.get $q)))
            (local.set $kept (f32x4.gt (f32x4.mul (local.get $wd) (local.get $maj)) (v128.const f32x4 0 0 0 0)))
            (local.set $mixed (f32x4.add (local.get $mixed) (v128.and (local.get $kept) (local.get $wd))))
            (local.set $div (f32x4.add (local.get $div) (v128.and (local.get $kept) (local.get $w))))
            (local.set $wd (v128.load offset=16 (local.get $q)))
            (local.set $kept (f32x4.gt (f32x4.mul (local.get $wd) (local.get $maj2)) (v128.const f32x4 0 0 0 0)))
            (local.set $mixed2 (f32x4.add (local.get $mixed2) (v128.and (local.get $kept) (local.get $wd))))
            (local.set $div2 (f32x4.add (local.get $div2) (v128.and (local.get $kept) (local.get $w))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $merge)))
        (if (local.get $normalize)
          (then
            ;; a zero divisor counts as 1
            (local.set $mixed (f32x4.div (local.get $mixed)
              (f32x4.add (local.get $div)
                (v128.and (f32x4.eq (local.get $div) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))))
            (local.set $mixed2 (f32x4.div (local.get $mixed2)
              (f32x4.add (local.get $div2)
                (v128.and (f32x4.eq (local.get $div2) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))))))
        (local.set $y (f32x4.add (v128.load (local.get $base)) (f32x4.mul (local.get $sv) (local.get $mixed))))
        (local.set $y2 (f32x4.add (v128.load offset=16 (local.get $base)) (f32x4.mul (local.get $sv) (local.get $mixed2))))
        (v128.store (local.get $out) (local.get $y))
        (v128.store offset=16 (local.get $out) (local.get $y2))
        (local.set $bad (v128.or (local.get $bad)
          ;; all-ones lanes where a stored f32 is NaN or ±Inf (exponent bits all set)
          (v128.or
            (i32x4.eq (v128.and (local.get $y) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                      (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
            (i32x4.eq (v128.and (local.get $y2) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                      (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)))))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $base (i32.add (local.get $base) (i32.const 32)))
        (local.set $d0 (i32.add (local.get $d0) (i32.const 32)))
        (br $next)))
    (v128.any_true (local.get $bad)))

  ;; Counting pass of the exact k-th largest |x| (../kth-largest-abs.ts): over x[0 … n) (n a
  ;; multiple of 4), adds to the i32 counters at $counts the number of |x| > hi ($counts[0]) and of
  ;; lo <= |x| <= hi ($counts[1]), and appends the |x| of the latter to the f32 buffer at $buf while
  ;; fewer than $cap are stored. $counts[1] keeps counting past $cap, so the caller sees an overflow.
  (func (export "bracketCount")
    (param $x i32) (param $n i32) (param $lo f32) (param $hi f32) (param $counts i32)
    (param $buf i32) (param $cap i32)
    (local $end i32) (local $v v128) (local $gt v128) (local $mid v128) (local $above v128)
    (local $lov v128) (local $hiv v128) (local $m i32) (local $lane i32) (local $a f32)
    (local.set $lov (f32x4.splat (local.get $lo)))
    (local.set $hiv (f32x4.splat (local.get $hi)))
    (local.set $m (i32.load offset=4 (local.get $counts)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (f32x4.abs (v128.load (local.get $x))))
        (local.set $gt (f32x4.gt (local.get $v) (local.get $hiv)))
        ;; a true lane is -1: subtracting the mask counts it
        (local.set $above (i32x4.sub (local.get $above) (local.get $gt)))
        (local.set $mid (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (local.get $gt)))
        (if (v128.any_true (local.get $mid))
          (then
            (local.set $lane (i32.const 0))
            (loop $lanes
              (local.set $a (f32.load (i32.add (local.get $x) (i32.shl (local.get $lane) (i32.const 2)))))
              (local.set $a (f32.abs (local.get $a)))
              (if (i32.and (f32.ge (local.get $a) (local.get $lo)) (f32.le (local.get $a) (local.get $hi)))
                (then
                  (if (i32.lt_u (local.get $m) (local.get $cap))
                    (then (f32.store (i32.add (local.get $buf) (i32.shl (local.get $m) (i32.const 2))) (local.get $a))))
                  (local.set $m (i32.add (local.get $m) (i32.const 1)))))
              (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
              (br_if $lanes (i32.lt_u (local.get $lane) (i32.const 4))))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $next)))
    (i32.store (local.get $counts)
      (i32.add (i32.load (local.get $counts))
        (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $above)) (i32x4.extract_lane 1 (local.get $above)))
          (i32.add (i32x4.extract_lane 2 (local.get $above)) (i32x4.extract_lane 3 (local.get $above))))))
    (i32.store offset=4 (local.get $counts) (local.get $m)))
)
