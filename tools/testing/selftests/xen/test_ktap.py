# SPDX-License-Identifier: MIT
"""Unit tests for ktap.py (and the pure helpers of run_tests.py and
scripts/bench-report.py).

Run:  /usr/bin/python3 -m unittest discover -s tools/testing/selftests/xen -p 'test_*.py'
"""

import contextlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, 'testdata')
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
sys.path.insert(0, HERE)

import ktap  # noqa: E402


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BOOT = 'pvk: platform=bare-metal cpus=2 mem=256MiB patched=17 sites'

GOOD = f"""{BOOT}
KTAP version 1
1..3
ok 1 alpha
ok 2 beta
ok 3 gamma
pvk: selftest result: PASS (3 passed, 0 failed, 0 skipped)
"""


class GoodLog(unittest.TestCase):
    def test_good(self):
        log = ktap.parse(GOOD)
        self.assertEqual(log.errors, [])
        self.assertTrue(log.ok)
        self.assertTrue(log.complete)
        self.assertEqual(log.plan, 3)
        self.assertEqual([r.name for r in log.results], ['alpha', 'beta', 'gamma'])
        self.assertEqual([r.number for r in log.results], [1, 2, 3])
        self.assertTrue(all(r.status == ktap.OK for r in log.results))
        self.assertEqual(log.verdict, 'PASS')
        self.assertEqual(log.verdict_counts,
                         {'passed': 3, 'failed': 0, 'skipped': 0})
        self.assertEqual((log.passed, log.failed, log.skipped), (3, 0, 0))
        self.assertIsNone(log.panic)

    def test_fail_verdict_consistent(self):
        text = f"""{BOOT}
KTAP version 1
1..2
ok 1 alpha
not ok 2 beta
pvk: selftest result: FAIL (1 passed, 1 failed, 0 skipped)
"""
        log = ktap.parse(text)
        self.assertEqual(log.errors, [])
        self.assertFalse(log.ok)
        self.assertEqual(log.verdict, 'FAIL')
        self.assertEqual([r.name for r in log.failed_tests], ['beta'])
        self.assertEqual(log.results[1].status, ktap.NOT_OK)

    def test_zero_tests(self):
        text = f"{BOOT}\nKTAP version 1\n1..0\n" \
               "pvk: selftest result: PASS (0 passed, 0 failed, 0 skipped)\n"
        log = ktap.parse(text)
        self.assertEqual(log.errors, [])
        self.assertTrue(log.ok)

    def test_testdata_file(self):
        log = ktap.parse_file(os.path.join(TESTDATA, 'grub-pass.log'))
        self.assertEqual(log.errors, [])
        self.assertTrue(log.ok)
        self.assertEqual(log.boot['cpus'], 2)
        self.assertEqual(log.boot['boot'], 'pvh')
        self.assertEqual((log.passed, log.failed, log.skipped), (3, 0, 1))


class Noise(unittest.TestCase):
    def test_interleaved(self):
        text = f"""[    0.000000] early console up
{BOOT}
[    0.001000] mm: 65536 pages free
KTAP version 1
[    0.002000] smp: CPU1 online
1..3
# starting tests
ok 1 alpha
[    0.003000] irq: something ok 7 fake
    ok 9 indented subtest line
ok 2 beta
xok 5 glued
# a diagnostic
ok 3 gamma
[    0.004000] not ok 4 in a log line
pvk: selftest result: PASS (3 passed, 0 failed, 0 skipped)
[    0.005000] poweroff
"""
        log = ktap.parse(text)
        self.assertEqual(log.errors, [])
        self.assertTrue(log.ok)
        self.assertEqual([r.number for r in log.results], [1, 2, 3])
        self.assertIn('starting tests', log.diagnostics)
        self.assertIn('a diagnostic', log.diagnostics)

    def test_crlf(self):
        text = GOOD.replace('\n', '\r\n')
        log = ktap.parse(text)
        self.assertEqual(log.errors, [])
        self.assertTrue(log.ok)
        self.assertEqual(log.results[2].name, 'gamma')
        self.assertEqual(log.boot['platform'], 'bare-metal')

    def test_leading_cr_and_escapes(self):
        text = '\x1b[2J\x1b[1;1H' + GOOD.replace('\n', '\n\r')
        log = ktap.parse(text)
        self.assertEqual(log.errors, [])
        self.assertEqual(log.boot['cpus'], 2)

    def test_binary_garbage(self):
        raw = b'\xff\xfe\x00garbage\n' + GOOD.encode()
        with tempfile.NamedTemporaryFile('wb', suffix='.log', delete=False) as f:
            f.write(raw)
        try:
            log = ktap.parse_file(f.name)
        finally:
            os.unlink(f.name)
        self.assertTrue(log.ok, log.errors)


