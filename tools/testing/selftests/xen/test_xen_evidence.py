#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of the evidence from outside pvk that run_tests.py honours
with one more dom0 boot, on excerpts of real dom0 serial logs
(testdata/dom0stack-hvm-*.log): Xen's dump of a triple-faulted vCPU that
shows Xen's own code selector, in the row's job window; and a dom0
crash beside results lost from the console, which counts only when pvk
said that its console backend stalled."""

import os
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run_tests  # noqa: E402
from test_dom0stack import RowResults  # noqa: E402



def _testdata(name):
    with open(os.path.join(HERE, 'testdata', name)) as f:
        return f.read()


LOG = _testdata('dom0stack-hvm-triple-fault.log')
LOST_LOG = _testdata('dom0stack-hvm-lost-lines.log')
GUEST = 'xen-hvm-domU-smp2'
FAULT = '(XEN) d4v1 Triple fault - invoking HVM shutdown action 1'
JOB_END = ('===== job 03-xen-hvm-domU-smp2 end: guest=xen-hvm-domU-smp2 '
           'result=exited post=ok =====\n')


def guest_cs(text):
    """The same dump with the guest's own selector and a RIP of pvk's."""
    return text.replace('RIP:    e008:[<ffff82d0402044a5>]',
                        'RIP:    0010:[<ffffffff801162d5>]') \
               .replace('cr2: ffff82d0402044a5', 'cr2: ffffffff801162d5') \
               .replace('cs: e008', 'cs: 0010')


class Window(unittest.TestCase):
    def test_xen_lines_of_the_job_and_its_domain(self):
        guests, _ = run_tests.split_dom0_log(LOG)
        run = guests[GUEST]
        self.assertEqual(run.domid, '4')
        self.assertEqual(run.xen[0], '(XEN) HVM d4v0 save: CPU')
        # Xen's serial lines and the xl dmesg tail: both in the window.
        self.assertEqual(run.xen.count(FAULT), 2)
        self.assertNotIn(FAULT, run.console)
        self.assertEqual(run_tests.xen_lost_guest_state(run), FAULT)
        # The job before it had no triple fault.
        self.assertEqual(
            run_tests.xen_lost_guest_state(guests['xen-hvm-domU-smp1']), '')

    def test_guest_selector_is_no_evidence(self):
        guests, _ = run_tests.split_dom0_log(guest_cs(LOG))
        self.assertEqual(run_tests.xen_lost_guest_state(guests[GUEST]), '')

    def test_only_the_jobs_own_domain_counts(self):
        other = LOG.replace('d4v1 Triple', 'd3v1 Triple') \
                   .replace('Dom4 vcpu#1', 'Dom3 vcpu#1')
        guests, _ = run_tests.split_dom0_log(other)
        self.assertEqual(run_tests.xen_lost_guest_state(guests[GUEST]), '')
        # A dump of another vCPU than the one that faulted says nothing.
        other = LOG.replace('Dom4 vcpu#1', 'Dom4 vcpu#0')
        guests, _ = run_tests.split_dom0_log(other)
        self.assertEqual(run_tests.xen_lost_guest_state(guests[GUEST]), '')

    def test_fault_outside_the_window_is_no_evidence(self):
        lines = LOG.split('\n')
        dump = [ln for ln in lines if ln.startswith('(XEN)')
                and ('Triple' in ln or 'Dumping' in ln or 'cs:' in ln)]
        inside = '\n'.join(ln for ln in lines if ln not in dump)
        guests, _ = run_tests.split_dom0_log(inside)
        self.assertEqual(run_tests.xen_lost_guest_state(guests[GUEST]), '')
        # The same dump after the job's end line belongs to no job of it.
        later = inside.replace(JOB_END, JOB_END + '\n'.join(dump) + '\n')
        guests, _ = run_tests.split_dom0_log(later)
        self.assertEqual(run_tests.xen_lost_guest_state(guests[GUEST]), '')

    def test_a_job_that_ran_again_starts_a_new_window(self):
        again = LOG + LOG[LOG.index('dom0: [114.54] job 03'):].replace(
            'cs: e008', 'cs: 0010').replace('created as domain 4',
                                            'created as domain 9')
        guests, _ = run_tests.split_dom0_log(again)
        self.assertEqual(guests[GUEST].domid, '9')
        self.assertEqual(run_tests.xen_lost_guest_state(guests[GUEST]), '')


class Retry(RowResults):
    def judged(self, text):
        guests, _ = run_tests.split_dom0_log(text)
        run = guests[GUEST]
        res = self.result(run_tests._hvm_domu(2), run)
        run_tests.note_dom0_crash(res, run)
        run_tests.note_xen_lost_state(res, run)
        return res

    def test_xen_selector_earns_the_retry(self):
        res = self.judged(LOG)
        self.assertEqual(res.status, run_tests.CRASH)
        self.assertIn(run_tests.XEN_LOST_STATE + FAULT, res.problems)
        self.assertEqual(run_tests.retry_reason(res),
                         run_tests.XEN_LOST_STATE + FAULT)

    def test_guest_triple_fault_stays_pvks_failure(self):
        res = self.judged(guest_cs(LOG))
        self.assertEqual(res.status, run_tests.CRASH)
        self.assertEqual(run_tests.retry_reason(res), '')

    def test_not_noted_on_a_pass_nor_retried_beside_a_panic(self):
        guests, _ = run_tests.split_dom0_log(LOG)
        res = run_tests.RowResult(run_tests._hvm_domu(2), run_tests.PASS)
        run_tests.note_xen_lost_state(res, guests[GUEST])
        self.assertEqual(res.problems, [])
        res.status = run_tests.PANIC
        run_tests.note_xen_lost_state(res, guests[GUEST])
        self.assertEqual(run_tests.retry_reason(res), '')

    def test_retry_is_counted(self):
        row = run_tests._hvm_domu(2)
        first = self.judged(LOG)
        calls = []

        def once(rows, ctx, probes):
            calls.append([r.name for r in rows])
            if len(calls) == 1:
                return [first]
            return [run_tests.RowResult(row, run_tests.PASS)]
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(run_tests, '_run_dom0stack_once', once):
            ctx = run_tests.Context('qemu', '/img', None, tmp, '', 90, False)
            out = run_tests.run_dom0stack([row], ctx, {})
        self.assertEqual(calls, [[GUEST], [GUEST]])
        self.assertEqual(out[0].status, run_tests.PASS)
        self.assertEqual(run_tests.closing_notes(out), [
            f'retries: 1 ({GUEST}: {run_tests.XEN_LOST_STATE}{FAULT})'])


CUT = '[    4.865ok 99 netfront.netfront_fake_tx_slots\n'
NOTED = ('[    4.865\nconsole: 352 bytes dropped while the backend stalled\n'
         'ok 99 netfront.netfront_fake_tx_slots\n')


class LostLines(RowResults):
    def judged(self, text):
        guests, _ = run_tests.split_dom0_log(text)
        run = guests['xen-pvh-domU-smp2']
        res = self.result(run_tests._pvh_domu(2), run)
        self.assertEqual(res.status, run_tests.MISMATCH, res.problems)
        self.assertTrue(any(p.startswith('missing test numbers: 98')
                            for p in res.problems), res.problems)
        run_tests.note_dom0_crash(res, run)
        return res

    def test_crash_beside_unexplained_loss_is_no_evidence(self):
        self.assertIn(CUT, LOST_LOG)
        res = self.judged(LOST_LOG)
        self.assertEqual(run_tests.retry_reason(res), '')
        self.assertTrue(any(p.startswith(run_tests.DOM0_CRASH_NOT_EVIDENCE)
                            and 'busybox' in p for p in res.problems),
                        res.problems)

    def test_crash_beside_a_stalled_backend_is_retried(self):
        res = self.judged(LOST_LOG.replace(CUT, NOTED))
        why = run_tests.retry_reason(res)
        self.assertTrue(why.startswith(run_tests.DOM0_CRASHED), why)
        self.assertIn('busybox', why)

    def test_results_missing_after_no_verdict_keep_the_crash(self):
        # A guest that hung (or went away) misses the rest of its results
        # whatever happened: the crash stays evidence for it.
        for status in (run_tests.HANG, run_tests.CRASH):
            res = run_tests.RowResult(
                run_tests._hvm_domu(2), status,
                problems=['no verdict within 600 s',
                          'plan says 138 tests, saw 32 results',
                          'missing test numbers: 33-138'])
            crash = ('dom0: crashed during job 02-xen-hvm-domU-smp2: [ 85.5] '
                     'traps: exe[1077] general protection fault ip:4a4d02')
            run_tests.note_dom0_crash(res, run_tests.GuestRun(after=[crash]))
            self.assertEqual(run_tests.retry_reason(res),
                             run_tests.DOM0_CRASHED + crash)

    def test_stalled_backend_alone_is_no_evidence(self):
        text = ''.join(ln for ln in LOST_LOG.replace(CUT, NOTED)
                       .splitlines(keepends=True)
                       if not ln.startswith('dom0: crashed during job'))
        self.assertEqual(run_tests.retry_reason(self.judged(text)), '')


if __name__ == '__main__':
    unittest.main()
