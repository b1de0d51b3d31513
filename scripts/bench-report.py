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
its pvk/Linux ratios is appended to bench.txt, and bench.png gets a
panel from domU.dat next to it: pvk's and Linux's bars per op, each pair
labelled with the ratio.  --domu may be given again for domU-pvh.txt and
domU-hvm.txt (PVH and HVM domUs of another dom0 boot).

    scripts/bench-report.py --domu-log SERIAL.LOG [--virt pv|pvh|hvm]

writes such a table (domU.txt, or domU-pvh.txt, domU-hvm.txt) with its
.json, .dat and .png from the lines of that kind of guest in
scripts/bench-domU.sh's serial log.

    scripts/bench-report.py --user-log SERIAL.LOG --virt bare|pv|pvh|hvm

writes user-VIRT.txt, .json, .dat and .png: lmbench.c's latencies, pvk
and Linux side by side (median, spread, runs).  Exits 1 when a figure
that should exist is missing or a metric failed; a figure that cannot
exist (pvk as Xen PV: no job for it yet; a metric pvk's lmbench run said is
unavailable, e.g. clone(CLONE_VM) refused) is written with its reason.
--user user-VIRT.txt appends such a table to bench.txt and its rows
(mode, metric, unit, value, runs, spread, kernel, note) to bench.json.

