// The network's pattern of life, with the hard negatives a detector must not alert on:
//   - SaaS telemetry from most devices to one endpoint every 60 s (periodic, but everyone does it);
//   - hourly update checks from every device;
//   - a monitoring server polling every device over HTTP every 30 s (periodic, internal);
//   - workstations browsing ~30 popular sites in office hours, with human timing (bursts and
//     pauses), each site visited by several devices during the learning period;
//   - servers querying the internal database and calling the internal API.

import { Device, Item, Network, Remote, Spawn } from './network.js';
import { Packet } from './pcap.js';
import { Rng } from './rng.js';
import { AGENT, BROWSER, htmlBody, httpRequest, httpResponse, pngBody, pgQuery, pgReady, pgResult, pgStartup, pgTerminate, text } from './payloads.js';
import { connect, connectByName, httpMessages, tlsMessages, TlsExchange } from './sessions.js';
import { Msg, tcpSession } from './tcp.js';

export interface Clock {
  start: number;
  end: number;
  learnEnd: number;
}

const S = 1e6;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const clamp = (x: number, a: number, b: number) => Math.min(b, Math.max(a, x));
const round = Math.round;

/** Spawns at first, then after each gap, until the end. */
function* schedule(first: number, end: number, gap: () => number, make: (t: number) => Iterator<Item>): Generator<Spawn> {
  for (let t = round(first); t < end; t = round(t + gap())) {
    const at = t;
    yield { us: at, start: () => make(at) };
  }
}

export interface Site {
  name: string;
  https: boolean;
  remote: Remote;
  /** Popularity (Zipf). */
  weight: number;
}

const SITE_NAMES: [string, boolean][] = [
  ['www.example.com', true], ['mail.example.com', true], ['news.example.com', true], ['search.example.com', true],
  ['docs.example.com', true], ['maps.example.com', true], ['video.example.com', true], ['shop.example.com', true],
  ['support.example.com', true], ['wiki.example.org', true], ['forum.example.org', false], ['blog.example.org', true],
  ['code.example.org', true], ['cdn.example.org', true], ['downloads.example.org', false], ['static.example.net', true],
  ['weather.example.net', false], ['chat.example.net', true], ['calendar.example.net', true], ['drive.example.net', true],
  ['photos.example.net', true], ['music.example.net', true], ['portal.example.net', true], ['travel.example', true],
  ['jobs.example', true], ['finance.example', true], ['sports.example', true], ['learn.example', false],
  ['status.example', false], ['translate.example', true],
];

export class Benign {
  readonly sites: Site[];
  readonly saas: Remote;
  readonly updates: Remote;
  /** For each site, the devices that visited it before the end of learning. */
  readonly learned = new Map<string, Set<string>>();
  private monitorPort: number;

  constructor(private readonly net: Network, private readonly rng: Rng, private readonly clock: Clock) {
    this.saas = net.external('telemetry.saas.example', 300, 24_000);
    this.updates = net.external('updates.vendor.example', 600, 35_000);
    this.sites = SITE_NAMES.map(([name, https], i) => ({
      name, https, weight: 1 / Math.pow(i + 1, 0.8),
      remote: net.external(name, [60, 300, 300, 600, 3600][i % 5]),
    }));
    this.monitorPort = 40000 + rng.int(10000);
    for (const s of this.sites) this.learned.set(s.name, new Set());
  }

  /** Every benign schedule. */
  schedules(): Iterator<Item>[] {
    const out: Iterator<Item>[] = [];
    const workstations = this.net.devices.filter((d) => d.role === 'workstation');
    const routines = this.routines(workstations.length);
    for (const d of this.net.devices) {
      const r = this.rng.fork(`device-${d.index}`);
      if (d.telemetry) out.push(this.telemetry(d, r.fork('telemetry')));
      out.push(this.updateChecks(d, r.fork('updates')));
      out.push(this.monitoring(d, r.fork('monitoring')));
      if (d.role === 'workstation') out.push(this.workdays(d, r.fork('browsing'), routines[workstations.indexOf(d)]));
      else {
        out.push(this.database(d, r.fork('db')));
        out.push(this.internalApi(d, r.fork('api')));
      }
    }
    return out;
  }

