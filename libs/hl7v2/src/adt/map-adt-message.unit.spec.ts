import type { AnyRecordChangeDraft, InputIssue, MappingResult } from '@crosscare/events';
import { isValidNhsNumber } from '@crosscare/governance';
import { ADT_FIXTURE_NHS_NUMBERS, CERNER_ADT, withSecurity } from '../fixtures/cerner-adt-messages';
import { mapAdtMessage, type AdtMapping } from './map-adt-message';

const DAY_MS = 86_400_000;
/** A wall-clock time in June/July 2024 (BST, UTC+1) as epoch millis. */
const bst = (month: number, day: number, hour: number, minute: number, second = 0) =>
  Date.UTC(2024, month - 1, day, hour - 1, minute, second);
/** A wall-clock time in winter 2024 (GMT) as epoch millis. */
const gmt = (month: number, day: number, hour: number, minute: number, second = 0) =>
  Date.UTC(2024, month - 1, day, hour, minute, second);
const epochDay = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / DAY_MS;

const ALICE_NHS = ADT_FIXTURE_NHS_NUMBERS.alice;
const ALICE_STAY = 'Encounter/4012345678';
const ALICE_ADMITTED_AT = bst(6, 14, 9, 28);
const SOURCE_OF_ADMISSION_HOME = {
  system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-SourceOfAdmissionEngland',
  code: '19',
  display: null,
};
const GENERAL_MEDICINE = {
  system: 'https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function',
  code: '300',
  display: null,
};
const ALICE_DETAILS = {
  name: { prefix: 'MS', given: ['ALICE', 'MAY'], family: 'SYNTHETIC' },
  birthDate: epochDay(1980, 3, 14),
  gender: 'FEMALE',
  address: {
    lines: ['1 TEST STREET', 'EDGBASTON'],
    city: 'BIRMINGHAM',
    district: 'WEST MIDLANDS',
    postcode: 'B15 2TT',
  },
  telecom: [
    { system: 'PHONE', value: '0121 496 0000' },
    { system: 'MOBILE', value: '07700 900123' },
    { system: 'EMAIL', value: 'alice.synthetic@example.org' },
  ],
  registeredGpPracticeOdsCode: 'M85001',
};

