// The attacks, all after the learning period, each labelled for the scorer:
//   - beacons over a range of periods, jitters (interval = period × (1 + U(-j, j))) and missed
//     beats, each to its own rare endpoint: new TLS connections with SNI, HTTP POSTs to a bare IP,
//     and beats inside one long-lived HTTP connection or one TLS session;
//   - a burst of failed connections (SYNs answered by RST, or by nothing) to a rare endpoint;
//   - a 30 MiB upload over one TLS connection to a new endpoint.
// Every attack endpoint also gets a conn.rare_external label (no other device ever reaches it),
// and the POSTs to a bare IP an http.post_ip_no_host label.

import { Device, Item, Network, Remote, Spawn } from './network.js';
import { Rng } from './rng.js';
import { AGENT, appData, clientFinished, clientHello, httpRequest, httpResponse, serverFlight, text, TlsUpload } from './payloads.js';
import { concat } from '../helpers/capture-writer.js';
import { connect, connectByName, httpMessages, tlsMessages } from './sessions.js';
import { Bytes, Msg, failedConnect } from './tcp.js';
import { Label, BeaconTransport } from './labels.js';
import type { Clock } from './benign.js';

const S = 1e6;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const round = Math.round;

export interface BeaconSpec {
  period: number;
  jitter: number;
  missed: number;
  transport: BeaconTransport;
  hours: number;
}

/** The beacons: every period, jitter, missed-beat fraction and transport, in 12. */
export const BEACONS: BeaconSpec[] = [
  { period: 30, jitter: 0, missed: 0, transport: 'https', hours: 1.5 },
  { period: 60, jitter: 0.1, missed: 0, transport: 'http-ip', hours: 2 },
  { period: 120, jitter: 0.25, missed: 0.1, transport: 'https', hours: 2.5 },
  { period: 300, jitter: 0, missed: 0.3, transport: 'https', hours: 3 },
  { period: 900, jitter: 0.1, missed: 0, transport: 'https', hours: 3 },
  { period: 60, jitter: 0.5, missed: 0.1, transport: 'http-ip', hours: 2 },
  { period: 120, jitter: 0.1, missed: 0.3, transport: 'http-ip', hours: 2.5 },
  { period: 30, jitter: 0.25, missed: 0, transport: 'http-keepalive', hours: 1.5 },
  { period: 60, jitter: 0.1, missed: 0.1, transport: 'tls-keepalive', hours: 2 },
  { period: 300, jitter: 0.5, missed: 0, transport: 'https', hours: 3 },
  // at 900 s, 3 hours are 12 beats: with beats missing as well as jitter, eight or nine points
  // cannot be told from chance (the beacon scorer's simulations), so the long-period case is jitter only
  { period: 900, jitter: 0.25, missed: 0, transport: 'http-ip', hours: 3 },
  { period: 30, jitter: 0.5, missed: 0.3, transport: 'tls-keepalive', hours: 1.5 },
];

/** A keep-alive connection idles at most this long (the sensor's TCP inactivity timeout is 5 min). */
const MAX_IDLE = 270 * S;
/** Upload size. */
export const UPLOAD_BYTES = 30 * 1024 * 1024;
const FAILED_ATTEMPTS = 30;

/** An attack in progress: its labels, and the span of its packets. */
export interface Attack {
  kind: 'beacon' | 'failed_burst' | 'upload';
  device: Device;
  endpoint: Remote;
  details: Record<string, unknown>;
  models: string[];
  from: number;
  to: number;
}

/** Random names under .example that look like nothing else in the scenario. */
function randomName(r: Rng, prefix: string): string {
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const word = (n: number) => Array.from({ length: n }, () => a[r.int(a.length)]).join('');
  return `${prefix}.${word(5)}${r.int(10)}.example`;
}

/** Pass items through, widening the attack's span with each packet. */
function* tracked(a: Attack, it: Iterator<Item>): Generator<Item> {
  for (let x = it.next(); !x.done; x = it.next()) {
    const item = x.value;
    if ('flow' in item) {
      if (item.us < a.from) a.from = item.us;
      if (item.us > a.to) a.to = item.us;
      yield item;
    } else {
      yield { us: item.us, start: () => tracked(a, item.start()) };
    }
  }
}

export class Attacks {
  private readonly attacks: Attack[] = [];
  private readonly window: [number, number];

  constructor(private readonly net: Network, private readonly rng: Rng, clock: Clock) {
    // attacks start 10 min after learning ends and finish 10 min before the capture does
    this.window = [clock.learnEnd + 10 * MIN, clock.end - 10 * MIN];
    if (this.window[1] - this.window[0] < 30 * MIN) throw new Error('the capture must run at least 50 minutes past the learning period');
  }

