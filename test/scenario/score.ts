// Scores a detector's alerts against a scenario's labels.
//
// An alert is a true positive when a label has its model, its device address and its endpoint
// (the address, or the hostname when the label has one), and the alert fired within the label's
// span plus a slack: [from, to + slack] (beacon alerts need a few beats after the last one to be
// sure, so their slack is longer). A label is found when at least one alert matches it; further
// alerts for a label already found are duplicates, reported on their own and left out of
// precision. Precision = TP / (TP + FP) over a model's alerts; recall = labels found / labels.
// Alerts are identified by id (DESIGN.md: same alert, same id): a detector that raises an alert
// again as its evidence grows writes the same id again, and those lines are one alert (updates,
// counted apart); it matches a label when any of its lines does.

import type { Label } from './labels.js';

/** An alert as ../shared/DESIGN.md defines it (one NDJSON line). */
export interface Alert {
  id: string;
  ts: string;
  model: string;
  title?: string;
  score?: number;
  device: { ip: string; vni?: number };
  endpoint: { ip?: string; port?: number; hostname?: string };
  evidence?: Record<string, unknown>;
  mitre?: string[];
  incident?: string;
}

export interface ScoreOptions {
  /** Slack after a label's end, ms, per model; `default` for the others. */
  slackMs?: Record<string, number>;
}

export const DEFAULT_SLACK_MS: Record<string, number> = { default: 5 * 60_000, 'beacon.periodic': 15 * 60_000 };

/** The model ids of ../shared/DESIGN.md, in its order (tables list models in this order). */
export const MODELS = [
  'beacon.periodic', 'http.post_rare_host', 'http.post_ip_no_host', 'http.new_ua_ip_no_host', 'http.scripting_ua_rare',
  'tls.self_signed_rare', 'dns.doppelganger', 'exfil.new_endpoint', 'download.github_anomalous', 'conn.failed_burst',
  'conn.rare_external', 'tls.unusual_fingerprint', 'shadow_ai.service', 'shadow_ai.mcp',
];

export interface ModelScore {
  model: string;
  /** Distinct alert ids. */
  alerts: number;
  /** Lines repeating an alert id already seen. */
  updates: number;
  tp: number;
  fp: number;
  duplicates: number;
  labels: number;
  found: number;
  /** null when the model raised no alert (other than duplicates). */
  precision: number | null;
  /** null when the model has no label. */
  recall: number | null;
}

export interface RecallRow {
  value: string;
  labels: number;
  found: number;
  recall: number;
}

export interface LabelResult {
  id: string;
  model: string;
  device: string;
  endpoint: string;
  hostname?: string;
  found: boolean;
  /** Alerts that matched it (the first is the true positive, the rest duplicates). */
  alerts: number;
  /** The first matching alert's time and how long after the label's start it fired, s. */
  first_alert?: string;
  delay_s?: number;
}

