import { testNhsNumber } from '@crosscare/events/synthetic';
import { filterCriteriaStrings, parseFilterCriteria, type SubscriptionFilter } from './filter-criteria';
import { type TopicDefinition, topicByCode } from './topics';

const topic = (code: string) => topicByCode(code) as TopicDefinition;
const encounterStarted = topic('encounter-started');
const resultsAvailable = topic('results-available');
const nhsNumber = testNhsNumber(7);
const patient = `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`;

function refusal(definition: TopicDefinition, criteria: string[]) {
  const parsed = parseFilterCriteria(definition, criteria);
  if (parsed.ok) throw new Error(`expected a refusal of ${criteria.join(' ; ')}`);
  return parsed.issues;
}

describe('parseFilterCriteria', () => {
  it("given the IG's example form with several parameters, reads each", () => {
    const parsed = parseFilterCriteria(encounterStarted, [
      `Encounter?patient=${patient}&event-kind=inpatient,Emergency&ics=qhl&collaborative=CCR`,
    ]);
    expect(parsed).toEqual({
      ok: true,
      filter: {
        patient: nhsNumber,
        eventKinds: ['inpatient', 'emergency'],
        ics: 'QHL',
        collaborative: 'CCR',
      },
    });
  });

  it('given the bare and the dotted forms, and a bare NHS number, reads them alike', () => {
    expect(
      parseFilterCriteria(encounterStarted, [`patient=${nhsNumber}`, 'Encounter.registered-with=m01358']),
    ).toEqual({
      ok: true,
      filter: { patient: nhsNumber, registeredWith: 'M01358' },
    });
  });

  it('given patient:identifier and a percent-encoded value, reads the NHS number', () => {
    const encoded = `DiagnosticReport?patient:identifier=${encodeURIComponent(patient)}`;
    expect(parseFilterCriteria(resultsAvailable, [encoded])).toEqual({
      ok: true,
      filter: { patient: nhsNumber },
    });
  });

  it('given registered-with as an ODS organisation token, reads the code', () => {
    const criteria = ['registered-with=https://fhir.nhs.uk/Id/ods-organization-code|M01358'];
    expect(parseFilterCriteria(resultsAvailable, criteria)).toEqual({
      ok: true,
      filter: { registeredWith: 'M01358' },
    });
  });

  it('given neither patient nor registered-with, refuses: a subscription must name its patients', () => {
    expect(refusal(encounterStarted, ['Encounter?ics=QHL'])).toEqual([
      expect.objectContaining({ code: 'required', expression: 'Subscription.criteria' }),
    ]);
    expect(refusal(encounterStarted, [])).toHaveLength(1);
  });

  it('given an NHS number failing its check digit, says so, and does not also ask for a patient', () => {
    const bad = `${nhsNumber.slice(0, 9)}${(Number(nhsNumber[9]) + 1) % 10}`;
    expect(refusal(encounterStarted, [`Encounter?patient=${bad}`])).toEqual([
      {
        severity: 'error',
        code: 'value',
        expression: 'Subscription.criteria.extension[0].value',
        diagnostics: 'patient: the NHS number fails its modulus-11 check digit',
      },
    ]);
  });

  it.each([
    ['a reference', 'Patient/123', 'by NHS number'],
    ['another identifier system', 'https://example.org/mrn|123', 'system must be'],
    ['nine digits', '999000001', '10 digits'],
    ['two patients', `${nhsNumber},${testNhsNumber(8)}`, 'one value'],
  ])('given a patient as %s, refuses it', (_label, value, diagnostic) => {
    const [found] = refusal(encounterStarted, [`patient=${value}`]);
    expect(found?.diagnostics).toContain(diagnostic);
  });

  it('given a registered-with that is not a GP practice code, refuses it', () => {
    const [found] = refusal(encounterStarted, ['registered-with=RGH']);
    expect(found).toMatchObject({ code: 'value' });
    expect(found?.diagnostics).toContain('GP_PRACTICE');
  });

  it('given an unknown ICS, collaborative or event kind, names the values it may be', () => {
    const issues = refusal(encounterStarted, [
      `patient=${nhsNumber}&ics=QXX&collaborative=NHS&event-kind=inpatient,ward`,
    ]);
    expect(issues.map((found) => found.diagnostics)).toEqual([
      expect.stringContaining('QHL, QWU, QGH, QOC, QUA, QNC'),
      expect.stringContaining('CCR, OHC'),
      expect.stringContaining('"ward"'),
    ]);
  });

  it("given a parameter the topic does not define, refuses it as not supported and lists the topic's", () => {
    const [found] = refusal(resultsAvailable, [`patient=${nhsNumber}`, 'event-kind=inpatient']);
    expect(found).toMatchObject({
      code: 'not-supported',
      expression: 'Subscription.criteria.extension[1].value',
    });
    expect(found?.diagnostics).toBe(
      'topic results-available cannot be filtered by "event-kind" (it can by patient, registered-with, collaborative, ics)',
    );
  });

  it("given a resource type that is not the topic's, refuses it", () => {
    const [found] = refusal(encounterStarted, [`Observation?patient=${nhsNumber}`]);
    expect(found).toMatchObject({ code: 'not-supported' });
    expect(found?.diagnostics).toContain('not Observation');
  });

  it('given a parameter twice, in one criterion or two, refuses the repeat', () => {
    const [found] = refusal(encounterStarted, [`patient=${nhsNumber}`, `Encounter?patient=${nhsNumber}`]);
    expect(found).toMatchObject({ code: 'invalid', expression: 'Subscription.criteria.extension[1].value' });
    expect(found?.diagnostics).toContain('more than once');
  });

  it.each([
    ['an empty string', ' ', 'empty'],
    ['no value', 'patient', 'not name=value'],
    ['a lower-case resource type', 'encounter?patient=1', 'not a resource type'],
    ['bad percent-encoding', 'patient=%E0%A4%A', 'percent-encoded'],
  ])('given %s, refuses it as invalid', (_label, criterion, diagnostic) => {
    const [found] = refusal(encounterStarted, [criterion]);
    expect(found).toMatchObject({ code: 'invalid' });
    expect(found?.diagnostics).toContain(diagnostic);
  });

  it('given an unsupported modifier, refuses it', () => {
    const [found] = refusal(encounterStarted, [`patient:missing=${nhsNumber}`]);
    expect(found).toMatchObject({
      code: 'not-supported',
      diagnostics: 'modifier :missing is not supported on patient',
    });
  });

  it('given the expressions of the criteria in their Subscription, reports issues there', () => {
    const parsed = parseFilterCriteria(
      encounterStarted,
      ['ics=QXX'],
      ['Subscription.criteria.extension[3].value'],
    );
    expect(parsed.ok ? [] : parsed.issues.map((found) => found.expression)).toEqual([
      'Subscription.criteria.extension[3].value',
      'Subscription.criteria',
    ]);
  });
});

describe('filterCriteriaStrings', () => {
  const full: SubscriptionFilter = {
    patient: nhsNumber,
    registeredWith: 'M01358',
    collaborative: 'OHC',
    ics: 'QUA',
    eventKinds: ['day-case', 'emergency'],
  };

  it("writes one criterion per parameter in the IG's example form", () => {
    expect(filterCriteriaStrings(encounterStarted, full)).toEqual([
      `Encounter?patient=${patient}`,
      'Encounter?registered-with=M01358',
      'Encounter?collaborative=OHC',
      'Encounter?ics=QUA',
      'Encounter?event-kind=day-case,emergency',
    ]);
  });

  const practiceInIcs: SubscriptionFilter = { registeredWith: 'M01358', ics: 'QHL' };
  const onePatient: SubscriptionFilter = { patient: nhsNumber };

  it.each([
    ['encounter-started', full],
    ['results-available', practiceInIcs],
    ['patient-record-changed', onePatient],
  ])('round trip on %s: parsing what it writes gives the filter back', (code, filter) => {
    const definition = topic(code);
    expect(parseFilterCriteria(definition, filterCriteriaStrings(definition, filter))).toEqual({
      ok: true,
      filter,
    });
  });
});
