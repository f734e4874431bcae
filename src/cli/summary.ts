// The end-of-run summary: throughput first, then what every layer counted (non-zero counters,
// grouped as Suricata's stats.log groups them), as text for people or JSON for tools.

import type { AnalyzeSummary } from './analyze.js';

const int = (n: number) => n.toLocaleString('en-US');

export function formatSummary(s: AnalyzeSummary): string {
  const c = s.counters;
  const lines = [
    `${s.file} (${s.format}), ${s.workers} worker${s.workers === 1 ? '' : 's'}`,
    `  frames ${int(s.frames)}  bytes ${int(s.bytes)}  time ${s.seconds.toFixed(3)} s  ` +
      `${s.mpps.toFixed(2)} Mpps  ${s.gbps.toFixed(2)} Gbit/s`,
    `  connections ${int(s.records)} (tunnel sessions ${int(c['tunnel.sessions'] ?? 0)})  ` +
      `mirror duplicates dropped ${int(c['flow.mirror_duplicate'] ?? 0)}  ` +
      `evicted ${int((c['flow.evicted'] ?? 0) + (c['tunnel.evicted'] ?? 0))}`,
  ];
  const alerts = Object.entries(s.alerts);
  if (s.learnedUntil) lines.push(`  learning until ${s.learnedUntil}`);
  if (alerts.length > 0 || s.learnedUntil) {
    const total = alerts.reduce((n, [, v]) => n + v, 0);
    lines.push(`  alerts ${int(total)}${alerts.length ? ': ' + alerts.sort().map(([m, n]) => `${m} ${int(n)}`).join('  ') : ''}`);
  }
  const groups = new Map<string, string[]>();
  for (const [name, value] of Object.entries(c)) {
    if (value === 0 || name === 'decoder.pkts' || name === 'decoder.bytes') continue;
    const group = name.split('.').slice(0, 2).join('.');
    const list = groups.get(group) ?? [];
    list.push(`${name.slice(group.length + 1) || 'seen'} ${int(value)}`);
    groups.set(group, list);
  }
  if (groups.size > 0) lines.push('  counters:');
  for (const [group, items] of groups) lines.push(`    ${group.padEnd(18)} ${items.join('  ')}`);
  if (s.error) lines.push(`  stopped early: ${s.error.message}`);
  return lines.join('\n');
}
