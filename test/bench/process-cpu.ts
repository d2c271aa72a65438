import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on nearly every Linux, asked once. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, all threads) a process has used so far, in milliseconds, from /proc/<pid>/stat; undefined
 * when the process is not on this machine (a remote broker) or /proc is not there.
 */
export function cpuMillis(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** CPU milliseconds several processes used together; undefined unless every one of them could be read. */
export function totalCpuMillis(pids: readonly number[]): number | undefined {
  if (pids.length === 0) return undefined;
  let total = 0;
  for (const pid of pids) {
    const ms = cpuMillis(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}