class Broken(unittest.TestCase):
    def test_missing_verdict(self):
        text = f"{BOOT}\nKTAP version 1\n1..3\nok 1 alpha\nok 2 beta\n"
        log = ktap.parse(text)
        self.assertFalse(log.ok)
        self.assertFalse(log.complete)
        self.assertIsNone(log.verdict)
        self.assertTrue(any('no verdict' in e for e in log.errors), log.errors)
        self.assertTrue(any('plan says 3' in e for e in log.errors), log.errors)
        self.assertTrue(any('missing test numbers: 3' in e for e in log.errors))

    def test_empty(self):
        log = ktap.parse('')
        self.assertFalse(log.ok)
        self.assertIsNone(log.boot)
        self.assertTrue(any('no boot line' in e for e in log.errors))
        self.assertTrue(any('no verdict' in e for e in log.errors))

    def test_verdict_count_mismatch(self):
        text = GOOD.replace('PASS (3 passed', 'PASS (4 passed')
        log = ktap.parse(text)
        self.assertFalse(log.ok)
        self.assertEqual(log.verdict, 'PASS')
        self.assertTrue(any('verdict says 4 passed' in e for e in log.errors),
                        log.errors)

    def test_plan_mismatch(self):
        text = GOOD.replace('1..3', '1..5')
        log = ktap.parse(text)
        self.assertFalse(log.ok)
        self.assertTrue(any('plan says 5 tests, saw 3' in e for e in log.errors))
        self.assertTrue(any('missing test numbers: 4-5' in e for e in log.errors))

    def test_pass_with_failures(self):
        text = GOOD.replace('ok 2 beta', 'not ok 2 beta').replace(
            '(3 passed, 0 failed', '(2 passed, 1 failed')
        log = ktap.parse(text)
        self.assertFalse(log.ok)
        self.assertTrue(any('PASS despite failed' in e for e in log.errors))

    def test_fail_without_failures(self):
        text = GOOD.replace('result: PASS', 'result: FAIL')
        log = ktap.parse(text)
        self.assertTrue(any('FAIL but no test failed' in e for e in log.errors))

    def test_duplicate_numbers(self):
        text = f"""{BOOT}
KTAP version 1
1..3
ok 1 alpha
ok 2 beta
ok 2 beta
ok 3 gamma
pvk: selftest result: PASS (4 passed, 0 failed, 0 skipped)
"""
        log = ktap.parse(text)
        self.assertFalse(log.ok)
        self.assertTrue(any('duplicate test number 2' in e for e in log.errors),
                        log.errors)
        self.assertTrue(any('plan says 3 tests, saw 4' in e for e in log.errors))

    def test_missing_and_out_of_order(self):
        text = f"""{BOOT}
KTAP version 1
1..4
ok 1 alpha
ok 3 gamma
ok 2 beta
pvk: selftest result: PASS (3 passed, 0 failed, 0 skipped)
"""
        log = ktap.parse(text)
        self.assertTrue(any('missing test numbers: 4' in e for e in log.errors),
                        log.errors)
        self.assertTrue(any('out of order' in e for e in log.errors))

    def test_number_beyond_plan(self):
        text = GOOD.replace('ok 3 gamma', 'ok 7 gamma')
        log = ktap.parse(text)
        self.assertTrue(any('outside plan 1..3: 7' in e for e in log.errors),
                        log.errors)

    def test_no_header_no_plan(self):
        text = GOOD.replace('KTAP version 1\n', '').replace('1..3\n', '')
        log = ktap.parse(text)
        self.assertTrue(any('no "KTAP version 1"' in e for e in log.errors))
        self.assertTrue(any('no KTAP plan' in e for e in log.errors))

    def test_wrong_version(self):
        log = ktap.parse(GOOD.replace('KTAP version 1', 'KTAP version 2'))
        self.assertTrue(any('unsupported header' in e for e in log.errors))

    def test_two_verdicts_and_reboot(self):
        log = ktap.parse(GOOD + GOOD)
        self.assertFalse(log.ok)
        self.assertTrue(any('verdict line seen 2 times' in e for e in log.errors))
        self.assertTrue(any('boot line seen 2 times' in e for e in log.errors))

    def test_result_after_verdict(self):
        log = ktap.parse(GOOD + 'ok 4 late\n')
        self.assertTrue(any('after the verdict' in e for e in log.errors))

    def test_malformed_verdict(self):
        log = ktap.parse(GOOD.replace('(3 passed, 0 failed, 0 skipped)',
                                      '3 passed'))
        self.assertIsNone(log.verdict)
        self.assertTrue(any('malformed verdict' in e for e in log.errors))


