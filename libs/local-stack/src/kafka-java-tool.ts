import { spawn } from 'node:child_process';

export interface JavaToolRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs a single-file Java program against the fetched Kafka jars (what kafkajs cannot do: SCRAM users, the metadata
 * quorum), with `stdin` as its input: secrets go there, never on a command line another user could read.
 */
export function runKafkaJavaTool(
  java: string,
  kafkaLibs: string,
  tool: string,
  stdin: string,
): Promise<JavaToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, ['-cp', `${kafkaLibs}/*`, '-Dlog4j2.level=warn', tool], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(stdin);
  });
}