export interface ScoreResult {
  models: ModelScore[];
  total: Omit<ModelScore, 'model'>;
  /** beacon.periodic recall by the labels' jitter, missed-beat fraction, transport and period. */
  beacon: { jitter: RecallRow[]; missed: RecallRow[]; transport: RecallRow[]; period_s: RecallRow[] };
  labels: LabelResult[];
  false_positives: { id: string; model: string; ts: string; device: string; endpoint: string }[];
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

function alertTime(a: Alert): number {
  const t = Date.parse(a.ts);
  if (Number.isNaN(t)) throw new TypeError(`alert ${a.id}: ts ${JSON.stringify(a.ts)} is not an ISO time`);
  return t;
}

function endpointMatches(a: Alert, l: Label): boolean {
  if (a.endpoint?.ip !== undefined && a.endpoint.ip === l.endpoint) return true;
  return l.hostname !== undefined && a.endpoint?.hostname !== undefined && a.endpoint.hostname.toLowerCase() === l.hostname.toLowerCase();
}

export function score(alerts: readonly Alert[], labels: readonly Label[], opts: ScoreOptions = {}): ScoreResult {
  const slack = { ...DEFAULT_SLACK_MS, ...opts.slackMs };
  const slackOf = (model: string) => slack[model] ?? slack.default;
  const spans = labels.map((l) => {
    const from = Date.parse(l.from), to = Date.parse(l.to);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new TypeError(`label ${l.id}: from/to are not ISO times`);
    return { from, to: to + slackOf(l.model) };
  });
  const matched = labels.map(() => [] as { id: string; t: number }[]);
  // one entry per alert id: its lines, earliest first
  const byId = new Map<string, { a: Alert; t: number; i: number }[]>();
  alerts.forEach((a, i) => {
    if (typeof a.model !== 'string' || typeof a.device?.ip !== 'string') throw new TypeError(`alert ${a.id}: model and device.ip are required`);
    const key = a.id ?? `#${i}`;
    const lines = byId.get(key) ?? [];
    lines.push({ a, t: alertTime(a), i });
    byId.set(key, lines);
  });
  const groups = [...byId.values()].map((lines) => lines.sort((x, y) => x.t - y.t || x.i - y.i));
  // earliest alerts first, so a label's true positive is its first alert
  groups.sort((x, y) => x[0].t - y[0].t || x[0].i - y[0].i);
  const outcome = new Map<Alert, 'tp' | 'fp' | 'dup'>();
  const candidatesOf = (a: Alert, t: number) => labels
    .map((l, i) => ({ l, i }))
    .filter(({ l, i }) => l.model === a.model && l.device === a.device.ip && endpointMatches(a, l) && t >= spans[i].from && t <= spans[i].to);
  for (const lines of groups) {
    const first = lines[0].a;
    let hit: { t: number; candidates: { l: Label; i: number }[] } | undefined;
    for (const { a, t } of lines) {
      const candidates = candidatesOf(a, t);
      if (candidates.length > 0) {
        hit = { t, candidates };
        break;
      }
    }
    if (!hit) {
      outcome.set(first, 'fp');
      continue;
    }
    const open = hit.candidates.find(({ i }) => matched[i].length === 0);
    const target = open ?? hit.candidates[0];
    matched[target.i].push({ id: first.id, t: hit.t });
    outcome.set(first, open ? 'tp' : 'dup');
  }
  const ordered = groups.map((g) => g[0]);

  const names = new Set<string>([...alerts.map((a) => a.model), ...labels.map((l) => l.model)]);
  const order = [...MODELS.filter((m) => names.has(m)), ...[...names].filter((m) => !MODELS.includes(m)).sort()];
  const models: ModelScore[] = order.map((model) => {
    const own = groups.filter((g) => g[0].a.model === model);
    const mine = own.map((g) => g[0].a);
    const updates = own.reduce((n, g) => n + g.length - 1, 0);
    const tp = mine.filter((a) => outcome.get(a) === 'tp').length;
    const fp = mine.filter((a) => outcome.get(a) === 'fp').length;
    const ls = labels.map((l, i) => ({ l, i })).filter(({ l }) => l.model === model);
    const found = ls.filter(({ i }) => matched[i].length > 0).length;
    return {
      model, alerts: mine.length, updates, tp, fp, duplicates: mine.length - tp - fp, labels: ls.length, found,
      precision: ratio(tp, tp + fp), recall: ratio(found, ls.length),
    };
  });
  const sum = (k: 'alerts' | 'updates' | 'tp' | 'fp' | 'duplicates' | 'labels' | 'found') => models.reduce((n, m) => n + m[k], 0);
  const total = {
    alerts: sum('alerts'), updates: sum('updates'), tp: sum('tp'), fp: sum('fp'), duplicates: sum('duplicates'), labels: sum('labels'), found: sum('found'),
    precision: ratio(sum('tp'), sum('tp') + sum('fp')), recall: ratio(sum('found'), sum('labels')),
  };

  const beaconLabels = labels.map((l, i) => ({ l, i })).filter(({ l }) => l.model === 'beacon.periodic');
  const breakdown = (key: string): RecallRow[] => {
    const groups = new Map<string, { labels: number; found: number; sortKey: number }>();
    for (const { l, i } of beaconLabels) {
      const v = l.details?.[key];
      const value = v === undefined ? '-' : String(v);
      const g = groups.get(value) ?? { labels: 0, found: 0, sortKey: typeof v === 'number' ? v : Infinity };
      g.labels++;
      if (matched[i].length > 0) g.found++;
      groups.set(value, g);
    }
    return [...groups].sort((x, y) => x[1].sortKey - y[1].sortKey || x[0].localeCompare(y[0]))
      .map(([value, g]) => ({ value, labels: g.labels, found: g.found, recall: g.found / g.labels }));
  };

  return {
    models,
    total,
    beacon: { jitter: breakdown('jitter'), missed: breakdown('missed'), transport: breakdown('transport'), period_s: breakdown('period_s') },
    labels: labels.map((l, i) => {
      const m = matched[i];
      const r: LabelResult = { id: l.id, model: l.model, device: l.device, endpoint: l.endpoint, hostname: l.hostname, found: m.length > 0, alerts: m.length };
      if (m.length > 0) {
        r.first_alert = new Date(m[0].t).toISOString();
        r.delay_s = (m[0].t - spans[i].from) / 1000;
      }
      return r;
    }),
    false_positives: ordered.filter(({ a }) => outcome.get(a) === 'fp').map(({ a }) => ({
      id: a.id, model: a.model, ts: a.ts, device: a.device.ip, endpoint: a.endpoint?.hostname ? `${a.endpoint.ip ?? '?'} (${a.endpoint.hostname})` : a.endpoint?.ip ?? '?',
    })),
  };
}

/** Alerts from NDJSON text (blank lines skipped); a line that is not an alert is an error naming it. */
export function parseAlerts(text: string, source = 'alerts'): Alert[] {
  const out: Alert[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let a: Alert;
    try {
      a = JSON.parse(line) as Alert;
    } catch (e) {
      throw new SyntaxError(`${source} line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (typeof a !== 'object' || a === null || typeof a.model !== 'string' || typeof a.ts !== 'string' || typeof a.device?.ip !== 'string') {
      throw new TypeError(`${source} line ${i + 1}: an alert needs model, ts and device.ip`);
    }
    out.push(a);
  });
  return out;
}

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const pad = (s: string | number, n: number) => String(s).padStart(n);

/** The result as a plain-text table with fixed columns. */
export function formatTable(r: ScoreResult): string {
  const lines: string[] = [];
  const head = `${'model'.padEnd(26)}${pad('alerts', 7)}${pad('upd', 5)}${pad('TP', 6)}${pad('FP', 6)}${pad('dup', 6)}${pad('labels', 8)}${pad('found', 7)}${pad('precision', 11)}${pad('recall', 8)}`;
  lines.push(head, '-'.repeat(head.length));
  const row = (name: string, m: Omit<ModelScore, 'model'>) =>
    `${name.padEnd(26)}${pad(m.alerts, 7)}${pad(m.updates, 5)}${pad(m.tp, 6)}${pad(m.fp, 6)}${pad(m.duplicates, 6)}${pad(m.labels, 8)}${pad(m.found, 7)}${pad(fmt(m.precision), 11)}${pad(fmt(m.recall), 8)}`;
  for (const m of r.models) lines.push(row(m.model, m));
  lines.push('-'.repeat(head.length), row('all', r.total));
  const sections: [string, RecallRow[]][] = [
    ['jitter', r.beacon.jitter], ['missed beats', r.beacon.missed], ['transport', r.beacon.transport], ['period (s)', r.beacon.period_s],
  ];
  if (r.beacon.jitter.length > 0) {
    lines.push('', 'beacon.periodic recall by');
    for (const [name, rows] of sections) {
      lines.push(`  ${name.padEnd(16)}${pad('labels', 8)}${pad('found', 7)}${pad('recall', 8)}`);
      for (const x of rows) lines.push(`    ${x.value.padEnd(14)}${pad(x.labels, 8)}${pad(x.found, 7)}${pad(fmt(x.recall), 8)}`);
    }
  }
  const missed = r.labels.filter((l) => !l.found);
  if (missed.length > 0) {
    lines.push('', 'labels not found');
    for (const l of missed) lines.push(`  ${l.id.padEnd(40)} ${l.device.padEnd(15)} ${l.endpoint.padEnd(16)} ${l.hostname ?? ''}`);
  }
  return lines.join('\n');
}
