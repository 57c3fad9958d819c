"""Compares two bench/results/models.json files (npm run eval:models) model by model and set by set:
the shipped models' chorus eval figures against a rebuild's (reproduce.sh). Prints WER (and BLEU) of
each side and the difference in points, then the largest absolute WER and BLEU differences.
usage: compare_models.py SHIPPED.json REBUILT.json"""
import json
import sys


def figures(path):
    """(model, set) -> (wer %, bleu or None) over every language and domain group of each model."""
    out = {}
    for m in json.load(open(path))["models"]:
        t, b = m["transcribe"], m.get("translate")
        groups = {"all": t["overall"], **t.get("byLanguage", {}), **t.get("byDomain", {})}
        bleu_groups = {} if b is None else {"all": b["overall"], **b.get("byLanguage", {}), **b.get("byDomain", {})}
        for g, v in groups.items():
            bg = bleu_groups.get(g)
            out[(m["name"], g)] = (100 * v["wer"], None if bg is None else bg["bleu"])
    return out


def bars(path):
    """The models issue's bars on one models.json: base WER <= 20 %, each expert >= 30 % relative
    below the base on its own set, BLEU >= 30 for every non-English language (base or multitask)."""
    f = figures(path)
    lines, ok = [], True
    base_wer = f[("base", "all")][0]
    lines.append(f"base WER {base_wer:.2f} % (bar <= 20): {'met' if base_wer <= 20 else 'MISSED'}")
    ok &= base_wer <= 20
    experts = sorted({m for (m, g) in f if g == m})
    for e in experts:
        rel = 100 * (f[(e, e)][0] / f[("base", e)][0] - 1)
        met = rel <= -30
        ok &= met
        lines.append(f"expert {e}: {f[(e, e)][0]:.2f} vs base {f[('base', e)][0]:.2f} % = {rel:+.1f} % (bar <= -30): {'met' if met else 'MISSED'}")
    for lang in ("de", "es", "fr"):
        best = max((f.get((m, lang), (0, None))[1] or 0) for m in ("base", "multitask"))
        ok &= best >= 30
        lines.append(f"BLEU {lang}->en best of base/multitask {best:.1f} (bar >= 30): {'met' if best >= 30 else 'MISSED'}")
    return ok, lines


def main(a_path, b_path):
    a, b = figures(a_path), figures(b_path)
    worst_wer = worst_bleu = 0.0
    print(f"{'model':10} {'set':9} {'WER a':>7} {'WER b':>7} {'diff':>6}   {'BLEU a':>6} {'BLEU b':>6} {'diff':>6}")
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            print(f"{key[0]:10} {key[1]:9} only in {'a' if key in a else 'b'}")
            continue
        (wa, ba), (wb, bb) = a[key], b[key]
        worst_wer = max(worst_wer, abs(wb - wa))
        line = f"{key[0]:10} {key[1]:9} {wa:7.2f} {wb:7.2f} {wb - wa:+6.2f}"
        if ba is not None and bb is not None:
            worst_bleu = max(worst_bleu, abs(bb - ba))
            line += f"   {ba:6.1f} {bb:6.1f} {bb - ba:+6.1f}"
        print(line)
    print(f"largest |WER difference| {worst_wer:.2f} points, largest |BLEU difference| {worst_bleu:.1f}")
    for name, path in (("a", a_path), ("b", b_path)):
        ok, lines = bars(path)
        print(f"bars on {name}: {'all met' if ok else 'NOT all met'}")
        for line in lines:
            print(f"  {line}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