  schedules(): Iterator<Item>[] {
    const n = this.net.devices.length;
    const out: Iterator<Item>[] = [];
    BEACONS.forEach((spec, i) => out.push(this.beacon(this.net.devices[i % n], spec, i, this.rng.fork(`beacon-${i}`))));
    out.push(this.failedBurst(this.net.devices[n - 1], this.rng.fork('failed')));
    out.push(this.upload(this.net.devices[Math.max(0, n - 2)], this.rng.fork('upload')));
    return out;
  }

  /** The labels, once generation is over (spans are the attacks' first and last packets). */
  labels(): Label[] {
    const out: Label[] = [];
    const iso = (us: number) => new Date(us / 1000).toISOString();
    this.attacks.forEach((a, i) => {
      const id = `${a.kind}-${String(i + 1).padStart(2, '0')}`;
      for (const model of a.models) {
        out.push({
          id: `${id}:${model}`, model, device: a.device.ip, endpoint: a.endpoint.ip, hostname: a.endpoint.name,
          from: iso(a.from), to: iso(a.to), details: { attack: id, kind: a.kind, ...a.details },
        });
      }
    });
    return out;
  }

  get list(): readonly Attack[] {
    return this.attacks;
  }

  private add(a: Omit<Attack, 'from' | 'to'>): Attack {
    const full = { ...a, from: Infinity, to: -Infinity };
    this.attacks.push(full);
    return full;
  }

  /** When an attack of this length starts: anywhere in the window it fits. */
  private startFor(r: Rng, length: number): number {
    const [a, b] = this.window;
    return round(a + r.range(0, Math.max(0, b - a - length)));
  }

  private beacon(d: Device, spec: BeaconSpec, i: number, r: Rng): Iterator<Item> {
    const [w0, w1] = this.window;
    const length = Math.min(spec.hours * HOUR, w1 - w0);
    const start = this.startFor(r, length);
    const end = start + length;
    const named = spec.transport !== 'http-ip';
    const endpoint = this.net.external(named ? randomName(r, ['sync', 'api', 'cdn', 'telemetry', 'update', 'img'][i % 6]) : undefined, 300);
    const port = spec.transport === 'https' || spec.transport === 'tls-keepalive' ? 443 : spec.transport === 'http-ip' ? 80 : 8080;
    const uri = spec.transport === 'http-ip' ? `/${['submit.php', 'index.php', 'gate', 'api/v1/report'][i % 4]}` : `/${['poll', 'status', 'check'][i % 3]}`;
    const models = ['beacon.periodic', 'conn.rare_external'];
    if (spec.transport === 'http-ip') models.push('http.post_ip_no_host');
    const details: Record<string, unknown> = {
      period_s: spec.period, jitter: spec.jitter, missed: spec.missed, transport: spec.transport,
      port, duration_s: round(length / S), beats: 0, scheduled_beats: 0,
    };
    if (spec.transport === 'http-ip' || spec.transport === 'http-keepalive') details.uri = uri;
    const a = this.add({ kind: 'beacon', device: d, endpoint, details, models });

    // the beat times: interval = period × (1 + U(-j, j)); each beat missed with probability `missed`
    const keepAlive = spec.transport.endsWith('keepalive');
    const beats: number[] = [];
    let scheduled = 0;
    for (let t = start; t < end; t += spec.period * S * (1 + r.range(-spec.jitter, spec.jitter))) {
      scheduled++;
      const idle = beats.length > 0 ? t - beats[beats.length - 1] : 0;
      const forced = keepAlive && idle + spec.period * S * (1 + spec.jitter) > MAX_IDLE;
      if (beats.length === 0 || forced || !r.chance(spec.missed)) beats.push(round(t));
    }
    details.beats = beats.length;
    details.scheduled_beats = scheduled;

    const net = this.net;
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    const post = (host: string): Uint8Array => httpRequest({
      method: 'POST', uri, host, userAgent: ua, headers: [['Accept', '*/*'], ['Connection', spec.transport === 'http-ip' ? 'close' : 'keep-alive']],
      body: text(r, 40 + r.int(120)), contentType: 'application/x-www-form-urlencoded',
    });
    const reply = (): Uint8Array => httpResponse(200, 'OK', 'text/plain', text(r, 8 + r.int(60)));
    const tlsBeat = () => ({ req: round(r.range(180, 420)), resp: round(r.chance(0.1) ? r.range(800, 2_500) : r.range(40, 160)), serverThink: round(r.range(5_000, 60_000)) });

    const spawnAt = (t: number, make: () => Iterator<Item>): Spawn => ({ us: t, start: () => tracked(a, make()) });

    switch (spec.transport) {
      case 'https':
        return beats.map((t) => spawnAt(t, () => connectByName(net, d, endpoint, port, t, r, () => tlsMessages(net, r, {
          sni: endpoint.name, profile: AGENT, resume: r.chance(0.7), serverHandshake: round(r.range(60, 90)), exchanges: [tlsBeat()],
        }))))[Symbol.iterator]();
      case 'http-ip':
        return beats.map((t) => spawnAt(t, () => connect(net, net.flowTo(d, endpoint, port, 6, r), endpoint, t, r,
          httpMessages(net, [{ req: post(endpoint.ip), resp: reply(), serverThink: round(r.range(5_000, 60_000)) }]), { closeBy: 's', finWithLast: true })))[Symbol.iterator]();
      case 'http-keepalive':
        return [spawnAt(beats[0], () => connectByName(net, d, endpoint, port, beats[0], r, () =>
          httpMessages(net, beats.map((t) => ({ req: post(`${endpoint.name}:${port}`), resp: reply(), at: t, serverThink: round(r.range(5_000, 60_000)) })))))][Symbol.iterator]();
      case 'tls-keepalive':
        return [spawnAt(beats[0], () => connectByName(net, d, endpoint, port, beats[0], r, () => keepAliveTls(net, r, endpoint, beats)))][Symbol.iterator]();
    }
  }