class Skip(unittest.TestCase):
    def test_skip_parsing(self):
        text = f"""{BOOT}
KTAP version 1
1..5
ok 1 alpha # SKIP not on Xen
ok 2 beta #SKIP
ok 3 - gamma
ok 4 delta # skip lower case reason
not ok 5 epsilon # SKIP skipped even though not ok
pvk: selftest result: PASS (1 passed, 0 failed, 4 skipped)
"""
        log = ktap.parse(text)
        self.assertEqual(log.errors, [])
        r = log.results
        self.assertEqual((r[0].name, r[0].status, r[0].reason),
                         ('alpha', ktap.SKIP, 'not on Xen'))
        self.assertEqual((r[1].name, r[1].status, r[1].reason),
                         ('beta', ktap.SKIP, ''))
        self.assertEqual((r[2].name, r[2].status), ('gamma', ktap.OK))
        self.assertEqual((r[3].status, r[3].reason),
                         (ktap.SKIP, 'lower case reason'))
        self.assertEqual(r[4].status, ktap.SKIP)
        self.assertEqual((log.passed, log.failed, log.skipped), (1, 0, 4))

    def test_hash_in_name_is_not_directive(self):
        log = ktap.parse(GOOD.replace('ok 2 beta', 'ok 2 be#ta'))
        self.assertEqual(log.results[1].name, 'be#ta')
        self.assertEqual(log.results[1].status, ktap.OK)

    def test_todo_is_not_skip(self):
        log = ktap.parse(GOOD.replace('ok 2 beta', 'ok 2 beta # TODO later'))
        self.assertEqual(log.results[1].status, ktap.OK)
        self.assertEqual(log.results[1].directive, 'TODO')
        self.assertEqual(log.results[1].name, 'beta')


class Panic(unittest.TestCase):
    def test_panic(self):
        text = f"""{BOOT}
KTAP version 1
1..3
ok 1 alpha
[    1.000000] BUG: unexpected #PF at 0x0
pvk: PANIC: page fault in kernel mode at rip=ffffffff80001234
[    1.000001] pvk: PANIC (second)
"""
        log = ktap.parse(text)
        self.assertFalse(log.ok)
        self.assertEqual(log.panic, 'pvk: PANIC: page fault in kernel mode '
                                    'at rip=ffffffff80001234')
        self.assertEqual(len(log.panics), 1)
        self.assertTrue(any('kernel panic' in e for e in log.errors))
        self.assertTrue(any('no verdict' in e for e in log.errors))


