#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of how run_tests.py judges the end of a boot: isa-debug-exit
status on bare metal, ACPI S5 through Xen for pvk as dom0."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run_tests  # noqa: E402

SERIAL = """\
pvk: platform=%s cpus=1 mem=251MiB patched=216 sites%s
KTAP version 1
1..1
ok 1 suite.case
pvk: selftest result: PASS (1 passed, 0 failed, 0 skipped)
"""


class PowerOff(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.ctx = run_tests.Context('qemu', '/nonexistent', None,
                                     self.tmp.name, '', 120, False)

    def tearDown(self):
        self.tmp.cleanup()

    def judge(self, row, outcome):
        serial, debugcon, _ = run_tests.log_paths(row.name, self.ctx)
        words = ' dom0' if row.boot == 'xen' else ''
        with open(serial, 'w') as f:
            f.write(SERIAL % (row.platform, words))
        return run_tests.evaluate(row, self.ctx, '', outcome, serial,
                                  debugcon, '/nonexistent')

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


if __name__ == '__main__':
    unittest.main()
