/**
 * The sections of a shared record that access is granted by: what the roles file names. Coarser than the record's
 * item kinds where a clinician reads them together (prescriptions and dispensings are one medicines section; the
 * registered GP travels with the demographics it is recorded in). A patient's objection to sharing is no section:
 * every reader is shown it, since it explains what they are not shown. Alerts come first: they are what a reader
 * must know before anything else.
 */
export const RECORD_SECTIONS = [
  'alerts',
  'demographics',
  'death',
  'problems',
  'allergies',
  'medications',
  'encounters',
  'observations',
  'immunisations',
  'care-plans',
  'referrals',
  'social-care',
  'end-of-life',
  'documents',
  'results',
  'procedures',
] as const;

export type RecordSection = (typeof RECORD_SECTIONS)[number];
