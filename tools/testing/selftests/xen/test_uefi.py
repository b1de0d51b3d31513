#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of run_tests.py's uefi rows: the ISO of the iso rows booted
by OVMF, with the bare-metal manifest plus the efi_boot suite."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run_tests  # noqa: E402
from test_manifest import passing, serial  # noqa: E402


def row(name):
    return next(r for r in run_tests.TEST_ROWS if r.name == name)


class UefiRows(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.iso = os.path.join(self.tmp.name, 'pvk.iso')
        self.ctx = run_tests.Context('qemu', '/nonexistent', self.iso,
                                     self.tmp.name, '', 120, False)

    def test_rows_on_one_and_two_cpus(self):
        rows = [r for r in run_tests.TEST_ROWS if r.boot == 'uefi']
        self.assertEqual([r.name for r in rows],
                         ['uefi-tcg-smp1', 'uefi-tcg-smp2'])
        for r in rows:
            self.assertEqual(r.platform, 'bare-metal')
            self.assertEqual(r.accel, 'tcg')
            self.assertEqual(r.requires, ())

    def test_manifest_is_the_iso_rows_plus_efi_boot(self):
        for cpus in (1, 2):
            uefi = run_tests.required_names(row(f'uefi-tcg-smp{cpus}'), cpus)
            iso = run_tests.required_names(row(f'iso-tcg-smp{cpus}'), cpus)
            self.assertEqual(uefi, iso + ['efi_boot'])
        self.assertIn('smp', run_tests.required_names(row('uefi-tcg-smp2'), 2))
        self.assertNotIn('smp',
                         run_tests.required_names(row('uefi-tcg-smp1'), 1))
        for r in run_tests.TEST_ROWS:
            if r.boot != 'uefi':
                self.assertNotIn('efi_boot',
                                 run_tests.required_names(r, r.cpus), r.name)

    def test_qemu_gets_ovmf_and_the_same_iso(self):
        self.ctx.dry_run = True
        uefi = run_tests.qemu_command(row('uefi-tcg-smp2'), self.ctx, '',
                                      's.log', 'd.log')
        i = uefi.index('-bios')
        self.assertEqual(uefi[i + 1], run_tests.OVMF)
        self.assertEqual(uefi[uefi.index('-cdrom') + 1], self.iso)
        self.assertEqual(uefi[uefi.index('-smp') + 1], '2')
        # The BIOS rows stay on QEMU's own firmware (SeaBIOS).
        iso = run_tests.qemu_command(row('iso-tcg-smp2'), self.ctx, '',
                                     's.log', 'd.log')
        self.assertNotIn('-bios', iso)
        self.assertEqual(iso[iso.index('-cdrom') + 1], self.iso)

    def test_missing_ovmf_cannot_start_the_row(self):
        open(self.iso, 'w').close()
        missing = os.path.join(self.tmp.name, 'OVMF.fd')
        saved, run_tests.OVMF = run_tests.OVMF, missing
        self.addCleanup(setattr, run_tests, 'OVMF', saved)
        with self.assertRaisesRegex(run_tests.SetupError,
                                    'OVMF.fd not found.*ovmf'):
            run_tests.boot_uefi(row('uefi-tcg-smp1'), self.ctx, '')

    def evaluate(self, r, results):
        path, debugcon, _ = run_tests.log_paths(r.name, self.ctx)
        with open(path, 'w') as f:
            f.write(serial('bare-metal', r.cpus, results))
        return run_tests.evaluate(r, self.ctx, r.append,
                                  run_tests.Outcome('exited', 1), path,
                                  debugcon, '/nonexistent')

    def test_efi_boot_must_run(self):
        r = row('uefi-tcg-smp2')
        results = passing(r, 2)
        res = self.evaluate(r, results)
        self.assertEqual(res.status, run_tests.PASS, res.problems)
        # What a boot that did not come through UEFI says: the row fails.
        reason = 'not booted through UEFI (entry multiboot2, no EFI tags)'
        results = [(n, 'skip', reason) if n.startswith('efi_boot.')
                   else (n, s, why) for n, s, why in results]
        res = self.evaluate(r, results)
        self.assertEqual(res.status, run_tests.MISMATCH)
        self.assertEqual(res.problems, [
            f'required case efi_boot.case skipped: {reason}'])


if __name__ == '__main__':
    unittest.main()
