// The detection engine on record streams built by hand: learning period, pattern of life and
// rarity, the connection models (rare external, failed bursts, uploads to new endpoints), alert
// ids and throttling, and the baseline saved and loaded again.

import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../src/engine/engine.js';
import type { Alert } from '../src/engine/alert.js';
import { saveBaseline, loadBaseline } from '../src/engine/state.js';
import { BoundedMap, Evictions } from '../src/engine/bounded-map.js';
import { isExternal } from '../src/engine/addresses.js';
import type { ConnRecord } from '../src/pool/conn-record.js';
import type { LogRecord } from '../src/pool/shard.js';
import type { DnsRecord } from '../src/pool/records/dns.js';
import type { SslRecord } from '../src/pool/records/ssl.js';
import type { BurstRecord } from '../src/pool/records/burst.js';
import type { HttpRecord } from '../src/pool/records/http.js';

const T0 = Date.parse('2026-03-02T06:00:00Z') / 1000;
let uidN = 0;

function conn(ts: number, orig: string, resp: string, over: Partial<ConnRecord> = {}): ConnRecord {
  return {
    _path: 'conn', ts, uid: `C${uidN++}`, 'id.orig_h': orig, 'id.orig_p': 40000 + (uidN % 20000), 'id.resp_h': resp,
    'id.resp_p': 443, proto: 'tcp', conn_state: 'SF', missed_bytes: 0, orig_pkts: 10, orig_ip_bytes: 1000,
    resp_pkts: 10, resp_ip_bytes: 5000, duration: 1, orig_bytes: 500, resp_bytes: 4000, ...over,
  };
}

function dns(ts: number, orig: string, query: string, addr: string, vni?: number): DnsRecord {
  return {
    _path: 'dns', ts, uid: `D${uidN++}`, 'id.orig_h': orig, 'id.orig_p': 53000, 'id.resp_h': '10.0.0.2', 'id.resp_p': 53, vni,
    proto: 'udp', trans_id: 1, query, AA: false, TC: false, RD: true, RA: true, Z: 0, rejected: false, resolved: [{ addr, ttl: 300 }],
  };
}

function run(records: LogRecord[], learnFor = 3600): { engine: Engine; alerts: Alert[] } {
  const alerts: Alert[] = [];
  const engine = new Engine({ learnFor, onAlert: (a) => alerts.push(a) });
  engine.ingest(records);
  engine.finish();
  return { engine, alerts };
}

/** Ten devices sharing a few popular endpoints all along: the background of a quiet network. */
function background(hours: number): ConnRecord[] {
  const out: ConnRecord[] = [];
  for (let h = 0; h < hours; h++) {
    for (let d = 1; d <= 10; d++) {
      out.push(conn(T0 + h * 3600 + d * 60, `10.0.0.${d}`, '198.51.100.10'));
      out.push(conn(T0 + h * 3600 + d * 90, `10.0.0.${d}`, '198.51.100.11'));
    }
  }
  return out;
}