Exits 1 when a log is missing, has no "pvk-bench: done" line (crash or
hang), has a malformed pvk-bench line or no measurement at all.
"""

import argparse
import json
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


def _read_text(path: str) -> str:
    """A serial log as text; BenchError when it cannot be read."""
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError as e:
        raise BenchError(f'{path}: {e.strerror}')


def parse_bench_log(path: str) -> List[Dict[str, object]]:
    """The measurements of one log, as dicts with platform, op, variant,
    cycles and hypercalls (numbers) plus any extra fields (strings)."""
    text = _read_text(path)
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
        fields = _fields(rest)
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
        self.samples = {k: [s['cycles'] for s in v] for k, v in raw.items()}
        self.hc_samples = {k: [s['hypercalls'] for s in v]
                           for k, v in raw.items()}
        self.cycles = {k: _median(v) for k, v in self.samples.items()}
        self.hypercalls = {k: _median(v) for k, v in self.hc_samples.items()}

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


def domu_panel(dat: str, virt: str = 'pv') -> List[str]:
    """gnuplot lines of the pvk vs Linux panel of guests of kind VIRT
    (domU.dat: label, pvk, Linux libaio, Linux io_uring, ratio labels,
    label height per op).  A missing figure has no bar and its label
    says "missing"."""
    title = (f'pvk vs Linux as Xen {VIRT_LABELS[virt]} domUs, medians '
             '(labels: pvk/libaio | pvk/io_uring; TCG: only ratios count)')
    return [
        f'set title {_gp_str(title)}',
        'set ylabel "per the unit under each group (log scale)"',
        'set yrange [0.5:*]',
        'set xtics norotate',
        'set bmargin 5',
        f'plot {_gp_str(dat)} using 2:xtic(1) title "pvk" '
        'lc rgb "#1f77b4", \\',
        '     \'\' using 3 title "Linux (block: fio libaio)" lc rgb "#ff7f0e", \\',
        '     \'\' using 4 title "Linux fio io_uring sqpoll" lc rgb "#2ca02c", \\',
        '     \'\' using 0:6:5 with labels offset 0,1 notitle',
    ]


def _histogram_setup() -> List[str]:
    return [
        'set datafile missing "-"',
        'set style data histograms',
        'set style histogram clustered gap 1',
        'set style fill solid 0.85 border -1',
        'set boxwidth 0.9',
        'set logscale y',
        'set grid ytics',
        'set key outside right top vertical',
        'set ytics nomirror',
    ]


def _plot(gnuplot: str, gp: str, png: str) -> int:
    """Run gnuplot on the script gp, which must write png."""
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


def _run_gnuplot(gnuplot: str, gp: str, png: str, lines: List[str]) -> int:
    with open(gp, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return _plot(gnuplot, gp, png)


def write_gnuplot(modes: List[Mode], dat: str, png: str, gp: str,
                  terminal: str, domu_dats: List[Tuple[str, str]] = ()) -> None:
    """bench.gp: one panel per mode, then one per (virt, domU.dat) of
    DOMU_DATS."""
    panel_h = 380
    panels = len(modes) + len(domu_dats)
    height = panel_h * panels + 20
    most_ops = max(len(m.ops) for m in modes)
    width = max(900, 110 * most_ops + 200)
    font = 'font "sans,10"' if terminal == 'pngcairo' else ''
    lines = [
        f'set terminal {terminal} size {width},{height} noenhanced {font}',
        f'set output {_gp_str(png)}',
    ] + _histogram_setup() + [
        'set yrange [1:*]',
        'set ylabel "cycles per op (log scale)"',
        'set xtics nomirror rotate by 30 right',
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
    for virt, domu_dat in domu_dats:
        lines.extend(domu_panel(domu_dat, virt))
    lines.append('unset multiplot')
    with open(gp, 'w') as f:
        f.write('\n'.join(lines) + '\n')


# ---------------------------------------------------------------------------
# pvk vs Linux as Xen domUs (scripts/bench-domU.sh's serial log)

# The kinds of guest, as bench-domU.sh --virt and the "virt=" tag name
# them (a line without the tag is of a PV guest).
VIRT_LABELS = {'pv': 'PV', 'pvh': 'PVH', 'hvm': 'HVM'}

BLOCK_OPS = (('randread4k', 'IOPS', 'iops'), ('randwrite4k', 'IOPS', 'iops'),
             ('seqread1m', 'MiB/s', 'mibps'))
# Linux's two ways of driving the same disk, each compared with pvk's
# in-kernel issuer, and the null_blk calibration of each.
LINUX_ENGINES = (
    ('libaio', 'Linux, fio libaio, system-level'),
    ('io_uring', 'Linux, fio io_uring with SQ polling and registered '
                 'buffers, closest to an in-kernel issuer'),
)
PVK_ENGINE = 'inkernel'
# xenstore keys dom0 reads (bench-count.sh), then each guest's own view.
FEATURE_KEYS = ('fe-ring-page-order', 'fe-multi-queue-num-queues',
                'fe-feature-persistent', 'be-max-ring-page-order',
                'be-multi-queue-max-queues', 'be-feature-max-indirect-segments',
                'be-feature-persistent', 'max_segments')
# What blkif.h says a frontend key's absence means: a frontend writes
# no ring-page-order for a one-page ring, and no num-queues for one queue
# (as both do when dom0 has one vCPU: blkback offers max-queues 1).
FEATURE_ABSENT = {'fe-ring-page-order': '0', 'fe-multi-queue-num-queues': '1'}
# Must be equal on both sides for the comparison to be fair.
SAME_KEYS = ('fe-ring-page-order', 'fe-multi-queue-num-queues',
             'fe-feature-persistent', 'max_segments')
# dom0-init's frame of each job, and its retries (dom0-retries:).
_JOB_BEGIN_RE = re.compile(r'\bdom0: \[[\d.]+\] job (\S+): guest ')
_JOB_END_RE = re.compile(r'^===== job (\S+) end: guest=\S+ result=(\S+) '
                         r'post=(\S+) =====')
_JOB_RETRY_RE = re.compile(r'\bdom0: \[[\d.]+\] job \S+: retry ')
_TAGGED_RE = re.compile(r'\b(bench-(?:result|count|features|guest|life)): (.*)$')
# A lifecycle step's reason for giving no figure (jobs/bench-life.sh).
_WHY_RE = re.compile(r'\bbench-life: .* why=')
_XENALYZE_RE = re.compile(r'\bbench-xenalyze: (.*?) \| ?(.*)$')
_DOMAIN_RE = re.compile(r'\|-- Domain (\d+) --\|')
# Per vCPU: "  hypercall  N" (then one line per type) and "  emulate
# privop  N" (privileged instructions Xen emulated: traps, not calls).
_XENALYZE_COUNT_RE = re.compile(r'^\s*(hypercall|emulate privop)\s+(\d+)\s*$')
# Under "hypercall N", one line per type: "    mmu_update   [ 1]:  24769".
_XENALYZE_TYPE_RE = re.compile(r'^\s+([a-z_0-9]+)\s+\[\s*(\d+)\]:\s+(\d+)\s*$')
# An HVM (or PVH) vCPU's "Exit reasons:" lines: " NAME  COUNT  T.TTs ...",
# NAME as Intel's (VMCALL) or, with --svm-mode, AMD's (VMEXIT_VMMCALL).
_XENALYZE_EXIT_RE = re.compile(r'^ ([A-Z][A-Z0-9_]*)\s+(\d+)\s+\d+\.\d+s\b')
HYPERCALL_EXITS = ('VMCALL', 'VMEXIT_VMMCALL')
# Exits whose instruction Xen (or the device model) emulates: port and
# MMIO accesses (a nested page fault), CPUID, MSRs, TSC reads.  With
# "emulate privop" of PV guests they make the "emulated" rows.
EMULATED_EXITS = ('IO_INSTRUCTION', 'EPT_VIOLATION', 'CPUID', 'MSR_READ',
                  'MSR_WRITE', 'RDTSC', 'RDTSCP', 'VMEXIT_IOIO', 'VMEXIT_NPF',
                  'VMEXIT_CPUID', 'VMEXIT_MSR', 'VMEXIT_RDTSC',
                  'VMEXIT_RDTSCP')


def summarize(values):
    """(median, spread_pct, runs) of a list of numbers: spread_pct is
    (max - min) / |median| * 100, None for an empty list or a 0 median
    (a difference, such as the time beyond null_blk, may be negative)."""
    values = [v for v in values if v is not None]
    if not values:
        return None, None, 0
    m = statistics.median(values)
    spread = (max(values) - min(values)) / abs(m) * 100 if m else None
    return m, spread, len(values)


def _fields(text: str) -> Dict[str, str]:
    out = {}
    for token in text.split():
        key, sep, value = token.partition('=')
        if sep:
            out[key] = value
    return out


def _float(value):
    if value is None or not _NUM_RE.match(value):
        return None
    return float(value)


def _add(counts: Dict[str, int], key: str, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def xenalyze_counts(lines: List[str]) -> Dict[int, Dict[str, int]]:
    """Per domain id, from `xenalyze --summary` lines, summed over the
    vCPUs of each "|-- Domain D --|" section.  A PV vCPU's "hypercall N"
    and "emulate privop N" totals, and each hypercall type under "hc
    NAME".  An HVM or PVH vCPU's exits under "exit NAME": its hypercall
    exits count as "hypercall", those of EMULATED_EXITS as "emulate
    privop" (xenalyze lists hypercall types for one vCPU of the trace
    only, so HVM guests get no "hc" breakdown)."""
    out: Dict[int, Dict[str, int]] = {}
    dom = None
    exits = False
    for line in lines:
        m = _DOMAIN_RE.search(line)
        if m:
            dom = int(m.group(1))
            continue
        if dom is None:
            continue
        counts = out.setdefault(dom, {})
        if line.startswith('Exit reasons:'):
            exits = True
            continue
        if exits:
            m = _XENALYZE_EXIT_RE.match(line)
            if m:
                name, n = m.group(1), int(m.group(2))
                _add(counts, f'exit {name}', n)
                if name in HYPERCALL_EXITS:
                    _add(counts, 'hypercall', n)
                elif name in EMULATED_EXITS:
                    _add(counts, 'emulate privop', n)
                continue
            # Sub-lines of an exit are indented more; anything else at
            # the left margin ends the list.
            if not line.startswith('  '):
                exits = False
        m = _XENALYZE_COUNT_RE.match(line)
        if m:
            _add(counts, m.group(1), int(m.group(2)))
            continue
        m = _XENALYZE_TYPE_RE.match(line)
        if m:
            _add(counts, f'hc {m.group(1)}', int(m.group(3)))
    return {d: c for d, c in out.items() if c}


class DomuLog:
    """What scripts/bench-domU.sh's serial log says, by guest (linux,
    pvk), pass (timed, trace), run, engine and op."""

    def __init__(self):
        self.results: List[Dict[str, str]] = []
        self.counts: List[Dict[str, str]] = []
        self.features: Dict[Tuple[str, str], Dict[str, str]] = {}
        # The life pass's windows (jobs/bench-life.sh "bench-life:" lines).
        self.life: List[Dict[str, str]] = []
        # xenalyze_counts() of each traced window, parsed once.
        self.xenalyze: Dict[Tuple[str, str, str, str],
                            Dict[int, Dict[str, float]]] = {}
        # Jobs dom0 ran again after a dom0 program crashed, and the runs
        # of failed jobs, whose figures are left out.
        self.retries = 0
        self.failed_jobs: List[str] = []

    def values(self, guest, engine, op, key, pass_='timed'):
        """One number per run (in run order) of a bench-result field."""
        return list(self.values_by_run(guest, engine, op, key,
                                       pass_).values())

    def values_by_run(self, guest, engine, op, key, pass_='timed'):
        """{run: number} of a bench-result field, in run order."""
        return {r.get('run'): _float(r.get(key)) for r in self.results
                if (r.get('guest'), r.get('engine'), r.get('op'),
                    r.get('pass')) == (guest, engine, op, pass_)}

    def count_ratios(self, guest, engine, op, key, pass_='timed'):
        """KEY per request of each window (bench-count lines)."""
        out = []
        for c in self.counts:
            if (c.get('guest'), c.get('engine'), c.get('op'),
                    c.get('pass')) != (guest, engine, op, pass_):
                continue
            req, val = _float(c.get('requests')), _float(c.get(key))
            out.append(val / req if req and val is not None else None)
        return out

    def trace_ratios(self, guest, engine, op, dom0: bool,
                     what: str = 'hypercall'):
        """Hypercalls (or WHAT, a xenalyze_counts key) per request of the
        guest's domain (or dom0's) in the traced windows of the trace
        pass."""
        out = []
        for c in self.counts:
            if (c.get('guest'), c.get('engine'), c.get('op'),
                    c.get('pass')) != (guest, engine, op, 'trace'):
                continue
            counts = self.xenalyze.get((guest, c.get('run'), engine, op))
            domid = self.features.get((guest, c.get('run')), {}).get('domid')
            req = _float(c.get('requests'))
            if not counts or not req or domid is None or not domid.isdigit():
                continue
            dom = counts.get(0 if dom0 else int(domid), {})
            if what in dom:
                out.append(dom[what] / req)
        return out

    def life_mem(self):
        """The size (MiB, a string) both guests share in the life pass:
        Linux's, since pvk also runs at LIFE_SMALL_MIB; None when no
        window says."""
        for w in self.life:
            if w.get('guest') == 'linux' and w.get('mem', '-') != '-':
                return w['mem']
        return None

    def life_values(self, guest, op, what, dom0=False, per=None, mem=None):
        """WHAT (a xenalyze_counts key) of the guest's domain (or dom0's)
        in life-pass window OP, one value per traced run of a guest of
        MEM MiB (default: life_mem(), or any size when unknown); PER
        scales it: 'vcpu_s' per vCPU-second, 'packets' per 1,000 packets
        (each round trip is two), None as counted.  A domain traced
        without any WHAT counts 0."""
        out = []
        mem = mem or self.life_mem()
        for w in self.life:
            if (w.get('guest'), w.get('op')) != (guest, op):
                continue
            if mem and w.get('mem', mem) != mem:
                continue
            counts = self.xenalyze.get((guest, w.get('run'), 'life', op))
            domid = w.get('domid', '')
            if not counts or not domid.isdigit():
                continue
            dom = counts.get(0 if dom0 else int(domid))
            if dom is None:
                continue
            val = dom.get(what, 0)
            if per == 'vcpu_s':
                secs, vcpus = _float(w.get('seconds')), _float(w.get('vcpus'))
                val = val / (secs * vcpus) if secs and vcpus else None
            elif per == 'packets':
                rts = _float(w.get('round_trips'))
                val = val * 1000 / (2 * rts) if rts else None
            out.append(val)
        return out

    def lifecycle_values(self, guest, op, key, scale=1.0):
        """KEY of each lifecycle step OP of the guest (jobs/bench-life.sh,
        "# bench-lifecycle: yes" jobs), times SCALE, one per run.  KEY
        'mibps' is the step's mib= over its seconds, 'hypercall_per_mib'
        its domain's traced hypercalls over its mib=; a balloon step
        that never reached its target (reached=no) gives neither."""
        out = []
        for w in self.life:
            if (w.get('guest'), w.get('op')) != (guest, op):
                continue
            mib = _float(w.get('mib'))
            if key in ('mibps', 'hypercall_per_mib'):
                if w.get('reached') != 'yes' or not mib:
                    continue
                if key == 'mibps':
                    secs = _float(w.get('seconds'))
                    val = mib / secs if secs else None
                else:
                    counts = self.xenalyze.get((guest, w.get('run'), 'life', op))
                    domid = w.get('domid', '')
                    dom = counts.get(int(domid)) if counts and \
                        domid.isdigit() else None
                    val = dom.get('hypercall', 0) / mib if dom is not None \
                        else None
            else:
                val = _float(w.get(key))
            if val is not None:
                out.append(val * scale)
        return out

    def lifecycle_why(self, guest, op):
        """Why the guest's lifecycle step OP gave no figure, from the
        why= of its lines (jobs/bench-life.sh: a step that failed, or a
        balloon that never reached its target); None when none says."""
        whys = [w['why'] for w in self.life
                if (w.get('guest'), w.get('op')) == (guest, op)
                and w.get('why')]
        return '; '.join(dict.fromkeys(whys)) or None

    def life_breakdown(self, op):
        """The hypercall types ("hc NAME") and exits ("exit NAME") either
        guest had in life window OP."""
        names = set()
        for (guest, _, engine, o), counts in self.xenalyze.items():
            if engine != 'life' or o != op:
                continue
            for w in self.life:
                if (w.get('guest'), w.get('op')) == (guest, op) and \
                        w.get('domid', '').isdigit():
                    dom = counts.get(int(w['domid']), {})
                    names |= {k for k in dom if k.startswith(('hc ', 'exit '))}
        return sorted(names)

    def feature(self, guest, key):
        """The value of KEY in the guest's runs, '-' when absent, and
        whether the runs disagreed."""
        seen = []
        for (g, _), f in sorted(self.features.items()):
            if g == guest and key in f:
                seen.append(f[key])
        if not seen:
            return '-', False
        return seen[0], len(set(seen)) > 1


def domu_prefix(virt: str) -> str:
    """What a kind's mode names start with: nothing for PV (the names
    it always had), else e.g. "pvh-" (pvh-domU-libaio)."""
    return '' if virt == 'pv' else f'{virt}-'


def domu_name(virt: str) -> str:
    """The file name stem of a kind's table: domU (PV), domU-pvh, ..."""
    return 'domU' + ('' if virt == 'pv' else f'-{virt}')


