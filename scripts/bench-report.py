#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Turn the serial logs of pvk bench boots into a table and a chart.

    scripts/bench-report.py --log MODE=LOG [--log MODE=LOG ...] [LOG ...]
                            [--out-dir build/bench] [--no-png]

MODE names a boot (e.g. bare-metal-tcg); a bare LOG is named after its file
(build/bench/bare-metal-tcg.log -> bare-metal-tcg).  Each log must contain

    pvk-bench: platform=P op=O variant=V cycles=C hypercalls=H [k=v ...]
    ...
    pvk-bench: done

with V one of patched, indirect, raw.  A (mode, op, variant) measured more
than once is reported as the median.  Writes, under --out-dir:

    bench.txt   per mode, a table: ops x patched/indirect/raw cycles and
                hypercalls, and the patched/raw cycle ratio (also printed)
    bench.dat   the cycles, one gnuplot data block per mode (ops that made
                hypercalls are labelled "op [N hc]")
    bench.gp    the gnuplot script
    bench.png   clustered histogram of cycles per op and variant, one
                panel per mode, log scale (needs gnuplot; skip: --no-png)

With --domu build/bench/domU.txt (written by scripts/bench-domU.sh: pvk
against Debian's Linux as Xen PV domUs of one dom0 boot), that table with
its pvk/Linux ratios is appended to bench.txt, and bench.png gets a last
panel from domU.dat next to it: pvk's and Linux's bars per op, each pair
labelled with the ratio.

Exits 1 when a log is missing, has no "pvk-bench: done" line (crash or
hang), has a malformed pvk-bench line or no measurement at all.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from typing import Dict, List, Tuple

VARIANTS = ('patched', 'indirect', 'raw')
REQUIRED = ('platform', 'op', 'variant', 'cycles', 'hypercalls')
PREFIX = 'pvk-bench:'
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))

_ANSI_RE = re.compile(r'\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])')
_NUM_RE = re.compile(r'^-?\d+(?:\.\d+)?$')


class BenchError(Exception):
    pass


def _clean(line: str) -> str:
    line = _ANSI_RE.sub('', line).rstrip('\r')
    if '\r' in line:
        line = line[line.rindex('\r') + 1:]
    return line.replace('\x00', '').rstrip()


def _number(text: str):
    return int(text) if re.match(r'^-?\d+$', text) else float(text)


def parse_bench_log(path: str) -> List[Dict[str, object]]:
    """The measurements of one log, as dicts with platform, op, variant,
    cycles and hypercalls (numbers) plus any extra fields (strings)."""
    try:
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
    except OSError as e:
        raise BenchError(f'{path}: {e.strerror}')
    samples = []
    done = False
    for lineno, raw in enumerate(text.split('\n'), 1):
        line = _clean(raw)
        if line.startswith('pvk: PANIC'):
            raise BenchError(f'{path}:{lineno}: kernel panic: {line}')
        if not line.startswith(PREFIX):
            continue
        rest = line[len(PREFIX):].strip()
        if rest == 'done':
            done = True
            continue
        if '=' not in rest:
            continue                    # informational line
        fields = {}
        for token in rest.split():
            key, sep, value = token.partition('=')
            if sep:
                fields[key] = value
        missing = [k for k in REQUIRED if k not in fields]
        if missing:
            raise BenchError(f'{path}:{lineno}: missing {", ".join(missing)}'
                             f' in {line!r}')
        if fields['variant'] not in VARIANTS:
            raise BenchError(f'{path}:{lineno}: unknown variant '
                             f'{fields["variant"]!r} (want one of '
                             f'{", ".join(VARIANTS)})')
        for key in ('cycles', 'hypercalls'):
            if not _NUM_RE.match(fields[key]):
                raise BenchError(f'{path}:{lineno}: {key}={fields[key]!r} '
                                 'is not a number')
            fields[key] = _number(fields[key])
        fields['lineno'] = lineno
        samples.append(fields)
    if not done:
        raise BenchError(f'{path}: no "pvk-bench: done" line '
                         '(the bench boot crashed or hung)')
    if not samples:
        raise BenchError(f'{path}: no pvk-bench measurements')
    return samples


class Mode:
    """The measurements of one boot, by op (in order of appearance) and
    variant; repeated measurements collapse to their median."""

    def __init__(self, name: str, path: str, samples: List[Dict[str, object]]):
        self.name = name
        self.path = path
        self.platforms = []
        self.ops: List[str] = []
        raw: Dict[Tuple[str, str], List[Dict[str, object]]] = {}
        for s in samples:
            if s['platform'] not in self.platforms:
                self.platforms.append(s['platform'])
            if s['op'] not in self.ops:
                self.ops.append(s['op'])
            raw.setdefault((s['op'], s['variant']), []).append(s)
        self.repeats = max(len(v) for v in raw.values())
        self.cycles = {k: _median([s['cycles'] for s in v])
                       for k, v in raw.items()}
        self.hypercalls = {k: _median([s['hypercalls'] for s in v])
                           for k, v in raw.items()}

    def ratio(self, op: str):
        p = self.cycles.get((op, 'patched'))
        r = self.cycles.get((op, 'raw'))
        if p is None or not r:
            return None
        return p / r


