import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface PortOwner {
  readonly pid: number;
  readonly command: string;
}

/** True when nothing listens on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.once('listening', () => server.close(() => resolve(true)));
    server.listen(port, '127.0.0.1');
  });
}

/** Parses `ss -ltnpH` output for the listener on a port: users:(("java",pid=6126,fd=95)). */
export function parseSsOwner(ssOutput: string, port: number): PortOwner | undefined {
  for (const line of ssOutput.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (!local || !local.endsWith(`:${port}`)) continue;
    const match = /\(\("([^"]+)",pid=(\d+)/.exec(line);
    if (match) return { pid: Number(match[2]), command: match[1] };
  }
  return undefined;
}

/** Which process listens on a port, when the system lets us see it (root, or our own process). */
export function portOwner(port: number): PortOwner | undefined {
  const ss = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  if (ss.status === 0) return parseSsOwner(ss.stdout, port);
  return undefined;
}

export function describePortOwner(port: number): string {
  const owner = portOwner(port);
  return owner ? `port ${port} in use by pid ${owner.pid} (${owner.command})` : `port ${port} in use`;
}

/** The process's command line, or undefined once it has exited. */
export function processCommandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}
