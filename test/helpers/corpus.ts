// The shared real-capture corpus (../shared/corpus beside the repository) and its tshark truth.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus');
export const pcapDir = path.join(corpusDir, 'pcaps');
export const truthDir = path.join(corpusDir, 'truth');

export function corpusFiles(): string[] {
  return readdirSync(pcapDir).filter((f) => f.endsWith('.pcap') || f.endsWith('.pcapng')).sort();
}

/** A tab-separated truth file: one object per row, keyed by the header row. */
export function readTsv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const header = lines[0].split('\t');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

/** tshark's fields for each frame of a corpus capture: the main and the extra truth files merged. */
export function truth(file: string): Record<string, string>[] {
  const main = readTsv(path.join(truthDir, `${file}.tsv`));
  const extraPath = path.join(truthDir, `${file}.extra.tsv`);
  if (!existsSync(extraPath)) return main;
  const extra = readTsv(extraPath);
  return main.map((row, i) => ({ ...row, ...extra[i] }));
}
