import { snomed } from '../catalogue/code-systems';
import { ageAt } from '../patients/patient-plan';
import { DAY, HOUR, workingTimeBetween } from '../timeline/clock';
import { message, type Message } from '../timeline/message';
import { inTimeOrder, type Story } from './story';

/** Operations an acute trust does for adults of the region, with why and where. */
const OPERATIONS = [
  [snomed('45595009', 'Laparoscopic cholecystectomy'), snomed('235919008', 'Gallstones'), null],
  [
    snomed('415089008', 'Phacoemulsification of cataract'),
    snomed('193570009', 'Cataract'),
    snomed('81745001', 'Eye'),
  ],
  [
    snomed('52734007', 'Total hip replacement'),
    snomed('239872002', 'Osteoarthritis of hip'),
    snomed('24136001', 'Hip joint'),
  ],
  [snomed('73761001', 'Colonoscopy'), null, null],
] as const;

/** A GP practice's minor procedures. */
const MINOR_PROCEDURES = [
  snomed('91602002', 'Injection of steroid into joint'),
  snomed('65801008', 'Excision of lesion of skin'),
  snomed('169553002', 'Insertion of subcutaneous contraceptive'),
] as const;

/**
 * Procedures: some adults have an operation at the local acute trust, and some a minor procedure at their GP
 * practice. Nearly all are done as planned; a few operations are recorded as not done (the patient was unfit).
 */
export function* procedures({ plan, rng, ids, until }: Story): Generator<Message> {
  if (ageAt(plan, plan.registeredAt) < 18) return;
  const messages: Message[] = [];
  const hospital = plan.hospital;
  const operationAt =
    hospital !== undefined && rng.chance(0.06)
      ? workingTimeBetween(rng, plan.registeredAt + DAY, until)
      : undefined;
  if (hospital !== undefined && operationAt !== undefined) {
    const [code, reason, bodySite] = rng.pick(OPERATIONS);
    const done = rng.chance(0.95);
    messages.push(
      message(
        operationAt + 3 * HOUR,
        hospital,
        ids.next('Procedure').change('ProcedureRecorded', {
          code,
          status: done ? 'COMPLETED' : 'NOT_DONE',
          performedAt: done ? operationAt : null,
          performedEndAt: done ? operationAt + rng.between(1, 3) * HOUR : null,
          bodySite,
          reason,
          outcome: null,
          performerOdsCode: null,
        }),
      ),
    );
  }
  const minorAt = rng.chance(0.05) ? workingTimeBetween(rng, plan.registeredAt + DAY, until) : undefined;
  if (minorAt !== undefined) {
    messages.push(
      message(
        minorAt,
        plan.gp,
        ids.next('Procedure').change('ProcedureRecorded', {
          code: rng.pick(MINOR_PROCEDURES),
          status: 'COMPLETED',
          performedAt: minorAt,
          performedEndAt: null,
          bodySite: null,
          reason: null,
          outcome: null,
          performerOdsCode: null,
        }),
      ),
    );
  }
  yield* inTimeOrder(messages);
}
