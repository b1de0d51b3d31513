#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of run_tests.py's dom0stack rows: cutting guest console
blocks out of a dom0 serial log and turning them into row results."""

import os
import struct
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run_tests  # noqa: E402

LOG = """\
(XEN) Xen version 4.17
dom0: [17.32] job 00-xen-pv-domU-smp1: guest xen-pv-domU-smp1, timeout 120s
pre: device/ of domain 1 (xen-pv-domU-smp1) writable for it
dom0: [23.40] job 00-xen-pv-domU-smp1: verdict after 6s
dom0: [23.48] job 00-xen-pv-domU-smp1: xen-pv-domU-smp1 is gone
===== guest xen-pv-domU-smp1 console begin =====
[    0.073545] pvk: entry=xen-pv cmdline='selftest=all'
pvk: platform=xen-pv cpus=1 mem=123MiB patched=216 sites domU
KTAP version 1
1..1
(XEN) a hypervisor line in the middle
ok 1 suite.case
pvk: selftest result: PASS (1 passed, 0 failed, 0 skipped)
===== guest xen-pv-domU-smp1 console end =====
===== job 00-xen-pv-domU-smp1 end: guest=xen-pv-domU-smp1 result=verdict post=none =====
dom0: [25.00] job 01-xen-pv-domU-smp2: guest xen-pv-domU-smp2, timeout 120s
dom0: [45.00] job 01-xen-pv-domU-smp2: exited after 20s
===== guest xen-pv-domU-smp2 console begin =====
pvk: platform=xen-pv cpus=2 mem=123MiB patched=216 sites dom0
===== guest xen-pv-domU-smp2 console end =====
----- xl log of xen-pv-domU-smp2
libxl: error: something failed
===== job 01-xen-pv-domU-smp2 end: guest=xen-pv-domU-smp2 result=exited post=none =====
dom0: [46.00] jobs: 2 run, 1 ok
===== dom0 jobs done =====
"""


class Split(unittest.TestCase):
    def test_destroyed_guest_that_had_shut_down(self):
        log = ('dom0: [1.00] job 00-g: destroying g\n'
               'Name    ID   Mem VCPUs\tState\tTime(s)\n'
               'Domain-0  0  1024  2  r-----  132.7\n'
               'g        10   256  2  ---s--  2.7\n'
               '===== job 00-g end: guest=g result=verdict post=ok =====\n'
               'dom0: [2.00] job 01-h: destroying h\n'
               'h        11   256  2  -b----  2.7\n'
               '===== job 01-h end: guest=h result=verdict post=ok =====\n')
        guests, _ = run_tests.split_dom0_log(log)
        self.assertTrue(guests['g'].destroyed and guests['g'].shut_down)
        self.assertIn('xl had not reaped it',
                      run_tests._destroyed_note(guests['g']))
        self.assertTrue(guests['h'].destroyed)
        self.assertFalse(guests['h'].shut_down)
        self.assertIn('no power-off', run_tests._destroyed_note(guests['h']))

    def test_blocks(self):
        guests, failed = run_tests.split_dom0_log(LOG)
        self.assertEqual(failed, [])
        one = guests['xen-pv-domU-smp1']
        self.assertEqual(one.result, 'verdict')
        self.assertEqual(one.seconds, 6.0)
        self.assertFalse(one.destroyed)
        self.assertNotIn('(XEN) a hypervisor line in the middle', one.console)
        self.assertIn('ok 1 suite.case', one.console)
        two = guests['xen-pv-domU-smp2']
        self.assertEqual(two.result, 'exited')
        self.assertEqual(two.after, ['----- xl log of xen-pv-domU-smp2',
                                     'libxl: error: something failed'])

    def test_init_failed(self):
        _, failed = run_tests.split_dom0_log(
            'dom0: starting\n===== dom0 init failed (exit status 1) =====\n')
        self.assertEqual(len(failed), 1)


class RowResults(unittest.TestCase):
    """Base: a guest's console through the runner's row checks.  The
    canned logs have one made-up case, so the rows' MANIFEST is off here
    (test_manifest.py tests it)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.ctx = run_tests.Context('qemu', '/nonexistent', None,
                                     self.tmp.name, '', 120, False)
        patch = mock.patch.object(run_tests, 'MANIFEST', ())
        patch.start()
        self.addCleanup(patch.stop)

    def tearDown(self):
        self.tmp.cleanup()

    def result(self, row, run):
        log, debugcon, _ = run_tests.log_paths(row.name, self.ctx)
        with open(log, 'w') as f:
            f.write('\n'.join(run.console) + '\n')
        dom0 = run_tests.Outcome('exited', 0)
        outcome = run_tests._dom0stack_outcome(run, dom0, [], '/nonexistent')
        return run_tests.evaluate(row, self.ctx, row.append, outcome, log,
                                  debugcon, '/nonexistent')


class Evaluate(RowResults):
    def test_pass_and_crash(self):
        guests, _ = run_tests.split_dom0_log(LOG)
        res = self.result(run_tests._domu(1), guests['xen-pv-domU-smp1'])
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        self.assertEqual(res.passed, 1)
        res = self.result(run_tests._domu(2), guests['xen-pv-domU-smp2'])
        self.assertEqual(res.status, run_tests.CRASH)
        self.assertTrue(any('domain went away' in p for p in res.problems))
        self.assertTrue(any('lacks "domU"' in p for p in res.problems))

    def test_hvm_serial_console_after_grub(self):
        """An HVM guest's console is its serial port, where GRUB's screen
        codes come first: the boot line still counts, and a pvk that did
        not find Xen is a platform mismatch."""
        log = ('===== guest xen-hvm-domU-smp1 console begin =====\n'
               '\x1b[H\x1b[J\x1b[1;1H[    0.000000] pvk: entry=multiboot2\n'
               'pvk: platform=%s cpus=1 mem=126MiB patched=471 sites%s\n'
               'KTAP version 1\n1..1\nok 1 suite.case\n'
               'pvk: selftest result: PASS (1 passed, 0 failed, 0 skipped)\n'
               '===== guest xen-hvm-domU-smp1 console end =====\n'
               '===== job 02-xen-hvm-domU-smp1 end: guest=xen-hvm-domU-smp1'
               ' result=verdict post=none =====\n')
        row = run_tests._hvm_domu(1)
        guests, _ = run_tests.split_dom0_log(log % ('xen-hvm', ' domU'))
        res = self.result(row, guests[row.name])
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        guests, _ = run_tests.split_dom0_log(log % ('bare-metal', ''))
        res = self.result(row, guests[row.name])
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertEqual(res.platform, 'bare-metal')

    def test_hang_of_a_guest_that_had_shut_down(self):
        log = ('dom0: [319.81] job 01-g: timeout after 300s\n'
               'dom0: [319.96] job 01-g: destroying g\n'
               'g        2   128     0     ---s--       1.6\n'
               '===== guest g console begin =====\n'
               '===== guest g console end =====\n'
               '===== job 01-g end: guest=g result=timeout post=none =====\n')
        guests, _ = run_tests.split_dom0_log(log)
        row = run_tests._pvh_domu(2)
        res = self.result(row, guests['g'])
        self.assertEqual(res.status, run_tests.HANG)
        run_tests.note_shut_down_hang(res, guests['g'])
        self.assertIn('xl never reaped it', res.problems[-1])
        # A guest still running at the timeout is a plain hang.
        res = self.result(row, guests['g'])
        guests['g'].shut_down = False
        run_tests.note_shut_down_hang(res, guests['g'])
        self.assertFalse(any('reaped' in p for p in res.problems))
        self.assertEqual(run_tests.retry_reason(res), '')

    def test_missing_job(self):
        out = run_tests._dom0stack_outcome(
            None, run_tests.Outcome('timeout'), [], '/nonexistent')
        self.assertEqual(out.how, 'timeout')

    def test_stuck_dom0_is_not_retried(self):
        out = run_tests._dom0stack_outcome(
            None, run_tests.Outcome('stalled'), [], '/nonexistent')
        self.assertEqual(out.how, 'error')
        res = self.result(run_tests._domu(1), run_tests.GuestRun())
        res = run_tests.evaluate(run_tests._domu(1), self.ctx, '', out,
                                 res.log, '/nonexistent', '/nonexistent')
        self.assertEqual(res.status, run_tests.ERROR)
        self.assertTrue(res.problems[0].startswith('dom0 stopped answering'))
        # Silence is no evidence: a pvk guest may have wedged Xen or dom0.
        self.assertEqual(run_tests.retry_reason(res), '')


