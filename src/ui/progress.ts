/**
 * A one-line progress display on stderr for work that takes more than a moment. Silent when stderr
 * is not a terminal, so CI logs and pipes only get the result.
 */
export interface ProgressLine {
  update(text: () => string): void;
  done(): void;
}

export function progressLine(delayMs = 400, stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - started < delayMs || now - last < 100) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[2K${text()}`);
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
    },
  };
}
