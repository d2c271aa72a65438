/** The input formats a provider may send record changes in; each has its own adapter library. */
export const INPUT_FORMATS = ['fhir', 'hl7v2', 'social-care'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];
