import type { ProcedureRecorded, ProcedureStatus } from '@crosscare/events';
import { newestFirst } from './order';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import { codeOf, codeOrNull, isoInstantOrNull, type Code } from './readable';

/** One procedure (an operation, an intervention), as a clinician reads it. */
export interface ProcedureEntry {
  readonly code: Code;
  readonly status: ProcedureStatus;
  /** ISO instant it was done or began; null when not done (yet). */
  readonly performedAt: string | null;
  readonly performedEndAt: string | null;
  readonly bodySite: Code | null;
  readonly reason: Code | null;
  readonly outcome: Code | null;
  readonly performerOdsCode: string | null;
  readonly provenance: Provenance;
}

/** Every procedure, newest first by when it was done (those without a time last), not-done ones included. */
export function proceduresOf(
  procedures: readonly ProcedureRecorded[],
  names: ProviderNames | undefined,
): ProcedureEntry[] {
  return newestFirst(procedures, (procedure) => procedure.performedAt).map((procedure) =>
    procedureEntryOf(procedure, names),
  );
}

export function procedureEntryOf(
  procedure: ProcedureRecorded,
  names: ProviderNames | undefined,
): ProcedureEntry {
  return {
    code: codeOf(procedure.code),
    status: procedure.status,
    performedAt: isoInstantOrNull(procedure.performedAt),
    performedEndAt: isoInstantOrNull(procedure.performedEndAt),
    bodySite: codeOrNull(procedure.bodySite),
    reason: codeOrNull(procedure.reason),
    outcome: codeOrNull(procedure.outcome),
    performerOdsCode: procedure.performerOdsCode,
    provenance: provenanceOf(procedure, names),
  };
}
