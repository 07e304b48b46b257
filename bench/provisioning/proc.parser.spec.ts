import {
  parseListeningInodes,
  parseMachineBusyTicks,
  parseProcStat,
  parseVmRssKiB,
} from './proc.parser';

describe('parseProcStat', () => {
  it('reads pid, name, parent and the four CPU times of a postmaster line', () => {
    const line =
      '2209 (postgres) S 1 2209 2209 0 -1 4194304 94098 5415119 0 33 34 370 2906 5691 20 0 1 0 2854 222445568 7458 18446744073709551615 0 0 0 0 0 0 0 24129536 84487 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0\n';
    expect(parseProcStat(line)).toEqual({
      pid: 2209,
      comm: 'postgres',
      state: 'S',
      ppid: 1,
      utime: 34,
      stime: 370,
      cutime: 2906,
      cstime: 5691,
    });
  });

  it('takes the name up to the last parenthesis, spaces and parentheses included', () => {
    const parsed = parseProcStat('42 (a (b) c) R 7 0 0 0 0 0 0 0 0 0 11 12 13 14 20 0 1 0');
    expect(parsed).toMatchObject({ pid: 42, comm: 'a (b) c', state: 'R', ppid: 7, utime: 11 });
    expect([parsed.stime, parsed.cutime, parsed.cstime]).toEqual([12, 13, 14]);
  });

  it('refuses a line it cannot read rather than counting zero', () => {
    expect(() => parseProcStat('garbage')).toThrow(/not a \/proc/);
    expect(() => parseProcStat('1 (x) S 0 0')).toThrow(/field 14 missing/);
  });
});

describe('parseMachineBusyTicks', () => {
  it('adds user, nice, system, irq, softirq and steal; not idle or iowait', () => {
    const stat = 'cpu  240767 1 44762 449438 1142 5 1124 86 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n';
    expect(parseMachineBusyTicks(stat)).toBe(240767 + 1 + 44762 + 5 + 1124 + 86);
  });
});

describe('parseListeningInodes', () => {
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:71A4 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9816 1 0 100 0 0 10 0',
    '   1: 0100007F:71A4 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 9900 1 0 20 4 30 10 -1',
    '   2: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 6449 1 0 100 0 0 10 0',
  ].join('\n');

  it('finds the listening socket on the port (29092 = 0x71A4), not its connections', () => {
    expect(parseListeningInodes(tcp, 29092)).toEqual([9816]);
    expect(parseListeningInodes(tcp, 5432)).toEqual([6449]);
    expect(parseListeningInodes(tcp, 5672)).toEqual([]);
  });
});

describe('parseVmRssKiB', () => {
  it('reads the resident set size in KiB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1234 kB\nVmRSS:\t   98304 kB\nRssAnon:\t 1 kB\n';
    expect(parseVmRssKiB(status)).toBe(98304);
  });

  it('gives undefined when there is no VmRSS line (a kernel thread)', () => {
    expect(parseVmRssKiB('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeUndefined();
  });
});