CRASH_LINE = ('dom0: crashed during job 00-xen-pv-domU-smp1: '
              '[   87.512] sed[1824]: segfault at 0 ip 4a4d02 sp 7ffc error 4')
TRAPS_LINE = ('dom0: crashed during job 00-xen-pv-domU-smp1: '
              '[   90.001] traps: xl[311] general protection fault ip:4a4d02')


class Retry(unittest.TestCase):
    """Only dom0's own evidence for the job earns a second dom0 boot."""

    def reason(self, status, *problems, after=()):
        res = run_tests.RowResult(run_tests._domu(1), status,
                                  problems=list(problems))
        run = run_tests.GuestRun(after=list(after))
        run_tests.note_dom0_crash(res, run)
        return run_tests.retry_reason(res)

    def test_xl_create_failure_is_retried(self):
        self.assertIn('create-failed', self.reason(
            run_tests.ERROR, 'dom0 job result create-failed: xl'))

    def test_vanished_guest_without_evidence_is_not_retried(self):
        # What a pvk triple fault looks like from dom0: pvk's failure.
        self.assertEqual(self.reason(
            run_tests.CRASH,
            'the domain went away before the verdict; last line'), '')

    def test_vanished_guest_with_a_dom0_crash_is_retried(self):
        for line in (CRASH_LINE, TRAPS_LINE):
            why = self.reason(run_tests.CRASH,
                              'the domain went away before the verdict',
                              after=['----- dom0 dmesg (last 40 lines)', line])
            self.assertEqual(why, run_tests.DOM0_CRASHED + line)

    def test_generic_fault_text_is_no_evidence(self):
        # A kernel oops, or a crash line in the dmesg tail that dom0-init
        # did not attribute to the job, is not a dom0 program crash.
        for line in ('dom0: crashed during job 00-x: general protection '
                     'fault: 0000 [#1] SMP NOPTI',
                     '[   87.5] sed[1824]: segfault at 0 ip 4a4d02',
                     'Segmentation fault (core dumped)'):
            self.assertEqual(self.reason(
                run_tests.CRASH, 'the domain went away before the verdict',
                after=[line]), '', line)

    def test_pvk_own_failures_are_never_retried(self):
        self.assertEqual(self.reason(run_tests.PANIC, 'pvk: PANIC on CPU 0',
                                     after=[CRASH_LINE]), '')
        self.assertEqual(self.reason(run_tests.FAIL, 'not ok 3 x'), '')
        self.assertEqual(self.reason(run_tests.HANG,
                                     'no verdict within 120 s'), '')
        self.assertEqual(self.reason(
            run_tests.ERROR, 'dom0 job result pre-failed'), '')


class RetryCount(unittest.TestCase):
    """run_dom0stack: a second dom0 boot for the rows with evidence, each
    counted with its reason above the closing line."""

    def test_retried_rows_are_counted(self):
        rr = run_tests.RowResult
        one, two, three = (run_tests._domu(1), run_tests._domu(2),
                           run_tests._dom0job('net-10-basic'))
        first = [rr(one, run_tests.ERROR,
                    problems=['dom0 job result create-failed: xl']),
                 rr(two, run_tests.CRASH,
                    problems=['the domain went away before the verdict']),
                 rr(three, run_tests.PASS)]
        calls = []

        def once(rows, ctx, probes):
            calls.append([r.name for r in rows])
            return first if len(calls) == 1 else [rr(one, run_tests.PASS)]
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(run_tests, '_run_dom0stack_once', once):
            ctx = run_tests.Context('qemu', '/img', None, tmp, '', 90, False)
            out = run_tests.run_dom0stack([one, two, three], ctx, {})
        # Only the xl create failure got a second boot.
        self.assertEqual(calls, [[one.name, two.name, three.name],
                                 [one.name]])
        self.assertEqual([r.status for r in out],
                         [run_tests.PASS, run_tests.CRASH, run_tests.PASS])
        self.assertEqual(out[0].retried, ['dom0 job result create-failed: xl'])
        self.assertEqual(run_tests.closing_notes(out), [
            'retries: 1 (xen-pv-domU-smp1: dom0 job result create-failed: '
            'xl)'])
        self.assertEqual(run_tests.closing_notes(out[1:]), ['retries: 0'])


    def test_a_second_retry_needs_new_evidence(self):
        """A row whose dom0 crashed again gets a third boot and both
        retries are counted; one that then fails inside pvk gets none."""
        rr = run_tests.RowResult
        one, two = run_tests._domu(1), run_tests._domu(2)
        crash = 'dom0: crashed during job 00-x: busybox segfault'

        def crashed(row):
            return rr(row, run_tests.MISMATCH, problems=[
                f'{run_tests.DOM0_CRASHED}{crash}'])
        boots = [[crashed(one), crashed(two)],
                 [crashed(one), rr(two, run_tests.MISMATCH,
                                   failed_tests=['3 sched.sched_idle'])],
                 [rr(one, run_tests.PASS)]]
        calls = []

        def once(rows, ctx, probes):
            calls.append([r.name for r in rows])
            return boots[len(calls) - 1]
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(run_tests, '_run_dom0stack_once', once):
            ctx = run_tests.Context('qemu', '/img', None, tmp, '', 90, False)
            out = run_tests.run_dom0stack([one, two], ctx, {})
        self.assertEqual(calls, [[one.name, two.name], [one.name, two.name],
                                 [one.name]])
        self.assertEqual([r.status for r in out],
                         [run_tests.PASS, run_tests.MISMATCH])
        self.assertEqual(len(out[0].retried), 2)
        self.assertEqual(len(out[1].retried), 1)
        self.assertTrue(run_tests.closing_notes(out)[0].startswith('retries: 3 ('))

    def test_retries_stop_at_the_limit(self):
        rr = run_tests.RowResult
        one = run_tests._domu(1)
        calls = []

        def once(rows, ctx, probes):
            calls.append(1)
            return [rr(one, run_tests.ERROR,
                       problems=['dom0 job result create-failed: xl'])]
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(run_tests, '_run_dom0stack_once', once):
            ctx = run_tests.Context('qemu', '/img', None, tmp, '', 90, False)
            out = run_tests.run_dom0stack([one], ctx, {})
        self.assertEqual(len(calls), 1 + run_tests.DOM0_RETRY_BOOTS)
        self.assertEqual(out[0].status, run_tests.ERROR)