def good_job_lines(lines: List[str], log: DomuLog) -> List[str]:
    """LINES less those of jobs that failed (dom0-init's "===== job J
    end:" line says result other than verdict, or post=failed): a job
    that died half-way, e.g. when dom0 ran it again after a crash, must
    not lend its partial figures.  Its lines saying why a step failed
    (bench-life's why=) stay: they carry no figure, and the report gives
    the reason.  Counts retries and failed jobs into LOG."""
    out: List[str] = []
    block: List[str] = []
    job = None
    for line in lines:
        if _JOB_RETRY_RE.search(line):
            log.retries += 1
        m = _JOB_BEGIN_RE.search(line)
        if m:
            out += block
            block, job = [], m.group(1)
        m = _JOB_END_RE.match(line)
        if m and m.group(1) == job:
            if m.group(2) == 'verdict' and m.group(3) != 'failed':
                out += block
            else:
                log.failed_jobs.append(job)
                out += [ln for ln in block if _WHY_RE.search(ln)]
            block, job = [], None
            continue
        (block if job else out).append(line)
    return out + block


def parse_domu_log(path: str, virt: str = 'pv') -> DomuLog:
    """The lines of guests of kind VIRT in scripts/bench-domU.sh's
    serial log, from the jobs that passed."""
    text = _read_text(path)
    log = DomuLog()
    xenalyze: Dict[Tuple[str, str, str, str], List[str]] = {}
    for line in good_job_lines([_clean(r) for r in text.split('\n')], log):
        m = _XENALYZE_RE.search(line)
        if m:
            f = _fields(m.group(1))
            if f.get('virt', 'pv') != virt:
                continue
            key = (f.get('guest'), f.get('run'), f.get('engine'), f.get('op'))
            xenalyze.setdefault(key, []).append(m.group(2))
            continue
        m = _TAGGED_RE.search(line)
        if not m:
            continue
        kind, f = m.group(1), _fields(m.group(2))
        if 'guest' not in f or 'run' not in f or f.get('virt', 'pv') != virt:
            continue
        if kind == 'bench-result':
            log.results.append(f)
        elif kind == 'bench-count':
            if 'requests' in f:
                log.counts.append(f)
        elif kind == 'bench-life':
            if 'op' in f:
                # why= is the rest of the line: a failed step's reason.
                head, sep, why = m.group(2).partition(' why=')
                if sep:
                    f = _fields(head)
                    f['why'] = why.strip()
                log.life.append(f)
        else:
            log.features.setdefault((f['guest'], f['run']), {}).update(
                {k: FEATURE_ABSENT.get(k, v) if v == '-' else v
                 for k, v in f.items()
                 if k not in ('guest', 'run', 'pass', 'virt')})
    log.xenalyze = {k: xenalyze_counts(v) for k, v in xenalyze.items()}
    return log


def make_row(mode, metric, unit, pvk_values, linux_values,
             pvk_expected=True, linux_expected=True, required=True,
             pvk_why=None, linux_why=None):
    """One bench.json row from the per-run values of each side; a side
    without values is None (never 0), and so is the ratio then.  A row
    that is not REQUIRED (a breakdown) is never reported missing.
    PVK_WHY and LINUX_WHY say why a side has no value, where its job
    said (missing_figures())."""
    p, p_spread, p_runs = summarize(pvk_values)
    l, l_spread, l_runs = summarize(linux_values)
    spreads = [s for s in (p_spread, l_spread) if s is not None]
    runs = [n for n in (p_runs, l_runs) if n]
    return {
        'mode': mode, 'metric': metric, 'unit': unit,
        'pvk': p, 'linux': l,
        'ratio': p / l if p is not None and l else None,
        'runs': min(runs) if runs else 0,
        'spread_pct': max(spreads) if spreads else None,
        'pvk_runs': p_runs, 'linux_runs': l_runs,
        'pvk_spread_pct': p_spread, 'linux_spread_pct': l_spread,
        'pvk_expected': pvk_expected, 'linux_expected': linux_expected,
        'required': required,
        'pvk_why': pvk_why if p is None else None,
        'linux_why': linux_why if l is None else None,
    }


