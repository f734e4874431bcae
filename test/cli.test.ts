// The command line as a user meets it: help, records on stdout, the summary, and clear errors
// (exit codes, byte offsets) for missing, foreign, cut-short files and bad options.

import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pcapDir, repoRoot } from './helpers/corpus.js';
import { tmpPath } from './helpers/tmpfile.js';

const MAIN = path.join(repoRoot, 'src', 'cli', 'main.ts');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mirrorsense CLI', () => {
  it('--help names the commands; analyze --help documents its options', () => {
    expect(cli('--help').stdout).toMatch(/analyze/);
    const help = cli('analyze', '--help').stdout;
    for (const opt of ['--events', '--workers', '--max-flows', '--dedup-window', '--vni-space', '--json']) expect(help).toContain(opt);
  });

  it('analyze --events - writes Zeek conn records to stdout and a summary to stderr', () => {
    const r = cli('analyze', path.join(pcapDir, 'vxlan_http-get.pcap'), '--events', '-', '--workers', '2');
    expect(r.code).toBe(0);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((x) => (x._path === 'conn' ? x.service : x._path)).sort()).toEqual(['http', 'http', 'vxlan']);
    expect(r.stderr).toMatch(/frames 12 .* Mpps .* Gbit\/s/);
    expect(r.stderr).toMatch(/decoder\.vxlan\s+seen 12/);
  });

  it('--json prints the summary as one JSON object', () => {
    const r = cli('analyze', path.join(pcapDir, 'http_get_wget.pcap'), '--json', '--workers', '1');
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ frames: 14, records: 1, workers: 1, format: 'pcap' }); // records: connections
    expect(s.counters['decoder.tcp']).toBe(14);
  });

  it('a missing file is a clear error with exit code 2', () => {
    const r = cli('analyze', '/nonexistent/x.pcap');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such capture file: /nonexistent/x.pcap');
  });

  it('a file that is not a capture says what it starts with', () => {
    const f = tmpPath('notes.txt');
    writeFileSync(f, 'hello, world\n');
    const r = cli('analyze', f);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a capture file: .* starts with 0x68656c6c/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a capture cut short still reports what came before, names the byte offset, exits 1', () => {
    const whole = readFileSync(path.join(pcapDir, 'http_get_wget.pcap'));
    const cut = tmpPath('cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 10)); // inside the last of 14 records
    const r = cli('analyze', cut, '--events', '-');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopped early: truncated record at byte \d+/);
    expect(r.stderr).toMatch(/frames 13 /);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l)._path).sort()).toEqual(['conn', 'http']);
  });

  it('bad option values are refused with the allowed range', () => {
    const r = cli('analyze', path.join(pcapDir, 'http_get_wget.pcap'), '--workers', '0');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--workers must be a whole number from 1 to 64');
    expect(cli('analyze', 'x.pcap', '--vni-space', 'abc').stderr).toContain('expected VNI=SPACE');
  });
});
