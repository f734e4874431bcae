// What a detection model sees and can do. Each model is one small module (models/*.ts) that
// reacts to records of the kinds it cares about and, for models that look at time series, to
// ticks of the capture clock; it reads baselines and rarity through the context and raises
// alerts through it (the alert book throttles and gives ids).

import type { ConnRecord } from '../pool/conn-record.js';
import type { HttpRecord } from '../pool/records/http.js';
import type { SslRecord } from '../pool/records/ssl.js';
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

/** An outbound connection from a device to an external endpoint, with what is known about both. */
export interface Outbound {
  conn: ConnRecord;
  deviceKey: string;
  device: string;
  vni?: number;
  endpoint: string;
  port: number;
  hostname?: string;
  domain?: string;
  /** The device had not reached this endpoint (nor its domain) before this connection. */
  newForDevice: boolean;
  rarity: Rarity;
}

export interface ModelContext {
  readonly pol: PatternOfLife;
  /** Whether a capture time is inside the learning period (models stay quiet then). */
  learning(ts: number): boolean;
  rarity(deviceKey: string, endpoint: string, domain: string | undefined): Rarity;
  /** A device's key: its address, within its address space (from the VNI map). */
  deviceKey(ip: string, vni: number | undefined): string;
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
  http?(h: HttpRecord, o: Outbound | undefined, ctx: ModelContext): void;
  ssl?(s: SslRecord, ctx: ModelContext): void;
  burst?(b: BurstRecord, ctx: ModelContext): void;
  /** The capture clock moved on (every few minutes of capture time, and at the end). */
  tick?(now: number, ctx: ModelContext): void;
}