  /**
   * Which sites each workstation opens first thing in the morning: every site in the routines of
   * min(3, workstations) of them, so each is seen from several devices while the sensor learns.
   */
  private routines(n: number): number[][] {
    const out = Array.from({ length: n }, () => [] as number[]);
    if (n === 0) return out;
    const per = Math.min(3, n);
    this.sites.forEach((_, s) => {
      for (let j = 0; j < per; j++) out[(s * per + j) % n].push(s);
    });
    for (const list of out) {
      for (let i = list.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        [list[i], list[j]] = [list[j], list[i]];
      }
    }
    return out;
  }

  /** SaaS telemetry: a short TLS session every 60 s (±1.5%), all day. */
  private telemetry(d: Device, r: Rng): Iterator<Item> {
    const to = this.saas;
    return schedule(this.clock.start + r.range(0, 60 * S), this.clock.end, () => 60 * S * (1 + r.range(-0.015, 0.015)), (t) =>
      connectByName(this.net, d, to, 443, t, r, () => {
        const resume = r.chance(0.95);
        return tlsMessages(this.net, r, {
          sni: to.name, profile: AGENT, resume, serverHandshake: handshakeSize(r, resume),
          exchanges: [{ req: round(r.range(200, 450)), resp: round(r.range(40, 100)), serverThink: round(r.range(2_000, 12_000)) }],
        });
      }));
  }

  /** An update check every hour, at the device's own minute. */
  private updateChecks(d: Device, r: Rng): Iterator<Item> {
    const to = this.updates;
    return schedule(this.clock.start + r.range(0, HOUR), this.clock.end, () => HOUR + r.range(-30 * S, 30 * S), (t) =>
      connectByName(this.net, d, to, 443, t, r, () => tlsMessages(this.net, r, {
        sni: to.name, profile: AGENT, serverHandshake: handshakeSize(r, false),
        exchanges: [{ req: round(r.range(250, 400)), resp: round(r.range(600, 1_500)) }],
      })));
  }

  /** The monitoring server checks the device's health endpoint every 30 s; the agent answers and closes. */
  private monitoring(d: Device, r: Rng): Iterator<Item> {
    const mon = this.net.monitor;
    const n = this.net.devices.length;
    return schedule(this.clock.start + (d.index / n) * 30 * S + r.range(0, 0.5 * S), this.clock.end, () => 30 * S + r.range(-20_000, 20_000), (t) => {
      const port = this.monitorPort;
      this.monitorPort = port >= 60999 ? 32768 : port + 1;
      const flow = this.net.flowFrom(mon, d, 9100, port, r);
      const body = new TextEncoder().encode('{"status":"ok"}');
      const pairs = [{
        req: httpRequest({ method: 'GET', uri: '/health', host: `${d.ip}:9100`, userAgent: 'monitor-agent/4.1', headers: [['Connection', 'close']] }),
        resp: httpResponse(200, 'OK', 'application/json', body, [['Connection', 'close']]),
        serverThink: round(r.range(300, 1_500)),
      }];
      this.net.stats.tcp++;
      this.net.stats.tcpClosed++;
      return tcpSession({ flow, start: t, rtt: mon.rtt, near: 's', msgs: httpMessages(this.net, pairs), closeBy: 's', finWithLast: true }, r);
    });
  }

