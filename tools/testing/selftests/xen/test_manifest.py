#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of run_tests.py's per-row MANIFEST: a row passes only if
the cases it must run passed; a required case that skipped or is missing
fails the row, by name."""

import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ktap  # noqa: E402
import run_tests  # noqa: E402

SUITE_RE = re.compile(r'^SELFTEST_SUITE\((\w+),(.*?)\);', re.M | re.S)
CASE_RE = re.compile(r'KUNIT_CASE\((\w+)\)')


def selftest_names():
    """Every suite and "suite.case" of the SELFTEST_SUITE() tables."""
    names = set()
    for top in ('arch', 'drivers', 'kernel', 'mm', 'net', 'lib'):
        for d, _, files in os.walk(os.path.join(run_tests.ROOT, top)):
            for f in files:
                if not f.endswith('.c'):
                    continue
                with open(os.path.join(d, f)) as src:
                    for m in SUITE_RE.finditer(src.read()):
                        names.add(m.group(1))
                        names.update(f'{m.group(1)}.{c}'
                                     for c in CASE_RE.findall(m.group(2)))
    return names

BOOT = 'pvk: platform=%s cpus=%d mem=251MiB patched=216 sites%s'


def serial(platform, cpus, results, words=''):
    """A consistent serial log with results [(name, status, reason)]."""
    lines = [BOOT % (platform, cpus, words), 'KTAP version 1',
             f'1..{len(results)}']
    counts = {'ok': 0, 'not ok': 0, 'skip': 0}
    for i, (name, status, reason) in enumerate(results, 1):
        if status == 'skip':
            lines.append(f'ok {i} {name} # SKIP {reason}')
        else:
            lines.append(f'{status} {i} {name}')
        counts[status] += 1
    verdict = 'FAIL' if counts['not ok'] else 'PASS'
    lines.append(f'pvk: selftest result: {verdict} ({counts["ok"]} passed, '
                 f'{counts["not ok"]} failed, {counts["skip"]} skipped)')
    return '\n'.join(lines) + '\n'


def passing(row, cpus):
    """One passing case for every name the row requires."""
    out = []
    for name in run_tests.required_names(row, cpus):
        out.append((name if '.' in name else name + '.case', 'ok', ''))
    return out


class Ktap(unittest.TestCase):
    def test_per_case_results_with_skip_reasons(self):
        log = ktap.parse(serial('bare-metal', 1, [
            ('mm.a', 'ok', ''), ('mm.b', 'skip', 'needs 2 CPUs, 1 online'),
            ('smp.c', 'not ok', '')]))
        self.assertEqual(set(log.cases), {'mm.a', 'mm.b', 'smp.c'})
        self.assertTrue(log.cases['mm.a'].passed)
        self.assertTrue(log.cases['mm.b'].skipped)
        self.assertEqual(log.cases['mm.b'].reason, 'needs 2 CPUs, 1 online')
        self.assertTrue(log.cases['smp.c'].failed)
        self.assertEqual([r.name for r in log.suite('mm')], ['mm.a', 'mm.b'])
        self.assertEqual(log.suite('m'), [])


class Manifest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.ctx = run_tests.Context('qemu', '/nonexistent', None,
                                     self.tmp.name, '', 120, False)

    def evaluate(self, row, text):
        path, debugcon, _ = run_tests.log_paths(row.name, self.ctx)
        with open(path, 'w') as f:
            f.write(text)
        outcome = run_tests.Outcome('domain', trigger='verdict') \
            if row.boot in run_tests.GROUP_METHODS \
            else run_tests.Outcome('exited', 1)
        return run_tests.evaluate(row, self.ctx, row.append, outcome, path,
                                  debugcon, '/nonexistent')

    def domu(self):
        row = run_tests._domu(1)
        return row, passing(row, 1)

    def domu_text(self, results):
        return serial('xen-pv', 1, results, ' domU')

    def test_all_present(self):
        row, results = self.domu()
        res = self.evaluate(row, self.domu_text(results))
        self.assertEqual(res.status, run_tests.PASS, res.problems)

    def test_required_case_skipped(self):
        row, results = self.domu()
        name = 'xen_blkfront.blkfront_write_read_back'
        results = [(n, 'skip', 'no writable Xen disk of 64 MiB (0 vbds)')
                   if n == name else (n, s, r) for n, s, r in results]
        res = self.evaluate(row, self.domu_text(results))
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertEqual(res.problems, [
            f'required case {name} skipped: no writable Xen disk of 64 MiB '
            '(0 vbds)'])
        self.assertEqual(run_tests.closing_counts([res]),
                         (len(results) - 1, 1, 1))

    def test_required_case_missing(self):
        row, results = self.domu()
        name = 'netfront.netfront_ping_dom0'
        results = [x for x in results if x[0] != name]
        res = self.evaluate(row, self.domu_text(results))
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertEqual(res.problems, [f'required case {name} missing'])

    def test_required_suite_missing_or_partly_skipped(self):
        row = run_tests.Row('pvh-tcg-smp2', 'pvh', 2)
        results = [x for x in passing(row, 2) if x[0] != 'sched.case']
        results.append(('mm.second', 'skip', 'not today'))
        res = self.evaluate(row, serial('bare-metal', 2, results))
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertEqual(res.problems, [
            'required suite sched missing',
            'required case mm.second skipped: not today'])

    def test_smp_only_with_two_cpus(self):
        row = run_tests.Row('pvh-tcg-smp1', 'pvh', 1)
        self.assertNotIn('smp', run_tests.required_names(row, 1))
        self.assertIn('smp', run_tests.required_names(row, 2))
        # On one CPU a case that needs a second one may skip ...
        results = passing(row, 1) + [
            ('pgtable.pgtable_tlb_shootdown_cross_cpu', 'skip',
             'needs 2 CPUs, 1 online')]
        res = self.evaluate(row, serial('bare-metal', 1, results))
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        # ... but not on two.
        row2 = run_tests.Row('pvh-tcg-smp2', 'pvh', 2)
        results = passing(row2, 2) + results[-1:]
        res = self.evaluate(row2, serial('bare-metal', 2, results))
        self.assertEqual(res.problems, [
            'required case pgtable.pgtable_tlb_shootdown_cross_cpu '
            'skipped: needs 2 CPUs, 1 online'])

    def test_needs_cpus_skip_only_below_that_count(self):
        self.assertTrue(run_tests.skip_expected('needs 2 CPUs', 1))
        self.assertTrue(run_tests.skip_expected('needs 4 CPUs', 3))
        self.assertFalse(run_tests.skip_expected('needs 2 CPUs', 2))
        self.assertFalse(run_tests.skip_expected('no disk', 1))
        self.assertFalse(run_tests.skip_expected('', 1))
        # Any required case, not a fixed list: one that needs a second
        # CPU passes the row when it skips on one.
        row = run_tests.Row('pvh-tcg-smp1', 'pvh', 1)
        results = passing(row, 1) + [
            ('pgtable.pgtable_concurrent_mapping', 'skip', 'needs 2 CPUs')]
        res = self.evaluate(row, serial('bare-metal', 1, results))
        self.assertEqual(res.status, run_tests.PASS, res.problems)

    def test_failed_required_case_is_a_failed_test(self):
        row, results = self.domu()
        name = 'xenbus.case'
        results = [(n, 'not ok', '') if n == name else (n, s, r)
                   for n, s, r in results]
        res = self.evaluate(row, self.domu_text(results))
        self.assertEqual(res.status, run_tests.FAIL, res.problems)
        self.assertEqual([t.split()[1] for t in res.failed_tests], [name])

    def test_io_apic_where_the_madt_names_one(self):
        names = {row.name: run_tests.required_names(row, row.cpus)
                 for row in run_tests.TEST_ROWS}
        for name in ('pvh-tcg-smp1', 'pvh-tcg-smp4', 'iso-tcg-smp2',
                     'pvh-tcg-smp2-nosmp'):
            self.assertIn('io_apic', names[name])
            self.assertIn('pci', names[name])
        # -no-acpi: no MADT, so no IOAPIC to drive; PCI is still there.
        self.assertNotIn('io_apic', names['pvh-tcg-smp2-noacpi'])
        self.assertIn('pci', names['pvh-tcg-smp2-noacpi'])
        for name, required in names.items():
            if name.startswith('xen-'):
                self.assertNotIn('io_apic', required, name)
            # Xen guests do not drive PCI, except an HVM guest booted
            # with xen_nopv, which is bare metal inside the guest.
            if name.startswith('xen-') and not name.endswith('-nopv'):
                self.assertNotIn('pci', required, name)
        self.assertIn('pci', names['xen-hvm-domU-smp1-nopv'])

    def test_acpi_button_where_the_fadt_has_one(self):
        names = {row.name: run_tests.required_names(row, row.cpus)
                 for row in run_tests.TEST_ROWS}
        for name in ('pvh-tcg-smp1', 'pvh-tcg-smp2', 'iso-tcg-smp1',
                     'uefi-tcg-smp1'):
            self.assertIn('acpi_button', names[name])
        self.assertNotIn('acpi_button', names['pvh-tcg-smp2-noacpi'])
        # The press: judged by its lines, it runs no case.
        self.assertEqual(names['pvh-tcg-smp2-powerbutton'], [])
        for name, required in names.items():
            if name.startswith('xen-'):
                self.assertNotIn('acpi_button', required, name)

    def test_every_row_has_a_manifest(self):
        """... except a row booted with selftest=none, which runs no case:
        what it must print is "pvk: serving" (test_dom0stack.py)."""
        for row in run_tests.TEST_ROWS:
            if row.serve_only:
                self.assertEqual(run_tests.required_names(row, row.cpus), [],
                                 row.name)
                continue
            self.assertTrue(run_tests.required_names(row, row.cpus),
                            row.name)

    def test_pvh_and_hvm_domu_rows_need_no_pv_mmu(self):
        for row in (run_tests._pvh_domu(2), run_tests._hvm_domu(2)):
            names = run_tests.required_names(row, 2)
            self.assertNotIn('xen_mmu', names)
            for name in ('xen_gnttab', 'xenbus', 'smp',
                         'xen_blkfront.blkfront_write_read_back',
                         'netfront.netfront_ping_dom0'):
                self.assertIn(name, names)
            self.assertNotIn('smp', run_tests.required_names(row, 1))
        self.assertIn('xen_mmu',
                      run_tests.required_names(run_tests._domu(1), 1))

    def test_blk_udp_on_pv_domu_disks(self):
        """The UDP block service's suite must pass where a PV domU has
        its Xen disk; bare metal has no disk to serve."""
        for row in (run_tests._domu(1), run_tests._domu(2)):
            self.assertIn('blk_udp', run_tests.required_names(row, row.cpus))
        self.assertNotIn('blk_udp', run_tests.required_names(
            run_tests.Row('pvh-tcg-smp2', 'pvh', 2), 2))

    def test_netfront_hardening_on_xen_pv_rows(self):
        """netfront's fake-backend hardening cases (rx budget, bad tx
        ids, locks kept across a reconnect, pages granted holding only
        the frame or zeroes, the kept-grant limit) must pass on the PV
        dom0 and plain PV domU rows; bare metal has no grant table to run
        them on."""
        cases = ('netfront.netfront_fake_rx_budget',
                 'netfront.netfront_fake_tx_bad_id',
                 'netfront.netfront_fake_reconnect_keeps_locks',
                 'netfront.netfront_fake_tx_page_holds_only_the_frame',
                 'netfront.netfront_fake_rx_pages_reposted_zeroed',
                 'netfront.netfront_fake_kept_grants_disable')
        for row in (run_tests._xen(1), run_tests._xen(2), run_tests._domu(1),
                    run_tests._domu(2)):
            names = run_tests.required_names(row, row.cpus)
            for name in cases:
                self.assertIn(name, names, row.name)
        names = run_tests.required_names(
            run_tests.Row('pvh-tcg-smp2', 'pvh', 2), 2)
        for name in cases:
            self.assertNotIn(name, names)

    def test_cpu_hotplug_where_xen_can(self):
        """vCPUs go offline and back in PV dom0 rows and PV, PVH and HVM
        domU rows with two vCPUs, and in the xl vcpu-set rows of each;
        every row refuses CPU 0 and a CPU that does not exist."""
        full = 'cpu_hotplug'
        refusals = ('cpu_hotplug.cpu_hotplug_refuses_cpu0',
                    'cpu_hotplug.cpu_hotplug_refuses_bad_number')
        for row in (run_tests._xen(2), run_tests._xen(4), run_tests._domu(2),
                    run_tests._pvh_domu(2), run_tests._hvm_domu(2),
                    run_tests._dom0job('life-50-vcpu'),
                    run_tests._dom0job('life-51-vcpu-pvh'),
                    run_tests._dom0job('life-52-vcpu-hvm')):
            self.assertIn(full, run_tests.required_names(row, row.cpus),
                          row.name)
        for row, cpus in ((run_tests._xen(1), 1), (run_tests._domu(1), 1),
                          (run_tests._pvh_domu(1), 1),
                          (run_tests.Row('pvh-tcg-smp2', 'pvh', 2), 2)):
            names = run_tests.required_names(row, cpus)
            self.assertNotIn(full, names, row.name)
            for name in refusals:
                self.assertIn(name, names, row.name)

    def test_hvm_row_passes_with_its_platform(self):
        row = run_tests._hvm_domu(2)
        results = passing(row, 2)
        res = self.evaluate(row, serial('xen-hvm', 2, results, ' domU'))
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        # What pvk says today in an HVM guest: a mismatch, by name.
        res = self.evaluate(row, serial('bare-metal', 2, results))
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertIn('boot line says platform=bare-metal, expected xen-hvm',
                      res.problems)

    def test_names_are_real_cases(self):
        """Every required suite and case exists in a *_test.c table."""
        known = selftest_names()
        self.assertIn('mm', known)
        for need in run_tests.MANIFEST:
            for name in need.names:
                self.assertIn(name, known)


class ExpectedFailure(unittest.TestCase):
    """A row that feeds pvk bad input passes only when exactly the cases
    it names failed, and fails (counted) otherwise."""

    ROW = run_tests.Row('pvh-tcg-smp2-badsuite', 'pvh', 2,
                        append='selftest=paravirt,typo',
                        expect_failed=('selftest.selection',))
    setUp = Manifest.setUp

    def run_row(self, results, code):
        path, debugcon, _ = run_tests.log_paths(self.ROW.name, self.ctx)
        with open(path, 'w') as f:
            f.write(serial('bare-metal', 2, results))
        return run_tests.evaluate(self.ROW, self.ctx, self.ROW.append,
                                  run_tests.Outcome('exited', code), path,
                                  debugcon, '/nonexistent')

    def test_exactly_the_expected_failure_passes(self):
        results = passing(self.ROW, 2) + [('selftest.selection', 'not ok', '')]
        res = self.run_row(results, 3)
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        self.assertEqual(res.failed, 0)
        self.assertEqual(run_tests.closing_counts([res])[1], 0)

    def test_a_pass_verdict_is_a_counted_failure(self):
        res = self.run_row(passing(self.ROW, 2), 1)
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertEqual(run_tests.closing_counts([res])[1], 1)

    def test_another_failure_too_is_a_failure(self):
        results = passing(self.ROW, 2) + [
            ('selftest.selection', 'not ok', ''),
            ('paravirt.other', 'not ok', '')]
        res = self.run_row(results, 3)
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertGreaterEqual(run_tests.closing_counts([res])[1], 1)


if __name__ == '__main__':
    unittest.main()


class SelectionsHoldTheirRequirements(unittest.TestCase):
    def test_every_required_suite_is_selected(self):
        """A row that names its suites (selftest=LIST) must name every
        suite its requirements need: the unplugnever row once required
        reboot and cpu_hotplug without selecting them."""
        for row in run_tests.TEST_ROWS:
            words = [w for w in row.append.split() if w.startswith('selftest=')]
            if not words or words[-1] in ('selftest=all', 'selftest=none'):
                continue
            chosen = set(words[-1].split('=', 1)[1].split(','))
            for name in run_tests.required_names(row, row.cpus):
                self.assertIn(name.split('.', 1)[0], chosen,
                              f'{row.name} requires {name}')

