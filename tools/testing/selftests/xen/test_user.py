#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of run_tests.py for user space (issue #13's first slice):
the bare-metal boots carry the initramfs as their first module and must
pass the user suite; the Xen rows neither get it nor require it."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run_tests  # noqa: E402

BARE_METAL_BOOTS = ('pvh', 'iso', 'uefi')


def row(name):
    return next(r for r in run_tests.TEST_ROWS if r.name == name)


class UserRows(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.ctx = run_tests.Context('qemu', '/img', '/pvk.iso',
                                     self.tmp.name, '', 120, False)
        self.ctx.initramfs = '/cpio'
        self.ctx.dry_run = True

    def test_user_required_on_bare_metal_only(self):
        for r in run_tests.TEST_ROWS:
            names = run_tests.required_names(r, r.cpus)
            if r.boot in BARE_METAL_BOOTS and not r.name.endswith('-badsuite'):
                self.assertIn('user', names, r.name)
            else:
                self.assertNotIn('user', names, r.name)

    def test_pvh_rows_load_the_initramfs(self):
        argv = run_tests.qemu_command(row('pvh-tcg-smp2'), self.ctx, '',
                                      's.log', 'd.log')
        self.assertEqual(argv[argv.index('-initrd') + 1], '/cpio')
        self.assertEqual(argv[argv.index('-kernel') + 1], '/img')

    def test_xen_rows_get_no_initramfs(self):
        argv = run_tests.qemu_command(row('xen-pv-dom0-smp1'), self.ctx, '',
                                      's.log', 'd.log')
        # Xen's one module is pvk itself with its command line.
        self.assertNotIn('/cpio', ' '.join(argv))
        name, iso = run_tests.hvm_iso(run_tests._hvm_domu(1), self.ctx)
        self.assertNotIn('initramfs', name + iso)

    def test_iso_rows_with_a_command_line_get_their_own_iso(self):
        plain = run_tests.qemu_command(row('iso-tcg-smp2'), self.ctx, '',
                                       's.log', 'd.log')
        # make's ISO already holds the initramfs as its module.
        self.assertEqual(plain[plain.index('-cdrom') + 1], '/pvk.iso')
        own = run_tests.qemu_command(row('iso-tcg-smp2'), self.ctx,
                                     'loglevel=7', 's.log', 'd.log')
        iso = own[own.index('-cdrom') + 1]
        self.assertRegex(os.path.basename(iso),
                         r'^pvk-[0-9a-f]{8}-initramfs\.iso$')
        # Without an initramfs the same command line is another ISO.
        self.assertNotEqual(self.ctx.iso_for('loglevel=7'), iso)

    def test_missing_initramfs_cannot_start_the_row(self):
        self.ctx.dry_run = False
        self.ctx.image = os.path.join(self.tmp.name, 'pvk')
        open(self.ctx.image, 'w').close()
        self.ctx.initramfs = os.path.join(self.tmp.name, 'initramfs.cpio')
        with self.assertRaisesRegex(run_tests.SetupError,
                                    'initramfs.cpio not found'):
            run_tests.boot_pvh(row('pvh-tcg-smp1'), self.ctx, '')


if __name__ == '__main__':
    unittest.main()
