/** Progress bars on stderr: live on a terminal, a line every few seconds in logs and CI. */
import cliProgress from 'cli-progress';

export interface Bar {
  update(done: number, total?: number): void;
  stop(): void;
}

export function progressBar(label: string): Bar {
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(9)} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    update(done, total) {
      const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
      if (!running) {
        bar.start(total ?? done, done, { rate });
        running = true;
      }
      if (total !== undefined) bar.setTotal(Math.max(total, done));
      else if (done > bar.getTotal()) bar.setTotal(done);
      bar.update(done, { rate });
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
