/** The ADT trigger events Crosscare maps; any other is answered AE with HL7 error 200. */
export const SUPPORTED_ADT_TRIGGER_EVENTS = [
  'A01', // admit / visit notification
  'A02', // transfer a patient
  'A03', // discharge / end visit
  'A04', // register a patient (outpatient, emergency department)
  'A08', // update patient information
  'A11', // cancel admit / visit notification
  'A13', // cancel discharge / end visit
  'A28', // add person information
  'A31', // update person information
  'A40', // merge patient - patient identifier list
] as const;

export type AdtTriggerEvent = (typeof SUPPORTED_ADT_TRIGGER_EVENTS)[number];

export function isSupportedAdtTriggerEvent(value: string): value is AdtTriggerEvent {
  return (SUPPORTED_ADT_TRIGGER_EVENTS as readonly string[]).includes(value);
}
