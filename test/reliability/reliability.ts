/**
 * npm run reliability [-- --short | --ci] [-- --rate 50] [-- --scenarios a,b]   (docs/reliability.md)
 *
 * Starts a private Crosscare stack (three KRaft brokers, replication 3, min.insync.replicas 2, a Postgres server of
 * its own, and every service as its built app, on free ports), drives a steady bounded load through ingest's HTTP
 * (FHIR, social care) and MLLP routes, injects each scenario's fault several times at random moments, and after
 * each scenario, once the projectors' lag is zero, asks an oracle that reads the topics and read models itself
 * whether every acknowledged event is on its ICS topic exactly once and each changelog holds every patient's record
 * from sequence 1 with no gap. Writes bench/results/reliability.json; exits 1 when the oracle found a loss, a
 * duplicate, an unacknowledged event or a changelog fault.
 */
import { changelogTopic, recordAccessAuditTopic, recordChangeTopic } from '@crosscare/events';
import { ICS_CODES } from '@crosscare/governance';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LoadGenerator, issueSenders, sleep, type SentRequest } from './load';
import {
  checkAudit,
  checkChangelog,
  checkIcsTopics,
  type AuditVerdict,
  type ChangelogVerdict,
  type IcsVerdict,
  type OracleAccess,
} from './oracle';
import { writeResultsFile } from '../bench/results-file';
import { PrivateStack } from './private-stack';
import { RecordReader } from './reads';
import { checkRebuild, type RebuildVerdict } from './rebuild-check';
import { CI_SCENARIOS, randomSeconds, SCENARIOS, SHORT_SCENARIOS, type Scenario } from './scenarios';
import { waitForZeroLag } from './lag';
import { parseDuration, printSoakTrends, soak, type SoakSample } from './soak';
import { soakTrends } from './soak-trend';

const RESULTS_FILE = path.join(__dirname, '..', '..', 'bench', 'results', 'reliability.json');
const SOAK_RESULTS_FILE = path.join(__dirname, '..', '..', 'bench', 'results', 'reliability-soak.json');
const CI_RESULTS_FILE = path.join(__dirname, '..', '..', 'bench', 'results', 'reliability-ci.json');

/** How a scenario's load is laid out around its faults. */
interface Pace {
  /** Load before the first fault. */
  readonly warmUpMs: number;
  /** Each fault lands after a random wait in [min, max) seconds. */
  readonly gapSeconds: readonly [number, number];
  /** Load after the last fault is healed. */
  readonly tailMs: number;
  /** Rebuild check after every scenario, or only after the last (--ci: it is the dearest part of the oracle). */
  readonly rebuild: 'every' | 'last';
}

const FULL_PACE: Pace = { warmUpMs: 10_000, gapSeconds: [2, 10], tailMs: 10_000, rebuild: 'every' };
/** --ci: a run of about four minutes on a two-core machine, the private stack's start and the oracle included. */
const CI_PACE: Pace = { warmUpMs: 5_000, gapSeconds: [1, 4], tailMs: 5_000, rebuild: 'last' };

