import { CrosscareError } from '@crosscare/errors';
import { IngestError } from '../ingest-error';
import type { CurrentVersion } from '../storage/shared-record-ledger';

/**
 * What a version-aware write rests on: the version of the record current when it was decided. The intake checks it
 * again under a lock on the record in the transaction that claims the new version; if another write got in between,
 * an If-Match write fails (412) and a write whose version Crosscare assigned is decided again (VersionRaced).
 */
export interface VersionExpectation {
  readonly sourceRecordId: string;
  /** Null: the record had never been shared. */
  readonly currentVersion: number | null;
  /** The sender's If-Match, as sent: a mismatch is its 412, not a reason to decide again. */
  readonly ifMatch?: string;
}

/** A write's version: the one Crosscare assigns (undefined: the resource declares its own), and what it rests on. */
export interface VersionDecision {
  readonly assignedVersion?: number;
  readonly expects?: VersionExpectation;
}

/** Thrown inside the claiming transaction when a write's assigned version was overtaken; the intake decides again. */
export class VersionRaced extends CrosscareError {
  constructor(readonly sourceRecordId: string) {
    // Retriable: deciding the version again is all it takes (the intake does so itself).
    super(`${sourceRecordId} changed while its next version was being decided`, { retriable: true });
    this.name = 'VersionRaced';
  }
}

/** An HTTP entity tag as FHIR sends it, `W/"3"` (or strong, `"3"`): the version it names, or null for another tag. */
export function parseETag(value: string, location: string): number | null {
  const match = /^(?:W\/)?"([^"]*)"$/.exec(value.trim());
  if (!match) {
    throw new IngestError(400, [
      {
        location,
        code: 'structure',
        message: `${location} '${value}' is not an entity tag: send the ETag Crosscare answered with, e.g. W/"3"`,
      },
    ]);
  }
  return /^\d{1,15}$/.test(match[1]) ? Number(match[1]) : null;
}

export function preconditionFailed(location: string, message: string): IngestError {
  return new IngestError(412, [{ location, code: 'conflict', message }]);
}

/** The 412 of an If-Match that names another version than the current one, or null when it matches. */
export function ifMatchFailure(
  sourceRecordId: string,
  ifMatch: string,
  current: number | null,
  location: string,
): IngestError | null {
  const wanted = parseETag(ifMatch, location);
  if (wanted !== null && wanted === current) return null;
  return preconditionFailed(
    location,
    current === null
      ? `If-Match ${ifMatch}: ${sourceRecordId} has no current version (it was never shared), so nothing was changed`
      : `If-Match ${ifMatch} is not the current version of ${sourceRecordId} (W/"${current}"): it changed since ` +
          'you read it; nothing was changed',
  );
}

/**
 * The version of a write, as a FHIR server versions an update: a resource that declares its own version keeps it
 * (Crosscare's rule since the start). One that declares none is the current version again when its content is the
 * current version's (a re-send: idempotent, nothing new published), else the next version. With If-Match, the
 * current version must be the one named, else 412.
 */
export function decideVersion(input: {
  readonly sourceRecordId: string;
  readonly declaredVersion: number | null;
  readonly resourceSha256: Buffer;
  readonly current: CurrentVersion | undefined;
  readonly ifMatch?: string;
  readonly ifMatchLocation: string;
}): VersionDecision {
  const { sourceRecordId, current, ifMatch } = input;
  const currentVersion = current?.version ?? null;
  if (ifMatch !== undefined) {
    const failure = ifMatchFailure(sourceRecordId, ifMatch, currentVersion, input.ifMatchLocation);
    if (failure) throw failure;
  }
  const expects: VersionExpectation = {
    sourceRecordId,
    currentVersion,
    ...(ifMatch !== undefined ? { ifMatch } : {}),
  };
  if (input.declaredVersion !== null) return ifMatch !== undefined ? { expects } : {};
  const same = current?.resourceSha256?.equals(input.resourceSha256) ?? false;
  return { assignedVersion: same ? current!.version : (currentVersion ?? 0) + 1, expects };
}