def _median(values):
    m = statistics.median(values)
    return int(m) if float(m).is_integer() else m


def _fmt(value) -> str:
    if value is None:
        return '-'
    if isinstance(value, float):
        return f'{value:.1f}'
    return str(value)


def format_mode(mode: Mode) -> str:
    head = ['op'] + [f'{v}' for v in VARIANTS] + \
        [f'hc:{v}' for v in VARIANTS] + ['patched/raw']
    rows = []
    for op in mode.ops:
        ratio = mode.ratio(op)
        rows.append([op]
                    + [_fmt(mode.cycles.get((op, v))) for v in VARIANTS]
                    + [_fmt(mode.hypercalls.get((op, v))) for v in VARIANTS]
                    + ['-' if ratio is None else f'{ratio:.2f}'])
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]

    def line(cells):
        return '  '.join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    out = [f'== {mode.name} (platform {", ".join(mode.platforms)}) ==',
           f'cycles per op from {mode.path}'
           + (f' (median of up to {mode.repeats} runs)' if mode.repeats > 1
              else ''),
           line(head), line(['-' * w for w in widths])]
    out += [line(r) for r in rows]
    return '\n'.join(out) + '\n'


def op_label(mode: Mode, op: str) -> str:
    """The op's x-axis label: under a hypervisor (any op made hypercalls)
    it carries the hypercalls per op of its first measured variant."""
    if not any(mode.hypercalls.values()):
        return op
    for v in VARIANTS:
        hc = mode.hypercalls.get((op, v))
        if hc is not None:
            return f'{op} [{_fmt(hc)} hc]'
    return op


def write_data(modes: List[Mode], path: str) -> None:
    with open(path, 'w') as f:
        f.write('# pvk bench cycles; one block per mode (gnuplot index)\n')
        for i, mode in enumerate(modes):
            if i:
                f.write('\n\n')
            f.write(f'# mode {mode.name} platform {",".join(mode.platforms)}\n')
            f.write('# op ' + ' '.join(VARIANTS) + '\n')
            for op in mode.ops:
                values = []
                for v in VARIANTS:
                    c = mode.cycles.get((op, v))
                    values.append('-' if c is None or c <= 0 else str(c))
                f.write(f'"{op_label(mode, op)}" ' + ' '.join(values) + '\n')


