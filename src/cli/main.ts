// The `mirrorsense` command line (commander): one sub-command per job.

import { Command, InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { analyze } from './analyze.js';
import { formatSummary } from './summary.js';
import { CaptureError } from '../capture/errors.js';
import {
  DEFAULT_TIMEOUTS, DEFAULT_MAX_FLOWS, DEFAULT_DEDUP_WINDOW_US, DEFAULT_STREAM_WINDOW, DEFAULT_STREAM_BUFFERS,
  DEFAULT_VXLAN_PORT, DEFAULT_GENEVE_PORT,
} from '../pool/wasm-core.js';
import { parseDuration } from '../engine/duration.js';

function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    return n;
  };
}

function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number, 0 or more.`);
    return n;
  };
}

function port(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`${name} must be a UDP port (0 turns it off).`);
    return n;
  };
}

function duration(name: string) {
  return (value: string): number => {
    try {
      return parseDuration(value);
    } catch (e) {
      throw new InvalidArgumentError(`${name}: ${(e as Error).message}.`);
    }
  };
}

function isoTime(name: string) {
  return (value: string): number => {
    const t = Date.parse(value);
    if (Number.isNaN(t)) throw new InvalidArgumentError(`${name} wants an ISO 8601 time, e.g. 2026-03-12T14:00:00Z, got "${value}".`);
    return t / 1000;
  };
}

function vniSpace(value: string, previous: Record<number, number>): Record<number, number> {
  const m = /^(\d+)=(\d+)$/.exec(value);
  if (!m || Number(m[1]) > 0xffffff) throw new InvalidArgumentError(`expected VNI=SPACE with a 24-bit VNI, e.g. 101=1, got "${value}".`);
  return { ...previous, [Number(m[1])]: Number(m[2]) };
}

function program(): Command {
  const cmd = new Command('mirrorsense')
    .description('Network detection sensor for AWS VPC Traffic Mirroring (VXLAN/GENEVE), with a WASM core over a worker pool.')
    .showHelpAfterError();

  cmd.command('analyze')
    .description('Analyse a capture file (pcap or pcapng) offline: records and alerts as NDJSON, and a summary.')
    .argument('<file>', 'capture file: pcap (µs or ns, either byte order) or pcapng')
    .option('--alerts <file>', 'detect: write alerts to FILE, or - for standard output')
    .option('--events <file>', 'write records (Zeek conn, http, ssl, dns log JSON, and mcp) to FILE, or - for standard output')
    .addOption(new Option('--learn <duration>', 'learn for this long from the start of the capture before alerting (e.g. 4h; default 1h)')
      .argParser(duration('--learn')).conflicts('learnUntil'))
    .addOption(new Option('--learn-until <time>', 'learn until this capture time (ISO 8601) before alerting').argParser(isoTime('--learn-until')))
    .option('--state <dir>', 'keep the learned baseline in DIR between runs (a saved baseline means no new learning period unless --learn says so)')
    .addOption(new Option('--workers <n>', 'worker threads (each owns 1/N of the flows)')
      .default(Math.min(availableParallelism(), 8)).argParser(positiveInt('--workers', 64)))
    .addOption(new Option('--max-flows <n>', 'flow table bound per worker (oldest flow evicted, counted)')
      .default(DEFAULT_MAX_FLOWS).argParser(positiveInt('--max-flows', 1 << 24)))
    .addOption(new Option('--dedup-window <us>', 'recognise copies of a packet mirrored at both ends within this many µs; 0 turns it off')
      .default(DEFAULT_DEDUP_WINDOW_US).argParser(nonNegativeInt('--dedup-window')))
    .option('--vni-space <vni=space>', 'put a VNI in its own address space (overlapping VPC CIDRs); repeatable', vniSpace, {})
    .addOption(new Option('--vxlan-port <port>', 'UDP port carrying VXLAN').default(DEFAULT_VXLAN_PORT).argParser(port('--vxlan-port')))
    .addOption(new Option('--geneve-port <port>', 'UDP port carrying GENEVE').default(DEFAULT_GENEVE_PORT).argParser(port('--geneve-port')))
    .addOption(new Option('--active-timeout <s>', 'split connections longer than this into several records; 0 = never')
      .default(DEFAULT_TIMEOUTS.active).argParser(nonNegativeInt('--active-timeout')))
    .option('--no-app', 'skip the application layer (HTTP, TLS, DNS, QUIC, MCP): connection records only')
    .addOption(new Option('--stream-window <bytes>', 'TCP reassembly: bytes held per connection direction for the parsers')
      .default(DEFAULT_STREAM_WINDOW).argParser(positiveInt('--stream-window', 1 << 20)))
    .addOption(new Option('--stream-buffers <n>', 'TCP reassembly: buffers per worker (a direction holds one only while bytes wait)')
      .default(DEFAULT_STREAM_BUFFERS).argParser(positiveInt('--stream-buffers', 1 << 20)))
    .option('--json', 'print the summary as JSON on standard output')
    .option('--no-progress', 'no progress bar (it only shows on a terminal anyway)')
    .action(async (file: string, o) => {
      if (!existsSync(file)) {
        process.stderr.write(`mirrorsense: no such capture file: ${file}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const summary = await analyze({
          file,
          events: o.events,
          alerts: o.alerts,
          learnFor: o.learn,
          learnUntil: o.learnUntil,
          stateDir: o.state,
          workers: o.workers,
          progress: o.progress && process.stderr.isTTY === true,
          core: {
            maxFlows: o.maxFlows,
            dedupWindowUs: o.dedupWindow,
            vniSpaces: o.vniSpace,
            vxlanPort: o.vxlanPort,
            genevePort: o.genevePort,
            timeouts: { active: o.activeTimeout },
            appLayer: o.app,
            streamWindow: o.streamWindow,
            streamBuffers: o.streamBuffers,
          },
        });
        if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
        else process.stderr.write(formatSummary(summary) + '\n');
        if (summary.error) process.exitCode = 1;
      } catch (e) {
        if (e instanceof CaptureError) {
          process.stderr.write(`mirrorsense: ${file}: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw e;
      }
    });

  return cmd;
}

await program().parseAsync(process.argv);