class Jobs(unittest.TestCase):
    def test_job_config(self):
        ctx = run_tests.Context('qemu', '/img', None, '/logs',
                                'loglevel=7', 90, False)
        path, text = run_tests.dom0stack_job(run_tests._domu(2), ctx, 1)
        self.assertEqual(path, '/logs/dom0stack/01-xen-pv-domU-smp2.cfg')
        self.assertIn('name = "xen-pv-domU-smp2"', text)
        self.assertIn('vcpus = 2', text)
        self.assertIn('memory = 128', text)
        self.assertIn('extra = "selftest=all ip=10.0.0.2/24 loglevel=7"', text)
        self.assertIn('# dom0-timeout: 90', text)
        # The guest gets a disk and a vif, so blkfront and netfront run.
        self.assertIn("disk = [ 'format=raw,vdev=xvda,access=rw,"
                      "target=/disk.img' ]", text)
        self.assertIn("vif = [ 'bridge=xenbr0,mac=00:16:3e:00:01:02' ]", text)

    def test_dom0_job_row(self):
        row = run_tests._dom0job('blk-50-reconnect')
        self.assertEqual(row.name, 'xen-pv-domU-blk-reconnect')
        self.assertEqual(row.append, 'selftest=xen_blkfront_reconnect')
        self.assertEqual((row.cpus, row.memory, row.timeout), (2, 128, 600))
        self.assertEqual(len(row.xl_lines), 1)
        self.assertIn('script=/run/blk-light-hotplug', row.xl_lines[0])
        ctx = run_tests.Context('qemu', '/img', None, '/logs', '', 90, False)
        _, text = run_tests.dom0stack_job(row, ctx, 3)
        self.assertIn('# dom0-timeout: 600', text)
        self.assertIn('extra = "selftest=xen_blkfront_reconnect"', text)
        # Every job of make check exists, with the check dom0 runs after
        # it (its own, or the job's whose scripts it names).
        for job in run_tests.DOM0_CHECK_JOBS:
            scripts = run_tests._dom0job(job).job_scripts or job
            self.assertTrue(os.path.isfile(os.path.join(
                run_tests.DOM0_JOBS, scripts + '.post')), job)

    def test_life_job_rows(self):
        """The life jobs serve after the verdict: dom0 gives them their
        job's grace, the reboot job's guest is restarted by xl, and the
        driver script goes into dom0's image."""
        ctx = run_tests.Context('qemu', '/img', None, '/logs', '', 90, False)
        row = run_tests._dom0job('life-10-shutdown')
        self.assertEqual(row.name, 'xen-pv-domU-life-shutdown')
        # No self-test asked for: serving is the default, no KTAP.
        self.assertIn('selftest=none', row.append.split())
        self.assertTrue(row.serve_only)
        self.assertEqual((row.grace, row.on_reboot, row.boots),
                         (240, 'destroy', 1))
        _, text = run_tests.dom0stack_job(row, ctx, 0)
        self.assertIn('# dom0-grace: 240', text)
        self.assertIn('on_reboot = "destroy"', text)
        row = run_tests._dom0job('life-20-reboot')
        self.assertEqual((row.grace, row.on_reboot, row.boots),
                         (240, 'restart', 2))
        self.assertIn('serve', row.append.split())
        self.assertFalse(row.serve_only)
        _, text = run_tests.dom0stack_job(row, ctx, 0)
        self.assertIn('on_reboot = "restart"', text)
        # The vCPU job: hot-plugged within its maxvcpus, its own suite.
        vcpu = run_tests._dom0job('life-50-vcpu')
        self.assertEqual((vcpu.name, vcpu.cpus), ('xen-pv-domU-life-vcpu', 2))
        self.assertEqual(run_tests.required_names(vcpu, 2), ['cpu_hotplug'])
        _, text = run_tests.dom0stack_job(vcpu, ctx, 0)
        self.assertIn('vcpus = 2\nmaxvcpus = 2\n', text)
        self.assertIn('serve', vcpu.append.split())
        # Other rows keep the default grace and never restart.
        _, text = run_tests.dom0stack_job(run_tests._domu(1), ctx, 0)
        self.assertIn(f'# dom0-grace: {run_tests.DOM0_GUEST_GRACE}\n', text)
        self.assertIn('on_reboot = "destroy"', text)
        self.assertIn('life-drive.sh', dict(run_tests.dom0stack_guests(ctx)))
        # The save and migrate jobs serve with no self-test, boot once
        # (a restore is no boot) and migrate through life-ssh.sh; the
        # save's write loop and its read-back take a minute more.
        for job, name, grace in (
                ('life-60-save', 'xen-pv-domU-life-save', 300),
                ('life-70-migrate', 'xen-pv-domU-life-migrate', 240)):
            moved = run_tests._dom0job(job)
            self.assertEqual(moved.name, name)
            self.assertTrue(moved.serve_only)
            self.assertEqual((moved.grace, moved.on_reboot, moved.boots,
                              moved.memory), (grace, 'destroy', 1, 64))
        # The same steps for a PVH guest: the PV job's scripts, the
        # AMD-model dom0 boot, a PVH guest with the TSC native.
        for job, name, scripts in (
                ('life-61-save-pvh', 'xen-pvh-domU-life-save', 'life-60-save'),):
            pvh = run_tests._dom0job(job)
            self.assertEqual((pvh.name, pvh.boot, pvh.platform, pvh.xl_type,
                              pvh.job_scripts),
                             (name, 'dom0stack-hvm', 'xen-pvh', 'pvh', scripts))
            self.assertTrue(pvh.serve_only)
            self.assertIn(pvh, run_tests.TEST_ROWS)
            self.assertIn(run_tests.XL_TSC_NATIVE, pvh.xl_lines)
            _, text = run_tests.dom0stack_job(pvh, ctx, 0)
            self.assertIn('type = "pvh"', text)
            with tempfile.TemporaryDirectory() as tmp:
                run_tests.write_job_scripts(pvh, os.path.join(tmp, 'j'))
                for ext in ('.pre', '.post'):
                    with open(os.path.join(tmp, 'j' + ext)) as got, \
                            open(os.path.join(run_tests.DOM0_JOBS,
                                              scripts + ext)) as want:
                        self.assertEqual(got.read(), want.read())
        # And for an HVM guest: its ISO on the emulated CD-ROM, the HVM
        # rows' firmware and display settings, no serial file (a new
        # device model at the restore would truncate it): the console
        # dom0 reads is the PV ring's log.
        hvm = run_tests._dom0job('life-62-save-hvm')
        self.assertEqual((hvm.name, hvm.boot, hvm.platform, hvm.xl_type,
                          hvm.job_scripts),
                         ('xen-hvm-domU-life-save', 'dom0stack-hvm',
                          'xen-hvm', 'hvm', 'life-60-save'))
        self.assertTrue(hvm.serve_only)
        self.assertIn(hvm, run_tests.TEST_ROWS)
        self.assertEqual(run_tests.required_names(hvm, 2), [])
        ctx.dry_run = True
        _, text = run_tests.dom0stack_job(hvm, ctx, 0)
        iso = run_tests.hvm_iso(hvm, ctx)[0]
        ctx.dry_run = False
        self.assertIn('type = "hvm"', text)
        self.assertNotIn('kernel =', text)
        self.assertIn(f"'file:/guests/{iso},hdc:cdrom,r'", text)
        for line in ('boot = "d"', 'vga = "none"', 'nographic = 1',
                     run_tests.XL_TSC_NATIVE, 'model=e1000'):
            self.assertIn(line, text)
        self.assertNotIn('serial', text)
        self.assertIn('name=org.pvk.echo', text)
        guests = dict(run_tests.dom0stack_guests(ctx))
        self.assertTrue(os.path.isfile(guests['life-ssh.sh']))
        # dom0's time budget counts the grace of the rows that serve.
        ctx.dry_run = True
        plain = run_tests.dom0stack_commands([run_tests._domu(1)], ctx)[2]
        both = run_tests.dom0stack_commands(
            [run_tests._domu(1), row], ctx)[2]
        self.assertEqual(both - plain, 300 + run_tests.DOM0_JOB_SLACK + 240)

    def test_balloon_job_row(self):
        """The balloon job: its own suite, then serving while dom0 runs
        xl mem-set; 256 MiB, which is also its static maximum."""
        ctx = run_tests.Context('qemu', '/img', None, '/logs', '', 90, False)
        row = run_tests._dom0job('life-40-balloon')
        self.assertEqual(row.name, 'xen-pv-domU-life-balloon')
        self.assertEqual(row.append.split(),
                         ['selftest=xen_balloon', 'serve', 'ip=10.0.0.2/24'])
        self.assertFalse(row.serve_only)
        self.assertEqual((row.memory, row.grace, row.on_reboot, row.boots),
                         (256, 300, 'destroy', 1))
        self.assertIn(row, run_tests.TEST_ROWS)
        self.assertEqual(run_tests.required_names(row, row.cpus),
                         ['xen_balloon'])
        _, text = run_tests.dom0stack_job(row, ctx, 0)
        self.assertIn('memory = 256\n', text)
        self.assertNotIn('maxmem', text)
        # The plain PV, PVH and HVM domU rows run the balloon's suite too.
        for domu in (run_tests._domu(2), run_tests._pvh_domu(1),
                     run_tests._hvm_domu(2)):
            self.assertIn('xen_balloon',
                          run_tests.required_names(domu, domu.cpus), domu.name)

    def test_dhcp_job_row(self):
        """pvk without ip= gets its address from dom0's udhcpd: the row
        serves after the DHCP suites, which it must pass, and its .pre
        starts the server and the life driver in dhcp mode."""
        ctx = run_tests.Context('qemu', '/img', None, '/logs', '', 90, False)
        row = run_tests._dom0job('life-30-dhcp')
        self.assertEqual(row.name, 'xen-pv-domU-life-dhcp')
        self.assertIn('life-30-dhcp', run_tests.DOM0_CHECK_JOBS)
        words = row.append.split()
        self.assertFalse([w for w in words if w.startswith('ip=')])
        self.assertIn('serve', words)
        self.assertFalse(row.serve_only)
        self.assertEqual((row.grace, row.on_reboot, row.boots),
                         (240, 'destroy', 1))
        required = run_tests.required_names(row, row.cpus)
        self.assertIn('dhcp', required)
        self.assertIn('netfront_dhcp', required)
        _, text = run_tests.dom0stack_job(row, ctx, 0)
        self.assertIn('extra = "selftest=dhcp,netfront_dhcp serve"', text)
        with open(os.path.join(run_tests.DOM0_JOBS,
                               'life-30-dhcp.pre')) as f:
            pre = f.read()
        self.assertIn('busybox udhcpd', pre)
        self.assertIn('life-drive.sh run dhcp', pre)

    def test_pvh_job_config(self):
        ctx = run_tests.Context('qemu', '/img', None, '/logs', '', 90, False)
        row = run_tests._pvh_domu(2)
        self.assertEqual(row.boot, 'dom0stack-hvm')
        path, text = run_tests.dom0stack_job(row, ctx, 0)
        self.assertEqual(path, '/logs/dom0stack-hvm/00-xen-pvh-domU-smp2.cfg')
        # The ELF, with the PV domU rows' command line, disk and vif.
        for line in ('type = "pvh"', 'kernel = "/guests/pvk"',
                     'extra = "selftest=all ip=10.0.0.2/24"', 'vcpus = 2',
                     "disk = [ 'format=raw,vdev=xvda,access=rw,"
                     "target=/disk.img' ]",
                     "vif = [ 'bridge=xenbr0,mac=00:16:3e:00:02:02' ]",
                     f'# dom0-timeout: {run_tests.PVH_DOMU_TIMEOUT}'):
            self.assertIn(line + '\n', text)
        self.assertEqual((row.platform, row.boot_words),
                         ('xen-pvh', ('domU',)))

    def test_hvm_job_config(self):
        with tempfile.TemporaryDirectory() as tmp:
            ctx = run_tests.Context('qemu', '/img', '/pvk.iso', tmp,
                                    'loglevel=7', 90, False)
            ctx.dry_run = True
            row = run_tests._hvm_domu(1)
            cmdline = 'selftest=all ip=10.0.0.2/24 loglevel=7'
            name, iso = run_tests.hvm_iso(row, ctx)
            # A per-command-line ISO from mkiso.sh, named after its hash.
            self.assertRegex(name, r'^pvk-[0-9a-f]{8}\.iso$')
            # It holds the user suite's initramfs, as make's ISO does.
            self.assertEqual(iso, os.path.join(
                tmp, name.replace('.iso', '-initramfs.iso')))
            self.assertEqual(run_tests.hvm_iso(run_tests._hvm_domu(2), ctx),
                             (name, iso))
            self.assertNotEqual(name, run_tests.hvm_iso(
                run_tests._domu(1, 'gnttab=v2'), ctx)[0])
            _, text = run_tests.dom0stack_job(row, ctx, 2)
            build, run, timeout = run_tests.dom0stack_commands(
                [row, run_tests._hvm_domu(2)], ctx)
        # GRUB passes the command line: no kernel, no extra.
        self.assertNotIn('kernel =', text)
        self.assertNotIn('extra =', text)
        self.assertNotIn(cmdline, text)
        for line in ('type = "hvm"', 'boot = "d"', 'vga = "none"',
                     'nographic = 1',
                     'serial = "file:/var/log/xen/xen-hvm-domU-smp1.serial"',
                     "disk = [ 'format=raw,vdev=xvda,access=rw,"
                     f"target=/disk.img', 'file:/guests/{name},hdc:cdrom,r' ]",
                     "vif = [ 'bridge=xenbr0,model=e1000,"
                     "mac=00:16:3e:00:03:01' ]",
                     f'# dom0-timeout: {run_tests.HVM_DOMU_TIMEOUT}'):
            self.assertIn(line + '\n', text)
        # The ISO goes into dom0 once; this dom0 runs on an AMD model,
        # with one vCPU pinned to CPU 0 (dom0-init puts guests on CPU 1).
        self.assertEqual(build.count(f'{name}={iso}'), 1)
        self.assertEqual(run[-4:], ['--cpu', 'EPYC,-monitor,-smap,-rdtscp',
                                    '--xen-args',
                                    'dom0_max_vcpus=1 dom0_vcpus_pin'])
        self.assertIn(os.path.join(tmp, 'dom0stack-hvm.log'), run)
        self.assertGreaterEqual(timeout, 2 * run_tests.HVM_DOMU_TIMEOUT)

    def test_pv_rows_keep_their_own_boot(self):
        ctx = run_tests.Context('qemu', '/img', None, '/logs', '', 90, False)
        ctx.dry_run = True
        build, run, _ = run_tests.dom0stack_commands([run_tests._domu(1)],
                                                     ctx)
        self.assertNotIn('--cpu', run)
        self.assertIn('/logs/dom0stack.log', run)
        self.assertFalse(any('.iso' in a for a in build))
        groups = {r.boot for r in run_tests.TEST_ROWS
                  if r.name.startswith(('xen-pvh-domU-', 'xen-hvm-'))}
        self.assertEqual(groups, {'dom0stack-hvm'})
        self.assertIn('dom0stack-hvm', run_tests.GROUP_METHODS)


