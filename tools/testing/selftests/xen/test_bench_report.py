#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host tests of scripts/bench-report.py's pvk vs Linux domU report:
median and spread, missing figures, the xenalyze and serial-log parsers
and the bench.json shape."""

import contextlib
import io
import json
import os
import tempfile
import unittest

from test_ktap import _load

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))


br = _load('bench_report', os.path.join(ROOT, 'scripts', 'bench-report.py'))

JSON_KEYS = ['mode', 'metric', 'unit', 'pvk', 'linux', 'ratio', 'runs',
             'spread_pct']


def _tag(guest, run, pass_='timed', virt=''):
    return f'guest={guest} run={run} pass={pass_}' + (f' virt={virt}' if virt else '')


def _log_lines(runs=3, virt=''):
    """A serial log as scripts/bench-domU.sh's jobs print it: every
    figure of every run, Linux's randread4k IOPS 100, 110, 120 and pvk's
    200, 220, 240 (seqread1m 10x smaller), plus a traced pass."""
    lines = ['(XEN) noise', 'dom0: [1.0] job bench-01a-linux: guest linux-bench-1']
    feats = ('fe-ring-page-order=2 fe-multi-queue-num-queues=2 '
             'fe-feature-persistent=1 be-max-ring-page-order=4 '
             'be-multi-queue-max-queues=2 '
             'be-feature-max-indirect-segments=256 be-feature-persistent=1')
    for run in range(1, runs + 1):
        k = run - 1
        lt, pt = _tag('linux', run, virt=virt), _tag('pvk', run, virt=virt)
        lines.append(f'bench-features: {lt} domid={2 * run - 1} {feats}')
        lines.append(f'bench-guest: {lt} max_ring_page_order=2 '
                     'max_indirect_segments=256 max_segments=256')
        lines.append(f'bench-features: {pt} domid={2 * run} {feats}')
        lines.append(f'bench-guest: {pt} max_segments=256 ring_pages=4 queues=2')
        for op in ('randread4k', 'randwrite4k', 'seqread1m'):
            div = 10 if op == 'seqread1m' else 1
            for eng, base in (('libaio', 100), ('io_uring', 150),
                              ('nullblk-libaio', 1000),
                              ('nullblk-io_uring', 1500)):
                v = (base + 10 * k) / div
                lines.append(f'bench-result: {lt} op={op} engine={eng} '
                             f'iops={v:.2f} mibps={v:.2f} qd=32')
            v = (200 + 20 * k) / div
            lines.append(f'bench-result: {pt} op={op} engine=inkernel '
                         f'iops={v:.2f} mibps={v:.2f} qd=32 '
                         'hypercalls_per_1k=1500 notifications_per_1k=300')
            for guest, eng in (('linux', 'libaio'), ('linux', 'io_uring'),
                               ('pvk', 'inkernel')):
                ntf = 500 if guest == 'linux' else 250
                lines.append(f'bench-count: {_tag(guest, run, virt=virt)} engine={eng} '
                             f'op={op} requests=1000 sectors=8000 '
                             f'notifications={ntf}')
        # The unhardened loads: 1% faster, fewer hypercalls.
        for op in ('randread4k', 'seqread1m'):
            div = 10 if op == 'seqread1m' else 1
            v = (200 + 20 * k) * 1.01 / div
            lines.append(f'bench-result: {pt} op={op}-unhardened engine=inkernel '
                         f'iops={v:.2f} mibps={v:.2f} qd=32 '
                         'hypercalls_per_1k=1400 notifications_per_1k=300')
        lines.append(f'bench-result: {lt} op=pingflood engine=ping rtps=50')
        lines.append(f'bench-result: {pt} op=pingflood engine=ping rtps=75 '
                     'hypercalls_per_1k=3 notifications_per_1k=1')
    t = runs + 1
    for guest, eng, domid, hc in (('linux', 'libaio', 7, 4000),
                                  ('linux', 'io_uring', 7, 3000),
                                  ('pvk', 'inkernel', 8, 1000)):
        tag = _tag(guest, t, 'trace', virt)
        lines.append(f'bench-features: {tag} domid={domid} {feats}')
        for op in ('randread4k', 'randwrite4k', 'seqread1m'):
            lines.append(f'bench-count: {tag} engine={eng} op={op} '
                         'requests=2000 sectors=16000 notifications=900')
            x = f'bench-xenalyze: {tag} engine={eng} op={op} | '
            lines += [x + '|-- Domain 0 --|', x + ' hypercall 5000',
                      x + '  mmu_update [ 1]: 4000',
                      x + f'|-- Domain {domid} --|',
                      x + f' hypercall {hc // 2}', x + ' -- v1 --',
                      x + f' hypercall {hc // 2}', x + '  emulate privop  100']
    return lines + _life_lines(runs + 2, virt)


def _life_lines(run, virt=''):
    """The life pass (jobs/bench-life.sh): Linux (domain 9) made 100,000
    hypercalls from creation to ready (60,000 mmu_update), 400 in 10 s
    idle on 2 vCPUs and 3,000 in a flood of 500 round trips; pvk (domain
    10) 2,000 (none of them mmu_update), 100 and 1,000, all at 512 MiB;
    pvk at 256 MiB (run + 1, domain 11) 1,800, 90 and 900."""
    lines = []
    for guest, domid, boot, idle, flood, mem, r in (
            ('linux', 9, 100000, 400, 3000, 512, run),
            ('pvk', 10, 2000, 100, 1000, 512, run),
            ('pvk', 11, 1800, 90, 900, 256, run + 1)):
        tag = _tag(guest, r, 'life', virt)
        for op, n, extra in (('boot', boot, ''), ('idle', idle, ' vcpus=2'),
                             ('pingflood', flood, ' round_trips=500')):
            secs = 10 if op == 'idle' else 5
            lines.append(f'bench-life: {tag} op={op} domid={domid} '
                         f'seconds={secs} mem={mem}{extra}')
            x = f'bench-xenalyze: {tag} engine=life op={op} | '
            lines += [x + '|-- Domain 0 --|', x + ' hypercall 7000',
                      x + f'|-- Domain {domid} --|', x + '-- v0 --',
                      x + f'  hypercall  {n}', x + '  emulate privop  20']
            if guest == 'linux' and op == 'boot':
                lines.append(x + '    mmu_update                   [ 1]:  60000')
        if mem == 512 and virt in ('', 'pv'):
            lines += _lifecycle_lines(guest, tag, domid)
        elif mem == 512:
            lines += _migrate_lines(guest, tag, domid)
        lines.append(f'bench-life: finished {tag}')
    return lines


def _lifecycle_lines(guest, tag, domid):
    """The lifecycle steps of a guest at the shared size: pvk ballooned
    128 MiB down in 2 s with 256 hypercalls and up in 4 s with 512;
    Linux in 8 s with 12,800 and in 16 s with 25,600; pvk's checkpoint
    answered 3 s after the request (xl: 2.5 s; its own 40,000 us), save
    20 s, restore 25 s, answering 26 s after it; Linux 6, 5, 30, 35, 38."""
    pvk = guest == 'pvk'
    lines = []
    for op, secs, hc in (('balloon_down', 2 if pvk else 8, 256 if pvk else 12800),
                         ('balloon_up', 4 if pvk else 16, 512 if pvk else 25600)):
        lines.append(f'bench-life: {tag} op={op} domid={domid} seconds={secs} '
                     'mem=512 mib=128 reached=yes')
        x = f'bench-xenalyze: {tag} engine=life op={op} | '
        lines += [x + '|-- Domain 0 --|', x + ' hypercall 900',
                  x + f'|-- Domain {domid} --|', x + f'  hypercall  {hc}']
    us = '40000' if pvk else '-'
    lines += [f'bench-life: {tag} op=checkpoint domid={domid} '
              f'seconds={3 if pvk else 6} mem=192 xl_seconds={2.5 if pvk else 5} '
              f'guest_us={us}',
              f'bench-life: {tag} op=save domid={domid} '
              f'seconds={20 if pvk else 30} mem=192 bytes=201326592',
              f'bench-life: {tag} op=restore domid={domid + 10} '
              f'seconds={25 if pvk else 35} mem=192 '
              f'resumed_seconds={26 if pvk else 38}']
    return lines


def _migrate_lines(guest, tag, domid):
    """The live migration of a PVH or HVM guest at the shared size: pvk
    went 300 ms without answering a ping and xl took 60 s (its own
    resume: 250,000 us); Linux 900 ms and 80 s."""
    pvk = guest == 'pvk'
    return [f'bench-life: {tag} op=migrate domid={domid + 20} '
            f'seconds={60 if pvk else 80} mem=512 sent=6000 answered=5900 '
            f'longest_gap_ms={300 if pvk else 900} gap_after_s=30.00 '
            f'ran_seconds=64.00 guest_us={250000 if pvk else "-"}']


class Summarize(unittest.TestCase):
    def test_median_and_spread(self):
        m, spread, n = br.summarize([100.0, 120.0, 110.0])
        self.assertEqual((m, n), (110.0, 3))
        self.assertAlmostEqual(spread, 20 / 110 * 100)

    def test_even_count_and_none(self):
        m, spread, n = br.summarize([1.0, None, 3.0])
        self.assertEqual((m, n), (2.0, 2))
        self.assertAlmostEqual(spread, 100.0)

    def test_negative_median_gives_positive_spread(self):
        m, spread, runs = br.summarize([-10.0, -20.0, -30.0])
        self.assertEqual((m, runs), (-20.0, 3))
        self.assertAlmostEqual(spread, 100.0)

    def test_empty_and_zero_median(self):
        self.assertEqual(br.summarize([]), (None, None, 0))
        self.assertEqual(br.summarize([None]), (None, None, 0))
        self.assertEqual(br.summarize([0.0, 0.0]), (0.0, None, 2))


class Rows(unittest.TestCase):
    def test_missing_linux_is_null_not_zero(self):
        r = br.make_row('domU-libaio', 'randread4k', 'IOPS', [5.0, 7.0], [])
        self.assertEqual(r['pvk'], 6.0)
        self.assertIsNone(r['linux'])
        self.assertIsNone(r['ratio'])
        self.assertEqual(r['runs'], 2)

    def test_zero_linux_gives_no_ratio(self):
        r = br.make_row('m', 'x', 'IOPS', [5.0], [0.0])
        self.assertEqual(r['linux'], 0.0)
        self.assertIsNone(r['ratio'])
        self.assertEqual(br._ratio_label(r), 'Linux 0')

    def test_no_rate_is_missing(self):
        self.assertIsNone(br._float('-'))
        r = br.make_row('m', 'x', 'IOPS', [5.0], [br._float('-')])
        self.assertEqual(br._ratio_label(r), 'missing')

    def test_ratio_and_worst_spread(self):
        r = br.make_row('m', 'x', 'IOPS', [200.0, 220.0, 240.0],
                        [100.0, 100.0, 100.0])
        self.assertAlmostEqual(r['ratio'], 2.2)
        self.assertAlmostEqual(r['spread_pct'], 40 / 220 * 100)

    def test_xenalyze_sums_each_domain(self):
        lines = ['|-- Domain 0 --|', ' hypercall 5', '  grant_table_op [20]: 3',
                 '|-- Domain 3 --|', '  emulate privop  4', '  hypercall 7',
                 '  hypercall (subcall)  6', ' -- v1 --', '  hypercall 2',
                 '  emulate privop  1', 'hypercall_foo 9']
        self.assertEqual(br.xenalyze_counts(lines),
                         {0: {'hypercall': 5, 'hc grant_table_op': 3},
                          3: {'hypercall': 9, 'emulate privop': 5}})


    def test_xenalyze_hvm_exits(self):
        """An HVM vCPU's exits (xenalyze --svm-mode): VMMCALL exits are
        its hypercalls, I/O, MMIO, CPUID, MSR and TSC exits emulated
        instructions; the per-type sub-lines (one vCPU only) are not
        counted; a PV dom0 in the same trace is read as before."""
        lines = ['|-- Domain 0 --|', '-- v0 --', 'PV events:', '  hypercall  50',
                 '    dm_op                        [41]:     50',
                 '|-- Domain 4 --|', '-- v0 --', ' Runstates:',
                 '   running:    5012  3.90s   1867 {   300|  1500|  9000}',
                 'Exit reasons:',
                 ' VMEXIT_INTR              3100  0.02s  0.20% 15483 cyc { 2100| 4000|30000}',
                 '  LOCAL_TIMER(249): 2900',
                 ' VMEXIT_VMMCALL          20345  0.31s  3.10% 36571 cyc { 1100| 2400|98000}',
                 '    [  sched_op]    15000  0.05s  0.50%  8000 cyc { 1000| 2000| 9000}',
                 ' VMEXIT_IOIO               120  0.01s  0.05% 200000 cyc { 9000|150000|600000}',
                 ' VMEXIT_NPF                 30  0.01s  0.05% 200000 cyc',
                 'Guest interrupt counts:', '  [243] 2900',
                 '-- v1 --', 'Exit reasons:',
                 ' VMEXIT_VMMCALL              5  0.31s  3.10% 36571 cyc { 1100| 2400|98000}',
                 ' VMEXIT_CPUID                7  0.31s  3.10% 36571 cyc { 1100| 2400|98000}',
                 'IO address summary:',
                 '     cfc:[r]       60  0.01s  0.05% 200000 cyc { 9000|150000|600000}']
        self.assertEqual(br.xenalyze_counts(lines), {
            0: {'hypercall': 50, 'hc dm_op': 50},
            4: {'exit VMEXIT_INTR': 3100, 'exit VMEXIT_VMMCALL': 20350,
                'hypercall': 20350, 'exit VMEXIT_IOIO': 120,
                'exit VMEXIT_NPF': 30, 'exit VMEXIT_CPUID': 7,
                'emulate privop': 157}})


class DomuLog(unittest.TestCase):
    def parse(self, lines, virt='pv'):
        with tempfile.NamedTemporaryFile('w', suffix='.log',
                                         delete=False) as f:
            f.write('\r\n'.join(lines) + '\r\n')
        try:
            return br.parse_domu_log(f.name, virt)
        finally:
            os.unlink(f.name)

    def rows(self, lines):
        return {(r['mode'], r['metric']): r
                for r in br.domu_rows(self.parse(lines))}

    def test_full_log(self):
        rows = self.rows(_log_lines())
        r = rows[('domU-libaio', 'randread4k')]
        self.assertEqual((r['pvk'], r['linux'], r['runs']), (220.0, 110.0, 3))
        self.assertAlmostEqual(r['ratio'], 2.0)
        self.assertAlmostEqual(r['spread_pct'], 40 / 220 * 100)
        self.assertEqual(rows[('domU-io_uring', 'randread4k')]['linux'], 160.0)
        r = rows[('domU-libaio', 'seqread1m notifications/request')]
        self.assertEqual((r['pvk'], r['linux']), (0.25, 0.5))
        r = rows[('domU-libaio', 'randread4k hypercalls/request (guest)')]
        self.assertEqual((r['pvk'], r['linux']), (0.5, 2.0))
        r = rows[('domU-io_uring', 'randread4k hypercalls/request (dom0)')]
        self.assertEqual((r['pvk'], r['linux']), (2.5, 2.5))
        r = rows[('domU-io_uring', 'seqread1m emulated privops/request (guest)')]
        self.assertEqual((r['pvk'], r['linux']), (0.05, 0.05))
        r = rows[('linux-nullblk-libaio', 'randread4k')]
        self.assertIsNone(r['pvk'])
        self.assertEqual(r['linux'], 1010.0)
        r = rows[('linux-nullblk-libaio', 'randread4k time/request beyond null_blk')]
        self.assertAlmostEqual(r['linux'], 1e6 / 110 - 1e6 / 1010)
        self.assertEqual(rows[('domU-ping', 'pingflood')]['ratio'], 1.5)
        self.assertEqual(rows[('domU-features', 'fe-ring-page-order')]['linux'], 2)
        self.assertEqual(br.missing_figures(list(rows.values()), 3), [])

    def test_hardening_rows(self):
        """pvk's loads without its switchable defences: the rate, the
        ratio per run and the hypercalls both ways; no Linux side."""
        rows = self.rows(_log_lines())
        r = rows[('domU-hardening', 'randread4k unhardened')]
        self.assertAlmostEqual(r['pvk'], 222.2)
        self.assertIsNone(r['linux'])
        r = rows[('domU-hardening', 'seqread1m hardened/unhardened')]
        self.assertAlmostEqual(r['pvk'], 1 / 1.01, places=3)
        self.assertEqual(r['pvk_runs'], 3)
        r = rows[('domU-hardening', 'randread4k hypercalls/1k requests (unhardened)')]
        self.assertEqual(r['pvk'], 1400)
        r = rows[('domU-hardening', 'randread4k hypercalls/1k requests (hardened)')]
        self.assertEqual(r['pvk'], 1500)
        # No Linux side expected: a dash, not "missing".
        line = [t for t in br._figures_table([r]) if 'hardening' in t][0]
        self.assertNotIn('missing', line)
        lines = [ln for ln in _log_lines() if 'unhardened' not in ln]
        missing = br.missing_figures(list(self.rows(lines).values()), 3)
        self.assertIn('pvk domU-hardening randread4k unhardened', missing)

    def test_life_pass(self):
        """Creation to ready as counted, idle per vCPU-second, the flood
        per 1,000 packets, and each hypercall type as a breakdown."""
        rows = self.rows(_log_lines())
        r = rows[('domU-life', 'creation to ready: hypercalls (guest)')]
        self.assertEqual((r['pvk'], r['linux'], r['ratio']), (2000, 100000, 0.02))
        r = rows[('domU-life', 'idle: hypercalls (guest)')]
        self.assertEqual((r['pvk'], r['linux'], r['unit']), (5.0, 20.0, 'per vCPU-second'))
        r = rows[('domU-life', 'ping flood: hypercalls (guest)')]
        self.assertEqual((r['pvk'], r['linux']), (1000.0, 3000.0))
        r = rows[('domU-life', 'ping flood: hypercalls (dom0)')]
        self.assertEqual(r['pvk'], 7000.0)
        r = rows[('domU-life', 'creation to ready: mmu_update (guest)')]
        self.assertEqual((r['pvk'], r['linux'], r['required']), (0, 60000, False))
        self.assertEqual(rows[('domU-life', 'idle: emulated privops (guest)')]['pvk'], 1.0)
        r = rows[('domU-life', 'creation to ready at 256 MiB: hypercalls (guest)')]
        self.assertEqual((r['pvk'], r['linux'], r['required']), (1800, None, True))
        r = rows[('domU-life', 'creation to ready: hypercalls per MiB beyond 256 (guest)')]
        self.assertAlmostEqual(r['pvk'], 200 / 256)
        lines = [ln for ln in _log_lines() if 'guest=pvk' not in ln
                 or 'op=idle' not in ln]
        self.assertIn('pvk domU-life idle: hypercalls (guest)',
                      br.missing_figures(br.domu_rows(self.parse(lines)), 3))

    def test_lifecycle(self):
        """Balloon rates and hypercalls per MiB, checkpoint, save and
        restore times of both (pvk's own resume time is pvk's only)."""
        rows = self.rows(_log_lines())
        want = {
            'balloon down (xl mem-set): rate': (64.0, 16.0),
            'balloon down: hypercalls per MiB (guest)': (2.0, 100.0),
            'balloon up (xl mem-set): rate': (32.0, 8.0),
            'balloon up: hypercalls per MiB (guest)': (4.0, 200.0),
            'xl save -c: request to answering a ping again': (3.0, 6.0),
            'xl save -c: duration': (2.5, 5.0),
            "xl save -c: request to resumed (guest's own)": (40.0, None),
            'xl save: duration': (20.0, 30.0),
            'xl restore: duration': (25.0, 35.0),
            'xl restore: request to answering a ping': (26.0, 38.0),
        }
        for metric, (p, l) in want.items():
            r = rows[('domU-lifecycle', metric)]
            self.assertEqual((r['pvk'], r['linux']), (p, l), metric)
        self.assertEqual(rows[('domU-lifecycle', 'balloon up (xl mem-set): rate')]
                         ['unit'], 'MiB/s')
        # A step that never reached its target gives no rate; a missing
        # step is a missing figure; PVH and HVM reports have no such rows.
        lines = [ln.replace('reached=yes', 'reached=no at=400')
                 if 'guest=linux' in ln and 'balloon_down' in ln else ln
                 for ln in _log_lines()]
        lines = [ln for ln in lines if not ('guest=pvk' in ln and 'op=restore' in ln)]
        missing = br.missing_figures(br.domu_rows(self.parse(lines)), 3)
        self.assertIn('linux domU-lifecycle balloon down (xl mem-set): rate', missing)
        self.assertIn('linux domU-lifecycle balloon down: hypercalls per MiB (guest)',
                      missing)
        self.assertIn('pvk domU-lifecycle xl restore: duration', missing)
        self.assertNotIn("linux domU-lifecycle xl save -c: request to resumed "
                         "(guest's own)", missing)
        # PVH and HVM: the migration instead (Xen cannot migrate PV).
        hvm = {r['metric']: r for r in
               br.domu_rows(self.parse(_log_lines(virt='hvm'), 'hvm'), 'hvm')
               if r['mode'] == 'hvm-domU-lifecycle'}
        self.assertEqual(len(hvm), 3)
        down = hvm['xl migrate to localhost: downtime (longest gap between '
                   'ping replies, pinged every 10 ms)']
        self.assertEqual((down['pvk'], down['linux']), (300.0, 900.0))
        self.assertEqual(hvm['xl migrate to localhost: duration']['linux'], 80.0)
        self.assertEqual(hvm["xl migrate: suspend request to resumed "
                             "(guest's own)"]['pvk'], 250.0)
        gone = [ln for ln in _log_lines(virt='hvm')
                if not ('guest=pvk' in ln and 'op=migrate' in ln)]
        self.assertIn('pvk hvm-domU-lifecycle xl migrate to localhost: duration',
                      br.missing_figures(br.domu_rows(self.parse(gone, 'hvm'),
                                                      'hvm'), 3))

    def test_lifecycle_step_failed_with_reason(self):
        """A failed step's line (failed=yes why=REST) gives no figure;
        Linux's is then not missing but "not measured" with the reason,
        pvk's stays missing with the reason appended."""
        why = 'xl save did not end within 300 s (killed)'

        def failing(ln):
            for guest in ('linux', 'pvk'):
                if f'guest={guest}' in ln and 'op=save ' in ln:
                    return (ln.split(' seconds=')[0] +
                            f' mem=192 failed=yes why={why}')
            return ln
        lines = [failing(ln) for ln in _log_lines()]
        log = self.parse(lines)
        rows = {(r['mode'], r['metric']): r for r in br.domu_rows(log)}
        r = rows[('domU-lifecycle', 'xl save: duration')]
        self.assertEqual((r['pvk'], r['linux']), (None, None))
        self.assertEqual((r['pvk_why'], r['linux_why']), (why, why))
        # The other steps keep their figures and no reason.
        r = rows[('domU-lifecycle', 'xl restore: duration')]
        self.assertEqual((r['linux'], r['linux_why']), (35.0, None))
        missing = br.missing_figures(list(rows.values()), 3)
        self.assertNotIn('linux domU-lifecycle xl save: duration', missing)
        self.assertIn(f'pvk domU-lifecycle xl save: duration ({why})', missing)
        text = br.format_domu(log, list(rows.values()), 3)
        self.assertIn(f'  Linux domU-lifecycle xl save: duration: {why}', text)
        self.assertIn('not measured', text)

    def test_failed_job_keeps_only_its_reasons(self):
        """A life job that failed (Linux crashed: dom0-init's result
        exited) lends no figure, but its steps' reasons stay."""
        why = 'the guest is not running before the saves (xl list state: ---sc-)'
        tag = _tag('linux', 9, 'life')
        job = '===== job bench-lia-linux end: guest=linux-bench-9 result=exited post=failed ====='
        lines = ['dom0: [1.0] job bench-lia-linux: guest linux-bench-9, timeout 1500s',
                 f'bench-life: {tag} op=idle domid=3 seconds=10 mem=512 vcpus=2',
                 f'bench-life: {tag} op=save domid=3 mem=384 failed=yes why={why}',
                 job]
        log = br.DomuLog()
        kept = br.good_job_lines(lines, log)
        self.assertEqual(log.failed_jobs, ['bench-lia-linux'])
        self.assertEqual(kept, [lines[2]])

    def test_life_pass_without_the_small_size(self):
        """A PV report without pvk's 256 MiB boot misses both size rows;
        windows from before the mem= field count at the shared size."""
        lines = [ln for ln in _log_lines() if 'mem=256' not in ln]
        missing = br.missing_figures(br.domu_rows(self.parse(lines)), 3)
        self.assertIn('pvk domU-life creation to ready at 256 MiB: hypercalls (guest)',
                      missing)
        old = [ln.replace(' mem=512', '') for ln in lines]
        rows = self.rows(old)
        r = rows[('domU-life', 'creation to ready: hypercalls (guest)')]
        self.assertEqual((r['pvk'], r['linux']), (2000, 100000))

    def test_missing_linux_figure(self):
        lines = [ln for ln in _log_lines()
                 if not ('guest=linux' in ln and 'op=seqread1m engine=libaio' in ln
                         and ln.startswith('bench-result'))]
        log = self.parse(lines)
        rows = br.domu_rows(log)
        r = {(x['mode'], x['metric']): x for x in rows}[('domU-libaio', 'seqread1m')]
        self.assertIsNotNone(r['pvk'])
        self.assertIsNone(r['linux'])
        self.assertIsNone(r['ratio'])
        self.assertIn('linux domU-libaio seqread1m', br.missing_figures(rows, 3))
        text = br.format_domu(log, rows, 3)
        line = [ln for ln in text.splitlines()
                if ln.startswith('domU-libaio') and ' seqread1m ' in ln
                and 'MiB/s' in ln][0]
        self.assertIn('missing', line)
        self.assertNotIn('0x', text)
        with tempfile.TemporaryDirectory() as d:
            dat = os.path.join(d, 'domU.dat')
            br.write_domu_data(rows, dat)
            with open(dat) as f:
                seq = [ln for ln in f if ln.startswith('"seqread1m')][0]
            self.assertIn('"missing | ', seq)
            self.assertNotIn(' 0 ', seq)

    def test_fewer_runs_than_asked(self):
        rows = br.domu_rows(self.parse(_log_lines(runs=2)))
        missing = br.missing_figures(rows, 3)
        self.assertIn('pvk domU-libaio randread4k (2 of 3 runs)', missing)

    def test_features_differ(self):
        lines = [ln.replace('fe-ring-page-order=2', 'fe-ring-page-order=0')
                 if ln.startswith('bench-features: guest=linux') else ln
                 for ln in _log_lines()]
        log = self.parse(lines)
        text = br.format_domu(log, br.domu_rows(log), 3)
        self.assertIn('segments: NO (fe-ring-page-order)', text)
        self.assertEqual(br.features_differ(log), ['fe-ring-page-order'])
        good = self.parse(_log_lines())
        self.assertIn('segments: yes', br.format_domu(good, br.domu_rows(good), 3))
        self.assertEqual(br.features_differ(good), [])

    def test_absent_queue_count_means_one_queue(self):
        lines = [ln.replace('be-multi-queue-max-queues=2',
                            'be-multi-queue-max-queues=1')
                 .replace('fe-multi-queue-num-queues=2',
                          'fe-multi-queue-num-queues=-')
                 for ln in _log_lines()]
        log = self.parse(lines)
        self.assertEqual(log.feature('pvk', 'fe-multi-queue-num-queues'),
                         ('1', False))
        self.assertEqual(br.features_differ(log), [])
        rows = {(r['mode'], r['metric']): r for r in br.domu_rows(log)}
        self.assertEqual(rows[('domU-features', 'fe-multi-queue-num-queues')]
                         ['linux'], 1)

    def test_unlike_guests_fail_the_report(self):
        """Ratios of guests with different rings are no comparison: the
        report still writes its files but exits 1."""
        lines = [ln.replace('fe-ring-page-order=2', 'fe-ring-page-order=0')
                 if ln.startswith('bench-features: guest=linux') else ln
                 for ln in _log_lines()]
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, 'serial.log')
            with open(log, 'w') as f:
                f.write('\n'.join(lines) + '\n')
            with contextlib.redirect_stdout(io.StringIO()):
                rc = br.main(['--domu-log', log, '--out-dir', d, '--runs',
                              '3', '--no-png'])
            self.assertEqual(rc, 1)
            self.assertTrue(os.path.exists(os.path.join(d, 'domU.json')))

    def test_null_blk_pairs_runs_by_number(self):
        """A run whose null_blk figure is missing drops out; the others
        keep their own calibration (no shift by position)."""
        lines = [ln for ln in _log_lines()
                 if not (ln.startswith('bench-result: guest=linux run=1 ')
                         and 'engine=nullblk-libaio' in ln
                         and 'op=randread4k' in ln)]
        rows = self.rows(lines)
        r = rows[('linux-nullblk-libaio',
                  'randread4k time/request beyond null_blk')]
        want = sorted(1e6 / (100 + 10 * k) - 1e6 / (1000 + 10 * k)
                      for k in (1, 2))
        self.assertEqual(r['linux_runs'], 2)
        self.assertAlmostEqual(r['linux'], sum(want) / 2)

    def test_kinds_of_guest_kept_apart(self):
        """One serial log with PVH and HVM guests (and old, untagged PV
        lines): each kind's table has its own runs only, under its own
        mode names."""
        hvm = [ln.replace('rtps=75', 'rtps=7') for ln in _log_lines(virt='hvm')]
        lines = _log_lines() + _log_lines(runs=2, virt='pvh') + hvm
        with tempfile.NamedTemporaryFile('w', suffix='.log', delete=False) as f:
            f.write('\n'.join(lines) + '\n')
        try:
            logs = {v: br.parse_domu_log(f.name, v) for v in ('pv', 'pvh', 'hvm')}
        finally:
            os.unlink(f.name)
        pv = {(r['mode'], r['metric']): r for r in br.domu_rows(logs['pv'])}
        pvh = {(r['mode'], r['metric']): r
               for r in br.domu_rows(logs['pvh'], 'pvh')}
        hv = {(r['mode'], r['metric']): r
              for r in br.domu_rows(logs['hvm'], 'hvm')}
        self.assertEqual(pv[('domU-libaio', 'randread4k')]['pvk_runs'], 3)
        self.assertEqual(pvh[('pvh-domU-libaio', 'randread4k')]['pvk_runs'], 2)
        self.assertNotIn(('domU-libaio', 'randread4k'), pvh)
        self.assertEqual(hv[('hvm-domU-ping', 'pingflood')]['pvk'], 7.0)
        self.assertEqual(pv[('domU-ping', 'pingflood')]['pvk'], 75.0)
        self.assertEqual(br.missing_figures(list(hv.values()), 3), [])
        self.assertIn('pvk hvm-domU-libaio randread4k (2 of 3 runs)'.replace(
            'hvm', 'pvh'), br.missing_figures(list(pvh.values()), 3))
        self.assertIn('as Xen HVM domUs',
                      br.format_domu(logs['hvm'], list(hv.values()), 3, 'hvm'))

    def test_failed_job_runs_lend_no_figures(self):
        """A job run that failed (here: dom0 ran it again after a crash)
        is left out, even the figures it printed before it failed; the
        retry and the failed run are reported."""
        bad = ['dom0: [5.00] job bench-01b-pvk: guest pvk-bench-1, timeout 600s',
               f'bench-result: {_tag("pvk", 1)} op=randread4k engine=inkernel '
               'iops=99999 mibps=1 qd=32',
               '===== job bench-01b-pvk end: guest=pvk-bench-1 '
               'result=verdict post=failed =====',
               'dom0: [9.00] job bench-01b-pvk: retry 1 of 1: a dom0 program '
               'crashed during the failed run']
        good = (['dom0: [10.00] job bench-01b-pvk: guest pvk-bench-1, timeout 600s']
                + _log_lines()
                + ['===== job bench-01b-pvk end: guest=pvk-bench-1 '
                   'result=verdict post=ok ====='])
        log = self.parse(bad + good)
        rows = {(r['mode'], r['metric']): r for r in br.domu_rows(log)}
        self.assertEqual(rows[('domU-libaio', 'randread4k')]['pvk'], 220.0)
        self.assertEqual((log.retries, log.failed_jobs), (1, ['bench-01b-pvk']))
        text = br.format_domu(log, list(rows.values()), 3)
        self.assertIn('retried 1 job run(s)', text)
        self.assertIn('figures left out): bench-01b-pvk', text)

    def test_json_shape(self):
        rows = br.domu_rows(self.parse(_log_lines()))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'domU.json')
            br.write_json(rows, path)
            with open(path) as f:
                data = json.load(f)
        self.assertIsInstance(data, list)
        self.assertEqual(len(data), len(rows))
        for row in data:
            self.assertEqual(list(row), JSON_KEYS)
            if row['linux'] is None:
                self.assertIsNone(row['ratio'])