def domu_rows(log: DomuLog, virt: str = 'pv') -> List[Dict[str, object]]:
    rows = []
    pre = domu_prefix(virt)
    for engine, _ in LINUX_ENGINES:
        mode = f'{pre}domU-{engine}'
        for op, unit, key in BLOCK_OPS:
            rows.append(make_row(mode, op, unit,
                                 log.values('pvk', PVK_ENGINE, op, key),
                                 log.values('linux', engine, op, key)))
        for op, _, _ in BLOCK_OPS:
            for key, what in (('sectors', 'sectors/request'),
                              ('notifications', 'notifications/request')):
                rows.append(make_row(
                    mode, f'{op} {what}', 'per request',
                    log.count_ratios('pvk', PVK_ENGINE, op, key),
                    log.count_ratios('linux', engine, op, key)))
            for dom0, who in ((False, 'guest'), (True, 'dom0')):
                rows.append(make_row(
                    mode, f'{op} hypercalls/request ({who})', 'per request',
                    log.trace_ratios('pvk', PVK_ENGINE, op, dom0),
                    log.trace_ratios('linux', engine, op, dom0)))
            rows.append(make_row(
                mode, f'{op} emulated privops/request (guest)', 'per request',
                log.trace_ratios('pvk', PVK_ENGINE, op, False, 'emulate privop'),
                log.trace_ratios('linux', engine, op, False, 'emulate privop')))
    rows.append(make_row(f'{pre}domU-ping', 'pingflood', 'round trips/s',
                         log.values('pvk', 'ping', 'pingflood', 'rtps'),
                         log.values('linux', 'ping', 'pingflood', 'rtps')))
    for engine, _ in LINUX_ENGINES:
        mode = f'{pre}linux-nullblk-{engine}'
        for op, unit, key in BLOCK_OPS:
            rows.append(make_row(mode, op, unit, [],
                                 log.values('linux', f'nullblk-{engine}', op,
                                            key), pvk_expected=False))
        for op, _, _ in BLOCK_OPS:
            # Per run: 1/IOPS on xvda minus 1/IOPS on null_blk, the time
            # per request that blkfront, blkback and the disk add.
            # Runs are paired by number: a run that lost one of its two
            # figures drops out, and never shifts the others.
            xvda = log.values_by_run('linux', engine, op, 'iops')
            null = log.values_by_run('linux', f'nullblk-{engine}', op, 'iops')
            diff = [1e6 / xvda[run] - 1e6 / null[run] for run in xvda
                    if xvda[run] and null.get(run)]
            rows.append(make_row(mode, f'{op} time/request beyond null_blk',
                                 'us', [], diff, pvk_expected=False))
    rows += hardening_rows(log, virt)
    rows += life_rows(log, virt)
    for key in FEATURE_KEYS:
        p, _ = log.feature('pvk', key)
        l, _ = log.feature('linux', key)
        rows.append(make_row(f'{pre}domU-features', key, 'value',
                             [_float(p)], [_float(l)]))
    return rows


# pvk's block loads run once more with the defences against a hostile
# backend that can be switched off switched off (zeroing the unused bytes
# of granted pages, counting events without work; xen-blkfront_test.c
# bench_unhardened()), op "OP-unhardened": what the defences cost.
HARDENING_OPS = (('randread4k', 'IOPS', 'iops'), ('seqread1m', 'MiB/s', 'mibps'))


def hardening_rows(log: DomuLog, virt: str = 'pv') -> List[Dict[str, object]]:
    """pvk's figures without its switchable defences next to its usual
    ones: the unhardened rate, hardened/unhardened per run (paired by run
    number), and pvk's hypercalls per 1,000 requests both ways.  pvk only:
    Linux has no such switch, so its side is not expected."""
    mode = f'{domu_prefix(virt)}domU-hardening'
    rows = []
    for op, unit, key in HARDENING_OPS:
        off_op = f'{op}-unhardened'
        on = log.values_by_run('pvk', PVK_ENGINE, op, key)
        off = log.values_by_run('pvk', PVK_ENGINE, off_op, key)
        rows.append(make_row(mode, f'{op} unhardened', unit, list(off.values()),
                             [], linux_expected=False))
        rows.append(make_row(mode, f'{op} hardened/unhardened', 'ratio',
                             [on[r] / off[r] for r in on
                              if on[r] is not None and off.get(r)],
                             [], linux_expected=False))
        for which, name in (('hardened', op), ('unhardened', off_op)):
            rows.append(make_row(
                mode, f'{op} hypercalls/1k requests ({which})', 'per 1k requests',
                log.values('pvk', PVK_ENGINE, name, 'hypercalls_per_1k'), [],
                linux_expected=False))
    return rows


# pvk's second size in the life pass (scripts/bench-domU.sh
# life_small_mib): issue #15's boot target is set for it.
LIFE_SMALL_MIB = 256

# The life pass (jobs/bench-life.sh): window, label, unit, scaling, and
# the chart's short label.
LIFE_WINDOWS = (
    ('boot', 'creation to ready', 'count', None, 'boot (hypercalls)'),
    ('idle', 'idle', 'per vCPU-second', 'vcpu_s', 'idle (hc/vCPU-s)'),
    ('pingflood', 'ping flood', 'per 1k packets', 'packets', 'flood (hc/1k pkts)'),
)


def life_rows(log: DomuLog, virt: str = 'pv') -> List[Dict[str, object]]:
    """What each guest cost Xen over its life, from the life pass's
    traces: hypercalls and emulated privileged instructions of the
    guest's domain (dom0's hypercalls too, for the flood), then each
    hypercall type (a breakdown, never required)."""
    mode = f'{domu_prefix(virt)}domU-life'
    rows = []
    for op, label, unit, per, _ in LIFE_WINDOWS:
        whats = [('hypercall', 'hypercalls', False),
                 ('emulate privop', 'emulated privops', False)]
        if op == 'pingflood':
            whats.append(('hypercall', 'hypercalls', True))
        for what, name, dom0 in whats:
            rows.append(make_row(
                mode, f'{label}: {name} ({"dom0" if dom0 else "guest"})', unit,
                log.life_values('pvk', op, what, dom0, per),
                log.life_values('linux', op, what, dom0, per)))
    rows += life_size_rows(log, virt)
    rows += lifecycle_rows(log, virt)
    for op, label, unit, per, _ in LIFE_WINDOWS:
        for key in log.life_breakdown(op):
            kind, name = key.split(' ', 1)
            name = name if kind == 'hc' else f'{name} exits'
            rows.append(make_row(
                mode, f'{label}: {name} (guest)', unit,
                log.life_values('pvk', op, key, False, per),
                log.life_values('linux', op, key, False, per),
                required=False))
    return rows


# The toolstack's lifecycle (jobs/bench-life.sh, PV jobs at the shared
# size): step, what, label, unit, scale, and whether Linux has it.
LIFECYCLE = (
    ('balloon_down', 'mibps', 'balloon down (xl mem-set): rate', 'MiB/s', 1, True),
    ('balloon_down', 'hypercall_per_mib', 'balloon down: hypercalls per MiB (guest)',
     'per MiB', 1, True),
    ('balloon_up', 'mibps', 'balloon up (xl mem-set): rate', 'MiB/s', 1, True),
    ('balloon_up', 'hypercall_per_mib', 'balloon up: hypercalls per MiB (guest)',
     'per MiB', 1, True),
    ('checkpoint', 'seconds', 'xl save -c: request to answering a ping again',
     's', 1, True),
    ('checkpoint', 'xl_seconds', 'xl save -c: duration', 's', 1, True),
    ('checkpoint', 'guest_us', "xl save -c: request to resumed (guest's own)",
     'ms', 1e-3, False),
    ('save', 'seconds', 'xl save: duration', 's', 1, True),
    ('restore', 'seconds', 'xl restore: duration', 's', 1, True),
    ('restore', 'resumed_seconds', 'xl restore: request to answering a ping',
     's', 1, True),
)


# The live migration to the same dom0 (jobs/bench-life.sh, PVH and HVM
# jobs at the shared size: Debian's Xen cannot migrate a PV guest).
MIGRATION = (
    ('migrate', 'longest_gap_ms',
     'xl migrate to localhost: downtime (longest gap between ping replies, '
     'pinged every 10 ms)', 'ms', 1, True),
    ('migrate', 'seconds', 'xl migrate to localhost: duration', 's', 1, True),
    ('migrate', 'guest_us', "xl migrate: suspend request to resumed "
     "(guest's own)", 'ms', 1e-3, False),
)


def lifecycle_rows(log: DomuLog, virt: str) -> List[Dict[str, object]]:
    """Each guest's balloon rate and save, checkpoint and restore times
    as PV; its live migration's downtime and duration as PVH and HVM."""
    steps = LIFECYCLE if virt == 'pv' else MIGRATION
    return [make_row(f'{domu_prefix(virt)}domU-lifecycle', label, unit,
                     log.lifecycle_values('pvk', op, key, scale),
                     log.lifecycle_values('linux', op, key, scale)
                     if linux else [], linux_expected=linux,
                     pvk_why=log.lifecycle_why('pvk', op),
                     linux_why=log.lifecycle_why('linux', op) if linux else None)
            for op, key, label, unit, scale, linux in steps]


