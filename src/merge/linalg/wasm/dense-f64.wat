;; WebAssembly SIMD (f64x2) inner loops of the small dense float64 factorizations in
;; ../cholesky-qr.ts and ../symmetric-eigen.ts (the randomized SVD's l×l problems, l ≈ 200-330).
;; Matrices are row-major n×n in this module's memory; every address is a byte address. Each
;; element-wise update does the operations of the TypeScript loop it replaces, in the same order,
;; so its results are bit-identical to that loop; only symvUpper's dot products are summed in
;; another order (four partial sums).
;; Build: node scripts/build-wasm.mjs
(module
  (memory (export "memory") 1)

  ;; y[0..n) ← y − f·x, element by element.
  (func $axpy (param $y i32) (param $x i32) (param $f f64) (param $n i32)
    (local $end i32) (local $end4 i32) (local $fv v128)
    (local.set $fv (f64x2.splat (local.get $f)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end4
      (i32.add (local.get $y) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.ge_u (local.get $y) (local.get $end4)))
        (v128.store (local.get $y)
          (f64x2.sub (v128.load (local.get $y))
            (f64x2.mul (local.get $fv) (v128.load (local.get $x)))))
        (v128.store offset=16 (local.get $y)
          (f64x2.sub (v128.load offset=16 (local.get $y))
            (f64x2.mul (local.get $fv) (v128.load offset=16 (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (br $next4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (f64.store (local.get $y)
          (f64.sub (f64.load (local.get $y)) (f64.mul (local.get $f) (f64.load (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (br $next))))

  ;; Address of element (i, j) of the row-major n×n matrix at $m.
  (func $at (param $m i32) (param $n i32) (param $i i32) (param $j i32) (result i32)
    (i32.add (local.get $m)
      (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))))

  ;; Right-looking Cholesky, trailing update after row j is final (upper triangle):
  ;; for i > j with f = R[j, i] ≠ 0: R[i, i..n) −= f·R[j, i..n).
  (func (export "choleskyUpdate") (param $r i32) (param $n i32) (param $j i32)
    (local $i i32) (local $f f64)
    (local.set $i (i32.add (local.get $j) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $f (f64.load (call $at (local.get $r) (local.get $n) (local.get $j) (local.get $i))))
        (if (f64.ne (local.get $f) (f64.const 0))
          (then
            (call $axpy
              (call $at (local.get $r) (local.get $n) (local.get $i) (local.get $i))
              (call $at (local.get $r) (local.get $n) (local.get $j) (local.get $i))
              (local.get $f)
              (i32.sub (local.get $n) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Row i of the inverse of the upper-triangular R, rows k > i final:
  ;; for k > i with f = R[i, k] ≠ 0: X[i, k..n) −= f·X[k, k..n).
  (func (export "inverseRowUpdate") (param $x i32) (param $r i32) (param $n i32) (param $i i32)
    (local $k i32) (local $f f64)
    (local.set $k (i32.add (local.get $i) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $f (f64.load (call $at (local.get $r) (local.get $n) (local.get $i) (local.get $k))))
        (if (f64.ne (local.get $f) (f64.const 0))
          (then
            (call $axpy
              (call $at (local.get $x) (local.get $n) (local.get $i) (local.get $k))
              (call $at (local.get $x) (local.get $n) (local.get $k) (local.get $k))
              (local.get $f)
              (i32.sub (local.get $n) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next))))

  ;; p[k+1..n) ← S·v, S the trailing block A[k+1.., k+1..] of which only the upper triangle is
  ;; read: row i gives A[i, j≥i]·v[j] to p[i] and A[i, j>i]·v[i] to p[j]. ($v, $p: vectors.)
  (func (export "symvUpper") (param $a i32) (param $v i32) (param $p i32) (param $n i32) (param $k i32)
    (local $i i32) (local $row i32) (local $vp i32) (local $pp i32) (local $end i32) (local $end4 i32)
    (local $vi f64) (local $viv v128) (local $s0 v128) (local $s1 v128) (local $aij v128)
    (local $sum f64) (local $x f64)
    ;; p[k+1..n) ← 0
    (local.set $i (i32.add (local.get $k) (i32.const 1)))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_s (local.get $i) (local.get $n)))
        (f64.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))) (f64.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $zero)))
    (local.set $i (i32.add (local.get $k) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $vi (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $viv (f64x2.splat (local.get $vi)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $s1 (v128.const f64x2 0 0))
        ;; j from i+1: row, v and p pointers walk together
        (local.set $row (call $at (local.get $a) (local.get $n) (local.get $i) (i32.add (local.get $i) (i32.const 1))))
        (local.set $vp (i32.add (local.get $v) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3))))
        (local.set $pp (i32.add (local.get $p) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3))))
        (local.set $end
          (i32.add (local.get $row)
            (i32.shl (i32.sub (i32.sub (local.get $n) (local.get $i)) (i32.const 1)) (i32.const 3))))
        (local.set $end4
          (i32.add (local.get $row)
            (i32.shl
              (i32.and (i32.sub (i32.sub (local.get $n) (local.get $i)) (i32.const 1)) (i32.const -4))
              (i32.const 3))))
        (block $done4
          (loop $next4
            (br_if $done4 (i32.ge_u (local.get $row) (local.get $end4)))
            (local.set $aij (v128.load (local.get $row)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $aij) (v128.load (local.get $vp)))))
            (v128.store (local.get $pp)
              (f64x2.add (v128.load (local.get $pp)) (f64x2.mul (local.get $aij) (local.get $viv))))
            (local.set $aij (v128.load offset=16 (local.get $row)))
            (local.set $s1
              (f64x2.add (local.get $s1) (f64x2.mul (local.get $aij) (v128.load offset=16 (local.get $vp)))))
            (v128.store offset=16 (local.get $pp)
              (f64x2.add (v128.load offset=16 (local.get $pp)) (f64x2.mul (local.get $aij) (local.get $viv))))
            (local.set $row (i32.add (local.get $row) (i32.const 32)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 32)))
            (local.set $pp (i32.add (local.get $pp) (i32.const 32)))
            (br $next4)))
        (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
        (local.set $sum
          (f64.add
            (f64.mul (f64.load (call $at (local.get $a) (local.get $n) (local.get $i) (local.get $i))) (local.get $vi))
            (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))))
        (block $done1
          (loop $next1
            (br_if $done1 (i32.ge_u (local.get $row) (local.get $end)))
            (local.set $x (f64.load (local.get $row)))
            (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $x) (f64.load (local.get $vp)))))
            (f64.store (local.get $pp) (f64.add (f64.load (local.get $pp)) (f64.mul (local.get $x) (local.get $vi))))
            (local.set $row (i32.add (local.get $row) (i32.const 8)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 8)))
            (local.set $pp (i32.add (local.get $pp) (i32.const 8)))
            (br $next1)))
        (local.set $pp (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $pp) (f64.add (f64.load (local.get $pp)) (local.get $sum)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Symmetric rank-2 update of the trailing block's upper triangle:
  ;; A[i, j] −= v[i]·w[j] + w[i]·v[j] for k < i ≤ j < n.
  (func (export "syr2Upper") (param $a i32) (param $v i32) (param $w i32) (param $n i32) (param $k i32)
    (local $i i32) (local $row i32) (local $vp i32) (local $wp i32) (local $end i32) (local $end2 i32)
    (local $vi f64) (local $wi f64) (local $viv v128) (local $wiv v128)
    (local.set $i (i32.add (local.get $k) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $vi (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $wi (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $viv (f64x2.splat (local.get $vi)))
        (local.set $wiv (f64x2.splat (local.get $wi)))
        (local.set $row (call $at (local.get $a) (local.get $n) (local.get $i) (local.get $i)))
        (local.set $vp (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $end
          (i32.add (local.get $row) (i32.shl (i32.sub (local.get $n) (local.get $i)) (i32.const 3))))
        (local.set $end2
          (i32.add (local.get $row)
            (i32.shl (i32.and (i32.sub (local.get $n) (local.get $i)) (i32.const -2)) (i32.const 3))))
        (block $done2
          (loop $next2
            (br_if $done2 (i32.ge_u (local.get $row) (local.get $end2)))
            (v128.store (local.get $row)
              (f64x2.sub (v128.load (local.get $row))
                (f64x2.add
                  (f64x2.mul (local.get $viv) (v128.load (local.get $wp)))
                  (f64x2.mul (local.get $wiv) (v128.load (local.get $vp))))))
            (local.set $row (i32.add (local.get $row) (i32.const 16)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 16)))
            (local.set $wp (i32.add (local.get $wp) (i32.const 16)))
            (br $next2)))
        (if (i32.lt_u (local.get $row) (local.get $end))
          (then
            (f64.store (local.get $row)
              (f64.sub (f64.load (local.get $row))
                (f64.add
                  (f64.mul (local.get $vi) (f64.load (local.get $wp)))
                  (f64.mul (local.get $wi) (f64.load (local.get $vp))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; One Householder reflector I − β·v·vᵀ applied from the left to rows and columns k+1.. of Q:
  ;; r[j] = Σ_i v[i]·Q[i, j], then Q[i, j] −= (β·v[i])·r[j] (i, j > k).
  (func (export "reflectTrailing") (param $q i32) (param $v i32) (param $r i32) (param $beta f64)
    (param $n i32) (param $k i32)
    (local $i i32) (local $j i32) (local $vi f64) (local $cnt i32) (local $r0 i32)
    (local.set $cnt (i32.sub (i32.sub (local.get $n) (local.get $k)) (i32.const 1)))
    (local.set $r0 (i32.add (local.get $r) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 3))))
    (local.set $j (i32.const 0))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_s (local.get $j) (local.get $cnt)))
        (f64.store (i32.add (local.get $r0) (i32.shl (local.get $j) (i32.const 3))) (f64.const 0))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $zero)))
    ;; r += v[i]·Q[i, k+1..] as r − (−v[i])·Q[i, ..] (the same value: negation is exact)
    (local.set $i (i32.add (local.get $k) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $vi (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (call $axpy (local.get $r0)
          (call $at (local.get $q) (local.get $n) (local.get $i) (i32.add (local.get $k) (i32.const 1)))
          (f64.neg (local.get $vi)) (local.get $cnt))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $i (i32.add (local.get $k) (i32.const 1)))
    (block $done2
      (loop $next2
        (br_if $done2 (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $vi (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (call $axpy
          (call $at (local.get $q) (local.get $n) (local.get $i) (i32.add (local.get $k) (i32.const 1)))
          (local.get $r0)
          (f64.mul (local.get $beta) (local.get $vi))
          (local.get $cnt))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next2))))

  ;; A Givens rotation of two rows of n values: b ← s·a + c·b, a ← c·a − s·b (old b).
  (func (export "rotateRows") (param $a i32) (param $b i32) (param $c f64) (param $s f64) (param $n i32)
    (local $end i32) (local $end2 i32) (local $cv v128) (local $sv v128) (local $av v128) (local $bv v128)
    (local $x f64) (local $y f64)
    (local.set $cv (f64x2.splat (local.get $c)))
    (local.set $sv (f64x2.splat (local.get $s)))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end2
      (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done2
      (loop $next2
        (br_if $done2 (i32.ge_u (local.get $a) (local.get $end2)))
        (local.set $av (v128.load (local.get $a)))
        (local.set $bv (v128.load (local.get $b)))
        (v128.store (local.get $b)
          (f64x2.add (f64x2.mul (local.get $sv) (local.get $av)) (f64x2.mul (local.get $cv) (local.get $bv))))
        (v128.store (local.get $a)
          (f64x2.sub (f64x2.mul (local.get $cv) (local.get $av)) (f64x2.mul (local.get $sv) (local.get $bv))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $next2)))
    (if (i32.lt_u (local.get $a) (local.get $end))
      (then
        (local.set $x (f64.load (local.get $a)))
        (local.set $y (f64.load (local.get $b)))
        (f64.store (local.get $b)
          (f64.add (f64.mul (local.get $s) (local.get $x)) (f64.mul (local.get $c) (local.get $y))))
        (f64.store (local.get $a)
          (f64.sub (f64.mul (local.get $c) (local.get $x)) (f64.mul (local.get $s) (local.get $y)))))))
)
