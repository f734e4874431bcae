// A progress bar on standard error for long runs (cli-progress), only on a terminal.

import cliProgress from 'cli-progress';

export class Progress {
  private readonly bar: cliProgress.SingleBar;
  private stopped = false;

  constructor(totalBytes: number) {
    this.bar = new cliProgress.SingleBar({
      stream: process.stderr,
      format: ' {bar} {percentage}% | {mb}/{totalMb} MB | {frames} frames | eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(Math.max(totalBytes, 1), 0, { mb: '0', totalMb: (totalBytes / 1e6).toFixed(0), frames: 0 });
  }

  update(bytes: number, frames: number): void {
    this.bar.update(bytes, { mb: (bytes / 1e6).toFixed(0), frames });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bar.stop();
  }
}