describe('connection models', () => {
  it('nothing fires during the learning period, nor for endpoints the network shares', () => {
    const { alerts } = run([...background(6), conn(T0 + 600, '10.0.0.3', '203.0.113.99')]);
    expect(alerts).toEqual([]);
  });

  it('a new, rare external endpoint after learning is conn.rare_external, once per device and endpoint', () => {
    const records = [...background(6), conn(T0 + 4 * 3600, '10.0.0.3', '203.0.113.99'), conn(T0 + 4 * 3600 + 60, '10.0.0.3', '203.0.113.99')];
    const { alerts } = run(records);
    expect(alerts.map((a) => [a.model, a.device.ip, a.endpoint.ip])).toEqual([['conn.rare_external', '10.0.0.3', '203.0.113.99']]);
    expect(alerts[0]).toMatchObject({ title: expect.any(String), mitre: ['T1071'] });
    expect(alerts[0].evidence).toMatchObject({ other_devices: 0, active_devices: 10 });
  });

  it('an endpoint most devices use is not rare, even for a device new to it', () => {
    const records = [...background(6)];
    for (let d = 1; d <= 9; d++) records.push(conn(T0 + 1800 + d, `10.0.0.${d}`, '192.0.2.50'));
    records.push(conn(T0 + 5 * 3600, '10.0.0.10', '192.0.2.50'));
    expect(run(records).alerts).toEqual([]);
  });

  it('internal endpoints are never external alerts', () => {
    expect(run([...background(6), conn(T0 + 5 * 3600, '10.0.0.3', '10.9.9.9')]).alerts).toEqual([]);
  });

  it('many failed connections to a rare endpoint within five minutes is conn.failed_burst', () => {
    const fails = Array.from({ length: 12 }, (_, i) => conn(T0 + 5 * 3600 + i * 20, '10.0.0.4', '203.0.113.66', { conn_state: i % 2 ? 'S0' : 'REJ', orig_bytes: 0 }));
    const models = run([...background(6), ...fails]).alerts.map((a) => a.model);
    expect(models).toContain('conn.failed_burst');
    const slow = Array.from({ length: 12 }, (_, i) => conn(T0 + 5 * 3600 + i * 120, '10.0.0.4', '203.0.113.67', { conn_state: 'S0', orig_bytes: 0 }));
    expect(run([...background(6), ...slow]).alerts.map((a) => a.model)).not.toContain('conn.failed_burst');
  });

  it('a 30 MiB upload to a new rare endpoint is exfil.new_endpoint, split over several connections too', () => {
    const up = Array.from({ length: 3 }, (_, i) => conn(T0 + 5 * 3600 + i * 600, '10.0.0.5', '203.0.113.77', { orig_bytes: 10.5 * 1024 * 1024 }));
    const ex = run([...background(6), ...up]).alerts.filter((a) => a.model === 'exfil.new_endpoint');
    expect(new Set(ex.map((a) => a.id)).size).toBe(1); // one alert, updated as the upload grows
    expect(ex[0].evidence.bytes_out).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    const small = [conn(T0 + 5 * 3600, '10.0.0.5', '203.0.113.78', { orig_bytes: 2 * 1024 * 1024 })];
    expect(run([...background(6), ...small]).alerts.map((a) => a.model)).not.toContain('exfil.new_endpoint');
  });

  it('a device that usually sends a lot needs more before an upload is unusual', () => {
    const heavy = background(6);
    for (let h = 0; h < 3; h++) heavy.push(conn(T0 + h * 3600, '10.0.0.6', '198.51.100.10', { orig_bytes: 20 * 1024 * 1024 }));
    const up = [conn(T0 + 5 * 3600, '10.0.0.6', '203.0.113.79', { orig_bytes: 30 * 1024 * 1024 })];
    expect(run([...heavy, ...up]).alerts.map((a) => a.model)).not.toContain('exfil.new_endpoint');
  });
});

describe('records inside a connection', () => {
  /** A TLS session from orig to 203.0.113.50 opened at `at`, then a data burst every 5 minutes for 4 hours. */
  function session(orig: string, at: number): LogRecord[] {
    const ids = { uid: 'CSESSION', 'id.orig_h': orig, 'id.orig_p': 41000, 'id.resp_h': '203.0.113.50', 'id.resp_p': 443 };
    const hello: SslRecord = { _path: 'ssl', ts: at, ...ids, server_name: 'c2.bad-example.net' };
    const bursts = Array.from({ length: 48 }, (_, i): BurstRecord => ({ _path: 'burst', ts: at + 300 * (i + 1), ...ids }));
    return [hello, ...bursts];
  }

  it('a beacon inside one TLS session (its data bursts) is beacon.periodic, named by the session\'s SNI', () => {
    const alerts = run([...background(6), ...session('10.0.0.7', T0 + 3600)]).alerts;
    expect(alerts.map((a) => [a.model, a.device.ip, a.endpoint.hostname])).toContainEqual(['beacon.periodic', '10.0.0.7', 'c2.bad-example.net']);
    expect(alerts.find((a) => a.model === 'beacon.periodic')!.evidence).toMatchObject({ transports: ['burst'], period_s: 300, rita: { ts: 1, ds: 0 } });
  });

  it('records whose originator is not a device teach nothing and feed no model', () => {
    const ua: HttpRecord = {
      _path: 'http', ts: T0 + 7200, uid: 'CHTTP', 'id.orig_h': '198.51.100.99', 'id.orig_p': 50000, 'id.resp_h': '10.0.0.1', 'id.resp_p': 80,
      trans_depth: 1, method: 'GET', host: 'intranet.example', host_kind: 'name', user_agent: 'curl/8.0', request_body_len: 0, response_body_len: 0,
    };
    const { engine, alerts } = run([...background(6), ...session('198.51.100.99', T0 + 3600), ua]);
    expect(alerts).toEqual([]);
    expect(engine.pol.devices.has('198.51.100.99')).toBe(false);
  });
});

