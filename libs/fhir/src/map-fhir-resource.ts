import {
  type CareSetting,
  type CodedValue,
  type InputIssue,
  mapped,
  type MappingResult,
  rejected,
} from '@crosscare/events';
import type { PublishableDraft } from '@crosscare/governance';
import { isResourceType } from '@medplum/core';
import type { Medication, Resource } from '@medplum/fhirtypes';
import type { MappingContext } from './mapping/mapping-context';
import { type EarlierMedications, type MedicationIndex, medicationProduct } from './mapping/medication';
import type { EarlierPatients, PatientIndex } from './mapping/patient-identity';
import type { ResultIndex } from './mapping/report-results';
import { type FhirResourceType, FHIR_RESOURCE_TYPES, isSupportedResourceType } from './resource-types';
import { mapAllergyIntolerance } from './resources/allergy-intolerance';
import { mapCarePlan } from './resources/care-plan';
import { mapCondition } from './resources/condition';
import { mapConsent } from './resources/consent';
import { mapDocumentReference } from './resources/document-reference';
import { mapDiagnosticReport } from './resources/diagnostic-report';
import { mapEncounter } from './resources/encounter';
import { mapFlag } from './resources/flag';
import { mapImmunization } from './resources/immunization';
import { mapMedicationDispense } from './resources/medication-dispense';
import { mapMedicationRequest } from './resources/medication-request';
import { mapMedicationStatement } from './resources/medication-statement';
import { mapObservation } from './resources/observation';
import { mapPatient } from './resources/patient';
import { mapProcedure } from './resources/procedure';
import { mapServiceRequest } from './resources/service-request';
import { IssueLog } from './validation/issue-log';
import {
  ensureR4DefinitionsLoaded,
  validateStructure,
  withoutEmptyElements,
} from './validation/structural-validation';

export interface FhirMappingOptions {
  /** POST is a create, PUT an update; for a Patient it decides PatientRegistered or PatientDetailsChanged. */
  readonly operation: 'create' | 'update';
  /** The authenticated sender: the pharmacy of a MedicationDispense that names none. */
  readonly providerOdsCode: string;
  /**
   * The sender's sector, when the app knows it (a hospice, a GP practice). It is every encounter's care setting and
   * wins over what the encounter class suggests: a hospice's inpatient stay is HOSPICE, not ACUTE.
   */
  readonly careSetting?: CareSetting;
  /** Patient entries of the same transaction Bundle, for references like `urn:uuid:…` (see planBundle). */
  readonly patientsInBundle?: PatientIndex;
  /** Patient resources the provider sent before, for literal `Patient/{id}` references (see patientRecordsReferenced). */
  readonly earlierPatients?: EarlierPatients;
  /** Medication resources the provider sent before, for `medicationReference` to `Medication/{id}`. */
  readonly earlierMedications?: EarlierMedications;
  /** Medication entries of the same Bundle (see planBundle), for `medicationReference` by fullUrl or `Medication/{id}`. */
  readonly medicationsInBundle?: MedicationIndex;
  /** The version Crosscare assigned, used when the resource declares none (see declaredVersion). */
  readonly assignedVersion?: number;
  /** When the resource was received (epoch ms): its time when it gives none. */
  readonly receivedAt?: number;
  /** Observation entries of the same transaction Bundle that a DiagnosticReport entry reports (see planBundle). */
  readonly resultsInBundle?: ResultIndex;
}

type Mapper<T extends FhirResourceType> = (
  resource: Extract<Resource, { resourceType: T }>,
  context: MappingContext,
) => PublishableDraft[];

const MAPPERS: { readonly [T in FhirResourceType]: Mapper<T> } = {
  Patient: mapPatient,
  Encounter: mapEncounter,
  Condition: mapCondition,
  AllergyIntolerance: mapAllergyIntolerance,
  MedicationRequest: mapMedicationRequest,
  MedicationStatement: mapMedicationStatement,
  MedicationDispense: mapMedicationDispense,
  Observation: mapObservation,
  Immunization: mapImmunization,
  CarePlan: mapCarePlan,
  ServiceRequest: mapServiceRequest,
  Consent: mapConsent,
  Flag: mapFlag,
  DocumentReference: mapDocumentReference,
  DiagnosticReport: mapDiagnosticReport,
  Procedure: mapProcedure,
};

