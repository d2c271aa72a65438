export interface ProgressBarOptions {
  /** Where output goes; default stdout. */
  readonly write?: (text: string) => void;
  /** Redraw one line in place; default: whether stdout is a terminal. */
  readonly isTty?: boolean;
  /** Milliseconds since any fixed instant; default Date.now. */
  readonly now?: () => number;
  /** Characters in the bar; default 30. */
  readonly width?: number;
}

export interface ProgressBar {
  /** `done` items so far (not an increment); `detail` is shown after the numbers. */
  update(done: number, detail?: string): void;
  /** Ends the bar with one line: how many, how long, how fast, and `summary`. */
  done(summary?: string): void;
}

/** A terminal redraws fast, but more than ten times a second only costs time and flickers. */
const TTY_REDRAW_MS = 100;
/** A CI log gets a line every tenth of the work, or this often when the work is slow. */
const LOG_EVERY_MS = 5_000;

/**
 * Progress of a long job with a known size. On a terminal, one line redrawn in place (bar, percent, done/total,
 * rate, ETA); in a log, which cannot redraw, a plain line every 10% or 5 seconds.
 */
export function progressBar(label: string, total: number, options: ProgressBarOptions = {}): ProgressBar {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const isTty = options.isTty ?? process.stdout.isTTY === true;
  const now = options.now ?? Date.now;
  const width = options.width ?? 30;
  const started = now();
  let latest = 0;
  let lastDrawn = -Infinity;
  let lastStep = -1;

  const measure = (done: number) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? formatDuration(Math.max(0, total - done) / rate) : '--:--';
    return { fraction, seconds, rate, eta };
  };

  return {
    update(done, detail) {
      latest = done;
      const at = now();
      const { fraction, rate, eta } = measure(done);
      const percent = Math.floor(fraction * 100);
      const figures = `${percent}% ${count(done)}/${count(total)} ${count(Math.round(rate))}/s ETA ${eta}`;
      const tail = detail === undefined ? '' : ` ${detail}`;
      if (isTty) {
        if (at - lastDrawn < TTY_REDRAW_MS && done < total) return;
        const filled = Math.round(fraction * width);
        write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${figures}${tail}\x1b[K`);
      } else {
        const step = Math.floor(percent / 10);
        if (step <= lastStep && at - lastDrawn < LOG_EVERY_MS) return;
        lastStep = Math.max(lastStep, step);
        write(`${label}: ${figures}${tail}\n`);
      }
      lastDrawn = at;
    },
    done(summary) {
      const { seconds, rate } = measure(latest);
      const line = `${label}: ${count(latest)} in ${seconds.toFixed(1)}s (${count(Math.round(rate))}/s)`;
      write(`${isTty ? '\r\x1b[K' : ''}${line}${summary === undefined ? '' : `, ${summary}`}\n`);
    },
  };
}

/** 1234567 → 1,234,567, the same on every machine whatever its locale. */
function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 75 → 1:15, 3725 → 1:02:05. */
function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds);
  const s = String(whole % 60).padStart(2, '0');
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}:${s}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${s}`;
}