class PingWhileRunning(RowResults):
    """dom0 pings pvk while a plain domU row with ip= runs; the row's
    .post needs a reply."""

    def scripts(self, row):
        base = os.path.join(self.tmp.name, '00-' + row.name)
        run_tests.write_job_scripts(row, base)
        out = {}
        for ext in ('.pre', '.post'):
            if os.path.exists(base + ext):
                with open(base + ext) as f:
                    out[ext] = f.read()
        return out

    def test_plain_rows_ping_their_address(self):
        for row in (run_tests._domu(1), run_tests._pvh_domu(2),
                    run_tests._hvm_domu(1)):
            self.assertEqual(run_tests.ping_address(row), '10.0.0.2')
            out = self.scripts(row)
            self.assertIn('xenstore-chmod', out['.pre'])
            self.assertIn('ping -c 1 -W 1 10.0.0.2', out['.pre'])
            self.assertIn('touch "/tmp/$JOB.stop"', out['.post'])
        # A dom0 job has its own scripts; a row without ip= no ping.
        self.assertEqual(run_tests.ping_address(
            run_tests._dom0job('net-10-basic')), '')
        row = run_tests.Row('xen-pv-domU-x', 'dom0stack', 1,
                            append='selftest=all')
        self.assertEqual(set(self.scripts(row)), {'.pre'})

    def run_post(self, pings):
        job = f'pvk-test-{os.getpid()}-{pings}'
        self.addCleanup(lambda: [os.unlink(f'/tmp/{job}.{x}')
                                 for x in ('stop', 'pings')
                                 if os.path.exists(f'/tmp/{job}.{x}')])
        if pings is not None:
            with open(f'/tmp/{job}.pings', 'w') as f:
                f.write(f'{pings}\n')
        post = self.scripts(run_tests._hvm_domu(1))['.post']
        p = subprocess.run(['sh', '-c', post], text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=dict(os.environ, JOB=job, GUEST='g'))
        self.assertTrue(os.path.exists(f'/tmp/{job}.stop'))
        return p.returncode, p.stdout

    def test_post_needs_a_reply(self):
        code, out = self.run_post(3)
        self.assertEqual(code, 0, out)
        self.assertIn('10.0.0.2 answered 3 of', out)
        code, out = self.run_post(None)
        self.assertEqual(code, 1, out)
        self.assertIn('FAIL: 10.0.0.2 answered none', out)

    def test_failed_ping_check_fails_the_row(self):
        row = run_tests._domu(1)
        guests, _ = run_tests.split_dom0_log(LOG.replace(
            'result=verdict post=none', 'result=verdict post=failed'))
        run = guests['xen-pv-domU-smp1']
        res = self.result(row, run)
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        run_tests.judge_post(res, row, run)
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertIn('dom0 check ping while running: failed', res.problems)


