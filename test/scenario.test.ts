// The evaluation scenario: the generator's capture read back independently (framing, checksums,
// time order) and through the sensor (records, counters, connection states), checked against
// what its manifest and labels say; and the scorer on hand-made alerts and labels.

import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate, Manifest } from './scenario/generate.js';
import { checkPcap } from './scenario/check-pcap.js';
import { score, formatTable, parseAlerts, Alert, MODELS } from './scenario/score.js';
import type { Label } from './scenario/labels.js';
import { shardRecords } from './helpers/run.js';
import { repoRoot } from './helpers/corpus.js';
import type { ConnRecord } from '../src/pool/conn-record.js';
import type { LogRecord } from '../src/pool/shard.js';
import type { HttpRecord } from '../src/pool/records/http.js';
import type { SslRecord } from '../src/pool/records/ssl.js';
import type { DnsRecord } from '../src/pool/records/dns.js';

const MIRRORS = { '10.255.1.1': 101, '10.255.2.1': 102 };
const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'mirrorsense-scenario-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** The tests' scenario: 5 hours, 10 devices, learning until 09:00 (office hours start at 08:00). */
const SMALL = { hours: 5, devices: 10, learnHours: 2, seed: 7, start: '2026-03-02T07:00:00Z' };

const hostOf = (h: string | undefined) => h?.replace(/:\d+$/, '');
const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('scenario generator', () => {
  const out = path.join(dir, 'small');
  let manifest: Manifest;
  let labels: Label[];
  let logs: LogRecord[];
  let counters: Record<string, number>;
  let conns: ConnRecord[];
  let tcp: ConnRecord[];
  let http: HttpRecord[];
  let ssl: SslRecord[];
  let dns: DnsRecord[];
  let attackEndpoints: Set<string>;

  beforeAll(() => {
    manifest = generate(out, SMALL);
    labels = JSON.parse(readFileSync(path.join(out, 'labels.json'), 'utf8')) as Label[];
    ({ logs, counters } = shardRecords(path.join(out, 'scenario.pcap')));
    conns = logs.filter((r): r is ConnRecord => r._path === 'conn');
    tcp = conns.filter((c) => c.proto === 'tcp');
    http = logs.filter((r): r is HttpRecord => r._path === 'http');
    ssl = logs.filter((r): r is SslRecord => r._path === 'ssl');
    dns = logs.filter((r): r is DnsRecord => r._path === 'dns');
    attackEndpoints = new Set(manifest.attacks.map((a) => a.endpoint));
  });

  it('writes the capture, the labels and a manifest that agree with each other', () => {
    const file = path.join(out, 'scenario.pcap');
    expect(statSync(file).size).toBe(manifest.counts.bytes);
    expect(manifest.counts.bytes).toBeLessThan(60e6); // 35 MB of it is the 30 MiB upload
    expect(manifest.parameters).toMatchObject(SMALL);
    expect(manifest.learning_end).toBe('2026-03-02T09:00:00.000Z');
    expect(manifest.devices).toHaveLength(10);
    expect(manifest.devices.filter((d) => d.role === 'workstation')).toHaveLength(6);
    expect(manifest.devices.filter((d) => d.telemetry)).toHaveLength(8);
    expect(manifest.counts.labels).toBe(labels.length);
    expect(manifest.counts.attacks).toBe(14);
    expect(labels.filter((l) => l.model === 'beacon.periodic')).toHaveLength(12);
    expect(manifest.counts.labels_by_model).toEqual({
      'beacon.periodic': 12, 'conn.rare_external': 14, 'http.post_ip_no_host': 4, 'conn.failed_burst': 1, 'exfil.new_endpoint': 1,
    });
  });

  it('the capture is classic pcap of AWS-mirror VXLAN frames, in time order, every checksum right', () => {
    const r = checkPcap(path.join(out, 'scenario.pcap'), MIRRORS, '10.255.0.10');
    expect(r.problems).toEqual([]);
    expect(r.frames).toBe(manifest.counts.frames);
    expect(r.bytes).toBe(manifest.counts.bytes);
    expect(Object.keys(r.vnis).sort()).toEqual(['101', '102']);
    expect(r.firstUs).toBeGreaterThanOrEqual(Date.parse(manifest.start) * 1000);
    expect(new Date(r.lastUs / 1000).toISOString()).toBe(manifest.counts.last_frame);
  });

  it('the checker notices a corrupted byte', () => {
    const bytes = readFileSync(path.join(out, 'scenario.pcap'));
    const copy = Buffer.from(bytes.subarray(0, 200_000));
    copy[24 + 16 + 50 + 14 + 20 + 4] ^= 0x40; // the first frame's inner TCP sequence number
    const file = path.join(dir, 'corrupt.pcap');
    writeFileSync(file, copy);
    const r = checkPcap(file, MIRRORS, '10.255.0.10');
    expect(r.problems[0]).toMatch(/^frame 0: inner (TCP|UDP) checksum/);
  });

  it('the sensor decodes every frame: nothing malformed, truncated, out of order or lost', () => {
    expect(counters['decoder.pkts']).toBe(manifest.counts.frames);
    expect(counters['decoder.vxlan']).toBe(manifest.counts.frames);
    const bad = Object.entries(counters).filter(([k, v]) => v !== 0 &&
      /malformed|trunc|unsupported|too_|gap|out_of_order|overlap|no_buffer|window_full|evicted|mirror_duplicate|incomplete|dropped|cut/.test(k));
    expect(bad).toEqual([]);
  });

  it('as many http, ssl and dns records as the generator made', () => {
    expect(http.length).toBe(manifest.counts.http);
    expect(ssl.length).toBe(manifest.counts.ssl);
    expect(dns.length).toBe(manifest.counts.dns);
    // every HTTP request has its response, every handshake its ServerHello, every query its answer
    expect(http.filter((h) => h.status_code === undefined)).toEqual([]);
    expect(ssl.filter((s) => s.version !== 'TLSv13' || !s.server_name)).toEqual([]);
    expect(dns.filter((d) => d.rcode_name !== 'NOERROR' || !d.answers?.length)).toEqual([]);
    // one record per connection: with no active timeout (the default) even the hours-long
    // keep-alive beacons stay whole
    const tuples = new Set(tcp.map((c) => `${c['id.orig_h']}:${c['id.orig_p']}>${c['id.resp_h']}:${c['id.resp_p']}`));
    expect(tuples.size).toBe(manifest.counts.tcp_connections);
    expect(tcp).toHaveLength(manifest.counts.tcp_connections);
    expect(conns.filter((c) => c.proto === 'udp' && c.service !== 'vxlan')).toHaveLength(manifest.counts.udp_flows);
  });

  it('every benign TCP connection completes and closes (SF); the failed burst is REJ and S0', () => {
    const benign = tcp.filter((c) => !attackEndpoints.has(c['id.resp_h']));
    expect(benign.length).toBeGreaterThan(5000);
    expect(benign.filter((c) => c.conn_state !== 'SF').map((c) => `${c.uid} ${c.conn_state} ${c.history}`)).toEqual([]);
    const burst = labels.find((l) => l.model === 'conn.failed_burst')!;
    const attempts = tcp.filter((c) => c['id.resp_h'] === burst.endpoint);
    expect(attempts).toHaveLength(30);
    expect(attempts.filter((c) => c.conn_state === 'REJ').map((c) => c['id.resp_p'])).toEqual(Array(burst.details.rst as number).fill(443));
    expect(attempts.filter((c) => c.conn_state === 'S0').map((c) => c['id.resp_p'])).toEqual(Array(burst.details.unanswered as number).fill(8443));
    const span = attempts.map((c) => c.ts);
    expect(Math.max(...span) - Math.min(...span)).toBeLessThanOrEqual(300);
  });

  it('every name a device connects to was resolved by that device first (except the bare-IP POSTs)', () => {
    const answers = new Map<string, number[]>(); // device|name|address -> answer times
    for (const d of dns) {
      for (const a of d.answers ?? []) {
        const k = `${d['id.orig_h']}|${d.query}|${a}`;
        answers.set(k, [...(answers.get(k) ?? []), d.ts + (d.rtt ?? 0)]);
      }
    }
    const named = [
      ...ssl.map((s) => ({ r: s, name: s.server_name })),
      ...http.filter((h) => h.host_kind === 'name' && h['id.orig_h'] !== '10.0.0.50').map((h) => ({ r: h, name: hostOf(h.host) })),
    ];
    expect(named.length).toBeGreaterThan(3000);
    const unresolved = named.filter(({ r, name }) => !(answers.get(`${r['id.orig_h']}|${name}|${r['id.resp_h']}`) ?? []).some((t) => t <= r.ts));
    expect(unresolved.map(({ r, name }) => `${r._path} ${r['id.orig_h']} ${name}`)).toEqual([]);
    // the POSTs to a bare IP: an IP no one ever looked up
    for (const l of labels.filter((x) => x.model === 'http.post_ip_no_host')) {
      expect(l.hostname).toBeUndefined();
      expect(dns.some((d) => d.answers?.includes(l.endpoint))).toBe(false);
      const posts = http.filter((h) => h['id.resp_h'] === l.endpoint);
      expect(posts.length).toBe(l.details.beats);
      expect(posts.every((h) => h.method === 'POST' && h.host === l.endpoint && h.host_kind === 'ip')).toBe(true);
    }
  });

  it('each beacon: its connections, with its hostname, one per beat (or one connection for the keep-alive ones)', () => {
    for (const l of labels.filter((x) => x.model === 'beacon.periodic')) {
      const mine = (r: LogRecord) => r['id.orig_h'] === l.device && r['id.resp_h'] === l.endpoint;
      const c = tcp.filter(mine);
      const s = ssl.filter(mine);
      const h = http.filter(mine);
      const beats = l.details.beats as number;
      expect(beats, l.id).toBeGreaterThanOrEqual(5);
      expect(c.every((x) => x.ts >= seconds(l.from) && x.ts <= seconds(l.to)), l.id).toBe(true);
      switch (l.details.transport) {
        case 'https':
          expect(c.length, l.id).toBe(beats);
          expect(c.every((x) => x.conn_state === 'SF')).toBe(true);
          expect(s.map((x) => x.server_name), l.id).toEqual(Array(beats).fill(l.hostname));
          break;
        case 'http-ip':
          expect(c.length, l.id).toBe(beats);
          expect(h.length, l.id).toBe(beats);
          break;
        case 'http-keepalive':
          expect(new Set(c.map((x) => x['id.orig_p'])).size, l.id).toBe(1);
          expect(c[c.length - 1].conn_state).toBe('SF');
          expect(h.length, l.id).toBe(beats);
          expect(h.every((x) => hostOf(x.host) === l.hostname && x.status_code === 200), l.id).toBe(true);
          break;
        case 'tls-keepalive':
          expect(new Set(c.map((x) => x['id.orig_p'])).size, l.id).toBe(1);
          expect(c[c.length - 1].conn_state).toBe('SF');
          expect(s.map((x) => x.server_name), l.id).toEqual([l.hostname]);
          break;
        default:
          throw new Error(`${l.id}: transport ${String(l.details.transport)}`);
      }
    }
    const transports = labels.filter((x) => x.model === 'beacon.periodic').map((x) => x.details.transport);
    expect(new Set(transports)).toEqual(new Set(['https', 'http-ip', 'http-keepalive', 'tls-keepalive']));
  });

  it('the upload: one TLS connection carrying at least 30 MiB out to its new endpoint', () => {
    const l = labels.find((x) => x.model === 'exfil.new_endpoint')!;
    const c = tcp.filter((x) => x['id.orig_h'] === l.device && x['id.resp_h'] === l.endpoint);
    expect(c).toHaveLength(1);
    expect(c[0].conn_state).toBe('SF');
    expect(c[0].orig_bytes).toBeGreaterThanOrEqual(30 * MiB);
    expect(c[0].resp_bytes).toBeLessThan(10_000);
    expect(ssl.filter((s) => s.uid === c[0].uid).map((s) => s.server_name)).toEqual([l.hostname]);
  });

  it('labels: attacks after learning, every endpoint rare (one device only) and seen by the sensor', () => {
    const learnEnd = Date.parse(manifest.learning_end);
    for (const l of labels) {
      expect(MODELS).toContain(l.model);
      expect(Date.parse(l.from)).toBeGreaterThan(learnEnd);
      expect(Date.parse(l.to)).toBeGreaterThan(Date.parse(l.from));
      expect(Date.parse(l.to)).toBeLessThanOrEqual(Date.parse(manifest.end));
      expect(conns.some((c) => c['id.orig_h'] === l.device && c['id.resp_h'] === l.endpoint), l.id).toBe(true);
      if (l.hostname) expect(dns.some((d) => d['id.orig_h'] === l.device && d.query === l.hostname && d.answers?.includes(l.endpoint)), l.id).toBe(true);
    }
    // every attack endpoint has its conn.rare_external label, and no other device reaches it
    for (const a of manifest.attacks) {
      expect(labels.filter((l) => l.model === 'conn.rare_external' && l.endpoint === a.endpoint && l.device === a.device)).toHaveLength(1);
      expect(new Set(conns.filter((c) => c['id.resp_h'] === a.endpoint).map((c) => c['id.orig_h']))).toEqual(new Set([a.device]));
    }
    expect(new Set(manifest.attacks.map((a) => a.endpoint)).size).toBe(manifest.attacks.length);
  });

  it('benign life: popular sites seen from several devices while learning, telemetry and monitoring on schedule', () => {
    const learnEnd = seconds(manifest.learning_end);
    for (const site of manifest.external.site_names) {
      const devices = new Set([...ssl.filter((s) => s.server_name === site), ...http.filter((h) => h.host === site)]
        .filter((r) => r.ts < learnEnd).map((r) => r['id.orig_h']));
      expect(devices.size, site).toBeGreaterThanOrEqual(3);
    }
    expect(manifest.learning_coverage.min_devices).toBeGreaterThanOrEqual(3);
    for (const d of manifest.devices) {
      const telemetry = ssl.filter((s) => s['id.orig_h'] === d.ip && s.server_name === 'telemetry.saas.example').length;
      // one every 60 s (±1.5%) for 5 hours; hourly checks; a poll every 30 s
      if (d.telemetry) expect(Math.abs(telemetry - 300), d.name).toBeLessThanOrEqual(6);
      else expect(telemetry, d.name).toBe(0);
      const polls = http.filter((h) => h['id.resp_h'] === d.ip && h['id.resp_p'] === 9100).length;
      expect(Math.abs(polls - 600), d.name).toBeLessThanOrEqual(2);
      const updates = ssl.filter((s) => s['id.orig_h'] === d.ip && s.server_name === 'updates.vendor.example').length;
      expect(updates, d.name).toBeGreaterThanOrEqual(4);
    }
    // workstations browse in office hours only
    const ws = new Set(manifest.devices.filter((d) => d.role === 'workstation').map((d) => d.ip));
    const sites = new Set(manifest.external.site_names);
    const browsing = ssl.filter((s) => ws.has(s['id.orig_h']) && sites.has(s.server_name!));
    expect(browsing.length).toBeGreaterThan(300);
    expect(browsing.every((s) => new Date(s.ts * 1000).getUTCHours() >= 8)).toBe(true);
    expect(ssl.some((s) => !ws.has(s['id.orig_h']) && sites.has(s.server_name!))).toBe(false);
  });

  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const opts = { hours: 1.5, devices: 4, learnHours: 0.5 };
    const digest = (d: string) => ['scenario.pcap', 'labels.json', 'manifest.json']
      .map((f) => createHash('sha256').update(readFileSync(path.join(d, f))).digest('hex')).join(' ');
    generate(path.join(dir, 'a'), { ...opts, seed: 3 });
    generate(path.join(dir, 'b'), { ...opts, seed: 3 });
    generate(path.join(dir, 'c'), { ...opts, seed: 4 });
    expect(digest(path.join(dir, 'a'))).toBe(digest(path.join(dir, 'b')));
    expect(digest(path.join(dir, 'a')).split(' ')[0]).not.toBe(digest(path.join(dir, 'c')).split(' ')[0]);
    for (const d of ['a', 'b', 'c']) rmSync(path.join(dir, d), { recursive: true, force: true });
  });

  it('refuses options it cannot honour', () => {
    expect(() => generate(path.join(dir, 'x'), { hours: 2, learnHours: 1.5 })).toThrow(/50 minutes past the learning period/);
    expect(() => generate(path.join(dir, 'x'), { learnHours: 9 })).toThrow(/--learn-hours 9/);
    expect(() => generate(path.join(dir, 'x'), { start: 'Monday' })).toThrow(/--start Monday/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('scorer', () => {
  const label = (id: string, model: string, device: string, endpoint: string, from: string, to: string, details: Record<string, unknown> = {}, hostname?: string): Label =>
    ({ id, model, device, endpoint, hostname, from: `2026-03-02T${from}Z`, to: `2026-03-02T${to}Z`, details });
  const beacon = (id: string, device: string, endpoint: string, jitter: number, missed: number, transport: string, hostname?: string) =>
    label(id, 'beacon.periodic', device, endpoint, '10:00:00', '12:00:00', { period_s: 60, jitter, missed, transport }, hostname);
  const labels: Label[] = [
    beacon('b1', '10.0.1.10', '203.0.113.1', 0, 0, 'https', 'c2.one.example'),
    beacon('b2', '10.0.1.11', '203.0.113.2', 0.25, 0.1, 'http-ip'),
    beacon('b3', '10.0.1.12', '203.0.113.3', 0.5, 0.3, 'https', 'c2.three.example'),
    beacon('b4', '10.0.1.13', '203.0.113.4', 0.25, 0, 'tls-keepalive', 'c2.four.example'),
    label('f1', 'conn.failed_burst', '10.0.2.10', '198.51.100.9', '11:00:00', '11:05:00'),
    label('r1', 'conn.rare_external', '10.0.1.10', '203.0.113.1', '10:00:00', '12:00:00', {}, 'c2.one.example'),
  ];
  let n = 0;
  const alert = (model: string, device: string, endpoint: { ip?: string; hostname?: string }, time: string): Alert =>
    ({ id: `a${++n}`, ts: `2026-03-02T${time}Z`, model, title: model, score: 0.9, device: { ip: device, vni: 101 }, endpoint, evidence: {}, mitre: [] });

  it('true positives, false positives, duplicates and the time window', () => {
    const alerts: Alert[] = [
      alert('beacon.periodic', '10.0.1.10', { ip: '203.0.113.1', hostname: 'c2.one.example' }, '10:20:00'), // TP b1
      alert('beacon.periodic', '10.0.1.10', { ip: '203.0.113.1' }, '10:40:00'),                            // duplicate b1
      alert('beacon.periodic', '10.0.1.10', { ip: '203.0.113.1' }, '11:30:00'),                            // duplicate b1
      alert('beacon.periodic', '10.0.1.11', { ip: '203.0.113.2' }, '12:14:00'),                            // TP b2, in the 15 min slack
      alert('beacon.periodic', '10.0.1.12', { ip: '203.0.113.3' }, '12:16:00'),                            // FP: after b3's slack
      alert('beacon.periodic', '10.0.1.13', { ip: '203.0.113.4' }, '09:59:00'),                            // FP: before b4 began
      alert('beacon.periodic', '10.0.1.99', { ip: '203.0.113.1' }, '10:30:00'),                            // FP: another device
      alert('beacon.periodic', '10.0.1.10', { ip: '192.0.2.50' }, '10:30:00'),                             // FP: telemetry, say
      alert('conn.failed_burst', '10.0.2.10', { ip: '198.51.100.9' }, '11:09:00'),                         // TP f1, in the 5 min slack
      alert('conn.failed_burst', '10.0.2.10', { ip: '198.51.100.9' }, '11:11:00'),                         // FP: after f1's slack
      alert('conn.rare_external', '10.0.1.10', { ip: '203.0.113.77', hostname: 'C2.ONE.example' }, '10:05:00'), // TP r1 by hostname
      alert('tls.self_signed_rare', '10.0.1.12', { ip: '203.0.113.3' }, '10:30:00'),                       // FP: no label of that model
    ];
    const r = score(alerts, labels);
    const m = Object.fromEntries(r.models.map((x) => [x.model, x]));
    expect(r.models.map((x) => x.model)).toEqual(['beacon.periodic', 'tls.self_signed_rare', 'conn.failed_burst', 'conn.rare_external']);
    expect(m['beacon.periodic']).toEqual({ model: 'beacon.periodic', alerts: 8, updates: 0, tp: 2, fp: 4, duplicates: 2, labels: 4, found: 2, precision: 2 / 6, recall: 0.5 });
    expect(m['conn.failed_burst']).toMatchObject({ alerts: 2, tp: 1, fp: 1, duplicates: 0, labels: 1, found: 1, precision: 0.5, recall: 1 });
    expect(m['conn.rare_external']).toMatchObject({ alerts: 1, tp: 1, fp: 0, found: 1, precision: 1, recall: 1 });
    expect(m['tls.self_signed_rare']).toMatchObject({ alerts: 1, tp: 0, fp: 1, labels: 0, precision: 0, recall: null });
    expect(r.total).toMatchObject({ alerts: 12, tp: 4, fp: 6, duplicates: 2, labels: 6, found: 4, precision: 0.4 });
    expect(r.labels.find((l) => l.id === 'b1')).toMatchObject({ found: true, alerts: 3, first_alert: '2026-03-02T10:20:00.000Z', delay_s: 1200 });
    expect(r.labels.filter((l) => !l.found).map((l) => l.id)).toEqual(['b3', 'b4']);
    expect(r.false_positives.map((f) => f.id)).toEqual(['a6', 'a7', 'a8', 'a12', 'a10', 'a5']); // in time order
  });

  it('beacon recall by jitter, missed beats and transport', () => {
    const alerts = [
      alert('beacon.periodic', '10.0.1.10', { ip: '203.0.113.1' }, '10:20:00'),
      alert('beacon.periodic', '10.0.1.11', { ip: '203.0.113.2' }, '10:20:00'),
      alert('beacon.periodic', '10.0.1.13', { hostname: 'c2.four.example' }, '10:20:00'),
    ];
    const r = score(alerts, labels);
    expect(r.beacon.jitter).toEqual([
      { value: '0', labels: 1, found: 1, recall: 1 },
      { value: '0.25', labels: 2, found: 2, recall: 1 },
      { value: '0.5', labels: 1, found: 0, recall: 0 },
    ]);
    expect(r.beacon.missed).toEqual([
      { value: '0', labels: 2, found: 2, recall: 1 },
      { value: '0.1', labels: 1, found: 1, recall: 1 },
      { value: '0.3', labels: 1, found: 0, recall: 0 },
    ]);
    expect(r.beacon.transport).toEqual([
      { value: 'http-ip', labels: 1, found: 1, recall: 1 },
      { value: 'https', labels: 2, found: 1, recall: 0.5 },
      { value: 'tls-keepalive', labels: 1, found: 1, recall: 1 },
    ]);
    expect(r.beacon.period_s).toEqual([{ value: '60', labels: 4, found: 3, recall: 0.75 }]);
    const table = formatTable(r);
    expect(table).toMatch(/^model\s+alerts\s+upd\s+TP\s+FP\s+dup\s+labels\s+found\s+precision\s+recall$/m);
    expect(table).toMatch(/^beacon\.periodic\s+3\s+0\s+3\s+0\s+0\s+4\s+3\s+1\.000\s+0\.750$/m);
    expect(table).toMatch(/^conn\.failed_burst\s+0\s+0\s+0\s+0\s+0\s+1\s+0\s+n\/a\s+0\.000$/m);
    expect(table).toMatch(/^ {4}0\.5\s+1\s+0\s+0\.000$/m);
    expect(table).toContain('labels not found');
    // fixed columns: every row of the model table is as wide as its header
    const rows = table.split('\n').slice(0, r.models.length + 4);
    expect(new Set(rows.map((x) => x.length)).size).toBe(1);
  });

  it('two labels of one model, device and endpoint: a second alert finds the second label', () => {
    const two = [
      label('x1', 'conn.failed_burst', '10.0.2.10', '198.51.100.9', '10:00:00', '10:05:00'),
      label('x2', 'conn.failed_burst', '10.0.2.10', '198.51.100.9', '10:06:00', '10:11:00'),
    ];
    const r = score([alert('conn.failed_burst', '10.0.2.10', { ip: '198.51.100.9' }, '10:07:00'), alert('conn.failed_burst', '10.0.2.10', { ip: '198.51.100.9' }, '10:08:00')], two);
    expect(r.models[0]).toMatchObject({ tp: 2, fp: 0, duplicates: 0, found: 2 });
  });

  it('an alert raised again under its id (its evidence grew) is one alert, its later lines updates', () => {
    const first = alert('beacon.periodic', '10.0.1.12', { ip: '203.0.113.3' }, '09:50:00'); // before b3 began
    const again = { ...first, ts: '2026-03-02T10:30:00Z', score: 0.97 };                    // within it
    const stray = alert('beacon.periodic', '10.0.1.10', { ip: '192.0.2.50' }, '10:30:00');
    const r = score([first, again, { ...again, ts: '2026-03-02T11:00:00Z' }, stray, { ...stray, ts: '2026-03-02T11:30:00Z' }], labels);
    expect(r.models[0]).toMatchObject({ model: 'beacon.periodic', alerts: 2, updates: 3, tp: 1, fp: 1, duplicates: 0, found: 1, precision: 0.5 });
    expect(r.labels.find((l) => l.id === 'b3')).toMatchObject({ found: true, alerts: 1, first_alert: '2026-03-02T10:30:00.000Z' });
    expect(r.false_positives).toHaveLength(1);
  });

  it('no alerts: recall 0, precision n/a; custom slack', () => {
    const r = score([], labels);
    expect(r.total).toMatchObject({ alerts: 0, found: 0, precision: null, recall: 0 });
    const late = [alert('conn.failed_burst', '10.0.2.10', { ip: '198.51.100.9' }, '11:25:00')];
    expect(score(late, labels).models.find((m) => m.model === 'conn.failed_burst')!.tp).toBe(0);
    expect(score(late, labels, { slackMs: { default: 30 * 60_000 } }).models.find((m) => m.model === 'conn.failed_burst')!.tp).toBe(1);
  });

  it('reads NDJSON alerts and says which line is wrong', () => {
    const a = alert('beacon.periodic', '10.0.1.10', { ip: '203.0.113.1' }, '10:20:00');
    expect(parseAlerts(`${JSON.stringify(a)}\n\n${JSON.stringify(a)}\n`)).toHaveLength(2);
    expect(() => parseAlerts(`${JSON.stringify(a)}\n{oops`, 'x.ndjson')).toThrow(/x\.ndjson line 2: not JSON/);
    expect(() => parseAlerts('{"model":"beacon.periodic"}')).toThrow(/line 1: an alert needs model, ts and device.ip/);
    expect(() => score([{ ...a, ts: 'yesterday' }], labels)).toThrow(/not an ISO time/);
  });

  it('the command line prints the table, or JSON', () => {
    const alertsFile = path.join(dir, 'alerts.ndjson');
    const labelsFile = path.join(dir, 'labels.json');
    writeFileSync(alertsFile, `${JSON.stringify(alert('beacon.periodic', '10.0.1.10', { ip: '203.0.113.1' }, '10:20:00'))}\n`);
    writeFileSync(labelsFile, JSON.stringify(labels));
    const cli = path.join(repoRoot, 'test', 'scenario', 'score-cli.ts');
    const table = execFileSync(process.execPath, ['--import', 'tsx', cli, alertsFile, labelsFile], { cwd: repoRoot, encoding: 'utf8' });
    expect(table).toMatch(/^beacon\.periodic\s+1\s+0\s+1\s+0\s+0\s+4\s+1\s+1\.000\s+0\.250$/m);
    const json = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', cli, alertsFile, labelsFile, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
    expect(json.total).toMatchObject({ tp: 1, labels: 6 });
    const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, alertsFile], { cwd: repoRoot, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/alerts\.ndjson and labels\.json expected/);
  });
});
