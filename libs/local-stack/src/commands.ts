import { spawn, spawnSync } from 'node:child_process';
import { StackError } from './stack-error';

/** Whether an executable is on PATH. */
export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command to completion, its output to `onOutput`; rejects with the tail of the output on failure. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; onOutput?: (chunk: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let output = '';
    const collect = (data: Buffer) => {
      const text = data.toString();
      output += text;
      if (output.length > 200_000) output = output.slice(-100_000);
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => reject(new StackError(`${command} could not be run: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else {
        const tail = output.trim().split('\n').slice(-25).join('\n');
        reject(new StackError(`${command} ${args.join(' ')} exited with ${code}:\n${tail}`));
      }
    });
  });
}