POST_LOG = """===== guest xen-pv-domU-blk-full console begin =====
pvk: platform=xen-pv cpus=2 mem=123MiB patched=216 sites domU
KTAP version 1
1..1
ok 1 suite.case
pvk: selftest result: PASS (1 passed, 0 failed, 0 skipped)
===== guest xen-pv-domU-blk-full console end =====
02-xen-pv-domU-blk-full post: FAIL: image crc32 0, guest wrote 'abc'
%s
===== job 02-xen-pv-domU-blk-full end: guest=xen-pv-domU-blk-full result=verdict post=failed =====
"""


REBOOT_CONSOLE = """\
pvk: platform=xen-pv cpus=2 mem=123MiB patched=216 sites domU
KTAP version 1
1..1
ok 1 suite.case
pvk: selftest result: PASS (1 passed, 0 failed, 0 skipped)
pvk: serving
pvk: shutdown requested: reboot (from xenstore control/shutdown)
pvk: reboot now
[    0.07] pvk: entry=xen-pv cmdline='selftest=manage serve'
pvk: platform=xen-pv cpus=2 mem=123MiB patched=216 sites domU
KTAP version 1
1..1
%s
"""


class Reboot(RowResults):
    """A guest xl rebooted has two boots in its console: the row reads
    the first one's KTAP (its job's check judges the second)."""

    def run_of(self, second):
        run = run_tests.GuestRun(console=(REBOOT_CONSOLE % second).split('\n'),
                                 result='verdict', post='ok')
        return self.result(run_tests._dom0job('life-20-reboot'), run)

    def test_second_boot_is_not_a_duplicate(self):
        # Cut while the second boot runs its tests, and after its verdict.
        for second in ('', 'ok 1 suite.case\n'
                       'pvk: selftest result: PASS (1 passed, 0 failed, '
                       '0 skipped)'):
            res = self.run_of(second)
            self.assertEqual(res.status, run_tests.PASS, res.problems)
            self.assertEqual(res.passed, 1)

    def test_first_boot_failure_counts(self):
        text = (REBOOT_CONSOLE % '').replace(
            'ok 1 suite.case\npvk: selftest result: PASS (1 passed, 0 failed',
            'not ok 1 suite.case\npvk: selftest result: FAIL (0 passed, 1 failed',
            1)
        run = run_tests.GuestRun(console=text.split('\n'), result='verdict')
        res = self.result(run_tests._dom0job('life-20-reboot'), run)
        self.assertEqual(res.status, run_tests.FAIL, res.problems)

    def test_one_boot_rows_read_everything(self):
        # Two boots where one is expected: KTAP's own duplicate checks.
        run = run_tests.GuestRun(console=(REBOOT_CONSOLE % 'ok 1 suite.case')
                                 .split('\n'), result='verdict')
        res = self.result(run_tests._dom0job('life-10-shutdown'), run)
        self.assertNotEqual(res.status, run_tests.PASS)

    def test_first_boot(self):
        self.assertEqual(run_tests.first_boot('a\nb'), 'a\nb')
        text = REBOOT_CONSOLE % ''
        cut = run_tests.first_boot(text)
        self.assertTrue(cut.endswith("cmdline='selftest=manage serve'"))
        self.assertEqual(cut.count('pvk: platform='), 1)


SERVE_CONSOLE = """\
[    0.07] pvk: entry=xen-pv cmdline='selftest=none ip=10.0.0.2/24'
pvk: platform=xen-pv cpus=2 mem=123MiB patched=216 sites domU
%s
"""


