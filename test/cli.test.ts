// The command line as a user meets it: help, records on stdout, the summary, and clear errors
// (exit codes, byte offsets) for missing, foreign, cut-short files and bad options; and the
// options of `analyze` doing what they say, on real corpus captures, on captures built for one
// option, and on a small labelled scenario for the detection options (alerts, learning, state).

import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pcapDir, repoRoot } from './helpers/corpus.js';
import { tmpPath, writeFrames } from './helpers/tmpfile.js';
import { readFrames } from './helpers/frames.js';
import { conversation, fromOtherSession, Endpoints, Timed } from './helpers/packets.js';
import { generate, Manifest } from './scenario/generate.js';
import { parseAlerts, Alert } from './scenario/score.js';
import type { LogRecord } from '../src/pool/shard.js';
import type { ConnRecord } from '../src/pool/conn-record.js';
import type { HttpRecord } from '../src/pool/records/http.js';
import type { AnalyzeSummary } from '../src/cli/analyze.js';

const MAIN = path.join(repoRoot, 'src', 'cli', 'main.ts');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `analyze FILE --json --events TMP ARGS…` with one worker: the summary and the records. */
function analyzed(file: string, ...args: string[]): { summary: AnalyzeSummary; records: LogRecord[] } {
  const events = tmpPath('events.ndjson');
  const r = cli('analyze', file, '--json', '--events', events, '--workers', '1', ...args);
  expect(r.code, r.stderr).toBe(0);
  const records = readFileSync(events, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as LogRecord);
  return { summary: JSON.parse(r.stdout) as AnalyzeSummary, records };
}

const conns = (records: LogRecord[]) => records.filter((r): r is ConnRecord => r._path === 'conn');
const http = (records: LogRecord[]) => records.filter((r): r is HttpRecord => r._path === 'http');
const corpus = (name: string) => path.join(pcapDir, name);

/** A copy of a capture of Ethernet/IPv4/UDP tunnel frames with outer UDP port `from` changed to `to`. */
function retargeted(file: string, from: number, to: number): string {
  return writeFrames(readFrames(file).map(({ us, data }) => {
    const copy = data.slice();
    const udp = new DataView(copy.buffer, 14 + (copy[14] & 0x0f) * 4, 4);
    for (const at of [0, 2]) if (udp.getUint16(at) === from) udp.setUint16(at, to);
    return { us, data: copy };
  }));
}

describe('mirrorsense CLI', () => {
  it('--help names the commands; analyze --help lists every option the README documents, and no other', () => {
    expect(cli('--help').stdout).toMatch(/analyze/);
    const listed = (text: string) => new Set(text.match(/--[a-z][a-z-]*/g));
    const help = listed(cli('analyze', '--help').stdout);
    help.delete('--help');
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const usage = /```\nmirrorsense analyze <file[^\n]*\n([\s\S]*?)```/.exec(readme)![1];
    expect([...help].sort()).toEqual([...listed(usage)].sort());
    expect(help.size).toBe(17);
  });

  it('analyze --events - writes Zeek conn records to stdout and a summary to stderr', () => {
    const r = cli('analyze', corpus('vxlan_http-get.pcap'), '--events', '-', '--workers', '2');
    expect(r.code).toBe(0);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((x) => (x._path === 'conn' ? x.service : x._path)).sort()).toEqual(['http', 'http', 'vxlan']);
    expect(r.stderr).toMatch(/frames 12 .* Mpps .* Gbit\/s/);
    expect(r.stderr).toMatch(/decoder\.vxlan\s+seen 12/);
  });

  it('--json prints the summary as one JSON object', () => {
    const r = cli('analyze', corpus('http_get_wget.pcap'), '--json', '--workers', '1');
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
    const whole = readFileSync(corpus('http_get_wget.pcap'));
    const cut = tmpPath('cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 10)); // inside the last of 14 records
    const r = cli('analyze', cut, '--events', '-');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopped early: truncated record at byte \d+/);
    expect(r.stderr).toMatch(/frames 13 /);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l)._path).sort()).toEqual(['conn', 'http']);
  });

  it('bad option values are refused with the allowed range', () => {
    const r = cli('analyze', corpus('http_get_wget.pcap'), '--workers', '0');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--workers must be a whole number from 1 to 64');
    expect(cli('analyze', 'x.pcap', '--vni-space', 'abc').stderr).toContain('expected VNI=SPACE');
  });
});

