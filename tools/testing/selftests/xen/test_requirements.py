#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of what run_tests.py makes of a row whose requirement is not
usable: KVM (a property of the host) skips; Xen and the dom0 stack (which
the runner fetches and starts) fail, unless PVK_SKIP_XEN=1 asks for a
skip, which the closing summary then says."""

import os
import stat
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run_tests  # noqa: E402

KVM_ROW = run_tests._pvh(1, 'kvm')
XEN_ROW = run_tests._xen(1)
DOMU_ROW = run_tests._domu(1)


class Unmet(unittest.TestCase):
    def test_kvm_unusable_is_a_skip(self):
        res = run_tests.unmet_requirement(
            KVM_ROW, {'kvm': (False, 'KVM unusable: no boot line')})
        self.assertEqual(res.status, run_tests.SKIP)
        self.assertEqual(res.problems, ['KVM unusable: no boot line'])
        self.assertEqual(run_tests.closing_counts([res]), (0, 0, 1))

    def test_fetch_failure_is_a_failure(self):
        for row, req in ((XEN_ROW, 'xen'), (DOMU_ROW, 'dom0stack')):
            res = run_tests.unmet_requirement(
                row, {req: (False, 'no Xen hypervisor: cannot download')})
            self.assertEqual(res.status, run_tests.ERROR)
            self.assertEqual(res.problems, [
                f'requirement {req} could not be fetched or started: '
                'no Xen hypervisor: cannot download'])
            self.assertEqual(run_tests.closing_counts([res]), (0, 1, 0))
            self.assertEqual(run_tests.closing_notes([res]), ['retries: 0'])

    def test_usable(self):
        self.assertIsNone(run_tests.unmet_requirement(
            XEN_ROW, {'xen': (True, '/x/xen-4.17')}))

    def test_skip_by_request(self):
        probes = {'xen': (False, run_tests.SKIPPED_BY_REQUEST),
                  'dom0stack': (False, run_tests.SKIPPED_BY_REQUEST)}
        results = [run_tests.unmet_requirement(XEN_ROW, probes),
                   run_tests.unmet_requirement(DOMU_ROW, probes)]
        self.assertEqual([r.status for r in results], [run_tests.SKIP] * 2)
        self.assertEqual(run_tests.closing_counts(results), (0, 0, 2))
        self.assertEqual(run_tests.closing_notes(results),
                         ['retries: 0', '(Xen rows skipped by request)'])

    def test_only_the_exact_variable_asks(self):
        for value, want in (('1', True), ('', False), ('0', False),
                            ('yes', False)):
            with mock.patch.dict(os.environ, {'PVK_SKIP_XEN': value}):
                self.assertEqual(run_tests.skip_xen_requested(), want, value)
        with mock.patch.dict(os.environ, clear=True):
            self.assertFalse(run_tests.skip_xen_requested())


class FetchFails(unittest.TestCase):
    """The whole runner with a fake apt-get that fails and an empty
    cache: the Xen and dom0 stack rows fail and the exit status says so;
    with PVK_SKIP_XEN=1 they are skipped, and the summary says so."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        bin_dir = os.path.join(self.tmp.name, 'bin')
        os.mkdir(bin_dir)
        apt = os.path.join(bin_dir, 'apt-get')
        with open(apt, 'w') as f:
            f.write('#!/bin/sh\necho "apt-get: fake failure" >&2\nexit 1\n')
        os.chmod(apt, stat.S_IRWXU)
        self.env = dict(os.environ, PATH=bin_dir + ':' + os.environ['PATH'])
        self.env.pop('PVK_SKIP_XEN', None)

    def run_rows(self, env):
        return subprocess.run(
            [sys.executable, os.path.join(HERE, 'run_tests.py'),
             '--only', 'xen-pv-dom0-smp1$|xen-pv-domU-smp1$',
             '--cache', os.path.join(self.tmp.name, 'cache'),
             '--logs', os.path.join(self.tmp.name, 'logs')],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=env, timeout=600)

    def test_fetch_failure_fails_the_run(self):
        p = self.run_rows(self.env)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn('requirement xen could not be fetched or started',
                      p.stdout)
        self.assertIn('requirement dom0stack could not be fetched or '
                      'started', p.stdout)
        self.assertEqual(p.stdout.rstrip().splitlines()[-2:],
                         ['retries: 0', '0 passed, 2 failed, 0 skipped'])

    def test_skip_by_request(self):
        p = self.run_rows(dict(self.env, PVK_SKIP_XEN='1'))
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertNotIn('probing', p.stdout)
        self.assertEqual(p.stdout.rstrip().splitlines()[-3:],
                         ['retries: 0', '(Xen rows skipped by request)',
                          '0 passed, 0 failed, 2 skipped'])


if __name__ == '__main__':
    unittest.main()