describe('alerts and baselines', () => {
  it('a DNS answer names connections of its own address space only', () => {
    // 10.0.0.3 exists in two VPCs (VNI 101 → space 1, 102 → space 2); only the one in space 1 asked
    const at = T0 + 5 * 3600;
    const records = [...background(6), dns(at - 10, '10.0.0.3', 'cdn.rare-example.net', '203.0.113.99', 101),
      conn(at, '10.0.0.3', '203.0.113.99', { vni: 101 }), conn(at, '10.0.0.3', '203.0.113.99', { vni: 102 })];
    const alerts: Alert[] = [];
    const engine = new Engine({ learnFor: 3600, vniSpaces: { 101: 1, 102: 2 }, onAlert: (a) => alerts.push(a) });
    engine.ingest(records);
    expect(alerts.map((a) => [a.device.vni, a.endpoint.hostname])).toEqual([[101, 'cdn.rare-example.net'], [102, undefined]]);
  });

  it('a device seen through two VNIs of one address space is one device: one alert', () => {
    const fails = Array.from({ length: 16 }, (_, i) => conn(T0 + 5 * 3600 + i * 10, '10.0.0.4', '203.0.113.66', { conn_state: 'S0', orig_bytes: 0, vni: i % 2 ? 101 : 102 }));
    const bursts = run([...background(6), ...fails]).alerts.filter((a) => a.model === 'conn.failed_burst');
    expect(bursts.length).toBeGreaterThan(1); // raised, then raised again as it grew
    expect(new Set(bursts.map((a) => a.id)).size).toBe(1);
  });

  it('the same alert gets the same id in every run', () => {
    const records = () => [...background(6), conn(T0 + 4 * 3600, '10.0.0.3', '203.0.113.99')];
    expect(run(records()).alerts[0].id).toBe(run(records()).alerts[0].id);
  });

  it('the pattern of life keeps what each device does and how many devices use an endpoint', () => {
    const { engine } = run(background(2));
    const d = engine.pol.devices.get('10.0.0.1')!;
    expect([...d.endpoints.keys()].sort()).toEqual(['198.51.100.10', '198.51.100.11']);
    expect(d.endpoints.get('198.51.100.10')!.count).toBe(2);
    expect(engine.pol.otherDevices('198.51.100.10', '10.0.0.1')).toBe(9);
    expect(d.hours.reduce((a, b) => a + b)).toBe(4);
    expect([d.hours[6], d.hours[7]]).toEqual([2, 2]); // 06:00 and 07:00 UTC
  });

  it('a saved baseline is loaded again, and then nothing old is new', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mirrorsense-state-'));
    const first = run([...background(6), conn(T0 + 4 * 3600, '10.0.0.3', '203.0.113.99')]);
    saveBaseline(dir, first.engine.pol);
    const pol = loadBaseline(dir)!;
    expect(pol.devices.size).toBe(first.engine.pol.devices.size);
    expect(pol.knows('10.0.0.3', '203.0.113.99')).toBe(true);
    const alerts: Alert[] = [];
    const again = new Engine({ pol, onAlert: (a) => alerts.push(a) }); // no learning period
    again.ingest([conn(T0 + 7 * 3600, '10.0.0.3', '203.0.113.99'), conn(T0 + 7 * 3600, '10.0.0.3', '203.0.113.120')]);
    expect(alerts.map((a) => a.endpoint.ip)).toEqual(['203.0.113.120']);
  });

  it('as capture time passes the baseline forgets a device unseen for 30 days, and what it reached', () => {
    const alerts: Alert[] = [];
    const engine = new Engine({ learnFor: 3600, onAlert: (a) => alerts.push(a) });
    engine.ingest([conn(T0, '10.0.0.1', '198.51.100.10'), conn(T0, '10.0.0.1', '198.51.100.11'), conn(T0 + 10 * 86400, '10.0.0.2', '198.51.100.11')]);
    expect(engine.pol.devices.has('10.0.0.1')).toBe(true);
    engine.ingest([conn(T0 + 31 * 86400, '10.0.0.2', '198.51.100.11')]);
    expect(engine.pol.devices.has('10.0.0.1')).toBe(false);
    expect(engine.pol.endpoints.has('198.51.100.10')).toBe(false);
    expect([...engine.pol.endpoints.get('198.51.100.11')!.devices.keys()]).toEqual(['10.0.0.2']);
    // the network now has one device: a new endpoint is measured against it alone
    const before = alerts.length;
    engine.ingest([conn(T0 + 31 * 86400 + 600, '10.0.0.2', '203.0.113.99')]);
    expect(alerts.slice(before).map((a) => [a.model, a.evidence.active_devices])).toEqual([['conn.rare_external', 1]]);
  });

  it('the baseline ages at the end of a run too, before it is saved', () => {
    // the last daily ageing (at T0 + 30 d - 1 h) keeps 10.0.0.1; by the end (T0 + 30 d + 1 h) it is stale
    const { engine } = run([conn(T0, '10.0.0.1', '198.51.100.10'), conn(T0 + 30 * 86400 - 3600, '10.0.0.2', '198.51.100.11'),
      conn(T0 + 30 * 86400 + 3600, '10.0.0.2', '198.51.100.11')]);
    const dir = mkdtempSync(path.join(tmpdir(), 'mirrorsense-state-'));
    saveBaseline(dir, engine.pol);
    expect([...loadBaseline(dir)!.devices.keys()]).toEqual(['10.0.0.2']);
  });
});