describe('analyze options for the packet path and the application layer', () => {
  const vxlanHttp = corpus('vxlan_http-get.pcap');

  it('--no-app: connection records only, and no parser runs', () => {
    const app = analyzed(vxlanHttp);
    expect(app.records.map((r) => r._path).sort()).toEqual(['conn', 'conn', 'http']);
    const noApp = analyzed(vxlanHttp, '--no-app');
    expect(noApp.records.map((r) => r._path)).toEqual(['conn', 'conn']);
    expect(Object.keys(noApp.summary.counters).filter((k) => /^(http|tls|dns|stream)\./.test(k) && noApp.summary.counters[k] > 0)).toEqual([]);
    // the connections are the same, less the service the parser named
    const strip = (r: ConnRecord) => ({ ...r, service: r.service === 'http' ? undefined : r.service });
    expect(conns(noApp.records)).toEqual(conns(app.records).map(strip));
  });

  it('--vxlan-port: 0 turns VXLAN off; another port is decapsulated instead of 4789', () => {
    const off = analyzed(vxlanHttp, '--vxlan-port', '0');
    expect(off.records).toEqual([expect.objectContaining({ _path: 'conn', proto: 'udp', 'id.resp_p': 4789, orig_pkts: 12 })]);
    expect((off.records[0] as ConnRecord).service).toBeUndefined();
    expect(off.summary.counters['decoder.vxlan'] ?? 0).toBe(0);
    const moved = retargeted(vxlanHttp, 4789, 8472);
    expect(http(analyzed(moved).records)).toEqual([]);
    const on = analyzed(moved, '--vxlan-port', '8472');
    expect(http(on.records).map((h) => [h.host, h.uri, h.vni])).toEqual([['eu.httpbin.org', '/image/svg', 1]]);
    expect(on.summary.counters['decoder.vxlan']).toBe(12);
  });

  it('--geneve-port 0 turns GENEVE off', () => {
    const file = corpus('geneve_tls-sni.pcap');
    expect(analyzed(file).records.filter((r) => r._path === 'ssl')).toHaveLength(1);
    const off = analyzed(file, '--geneve-port', '0');
    expect(off.records.filter((r) => r._path !== 'conn')).toEqual([]);
    expect(off.summary.counters['decoder.geneve'] ?? 0).toBe(0);
  });

  it('--dedup-window and --vni-space: the same packets from a second mirror session', () => {
    const doubled = writeFrames(readFrames(vxlanHttp).flatMap((f) => [f, { us: f.us + 20, data: fromOtherSession(f.data, 2) }]));
    const tcp = (records: LogRecord[]) => conns(records).filter((c) => c.proto === 'tcp');
    const deduped = analyzed(doubled);
    expect(deduped.summary.counters['flow.mirror_duplicate']).toBe(12);
    expect(tcp(deduped.records).map((c) => c.orig_pkts + c.resp_pkts)).toEqual([12]);
    const kept = analyzed(doubled, '--dedup-window', '0');
    expect(kept.summary.counters['flow.mirror_duplicate'] ?? 0).toBe(0);
    expect(tcp(kept.records).map((c) => c.orig_pkts + c.resp_pkts)).toEqual([24]);
    const apart = analyzed(doubled, '--vni-space', '1=1', '--vni-space', '2=2');
    expect(tcp(apart.records).map((c) => [c.vni, c.orig_pkts + c.resp_pkts]).sort()).toEqual([[1, 12], [2, 12]]);
  });

  it('--active-timeout splits a connection longer than it; by default nothing is split', () => {
    // the SSH connection from port 37180 lasts 1.75 s (23 packets) in the AWS mirror capture
    const file = corpus('vxlan_aws-mirror_ssh-ntp-dns.pcap');
    const ssh = (records: LogRecord[]) => conns(records).filter((c) => c['id.orig_p'] === 37180);
    const whole = ssh(analyzed(file).records);
    expect(whole.map((c) => [c.orig_pkts + c.resp_pkts, c.history])).toEqual([[23, 'ShADadFf']]);
    const split = analyzed(file, '--active-timeout', '1');
    const parts = ssh(split.records);
    expect(parts).toHaveLength(2);
    expect(parts.every((c) => (c.duration ?? 0) < 1)).toBe(true);
    expect(parts.reduce((n, c) => n + c.orig_pkts + c.resp_pkts, 0)).toBe(23);
    expect(parts.reduce((n, c) => n + (c.orig_bytes ?? 0), 0)).toBe(whole[0].orig_bytes);
    expect(split.summary.counters['flow.expired_active']).toBe(1);
  });

  it('--max-flows bounds the flow table: the stalest flow is evicted and counted', () => {
    const file = corpus('vxlan_aws-mirror_ssh-ntp-dns.pcap');
    expect(analyzed(file).summary.counters['flow.evicted'] ?? 0).toBe(0);
    expect(analyzed(file, '--max-flows', '1').summary.counters['flow.evicted']).toBeGreaterThan(0);
  });

  // A request whose header block (about 370 bytes) comes in segments of 100 bytes, so the
  // parser needs the stream window to hold it; its User-Agent is past the first 256 bytes.
  const C: Endpoints = { src: '10.0.0.7', dst: '203.0.113.30', sport: 44000, dport: 80 };
  const request = Buffer.from(`GET /a HTTP/1.1\r\nHost: shop.example\r\nX-Pad: ${'p'.repeat(300)}\r\nUser-Agent: far-agent\r\n\r\n`);
  const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  const exchange = (c: Endpoints, startUs: number): Timed[] =>
    conversation(c, [{ fromClient: true, data: request }, { fromClient: false, data: response }], startUs, 100);

  it('--stream-window: a header block longer than the window is not parsed, and that is counted', () => {
    const file = writeFrames(exchange(C, 1e12));
    expect(http(analyzed(file, '--stream-window', '512').records).map((h) => [h.uri, h.user_agent])).toEqual([['/a', 'far-agent']]);
    const small = analyzed(file, '--stream-window', '256');
    expect(http(small.records)).toEqual([]);
    expect(small.summary.counters['stream.window_full']).toBe(1);
  });

  it('--stream-buffers: a connection that finds every buffer taken is not parsed, and that is counted', () => {
    // two such exchanges at once, from two clients
    const file = writeFrames([...exchange(C, 1e12), ...exchange({ ...C, src: '10.0.0.8' }, 1e12 + 50)].sort((a, b) => a.us - b.us));
    expect(http(analyzed(file).records).map((h) => h['id.orig_h'])).toEqual(['10.0.0.7', '10.0.0.8']);
    const one = analyzed(file, '--stream-buffers', '1');
    expect(http(one.records).map((h) => h['id.orig_h'])).toEqual(['10.0.0.7']);
    expect(one.summary.counters['stream.no_buffer']).toBe(1);
  });
});