interface ScenarioResult {
  readonly scenario: string;
  readonly description: string;
  readonly injections: number;
  readonly requests: number;
  readonly acknowledged: number;
  readonly refused: number;
  readonly givenUp: number;
  /** Refused requests by route and final answer (`mllp AR`: 12): whether a fault made ingest refuse for good. */
  readonly refusedAnswers: Record<string, number>;
  /** Attempts that were answered but not finally (sent again), by route and answer (`fhir 503`: 40). */
  readonly retriedAnswers: Record<string, number>;
  readonly eventsAcknowledged: number;
  /** Of this scenario's acknowledged events, how many the oracle found on the ICS topics (once or more). */
  readonly published: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly seconds503: number;
  readonly secondsNoAnswer: number;
  readonly secondsToZeroLag: number;
  readonly lagZero: 'reached' | 'quiescent' | 'timed-out';
  /** Partitions whose reported lag stayed above 0 (topic[partition]=lag) when the projectors had gone quiet. */
  readonly lagStuck: string[];
  readonly p99MsDuring: number;
  readonly p99MsAfter: number;
  readonly ics: Omit<IcsVerdict, 'lost' | 'duplicated' | 'unacknowledged'> & {
    lost: string[];
    duplicated: string[];
    unacknowledged: string[];
  };
  readonly changelogs: ChangelogVerdict[];
  readonly rebuilds: RebuildVerdict[];
  readonly audit: AuditVerdict;
  readonly findings: string[];
  /** The first duplicated events with the request that was acknowledged for them: its route and every attempt. */
  readonly duplicatesExplained: Array<{
    eventId: string;
    route?: string;
    attempts?: SentRequest['attempts'];
    copies: unknown[];
  }>;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      ci: { type: 'boolean', default: false },
      rate: { type: 'string' },
      scenarios: { type: 'string' },
      keep: { type: 'boolean', default: false },
      soak: { type: 'string' },
    },
  });
  const startedAt = Date.now();
  const rate = Number(values.rate ?? (values.ci ? '10' : '50'));
  const pace = values.ci ? CI_PACE : FULL_PACE;
  const once = values.short || values.ci;
  const chosen =
    values.scenarios?.split(',') ??
    (values.ci ? CI_SCENARIOS : values.short ? SHORT_SCENARIOS : SCENARIOS.map((s) => s.name));
  const soakMs = values.soak ? parseDuration(values.soak) : 0;
  const soakSamples: SoakSample[] = [];
  // --soak: one long fault-free scenario, sampling every process's memory and event-loop delay, then the same oracle.
  const soakScenario: Scenario | undefined = values.soak
    ? {
        name: 'soak',
        description: `no fault: the load for ${values.soak}, each process's RSS and event-loop delay sampled every 10 s`,
        times: 1,
        async inject(stack) {
          soakSamples.push(...(await soak(stack, soakMs, log)));
        },
      }
    : undefined;
  const scenarios = soakScenario
    ? [soakScenario]
    : chosen.map((name) => {
        const found = SCENARIOS.find((s) => s.name === name);
        if (!found) throw new Error(`no scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
        return once ? { ...found, times: 1 } : found;
      });
  const resultsFile = soakScenario ? SOAK_RESULTS_FILE : values.ci ? CI_RESULTS_FILE : RESULTS_FILE;
  const runId = `rel${Date.now().toString(36)}`;
  log(
    `reliability ${runId}: ${scenarios.map((s) => `${s.name}×${s.times}`).join(', ')}; load ${rate} requests/s`,
  );

  const stack = await PrivateStack.start(runId);
  const results: ScenarioResult[] = [];
  try {
    const access: OracleAccess = {
      kafka: stack.adminKafkaEnvironment(),
      registry: stack.registryAdmin(),
      databaseUrl: stack.adminDatabaseUrl(),
    };
    const senders = await issueSenders(stack.adminDatabaseUrl());
    const acknowledgedSoFar = new Set<string>();
    log(`private stack up after ${elapsed(startedAt)} s`);
    for (const [i, scenario] of scenarios.entries()) {
      const rebuild = pace.rebuild === 'every' || i === scenarios.length - 1;
      results.push(
        await runScenario(stack, scenario, senders, rate, runId, access, acknowledgedSoFar, pace, rebuild),
      );
      await writeResults(resultsFile, rate, results, soakSamples);
    }
  } finally {
    if (values.keep) log(`--keep: the private stack stays up under ${stack.paths.home}`);
    else
      // A run with a finding keeps the logs it would otherwise delete: the finding names times and ids to look for.
      await stack.close(
        results.some((r) => r.findings.length > 0)
          ? path.join(os.tmpdir(), `crosscare-reliability-logs-${runId}`)
          : undefined,
      );
  }
  printSummary(results);
  if (soakSamples.length > 0) printSoakTrends(soakSamples);
  const failed = results.some((r) => r.findings.length > 0);
  log(failed ? 'reliability: the oracle found faults (above)' : 'reliability: no fault found');
  log(`reliability: ${elapsed(startedAt)} s in all`);
  return failed ? 1 : 0;
}

async function runScenario(
  stack: PrivateStack,
  scenario: Scenario,
  senders: Awaited<ReturnType<typeof issueSenders>>,
  rate: number,
  runId: string,
  access: OracleAccess,
  acknowledgedSoFar: Set<string>,
  pace: Pace,
  rebuild: boolean,
): Promise<ScenarioResult> {
  const scenarioStart = Date.now();
  log(`\n▸ scenario ${scenario.name}: ${scenario.description}, ${scenario.times} time(s)`);
  const load = new LoadGenerator(
    () => stack.stack.ingestUrl,
    () => stack.stack.ingestMllpPort,
    senders,
    rate,
    `${runId}-${scenario.name}`,
  );
  const reader = await RecordReader.create(
    stack.paths,
    senders.gps[0].odsCode,
    () => stack.stack.recordApiUrl,
  );
  load.start();
  reader.start();
  const windows: Array<[number, number]> = [];
  const faultFindings: string[] = [];
  await sleep(pace.warmUpMs);
  for (let round = 0; round < scenario.times; round++) {
    await randomSeconds(...pace.gapSeconds);
    const from = Date.now();
    faultFindings.push(...((await scenario.inject(stack, round, log)) ?? []));
    windows.push([from, Date.now()]);
  }
  await sleep(pace.tailMs);
  log('  load stopping; waiting for requests in flight');
  await Promise.all([load.stop(), reader.stop()]);
  const stoppedAt = Date.now();
  const { state: lag, stuck } = await waitForZeroLag(stack);
  const secondsToZeroLag = (Date.now() - stoppedAt) / 1000;
  log(
    `  projectors' lag ${lag} after ${secondsToZeroLag.toFixed(1)} s` +
      (stuck.length > 0 ? `; above 0: ${stuck.join(', ')}` : ''),
  );

  const oracleStart = Date.now();
  const mine = new Set(load.requests.flatMap((r) => (r.outcome === 'acknowledged' ? r.eventIds : [])));
  for (const id of mine) acknowledgedSoFar.add(id);
  const ics = await checkIcsTopics(
    access,
    ICS_CODES.map((code) => recordChangeTopic(code)),
    acknowledgedSoFar,
  );
  const changelogs: ChangelogVerdict[] = [];
  for (const collaborative of ['CCR', 'OHC'])
    changelogs.push(
      await checkChangelog(
        access,
        collaborative,
        changelogTopic(collaborative),
        `projector_${collaborative.toLowerCase()}`,
      ),
    );

  const audit = await checkAudit(access, recordAccessAuditTopic(), reader.reads);
  log(
    `  record API: ${audit.reads} reads, ${audit.served} served (${audit.servedWithoutAudit} without an audit event, ` +
      `${audit.servedAuditedMoreThanOnce} with more than one), otherwise ${JSON.stringify(audit.answeredOtherwise)}`,
  );
  log(`  oracle read the topics and read models in ${elapsed(oracleStart)} s`);
  const rebuildStart = Date.now();
  const rebuilds: RebuildVerdict[] = [];
  for (const collaborative of rebuild ? (['CCR', 'OHC'] as const) : []) {
    log(`  rebuilding the ${collaborative} read model from scratch to compare`);
    rebuilds.push(await checkRebuild(stack, collaborative));
  }
  if (rebuild) log(`  rebuild checks took ${elapsed(rebuildStart)} s`);

  const lost = ics.lost.filter((id) => mine.has(id));
  const duplicated = ics.duplicated.filter((id) => mine.has(id));
  const findings = [
    ...faultFindings,
    ...ics.lost.map((id) => `acknowledged event ${id} is not on its ICS topic`),
    ...ics.duplicated.map((id) => `event ${id} is on its ICS topic more than once`),
    ...ics.unacknowledged.map((id) => `event ${id} is on an ICS topic but no acknowledgement named it`),
    ...(ics.headerMismatches
      ? [`${ics.headerMismatches} ICS message(s) whose header event id is not the event's`]
      : []),
    ...changelogs.flatMap((c) => [
      ...c.notFromOne.map((n) => `${c.collaborative} changelog: patient ${n}'s first head is not sequence 1`),
      ...c.gaps.map(
        (g) => `${c.collaborative} changelog: patient ${g.nhsNumber} head ${g.got} after ${g.after}`,
      ),
      ...c.recordMismatches.map((m) => `${c.collaborative} changelog: patient ${m.nhsNumber}: ${m.why}`),
    ]),
    ...(audit.servedWithoutAudit
      ? [`${audit.servedWithoutAudit} served read(s) without an audit event`]
      : []),
    ...(audit.servedAuditedMoreThanOnce
      ? [`${audit.servedAuditedMoreThanOnce} served read(s) with more than one audit event`]
      : []),
    ...(audit.otherwiseAuditedMoreThanOnce
      ? [`${audit.otherwiseAuditedMoreThanOnce} refused read(s) with more than one audit event`]
      : []),
    ...rebuilds.flatMap((r) => [
      ...(r.error ? [`${r.collaborative} rebuild failed: ${r.error}`] : []),
      ...(r.republished
        ? [`${r.collaborative} rebuild republished ${r.republished} changelog record(s)`]
        : []),
      ...Object.entries(r.differingRows)
        .filter(([, n]) => n > 0)
        .map(([table, n]) => `${r.collaborative} read model differs from its rebuild: ${n} ${table} row(s)`),
    ]),
    ...(lag === 'timed-out' ? ['the projectors did not reach zero lag within 5 minutes'] : []),
    // Fully projected partitions show 0 (their markers skipped): lag that stops moving above 0 is a stall.
    ...(lag === 'quiescent' ? [`the projectors' lag stopped moving above 0: ${stuck.join(', ')}`] : []),
  ];
  const [during, after] = latencies(load.requests, windows);
  const result: ScenarioResult = {
    scenario: scenario.name,
    description: scenario.description,
    injections: windows.length,
    requests: load.requests.length,
    acknowledged: load.requests.filter((r) => r.outcome === 'acknowledged').length,
    refused: load.requests.filter((r) => r.outcome === 'refused').length,
    givenUp: load.requests.filter((r) => r.outcome === 'given-up').length,
    refusedAnswers: refusedAnswers(load.requests),
    retriedAnswers: retriedAnswers(load.requests),
    eventsAcknowledged: mine.size,
    published: mine.size - lost.length,
    lost: lost.length,
    duplicated: duplicated.length,
    seconds503: secondsWith(load.requests, '503'),
    secondsNoAnswer: secondsWith(load.requests, 'no-answer'),
    secondsToZeroLag,
    lagZero: lag,
    lagStuck: stuck,
    p99MsDuring: percentile(during, 99),
    p99MsAfter: percentile(after, 99),
    ics,
    changelogs,
    audit,
    rebuilds,
    findings,
    // This scenario's own duplicates, each beside the request acknowledged for it.
    duplicatesExplained: ics.duplicates
      .filter((d) => mine.has(d.eventId))
      .slice(0, 20)
      .map((d) => {
        const request = load.requests.find((r) => r.eventIds.includes(d.eventId));
        return { eventId: d.eventId, route: request?.route, attempts: request?.attempts, copies: d.copies };
      }),
  };
  log(
    `  ${result.acknowledged}/${result.requests} requests acknowledged (${result.eventsAcknowledged} events), ` +
      `${result.refused} refused ${JSON.stringify(result.refusedAnswers)}, ${result.givenUp} given up; ` +
      `attempts sent again after ${JSON.stringify(result.retriedAnswers)}; lost ${result.lost}, duplicated ${result.duplicated}; ` +
      `503 answers in ${result.seconds503} s, no answer in ${result.secondsNoAnswer} s; ` +
      `p99 ${result.p99MsDuring} ms during, ${result.p99MsAfter} ms after`,
  );
  log(`  scenario ${scenario.name} took ${elapsed(scenarioStart)} s`);
  for (const finding of findings.slice(0, 20)) log(`  FINDING ${finding}`);
  if (findings.length > 20)
    log(`  … and ${findings.length - 20} more findings (bench/results/reliability.json)`);
  return result;
}

function refusedAnswers(requests: readonly SentRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    if (r.outcome !== 'refused') continue;
    const key = `${r.route} ${r.attempts.at(-1)?.answer}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function retriedAnswers(requests: readonly SentRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests)
    for (const a of r.attempts.slice(0, -1)) {
      const key = `${r.route} ${a.answer}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  return counts;
}

/** Seconds of wall-clock time in which at least one attempt got this answer. */
function secondsWith(requests: readonly SentRequest[], answer: string): number {
  const seconds = new Set<number>();
  for (const r of requests)
    for (const a of r.attempts) if (a.answer === answer) seconds.add(Math.floor(a.at / 1000));
  return seconds.size;
}

/**
 * A request's latency as its sender lives it: first attempt to final answer, retries included. "During" are the
 * requests first sent inside a fault window (injection to healed) or the 10 s after one; "after" the rest.
 */
function latencies(
  requests: readonly SentRequest[],
  windows: ReadonlyArray<[number, number]>,
): [number[], number[]] {
  const during: number[] = [];
  const after: number[] = [];
  for (const r of requests) {
    if (r.attempts.length === 0 || r.outcome !== 'acknowledged') continue;
    const first = r.attempts[0];
    const last = r.attempts[r.attempts.length - 1];
    const ms = last.at + last.ms - first.at;
    const inWindow = windows.some(([from, to]) => first.at >= from && first.at <= to + 10_000);
    (inWindow ? during : after).push(ms);
  }
  return [during, after];
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return -1;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Through the results record every benchmark writes (commit, dirty, start and end, machine), Prettier-formatted. */
async function writeResults(
  file: string,
  rate: number,
  results: readonly ScenarioResult[],
  soakSamples: readonly SoakSample[],
): Promise<void> {
  const trimmed = results.map((r) => ({
    ...r,
    // Ids kept to the first 50 of each: the file stays readable; the counts are whole.
    ics: {
      ...r.ics,
      lostCount: r.ics.lost.length,
      duplicatedCount: r.ics.duplicated.length,
      unacknowledgedCount: r.ics.unacknowledged.length,
      lost: r.ics.lost.slice(0, 50),
      duplicated: r.ics.duplicated.slice(0, 50),
      unacknowledged: r.ics.unacknowledged.slice(0, 50),
      // The scenario's own duplicates are in duplicatesExplained, beside their requests.
      duplicates: undefined,
    },
    findings: r.findings.slice(0, 100),
    findingsCount: r.findings.length,
  }));
  const run = {
    rateRequestsPerSecond: rate,
    scenarios: trimmed,
    ...(soakSamples.length > 0 ? { soakTrends: soakTrends(soakSamples), soakSamples } : {}),
  };
  await writeResultsFile('reliability', run, { file });
}

function printSummary(results: readonly ScenarioResult[]): void {
  console.table(
    results.map((r) => ({
      scenario: r.scenario,
      acked: r.eventsAcknowledged,
      published: r.published,
      lost: r.lost,
      dup: r.duplicated,
      's 503': r.seconds503,
      's no answer': r.secondsNoAnswer,
      's to lag 0': Number(r.secondsToZeroLag.toFixed(1)),
      'p99 during': r.p99MsDuring,
      'p99 after': r.p99MsAfter,
      findings: r.findings.length,
    })),
  );
}

function elapsed(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