describe('addresses', () => {
  it('private, shared, loopback, link-local and multicast addresses are not external, to the edge of each range', () => {
    const inside = ['10.0.0.0', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.255.255', '100.64.0.1',
      '100.127.255.255', '127.0.0.1', '169.254.169.254', '0.0.0.0', '224.0.0.251', '239.255.255.250', '255.255.255.255',
      'fc00::1', 'fd12:3456::1', 'fe80::1', '::1', '::', 'ff02::fb'];
    const outside = ['9.255.255.255', '11.0.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255', '192.169.0.0', '100.63.255.255',
      '100.128.0.0', '128.0.0.1', '169.253.255.255', '1.0.0.0', '223.255.255.255', '203.0.113.9', '2001:db8::1', '2606:4700::1111'];
    for (const ip of inside) expect(isExternal(ip), ip).toBe(false);
    for (const ip of outside) expect(isExternal(ip), ip).toBe(true);
    for (const notIp of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', 'example.com', '1.2.3.4 ']) expect(isExternal(notIp), notIp).toBe(false);
  });
});

describe('bounds', () => {
  it('a bounded map evicts the least recently used entry and counts it; maps of a kind share a count', () => {
    const shared = new Evictions();
    const m = new BoundedMap<string, number>(2, shared);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.touch('a')).toBe(1); // a is now the most recently used
    expect(m.touch('c', () => 3)).toBe(3);
    expect([...m.keys()]).toEqual(['a', 'c']);
    expect(m.get('b')).toBeUndefined();
    const other = new BoundedMap<string, number>(1, shared);
    other.set('x', 1);
    other.set('y', 2);
    expect(shared.count).toBe(2);
    expect(m.touch('z')).toBeUndefined(); // touching an absent key without make() adds nothing
    expect(m.size).toBe(2);
  });

  it('a map with a budget on what its values hold evicts the least recently used past it, never the most recent', () => {
    const m = new BoundedMap<string, number[]>(10, undefined, { limit: 5, weigh: (v) => v.length });
    m.set('a', [1, 2]);
    m.set('b', [1, 2]);
    expect(m.weight).toBe(4);
    const b = m.touch('b')!;
    b.push(3);
    m.reweigh(1); // a (2) + b (3) = 5: within
    expect([...m.keys()]).toEqual(['a', 'b']);
    m.set('c', [1]); // 6: a, the least recently used, goes
    expect([...m.keys()]).toEqual(['b', 'c']);
    expect(m.weight).toBe(4);
    const c = m.touch('c')!;
    c.push(2, 3, 4, 5, 6, 7);
    m.reweigh(6); // c alone is over the budget, but it is the most recent: b goes, c stays
    expect([...m.keys()]).toEqual(['c']);
    expect(m.evictions.count).toBe(2);
    m.delete('c');
    expect(m.weight).toBe(0);
  });

  it('an endpoint hundreds of devices reach is not rare in a large network (its device list is long enough to tell)', () => {
    const records = Array.from({ length: 15000 }, (_, i) => conn(T0 + i * 0.1, `10.${i >> 8}.${i & 255}.7`, '198.51.100.10'));
    records.push(conn(T0 + 7200, '10.200.0.1', '198.51.100.10'));
    expect(run(records).alerts).toEqual([]);
  });

  it('the engine counts what its maps evict as engine.evicted.* counters', () => {
    const engine = new Engine({ learnFor: 3600, onAlert: () => undefined });
    // TLS server names wait for their connection's record; 65,536 are kept
    const names: SslRecord[] = Array.from({ length: (1 << 16) + 5 }, (_, i) => ({
      _path: 'ssl', ts: T0 + i / 1000, uid: `S${i}`, 'id.orig_h': '10.0.0.1', 'id.orig_p': 40000, 'id.resp_h': '198.51.100.10',
      'id.resp_p': 443, server_name: `h${i}.example.com`,
    }));
    engine.ingest(names);
    const counters = engine.counters();
    expect(counters['engine.evicted.hostnames']).toBe(5);
    expect(counters).toMatchObject({ 'engine.evicted.devices': 0, 'engine.evicted.passive_dns': 0, 'engine.evicted.beacon.periodic': 0 });
  });
});
