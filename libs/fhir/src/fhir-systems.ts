/** Identifier systems and code systems Crosscare reads from UK Core resources, each named once. */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_ORGANISATION_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const ODS_SITE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-site-code';
export const EPS_PRESCRIPTION_ID_SYSTEM = 'https://fhir.nhs.uk/Id/prescription-order-number';
export const UBRN_SYSTEM = 'https://fhir.nhs.uk/Id/UBRN';

export const SNOMED_CT = 'http://snomed.info/sct';
export const DM_AND_D = 'https://dmd.nhs.uk';
export const ICD_10 = 'http://hl7.org/fhir/sid/icd-10';
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';

export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const V3_OBSERVATION_INTERPRETATION =
  'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
export const EPS_DISPENSE_TYPE = 'https://fhir.nhs.uk/CodeSystem/medicationdispense-type';
export const UK_CORE_DISCHARGE_DESTINATION = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestination';
export const UK_CORE_REPEAT_INFORMATION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-MedicationRepeatInformation';
export const UK_CORE_PROBLEM_SIGNIFICANCE =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ProblemSignificance';

/** Crosscare's own code system for encounter classes FHIR's v3 ActCode cannot say (primary care, community). */
export const CROSSCARE_ENCOUNTER_CLASS = 'https://fhir.crosscare.nhs.uk/CodeSystem/encounter-class';

/** SNOMED CT 736366004 |Advance care plan|: a CarePlan in this category carries end of life preferences. */
export const ADVANCE_CARE_PLAN_CATEGORY = '736366004';

/** FHIR R4's Consent scopes: a patient-privacy Consent says who may see the patient's record. */
export const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
export const CONSENT_SCOPE_PATIENT_PRIVACY = 'patient-privacy';
/** A research Consent: Crosscare takes one only as a type 1 objection to secondary use (resources/type-1-objection). */
export const CONSENT_SCOPE_RESEARCH = 'research';
/** LOINC 59284-0 |Patient Consent|: the generic category of a Consent, beside any SNOMED CT concept the GP coded. */
export const PATIENT_CONSENT_CATEGORY = '59284-0';

/** NHS England's Patient Flag category system and the code it gives the national reasonable adjustment flag. */
export const ENGLAND_FLAG_CATEGORY = 'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient';
export const REASONABLE_ADJUSTMENT_FLAG_CATEGORY = 'national-reasonable-adjustment-flag';
/** NHS England's extension for free-text notes on a flag. */
export const FLAG_NOTES_EXTENSION = 'https://fhir.nhs.uk/England/StructureDefinition/Extension-FlagNotes';
/** HL7 v2 table 0074, diagnostic service section: FHIR R4's DiagnosticReport category (LAB, RAD, HM, CT...). */
export const V2_DIAGNOSTIC_SERVICE_SECTION = 'http://terminology.hl7.org/CodeSystem/v2-0074';