class BootLine(unittest.TestCase):
    def test_basic(self):
        log = ktap.parse(GOOD)
        self.assertEqual(log.boot, {'platform': 'bare-metal', 'cpus': 2,
                                    'mem': 256, 'patched': 17})
        self.assertEqual(log.boot_line, BOOT)

    def test_extra_fields(self):
        line = ('pvk: platform=xen-pv cpus=4 mem=1024MiB patched=123 sites '
                'xen=4.17 domid=0 evtchn=fifo')
        b = ktap.parse_boot_line(line)
        self.assertEqual(b['platform'], 'xen-pv')
        self.assertEqual(b['cpus'], 4)
        self.assertEqual(b['mem'], 1024)
        self.assertEqual(b['patched'], 123)
        self.assertEqual(b['xen'], '4.17')
        self.assertEqual(b['domid'], '0')
        self.assertEqual(b['evtchn'], 'fifo')

    def test_all_platforms(self):
        for p in ('bare-metal', 'xen-pv', 'xen-pvh', 'xen-hvm'):
            b = ktap.parse_boot_line(
                f'pvk: platform={p} cpus=1 mem=64MiB patched=0 sites')
            self.assertEqual(b['platform'], p)

    def test_malformed(self):
        self.assertIsNone(ktap.parse_boot_line(
            'pvk: platform=bare-metal cpus=two mem=256MiB patched=1 sites'))
        self.assertIsNone(ktap.parse_boot_line(
            'pvk: platform=bare-metal cpus=2 mem=256 patched=1 sites'))
        log = ktap.parse(GOOD.replace('mem=256MiB', 'mem=256KiB'))
        self.assertIsNone(log.boot)
        self.assertTrue(any('malformed boot line' in e for e in log.errors))

    def test_not_anchored(self):
        log = ktap.parse('[ 0.1] ' + GOOD)
        self.assertIsNone(log.boot)


class RunnerHelpers(unittest.TestCase):
    """The pure parts of run_tests.py: matrix, selection, counting."""

    @classmethod
    def setUpClass(cls):
        cls.rt = _load('run_tests', os.path.join(HERE, 'run_tests.py'))

    def test_matrix_names_unique(self):
        names = [r.name for r in self.rt.TEST_ROWS + self.rt.BENCH_ROWS]
        self.assertEqual(len(names), len(set(names)))
        self.assertIn('pvh-tcg-smp1', names)
        self.assertIn('iso-tcg-smp4', names)
        self.assertIn('pvh-kvm-smp2', names)

    def test_expected_cpus(self):
        row = self.rt.Row('x', boot='pvh', cpus=3)
        self.assertEqual(self.rt.expected_cpus(row, ''), 3)
        self.assertIsNone(self.rt.expected_cpus(row, 'maxcpus=1'))

    def test_closing_line(self):
        Result = self.rt.RowResult
        rows = [Result(self.rt.TEST_ROWS[0], 'PASS', passed=5, skipped=1),
                Result(self.rt.TEST_ROWS[1], 'FAIL', passed=4, failed=1),
                Result(self.rt.TEST_ROWS[2], 'HANG', passed=2),
                Result(self.rt.TEST_ROWS[3], 'SKIP')]
        self.assertEqual(self.rt.closing_counts(rows), (11, 2, 2))


