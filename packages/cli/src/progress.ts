/**
 * A progress bar on stderr when it is a terminal (cli-progress); nothing otherwise. cli-progress
 * is required only then, so piped and scripted runs never load it.
 */
import { createRequire } from 'node:module';

/** A started bar with `update(done, total)` and `stop()`, or undefined when stderr is not a TTY. */
export function progressBar():
  | { update: (done: number, total: number) => void; stop: () => void }
  | undefined {
  if (!process.stderr.isTTY) return undefined;
  const { Presets, SingleBar } = createRequire(import.meta.url)(
    'cli-progress',
  ) as typeof import('cli-progress');
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: 'kldiv logits [{bar}] {percentage}% | {value}/{total} tokens | ETA {eta}s',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
