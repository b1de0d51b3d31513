#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of run_tests.py for user space (issue #13's first slice):
the bare-metal boots carry the initramfs as their first module and must
pass the user suite, and so must the Xen rows where pvk keeps native
paging (PVH dom0, PVH and HVM domU), which get it too; and since issue
#13 the Xen PV dom0 rows and the PV domU rows without a dom0 job script
get it and must pass the suite on PV's pv_ops hooks."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run_tests  # noqa: E402

MKINITRAMFS = os.path.join(run_tests.ROOT, 'scripts', 'mkinitramfs.py')


def load_mkinitramfs():
    import importlib.util
    spec = importlib.util.spec_from_file_location('mkinitramfs', MKINITRAMFS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_newc(data):
    """[(name, mode, body)] of a newc archive, up to its trailer."""
    out, off = [], 0
    while True:
        head = data[off:off + 110]
        assert head[:6] == b'070701', head[:6]
        fields = [int(head[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        size, namesize = fields[6], fields[11]
        name = data[off + 110:off + 110 + namesize]
        assert name.endswith(b'\0')
        body_off = (off + 110 + namesize + 3) & ~3
        if name[:-1] == b'TRAILER!!!':
            return out
        out.append((name[:-1].decode(), fields[1],
                    data[body_off:body_off + size]))
        off = (body_off + size + 3) & ~3

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

    def test_user_required_on_bare_metal_and_plain_xen_rows(self):
        xen = ('xen-pvh-dom0-smp1', 'xen-pvh-dom0-smp2',
               'xen-pvh-dom0-smp4', 'xen-pvh-dom0-smp2-vector',
               'xen-pvh-dom0-smp2-nocallback',
               'xen-pvh-domU-smp1', 'xen-pvh-domU-smp2',
               'xen-pvh-domU-smp2-vector', 'xen-hvm-domU-smp1',
               'xen-hvm-domU-smp2', 'xen-hvm-domU-smp2-intx',
               # Xen PV (issue #13): the plain dom0 and domU rows and
               # their 2-level event and grant table v2 variants.
               'xen-pv-dom0-smp1', 'xen-pv-dom0-smp2', 'xen-pv-dom0-smp4',
               'xen-pv-dom0-smp1-2l', 'xen-pv-dom0-smp2-2l',
               'xen-pv-dom0-smp4-2l', 'xen-pv-dom0-smp2-gnttabv2',
               'xen-pv-domU-smp1', 'xen-pv-domU-smp2',
               'xen-pv-domU-smp2-gnttabv2')
        for r in run_tests.TEST_ROWS:
            names = run_tests.required_names(r, r.cpus)
            # A serve_only row (the power button's) runs no case.
            if ((r.boot in BARE_METAL_BOOTS
                 and not r.name.endswith('-badsuite') and not r.serve_only)
                    or r.name in xen):
                self.assertIn('user', names, r.name)
            else:
                self.assertNotIn('user', names, r.name)

    def test_mm_cases_required_with_the_user_suite(self):
        """mprotect, demand paging, sleeps and kill are named cases of
        every row that requires the user suite, and exist there."""
        import test_manifest
        names = test_manifest.selftest_names()
        for case in run_tests.USER_MM:
            self.assertIn(case, names)
        for r in run_tests.TEST_ROWS:
            need = run_tests.required_names(r, r.cpus)
            if 'user' in need:
                for case in run_tests.USER_MM:
                    self.assertIn(case, need, r.name)

    def test_rows_requiring_user_get_the_initramfs(self):
        for r in run_tests.TEST_ROWS:
            if 'user' not in run_tests.required_names(r, r.cpus):
                continue
            if r.boot == 'dom0stack':
                self.assertTrue(run_tests.gets_initramfs(r), r.name)

    def test_init_row(self):
        r = row('pvh-tcg-smp2-init')
        self.assertIn('init="/bin/hello one two"', r.append)
        for other in run_tests.TEST_ROWS:
            names = run_tests.required_names(other, other.cpus)
            self.assertEqual('user_init' in names, other is r, other.name)

    def test_pvh_rows_load_the_initramfs(self):
        argv = run_tests.qemu_command(row('pvh-tcg-smp2'), self.ctx, '',
                                      's.log', 'd.log')
        self.assertEqual(argv[argv.index('-initrd') + 1], '/cpio')
        self.assertEqual(argv[argv.index('-kernel') + 1], '/img')

    def test_xen_pv_rows_get_the_initramfs(self):
        argv = run_tests.qemu_command(row('xen-pv-dom0-smp1'), self.ctx, '',
                                      's.log', 'd.log')
        # Xen's modules: pvk with its command line, then the initramfs.
        self.assertEqual(argv[argv.index('-initrd') + 1], '/img,/cpio')
        _, text = run_tests.dom0stack_job(row('xen-pv-domU-smp1'),
                                          self.ctx, 0)
        self.assertIn('ramdisk = "/guests/initramfs.cpio"\n', text)
        build, _, _ = run_tests.dom0stack_commands(
            [row('xen-pv-domU-smp2')], self.ctx)
        self.assertIn('initramfs.cpio=/cpio', build)

    def test_xen_pv_job_rows_get_no_initramfs(self):
        # The rows a dom0/jobs script drives keep their guest as it was.
        for r in run_tests.TEST_ROWS:
            if r.xl_type == 'pv' and r.job:
                _, text = run_tests.dom0stack_job(r, self.ctx, 0)
                self.assertNotIn('ramdisk', text, r.name)

    def test_pvh_dom0_gets_the_initramfs_after_the_kernel(self):
        argv = run_tests.qemu_command(row('xen-pvh-dom0-smp2-vector'),
                                      self.ctx, 'a,b', 's.log', 'd.log')
        self.assertEqual(argv[argv.index('-initrd') + 1],
                         '/img a,,b,/cpio')

    def test_pvh_and_hvm_domu_get_the_initramfs(self):
        _, text = run_tests.dom0stack_job(row('xen-pvh-domU-smp2'),
                                          self.ctx, 0)
        self.assertIn('ramdisk = "/guests/initramfs.cpio"\n', text)
        build, _, _ = run_tests.dom0stack_commands(
            [row('xen-pvh-domU-smp2')], self.ctx)
        self.assertIn('initramfs.cpio=/cpio', build)
        _, iso = run_tests.hvm_iso(run_tests._hvm_domu(1), self.ctx)
        self.assertRegex(os.path.basename(iso),
                         r'^pvk-[0-9a-f]{8}-initramfs\.iso$')

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


class MkInitramfs(unittest.TestCase):
    def test_archive_reads_back(self):
        mk = load_mkinitramfs()
        data = mk.archive([('bin/hello', b'\x7fELF12345', 0o755),
                           ('expected/hello.out', b'hi\n', 0o644)])
        self.assertEqual(len(data) % 512, 0)
        self.assertEqual(read_newc(data), [
            ('bin', 0o40755, b''), ('expected', 0o40755, b''),
            ('bin/hello', 0o100755, b'\x7fELF12345'),
            ('expected/hello.out', 0o100644, b'hi\n')])
        # The same inputs give the same bytes (times are 0).
        self.assertEqual(data, mk.archive([
            ('bin/hello', b'\x7fELF12345', 0o755),
            ('expected/hello.out', b'hi\n', 0o644)]))

    def test_command_line(self):
        mk = load_mkinitramfs()
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, 'prog')
            with open(src, 'wb') as f:
                f.write(b'abc')
            os.chmod(src, 0o755)
            out = os.path.join(tmp, 'out.cpio')
            self.assertEqual(mk.main(['mk', out, f'/bin/prog={src}']), 0)
            with open(out, 'rb') as f:
                self.assertEqual(read_newc(f.read()), [
                    ('bin', 0o40755, b''), ('bin/prog', 0o100755, b'abc')])
            self.assertEqual(mk.main(['mk', out, 'no-equals-sign']), 2)


if __name__ == '__main__':
    unittest.main()
