/** Peak resident memory of a child process, polled from /proc (VmHWM is its high-water mark). */
import { readFileSync } from "node:fs";

export interface PeakRss {
  /** Stops polling and returns the peak in KiB. */
  stop(): number;
}

export function pollPeakRss(pid: number | undefined, everyMs = 20): PeakRss {
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // exited between polls
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peakKb;
    },
  };
}
