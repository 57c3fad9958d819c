;; WebAssembly SIMD kernels of generalized task arithmetic (see ../generalized-task-arithmetic.ts)
;; and of the exact magnitude selection (see ../kth-largest-abs.ts).
;; The merge kernels work on one block that the caller has copied into this module's memory: the
;; base, the T task vectors (f32, `stride` bytes apart) and a parameter table of (w_t, thr_t) f32
;; pairs. They compute in float32 (merging in fp32, as PyTorch and mergekit do), eight or sixteen
;; elements per iteration (two or four f32x4 vectors), with exactly the operations, in the same task order, of the
;; scalar per-element loop in which every operation is rounded to float32 (no fused multiply-add),
;; so their output is bit-identical to it. Masked-out terms add +0 instead of being skipped: the
;; sums start at +0 and can never reach -0, so x + 0 = x for every value they take. Pointers are
;; byte offsets; n is the element count, rounded up to a multiple of 16 by the caller (the
;; scratch is padded). Everything is written inline: V8 as of Node 20 does not inline calls between
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
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $v v128) (local $w v128) (local $thr v128) (local $abs v128)
    (local $sv v128) (local $dv v128) (local $y v128) (local $bad v128)
    ;; sixteen elements per iteration: the loop control and the weight's splat are paid once per
    ;; four vectors (the kernel is a third of TA's time, the block copies the rest)
    (local.set $abs (v128.load (i32.const 256)))
    (local.set $sv (f32x4.splat (local.get $scale)))
    (local.set $dv (f32x4.splat (local.get $divisor)))
    (local.set $pend (i32.add (local.get $params) (i32.shl (local.get $tasks) (i32.const 3))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $a0 (v128.const f32x4 0 0 0 0))
        (local.set $a1 (v128.const f32x4 0 0 0 0))
        (local.set $a2 (v128.const f32x4 0 0 0 0))
        (local.set $a3 (v128.const f32x4 0 0 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d0))
        (block $tasksDone
          (loop $task
            (br_if $tasksDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $w (v128.load32_splat (local.get $p)))
            (if (local.get $trim)
              (then
                ;; w·v where |v| >= thr, else +0
                (local.set $thr (v128.load32_splat offset=4 (local.get $p)))
                (local.set $v (v128.load (local.get $q)))
                (local.set $a0 (f32x4.add (local.get $a0)
                  (v128.and (f32x4.ge (v128.and (local.get $v) (local.get $abs)) (local.get $thr))
                            (f32x4.mul (local.get $w) (local.get $v)))))
                (local.set $v (v128.load offset=16 (local.get $q)))
                (local.set $a1 (f32x4.add (local.get $a1)
                  (v128.and (f32x4.ge (v128.and (local.get $v) (local.get $abs)) (local.get $thr))
                            (f32x4.mul (local.get $w) (local.get $v)))))
                (local.set $v (v128.load offset=32 (local.get $q)))
                (local.set $a2 (f32x4.add (local.get $a2)
                  (v128.and (f32x4.ge (v128.and (local.get $v) (local.get $abs)) (local.get $thr))
                            (f32x4.mul (local.get $w) (local.get $v)))))
                (local.set $v (v128.load offset=48 (local.get $q)))
                (local.set $a3 (f32x4.add (local.get $a3)
                  (v128.and (f32x4.ge (v128.and (local.get $v) (local.get $abs)) (local.get $thr))
                            (f32x4.mul (local.get $w) (local.get $v))))))
              (else
                (local.set $a0 (f32x4.add (local.get $a0)
                  (f32x4.mul (local.get $w) (v128.load (local.get $q)))))
                (local.set $a1 (f32x4.add (local.get $a1)
                  (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $q)))))
                (local.set $a2 (f32x4.add (local.get $a2)
                  (f32x4.mul (local.get $w) (v128.load offset=32 (local.get $q)))))
                (local.set $a3 (f32x4.add (local.get $a3)
                  (f32x4.mul (local.get $w) (v128.load offset=48 (local.get $q)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $task)))
        (if (local.get $divide)
          (then
            (local.set $a0 (f32x4.div (local.get $a0) (local.get $dv)))
            (local.set $a1 (f32x4.div (local.get $a1) (local.get $dv)))
            (local.set $a2 (f32x4.div (local.get $a2) (local.get $dv)))
            (local.set $a3 (f32x4.div (local.get $a3) (local.get $dv)))))
        ;; store base + scale·sum; y − y is NaN exactly where y is NaN or ±Inf, and a NaN stays in
        ;; the running sum $bad (which otherwise stays +0)
        (local.set $y (f32x4.add (v128.load (local.get $base)) (f32x4.mul (local.get $sv) (local.get $a0))))
        (v128.store (local.get $out) (local.get $y))
        (local.set $bad (f32x4.add (local.get $bad) (f32x4.sub (local.get $y) (local.get $y))))
        (local.set $y (f32x4.add (v128.load offset=16 (local.get $base)) (f32x4.mul (local.get $sv) (local.get $a1))))
        (v128.store offset=16 (local.get $out) (local.get $y))
        (local.set $bad (f32x4.add (local.get $bad) (f32x4.sub (local.get $y) (local.get $y))))
        (local.set $y (f32x4.add (v128.load offset=32 (local.get $base)) (f32x4.mul (local.get $sv) (local.get $a2))))
        (v128.store offset=32 (local.get $out) (local.get $y))
        (local.set $bad (f32x4.add (local.get $bad) (f32x4.sub (local.get $y) (local.get $y))))
        (local.set $y (f32x4.add (v128.load offset=48 (local.get $base)) (f32x4.mul (local.get $sv) (local.get $a3))))
        (v128.store offset=48 (local.get $out) (local.get $y))
        (local.set $bad (f32x4.add (local.get $bad) (f32x4.sub (local.get $y) (local.get $y))))
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $base (i32.add (local.get $base) (i32.const 64)))
        (local.set $d0 (i32.add (local.get $d0) (i32.const 64)))
        (br $next)))
    (v128.any_true (f32x4.ne (local.get $bad) (local.get $bad))))

  ;; out = base + scale * TIES(d_0 … d_{T-1}), in two passes over the block. Elect: each task's
  ;; block (a scratch copy) is overwritten with its kept weighted entries, and the sign of their sum
  ;; (zero → +1) is stored in the output block, as a mask holding the sign bit where the majority
  ;; is -1. Merge: the disjoint mean (or sum) of the kept entries with
  ;; that sign, read back from L1/L2. One pass doing both per element was latency-bound: its chain
  ;; (T adds, the sign, T more adds, the division) was too long for the out-of-order core to
  ;; overlap enough iterations; the two shorter passes ran 1.25x faster on an AMD EPYC.
  ;; Constants are loaded from the data segment: V8 would rebuild a v128.const at each use inside
  ;; the loops.
  (func (export "consensus")
    (param $out i32) (param $base i32) (param $d0 i32) (param $stride i32) (param $tasks i32)
    (param $params i32) (param $n i32) (param $scale f32) (param $normalize i32) (result i32)
    (local $end i32) (local $pend i32) (local $p i32) (local $q i32) (local $o i32) (local $d i32)
    (local $abs v128) (local $sign v128) (local $one v128) (local $sv v128) (local $bad v128)
    (local $w v128) (local $thr v128) (local $v v128) (local $y v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $s0 v128) (local $s1 v128)
    (local.set $abs (v128.load (i32.const 256)))
    (local.set $sign (v128.load (i32.const 272)))
    (local.set $one (v128.load (i32.const 288)))
    (local.set $pend (i32.add (local.get $params) (i32.shl (local.get $tasks) (i32.const 3))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $o (local.get $out))
    (local.set $d (local.get $d0))
    ;; elect, sixteen elements per iteration (few registers live: 4 % faster than eight)
    (block $electDone
      (loop $elect
        (br_if $electDone (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d))
        (block $tasksDone
          (loop $task
            (br_if $tasksDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $w (v128.load32_splat (local.get $p)))
            (local.set $thr (v128.load32_splat offset=4 (local.get $p)))
            ;; the kept weighted entry: w·v where |v| >= thr, else +0
            (local.set $v (v128.load (local.get $q)))
            (local.set $v (v128.and (f32x4.ge (v128.and (local.get $v) (local.get $abs)) (local.get $thr))
                                    (f32x4.mul (local.get $w) (local.get $v))))
            (v128.store (local.get $q) (local.get $v))
            (local.set $a0 (f32x4.add (local.get $a0) (local.get $v)))
            (local.set $v (v128.load offset=16 (local.get $q)))
            (local.set $v (v128.and (f32x4.ge (v128.and (local.get $v) (local.get $abs)) (local.get $thr))
                                    (f32x4.mul (local.get $w) (local.get $v))))
            (v128.store offset=16 (local.get $q) (local.get $v))
            (local.set $a1 (f32x4.add (local.get $a1) (local.get $v)))
            (local.set $v (v128.load offset=32 (local.get $q)))
            (local.set $v (v128.and (f32x4.ge (v128.and (local.get $v) (local.get $abs)) (local.get $thr))
                                    (f32x4.mul (local.get $w) (local.get $v))))
            (v128.store offset=32 (local.get $q) (local.get $v))
            (local.set $a2 (f32x4.add (local.get $a2) (local.get $v)))
            (local.set $v (v128.load offset=48 (local.get $q)))
            (local.set $v (v128.and (f32x4.ge (v128.and (local.get $v) (local.get $abs)) (local.get $thr))
                                    (f32x4.mul (local.get $w) (local.get $v))))
            (v128.store offset=48 (local.get $q) (local.get $v))
            (local.set $a3 (f32x4.add (local.get $a3) (local.get $v)))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $task)))
        ;; the sign bit where the kept mass is not >= 0 (majority -1, a NaN mass included)
        (v128.store (local.get $o)
          (v128.andnot (local.get $sign) (f32x4.ge (local.get $a0) (v128.const f32x4 0 0 0 0))))
        (v128.store offset=16 (local.get $o)
          (v128.andnot (local.get $sign) (f32x4.ge (local.get $a1) (v128.const f32x4 0 0 0 0))))
        (v128.store offset=32 (local.get $o)
          (v128.andnot (local.get $sign) (f32x4.ge (local.get $a2) (v128.const f32x4 0 0 0 0))))
        (v128.store offset=48 (local.get $o)
          (v128.andnot (local.get $sign) (f32x4.ge (local.get $a3) (v128.const f32x4 0 0 0 0))))
        (local.set $o (i32.add (local.get $o) (i32.const 64)))
        (local.set $d (i32.add (local.get $d) (i32.const 64)))
        (br $elect)))
    ;; disjoint merge, eight elements per iteration (sixteen would spill registers)
    (local.set $sv (f32x4.splat (local.get $scale)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $s0 (v128.load (local.get $out)))
        (local.set $s1 (v128.load offset=16 (local.get $out)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $b0 (v128.const i32x4 0 0 0 0))
        (local.set $b1 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $params))
        (local.set $q (local.get $d0))
        (block $mergeDone
          (loop $merge
            (br_if $mergeDone (i32.ge_u (local.get $p) (local.get $pend)))
            (local.set $w (v128.load32_splat (local.get $p)))
            ;; kept: the weighted entry has the majority's sign, i.e. is > 0 with the sign mask
            ;; xored in (exactly wd·(±1), NaN staying NaN; a trimmed +0 is never kept)
            (local.set $v (v128.load (local.get $q)))
            (local.set $y (f32x4.gt (v128.xor (local.get $v) (local.get $s0)) (v128.const f32x4 0 0 0 0)))
            (local.set $a0 (f32x4.add (local.get $a0) (v128.and (local.get $y) (local.get $v))))
            (local.set $b0 (f32x4.add (local.get $b0) (v128.and (local.get $y) (local.get $w))))
            (local.set $v (v128.load offset=16 (local.get $q)))
            (local.set $y (f32x4.gt (v128.xor (local.get $v) (local.get $s1)) (v128.const f32x4 0 0 0 0)))
            (local.set $a1 (f32x4.add (local.get $a1) (v128.and (local.get $y) (local.get $v))))
            (local.set $b1 (f32x4.add (local.get $b1) (v128.and (local.get $y) (local.get $w))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (br $merge)))
        (if (local.get $normalize)
          (then
            ;; a zero divisor counts as 1
            (local.set $a0 (f32x4.div (local.get $a0)
              (f32x4.add (local.get $b0)
                (v128.and (f32x4.eq (local.get $b0) (v128.const f32x4 0 0 0 0)) (local.get $one)))))
            (local.set $a1 (f32x4.div (local.get $a1)
              (f32x4.add (local.get $b1)
                (v128.and (f32x4.eq (local.get $b1) (v128.const f32x4 0 0 0 0)) (local.get $one)))))))
        (local.set $y (f32x4.add (v128.load (local.get $base)) (f32x4.mul (local.get $sv) (local.get $a0))))
        (v128.store (local.get $out) (local.get $y))
        ;; y - y is +0 for a finite y, NaN for a NaN or ±Inf: any set bit flags one
        (local.set $bad (v128.or (local.get $bad) (f32x4.sub (local.get $y) (local.get $y))))
        (local.set $y (f32x4.add (v128.load offset=16 (local.get $base)) (f32x4.mul (local.get $sv) (local.get $a1))))
        (v128.store offset=16 (local.get $out) (local.get $y))
        (local.set $bad (v128.or (local.get $bad) (f32x4.sub (local.get $y) (local.get $y))))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $base (i32.add (local.get $base) (i32.const 32)))
        (local.set $d0 (i32.add (local.get $d0) (i32.const 32)))
        (br $next)))
    (v128.any_true (local.get $bad)))

  ;; Counting pass of the exact k-th largest |x| (../kth-largest-abs.ts): over x[0 … n) (n a
  ;; multiple of 16; padding lanes hold NaN, which no comparison counts), adds to the i32 counters at
  ;; $counts the number of |x| > hi ($counts[0]) and of lo <= |x| <= hi ($counts[1]), and appends
  ;; the |x| of the latter to the f32 buffer at $buf while fewer than $cap are stored. $counts[1]
  ;; keeps counting past $cap, so the caller sees an overflow; the buffer needs room for $cap + 4
  ;; (vectors are stored whole, see below). lo and hi are passed at $counts + 8 and + 12 (f32), and
  ;; $groups is scratch for n / 16 i32.
  ;; About 1 % of the entries fall inside, one group of 16 in seven or so, at random: a branch on
  ;; them would be mispredicted about once per entry collected, which costs more than the group's
  ;; counting. So the counting loop has no branch: it appends every group's address to a list and
  ;; advances the list's end only for groups with an entry inside; the second loop compacts those
  ;; groups, also without a branch per lane: each vector stores its inside lanes, moved to the
  ;; front by the swizzle for its lane mask, at the buffer's end (clamped to $cap, so an overflow
  ;; writes nothing past $cap + 4), and the end advances by their count.
  (func (export "bracketCount")
    (param $x i32) (param $n i32) (param $counts i32) (param $buf i32) (param $cap i32)
    (param $groups i32)
    (local $end i32) (local $m i32) (local $bits i32) (local $gend i32)
    (local $abs v128) (local $lov v128) (local $hiv v128)
    (local $v v128) (local $g v128) (local $above v128) (local $any v128)
    ;; loaded, not built from constants or splatted from parameters: V8 would redo that inside
    ;; the loop at every use
    (local.set $abs (v128.load (i32.const 256)))
    (local.set $lov (v128.load32_splat offset=8 (local.get $counts)))
    (local.set $hiv (v128.load32_splat offset=12 (local.get $counts)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $gend (local.get $groups))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $any (v128.const i32x4 0 0 0 0))
        (local.set $v (v128.and (v128.load (local.get $x)) (local.get $abs)))
        (local.set $g (f32x4.gt (local.get $v) (local.get $hiv)))
        ;; a true lane of $g is -1: subtracting the mask counts it
        (local.set $above (i32x4.sub (local.get $above) (local.get $g)))
        (local.set $any (v128.or (local.get $any) (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (local.get $g))))
        (local.set $v (v128.and (v128.load offset=16 (local.get $x)) (local.get $abs)))
        (local.set $g (f32x4.gt (local.get $v) (local.get $hiv)))
        (local.set $above (i32x4.sub (local.get $above) (local.get $g)))
        (local.set $any (v128.or (local.get $any) (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (local.get $g))))
        (local.set $v (v128.and (v128.load offset=32 (local.get $x)) (local.get $abs)))
        (local.set $g (f32x4.gt (local.get $v) (local.get $hiv)))
        (local.set $above (i32x4.sub (local.get $above) (local.get $g)))
        (local.set $any (v128.or (local.get $any) (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (local.get $g))))
        (local.set $v (v128.and (v128.load offset=48 (local.get $x)) (local.get $abs)))
        (local.set $g (f32x4.gt (local.get $v) (local.get $hiv)))
        (local.set $above (i32x4.sub (local.get $above) (local.get $g)))
        (local.set $any (v128.or (local.get $any) (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (local.get $g))))
        (i32.store (local.get $gend) (local.get $x))
        (local.set $gend (i32.add (local.get $gend) (i32.shl (v128.any_true (local.get $any)) (i32.const 2))))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (br $next)))
    (i32.store (local.get $counts)
      (i32.add (i32.load (local.get $counts))
        (i32.add
          (i32.add (i32x4.extract_lane 0 (local.get $above)) (i32x4.extract_lane 1 (local.get $above)))
          (i32.add (i32x4.extract_lane 2 (local.get $above)) (i32x4.extract_lane 3 (local.get $above))))))
    (local.set $m (i32.load offset=4 (local.get $counts)))
    (block $compacted
      (loop $group
        (br_if $compacted (i32.ge_u (local.get $groups) (local.get $gend)))
        (local.set $x (i32.load (local.get $groups)))
        (local.set $v (v128.and (v128.load (local.get $x)) (local.get $abs)))
        (local.set $bits (i32x4.bitmask
          (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (f32x4.gt (local.get $v) (local.get $hiv)))))
        (v128.store (i32.add (local.get $buf) (i32.shl
            (select (local.get $m) (local.get $cap) (i32.lt_u (local.get $m) (local.get $cap)))
            (i32.const 2)))
          (i8x16.swizzle (local.get $v) (v128.load (i32.shl (local.get $bits) (i32.const 4)))))
        (local.set $m (i32.add (local.get $m) (i32.popcnt (local.get $bits))))
        (local.set $v (v128.and (v128.load offset=16 (local.get $x)) (local.get $abs)))
        (local.set $bits (i32x4.bitmask
          (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (f32x4.gt (local.get $v) (local.get $hiv)))))
        (v128.store (i32.add (local.get $buf) (i32.shl
            (select (local.get $m) (local.get $cap) (i32.lt_u (local.get $m) (local.get $cap)))
            (i32.const 2)))
          (i8x16.swizzle (local.get $v) (v128.load (i32.shl (local.get $bits) (i32.const 4)))))
        (local.set $m (i32.add (local.get $m) (i32.popcnt (local.get $bits))))
        (local.set $v (v128.and (v128.load offset=32 (local.get $x)) (local.get $abs)))
        (local.set $bits (i32x4.bitmask
          (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (f32x4.gt (local.get $v) (local.get $hiv)))))
        (v128.store (i32.add (local.get $buf) (i32.shl
            (select (local.get $m) (local.get $cap) (i32.lt_u (local.get $m) (local.get $cap)))
            (i32.const 2)))
          (i8x16.swizzle (local.get $v) (v128.load (i32.shl (local.get $bits) (i32.const 4)))))
        (local.set $m (i32.add (local.get $m) (i32.popcnt (local.get $bits))))
        (local.set $v (v128.and (v128.load offset=48 (local.get $x)) (local.get $abs)))
        (local.set $bits (i32x4.bitmask
          (v128.andnot (f32x4.ge (local.get $v) (local.get $lov)) (f32x4.gt (local.get $v) (local.get $hiv)))))
        (v128.store (i32.add (local.get $buf) (i32.shl
            (select (local.get $m) (local.get $cap) (i32.lt_u (local.get $m) (local.get $cap)))
            (i32.const 2)))
          (i8x16.swizzle (local.get $v) (v128.load (i32.shl (local.get $bits) (i32.const 4)))))
        (local.set $m (i32.add (local.get $m) (i32.popcnt (local.get $bits))))
        (local.set $groups (i32.add (local.get $groups) (i32.const 4)))
        (br $group)))
    (i32.store offset=4 (local.get $counts) (local.get $m)))

  ;; Constants, at bytes [0, 512) (the callers keep out of them). [0, 256): the swizzles of
  ;; bracketCount's compaction, entry b (16 bytes) moving the lanes set in the 4-bit mask b to the
  ;; front, in order.
  (data (i32.const 0)
    "\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80\80"
    "\00\01\02\03\80\80\80\80\80\80\80\80\80\80\80\80"
    "\04\05\06\07\80\80\80\80\80\80\80\80\80\80\80\80"
    "\00\01\02\03\04\05\06\07\80\80\80\80\80\80\80\80"
    "\08\09\0a\0b\80\80\80\80\80\80\80\80\80\80\80\80"
    "\00\01\02\03\08\09\0a\0b\80\80\80\80\80\80\80\80"
    "\04\05\06\07\08\09\0a\0b\80\80\80\80\80\80\80\80"
    "\00\01\02\03\04\05\06\07\08\09\0a\0b\80\80\80\80"
    "\0c\0d\0e\0f\80\80\80\80\80\80\80\80\80\80\80\80"
    "\00\01\02\03\0c\0d\0e\0f\80\80\80\80\80\80\80\80"
    "\04\05\06\07\0c\0d\0e\0f\80\80\80\80\80\80\80\80"
    "\00\01\02\03\04\05\06\07\0c\0d\0e\0f\80\80\80\80"
    "\08\09\0a\0b\0c\0d\0e\0f\80\80\80\80\80\80\80\80"
    "\00\01\02\03\08\09\0a\0b\0c\0d\0e\0f\80\80\80\80"
    "\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\80\80\80\80"
    "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f"
    ;; 256: the |x| mask
    "\ff\ff\ff\7f\ff\ff\ff\7f\ff\ff\ff\7f\ff\ff\ff\7f"
    ;; 272: the sign mask
    "\00\00\00\80\00\00\00\80\00\00\00\80\00\00\00\80"
    ;; 288: f32x4 1
    "\00\00\80\3f\00\00\80\3f\00\00\80\3f\00\00\80\3f")
)