def life_size_rows(log: DomuLog, virt: str) -> List[Dict[str, object]]:
    """pvk's creation to ready at LIFE_SMALL_MIB (scripts/bench-domU.sh
    boots it once more at that size, as PV) and the hypercalls each MiB
    beyond it adds, up to the shared size: pvk only, required as PV."""
    mode = f'{domu_prefix(virt)}domU-life'
    small = log.life_values('pvk', 'boot', 'hypercall',
                            mem=str(LIFE_SMALL_MIB))
    big = log.life_values('pvk', 'boot', 'hypercall')
    base = _float(log.life_mem() or '')
    per_mib = []
    if base and base > LIFE_SMALL_MIB:
        per_mib = [(b - a) / (base - LIFE_SMALL_MIB)
                   for a, b in zip(small, big)]
    need = virt == 'pv'
    return [
        make_row(mode, f'creation to ready at {LIFE_SMALL_MIB} MiB: '
                 'hypercalls (guest)', 'count', small, [],
                 linux_expected=False, required=need),
        make_row(mode, 'creation to ready: hypercalls per MiB beyond '
                 f'{LIFE_SMALL_MIB} (guest)', 'count', per_mib, [],
                 linux_expected=False, required=need),
    ]


def _fmt_num(value) -> str:
    if value is None:
        return 'missing'
    if abs(value) >= 100:
        return f'{value:.1f}'
    return f'{value:.3g}' if abs(value) < 1 else f'{value:.2f}'


def _fmt_pct(value) -> str:
    return '-' if value is None else f'{value:.1f}%'


def missing_figures(rows, runs: int) -> List[str]:
    """Rows that lack a side, or have fewer runs than asked for.  A
    Linux figure whose job said why it could not be measured (linux_why)
    is not missing: Linux is the reference, and not_measured() lists it
    with its reason; pvk's own figures are missing with or without one
    (the reason is appended)."""
    out = []
    for r in rows:
        if not r.get('required', True):
            continue
        # Features are read once per run, traces taken in one pass each.
        per_run = ('/request (' not in r['metric']
                   and not r['mode'].endswith(('domU-features', 'domU-life',
                                               'domU-lifecycle')))
        for side in ('pvk', 'linux'):
            n = r[f'{side}_runs']
            if not r[f'{side}_expected']:
                continue
            if not n:
                if side == 'linux' and r.get('linux_why'):
                    continue
                why = f' ({r["pvk_why"]})' if side == 'pvk' and \
                    r.get('pvk_why') else ''
                out.append(f'{side} {r["mode"]} {r["metric"]}{why}')
            elif per_run and n < runs:
                out.append(f'{side} {r["mode"]} {r["metric"]} ({n} of {runs} runs)')
    return out


def not_measured(rows) -> List[str]:
    """Each side of a row without a value whose job said why."""
    out = []
    for r in rows:
        for side, name in (('pvk', 'pvk'), ('linux', 'Linux')):
            if r.get(f'{side}_why') and r[f'{side}_expected']:
                out.append(f'  {name} {r["mode"]} {r["metric"]}: '
                           f'{r[f"{side}_why"]}')
    return out


# How guests of a kind boot, where that is not the same for both.
VIRT_NOTES = {
    'pv': ["Emulated privops of a PV guest include each RDTSC under Xen's "
           'default tsc_mode (emulated);',
           'BENCH_PV_TSC_MODE=native boots the PV guests without that: '
           'pvk then had none left (README).'],
    'pvh': ['Both load their ELF through its PVH note; their console is the '
            'PV console ring.'],
    'hvm': ['Both boot through hvmloader and SeaBIOS with an emulated e1000 '
            'and IDE disk that their',
            'PV drivers unplug: pvk from its GRUB ISO on an emulated CD-ROM '
            '(a second, read-only',
            "vbd), Linux by the device model's direct kernel boot; console "
            'on the emulated UART.'],
}


def _domu_header(runs: int, virt: str = 'pv') -> List[str]:
    out = [f'pvk vs Debian Linux as Xen {VIRT_LABELS[virt]} domUs of one '
           'Linux dom0 boot',
           'Same shape (jobs/bench-*.cfg): 512 MiB, 2 vCPUs, the same 64 MiB '
           'disk; Linux blkfront given',
           "pvk's ring order and indirect segments, mitigations=off.  Each "
           'block op: 1 s warm-up, 5 s',
           f'measured, offsets 1M..49M.  Runs interleaved Linux, pvk, ... '
           f'({runs} each, one dom0 boot);',
           'figures are medians, spread = (max - min) / median.  Under '
           'QEMU/TCG only ratios and',
           'per-request counts mean anything.  Counts: blkback sysfs '
           'statistics (requests, sectors) and',
           "dom0's blkif-backend interrupts (the guest's notifications) per "
           'op window; hypercalls:',
           'xentrace + xenalyze over each window of an untimed pass; each '
           "window holds up to ~2 s",
           "of idle time, and dom0's figure all of dom0's activity, so fewer "
           'requests per second',
           'mean more per request.  Emulated privops: privileged '
           'instructions Xen emulated (traps);',
           'for PVH and HVM guests the exits for port I/O, MMIO (nested page '
           'faults), CPUID, MSRs and',
           'RDTSC, and hypercalls are VMCALL/VMMCALL exits.',
           'Life (domU-life, one more run of each, jobs/bench-life.sh): '
           "Xen's trace of the guest's domain",
           'from before `xl create` until it serves its vif (Linux: '
           "domU-init's bench-net-ready; pvk:",
           'netfront-serve: ready), over 10 s of it idle, and over 5 s of '
           "dom0's ping flood (a round",
           "trip is two packets; dom0's hypercalls are all of dom0's).",
           f'As PV, pvk is booted once more at {LIFE_SMALL_MIB} MiB: its '
           'creation to ready there, and the',
           'hypercalls each MiB beyond that adds (the difference over the '
           'MiB between the sizes).',
           'Lifecycle (domU-lifecycle, PV, the same life run): `xl mem-set` '
           '128 MiB down and back up',
           "(rate to within 2 MiB of the target in `xl list`; the guest's "
           'hypercalls traced per MiB),',
           'then, both at 384 MiB, `xl save -c`, `xl save` and '
           '`xl restore` to dom0\'s tmpfs',
           '(dom0: from the request until a ping is answered again; pvk '
           'also times its own resume).',
           'Migration (domU-lifecycle, PVH and HVM, the same life run): '
           '`xl migrate` to the same dom0',
           '(Debian\'s Xen cannot migrate a PV guest: no shadow paging) '
           'while dom0 pings the guest every',
           "10 ms: the longest gap between replies (the downtime), xl's "
           "duration, and pvk's own suspend",
           'request to resumed.',
           'pvk: in-kernel closed loop (xen_blkfront_bench).  Linux measured '
           'two ways:']
    for engine, label in LINUX_ENGINES:
        out.append(f'  {domu_prefix(virt)}domU-{engine}: {label}')
    out += ['linux-nullblk-*: the same fio jobs on null_blk (no blkfront); '
            '"beyond null_blk" =',
            '  1/IOPS(xvda) - 1/IOPS(null_blk) per run.']
    return out + VIRT_NOTES.get(virt, []) + ['']


def features_differ(log: DomuLog) -> List[str]:
    """The SAME_KEYS the two guests did not negotiate alike (or that
    are unknown, or changed between runs)."""
    differ = []
    for key in SAME_KEYS:
        p, p_mixed = log.feature('pvk', key)
        l, l_mixed = log.feature('linux', key)
        if p != l or p == '-' or p_mixed or l_mixed:
            differ.append(key)
    return differ