class RunnerEvaluate(unittest.TestCase):
    """run_tests.evaluate() on canned logs and QEMU outcomes."""

    @classmethod
    def setUpClass(cls):
        cls.rt = _load('run_tests', os.path.join(HERE, 'run_tests.py'))

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        rt = self.rt
        self.ctx = rt.Context('qemu', '/nonexistent/pvk', '/nonexistent/iso',
                              self.tmp.name, '', 5.0, False)
        self.row = rt.Row('pvh-tcg-smp2', 'pvh', 2)
        # GOOD has made-up cases: the rows' MANIFEST is test_manifest.py's.
        self.saved_manifest, rt.MANIFEST = rt.MANIFEST, ()

    def tearDown(self):
        self.rt.MANIFEST = self.saved_manifest
        self.tmp.cleanup()

    def evaluate(self, text, how='exited', code=1, trigger='x', cmdline=''):
        rt = self.rt
        serial, debugcon, qemu_out = rt.log_paths(self.row.name, self.ctx)
        with open(serial, 'w') as f:
            f.write(text)
        outcome = rt.Outcome(how, code, trigger, 1.5)
        return rt.evaluate(self.row, self.ctx, cmdline, outcome, serial,
                           debugcon, qemu_out)

    def test_pass(self):
        res = self.evaluate(GOOD)
        self.assertEqual(res.status, 'PASS', res.problems)
        self.assertEqual((res.passed, res.failed, res.skipped), (3, 0, 0))
        self.assertEqual(res.platform, 'bare-metal')

    def test_fail(self):
        text = GOOD.replace('ok 2 beta', 'not ok 2 beta').replace(
            'PASS (3 passed, 0 failed', 'FAIL (2 passed, 1 failed')
        res = self.evaluate(text, code=3)
        self.assertEqual(res.status, 'FAIL', res.problems)
        self.assertEqual(res.failed_tests, ['2 beta'])
        self.assertEqual(self.rt.closing_counts([res]), (2, 1, 0))

    def test_fail_shows_what_the_case_said(self):
        notes = ''.join(f'    # s.beta: line {i}\n' for i in range(8))
        text = GOOD.replace('ok 1 alpha\n', 'ok 1 alpha\n    # s.alpha: fine\n')
        text = text.replace('ok 2 beta', notes + 'not ok 2 s.beta').replace(
            'PASS (3 passed, 0 failed', 'FAIL (2 passed, 1 failed')
        res = self.evaluate(text, code=3)
        self.assertEqual(res.failure_notes['s.beta'][0], 'line 0')
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.rt.print_details([res])
        shown = out.getvalue()
        self.assertIn('not ok 2 s.beta\n      # line 0\n', shown)
        self.assertIn('# line 5\n      # ... 2 more in the log\n', shown)
        self.assertNotIn('fine', shown)

    def test_wrong_exit_status(self):
        res = self.evaluate(GOOD, code=3)
        self.assertEqual(res.status, 'MISMATCH')

    def test_cpus_mismatch_and_maxcpus(self):
        one = GOOD.replace('cpus=2', 'cpus=1')
        self.assertEqual(self.evaluate(one).status, 'MISMATCH')
        self.assertEqual(self.evaluate(one, cmdline='maxcpus=1').status, 'PASS')

    def test_platform_mismatch(self):
        res = self.evaluate(GOOD.replace('bare-metal', 'xen-hvm'))
        self.assertEqual(res.status, 'MISMATCH')

    def test_hang_crash_panic(self):
        partial = f'{BOOT}\nKTAP version 1\n1..3\nok 1 alpha\n'
        hang = self.evaluate(partial, how='timeout', code=None, trigger=None)
        self.assertEqual(hang.status, 'HANG')
        self.assertEqual(self.rt.closing_counts([hang]), (1, 1, 0))
        crash = self.evaluate(partial, code=0, trigger=None)
        self.assertEqual(crash.status, 'CRASH')
        panic = self.evaluate(partial + 'pvk: PANIC: oops\n', how='stopped',
                              code=None)
        self.assertEqual(panic.status, 'PANIC')


@unittest.skipUnless(shutil.which('gcc') and shutil.which('ld') and
                     shutil.which('qemu-system-x86_64'),
                     'needs gcc, ld and qemu-system-x86_64')
