import type {
  CareSetting,
  EventType,
  RecordChangeDraft,
  RecordChangeEventMap,
  RecordChangeSource,
  RecordOperation,
} from '@crosscare/events';
import type { IssueLog } from '../validation/issue-log';
import type { PatientIndex } from './patient-identity';
import type { ResultIndex } from './report-results';

/** What a resource mapper needs besides the resource: where it sits, who sent it, and where to log problems. */
export interface MappingContext {
  /** FHIRPath of the resource in the request: its type, or `Bundle.entry[i].resource`. */
  readonly at: string;
  readonly operation: Extract<RecordOperation, 'CREATE' | 'UPDATE'>;
  readonly providerOdsCode: string;
  readonly careSetting?: CareSetting;
  readonly patients?: PatientIndex;
  readonly results?: ResultIndex;
  readonly issues: IssueLog;
}

export function draft<T extends EventType>(
  type: T,
  source: RecordChangeSource,
  body: Omit<RecordChangeEventMap[T], 'header'>,
): RecordChangeDraft<T> {
  return { type, source, body };
}
