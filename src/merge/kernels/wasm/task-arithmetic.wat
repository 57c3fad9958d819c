;; WebAssembly SIMD kernels of generalized task arithmetic (see ../generalized-task-arithmetic.ts).
;; They work on one block that the caller has copied into this module's memory: the base, the T
;; task vectors (f32, `stride` bytes apart) and a parameter table of (w_t, thr_t) f64 pairs. The
;; f32 inputs are promoted to f64 and combined four elements at a time (two f64x2 lanes) with
;; exactly the operations, in the same task order, of the scalar per-element loop (no fused
;; multiply-add), and the result is rounded to f32 once, so the output is bit-identical to it.
;; Masked-out terms add +0 instead of being skipped: the sums start at +0 and can never reach -0,
;; so x + 0 = x for every value they take. Pointers are byte offsets; n is the element count,
;; rounded up to a multiple of 4 by the caller (the scratch is padded). Everything is written
;; inline: V8 as of Node 20 does not inline calls between WebAssembly functions.
;; Both kernels return 1 when an output element they wrote is NaN or ±Inf (the engine's output
;; check, done while the values are in registers), else 0.
;; Build: node scripts/build-wasm.mjs
(module
  (memory (export "memory") 4)

  ;; out[j] = f32(base[j] + scale * (Σ_t [|d_t[j]| >= thr_t] * w_t * d_t[j]) [/ divisor])
  ;; starting from +0, tasks in order (thr_t = 0 keeps every entry; trim = 0 skips the test when
  ;; every thr_t is 0).
  (func (export "weightedSum")
    (param $out i32) (param $base i32) (param $d0 i32) (param $stride i32) (param $tasks i32)
    (param $params i32) (param $n i32) (param $scale f64) (param $divisor f64) (param $divide i32)
    (param $trim i32) (result i32)
    (local $end i32) (local $p i32) (local $q i32) (local $pend i32)
    (local $lo v128) (local $hi v128) (local $v v128) (local $w v128) (local $thr v128)
    (local $sv v128) (local $dv v128) (local $y v128) (local $bad v128)
    (local.set $sv (f64x2.splat (local.get $scale)))
    (local.set $dv (f64x2.splat (local.get $divisor)))
    (local.set $pend (i32.add (local.get $params) (i32.shl (local.get $tasks) (i32.const 4))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $lo (v128.const f64x2 0 0))
        (local.set $hi (v128.const f64x2 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d0))
        (block $tasksDone
          (loop $task
            (br_if $tasksDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $w (v128.load64_splat (local.get $p)))
            (local.set $thr (v128.load64_splat offset=8 (local.get $p)))
            (if (local.get $trim)
              (then
                (local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $q))))
                (local.set $lo (f64x2.add (local.get $lo)
                  (v128.and (f64x2.ge (f64x2.abs (local.get $v)) (local.get $thr))
                            (f64x2.mul (local.get $w) (local.get $v)))))
                (local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $q) (i32.const 8)))))
                (local.set $hi (f64x2.add (local.get $hi)
                  (v128.and (f64x2.ge (f64x2.abs (local.get $v)) (local.get $thr))
                            (f64x2.mul (local.get $w) (local.get $v))))))
              (else
                (local.set $lo (f64x2.add (local.get $lo)
                  (f64x2.mul (local.get $w) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $q))))))
                (local.set $hi (f64x2.add (local.get $hi)
                  (f64x2.mul (local.get $w) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $q) (i32.const 8)))))))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $task)))
        (if (local.get $divide)
          (then
            (local.set $lo (f64x2.div (local.get $lo) (local.get $dv)))
            (local.set $hi (f64x2.div (local.get $hi) (local.get $dv)))))
        (local.set $y
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $base))) (f64x2.mul (local.get $sv) (local.get $lo))))
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $base) (i32.const 8))))
                         (f64x2.mul (local.get $sv) (local.get $hi))))))
        (v128.store (local.get $out) (local.get $y))
        (local.set $bad (v128.or (local.get $bad)
          ;; all-ones lanes where the stored f32 is NaN or ±Inf (exponent bits all set)
          (i32x4.eq (v128.and (local.get $y) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                    (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $base (i32.add (local.get $base) (i32.const 16)))
        (local.set $d0 (i32.add (local.get $d0) (i32.const 16)))
        (br $next)))
    (v128.any_true (local.get $bad)))

  ;; out = f32(base + scale * TIES(d_0 … d_{T-1})), two elements per iteration: elect the sign of
  ;; the kept mass (zero → +1), then the disjoint mean (or sum) of the kept entries with that sign.
  (func (export "consensus")
    (param $out i32) (param $base i32) (param $d0 i32) (param $stride i32) (param $tasks i32)
    (param $params i32) (param $n i32) (param $scale f64) (param $normalize i32) (result i32)
    (local $end i32) (local $pend i32) (local $sv v128) (local $y v128) (local $bad v128)
    (local $p i32) (local $q i32) (local $v v128) (local $w v128) (local $thr v128)
    (local $kept v128) (local $maj v128) (local $mixed v128) (local $div v128) (local $wd v128)
    (local.set $sv (f64x2.splat (local.get $scale)))
    (local.set $pend (i32.add (local.get $params) (i32.shl (local.get $tasks) (i32.const 4))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $maj (v128.const f64x2 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d0))
        (block $electDone
          (loop $elect
            (br_if $electDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $q))))
            (local.set $maj (f64x2.add (local.get $maj)
              (v128.and (f64x2.ge (f64x2.abs (local.get $v)) (v128.load64_splat offset=8 (local.get $p)))
                        (f64x2.mul (v128.load64_splat (local.get $p)) (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $elect)))
        ;; majority: +1 where maj >= 0, else -1
        (local.set $maj (v128.bitselect (v128.const f64x2 1 1) (v128.const f64x2 -1 -1)
          (f64x2.ge (local.get $maj) (v128.const f64x2 0 0))))
        (local.set $mixed (v128.const f64x2 0 0))
        (local.set $div (v128.const f64x2 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d0))
        (block $mergeDone
          (loop $merge
            (br_if $mergeDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $w (v128.load64_splat (local.get $p)))
            (local.set $thr (v128.load64_splat offset=8 (local.get $p)))
            (local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $q))))
            (local.set $wd (f64x2.mul (local.get $w) (local.get $v)))
            (local.set $kept (v128.and
              (f64x2.ge (f64x2.abs (local.get $v)) (local.get $thr))
              (f64x2.gt (f64x2.mul (local.get $wd) (local.get $maj)) (v128.const f64x2 0 0))))
            (local.set $mixed (f64x2.add (local.get $mixed) (v128.and (local.get $kept) (local.get $wd))))
            (local.set $div (f64x2.add (local.get $div) (v128.and (local.get $kept) (local.get $w))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $merge)))
        (if (local.get $normalize)
          (then
            ;; a zero divisor counts as 1
            (local.set $mixed (f64x2.div (local.get $mixed)
              (f64x2.add (local.get $div)
                (v128.and (f64x2.eq (local.get $div) (v128.const f64x2 0 0)) (v128.const f64x2 1 1)))))))
        (local.set $y
          (f32x4.demote_f64x2_zero
            (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $base)))
                       (f64x2.mul (local.get $sv) (local.get $mixed)))))
        (v128.store64_lane 0 (local.get $out) (local.get $y))
        (local.set $bad (v128.or (local.get $bad)
          ;; all-ones lanes where the stored f32 is NaN or ±Inf (exponent bits all set)
          (i32x4.eq (v128.and (local.get $y) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                    (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $base (i32.add (local.get $base) (i32.const 8)))
        (local.set $d0 (i32.add (local.get $d0) (i32.const 8)))
        (br $next)))
    (v128.any_true (local.get $bad)))
)
