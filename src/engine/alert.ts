// Alerts as DESIGN.md specifies them, and the book that gives each one its stable id and
// throttles them: one alert per model, device and endpoint per window (a day of capture time),
// updated in place (same id) when its evidence grows instead of repeated. The device is its key
// (its address within its address space), not the VNI it was seen through: the VNI is evidence.
// The book keeps each alert's key and last score only (about 150 B; 2^18 of them, ~40 MiB).

import { createHash } from 'node:crypto';
import { BoundedMap, Evictions } from './bounded-map.js';

const MODEL_IDS = [
  'beacon.periodic', 'http.post_rare_host', 'http.post_ip_no_host', 'http.new_ua_ip_no_host', 'http.scripting_ua_rare',
  'tls.self_signed_rare', 'dns.doppelganger', 'exfil.new_endpoint', 'download.github_anomalous', 'conn.failed_burst',
  'conn.rare_external', 'tls.unusual_fingerprint', 'shadow_ai.service', 'shadow_ai.mcp',
] as const;
export type ModelId = (typeof MODEL_IDS)[number];

export interface Alert {
  id: string;
  ts: string;
  model: ModelId;
  title: string;
  score: number;
  device: { ip: string; vni?: number };
  endpoint: { ip: string; port?: number; hostname?: string };
  evidence: Record<string, unknown>;
  mitre: string[];
  incident?: string;
}

/** What a model hands the book: the alert without its id and time stamp, with the device's key. */
export type AlertDraft = Omit<Alert, 'id' | 'ts'> & { at: number; deviceKey: string };

/** One throttling window: a day of capture time. */
const ALERT_WINDOW_S = 86400;
/** A raised alert is raised again (same id) when its score grows by at least this much. */
const UPDATE_SCORE_STEP = 0.05;

export class AlertBook {
  /** The score each alert was last raised with. */
  private readonly raised: BoundedMap<string, number>;
  private readonly counts: Record<string, number> = {};

  constructor(private readonly emit: (a: Alert) => void, capacity = 1 << 18) {
    this.raised = new BoundedMap(capacity);
  }

  get evictions(): Evictions {
    return this.raised.evictions;
  }

  /** Raise (or update) an alert, unless it changes nothing worth telling. */
  raise(d: AlertDraft): void {
    const window = Math.floor(d.at / ALERT_WINDOW_S);
    const key = `${d.model}|${d.deviceKey}|${d.endpoint.ip}|${window}`;
    const prev = this.raised.get(key);
    if (prev !== undefined && d.score < prev + UPDATE_SCORE_STEP) return;
    if (prev === undefined) this.counts[d.model] = (this.counts[d.model] ?? 0) + 1;
    const { at, deviceKey: _, ...rest } = d;
    const alert: Alert = {
      id: createHash('sha256').update(key).digest('hex').slice(0, 24),
      ts: new Date(Math.round(at * 1000)).toISOString(),
      ...rest,
      score: Math.round(d.score * 1000) / 1000,
    };
    this.raised.set(key, alert.score);
    this.emit(alert);
  }

  /** Alerts raised so far, by model: each id once however often it was updated (one evicted from
   *  the book and raised again counts again). */
  countsByModel(): Record<string, number> {
    return { ...this.counts };
  }
}