  /** A workstation's office days: arrive about 08:00, a morning round of sites, bursts and pauses, lunch, leave before 18:00. */
  private *workdays(d: Device, r: Rng, routine: number[]): Generator<Item> {
    const { start, end } = this.clock;
    const affinity = this.sites.map((s) => s.weight * r.range(0.3, 3));
    const total = affinity.reduce((a, b) => a + b, 0);
    const pick = () => {
      let x = r.range(0, total);
      for (let i = 0; i < affinity.length; i++) if ((x -= affinity[i]) < 0) return i;
      return affinity.length - 1;
    };
    for (let day = Math.floor(start / (24 * HOUR)) * 24 * HOUR; day < end; day += 24 * HOUR) {
      const dow = new Date(day / 1000).getUTCDay();
      if (dow === 0 || dow === 6) continue;
      const arrive = day + 8 * HOUR + r.range(0, 25 * MIN);
      const leave = day + 18 * HOUR - r.range(0, 40 * MIN);
      const lunch = day + 12 * HOUR + r.range(0, 30 * MIN);
      const lunchEnd = lunch + r.range(30 * MIN, 60 * MIN);
      let t = arrive;
      for (const s of routine) {
        if (t >= leave || t >= end) break;
        if (t >= start) yield this.visit(d, r, this.sites[s], round(t));
        t += r.range(20 * S, 90 * S);
      }
      while (t < leave && t < end) {
        const activeEnd = t + clamp(r.exp(6 * MIN), 1 * MIN, 25 * MIN);
        while (t < activeEnd && t < leave && t < end) {
          if (t >= lunch && t < lunchEnd) { t = lunchEnd; break; }
          if (t >= start) yield this.visit(d, r, this.sites[pick()], round(t));
          t += clamp(r.exp(100 * S), 3 * S, 6 * MIN);
        }
        t += clamp(r.exp(18 * MIN), 2 * MIN, 50 * MIN);
      }
    }
  }

  /** A page: the name resolved, then one to three connections, each with a few requests. */
  private visit(d: Device, r: Rng, site: Site, t: number): Spawn {
    if (t < this.clock.learnEnd) this.learned.get(site.name)!.add(d.ip);
    const net = this.net;
    return {
      us: t,
      start: function* (this: Benign): Generator<Item> {
        let at = yield* net.resolve(d, site.remote, t, r);
        const conns = 1 + (r.chance(0.3) ? 1 : 0) + (r.chance(0.1) ? 1 : 0);
        for (let i = 0; i < conns; i++) {
          const start = round(at);
          const exchanges = 1 + (r.chance(0.3) ? 1 : 0) + (r.chance(0.1) ? 1 : 0);
          const closeThink = round(r.range(0.3 * S, 15 * S));
          yield { us: start, start: () => site.https ? this.browseTls(d, r, site, start, exchanges, closeThink) : this.browseHttp(d, r, site, start, exchanges, closeThink) };
          at += r.range(3_000, 150_000);
        }
      }.bind(this),
    };
  }

  private browseTls(d: Device, r: Rng, site: Site, t: number, n: number, closeThink: number): Iterator<Packet> {
    const exchanges: TlsExchange[] = Array.from({ length: n }, (_, i) => ({
      req: round(r.range(320, 900)),
      resp: round(clamp(r.logNormal(1_000, 0.9), 150, 40_000)),
      think: i === 0 ? undefined : round(r.range(20_000, 2 * S)),
    }));
    const resume = r.chance(0.5);
    const msgs = tlsMessages(this.net, r, { sni: site.name, profile: BROWSER, resume, serverHandshake: handshakeSize(r, resume), exchanges });
    return connect(this.net, this.net.flowTo(d, site.remote, 443, 6, r), site.remote, t, r, msgs, { closeThink });
  }