def png_terminal(gnuplot: str) -> str:
    p = subprocess.run([gnuplot, '-e', 'set terminal pngcairo'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if p.returncode == 0 and 'unknown' not in p.stdout.lower():
        return 'pngcairo'
    return 'png'


def _gp_str(text: str) -> str:
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'


def domu_panel(dat: str) -> List[str]:
    """gnuplot lines of the pvk vs Linux panel (domU.dat: label, pvk,
    Linux, pvk/Linux per op)."""
    title = ('pvk vs Debian Linux as Xen PV domUs, one dom0 boot '
             '(labels: pvk/Linux; under TCG only the ratios mean anything)')
    return [
        f'set title {_gp_str(title)}',
        'set ylabel "IOPS, MiB/s, round trips/s (log scale)"',
        'set yrange [0.5:*]',
        'set xtics norotate',
        'set bmargin 5',
        f'plot {_gp_str(dat)} using 2:xtic(1) title "pvk" lc rgb "#1f77b4", \\',
        '     \'\' using 3 title "Linux" lc rgb "#ff7f0e", \\',
        '     \'\' using 0:($2 > 0 ? $2 : 1):(sprintf("%.3gx", $4)) '
        'with labels offset -1.8,0.8 notitle',
    ]


def write_gnuplot(modes: List[Mode], dat: str, png: str, gp: str,
                  terminal: str, domu_dat: str = '') -> None:
    panel_h = 380
    panels = len(modes) + (1 if domu_dat else 0)
    height = panel_h * panels + 20
    most_ops = max(len(m.ops) for m in modes)
    width = max(900, 110 * most_ops + 200)
    font = 'font "sans,10"' if terminal == 'pngcairo' else ''
    lines = [
        f'set terminal {terminal} size {width},{height} noenhanced {font}',
        f'set output {_gp_str(png)}',
        'set datafile missing "-"',
        'set style data histograms',
        'set style histogram clustered gap 1',
        'set style fill solid 0.85 border -1',
        'set boxwidth 0.9',
        'set logscale y',
        'set yrange [1:*]',
        'set ylabel "cycles per op (log scale)"',
        'set grid ytics',
        'set key outside right top vertical',
        'set xtics nomirror rotate by 30 right',
        'set ytics nomirror',
        f'set multiplot layout {panels},1',
    ]
    colors = {'patched': '#1b9e77', 'indirect': '#d95f02', 'raw': '#7570b3'}
    for i, mode in enumerate(modes):
        title = (f'pvk bench: {mode.name} '
                 f'(platform {", ".join(mode.platforms)})')
        lines.append(f'set title {_gp_str(title)}')
        plots = []
        for j, v in enumerate(VARIANTS):
            src = _gp_str(dat) if j == 0 else "''"
            xtic = ':xtic(1)' if j == 0 else ''
            plots.append(f'{src} index {i} using {j + 2}{xtic} '
                         f'title "{v}" lc rgb "{colors[v]}"')
        lines.append('plot ' + ', \\\n     '.join(plots))
    if domu_dat:
        lines.extend(domu_panel(domu_dat))
    lines.append('unset multiplot')
    with open(gp, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def parse_args(argv):
    p = argparse.ArgumentParser(
        description='Tables and a chart from pvk bench serial logs.')
    p.add_argument('--log', action='append', default=[], metavar='MODE=PATH',
                   help='a bench boot log named MODE (repeatable)')
    p.add_argument('logs', nargs='*', metavar='LOG',
                   help='a bench boot log, named after its file')
    p.add_argument('--out-dir', default=os.path.join(ROOT, 'build', 'bench'),
                   help='where to write bench.txt/.dat/.gp/.png '
                        '(default build/bench)')
    p.add_argument('--no-png', action='store_true',
                   help='do not run gnuplot')
    p.add_argument('--domu', metavar='DOMU.TXT',
                   help="scripts/bench-domU.sh's pvk vs Linux table: append "
                        'it to bench.txt, chart DOMU.dat (next to it) too')
    return p.parse_args(argv)


def main(argv) -> int:
    args = parse_args(argv)
    named = []
    for item in args.log:
        mode, sep, path = item.partition('=')
        if not sep or not mode or not path:
            print(f'bench-report: --log wants MODE=PATH, got {item!r}',
                  file=sys.stderr)
            return 2
        named.append((mode, path))
    for path in args.logs:
        named.append((re.sub(r'\.log$', '', os.path.basename(path)), path))
    if not named:
        print('bench-report: no log given (--log MODE=PATH)', file=sys.stderr)
        return 2
    seen = set()
    modes = []
    try:
        for name, path in named:
            if name in seen:
                raise BenchError(f'mode {name!r} given twice')
            seen.add(name)
            modes.append(Mode(name, path, parse_bench_log(path)))
    except BenchError as e:
        print(f'bench-report: {e}', file=sys.stderr)
        return 1

    os.makedirs(args.out_dir, exist_ok=True)
    txt = os.path.join(args.out_dir, 'bench.txt')
    dat = os.path.join(args.out_dir, 'bench.dat')
    gp = os.path.join(args.out_dir, 'bench.gp')
    png = os.path.join(args.out_dir, 'bench.png')
    report = '\n'.join(format_mode(m) for m in modes)
    domu_dat = ''
    if args.domu:
        try:
            with open(args.domu) as f:
                report += '\n' + f.read()
        except OSError as e:
            print(f'bench-report: --domu: {e}', file=sys.stderr)
            return 1
        domu_dat = re.sub(r'\.txt$', '', args.domu) + '.dat'
        if not os.path.isfile(domu_dat):
            print(f'bench-report: {domu_dat} missing', file=sys.stderr)
            return 1
    with open(txt, 'w') as f:
        f.write(report)
    write_data(modes, dat)
    sys.stdout.write(report)
    print(f'\nbench-report: wrote {txt}, {dat}')
    if args.no_png:
        return 0

    gnuplot = shutil.which('gnuplot')
    if not gnuplot:
        print('bench-report: gnuplot not found, no chart (apt-get install '
              'gnuplot-nox, or scripts/setup.sh; or pass --no-png)',
              file=sys.stderr)
        return 1
    write_gnuplot(modes, dat, png, gp, png_terminal(gnuplot), domu_dat)
    if os.path.exists(png):
        os.unlink(png)
    p = subprocess.run([gnuplot, gp], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0 or not os.path.exists(png):
        sys.stderr.write(p.stdout)
        print(f'bench-report: gnuplot failed on {gp}', file=sys.stderr)
        return 1
    print(f'bench-report: wrote {png} ({gp})')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