def _features_table(log: DomuLog) -> List[str]:
    """What each side negotiated, and whether what must match does."""
    out = ["Negotiated (xenstore, read by dom0; max_segments: the guest's "
           'own view)',
           f'{"key":<34} {"pvk":>8} {"Linux":>8}']
    for key in FEATURE_KEYS:
        p, p_mixed = log.feature('pvk', key)
        l, l_mixed = log.feature('linux', key)
        note = ' (runs disagree)' if p_mixed or l_mixed else ''
        out.append(f'{key:<34} {p:>8} {l:>8}{note}')
    differ = features_differ(log)
    out.append('same ring, queues, persistent grants and segments: '
               + ('yes' if not differ else 'NO (' + ', '.join(differ) + ')'))
    return out + ['']


def _fmt_cell(row, side: str) -> str:
    """A side's figure; "-" where none is expected, "not measured" where
    its job said why (not_measured() lists the reasons)."""
    if not row[f'{side}_expected']:
        return '-'
    if row[side] is None and row.get(f'{side}_why'):
        return 'not measured'
    return _fmt_num(row[side])


def _figures_table(rows) -> List[str]:
    head = ['mode', 'metric', 'unit', 'pvk', 'spread', 'Linux', 'spread',
            'pvk/Linux', 'runs']
    table = [head]
    for r in rows:
        if r['mode'].endswith('domU-features'):
            continue
        table.append([r['mode'], r['metric'], r['unit'],
                      _fmt_cell(r, 'pvk'), _fmt_pct(r['pvk_spread_pct']),
                      _fmt_cell(r, 'linux'),
                      _fmt_pct(r['linux_spread_pct']),
                      '-' if r['ratio'] is None else f'{r["ratio"]:.3g}',
                      f'{r["pvk_runs"]}/{r["linux_runs"]}'])
    widths = [max(len(t[i]) for t in table) for i in range(len(head))]
    out = []
    for i, t in enumerate(table):
        out.append('  '.join(c.ljust(w) if j < 3 else c.rjust(w)
                             for j, (c, w) in enumerate(zip(t, widths))).rstrip())
        if i == 0:
            out.append('  '.join('-' * w for w in widths))
    return out


def format_domu(log: DomuLog, rows, runs: int, virt: str = 'pv') -> str:
    """domU.txt: how it was measured, what was negotiated, every figure
    (a missing one says "missing") and the list of missing figures."""
    jobs = [f'In this dom0 boot dom0 retried {log.retries} job run(s) '
            'after a dom0 program crashed.',
            'Failed job runs (their figures left out): '
            + (', '.join(log.failed_jobs) or 'none'), '']
    out = (_domu_header(runs, virt) + jobs + _features_table(log)
           + _figures_table(rows))
    unmeasured = not_measured(rows)
    if unmeasured:
        out += ['', 'not measured (why, as the job said):'] + unmeasured
    missing = missing_figures(rows, runs)
    if missing:
        out += ['', 'missing: ' + ', '.join(missing)]
    return '\n'.join(out) + '\n'


def _ratio_label(row) -> str:
    if row is None or row['pvk'] is None:
        return 'pvk missing'
    if row['ratio'] is None:
        return 'missing' if row['linux'] is None else 'Linux 0'
    return f'{row["ratio"]:.3g}x'


def write_domu_data(rows, path: str, virt: str = 'pv') -> None:
    """domU.dat for the chart: per group (block ops, the ping flood,
    then what the guest cost Xen in each life window), pvk, Linux libaio
    and Linux io_uring ("-" when missing), the label ("pvk/libaio |
    pvk/io_uring") and the label's height."""
    by = {(r['mode'], r['metric']): r for r in rows}
    pre = domu_prefix(virt)
    groups = [(op, unit, by.get((f'{pre}domU-libaio', op)),
               by.get((f'{pre}domU-io_uring', op)))
              for op, unit, _ in BLOCK_OPS]
    groups.append(('pingflood', 'round trips/s',
                   by.get((f'{pre}domU-ping', 'pingflood')), None))
    for _, label, _, _, short in LIFE_WINDOWS:
        name, unit = short.rstrip(')').split(' (')
        groups.append((name, unit, by.get((f'{pre}domU-life',
                                           f'{label}: hypercalls (guest)')),
                       None))
    with open(path, 'w') as f:
        f.write('# op pvk linux-libaio linux-io_uring label label_y\n')
        for op, unit, a, b in groups:
            vals = [a and a['pvk'], a and a['linux'], b and b['linux']]
            label = _ratio_label(a) + (' | ' + _ratio_label(b) if b else '')
            top = max([v for v in vals if v] or [1])
            cells = ' '.join('-' if v is None else f'{v:.6g}' for v in vals)
            f.write(f'"{op}\\n({unit})" {cells} {_gp_str(label)} {top:.6g}\n')


def domu_main(args) -> int:
    virt = args.virt
    try:
        log = parse_domu_log(args.domu_log, virt)
    except BenchError as e:
        print(f'bench-report: {e}', file=sys.stderr)
        return 1
    rows = domu_rows(log, virt)
    os.makedirs(args.out_dir, exist_ok=True)
    stem = os.path.join(args.out_dir, domu_name(virt))
    txt, dat, js = stem + '.txt', stem + '.dat', stem + '.json'
    report = format_domu(log, rows, args.runs, virt)
    with open(txt, 'w') as f:
        f.write(report)
    write_domu_data(rows, dat, virt)
    write_json(rows, js)
    sys.stdout.write(report)
    # Ratios of guests that did not negotiate the same ring are no
    # comparison: the table says which keys differ, the run fails.
    rc = 1 if missing_figures(rows, args.runs) or features_differ(log) else 0
    if args.no_png:
        return rc
    gnuplot = shutil.which('gnuplot')
    if not gnuplot:
        print('bench-report: gnuplot not found, no domU.png', file=sys.stderr)
        return 1
    png, gp = stem + '.png', stem + '.gp'
    term = png_terminal(gnuplot)
    font = 'font "sans,10"' if term == 'pngcairo' else ''
    lines = [f'set terminal {term} size 1200,560 noenhanced {font}',
             f'set output {_gp_str(png)}'] + _histogram_setup() + domu_panel(dat, virt)
    return _run_gnuplot(gnuplot, gp, png, lines) or rc


# ---------------------------------------------------------------------------
# The user pass: tools/testing/selftests/user/lmbench.c on pvk and on
# Linux, on bare metal (scripts/bench-user.sh) and as Xen domUs
# (scripts/bench-domU.sh with BENCH_PASSES=user), as "bench-user:" lines:
#
#   bench-user: guest=G run=N pass=user virt=V metric=M ns_per_op=F ...
#   bench-user: guest=G run=N pass=user virt=V metric=M unavailable reason=R
#   bench-user: guest=G run=N pass=user virt=V metric=done ok=N ...

# (metric, what one operation is), in lmbench's order.
USER_METRICS = (
    ('null_syscall', 'getppid()'),
    ('ctxsw_pipe', '1-byte round trip over pipes, 2 processes'),
    ('pagefault', 'first write to a fresh anonymous page'),
    ('mmap64', 'mmap 64 pages, write each, munmap'),
    ('fork_exit_wait', 'fork, child _exit(0), waitpid'),
    ('mmap64_1thr', 'mmap64 again, one thread'),
    ('mmap64_2thr', 'mmap64 beside a clone(CLONE_VM) thread on vCPU 1'),
)
USER_UNIT = 'ns/op'
USER_LABELS = {'bare': 'bare metal (QEMU TCG)', 'pv': 'Xen PV domUs',
               'pvh': 'Xen PVH domUs', 'hvm': 'Xen HVM domUs'}
_USER_RE = re.compile(r'\bbench-user: (.*)$')


class UserLog:
    """The bench-user lines of one kind of guest: per (guest, run) the
    fields of each metric, and the runs whose program got to its done
    line (only those lend figures)."""

    def __init__(self):
        self.metrics: Dict[Tuple[str, str], Dict[str, Dict[str, str]]] = {}
        self.done: Dict[Tuple[str, str], Dict[str, str]] = {}
        self.failed_jobs: List[str] = []
        self.retries = 0

    def runs(self, guest: str) -> List[str]:
        """The runs of GUEST that finished, in run order."""
        return sorted((r for g, r in self.done if g == guest),
                      key=lambda r: int(r) if r.isdigit() else 0)

    def values(self, guest: str, metric: str,
               key: str = 'ns_per_op') -> List[float]:
        """KEY of METRIC in each finished run of GUEST that has it."""
        out = []
        for run in self.runs(guest):
            f = self.metrics.get((guest, run), {}).get(metric, {})
            v = _float(f.get(key))
            if v is not None:
                out.append(v)
        return out

    def reasons(self, guest: str, metric: str, state: str) -> List[str]:
        """The reasons of the finished runs that said STATE (unavailable,
        failed) for METRIC."""
        out = []
        for run in self.runs(guest):
            f = self.metrics.get((guest, run), {}).get(metric, {})
            if f.get('state') == state:
                out.append(f.get('reason', '?'))
        return out


