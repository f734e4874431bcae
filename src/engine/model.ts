// What a detection model sees and can do. Each model is one small module (models/*.ts) that
// reacts to records of the kinds it cares about and, for models that look at time series, to
// ticks of the capture clock; it reads baselines and rarity through the context and raises
// alerts through it (the alert book throttles and gives ids). The engine checks every record
// once — the originator is a device, the responder an external endpoint — and hands models the
// (device, endpoint) pair it makes.

import type { ConnRecord } from '../pool/conn-record.js';
import type { HttpRecord } from '../pool/records/http.js';
import type { BurstRecord } from '../pool/records/burst.js';
import type { AlertDraft, ModelId } from './alert.js';
import type { PatternOfLife } from './pattern-of-life.js';
import type { Evictions } from './bounded-map.js';

/** How rare an endpoint is for a device: other devices that reached it (and its domain). */
export interface Rarity {
  rare: boolean;
  /** Other devices that reached the address, and the hostname's registrable domain. */
  others: number;
  domainOthers: number;
  active: number;
  prevalence: number;
  /** When the network first saw the endpoint (capture time, s), if it had. */
  firstSeen?: number;
}

/** A device and an external endpoint it contacts: what models key their state on and alert about. */
export interface Pair {
  /** deviceKey|endpoint: the key of the pair's state in every model. */
  key: string;
  /** The device's address within its address space (from the VNI map). */
  deviceKey: string;
  device: string;
  vni?: number;
  endpoint: string;
  port: number;
  hostname?: string;
  /** The hostname's registrable domain. */
  domain?: string;
}

/** An outbound connection from a device to an external endpoint, with what is known about both. */
export interface Outbound {
  pair: Pair;
  conn: ConnRecord;
  /** The device had not reached this endpoint (nor its domain) before this connection. */
  newForDevice: boolean;
  /** How rare the endpoint is (worked out when first read). */
  readonly rarity: Rarity;
}

/** An alert about a pair: its device and endpoint blocks, and how rare the endpoint is as evidence
 *  (fields in DESIGN.md's order). */
export function pairAlert(p: Pair, r: Rarity, a: Omit<AlertDraft, 'deviceKey' | 'device' | 'endpoint'>): AlertDraft {
  return {
    at: a.at, model: a.model, title: a.title, score: a.score, deviceKey: p.deviceKey,
    device: { ip: p.device, vni: p.vni },
    endpoint: { ip: p.endpoint, port: p.port, hostname: p.hostname },
    evidence: { ...a.evidence, other_devices: r.others, active_devices: r.active },
    mitre: a.mitre,
  };
}

export interface ModelContext {
  readonly pol: PatternOfLife;
  /** Whether a capture time is inside the learning period (models stay quiet then). */
  learning(ts: number): boolean;
  rarity(p: Pair): Rarity;
  raise(d: AlertDraft): void;
}

export interface Model {
  readonly id: ModelId;
  /** What the model's bounded state evicted to stay within its bound (engine.evicted.<id>). */
  readonly evictions?: Evictions;
  /** Every outbound connection to an external endpoint after the learning period. */
  outbound?(o: Outbound, ctx: ModelContext): void;
  /** Every outbound connection to an external endpoint, learning period included (series, volumes). */
  observe?(o: Outbound, ctx: ModelContext): void;
  /** Every HTTP request from a device to an external endpoint, learning period included. */
  http?(h: HttpRecord, p: Pair, ctx: ModelContext): void;
  /** Every data burst from a device to an external endpoint, learning period included. */
  burst?(b: BurstRecord, p: Pair, ctx: ModelContext): void;
  /** The capture clock moved on (every few minutes of capture time, and at the end). */
  tick?(now: number, ctx: ModelContext): void;
}