function drafts(result: MappingResult<AdtMapping>): AnyRecordChangeDraft[] {
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.issues)}`);
  return result.value.drafts;
}

function issues(result: MappingResult<AdtMapping>): readonly InputIssue[] {
  if (result.ok) throw new Error('expected issues, got drafts');
  return result.issues;
}

/** The fixture with one segment replaced (or removed, with null). */
function withSegment(message: string, name: string, segment: string | null): string {
  return message
    .split('\r')
    .flatMap((line) => (line.startsWith(`${name}|`) ? (segment === null ? [] : [segment]) : [line]))
    .join('\r');
}

/** The fixture with one field of one segment replaced (field numbers as HL7's, PID-3 = 3). */
function withField(message: string, name: string, field: number, value: string): string {
  return message
    .split('\r')
    .map((line) => {
      if (!line.startsWith(`${name}|`)) return line;
      const fields = line.split('|');
      const index = name === 'MSH' ? field - 1 : field;
      while (fields.length <= index) fields.push('');
      fields[index] = value;
      return fields.join('|');
    })
    .join('\r');
}

describe('mapAdtMessage', () => {
  it('uses fixtures with valid synthetic NHS numbers', () => {
    for (const nhsNumber of Object.values(ADT_FIXTURE_NHS_NUMBERS)) {
      expect(nhsNumber.startsWith('999') && isValidNhsNumber(nhsNumber)).toBe(true);
    }
  });

  describe('trigger events', () => {
    it('given an A01 admission, when mapped, then it starts an inpatient encounter at the ward site', () => {
      const result = mapAdtMessage(CERNER_ADT.A01);

      expect(result.ok && result.value.control).toEqual({
        controlId: 'Q100000101T200000101',
        sendingApplication: 'CERNER',
        sendingFacility: 'RRK',
        messageType: 'ADT',
        triggerEvent: 'A01',
        version: '2.4',
        processingId: 'P',
        sentAt: bst(6, 14, 9, 30, 15),
        security: null,
      });
      expect(drafts(result)).toEqual([
        {
          type: 'EncounterStarted',
          source: {
            nhsNumber: ALICE_NHS,
            sourceRecordId: ALICE_STAY,
            sourceRecordVersion: bst(6, 14, 9, 30, 15), // MSH-7, later than EVN-2
            operation: 'CREATE',
            occurredAt: ALICE_ADMITTED_AT, // EVN-6
          },
          body: {
            encounterClass: 'INPATIENT',
            careSetting: 'ACUTE',
            startedAt: ALICE_ADMITTED_AT,
            admissionSource: SOURCE_OF_ADMISSION_HOME,
            locationOdsCode: 'RRK02',
            specialty: GENERAL_MEDICINE,
            reason: null,
          },
        },
      ]);
    });

    it('given an A04 emergency department registration in winter, when mapped, then it starts an EMERGENCY encounter in GMT', () => {
      expect(drafts(mapAdtMessage(CERNER_ADT.A04))).toEqual([
        {
          type: 'EncounterStarted',
          source: {
            nhsNumber: ADT_FIXTURE_NHS_NUMBERS.ben,
            sourceRecordId: 'Encounter/5098765432',
            sourceRecordVersion: gmt(1, 15, 22, 16, 32),
            operation: 'CREATE',
            occurredAt: gmt(1, 15, 22, 15),
          },
          body: {
            encounterClass: 'EMERGENCY',
            careSetting: 'ACUTE',
            startedAt: gmt(1, 15, 22, 15),
            admissionSource: null,
            locationOdsCode: 'RRK02',
            specialty: {
              system: 'https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function',
              code: '180',
              display: null,
            },
            reason: null,
          },
        },
      ]);
    });

    it('given an A02 transfer, when mapped, then the same encounter record is updated with the new site', () => {
      expect(drafts(mapAdtMessage(CERNER_ADT.A02))).toEqual([
        {
          type: 'EncounterStarted',
          source: {
            nhsNumber: ALICE_NHS,
            sourceRecordId: ALICE_STAY,
            sourceRecordVersion: bst(6, 14, 15, 30, 15),
            operation: 'UPDATE',
            occurredAt: bst(6, 14, 15, 30),
          },
          body: {
            encounterClass: 'INPATIENT',
            careSetting: 'ACUTE',
            startedAt: ALICE_ADMITTED_AT,
            admissionSource: SOURCE_OF_ADMISSION_HOME,
            locationOdsCode: 'RRK05',
            specialty: GENERAL_MEDICINE,
            reason: null,
          },
        },
      ]);
    });

    it('given an A03 discharge with offsets and diagnoses, when mapped, then the encounter ends with the primary diagnosis first', () => {
      expect(drafts(mapAdtMessage(CERNER_ADT.A03))).toEqual([
        {
          type: 'EncounterEnded',
          source: {
            nhsNumber: ALICE_NHS,
            sourceRecordId: ALICE_STAY,
            sourceRecordVersion: bst(6, 18, 11, 5, 12),
            operation: 'UPDATE',
            occurredAt: bst(6, 18, 11, 0),
          },
          body: {
            endedAt: bst(6, 18, 11, 0),
            outcome: 'DISCHARGED',
            dischargeDestination: {
              system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestinationEngland',
              code: '19',
              display: null,
            },
            diagnoses: [
              { system: 'http://hl7.org/fhir/sid/icd-10', code: 'J18.9', display: 'Pneumonia, unspecified' },
              {
                system: 'http://hl7.org/fhir/sid/icd-10',
                code: 'I10X',
                display: 'Essential (primary) hypertension',
              },
            ],
          },
        },
      ]);
    });

    it('given an A03 after a death (PID-29/30), when mapped, then the encounter ends DIED and PatientDied follows', () => {
      const died = bst(6, 20, 14, 15);
      const source = { nhsNumber: ALICE_NHS, sourceRecordVersion: bst(6, 20, 14, 35, 12), occurredAt: died };

      expect(drafts(mapAdtMessage(CERNER_ADT.A03_DIED))).toEqual([
        {
          type: 'EncounterEnded',
          source: { ...source, sourceRecordId: ALICE_STAY, operation: 'UPDATE' },
          body: {
            endedAt: died,
            outcome: 'DIED',
            dischargeDestination: {
              system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestinationEngland',
              code: '79',
              display: null,
            },
            diagnoses: [],
          },
        },
        {
          type: 'PatientDied',
          source: { ...source, sourceRecordId: 'Patient/3012345', operation: 'UPDATE' },
          body: {
            dateOfDeath: epochDay(2024, 6, 20),
            timeOfDeath: died,
            notificationStatus: 'INFORMAL',
            placeOfDeath: null,
          },
        },
      ]);
    });

    it('given an A11 cancel admit, when mapped, then the encounter record is removed as entered in error', () => {
      expect(drafts(mapAdtMessage(CERNER_ADT.A11))).toEqual([
        {
          type: 'RecordRemoved',
          source: {
            nhsNumber: ALICE_NHS,
            sourceRecordId: ALICE_STAY,
            sourceRecordVersion: bst(6, 14, 10, 15, 12),
            operation: 'DELETE',
            occurredAt: bst(6, 14, 10, 15),
          },
          body: {
            removedEventType: 'EncounterStarted',
            removedSourceRecordId: ALICE_STAY,
            reason: 'ENTERED_IN_ERROR',
            replacedBySourceRecordId: null,
          },
        },
      ]);
    });

    it('given an A13 cancel discharge, when mapped, then a later EncounterStarted version re-opens the encounter', () => {
      const [draft] = drafts(mapAdtMessage(CERNER_ADT.A13));
      const [discharge] = drafts(mapAdtMessage(CERNER_ADT.A03));

      expect(draft).toEqual({
        type: 'EncounterStarted',
        source: {
          nhsNumber: ALICE_NHS,
          sourceRecordId: ALICE_STAY,
          sourceRecordVersion: bst(6, 18, 11, 30, 12),
          operation: 'UPDATE',
          occurredAt: bst(6, 18, 11, 30),
        },
        body: {
          encounterClass: 'INPATIENT',
          careSetting: 'ACUTE',
          startedAt: ALICE_ADMITTED_AT,
          admissionSource: SOURCE_OF_ADMISSION_HOME,
          locationOdsCode: 'RRK02',
          specialty: GENERAL_MEDICINE,
          reason: null,
        },
      });
      expect(draft.source.sourceRecordVersion).toBeGreaterThan(discharge.source.sourceRecordVersion);
    });

    it('given an A08 while the patient is on a ward, when mapped, then the details change and the encounter is updated', () => {
      const source = {
        nhsNumber: ALICE_NHS,
        sourceRecordVersion: bst(6, 16, 10, 15, 12),
        occurredAt: bst(6, 16, 10, 15),
      };

      expect(drafts(mapAdtMessage(CERNER_ADT.A08))).toEqual([
        {
          type: 'PatientDetailsChanged',
          source: { ...source, sourceRecordId: 'Patient/3012345', operation: 'UPDATE' },
          body: {
            ...ALICE_DETAILS,
            address: {
              lines: ["FLAT 2, 22 O'NEIL ROAD", 'SHIRLEY'],
              city: 'SOLIHULL',
              district: 'WEST MIDLANDS',
              postcode: 'B90 3DA',
            },
            telecom: [{ system: 'MOBILE', value: '07700 900456' }],
            changedDetails: [],
          },
        },
        {
          type: 'EncounterStarted',
          source: { ...source, sourceRecordId: ALICE_STAY, operation: 'UPDATE' },
          body: {
            encounterClass: 'INPATIENT',
            careSetting: 'ACUTE',
            startedAt: ALICE_ADMITTED_AT,
            admissionSource: SOURCE_OF_ADMISSION_HOME,
            locationOdsCode: 'RRK02',
            specialty: GENERAL_MEDICINE,
            reason: null,
          },
        },
      ]);
    });

    it('given an A08 with a discharged visit, when mapped, then the encounter update is an EncounterEnded', () => {
      const message = withField(CERNER_ADT.A08, 'PV1', 45, '20240618110000');

      expect(drafts(mapAdtMessage(message)).map((draft) => draft.type)).toEqual([
        'PatientDetailsChanged',
        'EncounterEnded',
      ]);
    });

    it('given an A08 without a current visit (PV1-2 N), when mapped, then only the patient details change', () => {
      const message = withSegment(CERNER_ADT.A08, 'PV1', 'PV1|1|N');

      expect(drafts(mapAdtMessage(message)).map((draft) => draft.type)).toEqual(['PatientDetailsChanged']);
    });

    it('given an A28 add person, when mapped, then the patient is registered with its GP practice', () => {
      expect(drafts(mapAdtMessage(CERNER_ADT.A28))).toEqual([
        {
          type: 'PatientRegistered',
          source: {
            nhsNumber: ADT_FIXTURE_NHS_NUMBERS.charlotte,
            sourceRecordId: 'Patient/3034567',
            sourceRecordVersion: gmt(3, 1, 12, 0, 12),
            operation: 'CREATE',
            occurredAt: gmt(3, 1, 12, 0),
          },
          body: {
            name: { prefix: 'MRS', given: ['CHARLOTTE', 'ROSE', 'ANNE'], family: 'SYNTHETIC' },
            birthDate: epochDay(1955, 1, 1),
            gender: 'FEMALE',
            address: {
              lines: ['7 SAMPLE CLOSE', 'HARBORNE'],
              city: 'BIRMINGHAM',
              district: 'WEST MIDLANDS',
              postcode: 'B17 9AB',
            },
            telecom: [{ system: 'PHONE', value: '0121 496 0789' }],
            registeredGpPracticeOdsCode: 'M85001',
          },
        },
      ]);
    });

    it('given an A31 update person, when mapped, then the full details after the change are sent', () => {
      const [draft] = drafts(mapAdtMessage(CERNER_ADT.A31));

      expect(draft.type).toBe('PatientDetailsChanged');
      expect(draft.source).toEqual({
        nhsNumber: ADT_FIXTURE_NHS_NUMBERS.charlotte,
        sourceRecordId: 'Patient/3034567',
        sourceRecordVersion: gmt(3, 2, 9, 0, 12),
        operation: 'UPDATE',
        occurredAt: gmt(3, 2, 9, 0),
      });
      expect(draft.body).toMatchObject({
        telecom: [
          { system: 'PHONE', value: '0121 496 0789' },
          { system: 'MOBILE', value: '07700 900789' },
        ],
        registeredGpPracticeOdsCode: 'M85005',
        changedDetails: [],
      });
    });

    it('given an A40 merge, when mapped, then the retired NHS number and record are merged into the surviving ones', () => {
      expect(drafts(mapAdtMessage(CERNER_ADT.A40))).toEqual([
        {
          type: 'PatientMerged',
          source: {
            nhsNumber: ADT_FIXTURE_NHS_NUMBERS.davidSurviving,
            sourceRecordId: 'Patient/3045678',
            sourceRecordVersion: bst(7, 1, 16, 0, 12),
            operation: 'UPDATE',
            occurredAt: bst(7, 1, 16, 0),
          },
          body: {
            retiredNhsNumber: ADT_FIXTURE_NHS_NUMBERS.davidRetired,
            survivingNhsNumber: ADT_FIXTURE_NHS_NUMBERS.davidSurviving,
            retiredSourceRecordId: 'Patient/3045600',
            reason: 'DUPLICATE_REGISTRATION',
          },
        },
      ]);
    });

    it('given an A40 merging two local records of one NHS number, when mapped, then the retired record is replaced, not merged', () => {
      const message = withField(CERNER_ADT.A40, 'MRG', 1, '9990000034^^^NHS^NH~3045600^^^RRK^MR');

      expect(drafts(mapAdtMessage(message))).toEqual([
        {
          type: 'RecordRemoved',
          source: {
            nhsNumber: ADT_FIXTURE_NHS_NUMBERS.davidSurviving,
            sourceRecordId: 'Patient/3045600',
            sourceRecordVersion: bst(7, 1, 16, 0, 12),
            operation: 'DELETE',
            occurredAt: bst(7, 1, 16, 0),
          },
          body: {
            removedEventType: 'PatientRegistered',
            removedSourceRecordId: 'Patient/3045600',
            reason: 'DELETED_AT_SOURCE',
            replacedBySourceRecordId: 'Patient/3045678',
          },
        },
      ]);
    });

    it('given a mental health trust PAS, when mapped with its care setting, then encounters carry it', () => {
      const [draft] = drafts(mapAdtMessage(CERNER_ADT.A01, { careSetting: 'MENTAL_HEALTH' }));

      expect(draft.type === 'EncounterStarted' && draft.body.careSetting).toBe('MENTAL_HEALTH');
    });
  });

  describe('identifiers and versions', () => {
    it('given MSH-8 carries a credential, when mapped, then control.security exposes it for the app to verify', () => {
      const result = mapAdtMessage(withSecurity(CERNER_ADT.A01, 'hl7-key-RRK-0001'));

      expect(result.ok && result.value.control.security).toBe('hl7-key-RRK-0001');
    });

    it('given no local patient number in PID-3, when mapped, then the patient record id is the NHS number', () => {
      const message = withField(CERNER_ADT.A28, 'PID', 3, '9990001014^^^NHS^NH');

      expect(drafts(mapAdtMessage(message))[0].source.sourceRecordId).toBe('Patient/9990001014');
    });

    it.each([
      ['assigning authority only', '999 000 1014^^^NHS'],
      ['identifier type only', '9990001014^^^^NH'],
      ['the NHS number OID', '9990001014^^^&2.16.840.1.113883.2.1.4.1&ISO'],
    ])('given the NHS number marked by %s, when mapped, then it is found and normalised', (_, identifier) => {
      const message = withField(CERNER_ADT.A28, 'PID', 3, identifier);

      expect(drafts(mapAdtMessage(message))[0].source.nhsNumber).toBe('9990001014');
    });

    it('given a valid NHS number outside the test range, when mapped, then it is accepted', () => {
      const message = withField(CERNER_ADT.A28, 'PID', 3, '9434765919^^^NHS^NH~3034567^^^RRK^MR');

      expect(drafts(mapAdtMessage(message))[0].source.nhsNumber).toBe('9434765919');
    });

    it('given the same message re-sent, when mapped twice, then the drafts are identical (a duplicate)', () => {
      expect(mapAdtMessage(CERNER_ADT.A01)).toEqual(mapAdtMessage(CERNER_ADT.A01));
    });

    it('given EVN-2 later than MSH-7, when mapped, then the version is EVN-2', () => {
      const message = withField(CERNER_ADT.A01, 'EVN', 2, '20240614094500');

      expect(drafts(mapAdtMessage(message))[0].source.sourceRecordVersion).toBe(bst(6, 14, 9, 45));
    });

    it('given no EVN-6, when mapped, then occurredAt is EVN-2', () => {
      const message = withField(CERNER_ADT.A01, 'EVN', 6, '');

      expect(drafts(mapAdtMessage(message))[0].source.occurredAt).toBe(bst(6, 14, 9, 30, 12));
    });

    it('given local pseudo GP practice V81999 (not known), when mapped, then there is no registered practice', () => {
      const message = withSegment(CERNER_ADT.A28, 'PD1', 'PD1|||UNKNOWN^^V81999');

      expect(drafts(mapAdtMessage(message))[0].body).toMatchObject({ registeredGpPracticeOdsCode: null });
    });

    it('given escaped delimiters in a name, when mapped, then they are unescaped', () => {
      const message = withField(CERNER_ADT.A28, 'PID', 5, 'SMITH\\T\\JONES^ANNA^^^MS^^L');

      expect(drafts(mapAdtMessage(message))[0].body).toMatchObject({
        name: { prefix: 'MS', given: ['ANNA'], family: 'SMITH&JONES' },
      });
    });
  });

  describe('validation', () => {
    it('given PID-3 without an NHS number, when mapped, then it is rejected naming PID-3', () => {
      const message = withField(CERNER_ADT.A01, 'PID', 3, '3012345^^^RRK^MR');

      expect(issues(mapAdtMessage(message))).toEqual([
        {
          location: 'PID-3',
          code: 'required',
          message:
            'PID-3 must carry the NHS number in a repetition with identifier type NH (CX-5) and/or ' +
            'assigning authority NHS (CX-4)',
        },
      ]);
    });

    it('given an NHS number with a bad check digit, when mapped, then it is a value issue at PID-3', () => {
      const message = withField(CERNER_ADT.A01, 'PID', 3, '9990000017^^^NHS^NH~3012345^^^RRK^MR');

      expect(issues(mapAdtMessage(message))).toEqual([
        {
          location: 'PID-3',
          code: 'value',
          message:
            'PID-3 "9990000017" is not a valid NHS number: the NHS number fails its modulus-11 check digit',
        },
      ]);
    });

    it('given two different NHS numbers in PID-3, when mapped, then it is rejected', () => {
      const message = withField(CERNER_ADT.A01, 'PID', 3, '9990000018^^^NHS^NH~9990000026^^^NHS^NH');

      expect(issues(mapAdtMessage(message))).toEqual([
        { location: 'PID-3', code: 'value', message: 'PID-3 carries 2 different NHS numbers; send one' },
      ]);
    });

    it('given an unsupported trigger event (A05), when mapped, then it is not-supported at MSH-9.2', () => {
      expect(issues(mapAdtMessage(CERNER_ADT.A05))).toEqual([
        {
          location: 'MSH-9.2',
          code: 'not-supported',
          message:
            'trigger event A05 is not supported: Crosscare takes A01, A02, A03, A04, A08, A11, A13, A28, A31, A40',
        },
      ]);
    });

    it('given an admission without visit number, class or admit time, when mapped, then each is named', () => {
      let message = withField(CERNER_ADT.A01, 'PV1', 19, '');
      message = withField(message, 'PV1', 2, '');
      message = withField(message, 'PV1', 44, '');

      expect(issues(mapAdtMessage(message)).map((issue) => [issue.location, issue.code])).toEqual([
        ['PV1-19', 'required'],
        ['PV1-2', 'required'],
        ['PV1-44', 'required'],
      ]);
    });

    it('given an unknown patient class, when mapped, then it is code-invalid at PV1-2', () => {
      const message = withField(CERNER_ADT.A04, 'PV1', 2, 'Z');

      expect(issues(mapAdtMessage(message))).toEqual([
        expect.objectContaining({ location: 'PV1-2', code: 'code-invalid' }),
      ]);
    });

    it.each([
      ['D', 'DAY_CASE'],
      ['B', 'DAY_CASE'],
      ['O', 'OUTPATIENT'],
      ['E', 'EMERGENCY'],
      ['I', 'INPATIENT'],
    ])(
      'given patient class %s, when an A01 is mapped, then the encounter class is %s',
      (code, encounterClass) => {
        const [draft] = drafts(mapAdtMessage(withField(CERNER_ADT.A01, 'PV1', 2, code)));

        expect(draft.body).toMatchObject({ encounterClass });
      },
    );

    it('given a transfer without the new site, when mapped, then PV1-3 is required', () => {
      const message = withField(CERNER_ADT.A02, 'PV1', 3, 'WARD 12^BAY 1^BED 4');

      expect(issues(mapAdtMessage(message))).toEqual([
        expect.objectContaining({ location: 'PV1-3', code: 'required' }),
      ]);
    });

    it('given a site that is not an ODS code, when mapped, then it is a value issue at PV1-3', () => {
      const message = withField(CERNER_ADT.A01, 'PV1', 3, 'WARD 4^^^Queen Elizabeth');

      expect(issues(mapAdtMessage(message))).toEqual([
        expect.objectContaining({ location: 'PV1-3', code: 'value' }),
      ]);
    });

    it('given a cancel admit whose site is not an ODS code, when mapped, then it is removed anyway (PV1-3 is unused)', () => {
      const message = withField(CERNER_ADT.A11, 'PV1', 3, 'WARD 4^^^Queen Elizabeth');

      expect(drafts(mapAdtMessage(message)).map((draft) => draft.type)).toEqual(['RecordRemoved']);
    });

    it('given a discharge without a discharge time, when mapped, then PV1-45 is required', () => {
      const message = withField(CERNER_ADT.A03, 'PV1', 45, '');

      expect(issues(mapAdtMessage(message))).toEqual([
        expect.objectContaining({ location: 'PV1-45', code: 'required' }),
      ]);
    });

    it('given an encounter event without PV1, when mapped, then the segment is required', () => {
      expect(issues(mapAdtMessage(withSegment(CERNER_ADT.A01, 'PV1', null)))).toEqual([
        expect.objectContaining({ location: 'PV1', code: 'required' }),
      ]);
    });

    it('given a registration without name, birth date and sex, when mapped, then every one is named', () => {
      let message = withField(CERNER_ADT.A28, 'PID', 5, '');
      message = withField(message, 'PID', 7, '19551301');
      message = withField(message, 'PID', 8, 'X');

      expect(issues(mapAdtMessage(message)).map((issue) => [issue.location, issue.code])).toEqual([
        ['PID-5', 'required'],
        ['PID-7', 'value'],
        ['PID-8', 'code-invalid'],
      ]);
    });

    it('given an A40 without the retired NHS number in MRG-1, when mapped, then MRG-1 is named', () => {
      const message = withField(CERNER_ADT.A40, 'MRG', 1, '3045600^^^RRK^MR');

      expect(issues(mapAdtMessage(message))).toEqual([
        expect.objectContaining({ location: 'MRG-1', code: 'required' }),
      ]);
    });

    it('given an A40 without MRG, when mapped, then the segment is required', () => {
      expect(issues(mapAdtMessage(withSegment(CERNER_ADT.A40, 'MRG', null)))).toEqual([
        expect.objectContaining({ location: 'MRG', code: 'required' }),
      ]);
    });

    it('given the death indicator without a date of death, when mapped, then PID-29 is required', () => {
      const message = withField(CERNER_ADT.A03_DIED, 'PID', 29, '');

      expect(issues(mapAdtMessage(message))).toEqual([
        expect.objectContaining({ location: 'PID-29', code: 'required' }),
      ]);
    });

    it('given no EVN segment, when mapped, then EVN is required', () => {
      expect(issues(mapAdtMessage(withSegment(CERNER_ADT.A01, 'EVN', null)))).toEqual([
        expect.objectContaining({ location: 'EVN', code: 'required' }),
      ]);
    });

    it('given no PID segment, when mapped, then PID is required', () => {
      expect(issues(mapAdtMessage(withSegment(CERNER_ADT.A01, 'PID', null)))).toEqual([
        expect.objectContaining({ location: 'PID', code: 'required' }),
      ]);
    });

    it('given text that is not HL7, when mapped, then it is a structure issue', () => {
      expect(issues(mapAdtMessage('{"resourceType":"Patient"}'))).toEqual([
        expect.objectContaining({ location: 'MSH', code: 'structure' }),
      ]);
    });

    it('given a credential in MSH-8 and invalid content, when mapped, then no issue echoes the credential', () => {
      const message = withField(withSecurity(CERNER_ADT.A01, 'super-secret-key'), 'MSH', 12, '2.6');

      expect(JSON.stringify(issues(mapAdtMessage(message)))).not.toContain('super-secret-key');
    });
  });
});