def parse_user_line(text: str):
    """(guest, run, metric, fields) of a bench-user line's text, or
    None when it lacks one of them; fields has 'state': ok, unavailable
    or failed (the program's word), and the line's key=value pairs."""
    f = _fields(text)
    guest, run, metric = f.get('guest'), f.get('run'), f.get('metric')
    if not guest or not run or not metric:
        return None
    words = text.split()
    state = 'ok'
    for w in ('unavailable', 'failed'):
        if w in words:
            state = w
    f['state'] = state
    return guest, run, metric, f


def parse_user_log(path: str, virt: str) -> UserLog:
    """The bench-user lines of kind VIRT in a serial log, less those of
    dom0 jobs that failed."""
    text = _read_text(path)
    log = UserLog()
    dl = DomuLog()
    for line in good_job_lines([_clean(r) for r in text.split('\n')], dl):
        m = _USER_RE.search(line)
        if not m:
            continue
        parsed = parse_user_line(m.group(1))
        if not parsed or parsed[3].get('virt') != virt:
            continue
        guest, run, metric, f = parsed
        if metric == 'done':
            log.done[(guest, run)] = f
        elif metric != 'start':
            log.metrics.setdefault((guest, run), {})[metric] = f
    log.failed_jobs, log.retries = dl.failed_jobs, dl.retries
    return log


def _user_side(log: UserLog, guest: str, metric: str, virt: str):
    """(values, expected, note) of one side of a user row.  pvk's figure
    cannot exist where every finished run of pvk said the metric is
    unavailable (a system call or clone flag pvk refuses: the program's
    reason); Linux must have every figure."""
    values = log.values(guest, metric)
    unavailable = log.reasons(guest, metric, 'unavailable')
    failed = log.reasons(guest, metric, 'failed')
    note = ''
    if failed:
        note = 'failed: ' + ', '.join(sorted(set(failed)))
    elif unavailable:
        note = 'unavailable: ' + ', '.join(sorted(set(unavailable)))
    if guest == 'pvk' and not values and unavailable and not failed and \
            len(unavailable) == len(log.runs(guest)):
        return [], False, note
    return values, True, note


def user_rows(log: UserLog, virt: str) -> List[Dict[str, object]]:
    """One row per metric: pvk and Linux medians, spreads and runs, and
    why a side has no figure (pvk_note, linux_note)."""
    rows = []
    for metric, _ in USER_METRICS:
        pv, p_exp, p_note = _user_side(log, 'pvk', metric, virt)
        lv, l_exp, l_note = _user_side(log, 'linux', metric, virt)
        row = make_row(f'user-{virt}', metric, USER_UNIT, pv, lv,
                       pvk_expected=p_exp, linux_expected=l_exp)
        row['pvk_note'], row['linux_note'] = p_note, l_note
        (row['pvk_hcalls'], row['pvk_hcalls_spread_pct'],
         row['pvk_hcalls_runs']) = summarize(
            log.values('pvk', metric, 'hypercalls_per_op'))
        rows.append(row)
    return rows


def user_problems(rows, runs: int) -> List[str]:
    """What makes the user report fail: a figure that should exist and
    does not (or has fewer runs than asked), a metric the program said
    failed."""
    out = missing_figures(rows, runs)
    for r in rows:
        # pvk's lmbench counts hypercalls wherever it runs: the PV rows
        # (issue #13) must show them.
        if r['mode'] == 'user-pv' and r['pvk'] is not None and \
                r.get('pvk_hcalls') is None:
            out.append(f'pvk {r["mode"]} {r["metric"]} hypercalls_per_op')
        for side in ('pvk', 'linux'):
            note = r.get(f'{side}_note', '')
            if note.startswith('failed'):
                out.append(f'{side} {r["mode"]} {r["metric"]} {note}')
    return out


def _user_cell(row, side: str) -> str:
    if not row[f'{side}_expected']:
        return 'n/a'
    return _fmt_num(row[side])


def format_user(log: UserLog, rows, runs: int, virt: str) -> str:
    """user-VIRT.txt: how it was measured, pvk and Linux side by side,
    the reasons of figures that cannot exist, and what is missing."""
    out = [f'User-level latencies (lmbench.c): pvk vs Debian Linux, '
           f'{USER_LABELS[virt]}',
           'The same static musl binary (tools/testing/selftests/user/'
           'lmbench.c) on both; 2 vCPUs,',
           '512 MiB.  Each metric: 5 batches of ~100 ms after calibration; a '
           "run's figure is its median",
           'batch.  Figures: median over runs (ns per operation), spread = '
           '(max - min) / median.',
           f'Runs interleaved Linux, pvk, ... ({runs} each).  Under QEMU TCG '
           'only the ratios mean anything.']
    if any(r.get('pvk_hcalls') is not None for r in rows):
        out.append('pvk hcalls/op: hypercalls per operation in the median '
                   'batch, all vCPUs, HYPERVISOR_iret')
        out.append('included, those delivering events left out (pvk counts '
                   'its own); median over runs.')
        out.append('Linux keeps no such count.')
    out += ['Failed job runs (their figures left out): '
            + (', '.join(log.failed_jobs) or 'none'), '']
    for metric, what in USER_METRICS:
        out.append(f'  {metric:<15} {what}')
    out.append('')
    head = ['metric', 'unit', 'pvk', 'spread', 'Linux', 'spread',
            'pvk/Linux', 'runs', 'pvk hcalls/op']
    table = [head]
    for r in rows:
        hcalls = r.get('pvk_hcalls')
        table.append([r['metric'], r['unit'], _user_cell(r, 'pvk'),
                      _fmt_pct(r['pvk_spread_pct']), _user_cell(r, 'linux'),
                      _fmt_pct(r['linux_spread_pct']),
                      '-' if r['ratio'] is None else f'{r["ratio"]:.3g}',
                      f'{r["pvk_runs"]}/{r["linux_runs"]}',
                      '-' if hcalls is None else f'{hcalls:.2f}'])
    widths = [max(len(t[i]) for t in table) for i in range(len(head))]
    for i, t in enumerate(table):
        out.append('  '.join(c.ljust(w) if j < 2 else c.rjust(w)
                             for j, (c, w) in enumerate(zip(t, widths))).rstrip())
        if i == 0:
            out.append('  '.join('-' * w for w in widths))
    notes = [f'  {side} {r["metric"]}: {r[f"{side}_note"]}'
             for r in rows for side in ('pvk', 'linux') if r[f'{side}_note']]
    if notes:
        out += ['', 'Notes (n/a: the figure cannot exist):'] + notes
    problems = user_problems(rows, runs)
    if problems:
        out += ['', 'missing: ' + ', '.join(problems)]
    return '\n'.join(out) + '\n'


def user_json_rows(rows) -> List[Dict[str, object]]:
    """The user rows for bench.json, one per kernel and metric: mode,
    metric, unit, value, runs, spread (percent), kernel and note (why
    there is no value, or what a run said); and pvk's hypercalls per
    operation (unit hypercalls/op) where it counted them."""
    out = []
    for r in rows:
        for side in ('pvk', 'linux'):
            out.append({'mode': r['mode'], 'metric': r['metric'],
                        'unit': r['unit'], 'value': r[side],
                        'runs': r[f'{side}_runs'],
                        'spread': r[f'{side}_spread_pct'],
                        'kernel': side, 'note': r[f'{side}_note'] or None})
        if r.get('pvk_hcalls') is not None:
            out.append({'mode': r['mode'], 'metric': r['metric'],
                        'unit': 'hypercalls/op', 'value': r['pvk_hcalls'],
                        'runs': r['pvk_hcalls_runs'],
                        'spread': r['pvk_hcalls_spread_pct'],
                        'kernel': 'pvk', 'note': None})
    return out


