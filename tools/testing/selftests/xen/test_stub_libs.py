#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Host tests of dom0/lib.sh's stub_libs: the stand-ins build.sh puts in
the Linux guest's initramfs for the libraries of fio engines the bench
never runs.  A program bound at start (-z now, as Debian's fio is) must
start with the stubs in place of a real library it links, with the real
library's versioned and unversioned symbols, and a call into a stub must
fail loudly, naming the symbol."""

import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
LIB_SH = os.path.join(HERE, 'dom0', 'lib.sh')

REAL_LIB = """\
int engine_open(void) { return 1; }
int engine_close(void) { return 2; }
int engine_unused(void) { return 3; }
"""
REAL_MAP = """\
ENGINE_1.0 { global: engine_open; local: *; };
ENGINE_2.0 { global: engine_close; engine_unused; } ENGINE_1.0;
"""
PLAIN_LIB = 'int plain_call(int x) { return x + 1; }\n'
PROGRAM = """\
#include <stdio.h>
#include <string.h>
int engine_open(void);
int engine_close(void);
int plain_call(int);
int main(int argc, char **argv)
{
\tif (argc > 1 && !strcmp(argv[1], "engine"))
\t\treturn engine_open() + engine_close();
\tif (argc > 1 && !strcmp(argv[1], "plain"))
\t\treturn plain_call(1);
\tputs("started");
\treturn 0;
}
"""


@unittest.skipUnless(shutil.which('gcc') and shutil.which('nm'),
                     'needs gcc and nm (binutils)')
class StubLibs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='stub-libs-')
        self.real = os.path.join(self.tmp, 'real')
        os.mkdir(self.real)
        self._write('engine.c', REAL_LIB)
        self._write('engine.map', REAL_MAP)
        self._write('plain.c', PLAIN_LIB)
        self._write('prog.c', PROGRAM)
        self._cc('-shared', '-fPIC', '-Wl,-soname,libengine.so.1',
                 f'-Wl,--version-script={self.tmp}/engine.map',
                 '-o', f'{self.real}/libengine.so.1', f'{self.tmp}/engine.c')
        self._cc('-shared', '-fPIC', '-Wl,-soname,libplain.so.0',
                 '-o', f'{self.real}/libplain.so.0', f'{self.tmp}/plain.c')
        self._cc('-Wl,-z,now', '-o', f'{self.tmp}/prog', f'{self.tmp}/prog.c',
                 f'{self.real}/libengine.so.1', f'{self.real}/libplain.so.0')

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def _write(self, name, text):
        with open(os.path.join(self.tmp, name), 'w') as f:
            f.write(text)

    def _cc(self, *args):
        subprocess.run(['gcc', '-O1', *args], check=True)

    def _stub(self, libs):
        """Run stub_libs for prog with DOMU_STUB_LIBS=LIBS."""
        script = (f'. "{LIB_SH}"; LDPATH={self.real}; '
                  f'STUBDIR={self.tmp}/stubs; DOMU_STUB_LIBS="{libs}"; '
                  f'stub_libs {self.tmp}/prog')
        return subprocess.run(['bash', '-c', script], text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def _run(self, *args):
        env = dict(os.environ, LD_LIBRARY_PATH=f'{self.tmp}/stubs')
        return subprocess.run([f'{self.tmp}/prog', *args], text=True, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def test_program_starts_and_stubs_fail_loudly(self):
        p = self._stub('libengine.so.1 libplain.so.0')
        self.assertEqual(p.returncode, 0, p.stdout)
        started = self._run()
        self.assertEqual(started.returncode, 0, started.stderr)
        self.assertEqual(started.stdout, 'started\n')
        engine = self._run('engine')
        self.assertEqual(engine.returncode, 127)
        self.assertIn('libengine.so.1 is a stub in this image: engine_open',
                      engine.stderr)
        plain = self._run('plain')
        self.assertEqual(plain.returncode, 127)
        self.assertIn('plain_call', plain.stderr)

    def test_only_the_symbols_the_program_takes(self):
        self.assertEqual(self._stub('libengine.so.1').returncode, 0)
        with open(f'{self.tmp}/stubs/libengine.c') as f:
            src = f.read()
        self.assertIn('void engine_open(void)', src)
        self.assertIn('void engine_close(void)', src)
        self.assertNotIn('engine_unused', src)
        with open(f'{self.tmp}/stubs/libengine.map') as f:
            self.assertEqual(f.read(),
                             'ENGINE_1.0 { global: engine_open; };\n'
                             'ENGINE_2.0 { global: engine_close; };\n')

    def test_unchanged_source_keeps_the_stub(self):
        self.assertEqual(self._stub('libplain.so.0').returncode, 0)
        stub = f'{self.tmp}/stubs/libplain.so.0'
        before = os.stat(stub).st_mtime_ns
        self.assertEqual(self._stub('libplain.so.0').returncode, 0)
        self.assertEqual(os.stat(stub).st_mtime_ns, before)

    def test_library_the_program_does_not_link_is_an_error(self):
        p = self._stub('libnothere.so.3')
        self.assertNotEqual(p.returncode, 0)
        self.assertIn('does not link libnothere.so.3', p.stdout)


if __name__ == '__main__':
    unittest.main()
