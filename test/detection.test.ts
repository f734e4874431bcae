// Detection, evaluated: the labelled scenario (a small network over hours, with beacons, a burst
// of failed connections and an upload after the learning period) through the whole sensor — the
// worker pool, the application layer, the engine — and its alerts scored against the labels.
// This part's models must reach recall ≥ 0.95 and precision ≥ 0.9.

import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate, Manifest } from './scenario/generate.js';
import { score, formatTable, parseAlerts, ScoreResult } from './scenario/score.js';
import type { Label } from './scenario/labels.js';
import { analyze, AnalyzeSummary } from '../src/cli/analyze.js';

const PART_1 = ['beacon.periodic', 'conn.rare_external', 'conn.failed_burst', 'exfil.new_endpoint'];
const dir = mkdtempSync(path.join(tmpdir(), 'mirrorsense-detection-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

describe('detection on the labelled scenario', () => {
  let manifest: Manifest;
  let result: ScoreResult;
  let summary: AnalyzeSummary;

  beforeAll(async () => {
    manifest = generate(dir, { hours: 5, devices: 10, learnHours: 2, seed: 7, start: '2026-03-02T07:00:00Z' });
    const alerts = path.join(dir, 'alerts.ndjson');
    summary = await analyze({
      file: path.join(dir, 'scenario.pcap'), alerts, workers: 2, progress: false, core: {},
      learnUntil: Date.parse(manifest.learning_end) / 1000,
    });
    const labels = (JSON.parse(readFileSync(path.join(dir, 'labels.json'), 'utf8')) as Label[]).filter((l) => PART_1.includes(l.model));
    result = score(parseAlerts(readFileSync(alerts, 'utf8')), labels);
  }, 120_000);

  it('finds what the labels say, and little else', () => {
    const rows = result.models.filter((m) => PART_1.includes(m.model) && m.labels > 0);
    expect(rows.map((m) => m.model).sort()).toEqual([...PART_1].sort());
    for (const m of rows) {
      expect(m.recall, `${m.model} recall\n${formatTable(result)}`).toBeGreaterThanOrEqual(0.95);
      expect(m.precision ?? 0, `${m.model} precision\n${formatTable(result)}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('learns first: nothing fires before the learning period ends', () => {
    expect(summary.learnedUntil).toBe(manifest.learning_end);
    expect(result.false_positives.filter((f) => Date.parse(f.ts) < Date.parse(manifest.learning_end))).toEqual([]);
  });
});