def write_user_data(rows, path: str) -> None:
    """user-VIRT.dat: per metric pvk and Linux ("-" when none) and the
    ratio label above the pair."""
    with open(path, 'w') as f:
        f.write('# metric pvk linux label label_y\n')
        for r in rows:
            vals = [r['pvk'], r['linux']]
            if not r['pvk_expected']:
                label = 'pvk n/a'
            elif r['ratio'] is not None:
                label = f'{r["ratio"]:.3g}x'
            else:
                label = 'missing'
            top = max([v for v in vals if v] or [1])
            cells = ' '.join('-' if v is None else f'{v:.6g}' for v in vals)
            f.write(f'{_gp_str(r["metric"])} {cells} {_gp_str(label)} '
                    f'{top:.6g}\n')


def user_panel(dat: str, virt: str) -> List[str]:
    title = (f'lmbench.c: pvk vs Linux, {USER_LABELS[virt]}, medians '
             '(labels: pvk/Linux)')
    return [
        f'set title {_gp_str(title)}',
        'set ylabel "ns per operation (log scale)"',
        'set yrange [10:*]',
        'set xtics norotate',
        f'plot {_gp_str(dat)} using 2:xtic(1) title "pvk" lc rgb "#1f77b4", \\',
        '     \'\' using 3 title "Linux" lc rgb "#ff7f0e", \\',
        '     \'\' using 0:5:4 with labels offset 0,1 notitle',
    ]


def user_main(args) -> int:
    virt = args.virt
    try:
        log = parse_user_log(args.user_log, virt)
    except BenchError as e:
        print(f'bench-report: {e}', file=sys.stderr)
        return 1
    rows = user_rows(log, virt)
    os.makedirs(args.out_dir, exist_ok=True)
    stem = os.path.join(args.out_dir, f'user-{virt}')
    report = format_user(log, rows, args.runs, virt)
    with open(stem + '.txt', 'w') as f:
        f.write(report)
    write_user_data(rows, stem + '.dat')
    with open(stem + '.json', 'w') as f:
        json.dump(user_json_rows(rows), f, indent=1)
        f.write('\n')
    sys.stdout.write(report)
    rc = 1 if user_problems(rows, args.runs) else 0
    if args.no_png:
        return rc
    gnuplot = shutil.which('gnuplot')
    if not gnuplot:
        print(f'bench-report: gnuplot not found, no user-{virt}.png',
              file=sys.stderr)
        return 1
    term = png_terminal(gnuplot)
    font = 'font "sans,10"' if term == 'pngcairo' else ''
    lines = [f'set terminal {term} size 1100,480 noenhanced {font}',
             f'set output {_gp_str(stem + ".png")}'] + _histogram_setup() \
        + user_panel(stem + '.dat', virt)
    return _run_gnuplot(gnuplot, stem + '.gp', stem + '.png', lines) or rc


def json_rows(rows) -> List[Dict[str, object]]:
    """bench.json's shape: mode, metric, unit, pvk, linux, ratio, runs,
    spread_pct (linux and ratio null when there is no Linux figure)."""
    keys = ('mode', 'metric', 'unit', 'pvk', 'linux', 'ratio', 'runs',
            'spread_pct')
    return [{k: r.get(k) for k in keys} for r in rows]


def write_json(rows, path: str) -> None:
    with open(path, 'w') as f:
        json.dump(json_rows(rows), f, indent=1)
        f.write('\n')


def mode_rows(mode: 'Mode') -> List[Dict[str, object]]:
    """bench.json rows of one pvk bench boot: cycles per op and variant
    (and hypercalls when any op made some); no Linux figure."""
    rows = []
    any_hc = any(mode.hypercalls.values())
    for op in mode.ops:
        for v in VARIANTS:
            cycles = mode.samples.get((op, v))
            if not cycles:
                continue
            rows.append(make_row(mode.name, f'{op} {v}', 'cycles', cycles,
                                 [], linux_expected=False))
            if any_hc:
                rows.append(make_row(mode.name, f'{op} {v} hypercalls',
                                     'hypercalls',
                                     mode.hc_samples[(op, v)], [],
                                     linux_expected=False))
    return rows


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
    p.add_argument('--domu', metavar='DOMU.TXT', action='append', default=[],
                   help="scripts/bench-domU.sh's pvk vs Linux table: append "
                        'it to bench.txt, chart DOMU.dat and add DOMU.json '
                        '(next to it) to bench.json too (repeatable: '
                        'domU.txt, domU-pvh.txt, domU-hvm.txt)')
    p.add_argument('--domu-log', metavar='SERIAL.LOG',
                   help="instead: write domU.txt, .json, .dat and .png from "
                        "scripts/bench-domU.sh's serial log")
    p.add_argument('--user-log', metavar='SERIAL.LOG',
                   help='instead: write user-VIRT.txt, .json, .dat and .png '
                        'from the bench-user lines of a serial log '
                        '(scripts/bench-user.sh, or bench-domU.sh with '
                        'BENCH_PASSES=user)')
    p.add_argument('--user', metavar='USER.TXT', action='append', default=[],
                   help='a user table (user-VIRT.txt): append it to '
                        'bench.txt and its .json rows to bench.json '
                        '(repeatable)')
    p.add_argument('--virt', choices=sorted(USER_LABELS), default='pv',
                   help='with --domu-log or --user-log: the kind of guests '
                        'to report (default pv; bare: --user-log only)')
    p.add_argument('--runs', type=int, default=3,
                   help='with --domu-log: runs each guest should have '
                        '(fewer is reported as missing; default 3)')
    return p.parse_args(argv)


def main(argv) -> int:
    args = parse_args(argv)
    if args.user_log:
        return user_main(args)
    if args.domu_log:
        if args.virt not in VIRT_LABELS:
            print('bench-report: --domu-log wants --virt pv, pvh or hvm',
                  file=sys.stderr)
            return 2
        return domu_main(args)
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
    domu_dats = []
    rows = [r for m in modes for r in mode_rows(m)]
    for domu in args.domu:
        try:
            with open(domu) as f:
                report += '\n' + f.read()
        except OSError as e:
            print(f'bench-report: --domu: {e}', file=sys.stderr)
            return 1
        stem = re.sub(r'\.txt$', '', domu)
        virt = next((v for v in VIRT_LABELS
                     if os.path.basename(stem) == domu_name(v)), 'pv')
        domu_dat, domu_json = stem + '.dat', stem + '.json'
        if not os.path.isfile(domu_dat):
            print(f'bench-report: {domu_dat} missing', file=sys.stderr)
            return 1
        domu_dats.append((virt, domu_dat))
        try:
            with open(domu_json) as f:
                rows += json.load(f)
        except (OSError, ValueError) as e:
            print(f'bench-report: {domu_json}: {e}', file=sys.stderr)
            return 1
    for user in args.user:
        try:
            with open(user) as f:
                report += '\n' + f.read()
            with open(re.sub(r'\.txt$', '', user) + '.json') as f:
                rows += json.load(f)
        except (OSError, ValueError) as e:
            print(f'bench-report: --user: {e}', file=sys.stderr)
            return 1
    with open(txt, 'w') as f:
        f.write(report)
    write_data(modes, dat)
    js = os.path.join(args.out_dir, 'bench.json')
    write_json(rows, js)
    sys.stdout.write(report)
    print(f'\nbench-report: wrote {txt}, {dat}, {js}')
    if args.no_png:
        return 0

    gnuplot = shutil.which('gnuplot')
    if not gnuplot:
        print('bench-report: gnuplot not found, no chart (apt-get install '
              'gnuplot-nox, or scripts/setup.sh; or pass --no-png)',
              file=sys.stderr)
        return 1
    write_gnuplot(modes, dat, png, gp, png_terminal(gnuplot), domu_dats)
    return _plot(gnuplot, gp, png)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