/**
 * One FHIR R4 resource → the drafts it means (record changes; for a type 1 objection, an opt-out), or every problem
 * found. Structure is checked first
 * against the base R4 definitions; once the structure holds, every UK Core and Crosscare rule is checked and all
 * failures are reported together.
 */
export function mapFhirResource(
  resource: unknown,
  options: FhirMappingOptions,
): MappingResult<PublishableDraft[]> {
  return mapResourceAt(resource, options, null);
}

/** As mapFhirResource, with issues located under `at` (e.g. `Bundle.entry[3].resource`) when given. */
export function mapResourceAt(
  resource: unknown,
  options: FhirMappingOptions,
  at: string | null,
): MappingResult<PublishableDraft[]> {
  const typeProblem = resourceTypeProblem(resource, at);
  if (typeProblem !== null) return rejected(typeProblem);
  const typed = withoutEmptyElements(resource as Resource & { resourceType: FhirResourceType });
  const location = at ?? typed.resourceType;
  const structural = validateStructure(typed, location);
  if (structural.length > 0) return rejected(...structural);

  const issues = new IssueLog();
  const context: MappingContext = {
    at: location,
    operation: options.operation === 'create' ? 'CREATE' : 'UPDATE',
    providerOdsCode: options.providerOdsCode,
    careSetting: options.careSetting,
    patients: options.patientsInBundle,
    earlierPatients: options.earlierPatients,
    earlierMedications: options.earlierMedications,
    medicationsInBundle: options.medicationsInBundle,
    assignedVersion: options.assignedVersion,
    receivedAt: options.receivedAt,
    results: options.resultsInBundle,
    issues,
  };
  const mapper = MAPPERS[typed.resourceType] as Mapper<FhirResourceType>;
  const drafts = mapper(typed, context);
  return issues.isEmpty ? mapped(drafts) : rejected(...issues.issues);
}

function resourceTypeProblem(resource: unknown, at: string | null): InputIssue | null {
  const location = at ?? 'Resource';
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    return {
      code: 'structure',
      location,
      message: 'expected a FHIR resource: a JSON object with a resourceType',
    };
  }
  const { resourceType } = resource as { resourceType?: unknown };
  if (typeof resourceType !== 'string') {
    return { code: 'structure', location: `${location}.resourceType`, message: 'resourceType is missing' };
  }
  if (isSupportedResourceType(resourceType)) return null;
  ensureR4DefinitionsLoaded();
  const supported = FHIR_RESOURCE_TYPES.join(', ');
  return isResourceType(resourceType)
    ? {
        code: 'not-supported',
        location: `${at ?? resourceType}.resourceType`,
        message: `Crosscare does not take ${resourceType} resources; it takes ${supported}`,
      }
    : {
        code: 'structure',
        location: `${location}.resourceType`,
        message: `'${resourceType}' is not a FHIR R4 resource type`,
      };
}

/**
 * A Medication resource → its product code, the reference data ingest keeps for later `medicationReference`s; or
 * every problem found, located under `at` (a Bundle entry's resource) when given. Structure is checked as for any
 * resource.
 */
export function mapMedicationProduct(resource: unknown, at: string | null = null): MappingResult<CodedValue> {
  const typeProblem = resourceTypeProblem(resource, at);
  if (typeProblem !== null && typeProblem.code !== 'not-supported') return rejected(typeProblem);
  const location = at ?? 'Medication';
  if ((resource as Medication).resourceType !== 'Medication') {
    return rejected({ code: 'structure', location, message: 'expected a Medication resource' });
  }
  // As for any resource: "", [] and {} are absent, as the R4 validator reads them, not values to read a code from.
  const medication = withoutEmptyElements(resource as Medication);
  const structural = validateStructure(medication, location);
  if (structural.length > 0) return rejected(...structural);
  const issues = new IssueLog();
  const code = medicationProduct(medication, location, issues);
  return code !== null && issues.isEmpty ? mapped(code) : rejected(...issues.issues);
}