class ServeOnly(RowResults):
    """A row booted with selftest=none has no KTAP: "pvk: serving" is
    its verdict line, and the domain going away before it a crash."""

    def judged(self, rest, result='verdict'):
        run = run_tests.GuestRun(console=(SERVE_CONSOLE % rest).split('\n'),
                                 result=result, post='ok')
        return self.result(run_tests._dom0job('life-10-shutdown'), run)

    def test_serving_passes(self):
        res = self.judged('pvk: serving\n'
                          'pvk: shutdown requested: poweroff (from xenstore '
                          'control/shutdown)\npvk: poweroff now')
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        self.assertEqual((res.passed, res.failed, res.skipped), (0, 0, 0))

    def test_gone_before_serving_is_a_crash(self):
        res = self.judged('xenbus: something', result='exited')
        self.assertEqual(res.status, run_tests.CRASH)
        self.assertIn('"pvk: serving"', res.problems[0])
        # So is a panic, whatever came before it.
        res = self.judged('pvk: serving\npvk: PANIC: oops', result='exited')
        self.assertEqual(res.status, run_tests.PANIC)

    def test_ktap_in_a_serve_only_row_is_a_mismatch(self):
        res = self.judged('KTAP version 1\n1..1\nok 1 a.b\n'
                          'pvk: selftest result: PASS (1 passed, 0 failed, '
                          '0 skipped)\npvk: serving')
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertIn('KTAP output although selftest=none', res.problems)

    def test_a_test_row_still_needs_its_verdict(self):
        run = run_tests.GuestRun(console=(SERVE_CONSOLE % 'pvk: serving')
                                 .split('\n'), result='verdict')
        res = self.result(run_tests._dom0job('life-20-reboot'), run)
        self.assertEqual(res.status, run_tests.CRASH)


class Post(RowResults):
    def judged(self, extra_line):
        guests, _ = run_tests.split_dom0_log(POST_LOG % extra_line)
        run = self.run_ = guests['xen-pv-domU-blk-full']
        self.assertEqual(run.post, 'failed')
        row = run_tests._dom0job('blk-10-full')
        res = self.result(row, run)
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        run_tests.judge_post(res, row, run)
        return res

    def test_failed_check_fails_the_row(self):
        res = self.judged('')
        run_tests.note_dom0_crash(res, self.run_)
        self.assertEqual(res.status, run_tests.MISMATCH)
        # Counted: a failed dom0 check cannot leave the run green.
        self.assertEqual(run_tests.closing_counts([res])[1], 1)
        self.assertIn('dom0 check jobs/blk-10-full.post: failed', res.problems)
        self.assertTrue(any('image crc32' in p for p in res.problems))
        # pvk's data did not reach the disk: never retried.
        self.assertEqual(run_tests.retry_reason(res), '')

    def test_check_hit_by_a_dom0_crash_is_retried(self):
        res = self.judged('dom0: crashed during job 02-xen-pv-domU-blk-full:'
                          ' [ 87.5] exe[1824]: segfault at 0 ip 4a4d02')
        run_tests.note_dom0_crash(res, self.run_)
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertIn('segfault at 0', run_tests.retry_reason(res))
        # The same crash next to a pvk panic: the panic is pvk's own.
        res.status = run_tests.PANIC
        self.assertEqual(run_tests.retry_reason(res), '')

    def test_crash_beside_a_case_inside_pvk_is_not_retried(self):
        res = self.judged('dom0: crashed during job 02-xen-pv-domU-blk-full:'
                          ' [ 87.5] exe[1824]: segfault at 0 ip 4a4d02')
        run_tests.note_dom0_crash(res, self.run_)
        # A case dom0 takes part in may have been hit by the crash ...
        res.failed_tests = ['121 xen_blkfront.blkfront_devices_settle']
        self.assertIn('segfault at 0', run_tests.retry_reason(res))
        # ... one that runs inside pvk alone was not: pvk's own failure.
        res.failed_tests.append('74 xen_gnttab.gnttab_deferred_release')
        self.assertEqual(run_tests.retry_reason(res), '')


if __name__ == '__main__':
    unittest.main()


class SkippedPost(unittest.TestCase):
    def test_skipped_post_skips_the_row(self):
        """post=skipped (the .post exited 77) turns a passing row into a
        SKIP with the check's reason; it never counts as a pass."""
        row = run_tests._dom0job('life-70-migrate')
        res = run_tests.RowResult(row, run_tests.PASS, passed=3)
        run = run_tests.GuestRun()
        run.post = 'skipped'
        run.after = ['life check: SKIP: xl migrate refused by Xen (x)']
        run_tests.skip_post(res, row, run)
        self.assertEqual(res.status, run_tests.SKIP)
        self.assertEqual(res.problems, [
            'jobs/life-70-migrate.post skipped: xl migrate refused by Xen (x)'])
        self.assertEqual(run_tests.closing_counts([res]), (3, 0, 1))


class BlkFullPost(unittest.TestCase):
    """blk-10-full.post on a made-up console: every case passed, however
    many the suites have; a skipped or failed one fails the check."""

    LINES = ('blkfront-test: dom0 marker: PVK-BLK-MARKER j',
             'xvda: vbd 51712 connected: 131072 sectors (64 MiB), sector '
             '512/512, rw, queues 2, ring-pages 4 (128 slots), segs 256 '
             'indirect', 'persistent yes (backend 1), flush 1, barrier 1, '
             'discard 1', 'blkfront-test: concurrent cpus=2 queues=2',
             'blkfront-test: export dev=xvda sector=65536 bytes=1048576 '
             'crc32=0badf00d')

    def post(self, verdict):
        with tempfile.TemporaryDirectory() as tmp:
            crc = os.path.join(tmp, 'crc32')
            with open(crc, 'w') as f:
                f.write('#!/bin/sh\necho 0badf00d\n')
            os.chmod(crc, 0o755)
            console = os.path.join(tmp, 'console')
            with open(console, 'w') as f:
                f.write('\n'.join((verdict,) + self.LINES) + '\n')
            disk = os.path.join(tmp, 'disk.img')
            with open(disk, 'wb') as f:
                f.truncate(67584 * 512)
            env = dict(os.environ, JOB='j', CONSOLE_LOG=console, DISK=disk,
                       PATH=tmp + os.pathsep + os.environ['PATH'])
            return subprocess.run(
                ['sh', os.path.join(run_tests.DOM0_JOBS, 'blk-10-full.post')],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, timeout=60)

    def test_any_count_of_passes(self):
        p = self.post('pvk: selftest result: PASS (18 passed, 0 failed, '
                      '0 skipped)')
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn('j post: ok', p.stdout)
        p = self.post('pvk: selftest result: PASS (17 passed, 0 failed, '
                      '1 skipped)')
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("FAIL: no 'pvk: selftest result: PASS", p.stdout)


class Dom0Programs(unittest.TestCase):
    def test_built_where_no_pv_row_ran(self):
        """A run of PVH or HVM rows alone builds dom0's programs too: the
        PV boot's directory they live in is made first."""
        with tempfile.TemporaryDirectory() as tmp:
            ctx = run_tests.Context('qemu', '/img', None,
                                    os.path.join(tmp, 'logs'), '', 90, False)
            seen = []

            def gcc(cmd, **kw):
                out = cmd[cmd.index('-o') + 1]
                seen.append(os.path.isdir(os.path.dirname(out)))
                return subprocess.CompletedProcess(cmd, 0, '')
            with mock.patch.object(run_tests.subprocess, 'run', gcc):
                run_tests.build_net_tool(ctx)
            self.assertEqual(seen, [True] * len(run_tests.DOM0_PROGRAMS))

    def test_rebuilt_when_a_shared_file_changes(self):
        """A program is out of date when any file it is built from is
        newer, a shared header too, not only its own .c file."""
        with tempfile.TemporaryDirectory() as tmp:
            ctx = run_tests.Context('qemu', '/img', None,
                                    os.path.join(tmp, 'logs'), '', 90, False)
            own, shared = (os.path.join(tmp, n) for n in ('a.c', 'c.h'))
            progs = (('evil-blkback', (own, shared), ()),)
            for f in (own, shared):
                open(f, 'w').close()
                os.utime(f, (1000, 1000))
            built = []

            def gcc(cmd, **kw):
                built.append(cmd)
                return subprocess.CompletedProcess(cmd, 0, '')
            with mock.patch.object(run_tests, 'DOM0_PROGRAMS', progs), \
                    mock.patch.object(run_tests.subprocess, 'run', gcc):
                tool = dict(run_tests.dom0stack_guests(ctx))['evil-blkback']
                os.makedirs(os.path.dirname(tool))
                open(tool, 'w').close()
                os.utime(tool, (2000, 2000))
                run_tests.build_net_tool(ctx)
                self.assertEqual(built, [])
                os.utime(shared, (3000, 3000))
                run_tests.build_net_tool(ctx)
            self.assertEqual(len(built), 1)
            self.assertIn(own, built[0])
            self.assertNotIn(shared, built[0])


