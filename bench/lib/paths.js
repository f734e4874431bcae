// Where the benchmark lives: the repository root, bench/data/ (generated captures, git-ignored)
// and bench/results/ (the JSON each scenario writes, meant to be committed).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dataDir = path.join(repoRoot, 'bench', 'data');
export const resultsDir = path.join(repoRoot, 'bench', 'results');

/** A path as written in results: relative to the repository root, so results are machine-independent. */
export const fromRoot = (file) => path.relative(repoRoot, file);
