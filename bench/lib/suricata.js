// Suricata (7, from PATH) as the reference, on the same capture: no rules (-S /dev/null), no
// checksum checks (-k none), no alert or eve output, no unix socket; its suricata.log and
// stats.log go to a temporary directory, read for the decoded packet count and then deleted.
// Timed from outside with process.hrtime around the child: start-up and rule loading included.
// Runmode single is one thread; autofp is one reader thread feeding `workers` worker threads.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { bestOf, since } from './runs.js';

/** What `suricata -V` says, e.g. "7.0.10 RELEASE"; null when suricata is not on PATH. */
export function suricataVersion() {
  const r = spawnSync('suricata', ['-V'], { encoding: 'utf8' });
  if (r.error?.code === 'ENOENT') return null;
  if (r.error) throw r.error;
  return r.stdout.trim().replace(/^This is Suricata version /, '');
}

/** The arguments for one run. For autofp, worker threads = int(cores * ratio), hence the +0.5. */
export function suricataArgs(file, logDir, { runmode, workers }) {
  const args = ['-r', file, '--runmode', runmode, '-k', 'none', '-S', '/dev/null', '-l', logDir,
    '--set', 'outputs.0.fast.enabled=no', '--set', 'outputs.1.eve-log.enabled=no',
    '--set', 'unix-command.enabled=no', '--set', 'threading.set-cpu-affinity=no'];
  if (workers) args.push('--set', `threading.detect-thread-ratio=${((workers + 0.5) / cpus().length).toFixed(4)}`);
  return args;
}

/** The last value of a counter in stats.log ("decoder.pkts | Total | 617693"). */
function counter(stats, name) {
  const all = [...stats.matchAll(new RegExp(`^${name.replaceAll('.', '\\.')}\\s*\\|\\s*Total\\s*\\|\\s*(\\d+)`, 'gm'))];
  if (all.length === 0) throw new Error(`suricata stats.log has no ${name}`);
  return Number(all.at(-1)[1]);
}

/**
 * Best of RUNS by wall time: { seconds, engineSeconds, frames, capturedBytes, threads, runs }.
 * `frames` and `capturedBytes` are Suricata's decoder.pkts and decoder.bytes (captured lengths);
 * `engineSeconds` its own "time elapsed", start-up excluded; `threads` its "Threads created" line.
 */
export function suricata(file, mode) {
  return bestOf(() => {
    const logDir = mkdtempSync(path.join(tmpdir(), 'mirrorsense-bench-suricata-'));
    try {
      const start = process.hrtime.bigint();
      const r = spawnSync('suricata', suricataArgs(file, logDir, mode), { encoding: 'utf8' });
      const seconds = since(start);
      if (r.error) throw r.error;
      const output = r.stdout + r.stderr;
      if (r.status !== 0) throw new Error(`suricata exited with ${r.status ?? r.signal}: ${output.trim()}`);
      const extra = readdirSync(logDir).filter((f) => f !== 'suricata.log' && f !== 'stats.log');
      if (extra.length > 0) throw new Error(`suricata wrote ${extra.join(', ')}: the outputs.N indices do not match its suricata.yaml`);
      const stats = readFileSync(path.join(logDir, 'stats.log'), 'utf8');
      const log = readFileSync(path.join(logDir, 'suricata.log'), 'utf8');
      return {
        seconds,
        engineSeconds: Number(/time elapsed ([\d.]+)s/.exec(log)?.[1]),
        frames: counter(stats, 'decoder.pkts'),
        capturedBytes: counter(stats, 'decoder.bytes'),
        threads: /Threads created -> (.+?)\s+Engine started/.exec(output)?.[1] ?? '?',
      };
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });
}
