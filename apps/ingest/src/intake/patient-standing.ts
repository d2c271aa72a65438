import type { PublishableDraft } from '@crosscare/governance';

/**
 * Standing: whether a provider may publish a high-impact change for a patient. A death (PatientDied) or a merge
 * (PatientMerged) changes what every reader sees of a patient, whoever else recorded them: a death notice ends the
 * record, a merge moves every provider's items of the retired number to the survivor. The publishing policy says
 * which provider types may publish them at all; standing says for which patients: only those the provider holds
 * records for. Without it any acute trust could declare any NHS number dead.
 *
 * A provider holds records for a patient when the ledger has a record version it published for that NHS number, or
 * when the same submission carries a record of its own for that patient (a Patient with deceasedDateTime is the
 * registration and the death together; a transaction, an HL7 message, an extract are published whole or not at all).
 * Pure: the caller asks the ledger which numbers the provider holds, and publishes the carried records with the
 * change they support.
 */

/** A unit of a submission, as standing sees it: its drafts. */
export interface StandingUnit {
  readonly drafts: readonly PublishableDraft[];
}

/**
 * The NHS numbers the provider must hold records for to publish this draft; empty when the draft is not high-impact.
 *
 * - PatientDied: the patient who died (the header's NHS number).
 * - PatientMerged: the retired number, not the header's. The header names the survivor (schemas/events/
 *   PatientMerged.avsc; both mappings build it so), but what a merge takes away is the retired number's record,
 *   moved wholesale to the survivor: only a provider that recorded care under the retired number may say it is
 *   retired (the FHIR mapping's draft is the provider's own retired Patient record; HL7 A40's MRG names the PAS's
 *   retired registration). The survivor is not required: gaining records is what every record change does to a
 *   patient, and a provider that traced a temporary or superseded number often learnt the surviving number only then.
 *
 * A RecordRemoved of a death or a merge is not high-impact: it withdraws the provider's own record.
 */
export function patientsToHold(draft: PublishableDraft): readonly string[] {
  switch (draft.type) {
    case 'PatientDied':
      return [draft.source.nhsNumber];
    case 'PatientMerged':
      return [draft.body.retiredNhsNumber];
    default:
      return [];
  }
}

export function isHighImpact(draft: PublishableDraft): boolean {
  return draft.type === 'PatientDied' || draft.type === 'PatientMerged';
}

/**
 * The patients the drafts carry a record of: every draft that is neither high-impact (a death cannot vouch for itself,
 * nor a merge for a death) nor a removal (which records nothing; a genuine one was shared before, so the ledger
 * already holds its patient). A practice's type 1 objection is a record of its patient like any other: once
 * published, the ledger holds it too.
 */
export function patientsCarried(drafts: Iterable<PublishableDraft>): Set<string> {
  const carried = new Set<string>();
  for (const draft of drafts)
    if (!isHighImpact(draft) && draft.type !== 'RecordRemoved') carried.add(draft.source.nhsNumber);
  return carried;
}

/** Every NHS number some unit's high-impact drafts need: what to ask the ledger about (none: ask nothing). */
export function patientsNeeded(units: readonly StandingUnit[]): string[] {
  return [...new Set(units.flatMap((unit) => unit.drafts.flatMap(patientsToHold)))];
}

/**
 * Why each unit may not be published for want of standing, or null when it may. `excluded[u]` marks units already
 * refused for another reason: their records are not published, so they vouch for nothing. `held` is the numbers the
 * ledger shows the provider holds. A unit refused here stops vouching too, so the rule runs until nothing changes (a
 * batch entry leaning on another entry that was itself refused is refused in turn).
 */
export function standingRefusals(
  providerOdsCode: string,
  units: readonly StandingUnit[],
  excluded: readonly boolean[],
  held: ReadonlySet<string>,
): (string | null)[] {
  const refusals: (string | null)[] = units.map(() => null);
  const standing = (u: number) => !excluded[u] && refusals[u] === null;
  for (let changed = true; changed;) {
    changed = false;
    const carried = patientsCarried(units.filter((_, u) => standing(u)).flatMap((unit) => unit.drafts));
    units.forEach((unit, u) => {
      if (!standing(u)) return;
      for (const draft of unit.drafts)
        for (const nhsNumber of patientsToHold(draft)) {
          if (held.has(nhsNumber) || carried.has(nhsNumber) || refusals[u] !== null) continue;
          refusals[u] = refusal(providerOdsCode, draft, nhsNumber);
          changed = true;
        }
    });
  }
  return refusals;
}

function refusal(providerOdsCode: string, draft: PublishableDraft, nhsNumber: string): string {
  const what =
    draft.type === 'PatientMerged'
      ? `may not retire NHS number ${nhsNumber} in a merge`
      : `may not record the death of the patient with NHS number ${nhsNumber}`;
  return (
    `${providerOdsCode} ${what}: it holds no records for that patient. Share the patient's details or a record ` +
    'of their care first, or in the same request'
  );
}
