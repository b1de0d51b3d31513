#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Parser for the serial log of a pvk selftest boot.

The kernel prints (each on its own line, possibly interleaved with other
kernel log lines):

    pvk: platform=bare-metal cpus=2 mem=256MiB patched=17 sites [key=value ...]
    KTAP version 1
    1..N
    ok 1 name
    not ok 2 name
    ok 3 name # SKIP reason
    # diagnostic text
    pvk: selftest result: PASS (N passed, N failed, N skipped)

and a panic prints a line starting with "pvk: PANIC".  A log without the
verdict line is a crash or a hang.

Usage as a module:

    log = ktap.parse(text)          # or ktap.parse_file(path)
    log.boot      -> dict or None   (platform, cpus, mem, patched, extras...)
    log.results   -> [TestResult(number, name, status, reason, lineno)]
    log.cases     -> {name: TestResult}, first result of each case name
    log.suite('mm') -> the results of suite mm (names "mm.CASE")
    log.plan      -> int or None
    log.verdict   -> 'PASS' / 'FAIL' / None, log.verdict_counts -> dict
    log.panic     -> first panic line or None
    log.errors    -> list of consistency problems (empty when sound)
    log.ok        -> verdict PASS and no errors

Usage from the shell:  ktap.py SERIAL.LOG   (exit 0 when log.ok)
"""

import re
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional

OK = 'ok'
NOT_OK = 'not ok'
SKIP = 'skip'

# Terminal escape sequences (GRUB and firmware paint the serial console
# with them; they may precede the kernel's first line without a newline).
_ANSI_RE = re.compile(r'\x1b(?:\[[0-?]*[ -/]*[@-~]'          # CSI
                      r'|\][^\x07\x1b]*(?:\x07|\x1b\\)'      # OSC
                      r'|[@-Z\\-_])')                        # 2-byte
_CTRL_RE = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
# Xen prefixes a guest's console_io lines with its domain, "(d1) ", when
# it is not the hardware domain (4.17 prints dom0's lines bare).
_XEN_GUEST_RE = re.compile(r'^\(d\d+\) ')

BOOT_PREFIX = 'pvk: platform='
BOOT_RE = re.compile(r'^pvk: platform=(?P<platform>\S+) cpus=(?P<cpus>\d+)'
                     r' mem=(?P<mem>\d+)MiB patched=(?P<patched>\d+) sites'
                     r'(?P<extra>(?: +\S+)*) *$')
VERDICT_PREFIX = 'pvk: selftest result:'
VERDICT_RE = re.compile(r'^pvk: selftest result: (?P<verdict>PASS|FAIL) '
                        r'\((?P<passed>\d+) passed, (?P<failed>\d+) failed, '
                        r'(?P<skipped>\d+) skipped\) *$')
PANIC_PREFIX = 'pvk: PANIC'
HEADER_RE = re.compile(r'^(?P<kind>K?TAP) version (?P<version>\S+) *$')
PLAN_RE = re.compile(r'^1\.\.(?P<count>\d+) *(?:#.*)?$')
RESULT_RE = re.compile(r'^(?P<ok>ok|not ok) (?P<number>\d+)(?= |$)(?P<rest>.*)$')
DIAG_RE = re.compile(r'^#(?: (?P<text>.*))?$')
# pvk's per-case lines (kunit_info(), kunit_fail()): "    # suite.case: text".
CASE_NOTE_RE = re.compile(r'^\s+# (?P<case>\w+\.\w+): (?P<text>.*)$')


def clean_line(line: str) -> str:
    """Normalise one raw log line: drop escape sequences, NULs and the
    carriage returns of CRLF output (a leading '\\r', or text overwritten
    by a '\\r' in the middle, as a terminal would show it)."""
    line = _ANSI_RE.sub('', line)
    line = line.rstrip('\r')
    if '\r' in line:
        line = line[line.rindex('\r') + 1:]
    line = _CTRL_RE.sub('', line)
    line = _XEN_GUEST_RE.sub('', line)
    return line.rstrip()


@dataclass
class TestResult:
    number: int
    name: str
    status: str                 # 'ok', 'not ok' or 'skip'
    reason: str = ''            # SKIP reason (or other directive text)
    lineno: int = 0             # 1-based line in the log
    directive: str = ''         # 'SKIP', 'TODO', ... or ''

    @property
    def passed(self) -> bool:
        return self.status == OK

    @property
    def failed(self) -> bool:
        return self.status == NOT_OK

    @property
    def skipped(self) -> bool:
        return self.status == SKIP


@dataclass
class KtapLog:
    boot: Optional[Dict[str, object]] = None
    boot_line: Optional[str] = None
    boot_count: int = 0
    header: Optional[str] = None
    plan: Optional[int] = None
    results: List[TestResult] = field(default_factory=list)
    diagnostics: List[str] = field(default_factory=list)
    case_notes: Dict[str, List[str]] = field(default_factory=dict)
    verdict: Optional[str] = None
    verdict_counts: Optional[Dict[str, int]] = None
    verdict_line: Optional[str] = None
    panic: Optional[str] = None
    panics: List[str] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.status == OK)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.status == NOT_OK)

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.results if r.status == SKIP)

    @property
    def failed_tests(self) -> List[TestResult]:
        return [r for r in self.results if r.status == NOT_OK]

    @property
    def cases(self) -> Dict[str, TestResult]:
        """Each case's result by name ("suite.case"), with its status and
        skip reason; a duplicated name (already an error) keeps its first."""
        out: Dict[str, TestResult] = {}
        for r in self.results:
            out.setdefault(r.name, r)
        return out

    def suite(self, name: str) -> List[TestResult]:
        """The results of suite name: the cases named "name.CASE"."""
        return [r for r in self.results if r.name.startswith(name + '.')]

    @property
    def complete(self) -> bool:
        """True when the verdict line was seen (no crash or hang)."""
        return self.verdict is not None

    @property
    def ok(self) -> bool:
        return self.verdict == 'PASS' and not self.errors

    def summary(self) -> str:
        boot = self.boot_line or '(no boot line)'
        verdict = self.verdict_line or '(no verdict line)'
        return (f'{boot}\n{len(self.results)} results: {self.passed} passed, '
                f'{self.failed} failed, {self.skipped} skipped\n{verdict}')


def parse_boot_line(line: str) -> Optional[Dict[str, object]]:
    """Parse a cleaned 'pvk: platform=...' line; None when malformed.

    Known fields become platform (str), cpus, mem (MiB) and patched (sites)
    as ints; extra 'key=value' fields after 'sites' are kept as strings
    (a bare word maps to '')."""
    m = BOOT_RE.match(line)
    if not m:
        return None
    boot: Dict[str, object] = {
        'platform': m.group('platform'),
        'cpus': int(m.group('cpus')),
        'mem': int(m.group('mem')),
        'patched': int(m.group('patched')),
    }
    for token in m.group('extra').split():
        key, _, value = token.partition('=')
        boot.setdefault(key, value)
    return boot


def _parse_result(m: 're.Match', lineno: int) -> TestResult:
    rest = m.group('rest').strip()
    directive = reason = ''
    name = rest
    hash_at = rest.find('#')
    if hash_at >= 0 and (hash_at == 0 or rest[hash_at - 1] == ' '):
        name = rest[:hash_at].strip()
        tail = rest[hash_at + 1:].strip()
        word, _, more = tail.partition(' ')
        directive = word.upper()
        reason = more.strip() if directive in ('SKIP', 'TODO', 'XFAIL') else tail
        if directive not in ('SKIP', 'TODO', 'XFAIL'):
            directive = ''
    if name.startswith('- '):
        name = name[2:].strip()
    if directive == 'SKIP':
        status = SKIP
    else:
        status = OK if m.group('ok') == 'ok' else NOT_OK
    return TestResult(int(m.group('number')), name, status, reason, lineno,
                      directive)


def parse(text: str) -> KtapLog:
    """Parse a whole serial log (str) and run the consistency checks."""
    log = KtapLog()
    errors = log.errors
    headers = 0
    plans = 0
    verdicts = 0
    for lineno, raw in enumerate(text.split('\n'), 1):
        line = clean_line(raw)
        if not line:
            continue
        if line.startswith(BOOT_PREFIX):
            log.boot_count += 1
            boot = parse_boot_line(line)
            if boot is None:
                errors.append(f'line {lineno}: malformed boot line: {line!r}')
            elif log.boot is None:
                log.boot, log.boot_line = boot, line
            continue
        if line.startswith(PANIC_PREFIX):
            log.panics.append(line)
            if log.panic is None:
                log.panic = line
            continue
        if line.startswith(VERDICT_PREFIX):
            verdicts += 1
            m = VERDICT_RE.match(line)
            if not m:
                errors.append(f'line {lineno}: malformed verdict line: {line!r}')
            elif log.verdict is None:
                log.verdict = m.group('verdict')
                log.verdict_line = line
                log.verdict_counts = {k: int(m.group(k))
                                      for k in ('passed', 'failed', 'skipped')}
            continue
        m = HEADER_RE.match(line)
        if m:
            headers += 1
            if log.header is None:
                log.header = line
            if line != 'KTAP version 1':
                errors.append(f'line {lineno}: unsupported header {line!r} '
                              '(expected "KTAP version 1")')
            continue
        m = PLAN_RE.match(line)
        if m:
            plans += 1
            if log.plan is None:
                log.plan = int(m.group('count'))
            continue
        m = RESULT_RE.match(line)
        if m:
            result = _parse_result(m, lineno)
            if log.verdict is not None:
                errors.append(f'line {lineno}: test result after the verdict '
                              f'line: {line!r}')
            log.results.append(result)
            continue
        m = DIAG_RE.match(line)
        if m:
            log.diagnostics.append(m.group('text') or '')
            continue
        m = CASE_NOTE_RE.match(line)
        if m:
            log.case_notes.setdefault(m.group('case'), []).append(m.group('text'))
    _check(log, headers, plans, verdicts)
    return log


def _check(log: KtapLog, headers: int, plans: int, verdicts: int) -> None:
    errors = log.errors
    if log.boot_count == 0:
        errors.append('no boot line ("pvk: platform=...")')
    elif log.boot_count > 1:
        errors.append(f'boot line seen {log.boot_count} times (reboot?)')
    if log.panic is not None:
        errors.append(f'kernel panic: {log.panic}')
    if headers == 0:
        errors.append('no "KTAP version 1" header')
    elif headers > 1:
        errors.append(f'KTAP header seen {headers} times')
    if plans == 0:
        errors.append('no KTAP plan line ("1..N")')
    elif plans > 1:
        errors.append(f'KTAP plan line seen {plans} times')

    seen = set()
    expected = 1
    for r in log.results:
        if r.number in seen:
            errors.append(f'line {r.lineno}: duplicate test number {r.number}'
                          f' ({r.name})')
            continue
        seen.add(r.number)
        if r.number < expected:
            errors.append(f'line {r.lineno}: test number {r.number} out of '
                          f'order (after {expected - 1})')
        expected = r.number + 1
    if log.plan is not None:
        if len(log.results) != log.plan:
            errors.append(f'plan says {log.plan} tests, saw '
                          f'{len(log.results)} results')
        missing = sorted(set(range(1, log.plan + 1)) - seen)
        if missing:
            errors.append('missing test numbers: ' + _ranges(missing))
        beyond = sorted(n for n in seen if n > log.plan or n < 1)
        if beyond:
            errors.append(f'test numbers outside plan 1..{log.plan}: '
                          + _ranges(beyond))

    if verdicts == 0:
        errors.append('no verdict line (crash or hang)')
    elif verdicts > 1:
        errors.append(f'verdict line seen {verdicts} times')
    if log.verdict_counts is not None:
        got = {'passed': log.passed, 'failed': log.failed,
               'skipped': log.skipped}
        for key in ('passed', 'failed', 'skipped'):
            if log.verdict_counts[key] != got[key]:
                errors.append(f'verdict says {log.verdict_counts[key]} {key}, '
                              f'results show {got[key]}')
        if log.verdict == 'PASS' and (log.verdict_counts['failed'] or got['failed']):
            errors.append('verdict PASS despite failed tests')
        if log.verdict == 'FAIL' and not (log.verdict_counts['failed'] or got['failed']):
            errors.append('verdict FAIL but no test failed')


def _ranges(numbers: List[int]) -> str:
    out = []
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f'{start}-{prev}')
        if n is not None:
            start = prev = n
    return ','.join(out)


def read_log(path: str) -> str:
    """Read a serial log as text, tolerating any bytes."""
    with open(path, 'rb') as f:
        return f.read().decode('utf-8', errors='replace')


def parse_file(path: str) -> KtapLog:
    return parse(read_log(path))


def main(argv: List[str]) -> int:
    if len(argv) != 2 or argv[1] in ('-h', '--help'):
        print(f'usage: {argv[0]} SERIAL.LOG', file=sys.stderr)
        return 2
    log = parse_file(argv[1])
    print(log.summary())
    for r in log.failed_tests:
        print(f'FAILED: {r.number} {r.name}')
    for e in log.errors:
        print(f'error: {e}')
    print('OK' if log.ok else 'NOT OK')
    return 0 if log.ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
