# SPDX-License-Identifier: MIT
"""Host tests of the malicious-backend jobs (issue #11): their rows, the
build of evil-blkback for dom0, and evil-drive.sh's check on made-up
logs."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_tests  # noqa: E402

EVIL_JOBS = {'evil-10-leak': 'leak', 'evil-20-badrsp': 'badrsp',
             'evil-30-storm': 'storm', 'evil-40-xsstate': 'xsstate',
             'evil-50-keepmap': 'keepmap', 'evil-60-featchange': 'featchange'}
DRIVE = os.path.join(run_tests.DOM0_JOBS, 'evil-drive.sh')
EVIL_NET_JOBS = {'evil-net-10-badrsp': 'badrsp',
                 'evil-net-20-keepmap': 'keepmap',
                 'evil-net-30-leak': 'leak', 'evil-net-40-storm': 'storm',
                 'evil-net-50-featchange': 'featchange'}
NET_DRIVE = os.path.join(run_tests.DOM0_JOBS, 'evil-net-drive.sh')


class Rows(unittest.TestCase):
    def test_evil_rows(self):
        """Each evil job is a row of make check: pvk serving with no
        self-test, a vif and no disk of xl's (the backend is
        evil-blkback, started by the job's .pre), each with its own MAC."""
        macs = set()
        for job, mode in EVIL_JOBS.items():
            self.assertIn(job, run_tests.DOM0_CHECK_JOBS)
            row = run_tests._dom0job(job)
            self.assertEqual(row.name, 'xen-pv-domU-evil-' + mode)
            self.assertTrue(row.serve_only)
            self.assertFalse([ln for ln in row.xl_lines
                              if ln.startswith('disk')])
            vif = [ln for ln in row.xl_lines if ln.startswith('vif')]
            self.assertEqual(len(vif), 1)
            macs.add(vif[0])
            with open(os.path.join(run_tests.DOM0_JOBS, job + '.pre')) as f:
                self.assertIn(f'evil-drive.sh run {mode} ', f.read())
            with open(os.path.join(run_tests.DOM0_JOBS, job + '.post')) as f:
                self.assertIn(f'evil-drive.sh check {mode} ', f.read())
        self.assertEqual(len(macs), len(EVIL_JOBS))

    def test_evil_net_rows(self):
        """Each evil-net job is a row: pvk serving with one vif of xl's
        (the healthy one, its own MAC) and addresses for two more (the
        evil ones evil-netback adds), no disk."""
        macs = set()
        for job, mode in EVIL_NET_JOBS.items():
            self.assertIn(job, run_tests.DOM0_CHECK_JOBS)
            row = run_tests._dom0job(job)
            self.assertEqual(row.name, 'xen-pv-domU-evil-net-' + mode)
            self.assertTrue(row.serve_only)
            self.assertIn('ip=10.0.0.2/24,10.0.1.2/24,', row.append)
            self.assertFalse([ln for ln in row.xl_lines
                              if ln.startswith('disk')])
            vif = [ln for ln in row.xl_lines if ln.startswith('vif')]
            self.assertEqual(len(vif), 1)
            macs.add(vif[0])
            with open(os.path.join(run_tests.DOM0_JOBS, job + '.pre')) as f:
                self.assertIn(f'evil-net-drive.sh run {mode} ', f.read())
            with open(os.path.join(run_tests.DOM0_JOBS, job + '.post')) as f:
                self.assertIn(f'evil-net-drive.sh check {mode} ', f.read())
        self.assertEqual(len(macs), len(EVIL_NET_JOBS))

    def test_net_guests_and_build(self):
        """dom0 gets evil-netback, linked statically against the host's
        libxen-dev, and evil-net-drive.sh; the program builds
        warning-free and refuses a bad mode or address."""
        ctx = run_tests.Context('qemu', '/img', None, '/logs', '', 90, False)
        guests = dict(run_tests.dom0stack_guests(ctx))
        self.assertTrue(os.path.isfile(guests['evil-net-drive.sh']))
        self.assertTrue(os.path.isfile(guests['evil-lib.sh']))
        progs = {name: (srcs, libs)
                 for name, srcs, libs in run_tests.DOM0_PROGRAMS}
        srcs, libs = progs['evil-netback']
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'evil-netback')
            cmd = run_tests.dom0_program_command('evil-netback', srcs, libs,
                                                 out)
            p = subprocess.run(cmd + ['-Werror'], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            self.assertEqual(p.returncode, 0, p.stdout)
            for argv in (['frobnicate', '1', '1', '00:16:3e:00:05:01',
                          '10.0.1.1', '10.0.1.2', '1'],
                         ['leak', '1', '1', '00:16:3e:00:05:01',
                          '10.0.1', '10.0.1.2', '1']):
                p = subprocess.run([out] + argv, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
                self.assertEqual(p.returncode, 2)
                self.assertIn('usage: evil-netback', p.stdout)

    def test_guests_and_build(self):
        """dom0 gets evil-blkback, linked statically against the host's
        libxen-dev, and evil-drive.sh; the program builds warning-free."""
        ctx = run_tests.Context('qemu', '/img', None, '/logs', '', 90, False)
        guests = dict(run_tests.dom0stack_guests(ctx))
        self.assertTrue(os.path.isfile(guests['evil-drive.sh']))
        self.assertEqual(os.path.basename(guests['evil-blkback']),
                         'evil-blkback')
        progs = {name: (srcs, libs)
                 for name, srcs, libs in run_tests.DOM0_PROGRAMS}
        srcs, libs = progs['evil-blkback']
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'evil-blkback')
            cmd = run_tests.dom0_program_command('evil-blkback', srcs, libs,
                                                 out)
            self.assertIn('-static', cmd)
            self.assertLess(cmd.index(srcs[0]), cmd.index('-lxenstore'))
            self.assertIn(run_tests.EVIL_COMMON[0], cmd)
            self.assertNotIn(run_tests.EVIL_COMMON[1], cmd)
            p = subprocess.run(cmd + ['-Werror'], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            self.assertEqual(p.returncode, 0, p.stdout)
            p = subprocess.run([out, 'frobnicate', '1', '51712', '/x', '1'],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            self.assertEqual(p.returncode, 2)
            self.assertIn('usage: evil-blkback', p.stdout)


class Check(unittest.TestCase):
    """evil-drive.sh check: the jobs' .post on made-up logs."""
    DRIVE_OK = ['backend leak started for domain 5 vbd 51712', 'pvk serving',
                'blk-loop: sent=90 acked=90 unacked=0 errors=0',
                'blk-verify: sectors=64 checked=64 ok=64 lost=0 unreadable=0 '
                'retries=0 seconds=0.3',
                'answers: ok: 3 of 3 pings, udp-echo: sizes=8 ok=8 lost=0 '
                '(after the attack)',
                'pings during the job: 25 of 26 answered', 'xl shutdown: ok',
                'finished']
    CONSOLE = ['pvk: platform=xen-pv cpus=1 mem=59MiB patched=1 sites domU',
               'pvk: serving']
    BADRSP = ['[ 3.1] xen-blkfront: xvda: unknown response status -77, '
              'taken as an error',
              '[ 3.2] xen-blkfront: xvda: queue 0: backend broke the '
              'protocol: response id 4 is not in flight; device failed',
              '[ 3.3] xen-blkfront: xvdb: queue 0: backend broke the '
              'protocol: rsp_prod - rsp_cons = 1000 exceeds the 0 requests '
              'in flight (ring size 32); device failed']

    def check(self, mode, backend, console, drive=None, backend2=None):
        drive = self.DRIVE_OK if drive is None else drive
        with tempfile.TemporaryDirectory() as tmp:
            d = os.path.join(tmp, 'evil-' + mode)
            os.mkdir(d)
            logs = {'backend.log': backend, 'backend2.log': backend2}
            for name, lines in logs.items():
                if lines is not None:
                    with open(os.path.join(d, name), 'w') as f:
                        f.write(''.join(ln + '\n' for ln in lines))
            log = os.path.join(tmp, 'drive.log')
            with open(log, 'w') as f:
                f.write(''.join(f'evil-drive: [1.0] {ln}\n' for ln in drive))
            con = os.path.join(tmp, 'console.log')
            with open(con, 'w') as f:
                f.write(''.join(ln + '\r\n' for ln in console))
            p = subprocess.run(['sh', DRIVE, 'check', mode, log, con],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env=dict(os.environ, EVIL_DIR=tmp))
        return p.returncode, p.stdout

    def test_leak(self):
        """The leak probe passes with pages probed and none stale, and
        fails on one stale byte, on no page probed, or when pvk stopped
        answering."""
        ok = ['evil-blkback: connected: ring-ref 8 event-channel 9',
              'evil-blkback: done mode=leak requests=90 attacks=0 pages=150 '
              'stale=0 kept=0']
        rc, out = self.check('leak', ok, self.CONSOLE)
        self.assertEqual(rc, 0, out)
        self.assertIn('evil-drive: check: ok (leak)', out)
        for bad in ('pages=150 stale=1', 'pages=0 stale=0'):
            rc, out = self.check('leak', [ok[0], ok[1].replace(
                'pages=150 stale=0', bad)], self.CONSOLE)
            self.assertEqual(rc, 1)
            self.assertIn('leak probe', out)
        silent = [ln.replace('answers: ok: 3', 'answers: FAIL: 0')
                  for ln in self.DRIVE_OK]
        rc, out = self.check('leak', ok, self.CONSOLE, silent)
        self.assertEqual(rc, 1)
        self.assertIn('did not answer after the attack', out)

    def test_badrsp(self):
        """Bad responses: each attack delivered and each reason in pvk's
        log, on both devices."""
        backend = ['evil-blkback: connected: ring-ref 8 event-channel 9',
                   'evil-blkback: attack bad-status: id 2 answered with '
                   'status -77: delivered',
                   'evil-blkback: attack rewrite: ...: delivered',
                   'evil-blkback: attack duplicate-id: request id 4 answered '
                   'twice in one push: delivered',
                   'evil-blkback: done mode=badrsp requests=8 attacks=3 '
                   'pages=8 stale=0 kept=0']
        over = ['evil-blkback: attack overrun: rsp_prod set to 1000 with no '
                'request in flight: delivered']
        rc, out = self.check('badrsp', backend, self.CONSOLE + self.BADRSP,
                             backend2=over)
        self.assertEqual(rc, 0, out)
        rc, out = self.check('badrsp', backend,
                             self.CONSOLE + self.BADRSP[:2], backend2=over)
        self.assertEqual(rc, 1)
        self.assertIn("no 'xvdb: queue 0: backend broke the protocol", out)
        rc, out = self.check('badrsp', backend[:2] + backend[3:],
                             self.CONSOLE + self.BADRSP, backend2=over)
        self.assertEqual(rc, 1)
        self.assertIn('attack rewrite not delivered', out)

    def test_keepmap(self):
        """Kept pages: the attack delivered, pvk failed the disk at its
        limit, saying so, and no read returned wrong data (reads of the
        failed disk may fail)."""
        backend = ['evil-blkback: connected: ring-ref 8 event-channel 9',
                   'evil-blkback: attack keepmap: 16 granted pages kept '
                   'mapped after their responses: delivered',
                   'evil-blkback: done mode=keepmap requests=40 attacks=1 '
                   'pages=40 stale=0 kept=40']
        failed = ['[ 3.1] xen-blkfront: xvda: queue 0: backend broke the '
                  'protocol: backend keeps 17 granted pages mapped after '
                  'answering (at most 16 per device); device failed']
        drive = [ln.replace('ok=64 lost=0 unreadable=0',
                            'ok=10 lost=0 unreadable=54')
                 for ln in self.DRIVE_OK]
        rc, out = self.check('keepmap', backend, self.CONSOLE + failed, drive)
        self.assertEqual(rc, 0, out)
        rc, out = self.check('keepmap', backend, self.CONSOLE, drive)
        self.assertEqual(rc, 1)
        self.assertIn("no 'xvda: queue [0-9]+: backend broke", out)
        wrong = [ln.replace('lost=0 unreadable=54', 'lost=1 unreadable=53')
                 for ln in drive]
        rc, out = self.check('keepmap', backend, self.CONSOLE + failed, wrong)
        self.assertEqual(rc, 1)
        self.assertIn('returned wrong data', out)

    def test_featchange(self):
        """Features changed after Connected: the attack delivered and the
        disk reads back every acknowledged write; a lost one fails."""
        backend = ['evil-blkback: connected: ring-ref 8 event-channel 9',
                   'evil-blkback: attack featchange: 10 feature and ring '
                   'nodes changed after Connected: delivered',
                   'evil-blkback: done mode=featchange requests=90 attacks=1 '
                   'pages=90 stale=0 kept=0']
        rc, out = self.check('featchange', backend, self.CONSOLE)
        self.assertEqual(rc, 0, out)
        lost = [ln.replace('ok=64 lost=0', 'ok=63 lost=1')
                for ln in self.DRIVE_OK]
        rc, out = self.check('featchange', backend, self.CONSOLE, lost)
        self.assertEqual(rc, 1)
        self.assertIn('did not read back every acknowledged write', out)
        rc, out = self.check('featchange', backend[:1] + backend[2:],
                             self.CONSOLE)
        self.assertEqual(rc, 1)
        self.assertIn('attack featchange not delivered', out)

    def test_crash_fails(self):
        """A crash line in pvk's console fails any mode."""
        backend = ['evil-blkback: connected: ring-ref 8 event-channel 9',
                   'evil-blkback: attack storm: 90000 notifications in 10 s: '
                   'delivered', 'evil-blkback: done mode=storm requests=9 '
                   'attacks=1 pages=9 stale=0 kept=0']
        rc, out = self.check('storm', backend, self.CONSOLE)
        self.assertEqual(rc, 0, out)
        rc, out = self.check('storm', backend,
                             self.CONSOLE + ['PANIC: page fault at 0'])
        self.assertEqual(rc, 1)
        self.assertIn('shows a crash', out)


class NetCheck(unittest.TestCase):
    """evil-net-drive.sh check: the evil-net jobs' .post on made-up
    logs."""
    DRIVE_OK = ['pvk serving', 'backend leak started for domain 5 vif 1',
                'answers: ok: 3 of 3 pings, udp-echo: sizes=8 ok=8 lost=0 '
                '(after the attack)',
                'pings during the job: 25 of 26 answered', 'xl shutdown: ok',
                'finished']
    CONSOLE = ['pvk: platform=xen-pv cpus=1 mem=59MiB patched=1 sites domU',
               'pvk: serving']
    CONNECTED = 'evil-netback: connected: event-channel 9'
    BADRSP = [
        '[ 3.1] netfront: vif1: queue 0: rx response at 12 has id 89, '
        'expected 12',
        '[ 3.2] netfront: vif1: queue 0: rx response at 15 has id 14, '
        'expected 15',
        '[ 3.3] netfront: vif1: queue 0: rx response 16: offset 0 + size '
        '5000 beyond the page',
        '[ 3.4] netfront: vif1: queue 0: rx response 17: offset 4000 + '
        'size 200 beyond the page',
        '[ 3.5] netfront: vif1: queue 0: rx response 18: unknown status -77',
        '[ 3.6] netfront: vif1: queue 0: tx response for id 301, which is '
        'not in flight (unknown or answered twice); device disabled',
        '[ 3.7] netfront: vif2: queue 0: tx response for id 1, which is '
        'not in flight (unknown or answered twice); device disabled',
        '[ 3.8] netfront: vif3: queue 0: rx rsp_prod 1000 is 1000 past '
        'rsp_cons, but only 256 requests are outstanding (ring size 256); '
        'device disabled']

    def check(self, mode, backends, console, drive=None):
        drive = self.DRIVE_OK if drive is None else drive
        with tempfile.TemporaryDirectory() as tmp:
            d = os.path.join(tmp, 'evil-net-' + mode)
            os.mkdir(d)
            for n, lines in backends.items():
                with open(os.path.join(d, f'backend{n}.log'), 'w') as f:
                    f.write(''.join(ln + '\n' for ln in lines))
            log = os.path.join(tmp, 'drive.log')
            with open(log, 'w') as f:
                f.write(''.join(f'evil-net-drive: [1.0] {ln}\n'
                                for ln in drive))
            con = os.path.join(tmp, 'console.log')
            with open(con, 'w') as f:
                f.write(''.join(ln + '\r\n' for ln in console))
            p = subprocess.run(['sh', NET_DRIVE, 'check', mode, log, con],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env=dict(os.environ, EVIL_DIR=tmp))
        return p.returncode, p.stdout

    def test_leak(self):
        """Passes with replies and pages probed and none stale; fails on
        one stale byte, or when vif0 stopped answering."""
        ok = {1: [self.CONNECTED, 'evil-netback: done mode=leak pings=400 '
                  'replies=398 attacks=0 pages=796 stale=0 kept=0']}
        rc, out = self.check('leak', ok, self.CONSOLE)
        self.assertEqual(rc, 0, out)
        self.assertIn('evil-net-drive: check: ok (leak)', out)
        bad = {1: [ok[1][0], ok[1][1].replace('stale=0', 'stale=3')]}
        rc, out = self.check('leak', bad, self.CONSOLE)
        self.assertEqual(rc, 1)
        self.assertIn('leak probe', out)
        silent = [ln.replace('answers: ok: 3', 'answers: FAIL: 0')
                  for ln in self.DRIVE_OK]
        rc, out = self.check('leak', ok, self.CONSOLE, silent)
        self.assertEqual(rc, 1)
        self.assertIn('did not answer through vif0', out)

    def test_badrsp(self):
        """Every attack on the three vifs delivered and each reason in
        pvk's log naming its vif; vif0 disabled fails it."""
        done = 'evil-netback: done mode=X pings=9 replies=9 attacks=1 ' \
            'pages=9 stale=0 kept=0'
        b1 = [self.CONNECTED] + [
            f'evil-netback: attack {a}: ...: delivered' for a in (
                'rx-unknown-id', 'rx-duplicate-id', 'rx-over-long',
                'rx-past-page', 'rx-bad-status', 'tx-unknown-id')] + [
            'evil-netback: 5 echo replies after the rx attacks: the vif '
            'survived them', done]
        b2 = [self.CONNECTED, 'evil-netback: attack tx-duplicate-id: ...: '
              'delivered', done]
        b3 = [self.CONNECTED, 'evil-netback: attack overrun: ...: delivered',
              done]
        backends = {1: b1, 2: b2, 3: b3}
        rc, out = self.check('badrsp', backends, self.CONSOLE + self.BADRSP)
        self.assertEqual(rc, 0, out)
        rc, out = self.check('badrsp', backends,
                             self.CONSOLE + self.BADRSP[:-1])
        self.assertEqual(rc, 1)
        self.assertIn("no 'vif3: queue 0: rx rsp_prod", out)
        rc, out = self.check('badrsp', {1: b1, 2: b2, 3: b3[:1] + b3[2:]},
                             self.CONSOLE + self.BADRSP)
        self.assertEqual(rc, 1)
        self.assertIn('attack overrun not delivered on vif3', out)
        rc, out = self.check('badrsp', backends, self.CONSOLE + self.BADRSP + [
            'netfront: vif0: queue 0: tx response for id 3, which is not in '
            'flight (unknown or answered twice); device disabled'])
        self.assertEqual(rc, 1)
        self.assertIn('vif0, the healthy vif', out)

    def test_keepmap_and_storm(self):
        """keepmap wants vif1 disabled at its kept-grant limit; storm
        wants the storm line naming vif1 and vif1 answering after it."""
        km = {1: [self.CONNECTED, 'evil-netback: attack keepmap: 20 granted '
                  'pages (rx and tx) kept mapped after their responses: '
                  'delivered', 'evil-netback: done mode=keepmap pings=300 '
                  'replies=8 attacks=1 pages=300 stale=0 kept=270']}
        line = ('netfront: vif1: queue 0: backend keeps 17 granted pages '
                'mapped after answering (at most 16 per device); device '
                'disabled')
        rc, out = self.check('keepmap', km, self.CONSOLE + [line])
        self.assertEqual(rc, 0, out)
        rc, out = self.check('keepmap', km, self.CONSOLE)
        self.assertEqual(rc, 1)
        self.assertIn("no 'vif1: queue 0: backend keeps", out)
        st = {1: [self.CONNECTED, 'evil-netback: attack storm: 90000 '
                  'notifications in 10 s: delivered',
                  'evil-netback: 5 echo replies after the storm: the vif '
                  'survived it', 'evil-netback: done mode=storm pings=600 '
                  'replies=590 attacks=1 pages=1180 stale=0 kept=0']}
        storm = ('netfront: vif1: queue 0: backend storms event channel 9 '
                 'with events that bring no work: port masked for a while '
                 '(storm 1)')
        rc, out = self.check('storm', st, self.CONSOLE + [storm])
        self.assertEqual(rc, 0, out)
        rc, out = self.check('storm', {1: st[1][:2] + st[1][3:]},
                             self.CONSOLE + [storm])
        self.assertEqual(rc, 1)
        self.assertIn('vif1 did not go on after the storm', out)
        rc, out = self.check('storm', st, self.CONSOLE + [storm, 'PANIC: x'])
        self.assertEqual(rc, 1)
        self.assertIn('shows a crash', out)

    def test_featchange(self):
        """featchange wants the attack delivered, vif1 answering after
        it, and vif1 not disabled."""
        fc = {1: [self.CONNECTED, 'evil-netback: attack featchange: 9 '
                  'feature and ring nodes changed after Connected: delivered',
                  'evil-netback: 5 echo replies after the feature change: '
                  'the vif went on', 'evil-netback: done mode=featchange '
                  'pings=600 replies=590 attacks=1 pages=1180 stale=0 kept=0']}
        rc, out = self.check('featchange', fc, self.CONSOLE)
        self.assertEqual(rc, 0, out)
        rc, out = self.check('featchange', {1: fc[1][:2] + fc[1][3:]},
                             self.CONSOLE)
        self.assertEqual(rc, 1)
        self.assertIn('vif1 did not go on after its features changed', out)
        off = ('netfront: vif1: queue 0: tx response for id 3, which is not '
               'in flight; device disabled')
        rc, out = self.check('featchange', fc, self.CONSOLE + [off])
        self.assertEqual(rc, 1)
        self.assertIn('vif1 was disabled', out)


if __name__ == '__main__':
    unittest.main()
