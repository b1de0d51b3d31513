#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of how run_tests.py judges the end of a boot: isa-debug-exit
status on bare metal, ACPI S5 through Xen for pvk as dom0, a hang, and
the power button row (QMP system_powerdown while serving)."""

import json
import os
import socket
import sys
import threading
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


POWERDOWN_SERIAL = """\
pvk: platform=bare-metal cpus=2 mem=251MiB patched=216 sites
[    0.1] acpi: power button on SCI IRQ 9 (GSI 9, level, active high), vector 48
pvk: serving
pvk: shutdown requested: poweroff (from ACPI power button)
pvk: poweroff: closing devices
pvk: poweroff now
"""


class PowerButton(Judge):
    def row(self):
        return run_tests.Row('pvh-tcg-smp2-powerbutton', 'pvh', 2,
                             append='selftest=none', serve_only=True,
                             powerdown=True)

    def judge_text(self, text, outcome):
        row = self.row()
        serial, debugcon, _ = run_tests.log_paths(row.name, self.ctx)
        with open(serial, 'w') as f:
            f.write(text)
        return run_tests.evaluate(row, self.ctx, row.append, outcome, serial,
                                  debugcon, '/nonexistent')

    def powered_off(self, code=1):
        return run_tests.Outcome('exited', code, 'pvk: serving', 5.0,
                                 powerdown='sent')

    def test_clean_power_off_passes(self):
        res = self.judge_text(POWERDOWN_SERIAL, self.powered_off())
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        res = self.judge_text(POWERDOWN_SERIAL, self.powered_off(0))
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        self.assertTrue(any('ACPI S5' in n for n in res.notes))

    def test_each_missing_line_fails(self):
        for line in ('acpi: power button on SCI',
                     'pvk: shutdown requested', 'pvk: poweroff now'):
            text = '\n'.join(ln for ln in POWERDOWN_SERIAL.split('\n')
                             if line not in ln)
            res = self.judge_text(text, self.powered_off())
            self.assertEqual(res.status, run_tests.MISMATCH, line)

    def test_request_from_elsewhere_fails(self):
        text = POWERDOWN_SERIAL.replace('ACPI power button', 'somewhere')
        res = self.judge_text(text, self.powered_off())
        self.assertEqual(res.status, run_tests.MISMATCH)

    def test_killed_or_bad_status_fails(self):
        stopped = run_tests.Outcome('stopped', None, 'pvk: serving', 35.0,
                                    powerdown='sent')
        res = self.judge_text(POWERDOWN_SERIAL, stopped)
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertTrue(any('stopped by the runner' in p
                            for p in res.problems), res.problems)
        res = self.judge_text(POWERDOWN_SERIAL, self.powered_off(3))
        self.assertEqual(res.status, run_tests.MISMATCH)

    def test_not_sent_fails(self):
        for why in ('', 'QMP system_powerdown failed: refused'):
            outcome = run_tests.Outcome('stopped', None, 'pvk: serving', 1.0,
                                        powerdown=why)
            res = self.judge_text(POWERDOWN_SERIAL, outcome)
            self.assertEqual(res.status, run_tests.MISMATCH, why)
            self.assertTrue(res.problems[0].startswith(
                why or 'system_powerdown not sent'), res.problems)

    def test_qmp_only_on_powerdown_rows(self):
        self.ctx.dry_run = True
        argv = run_tests.qemu_command(self.row(), self.ctx, '', 's', 'd')
        self.assertIn('-qmp', argv)
        self.assertIn(run_tests.qmp_path(self.row(), self.ctx),
                      argv[argv.index('-qmp') + 1])
        plain = run_tests.Row('pvh-tcg-smp2', 'pvh', 2)
        self.assertNotIn('-qmp', run_tests.qemu_command(
            plain, self.ctx, '', 's', 'd'))


class FakeQmp(threading.Thread):
    """A QMP server that answers, with an event first, and records
    every command it got."""

    def __init__(self, path, fail=None):
        super().__init__(daemon=True)
        self.commands = []
        self.fail = fail
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)

    def run(self):
        conn, _ = self.sock.accept()
        with conn, conn.makefile('rw') as f:
            f.write('{"QMP": {"version": {}, "capabilities": []}}\n')
            f.flush()
            for line in f:
                cmd = json.loads(line)['execute']
                self.commands.append(cmd)
                f.write('{"event": "X", "timestamp": {}}\n')
                if cmd == self.fail:
                    f.write('{"error": {"class": "GenericError"}}\n')
                else:
                    f.write('{"return": {}}\n')
                f.flush()
        self.sock.close()


class PowerdownStop(unittest.TestCase):
    def setUp(self):
        self.dir = os.path.join('/tmp', f'pvk-qmp-test-{os.getpid()}')
        os.makedirs(self.dir, exist_ok=True)
        self.path = os.path.join(self.dir, 'q.sock')
        if os.path.exists(self.path):
            os.unlink(self.path)

    def tearDown(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        os.rmdir(self.dir)

    def test_serving_presses_the_button_once(self):
        server = FakeQmp(self.path)
        server.start()
        state = []
        stop = run_tests.powerdown_stop(self.path, run_tests.selftest_stop,
                                        state)
        self.assertIsNone(stop('pvk: platform=bare-metal cpus=2'))
        self.assertEqual(stop('pvk: serving'), run_tests.POWERDOWN_GRACE)
        server.join(5)
        self.assertEqual(state, ['sent'])
        self.assertEqual(server.commands,
                         ['qmp_capabilities', 'system_powerdown'])
        # Once only; other lines still reach the wrapped stop.
        self.assertIsNone(stop('pvk: serving'))
        self.assertEqual(stop('pvk: PANIC: x'), run_tests.PANIC_GRACE)

    def test_qmp_error_stops_at_once(self):
        server = FakeQmp(self.path, fail='system_powerdown')
        server.start()
        state = []
        stop = run_tests.powerdown_stop(self.path, run_tests.selftest_stop,
                                        state)
        self.assertEqual(stop('pvk: serving'), 0.0)
        server.join(5)
        self.assertTrue(state[0].startswith('QMP system_powerdown failed'),
                        state)

    def test_no_socket_stops_at_once(self):
        state = []
        stop = run_tests.powerdown_stop(self.path, run_tests.selftest_stop,
                                        state)
        self.assertEqual(stop('pvk: serving'), 0.0)
        self.assertTrue(state[0].startswith('QMP system_powerdown failed'))


if __name__ == '__main__':
    unittest.main()