class RunnerEndToEnd(unittest.TestCase):
    """run_tests.py against testdata/fake-pvk.S booted under QEMU."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def fake(self, mode):
        obj = os.path.join(self.tmp.name, f'fake{mode}.o')
        elf = os.path.join(self.tmp.name, f'fake{mode}')
        subprocess.run(['gcc', '-m32', '-c', f'-DFAKE_MODE={mode}',
                        os.path.join(TESTDATA, 'fake-pvk.S'), '-o', obj],
                       check=True)
        subprocess.run(['ld', '-m', 'elf_i386', '-Ttext-segment=0x100000',
                        '-z', 'noexecstack', '-e', '_start', obj, '-o', elf],
                       check=True)
        return elf

    def run_rows(self, image, *args):
        # The fake reads no module; QEMU only needs a file to load.
        initramfs = os.path.join(self.tmp.name, 'initramfs.cpio')
        with open(initramfs, 'wb') as f:
            f.write(b'070701')
        return subprocess.run(
            [sys.executable, os.path.join(HERE, 'run_tests.py'),
             '--image', image, '--logs', os.path.join(self.tmp.name, 'logs'),
             '--initramfs', initramfs, '--no-kvm'] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def test_pass(self):
        p = self.run_rows(self.fake(0), '--only', r'pvh-tcg-smp[12]$')
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertEqual(p.stdout.rstrip().splitlines()[-1],
                         '58 passed, 0 failed, 2 skipped')

    def test_fail_and_hang(self):
        p = self.run_rows(self.fake(1), '--only', 'pvh-tcg-smp1')
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn('not ok 30 fake_three', p.stdout)
        self.assertEqual(p.stdout.rstrip().splitlines()[-2:],
                         ['retries: 0', '28 passed, 1 failed, 1 skipped'])
        p = self.run_rows(self.fake(3), '--only', 'pvh-tcg-smp1',
                          '--timeout', '2')
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn('HANG', p.stdout)


class BenchReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.br = _load('bench_report',
                       os.path.join(ROOT, 'scripts', 'bench-report.py'))

    def test_parse_synthetic(self):
        path = os.path.join(TESTDATA, 'bench-bare-metal-tcg.log')
        samples = self.br.parse_bench_log(path)
        self.assertGreater(len(samples), 0)
        ops = {s['op'] for s in samples}
        self.assertIn('irq_disable', ops)
        self.assertEqual({s['variant'] for s in samples},
                         {'patched', 'indirect', 'raw'})

    def test_missing_done(self):
        with tempfile.NamedTemporaryFile('w', suffix='.log', delete=False) as f:
            f.write('pvk-bench: platform=bare-metal op=x variant=raw '
                    'cycles=10 hypercalls=0\n')
        try:
            with self.assertRaises(self.br.BenchError):
                self.br.parse_bench_log(f.name)
        finally:
            os.unlink(f.name)

    def test_malformed_line(self):
        with tempfile.NamedTemporaryFile('w', suffix='.log', delete=False) as f:
            f.write('pvk-bench: platform=bare-metal op=x variant=fast '
                    'cycles=10 hypercalls=0\npvk-bench: done\n')
        try:
            with self.assertRaises(self.br.BenchError):
                self.br.parse_bench_log(f.name)
        finally:
            os.unlink(f.name)

    def test_hypercall_labels(self):
        lines = ['pvk-bench: platform=xen-pv op=set_pte variant=patched '
                 'cycles=2500 hypercalls=1.00',
                 'pvk-bench: platform=xen-pv op=set_pte variant=indirect '
                 'cycles=2600 hypercalls=1.00',
                 'pvk-bench: platform=xen-pv op=cli_sti variant=patched '
                 'cycles=50 hypercalls=0.00',
                 'pvk-bench: done']
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, 'xen.log')
            with open(log, 'w') as f:
                f.write('\n'.join(lines) + '\n')
            xen = self.br.Mode('xen', log, self.br.parse_bench_log(log))
            bare = self.br.Mode('bare', os.path.join(TESTDATA, 'bench-bare-metal-tcg.log'),
                                self.br.parse_bench_log(
                                    os.path.join(TESTDATA, 'bench-bare-metal-tcg.log')))
            self.assertEqual(self.br.op_label(xen, 'set_pte'), 'set_pte [1 hc]')
            self.assertEqual(self.br.op_label(xen, 'cli_sti'), 'cli_sti [0 hc]')
            self.assertEqual(self.br.op_label(bare, 'irq_disable'), 'irq_disable')
            dat = os.path.join(d, 'bench.dat')
            self.br.write_data([bare, xen], dat)
            with open(dat) as f:
                text = f.read()
            self.assertIn('"set_pte [1 hc]" 2500 2600 -', text)


if __name__ == '__main__':
    unittest.main()
