// The scenario generator: a small VPC's traffic over many hours, mirrored to the sensor, with
// labelled attacks after a learning period. Writes OUT_DIR/scenario.pcap, OUT_DIR/labels.json
// and OUT_DIR/manifest.json.
//
// Every behaviour is a schedule that starts conversations; every conversation is a lazy sequence
// of timed packets. A min-heap keyed on each sequence's next packet (ties: first queued first)
// merges them all into one time-ordered stream that goes straight to the file, so memory holds
// only the conversations open at the moment (the 30 MiB upload included, whose segments are
// built as they are written).
// Deterministic: the same options give the same bytes.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MinHeap } from '../helpers/heap.js';
import { Item, Network, isSpawn } from './network.js';
import { PcapWriter, SENSOR_IP } from './pcap.js';
import { ipString } from '../helpers/wire.js';
import { Rng } from './rng.js';
import { Benign, Clock } from './benign.js';
import { Attacks, BEACONS, UPLOAD_BYTES } from './attacks.js';
import type { Label } from './labels.js';

export interface ScenarioOptions {
  /** Capture length, hours (default 8). */
  hours?: number;
  /** Devices (default 16; about 10 in 16 are workstations, the rest servers). */
  devices?: number;
  seed?: number;
  /** The learning period, hours from the start (default 4). Attacks come after it. */
  learnHours?: number;
  /** Start of the capture (default Monday 2026-03-02T06:00:00Z). */
  start?: string;
}

export interface Manifest {
  generator: string;
  parameters: Required<ScenarioOptions>;
  start: string;
  end: string;
  learning_end: string;
  files: { pcap: string; labels: string };
  sensor: string;
  mirror_sessions: { vni: number; source: string; subnet: string; role: string }[];
  devices: { name: string; ip: string; role: string; vni: number; telemetry: boolean }[];
  services: Record<string, { ip: string; hostname?: string; port?: number }>;
  external: { telemetry: string; updates: string; sites: number; site_names: string[] };
  counts: {
    frames: number;
    bytes: number;
    first_frame: string;
    last_frame: string;
    tcp_connections: number;
    tcp_connections_closed: number;
    udp_flows: number;
    http: number;
    ssl: number;
    dns: number;
    attacks: number;
    labels: number;
    labels_by_model: Record<string, number>;
  };
  /** Per popular site, the devices that visited it before the end of learning. */
  learning_coverage: { min_devices: number; sites: Record<string, number> };
  attacks: { id: string; kind: string; device: string; endpoint: string; hostname?: string; from: string; to: string; details: Record<string, unknown> }[];
}

export const DEFAULTS: Required<ScenarioOptions> = { hours: 8, devices: 16, seed: 1, learnHours: 4, start: '2026-03-02T06:00:00Z' };

interface Entry {
  us: number;
  seq: number;
  item: Item;
  it: Iterator<Item>;
}

/** Generate the scenario into `outDir`; returns its manifest (also written there). */
export function generate(outDir: string, options: ScenarioOptions = {}): Manifest {
  const p: Required<ScenarioOptions> = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (!(p.devices >= 2 && p.devices <= 200)) throw new Error(`--devices ${p.devices}: from 2 to 200`);
  if (!(p.learnHours > 0 && p.learnHours < p.hours)) throw new Error(`--learn-hours ${p.learnHours}: more than 0 and less than --hours (${p.hours})`);
  const startMs = Date.parse(p.start);
  if (Number.isNaN(startMs)) throw new Error(`--start ${p.start}: not an ISO time`);
  const clock: Clock = { start: startMs * 1000, end: (startMs + p.hours * 3600e3) * 1000, learnEnd: (startMs + p.learnHours * 3600e3) * 1000 };

  mkdirSync(outDir, { recursive: true });
  const pcapFile = path.join(outDir, 'scenario.pcap');
  const rng = new Rng(p.seed);
  const net = new Network(rng, p.devices);
  const benign = new Benign(net, rng.fork('benign'), clock);
  const attacks = new Attacks(net, rng.fork('attacks'), clock);

  const writer = new PcapWriter(pcapFile);
  const heap = new MinHeap<Entry>((a, b) => a.us < b.us || (a.us === b.us && a.seq < b.seq));
  let seq = 0;
  const advance = (it: Iterator<Item>) => {
    const r = it.next();
    if (!r.done) heap.push({ us: r.value.us, seq: seq++, item: r.value, it });
  };
  try {
    for (const s of [...benign.schedules(), ...attacks.schedules()]) advance(s);
    for (let e = heap.pop(); e; e = heap.pop()) {
      if (isSpawn(e.item)) advance(e.item.start());
      else writer.write(e.item);
      advance(e.it);
    }
  } finally {
    writer.close();
  }

  const labels: Label[] = attacks.labels();
  writeFileSync(path.join(outDir, 'labels.json'), JSON.stringify(labels, null, 2) + '\n');
  const iso = (us: number) => new Date(us / 1000).toISOString();
  const byModel: Record<string, number> = {};
  for (const l of labels) byModel[l.model] = (byModel[l.model] ?? 0) + 1;
  const coverage = Object.fromEntries([...benign.learned].map(([name, set]) => [name, set.size]));
  const manifest: Manifest = {
    generator: 'mirrorsense test/scenario/generate.ts',
    parameters: p,
    start: iso(clock.start),
    end: iso(clock.end),
    learning_end: iso(clock.learnEnd),
    files: { pcap: 'scenario.pcap', labels: 'labels.json' },
    sensor: ipString(SENSOR_IP),
    mirror_sessions: [
      { vni: 101, source: '10.255.1.1', subnet: '10.0.1.0/24', role: 'workstation' },
      { vni: 102, source: '10.255.2.1', subnet: '10.0.2.0/24', role: 'server' },
    ],
    devices: net.devices.map((d) => ({ name: d.name, ip: d.ip, role: d.role, vni: d.mirror.vni, telemetry: d.telemetry })),
    services: {
      resolver: { ip: net.resolver.ip, port: 53 },
      monitor: { ip: net.monitor.ip },
      database: { ip: net.db.ip, hostname: net.db.name, port: 5432 },
      api: { ip: net.api.ip, hostname: net.api.name, port: 8080 },
    },
    external: { telemetry: benign.saas.name!, updates: benign.updates.name!, sites: benign.sites.length, site_names: benign.sites.map((s) => s.name) },
    counts: {
      frames: writer.frames,
      bytes: writer.bytes,
      first_frame: iso(writer.firstUs),
      last_frame: iso(writer.lastTime),
      tcp_connections: net.stats.tcp,
      tcp_connections_closed: net.stats.tcpClosed,
      udp_flows: net.stats.udp,
      http: net.stats.http,
      ssl: net.stats.ssl,
      dns: net.stats.dns,
      attacks: attacks.list.length,
      labels: labels.length,
      labels_by_model: byModel,
    },
    learning_coverage: { min_devices: Math.min(...Object.values(coverage)), sites: coverage },
    attacks: attacks.list.map((a, i) => ({
      id: `${a.kind}-${String(i + 1).padStart(2, '0')}`, kind: a.kind, device: a.device.ip, endpoint: a.endpoint.ip, hostname: a.endpoint.name,
      from: iso(a.from), to: iso(a.to), details: a.details,
    })),
  };
  writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export { BEACONS, UPLOAD_BYTES };
