import * as path from 'node:path';
import {
  checkJava,
  runKafkaJavaTool,
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
export async function describeQuorum(
  java: string,
  kafkaLibs: string,
  admin: LocalKafkaAccess,
): Promise<QuorumView> {
  const run = await runKafkaJavaTool(
    java,
    kafkaLibs,
    TOOL,
    `${admin.bootstrap.join(',')} ${admin.caFile} ${admin.username} ${admin.password}\n`,
  ).catch((e: Error) => {
    throw new Error(`java could not be run for QuorumLeader: ${e.message}`);
  });
  const view = run.code === 0 ? parseQuorumView(run.out) : undefined;
  if (view) return view;
  throw new Error(
    `DescribeQuorum gave no leader (exit ${run.code}): ${`${run.out}\n${run.err}`.trim().slice(-400)}`,
  );
}

/** The private cluster's active controller, asked of its brokers as the cluster's admin. */
export async function activeController(stack: PrivateStack): Promise<QuorumView> {
  const { libs } = await ensureKafkaDistribution(stack.paths, silentProgress);
  return describeQuorum(checkJava(), libs, stack.stack.kafka.admin);
}
