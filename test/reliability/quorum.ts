import { spawn } from 'node:child_process';
import * as path from 'node:path';
import {
  checkJava,
  ensureKafkaDistribution,
  silentProgress,
  type LocalKafkaAccess,
} from '@crosscare/local-stack';
import type { PrivateStack } from './private-stack';

export interface QuorumView {
  /** The quorum leader's node id: in KRaft the active controller. */
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly voters: number[];
}

const TOOL = path.join(__dirname, 'tools', 'QuorumLeader.java');

/**
 * The tool's answer: "leader <id> epoch <n>" then "voter <id> <offset>" per voter. A leader id below 0 means the
 * quorum had no leader when asked (an election under way), which is no answer.
 */
export function parseQuorumView(output: string): QuorumView | undefined {
  const leader = /^leader (-?\d+) epoch (\d+)$/m.exec(output);
  if (!leader || Number(leader[1]) < 0) return undefined;
  const voters = [...output.matchAll(/^voter (\d+) /gm)].map((m) => Number(m[1]));
  return { leaderId: Number(leader[1]), leaderEpoch: Number(leader[2]), voters };
}

/**
 * Asks the cluster which node is the active controller, through the DescribeQuorum API (kafkajs lacks it; a
 * MetadataResponse's controller id is, under KRaft, only some broker). The admin's password goes on stdin.
 */
export function describeQuorum(
  java: string,
  kafkaLibs: string,
  admin: LocalKafkaAccess,
): Promise<QuorumView> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, ['-cp', `${kafkaLibs}/*`, '-Dlog4j2.level=warn', TOOL], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`java could not be run for QuorumLeader: ${e.message}`)));
    child.on('close', (code) => {
      const view = code === 0 ? parseQuorumView(out) : undefined;
      if (view) resolve(view);
      else
        reject(
          new Error(`DescribeQuorum gave no leader (exit ${code}): ${`${out}\n${err}`.trim().slice(-400)}`),
        );
    });
    child.stdin.end(`${admin.bootstrap.join(',')} ${admin.caFile} ${admin.username} ${admin.password}\n`);
  });
}

/** The private cluster's active controller, asked of its brokers as the cluster's admin. */
export async function activeController(stack: PrivateStack): Promise<QuorumView> {
  const { libs } = await ensureKafkaDistribution(stack.paths, silentProgress);
  return describeQuorum(checkJava(), libs, stack.stack.kafka.admin);
}
