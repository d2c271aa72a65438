/**
 * Identifier systems, code systems and extensions Crosscare defines for what it shares and UK Core has no element
 * for. They sit under the same base as the forward mapper's (`https://fhir.crosscare.nhs.uk/`: its encounter class
 * code system and end of life extensions), so a reader meets one namespace for everything Crosscare owns.
 */
const CROSSCARE_FHIR = 'https://fhir.crosscare.nhs.uk';
const STRUCTURE_DEFINITIONS = `${CROSSCARE_FHIR}/StructureDefinition`;
const CODE_SYSTEMS = `${CROSSCARE_FHIR}/CodeSystem`;

/**
 * A provider's own id of a record is unique only within that provider, so each provider gets its own identifier
 * system: `…/Id/source-record/M85001` with value `Condition/abc`.
 */
export const sourceRecordSystem = (providerOdsCode: string): string =>
  `${CROSSCARE_FHIR}/Id/source-record/${providerOdsCode}`;

/** ONS (GSS) codes of local authorities, e.g. E08000025; NHS England defines no FHIR identifier system for them. */
export const ONS_LOCAL_AUTHORITY_SYSTEM = `${CROSSCARE_FHIR}/Id/ons-local-authority-code`;

/** The sector of care of an encounter (the CareSetting symbols), carried as an Encounter.type coding. */
export const CROSSCARE_CARE_SETTING = `${CODE_SYSTEMS}/care-setting`;
/** The kind of social care involvement (the SocialCareInvolvementType symbols). */
export const CROSSCARE_SOCIAL_CARE_INVOLVEMENT = `${CODE_SYSTEMS}/social-care-involvement-type`;
/** Which part of the council's record an involvement comes from (the SocialCareRecordKind symbols). */
export const CROSSCARE_SOCIAL_CARE_RECORD_KIND = `${CODE_SYSTEMS}/social-care-record-kind`;

export const CROSSCARE_EXTENSIONS = {
  /**
   * On a Provenance: the record change event that put the item in the shared record. Sub-extensions eventId
   * (valueString), eventType (valueCode), ics (valueCode) and collaborative (valueCode, once per collaborative whose
   * read model carried the event).
   */
  recordChangeOrigin: `${STRUCTURE_DEFINITIONS}/Extension-RecordChangeOrigin`,
  /** On a Patient, valueCodeableConcept (SNOMED CT): the kind of place the patient died. */
  placeOfDeath: `${STRUCTURE_DEFINITIONS}/Extension-PlaceOfDeath`,
  /** On an EpisodeOfCare, valueString: the service or package of care as the council describes it. */
  socialCareService: `${STRUCTURE_DEFINITIONS}/Extension-SocialCareService`,
  /**
   * On an OperationOutcome issue: a section of the record the answer lists only part of. Sub-extensions shown and
   * total (valueInteger), and search (valueUri: the FHIR search of the section's whole history).
   */
  shortenedSection: `${STRUCTURE_DEFINITIONS}/Extension-ShortenedSection`,
} as const;
