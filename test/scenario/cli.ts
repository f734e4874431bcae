// node --import tsx test/scenario/cli.ts OUT_DIR [--hours H] [--devices N] [--seed S] [--learn-hours L] [--start ISO]

import { parseArgs } from 'node:util';
import { generate, DEFAULTS } from './generate.js';

const usage = `usage: node --import tsx test/scenario/cli.ts OUT_DIR [--hours H] [--devices N] [--seed S] [--learn-hours L] [--start ISO]
  writes OUT_DIR/scenario.pcap, OUT_DIR/labels.json and OUT_DIR/manifest.json
  defaults: --hours ${DEFAULTS.hours} --devices ${DEFAULTS.devices} --seed ${DEFAULTS.seed} --learn-hours ${DEFAULTS.learnHours} --start ${DEFAULTS.start}`;

function number(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} ${v}: not a number`);
  return n;
}

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      hours: { type: 'string' }, devices: { type: 'string' }, seed: { type: 'string' },
      'learn-hours': { type: 'string' }, start: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new Error('one OUT_DIR expected');
  const t0 = performance.now();
  const m = generate(positionals[0], {
    hours: number('hours', values.hours), devices: number('devices', values.devices), seed: number('seed', values.seed),
    learnHours: number('learn-hours', values['learn-hours']), start: values.start,
  });
  const secs = (performance.now() - t0) / 1000;
  const c = m.counts;
  console.log(`${positionals[0]}/scenario.pcap: ${(c.bytes / 1e6).toFixed(1)} MB, ${c.frames} frames, ${m.start} to ${m.end} (learning until ${m.learning_end}), ${secs.toFixed(1)} s`);
  console.log(`  devices ${m.devices.length}, TCP connections ${c.tcp_connections}, UDP flows ${c.udp_flows}, http ${c.http}, ssl ${c.ssl}, dns ${c.dns}`);
  console.log(`  attacks ${c.attacks}, labels ${c.labels}: ${Object.entries(c.labels_by_model).map(([k, v]) => `${k} ${v}`).join(', ')}`);
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