class BenchJson(unittest.TestCase):
    def test_modes_and_domu_in_one_file(self):
        bare = os.path.join(HERE, 'testdata', 'bench-bare-metal-tcg.log')
        with tempfile.TemporaryDirectory() as d:
            serial = os.path.join(d, 'serial.log')
            with open(serial, 'w') as f:
                f.write('\n'.join(_log_lines()) + '\n')
            with contextlib.redirect_stdout(io.StringIO()):
                rc = br.main(['--domu-log', serial, '--out-dir', d,
                              '--no-png'])
                rc2 = br.main(['--log', f'bare={bare}', '--out-dir', d,
                               '--no-png', '--domu',
                               os.path.join(d, 'domU.txt')])
            self.assertEqual((rc, rc2), (0, 0))
            with open(os.path.join(d, 'bench.json')) as f:
                data = json.load(f)
            with open(os.path.join(d, 'bench.txt')) as f:
                text = f.read()
        modes = {r['mode'] for r in data}
        self.assertIn('bare', modes)
        self.assertIn('domU-libaio', modes)
        for r in data:
            self.assertEqual(list(r), JSON_KEYS)
            if r['mode'] == 'bare':
                self.assertIsNone(r['linux'])
                self.assertIsNone(r['ratio'])
                self.assertIsNotNone(r['pvk'])
        self.assertIn('pvk vs Debian Linux as Xen PV domUs', text)

    def test_pvh_and_hvm_tables_join_bench_json(self):
        """--domu repeated: every kind's rows in bench.json and its table
        in bench.txt, each under its own mode names."""
        bare = os.path.join(HERE, 'testdata', 'bench-bare-metal-tcg.log')
        with tempfile.TemporaryDirectory() as d:
            serial = os.path.join(d, 'serial.log')
            with open(serial, 'w') as f:
                f.write('\n'.join(_log_lines(virt='pvh')
                                  + _log_lines(virt='hvm')) + '\n')
            with contextlib.redirect_stdout(io.StringIO()):
                rcs = [br.main(['--domu-log', serial, '--virt', v,
                                '--out-dir', d, '--no-png'])
                       for v in ('pvh', 'hvm')]
                rcs.append(br.main(
                    ['--log', f'bare={bare}', '--out-dir', d, '--no-png',
                     '--domu', os.path.join(d, 'domU-pvh.txt'),
                     '--domu', os.path.join(d, 'domU-hvm.txt')]))
            self.assertEqual(rcs, [0, 0, 0])
            with open(os.path.join(d, 'bench.json')) as f:
                modes = {r['mode'] for r in json.load(f)}
            with open(os.path.join(d, 'bench.txt')) as f:
                text = f.read()
        self.assertTrue({'bare', 'pvh-domU-libaio', 'hvm-domU-io_uring',
                         'hvm-domU-ping'} <= modes)
        self.assertNotIn('domU-libaio', modes)
        self.assertIn('as Xen PVH domUs', text)
        self.assertIn('as Xen HVM domUs', text)


if __name__ == '__main__':
    unittest.main()