  /** 30 connection attempts in 5 minutes: port 443 answered by RST, port 8443 by nothing. */
  private failedBurst(d: Device, r: Rng): Iterator<Item> {
    const endpoint = this.net.external(randomName(r, 'relay'), 300);
    const start = this.startFor(r, 6 * MIN);
    const times = Array.from({ length: FAILED_ATTEMPTS - 1 }, () => round(start + r.range(2 * S, 5 * MIN - S))).sort((x, y) => x - y);
    const attempts = [start, ...times].map((t, i) => ({ t, port: i % 3 === 2 ? 8443 : 443 }));
    const a = this.add({
      kind: 'failed_burst', device: d, endpoint, models: ['conn.failed_burst', 'conn.rare_external'],
      details: { attempts: attempts.length, rst: attempts.filter((x) => x.port === 443).length, unanswered: attempts.filter((x) => x.port === 8443).length, ports: [443, 8443] },
    });
    const net = this.net;
    return [{
      us: start,
      start: () => tracked(a, (function* (): Generator<Item> {
        const t0 = yield* net.resolve(d, endpoint, start, r);
        for (const x of attempts) {
          const at = Math.max(x.t, t0);
          yield {
            us: at,
            start: () => {
              net.stats.tcp++;
              return failedConnect(net.flowTo(d, endpoint, x.port, 6, r), at, endpoint.rtt, x.port === 443 ? 'rst' : 'none', r);
            },
          };
        }
      })()),
    }][Symbol.iterator]();
  }

  /** 30 MiB up over one TLS connection: 16 KiB records in full-size segments, acknowledged every other. */
  private upload(d: Device, r: Rng): Iterator<Item> {
    const endpoint = this.net.external(randomName(r, 'share'), 300, 15_000);
    const start = this.startFor(r, 2 * MIN);
    const a = this.add({
      kind: 'upload', device: d, endpoint, models: ['exfil.new_endpoint', 'conn.rare_external'],
      details: { bytes_out: UPLOAD_BYTES, port: 443 },
    });
    const net = this.net;
    const msgs = function* (): Generator<Msg> {
      net.stats.ssl++;
      yield { from: 'c', data: clientHello(r, { sni: endpoint.name, profile: AGENT }) };
      yield { from: 's', data: serverFlight(r, 0x1302, round(r.range(2_400, 3_600))), think: 2_000 };
      const body = new TlsUpload(UPLOAD_BYTES);
      yield { from: 'c', data: prefixed(concat([clientFinished(r), appData(r, 420)]), body), think: 400 };
      yield { from: 's', data: appData(r, 230), think: 30_000 };
    };
    return [{ us: start, start: () => tracked(a, connectByName(net, d, endpoint, 443, start, r, msgs)) }][Symbol.iterator]();
  }
}

/** One TLS session kept open: the handshake, then a burst of application data each beat. */
function* keepAliveTls(net: Network, r: Rng, endpoint: Remote, beats: number[]): Generator<Msg> {
  const hs = tlsMessages(net, r, {
    sni: endpoint.name, profile: AGENT, serverHandshake: round(r.range(2_400, 3_600)),
    exchanges: [{ req: round(r.range(200, 400)), resp: round(r.range(40, 160)) }],
  });
  yield* hs;
  for (const t of beats.slice(1)) {
    yield { from: 'c', data: appData(r, round(r.range(180, 420))), at: t };
    yield { from: 's', data: appData(r, round(r.chance(0.1) ? r.range(800, 2_500) : r.range(40, 160))), think: round(r.range(5_000, 60_000)) };
  }
}

/** Bytes `head` then `body`. */
function prefixed(head: Uint8Array, body: Bytes): Bytes {
  return {
    length: head.length + body.length,
    slice(off: number, n: number): Uint8Array {
      if (off >= head.length) return body.slice(off - head.length, n);
      const first = head.subarray(off, Math.min(head.length, off + n));
      return first.length === n ? first : concat([first, body.slice(0, n - first.length)]);
    },
  };
}
