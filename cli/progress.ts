/**
 * A one-line spinner on stderr while a rotation runs, only when stderr is a terminal: piped output
 * and logs stay clean. Each `update` advances the spinner (called once per poll).
 */
import type { CliIo } from './io';

export interface Progress {
  update(text: string): void;
  done(): void;
}

const FRAMES = ['|', '/', '-', '\\'];
const CLEAR_LINE = '\r\x1b[2K';

export function createProgress(io: CliIo): Progress {
  if (io.isTTY !== true) return { update: () => undefined, done: () => undefined };
  let frame = 0;
  let shown = false;
  return {
    update: (text) => {
      io.stderr.write(`${CLEAR_LINE}${FRAMES[frame % FRAMES.length] ?? '-'} ${text}`);
      frame++;
      shown = true;
    },
    done: () => {
      if (shown) io.stderr.write(CLEAR_LINE);
      shown = false;
    },
  };
}