class BenchTrace(unittest.TestCase):
    """bench-guest.sh's traced_windows_ok, which the bench jobs' .post
    runs in the trace pass, on made-up count logs."""
    TAG = 'guest=pvk run=2 pass=trace virt=hvm'

    def run_check(self, lines):
        job = f'bench-test-{os.getpid()}'
        log = f'/tmp/{job}.count.log'
        with open(log, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        try:
            script = os.path.join(run_tests.DOM0_JOBS, 'bench-guest.sh')
            p = subprocess.run(
                ['sh', '-c', f'. "{script}"; traced_windows_ok "$1" "$2" 13',
                 'sh', job, self.TAG], stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True)
        finally:
            os.unlink(log)
        return p.returncode, p.stdout

    def window(self, op, domain):
        return [f'bench-count: {self.TAG} engine=inkernel op={op} '
                'requests=10 sectors=80 notifications=2',
                f'bench-xenalyze: {self.TAG} engine=inkernel op={op} | '
                'Total time: 0.00 seconds',
                f'bench-xenalyze: {self.TAG} engine=inkernel op={op} | '
                f'|-- Domain {domain} --|']

    def test_every_window_traced(self):
        rc, out = self.run_check(self.window('randread4k', 13)
                                 + self.window('seqread1m', 13))
        self.assertEqual((rc, out), (0, ''))

    def test_a_window_without_the_guest_fails(self):
        """An empty trace (only dom0, or nothing) fails the job, naming
        the window."""
        rc, out = self.run_check(self.window('randread4k', 13)
                                 + self.window('randwrite4k', 0)
                                 + self.window('seqread1m', 113))
        self.assertEqual(rc, 1)
        self.assertIn('no trace of domain 13 in the randwrite4k inkernel '
                      'window', out)
        self.assertIn('seqread1m', out)
        self.assertNotIn('randread4k', out)


class LifeCheck(unittest.TestCase):
    """life-drive.sh check, the life jobs' .post, on made-up logs of a
    save and of a migration Xen refused, with a stand-in xl that finds
    no domain (the guest is gone)."""

    DRIVE_START = ['serving: ok (first boot)', 'answers: ok (first boot)']
    DRIVE_END = ['xl shutdown -w: ok', 'domain g: gone', 'finished']
    SAVE = ['xl save -c: ok (9 bytes)',
            'checkpoint resumed: ok (pvk: resumed (cancelled=1) in 5 us)',
            'answers: ok (after checkpoint)', 'xl save: ok (9 bytes)',
            'xl restore: ok', 'resumed: ok (pvk: resumed (cancelled=0) in 7 us)',
            'devices: ok (vbd/51712=4/4 vif/0=4/4 )', 'answers: ok (after save)',
            'ping loop: 30 answered, 18 lost, longest gap 26.6 s',
            'blk loop: ok (sent=900 acked=900 unacked=0 errors=0 retries=80 '
            'busy=0 malformed=0 longest_gap=36.1 seconds=80.2)',
            'blk after restore: ok (300 writes acknowledged after the restore)',
            'blk verify: ok (sectors=4 checked=3 ok=3 lost=0 unreadable=0 '
            'retries=0 seconds=0.1)']
    # What net-tool blk-loop left (sector, last acknowledged write, a
    # later unanswered one): the image must hold the first or the second.
    STATE = ((126976, 5, 0), (126977, 9, 12), (126978, 0, 3), (126979, 7, 0))
    REFUSED = ['xl migrate: refused by Xen (no log-dirty mode for PV guests '
               'without shadow paging)', 'answers: ok (after refused migrate)',
               'ping loop: 40 answered, 0 lost, longest gap 0.9 s']
    CONSOLE = ['pvk: platform=xen-pv cpus=2 mem=59MiB patched=1 sites domU',
               'pvk: serving']
    RESUMES = ['pvk: suspending', 'pvk: resumed (cancelled=1) in 5 us',
               'pvk: suspending', 'pvk: resumed (cancelled=0) in 7 us']
    DOWN = ['pvk: shutdown requested: poweroff (from xenstore control/shutdown)',
            'pvk: poweroff: closing devices',
            '[ 1.0] xenbus: device/vbd/51712: frontend Closed, backend Closed after 5 ms',
            '[ 1.1] xenbus: device/vif/0: frontend Closed, backend Closed after 5 ms',
            'pvk: poweroff now']

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.tool = os.path.join(cls.tmp.name, 'net-tool')
        subprocess.run(['gcc', '-O0', '-o', cls.tool, run_tests.NET_TOOL_SRC],
                       check=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @staticmethod
    def pattern(sector, seq):
        """One sector as net-tool's blk_pattern() writes it."""
        head = b'PVKD' + struct.pack('>IQ', seq, sector)
        return head + bytes((sector * 131 + seq * 7 + i) & 0xff
                            for i in range(16, 512))

    def image(self, path, holds):
        """A disk image whose sectors hold the writes in holds."""
        with open(path, 'wb') as f:
            f.truncate(131072 * 512)
            for sector, seq in holds.items():
                f.seek(sector * 512)
                f.write(self.pattern(sector, seq))

    def check(self, mode, drive, console, holds=None, channel=''):
        holds = holds if holds is not None else {126976: 5, 126977: 12,
                                                 126979: 7}
        with tempfile.TemporaryDirectory() as tmp:
            xl = os.path.join(tmp, 'xl')
            with open(xl, 'w') as f:
                f.write('#!/bin/sh\nexit 1\n')
            os.chmod(xl, 0o755)
            state = os.path.join(tmp, 'blk.state')
            with open(state, 'w') as f:
                f.write(''.join(f'{s} {a} {m}\n' for s, a, m in self.STATE))
            self.image(os.path.join(tmp, 'disk.img'), holds)
            paths = {}
            for name, lines in (('drive', ['life-drive: [1.0] ' + d
                                           for d in drive]),
                                ('console', console)):
                paths[name] = os.path.join(tmp, name)
                with open(paths[name], 'w') as f:
                    f.write('\n'.join(lines) + '\n')
            env = dict(os.environ, GUEST='g', NET_TOOL=self.tool,
                       BLK_STATE=state, DISK=os.path.join(tmp, 'disk.img'),
                       PATH=tmp + os.pathsep + os.environ['PATH'])
            p = subprocess.run(
                ['sh', os.path.join(run_tests.DOM0_JOBS, 'life-drive.sh'),
                 'check', paths['drive'], paths['console'], mode]
                + ([channel] if channel else []),
                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, timeout=60)
            return p.returncode, p.stdout

    def test_save_passes(self):
        rc, out = self.check('save', self.DRIVE_START + self.SAVE + self.DRIVE_END,
                             self.CONSOLE + self.RESUMES + self.DOWN)
        self.assertEqual(rc, 0, out)
        self.assertIn('life check: ok', out)
        self.assertIn('holds every acknowledged write: blk-verify-file: '
                      'sectors=4 checked=3 ok=3 lost=0', out)

    CHANNEL = ['channel: ok (first boot: unix-ask: intact=yes )',
               'channel: ok (after checkpoint: unix-ask: intact=yes )',
               'channel: ok (after save: unix-ask: intact=yes )']
    RECONNECT = ['[ 2.0] console-front: org.pvk.echo (device/console/2): '
                 'restored; reconnecting']

    def test_save_with_channel(self):
        """With the echo channel, each echo and pvk's reconnection line
        are needed; without it (PVH, HVM jobs), none is."""
        drive = self.DRIVE_START + self.SAVE + self.CHANNEL + self.DRIVE_END
        console = self.CONSOLE + self.RESUMES + self.RECONNECT + self.DOWN
        sock = '/run/pvk-echo.sock'
        rc, out = self.check('save', drive, console, channel=sock)
        self.assertEqual(rc, 0, out)
        for gone, want in ((2, r'channel: ok \(after save'),
                           (1, r'channel: ok \(after checkpoint')):
            bad = [d for d in drive if d != self.CHANNEL[gone]]
            rc, out = self.check('save', bad, console, channel=sock)
            self.assertEqual(rc, 1, out)
            self.assertIn(want, out)
        rc, out = self.check('save', drive, self.CONSOLE + self.RESUMES
                             + self.DOWN, channel=sock)
        self.assertEqual(rc, 1, out)
        self.assertIn('restored; reconnecting/ in pvk', out)

    def test_console_ring_after_restore(self):
        """The console's log must go on after the restore: the closing
        lines of the shutdown after the resumed line, nothing dropped."""
        drive = self.DRIVE_START + self.SAVE + self.DRIVE_END
        silent = self.CONSOLE + self.DOWN[2:4] + self.RESUMES + \
            [d for d in self.DOWN if 'xenbus' not in d]
        rc, out = self.check('save', drive, silent)
        self.assertEqual(rc, 1, out)
        self.assertIn("console: 0 frontends' closing lines after the resume",
                      out)
        dropped = self.CONSOLE + self.RESUMES + \
            ['console: 120 bytes dropped while the backend stalled'] + self.DOWN
        rc, out = self.check('save', drive, dropped)
        self.assertEqual(rc, 1, out)
        self.assertIn('console: pvk dropped output', out)
        rc, out = self.check('save', drive, self.CONSOLE + self.RESUMES
                             + self.DOWN)
        self.assertIn('console after the move: ok (2 closing lines', out)

    def test_channel_from_the_job_config(self):
        """Each save job has the echo channel (the PVH and HVM rows take
        their devices from their own configs); other jobs have none."""
        sock = '/run/pvk-echo.sock'
        for job, want in (('life-60-save', sock), ('life-61-save-pvh', sock),
                          ('life-62-save-hvm', sock), ('con-10-channel', '')):
            p = subprocess.run(
                ['sh', os.path.join(run_tests.DOM0_JOBS, 'life-drive.sh'),
                 'channel', os.path.join(run_tests.DOM0_JOBS, job + '.cfg')],
                stdout=subprocess.PIPE, text=True, check=True)
            self.assertEqual(p.stdout.strip(), want, job)

    def test_save_names_lost_writes(self):
        """An acknowledged write the image does not hold fails the save,
        named by sector, as does a loop whose read-back lost some."""
        drive = self.DRIVE_START + self.SAVE + self.DRIVE_END
        console = self.CONSOLE + self.RESUMES + self.DOWN
        rc, out = self.check('save', drive, console,
                             {126976: 4, 126977: 12, 126979: 7})
        self.assertEqual(rc, 1, out)
        self.assertIn('LOST sector 126976: acknowledged write seq 5, '
                      'holds write seq 4', out)
        rc, out = self.check('save', drive, console, {126976: 5, 126977: 12})
        self.assertEqual(rc, 1, out)
        self.assertIn('LOST sector 126979: acknowledged write seq 7, '
                      'holds no write of ours', out)
        bad = [d for d in drive if not d.startswith('blk verify')]
        rc, out = self.check('save', bad + ['blk verify: FAIL: lost=1'],
                             console)
        self.assertEqual(rc, 1, out)
        self.assertIn(r'no /^life-drive: .* blk verify: ok/', out)

    def test_save_names_what_is_missing(self):
        # No resume after the restore, and a second boot instead.
        drive = [d for d in self.SAVE if not d.startswith('resumed')]
        console = self.CONSOLE + self.RESUMES[:3] + self.CONSOLE + self.DOWN
        rc, out = self.check('save', self.DRIVE_START + drive + self.DRIVE_END,
                             console)
        self.assertNotEqual(rc, 0)
        self.assertIn(r'no /^life-drive: \[[0-9.]+\] resumed: ok/', out)
        self.assertIn(r'no /^pvk: resumed \(cancelled=0\) in [0-9]+ us/', out)
        self.assertIn("'pvk: serving' 2 times, expected 1", out)

    def test_migration_checks_the_write_loop(self):
        """A migration that went through is judged as a restore is, the
        write loop included: writes acknowledged after the migration,
        each acknowledged sector read back and in the image."""
        moved = ['xl migrate: ok', 'resumed: ok (pvk: resumed (cancelled=0) in 7 us)',
                 'devices: ok (vbd/51712=4/4 vif/0=4/4 )',
                 'answers: ok (after migrate)',
                 'ping loop: 30 answered, 2 lost, longest gap 3.0 s']
        blk = [d.replace('restore', 'migrate') for d in self.SAVE
               if d.startswith('blk ')]
        console = self.CONSOLE + self.RESUMES[2:] + self.DOWN
        rc, out = self.check('migrate',
                             self.DRIVE_START + moved + blk + self.DRIVE_END,
                             console)
        self.assertEqual(rc, 0, out)
        self.assertIn('life check: ok', out)
        self.assertIn('holds every acknowledged write', out)
        rc, out = self.check('migrate', self.DRIVE_START + moved + blk[:1] +
                             self.DRIVE_END, console)
        self.assertEqual(rc, 1, out)
        self.assertIn(r'no /^life-drive: .* blk after migrate: ok/', out)
        rc, out = self.check('migrate',
                             self.DRIVE_START + moved + blk + self.DRIVE_END,
                             console, {126976: 4, 126977: 12, 126979: 7})
        self.assertEqual(rc, 1, out)
        self.assertIn('LOST sector 126976', out)

    def test_refused_migration_must_go_unnoticed(self):
        """A migration Xen refused is a skip (77), never a pass, and
        only if pvk went on untouched; anything else fails (1)."""
        drive = self.DRIVE_START + self.REFUSED + self.DRIVE_END
        rc, out = self.check('migrate', drive, self.CONSOLE + self.DOWN)
        self.assertEqual(rc, 77, out)
        self.assertIn('life check: SKIP: xl migrate refused by Xen', out)
        self.assertNotIn('life check: ok', out)
        rc, out = self.check('migrate', drive,
                             self.CONSOLE + self.RESUMES[:1] + self.DOWN)
        self.assertEqual(rc, 1)
        self.assertIn('pvk suspended for a migration Xen refused', out)
        lossy = [d.replace(' 0 lost', ' 3 lost') for d in drive]
        rc, out = self.check('migrate', lossy, self.CONSOLE + self.DOWN)
        self.assertEqual(rc, 1)
        self.assertIn('ping loop: [0-9]+ answered, 0 lost', out)
