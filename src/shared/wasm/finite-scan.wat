;; WebAssembly SIMD scan for NaN/±Inf (see ../typed-arrays.ts firstNonFiniteIndex): the caller
;; copies a block of float32 values into this module's memory at byte 0 and asks whether any of
;; its first n (a multiple of 4; pad with zeros) has all exponent bits set.
;; Build: node scripts/build-wasm.mjs
(module
  (memory (export "memory") 1)

  ;; 1 when some x[i], i < n, is NaN or ±Inf, else 0. Sixteen values per iteration (n % 16 == 0
  ;; is not required: the tail loop takes four at a time).
  (func (export "anyNonFinite") (param $x i32) (param $n i32) (result i32)
    (local $end i32) (local $end16 i32) (local $bad v128) (local $e v128)
    (local.set $e (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end16 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $done16
      (loop $next16
        (br_if $done16 (i32.ge_u (local.get $x) (local.get $end16)))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or
            (v128.or
              (i32x4.eq (v128.and (v128.load (local.get $x)) (local.get $e)) (local.get $e))
              (i32x4.eq (v128.and (v128.load offset=16 (local.get $x)) (local.get $e)) (local.get $e)))
            (v128.or
              (i32x4.eq (v128.and (v128.load offset=32 (local.get $x)) (local.get $e)) (local.get $e))
              (i32x4.eq (v128.and (v128.load offset=48 (local.get $x)) (local.get $e)) (local.get $e))))))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (br $next16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $bad (v128.or (local.get $bad)
          (i32x4.eq (v128.and (v128.load (local.get $x)) (local.get $e)) (local.get $e))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $next)))
    (v128.any_true (local.get $bad)))
)