  private browseHttp(d: Device, r: Rng, site: Site, t: number, n: number, closeThink: number): Iterator<Packet> {
    const paths = ['/', '/index.html', '/latest', '/static/site.css', '/static/app.js', '/img/logo.png', '/today', '/feed'];
    const pairs = Array.from({ length: n }, (_, i) => {
      const uri = i === 0 ? r.pick(paths.slice(0, 3)) : r.pick(paths);
      const size = round(clamp(r.logNormal(1_000, 0.9), 150, 40_000));
      const [type, body] = uri.endsWith('.png') ? ['image/png', pngBody(r, size)]
        : uri.endsWith('.css') ? ['text/css', text(r, size)]
        : uri.endsWith('.js') ? ['application/javascript', text(r, size)]
        : ['text/html; charset=utf-8', htmlBody(r, site.name, size)];
      return {
        req: httpRequest({ method: 'GET', uri, host: site.name, userAgent: d.userAgent, headers: [['Accept', '*/*'], ['Accept-Language', 'en-GB,en;q=0.8'], ['Connection', 'keep-alive']] }),
        resp: httpResponse(200, 'OK', type as string, body as Uint8Array),
        think: i === 0 ? undefined : round(r.range(20_000, 2 * S)),
        serverThink: round(r.range(1_000, 40_000)),
      };
    });
    return connect(this.net, this.net.flowTo(d, site.remote, 80, 6, r), site.remote, t, r, httpMessages(this.net, pairs), { closeThink });
  }

  /** A server opens a database connection every few minutes: startup, a few queries, terminate. */
  private database(d: Device, r: Rng): Iterator<Item> {
    const db = this.net.db;
    return schedule(this.clock.start + r.range(0, 3 * MIN), this.clock.end, () => r.range(4 * MIN, 10 * MIN), (t) =>
      connectByName(this.net, d, db, 5432, t, r, () => (function* (): Generator<Msg> {
        yield { from: 'c', data: pgStartup('orders', 'orders') };
        yield { from: 's', data: pgReady(r), think: round(r.range(500, 2_000)) };
        const queries = 1 + r.int(4);
        for (let i = 0; i < queries; i++) {
          yield { from: 'c', data: pgQuery(`SELECT payload FROM jobs WHERE queue = ${1 + r.int(8)} ORDER BY id LIMIT 20`), think: round(r.range(200, 5_000)) };
          yield { from: 's', data: pgResult(r, 1 + r.int(8), 30 + r.int(120)), think: round(r.range(300, 8_000)) };
        }
        yield { from: 'c', data: pgTerminate(), think: round(r.range(200, 2_000)) };
      })(), { closeThink: 100 }));
  }

  /** Calls to the internal API at irregular times. */
  private internalApi(d: Device, r: Rng): Iterator<Item> {
    const api = this.net.api;
    return schedule(this.clock.start + r.range(0, 5 * MIN), this.clock.end, () => clamp(r.exp(8 * MIN), 20 * S, 25 * MIN), (t) =>
      connectByName(this.net, d, api, 8080, t, r, () => {
        const n = 1 + r.int(3);
        const pairs = Array.from({ length: n }, (_, i) => {
          const post = r.chance(0.4);
          const json = new TextEncoder().encode(JSON.stringify({ host: d.name, seq: r.int(1e6), items: r.int(50) }));
          return {
            req: httpRequest({
              method: post ? 'POST' : 'GET', uri: post ? '/v1/events' : `/v1/orders?since=${r.int(1e6)}`, host: 'api.internal.example:8080',
              userAgent: 'orders-worker/3.2 Go-http-client/1.1', headers: [['Accept', 'application/json']], body: post ? json : undefined, contentType: 'application/json',
            }),
            resp: httpResponse(post ? 202 : 200, post ? 'Accepted' : 'OK', 'application/json', text(r, round(r.range(40, 900)))),
            think: i === 0 ? undefined : round(r.range(1_000, 200_000)),
            serverThink: round(r.range(500, 30_000)),
          };
        });
        return httpMessages(this.net, pairs);
      }, { closeThink: round(r.range(100, 5_000)) }));
  }
}

/**
 * Plaintext of the server's encrypted handshake: EncryptedExtensions, Certificate,
 * CertificateVerify and Finished in a full handshake; EncryptedExtensions and Finished when a
 * session is resumed.
 */
export function handshakeSize(r: Rng, resumed: boolean): number {
  return round(resumed ? r.range(60, 90) : r.range(2_400, 3_600));
}
