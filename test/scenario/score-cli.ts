// node --import tsx test/scenario/score-cli.ts alerts.ndjson labels.json [--json] [--slack-min M]
// Prints the score table (or, with --json, the whole result as JSON).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { score, formatTable, parseAlerts, DEFAULT_SLACK_MS } from './score.js';
import type { Label } from './labels.js';

const usage = `usage: node --import tsx test/scenario/score-cli.ts alerts.ndjson labels.json [--json] [--slack-min M]
  --json         the result as JSON instead of the table
  --slack-min M  minutes an alert may come after a label's end (default ${DEFAULT_SLACK_MS.default / 60_000}; beacon.periodic ${DEFAULT_SLACK_MS['beacon.periodic'] / 60_000})`;

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean' }, 'slack-min': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (positionals.length !== 2) throw new Error('alerts.ndjson and labels.json expected');
  const [alertsFile, labelsFile] = positionals;
  const alerts = parseAlerts(readFileSync(alertsFile, 'utf8'), alertsFile);
  const labels = JSON.parse(readFileSync(labelsFile, 'utf8')) as Label[];
  if (!Array.isArray(labels)) throw new Error(`${labelsFile}: not an array of labels`);
  let slackMs: Record<string, number> | undefined;
  if (values['slack-min'] !== undefined) {
    const m = Number(values['slack-min']);
    if (!(m >= 0)) throw new Error(`--slack-min ${values['slack-min']}: not a number of minutes`);
    slackMs = { default: m * 60_000, 'beacon.periodic': m * 60_000 };
  }
  const result = score(alerts, labels, { slackMs });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatTable(result));
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