describe('analyze options for detection, on a small labelled scenario', () => {
  const dir = tmpPath('scenario');
  let manifest: Manifest;
  /** The scenario cut at the end of its learning period: before it, and after it. */
  let before: string;
  let after: string;

  beforeAll(() => {
    manifest = generate(dir, { hours: 2, devices: 4, learnHours: 1, seed: 7, start: '2026-03-02T08:00:00Z' });
    const frames = readFrames(path.join(dir, 'scenario.pcap'));
    const cut = Date.parse(manifest.learning_end) * 1000;
    before = writeFrames(frames.filter((f) => f.us < cut), 'before.pcap');
    after = writeFrames(frames.filter((f) => f.us >= cut), 'after.pcap');
  });

  /** `analyze FILE --alerts TMP --json ARGS…`: the summary and the alerts. */
  function detect(file: string, ...args: string[]): { summary: AnalyzeSummary; alerts: Alert[] } {
    const alerts = tmpPath('alerts.ndjson');
    const r = cli('analyze', file, '--alerts', alerts, '--json', '--workers', '2', ...args);
    expect(r.code, r.stderr).toBe(0);
    return { summary: JSON.parse(r.stdout) as AnalyzeSummary, alerts: parseAlerts(readFileSync(alerts, 'utf8')) };
  }

  const byModel = (alerts: Alert[]) => {
    const ids: Record<string, Set<string>> = {};
    for (const a of alerts) (ids[a.model] ??= new Set()).add(a.id);
    return Object.fromEntries(Object.entries(ids).map(([m, s]) => [m, s.size]));
  };

  it('--alerts - writes the alerts to stdout as NDJSON, the summary (with their count) to stderr', () => {
    const r = cli('analyze', path.join(dir, 'scenario.pcap'), '--alerts', '-', '--learn-until', manifest.learning_end, '--workers', '2');
    expect(r.code, r.stderr).toBe(0);
    const alerts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), model: expect.any(String), device: { ip: expect.any(String) } });
      expect(Date.parse(a.ts)).toBeGreaterThanOrEqual(Date.parse(manifest.learning_end));
    }
    expect(r.stderr).toContain(`learning until ${manifest.learning_end}`);
    const counts = byModel(alerts);
    const total = Object.values(counts).reduce((n, v) => n + v, 0);
    const listed = Object.entries(counts).sort().map(([m, n]) => `${m} ${n}`).join('  ');
    expect(r.stderr).toContain(`alerts ${total}: ${listed}`);
  });

  it('--learn DURATION counts from the first record; --learn-until TIME is that time', () => {
    expect(detect(before, '--learn', '30m').summary.learnedUntil).toBe(new Date(Date.parse(manifest.counts.first_frame) + 30 * 60e3).toISOString());
    expect(detect(before, '--learn-until', '2026-03-02T08:45:00Z').summary.learnedUntil).toBe('2026-03-02T08:45:00.000Z');
  });

  it('--learn and --learn-until together, or values that are not a duration or a time, are refused', () => {
    const both = cli('analyze', before, '--alerts', '-', '--learn', '1h', '--learn-until', '2026-03-02T09:00:00Z');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/option '--learn <duration>' cannot be used with option '--learn-until <time>'/);
    expect(cli('analyze', before, '--learn', '4x').stderr).toContain('--learn: not a duration: "4x"');
    expect(cli('analyze', before, '--learn-until', 'yesterday').stderr).toContain('--learn-until wants an ISO 8601 time');
  });

  it('--state DIR: the baseline learned in one run is loaded by the next, which alerts at once instead of learning again', () => {
    const state = tmpPath('state');
    const first = detect(before, '--state', state, '--learn', '24h');
    expect(first.alerts).toEqual([]);
    expect(existsSync(path.join(state, 'baseline.msgpack'))).toBe(true);

    const second = detect(after, '--state', state);
    expect(second.summary.learnedUntil).toBeUndefined();
    // every attack endpoint is new to its device and reached by no other: each is reported
    const rare = second.alerts.filter((a) => a.model === 'conn.rare_external').map((a) => `${a.device.ip}>${a.endpoint.ip}`);
    expect(new Set(rare)).toEqual(new Set(manifest.attacks.map((a) => `${a.device}>${a.endpoint}`)));

    // a state directory with no baseline yet: the same capture starts with an hour of learning, all of it here
    const third = detect(after, '--state', tmpPath('new-state'));
    expect(Date.parse(third.summary.learnedUntil!)).toBeGreaterThan(Date.parse(manifest.learning_end));
    expect(third.alerts).toEqual([]);
  });
});
