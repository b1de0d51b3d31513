#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of how run_tests.py judges the end of a boot: isa-debug-exit
status on bare metal, ACPI S5 through Xen for pvk as dom0, and a hang."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run_tests  # noqa: E402
from test_dom0stack import RowResults  # noqa: E402

SERIAL = """\
pvk: platform=%s cpus=1 mem=251MiB patched=216 sites%s
KTAP version 1
1..1
ok 1 suite.case
pvk: selftest result: PASS (1 passed, 0 failed, 0 skipped)
"""


class Judge(RowResults):
    """Base: a serial log and an outcome through evaluate()."""

    def judge(self, row, outcome, tail=''):
        serial, debugcon, _ = run_tests.log_paths(row.name, self.ctx)
        words = ' dom0' if row.boot == 'xen' else ''
        with open(serial, 'w') as f:
            f.write(SERIAL % (row.platform, words) + tail)
        return run_tests.evaluate(row, self.ctx, '', outcome, serial,
                                  debugcon, '/nonexistent')


class PowerOff(Judge):
    def dom0_row(self):
        return run_tests.Row('xen-pv-dom0-smp1', 'xen', 1, platform='xen-pv')

    def test_dom0_powered_off_through_s5(self):
        res = self.judge(self.dom0_row(), run_tests.Outcome('exited', 0))
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        self.assertEqual(res.notes, [])

    def test_dom0_that_halts_fails(self):
        res = self.judge(self.dom0_row(), run_tests.Outcome('stopped'))
        self.assertNotEqual(res.status, run_tests.PASS)
        self.assertTrue(any('XENPF_enter_acpi_sleep' in p
                            for p in res.problems), res.problems)

    def test_dom0_exit_status_must_be_zero(self):
        res = self.judge(self.dom0_row(), run_tests.Outcome('exited', 1))
        self.assertNotEqual(res.status, run_tests.PASS)

    def pvh_row(self):
        return run_tests.Row('xen-pvh-dom0-smp1', 'xen', 1, platform='xen-pvh')

    def test_pvh_dom0_halt_accepted_only_with_pvk_reason(self):
        halted = run_tests.XEN_DOM0_HALTED + '\n'
        reason = '[    0.1] ' + run_tests.PVK_NO_S5 + '\n'
        res = self.judge(self.pvh_row(), run_tests.Outcome('stopped'),
                         reason + halted)
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        self.assertTrue(res.notes)
        for tail in (halted, reason):
            res = self.judge(self.pvh_row(), run_tests.Outcome('stopped'), tail)
            self.assertNotEqual(res.status, run_tests.PASS, tail)
        # A PV dom0 never gets the exception.
        res = self.judge(self.dom0_row(), run_tests.Outcome('stopped'),
                         reason + halted)
        self.assertNotEqual(res.status, run_tests.PASS)

    def test_xen_halt_stops_at_once(self):
        stop = run_tests.xen_dom0_stop(run_tests.selftest_stop)
        self.assertEqual(stop(run_tests.XEN_DOM0_HALTED), 0.0)

    def test_dom0_gets_the_longer_grace(self):
        stop = run_tests.xen_dom0_stop(run_tests.selftest_stop)
        self.assertEqual(stop('pvk: selftest result: PASS (1 passed, 0 '
                              'failed, 0 skipped)'),
                         run_tests.XEN_POWEROFF_GRACE)
        self.assertIsNone(stop('ok 1 suite.case'))

    def test_bare_metal_s5_is_only_a_note(self):
        row = run_tests.Row('pvh-tcg-smp1', 'pvh', 1)
        res = self.judge(row, run_tests.Outcome('exited', 0))
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        self.assertTrue(any('ACPI S5' in n for n in res.notes))
        res = self.judge(row, run_tests.Outcome('exited', 1))
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        self.assertEqual(res.notes, [])


class Hang(Judge):
    def test_stuck_case_is_named(self):
        row = run_tests.Row('pvh-tcg-smp1', 'pvh', 1)
        serial, debugcon, _ = run_tests.log_paths(row.name, self.ctx)
        with open(serial, 'w') as f:
            f.write('pvk: platform=bare-metal cpus=1 mem=251MiB patched=216 '
                    'sites\nKTAP version 1\n1..2\nok 1 a.b\n'
                    '# selftest: a.c still running after 30 s\n'
                    '#   CPU0: last tick 0 ms ago at spin+0x4 (0x1)\n'
                    '# selftest: a.c still running after 60 s\n'
                    '#   CPU0: last tick 1 ms ago at spin+0x4 (0x1)\n')
        res = run_tests.evaluate(row, self.ctx, '', run_tests.Outcome(
            'timeout'), serial, debugcon, '/nonexistent')
        self.assertEqual(res.status, run_tests.HANG)
        self.assertIn('stuck in a.c for 60+ s', res.problems[0])


if __name__ == '__main__':
    unittest.main()
