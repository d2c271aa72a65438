import type { CodedValue } from '@crosscare/events';
import type { Provider } from '@crosscare/governance';
import { snomed } from '../catalogue/code-systems';
import { epochDay } from './clock';
import type { EventBody } from './message';
import type { SourceRecord } from './source-record';

const DISCHARGE_SUMMARY = snomed('373942005', 'Discharge summary');
const CLINIC_LETTER = snomed('371531000', 'Report of clinical encounter');

/**
 * A hospital's discharge summary of a stay, sent inline as a short text: what a trust's document store sends when the
 * summary is small (a real one is a PDF of tens of kilobytes; the region keeps its events light).
 */
export function dischargeSummary(
  hospital: Provider,
  stay: SourceRecord,
  admittedAt: number,
  dischargedAt: number,
  diagnosis: CodedValue,
): EventBody<'DocumentRecorded'> {
  const text = `Synthetic discharge summary. Admitted with ${diagnosis.display ?? diagnosis.code}.`;
  const data = Buffer.from(text, 'utf8');
  return {
    ...documentOf(hospital, DISCHARGE_SUMMARY, dischargedAt, stay.id),
    period: { start: epochDay(admittedAt), end: epochDay(dischargedAt) },
    description: `Discharge summary: ${diagnosis.display ?? diagnosis.code}`,
    contentType: 'text/plain',
    title: 'Discharge summary',
    data,
    size: data.length,
  };
}

/** An outpatient clinic's letter to the GP, kept in the trust's document store and shared by URL. */
export function clinicLetter(
  clinic: Provider,
  appointment: SourceRecord,
  writtenAt: number,
  letter: SourceRecord,
): EventBody<'DocumentRecorded'> {
  return {
    ...documentOf(clinic, CLINIC_LETTER, writtenAt, appointment.id),
    period: null,
    description: 'Outpatient clinic letter',
    contentType: 'application/pdf',
    title: 'Clinic letter',
    // A reserved domain: synthetic documents point nowhere real.
    url: `https://documents.${clinic.odsCode.toLowerCase()}.example.org/${letter.id}.pdf`,
    size: 40_000 + (writtenAt % 20_000),
  };
}

function documentOf(provider: Provider, type: CodedValue, at: number, encounterSourceRecordId: string) {
  return {
    status: 'CURRENT' as const,
    docStatus: 'FINAL' as const,
    type,
    category: null,
    documentDate: at,
    authorOdsCode: provider.odsCode,
    authorName: null,
    custodianOdsCode: provider.odsCode,
    encounterSourceRecordId,
    url: null,
    data: null,
    replacesSourceRecordId: null,
  };
}
