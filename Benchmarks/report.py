#!/usr/bin/env python3
"""Turns the raw measurements of Benchmarks/run.sh (lines `key value`) into the tables.

Times are recorded in microseconds (`autogen.*` and `jupyter.*` in seconds), RSS in KiB,
duration_ms in ms. Every figure is a median over the repetitions; per-block figures are
explained in BENCHMARKS.md (end-to-end differences, total/N, or execute_code_blocks/N).
`e2e.*` is mdexec's default mode (notebook mode when `notebook 1`: the binary has --fresh),
`fresh.*` the same documents with --fresh (one process per block).
"""
import os
import statistics
import sys
from collections import defaultdict


def load(path):
    values, meta, notes = defaultdict(list), {}, {}
    for line in open(path):
        key, _, value = line.rstrip("\n").partition(" ")
        if key.startswith("note."):
            notes[key[5:]] = value
            continue
        try:
            values[key].append(float(value))
        except ValueError:
            meta[key] = value
        if key in ("mdexec_version", "loadavg.start", "loadavg.end", "quick", "reps", "floor_n", "autogen_n", "print_mib", "image", "sizes", "fallback_sizes", "notebook", "jupyter_sizes", "jupyter.kernel"):
            meta[key] = value
    return values, meta, notes


def main():
    values, meta, notes = load(sys.argv[1])

    def med(key, scale=1e-3):  # µs -> ms by default
        v = values.get(key)
        return statistics.median(v) * scale if v else None

    sizes = [int(x) for x in meta["sizes"].split()]
    fb_sizes = [int(x) for x in meta["fallback_sizes"].split()]
    floor_n = int(meta["floor_n"])
    ag_n = int(meta["autogen_n"])
    print_mib = int(meta["print_mib"])
    nmax, nmin = sizes[-1], 10
    notebook = meta.get("notebook") == "1"  # the binary has --fresh, so its default is notebook mode
    j_sizes = [int(x) for x in meta.get("jupyter_sizes", "10 200").split()]

    def per_block(prefix, lo, hi, scale=1e-3):
        a, b = med(f"{prefix}.{lo}", scale), med(f"{prefix}.{hi}", scale)
        return (b - a) / (hi - lo) if a is not None and b is not None else None

    default = {lang: per_block(f"e2e.{lang}", nmin, nmax) for lang in ("sh", "python")}
    fresh = {lang: per_block(f"fresh.{lang}", nmin, nmax) for lang in ("sh", "python")}
    # The old targets are about one process per block: --fresh now, the default before.
    runner = fresh if notebook else default
    jup = per_block("jupyter.cells", j_sizes[0], j_sizes[-1], 1e3)
    j_start, j_stop = med("jupyter.start", 1e3), med("jupyter.stop", 1e3)
    fallback = per_block("fallback.sh", fb_sizes[0], fb_sizes[-1])
    floor = med(f"floor.sh.{floor_n}")
    floor = floor / floor_n if floor is not None else None
    loop = {lang: med(f"loop.{lang}.{floor_n}") for lang in ("sh", "python")}
    loop = {lang: (v / floor_n if v is not None else None) for lang, v in loop.items()}
    ag = {lang: med(f"autogen.blocks.{lang}.{ag_n}", 1e3) for lang in ("sh", "python")}
    ag = {lang: (v / ag_n if v is not None else None) for lang, v in ag.items()}
    ag_start, ag_stop = med("autogen.start", 1e3), med("autogen.stop", 1e3)
    ag_blocks50 = med(f"autogen.blocks.sh.{ag_n}", 1e3)
    ag_e2e = ag_start + ag_blocks50 + ag_stop if None not in (ag_start, ag_blocks50, ag_stop) else None
    e2e50 = med("e2e.sh.50")
    ex_m, ex_c = med("extract.mdexec"), med("extract.cmark")

    def peak(prefix):
        rss = [v for lang in ("sh", "python") for v in values.get(f"rss.{prefix}.{lang}.{nmax}", [])]
        return max(rss) / 1024 if rss else None

    rss_blocks, rss_fresh = peak("e2e"), peak("fresh")
    rss_print = max(values[f"rss.print.{print_mib}"]) / 1024 if values.get(f"rss.print.{print_mib}") else None

    def ms(v):
        return "n/a" if v is None else (f"{v:.1f} ms" if v < 1000 else f"{v / 1000:.2f} s")

    def ratio(a, b):  # a difference at or below zero is noise: no ratio
        return None if a is None or b is None or a <= 0 or b <= 0 else a / b

    def rx(r):
        return "n/a" if r is None else f"{r:.2f}x"

    def met(ok):
        return "n/a" if ok is None else ("PASS" if ok else "**NO**")

    span = f"(T{nmax}-T{nmin})/{nmax - nmin}"
    j_span = f"(T{j_sizes[-1]}-T{j_sizes[0]})/{j_sizes[-1] - j_sizes[0]}"
    nb = "notebook" if notebook else "default mode, no --fresh in this binary"
    old = "--fresh, runner loop" if notebook else "runner loop, default mode"
    rows = []
    r = ratio(jup, default["python"])
    rows.append((f"per python block ({nb}; {span})", ms(default["python"]),
                 f"Jupyter {ms(jup)} per cell ({j_span})", rx(r), ">= 2x", met(None if r is None else r >= 2)))
    for lang in ("python", "sh"):
        r = ratio(ag[lang], default[lang])
        rows.append((f"per {lang} block ({nb}; {span})", ms(default[lang]),
                     f"AutoGen {ms(ag[lang])}", rx(r), ">= 30x", met(None if r is None else r >= 30)))
    r = ratio(ag["sh"], runner["sh"])
    rows.append((f"per sh block ({old}; {span})", ms(runner["sh"]),
                 f"AutoGen {ms(ag['sh'])}", rx(r), ">= 10x, <= ~5 ms",
                 met(None if r is None else r >= 10 and runner["sh"] <= 5.0)))
    r = ratio(ag["python"], runner["python"])
    rows.append((f"per python block ({old}; {span})", ms(runner["python"]),
                 f"AutoGen {ms(ag['python'])}", rx(r), ">= 3x", met(None if r is None else r >= 3)))
    r = ratio(ag_e2e, e2e50)
    rows.append(("end to end, 50 sh blocks (container start..removal)", ms(e2e50),
                 f"AutoGen {ms(ag_e2e)} (start+50+stop)", rx(r), ">= 10x", met(None if r is None else r >= 10)))
    r = ratio(fallback, floor)
    rows.append((f"per sh block, --runner exec ((T{fb_sizes[-1]}-T{fb_sizes[0]})/{fb_sizes[-1] - fb_sizes[0]})",
                 ms(fallback), f"exec floor {ms(floor)} (curl, total/{floor_n})", rx(r), "<= 1.1x",
                 met(None if r is None else r <= 1.1)))
    big_mb = (values.get("big.bytes") or [0])[0] / 1e6
    r = ratio(ex_m, ex_c)
    rows.append((f"extraction, {big_mb:.0f} MB document (`blocks --json` vs `cmark`)", ms(ex_m), f"cmark {ms(ex_c)}",
                 rx(r), "<= 1.3x", met(None if r is None else r <= 1.3)))
    for what, v in ((nb, rss_blocks), ("--fresh", rss_fresh)):
        rows.append((f"peak RSS, {nmax}-block run ({what}; max of sh, python)", "n/a" if v is None else f"{v:.1f} MiB",
                     "", "", "< 64 MiB", met(None if v is None else v < 64)))
    rows.append((f"peak RSS, one block printing {print_mib} MiB", "n/a" if rss_print is None else f"{rss_print:.1f} MiB",
                 "", "", "< 64 MiB", met(None if rss_print is None else rss_print < 64)))

    mode = "quick" if meta.get("quick") == "1" else "full"
    print(f"\n## Targets ({mode} mode, medians of {meta.get('reps')} runs, image {meta.get('image')}, "
          f"mdexec {meta.get('mdexec_version', '?')})\n")
    print("| what | mdexec | floor / AutoGen | ratio | target | met? |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")

    print("\n## Per block: mdexec against Jupyter and AutoGen\n")
    print("| per block | time | Jupyter per cell / this | AutoGen (same language) / this |")
    print("|---|---|---|---|")
    for lang in ("python", "sh"):
        for what, v in ((nb, default[lang]), ("--fresh", fresh[lang])):
            print(f"| mdexec {lang} block, {what}, {span} | {ms(v)} | "
                  f"{rx(ratio(jup, v)) if lang == 'python' else ''} | {rx(ratio(ag[lang], v))} |")
    print(f"| Jupyter python cell (nbclient + ipykernel, host), {j_span} | {ms(jup)} | | {rx(ratio(ag['python'], jup))} |")
    print(f"| AutoGen python block, execute_code_blocks/{ag_n} | {ms(ag['python'])} | {rx(ratio(jup, ag['python']))} | |")
    print(f"| AutoGen sh block, execute_code_blocks/{ag_n} | {ms(ag['sh'])} | | |")

    print("\n## Details\n")
    print("| what | " + " | ".join(f"{n} block{'s' if n > 1 else ''}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for lang in ("sh", "python"):
        print(f"| mdexec run, {lang}, end to end ({'notebook' if notebook else 'default mode'}) | "
              + " | ".join(ms(med(f"e2e.{lang}.{n}")) for n in sizes) + " |")
    for lang in ("sh", "python"):
        print(f"| mdexec run --fresh, {lang}, end to end | " + " | ".join(ms(med(f"fresh.{lang}.{n}")) for n in sizes) + " |")
    print("| mdexec run --runner exec, sh | " + " | ".join(ms(med(f"fallback.sh.{n}")) if n in fb_sizes else "" for n in sizes) + " |")
    print()
    print("| per-block figure | sh | python |")
    print("|---|---|---|")
    for what, key, v in ((nb, "e2e", default), ("--fresh", "fresh", fresh)):
        print(f"| mdexec runner loop, {what}, {span} | {ms(v['sh'])} | {ms(v['python'])} |")
        print(f"| mdexec runner loop, {what}, median `duration_ms` ({nmax}-block runs) | "
              f"{ms(med(f'blockms.{key}.sh.{nmax}', 1))} | {ms(med(f'blockms.{key}.python.{nmax}', 1))} |")
    print(f"| in-container sh loop, one exec, total/{floor_n} | {ms(loop['sh'])} | {ms(loop['python'])} |")
    print(f"| mdexec --runner exec, (T{fb_sizes[-1]}-T{fb_sizes[0]})/{fb_sizes[-1] - fb_sizes[0]} | {ms(fallback)} | |")
    print(f"| mdexec --runner exec, median `duration_ms` ({fb_sizes[-1]}-block runs) | "
          f"{ms(med(f'blockms.fallback.sh.{fb_sizes[-1]}', 1))} | |")
    print(f"| exec floor (curl: create, start, inspect), total/{floor_n} | {ms(floor)} | |")
    print(f"| AutoGen execute_code_blocks over {ag_n} blocks, /{ag_n} | {ms(ag['sh'])} | {ms(ag['python'])} |")
    print(f"| Jupyter (nbclient + ipykernel on the host), cells only, {j_span} | | {ms(jup)} |")
    print()
    print(f"Jupyter: {' / '.join(ms(med(f'jupyter.cells.{n}', 1e3)) for n in j_sizes)} for "
          f"{' / '.join(str(n) for n in j_sizes)} cells; kernel start (to its kernel_info reply): {ms(j_start)}, "
          f"shutdown: {ms(j_stop)}; kernel interpreter: {meta.get('jupyter.kernel', 'n/a')}.")
    print(f"AutoGen start: {ms(ag_start)}, stop: {ms(ag_stop)}. "
          f"Extraction document: {big_mb:.1f} MB, {int((values.get('big.blocks') or [0])[0])} blocks. "
          f"Block printing {print_mib} MiB: {ms(med(f'print.{print_mib}'))} end to end.")
    print(f"\nLoad average (1/5/15 min) at start: {meta.get('loadavg.start', '?')}, at end: {meta.get('loadavg.end', '?')}"
          f" ({os.cpu_count()} CPUs).")
    noisy = [v for v in (*default.values(), *fresh.values(), jup) if v is not None and v <= 0]
    if noisy:
        print(f"\nA per-block difference came out at or below zero: per-block cost is inside the run-to-run "
              f"noise of the end-to-end times at these sizes (full mode: 200 blocks, 3 rounds).")
    for key, text in sorted(notes.items()):
        print(f"\nNote ({key}): {text}")
    failures = sorted(k[5:] for k in values if k.startswith("fail."))
    if failures:
        print(f"\nFailed measurements: {', '.join(failures)}")


if __name__ == "__main__":
    main()
