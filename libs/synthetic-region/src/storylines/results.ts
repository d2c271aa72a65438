import type { DiagnosticResult } from '@crosscare/events';
import { snomed } from '../catalogue/code-systems';
import { MEASUREMENTS, measure, type Measurement } from '../catalogue/measurements';
import { ageAt } from '../patients/patient-plan';
import { DAY, HOUR, minutesAfter, workingTimeAfter, workingTimeBetween } from '../timeline/clock';
import { message, type EventBody, type Message } from '../timeline/message';
import { inTimeOrder, type Story } from './story';

const HBA1C_REPORT = snomed('1022441000000105', 'HbA1c level');
const FULL_BLOOD_COUNT = snomed('26604007', 'Full blood count');
const CHEST_X_RAY = snomed('399208008', 'Plain chest X-ray');
const CHEST_X_RAY_NORMAL = snomed('168731009', 'Chest X-ray normal');

/**
 * Results from the local trust's laboratory and radiology department: a diabetic's HbA1c twice a year, now and then
 * a full blood count (a few corrected after a repeat analysis, a few cancelled when the sample was unusable), and
 * for some adults a chest X-ray report. The trust reports them whoever asked, so the trust is the provider.
 */
export function* results({ plan, rng, ids, until }: Story): Generator<Message> {
  const lab = plan.hospital;
  if (lab === undefined || ageAt(plan, plan.registeredAt) < 18) return;
  const messages: Message[] = [];

  const diabetes = plan.conditions.find((condition) => condition.name === 'type2Diabetes');
  if (diabetes !== undefined) {
    const from = Math.max(plan.registeredAt, diabetes.diagnosedAt);
    for (
      let at = workingTimeAfter(rng, from, 20, 120);
      at < until;
      at = workingTimeAfter(rng, at, 160, 200)
    ) {
      const report = ids.next('DiagnosticReport');
      messages.push(
        message(
          at + 6 * HOUR,
          lab,
          report.change(
            'DiagnosticReportIssued',
            issued(HBA1C_REPORT, at, [result(rng, MEASUREMENTS.hba1c, 58)]),
          ),
        ),
      );
    }
  }

  const bloodsAt = rng.chance(0.25) ? workingTimeBetween(rng, plan.registeredAt + DAY, until) : undefined;
  if (bloodsAt !== undefined) {
    const report = ids.next('DiagnosticReport');
    const body = issued(FULL_BLOOD_COUNT, bloodsAt, [
      result(rng, MEASUREMENTS.haemoglobin),
      result(rng, MEASUREMENTS.platelets),
      result(rng, MEASUREMENTS.whiteCellCount),
    ]);
    messages.push(message(bloodsAt + 3 * HOUR, lab, report.change('DiagnosticReportIssued', body)));
    const laterAt = minutesAfter(rng, bloodsAt + 5 * HOUR, 30, 600);
    if (laterAt < until && rng.chance(0.1)) {
      const [, ...rest] = body.results;
      const corrected: DiagnosticResult = { ...result(rng, MEASUREMENTS.haemoglobin), status: 'CORRECTED' };
      messages.push(
        message(
          laterAt,
          lab,
          report.change('DiagnosticReportIssued', {
            ...body,
            status: 'CORRECTED',
            issuedAt: laterAt,
            results: [corrected, ...rest],
          }),
        ),
      );
    } else if (laterAt < until && rng.chance(0.05)) {
      messages.push(
        message(
          laterAt,
          lab,
          report.change('DiagnosticReportIssued', {
            ...body,
            status: 'CANCELLED',
            issuedAt: laterAt,
            results: [],
          }),
        ),
      );
    }
  }

  const xrayAt = rng.chance(0.08) ? workingTimeBetween(rng, plan.registeredAt + DAY, until) : undefined;
  if (xrayAt !== undefined) {
    const normal = rng.chance(0.8);
    messages.push(
      message(
        xrayAt + 4 * HOUR,
        lab,
        ids.next('DiagnosticReport').change('DiagnosticReportIssued', {
          ...issued(CHEST_X_RAY, xrayAt, []),
          category: 'IMAGING',
          issuedAt: xrayAt + 4 * HOUR,
          conclusion: normal
            ? 'Lungs clear. Heart size normal. No pleural effusion.'
            : 'Patchy consolidation right lower zone, in keeping with infection. Suggest follow-up film in 6 weeks.',
          conclusionCodes: normal ? [CHEST_X_RAY_NORMAL] : [],
        }),
      ),
    );
  }
  yield* inTimeOrder(messages);
}

function issued(
  code: EventBody<'DiagnosticReportIssued'>['code'],
  collectedAt: number,
  reported: DiagnosticResult[],
): EventBody<'DiagnosticReportIssued'> {
  return {
    code,
    category: 'PATHOLOGY',
    status: 'FINAL',
    effectiveAt: collectedAt,
    issuedAt: collectedAt + 3 * HOUR,
    performerOdsCode: null,
    conclusion: null,
    conclusionCodes: [],
    results: reported,
  };
}

function result(rng: Story['rng'], measurement: Measurement, mean?: number): DiagnosticResult {
  const { quantity, interpretation } = measure(rng, measurement, mean);
  const [low, high] = measurement.normal;
  return {
    code: measurement.code,
    status: 'FINAL',
    valueQuantity: quantity,
    valueCoded: null,
    valueString: null,
    referenceRange: `${low}-${high}`,
    interpretation,
  };
}
