#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host tests of scripts/bench-report.py's user pass (lmbench.c's
latencies, pvk vs Linux): the bench-user line parser, which runs lend
figures, figures that cannot exist and their reasons, what fails the
report, and the bench.json rows."""

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

METRICS = [m for m, _ in br.USER_METRICS]
# Each metric's base figure (ns/op); run k adds 10% * k.
BASE = {m: 100.0 * (i + 1) for i, m in enumerate(METRICS)}


def _line(guest, run, virt, metric, rest):
    return (f'bench-user: guest={guest} run={run} pass=user virt={virt} '
            f'metric={metric} {rest}')


def _run_lines(guest, run, virt, scale=1.0, unavailable=None, done=True,
               failed=None, hcalls=None):
    """One run's bench-user lines as bench-user.post and bench-user.sh
    print them: every metric measured, but those of UNAVAILABLE
    {metric: reason} and FAILED {metric: reason}; with HCALLS, each
    measured line counts HCALLS + run hypercalls per operation (pvk's)."""
    unavailable = unavailable or {}
    failed = failed or {}
    lines = [_line(guest, run, virt, 'start', 'ms_per_metric=500')]
    counts = [0, 0, 0]
    for m in METRICS:
        if m in unavailable:
            lines.append(_line(guest, run, virt, m,
                               f'unavailable reason={unavailable[m]}'))
            counts[1] += 1
        elif m in failed:
            lines.append(_line(guest, run, virt, m,
                               f'failed reason={failed[m]}'))
            counts[2] += 1
        else:
            v = BASE[m] * scale * (1 + 0.1 * (run - 1))
            extra = '' if hcalls is None else \
                f' hypercalls_per_op={hcalls + run:.2f}'
            lines.append(_line(guest, run, virt, m,
                               f'ns_per_op={v:.1f} min_ns_per_op={v:.1f} '
                               f'tsc_per_op={2 * v:.1f} iters=1000 batches=5'
                               + extra))
            counts[0] += 1
    if done:
        lines.append(_line(guest, run, virt, 'done',
                           f'ok={counts[0]} unavailable={counts[1]} '
                           f'failed={counts[2]}'))
    return lines


PVK_REFUSES = {'mmap64_2thr': 'clone(CLONE_VM|CLONE_THREAD):EINVAL'}


def _log(virt='bare', runs=3, pvk=True, **pvk_kw):
    """Linux and pvk interleaved, RUNS each; pvk twice as slow and, by
    default, refusing threads as it does today."""
    pvk_kw.setdefault('unavailable', PVK_REFUSES)
    lines = ['noise', 'lmbench: null_syscall ns_per_op=1 (no tag: ignored)']
    for run in range(1, runs + 1):
        lines += _run_lines('linux', run, virt)
        if pvk:
            lines += _run_lines('pvk', run, virt, scale=2.0, **pvk_kw)
    return lines


class UserReport(unittest.TestCase):
    def parse(self, lines, virt='bare'):
        with tempfile.NamedTemporaryFile('w', suffix='.log',
                                         delete=False) as f:
            f.write('\n'.join(lines) + '\n')
            path = f.name
        try:
            return br.parse_user_log(path, virt)
        finally:
            os.unlink(path)

    def rows(self, lines, virt='bare'):
        return {r['metric']: r for r in br.user_rows(self.parse(lines, virt),
                                                     virt)}

    def test_line_parser(self):
        g, r, m, f = br.parse_user_line(
            'guest=pvk run=2 pass=user virt=pvh metric=mmap64_2thr '
            'unavailable reason=clone(CLONE_VM|CLONE_THREAD):EINVAL')
        self.assertEqual((g, r, m, f['state'], f['reason']),
                         ('pvk', '2', 'mmap64_2thr', 'unavailable',
                          'clone(CLONE_VM|CLONE_THREAD):EINVAL'))
        f = br.parse_user_line('guest=linux run=1 pass=user virt=bare '
                               'metric=null_syscall ns_per_op=12.5 iters=9')[3]
        self.assertEqual((f['state'], f['ns_per_op']), ('ok', '12.5'))
        self.assertIsNone(br.parse_user_line('guest=linux metric=x'))

    def test_medians_spread_and_ratio(self):
        rows = self.rows(_log())
        r = rows['null_syscall']
        self.assertEqual((r['linux'], r['pvk']), (110.0, 220.0))
        self.assertAlmostEqual(r['ratio'], 2.0)
        self.assertAlmostEqual(r['linux_spread_pct'], 20 / 110 * 100)
        self.assertEqual((r['pvk_runs'], r['linux_runs'], r['unit']),
                         (3, 3, 'ns/op'))
        self.assertEqual(r['mode'], 'user-bare')
        self.assertEqual(br.user_problems(list(rows.values()), 3), [])

    def test_figure_pvk_cannot_have_is_written_with_reason(self):
        rows = self.rows(_log())
        r = rows['mmap64_2thr']
        self.assertFalse(r['pvk_expected'])
        self.assertIsNone(r['pvk'])
        self.assertIn('clone(CLONE_VM|CLONE_THREAD):EINVAL', r['pvk_note'])
        self.assertIsNotNone(r['linux'])
        text = br.format_user(self.parse(_log()), list(rows.values()), 3,
                              'bare')
        self.assertIn('pvk mmap64_2thr: unavailable: clone(', text)
        # pvk has pipes: its ctxsw_pipe figure is there.
        self.assertNotIn('pvk ctxsw_pipe: unavailable', text)
        self.assertIsNotNone(rows['ctxsw_pipe']['pvk'])
        self.assertNotIn('missing:', text)
        # A measured figure has no note and counts.
        self.assertNotIn('pvk pagefault:', text)
        self.assertTrue(rows['pagefault']['pvk_expected'])

    def test_pv_needs_pvk_too(self):
        rows = self.rows(_log(virt='pv', pvk=False), 'pv')
        for r in rows.values():
            self.assertTrue(r['pvk_expected'])
            self.assertIsNotNone(r['linux'])
        self.assertIn('pvk user-pv null_syscall',
                      br.user_problems(list(rows.values()), 3))
        # pvk as PV must count hypercalls per operation too.
        rows = self.rows(_log(virt='pv'), 'pv')
        self.assertEqual(rows['null_syscall']['pvk'], 220.0)
        self.assertIsNone(rows['null_syscall']['pvk_hcalls'])
        self.assertIn('pvk user-pv null_syscall hypercalls_per_op',
                      br.user_problems(list(rows.values()), 3))
        log = _log(virt='pv', hcalls=1.0)
        rows = self.rows(log, 'pv')
        self.assertEqual(rows['null_syscall']['pvk_hcalls'], 3.0)
        self.assertEqual(br.user_problems(list(rows.values()), 3), [])
        text = br.format_user(self.parse(log, 'pv'), list(rows.values()), 3,
                              'pv')
        self.assertIn('pvk hcalls/op', text)
        self.assertRegex(text, r'null_syscall .* 3/3\s+3\.00\n')
        data = br.user_json_rows(list(rows.values()))
        hc = [d for d in data if d['unit'] == 'hypercalls/op']
        self.assertEqual(len(hc), len(METRICS) - 1)  # mmap64_2thr refused
        self.assertEqual(hc[0]['value'], 3.0)
        self.assertEqual(hc[0]['kernel'], 'pvk')

    def test_linux_unavailable_is_an_error(self):
        lines = _log(pvk=False)
        lines += _run_lines('linux', 4, 'bare',
                            unavailable={'mmap64_2thr': 'x:ENOSYS'})
        for run in (1, 2, 3):
            lines += _run_lines('pvk', run, 'bare')
        rows = self.rows(lines)
        self.assertTrue(rows['mmap64_2thr']['linux_expected'])
        problems = br.user_problems(list(rows.values()), 4)
        self.assertIn('linux user-bare mmap64_2thr (3 of 4 runs)', problems)

    def test_linux_without_any_figure_is_missing(self):
        lines = [ln for ln in _log() if not ('guest=linux' in ln
                                              and 'metric=pagefault' in ln)]
        rows = self.rows(lines)
        self.assertIsNone(rows['pagefault']['linux'])
        self.assertIn('linux user-bare pagefault',
                      br.user_problems(list(rows.values()), 3))

    def test_run_without_done_line_lends_nothing(self):
        lines = _log(runs=2)
        lines += _run_lines('linux', 3, 'bare')
        lines += _run_lines('pvk', 3, 'bare', scale=100.0, done=False)
        rows = self.rows(lines)
        self.assertEqual(rows['null_syscall']['pvk_runs'], 2)
        self.assertEqual(rows['null_syscall']['pvk'], 210.0)
        self.assertIn('pvk user-bare null_syscall (2 of 3 runs)',
                      br.user_problems(list(rows.values()), 3))

    def test_failed_metric_is_an_error(self):
        rows = self.rows(_log(failed={'fork_exit_wait': 'fork:ENOMEM'}))
        self.assertTrue(rows['fork_exit_wait']['pvk_expected'])
        problems = br.user_problems(list(rows.values()), 3)
        self.assertTrue(any('fork_exit_wait failed: fork:ENOMEM' in p
                            for p in problems), problems)

    def test_unavailable_in_some_runs_only_is_missing(self):
        """pvk refusing a metric in one run and measuring it in others is
        no "cannot exist": the runs it lacks are missing."""
        lines = _log(runs=2)
        lines += _run_lines('linux', 3, 'bare')
        lines += _run_lines('pvk', 3, 'bare',
                            unavailable={'pagefault': 'mmap:ENOSYS'})
        rows = self.rows(lines)
        self.assertTrue(rows['pagefault']['pvk_expected'])
        self.assertIn('pvk user-bare pagefault (2 of 3 runs)',
                      br.user_problems(list(rows.values()), 3))

    def test_kinds_and_failed_jobs_kept_apart(self):
        bad = ['dom0: [5.00] job bench-u01b-pvh-pvk: guest pvk-user-pvh-1, '
               'timeout 600s'] + _run_lines('pvk', 1, 'pvh', scale=50.0) + \
              ['===== job bench-u01b-pvh-pvk end: guest=pvk-user-pvh-1 '
               'result=verdict post=failed =====']
        lines = bad + _log(virt='pvh') + _log(virt='hvm', pvk=False)
        rows = self.rows(lines, 'pvh')
        self.assertEqual(rows['null_syscall']['pvk'], 220.0)
        self.assertEqual(rows['null_syscall']['mode'], 'user-pvh')
        log = self.parse(lines, 'pvh')
        self.assertEqual(log.failed_jobs, ['bench-u01b-pvh-pvk'])
        hvm = self.rows(lines, 'hvm')
        self.assertIsNone(hvm['null_syscall']['pvk'])
        self.assertTrue(hvm['null_syscall']['pvk_expected'])


class UserMain(unittest.TestCase):
    def run_main(self, d, lines, virt, runs=3):
        serial = os.path.join(d, 'serial.log')
        with open(serial, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        with contextlib.redirect_stdout(io.StringIO()):
            return br.main(['--user-log', serial, '--virt', virt,
                            '--runs', str(runs), '--out-dir', d, '--no-png'])

    def test_outputs_and_json_shape(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(self.run_main(d, _log(), 'bare'), 0)
            with open(os.path.join(d, 'user-bare.json')) as f:
                data = json.load(f)
            with open(os.path.join(d, 'user-bare.dat')) as f:
                dat = f.read()
        self.assertEqual(len(data), 2 * len(METRICS))
        for row in data:
            self.assertEqual(list(row), ['mode', 'metric', 'unit', 'value',
                                         'runs', 'spread', 'kernel', 'note'])
        pvk = {r['metric']: r for r in data if r['kernel'] == 'pvk'}
        self.assertIsNone(pvk['mmap64_2thr']['value'])
        self.assertIn('EINVAL', pvk['mmap64_2thr']['note'])
        self.assertEqual(pvk['null_syscall']['value'], 220.0)
        self.assertIn('"mmap64_2thr" - ', dat)
        self.assertIn('"pvk n/a"', dat)

    def test_exit_status_on_missing_figure(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(self.run_main(d, _log(runs=2), 'bare', runs=3), 1)
            with open(os.path.join(d, 'user-bare.txt')) as f:
                self.assertIn('missing: ', f.read())

    def test_user_table_joins_bench_txt_and_json(self):
        bare = os.path.join(HERE, 'testdata', 'bench-bare-metal-tcg.log')
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(
                self.run_main(d, _log(virt='pv', hcalls=1.0), 'pv'), 0)
            with contextlib.redirect_stdout(io.StringIO()):
                rc = br.main(['--log', f'bare={bare}', '--out-dir', d,
                              '--no-png', '--user',
                              os.path.join(d, 'user-pv.txt')])
            self.assertEqual(rc, 0)
            with open(os.path.join(d, 'bench.json')) as f:
                data = json.load(f)
            with open(os.path.join(d, 'bench.txt')) as f:
                text = f.read()
        self.assertIn('user-pv', {r['mode'] for r in data})
        self.assertIn('bare', {r['mode'] for r in data})
        self.assertIn('Xen PV domUs', text)


if __name__ == '__main__':
    unittest.main()
