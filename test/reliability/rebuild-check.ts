import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Client } from 'pg';
import type { PrivateStack } from './private-stack';

export interface RebuildVerdict {
  readonly collaborative: 'CCR' | 'OHC';
  readonly previousSchema?: string;
  readonly rebuiltSchema?: string;
  /** Changelog records the rebuild's switch published: each is a patient the live read model had wrong. */
  readonly republished?: number;
  /** Rows in one schema and not the other, per table (both directions summed): 0 is equal, row for row. */
  readonly differingRows: Record<string, number>;
  readonly error?: string;
  /** Why the rebuild was not run. */
  readonly skipped?: string;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const REBUILD_TIMEOUT_MS = 150_000;

/**
 * Columns compared: every column the projection writes. `event` (json, no equality operator; kept empty once items
 * are Avro) is left out; `item` is the event's bytes. The patient's sequence is compared too, but the rebuild
 * carries the live sequence over for an unchanged patient, so only `republished` shows a sequence the live one
 * got wrong.
 */
const TABLES: Record<string, string> = {
  record_item:
    'provider_ods_code, source_record_id, part, nhs_number, kind, ics, collaborative, source_record_version, ' +
    'event_id, event_type, occurred_at, recorded_at, removed, item',
  patient: 'nhs_number, merged_into, item_count, sequence',
  patient_merge: 'retired_nhs_number, surviving_nhs_number, provider_ods_code, ics, event_id, occurred_at',
};

/**
 * `npm run projector:rebuild`'s own code, run as the operator runs it (its CLI, the projector's variables): a
 * from-scratch replay of every topic into a fresh schema, then the switch. The serving read model before the switch
 * must equal the rebuilt one, row for row, and the switch must have had nothing to republish.
 */
export async function checkRebuild(
  stack: PrivateStack,
  collaborative: 'CCR' | 'OHC',
): Promise<RebuildVerdict> {
  const env = await stack.projectorEnvironment(collaborative);
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['apps/projector/src/cli/rebuild-cli.ts', '--collaborative', collaborative],
      { cwd: REPO_ROOT, env: { ...process.env, ...env } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The rebuild has no deadline of its own: a replay that cannot finish would hold the run for ever.
    const timer = setTimeout(() => {
      stderr += `\n(stopped by the harness after ${REBUILD_TIMEOUT_MS / 1000} s)`;
      child.kill('SIGTERM');
    }, REBUILD_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  const served = / now served by (\S+) \(previous: (\S+), kept for a rollback\)/.exec(run.stdout);
  const republished = /(\d+) changelog record\(s\) republished/.exec(run.stdout);
  if (run.code !== 0 || !served) {
    return {
      collaborative,
      differingRows: {},
      error: `projector:rebuild exited ${run.code}: ${`${run.stdout}\n${run.stderr}`.trim().slice(-800)}`,
    };
  }
  const [, rebuiltSchema, previousSchema] = served;
  const db = new Client({ connectionString: stack.adminDatabaseUrl() });
  await db.connect();
  const differingRows: Record<string, number> = {};
  try {
    for (const [table, columns] of Object.entries(TABLES)) {
      const a = `select ${columns} from "${previousSchema}".${table}`;
      const b = `select ${columns} from "${rebuiltSchema}".${table}`;
      const result = await db.query<{ n: string }>(
        `select count(*) as n from ((${a} except all ${b}) union all (${b} except all ${a})) d`,
      );
      differingRows[table] = Number(result.rows[0].n);
    }
  } finally {
    await db.end();
  }
  return {
    collaborative,
    previousSchema,
    rebuiltSchema,
    republished: republished ? Number(republished[1]) : undefined,
    differingRows,
  };
}
