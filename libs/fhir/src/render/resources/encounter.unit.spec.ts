import type { Encounter } from '@medplum/fhirtypes';
import {
  encounterEnded,
  encounterStarted,
  PROVIDERS,
  providerName,
  structuralIssues,
} from '../record-events.spec';
import { renderRecordItem } from '../render-record-item';

const renderEncounter = (...args: Parameters<typeof renderRecordItem>) =>
  renderRecordItem(...args) as Encounter;

describe('Encounter', () => {
  it('given an admission, shows the class, sector, specialty, reason, source, ward site and trust', () => {
    const encounter = renderEncounter(encounterStarted(), { providerName });

    expect(encounter).toMatchObject({
      status: 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
      type: [
        { coding: [{ system: 'https://fhir.crosscare.nhs.uk/CodeSystem/care-setting', code: 'ACUTE' }] },
      ],
      serviceType: { coding: [{ code: '300' }] },
      period: { start: '2024-03-10T14:22:00.000Z' },
      reasonCode: [{ coding: [{ code: '29857009' }] }],
      hospitalization: { admitSource: { coding: [{ code: '19' }] } },
      location: [
        { location: { identifier: { system: 'https://fhir.nhs.uk/Id/ods-site-code', value: 'RNB01' } } },
      ],
      serviceProvider: {
        identifier: { value: PROVIDERS.acuteTrust.odsCode },
        display: PROVIDERS.acuteTrust.name,
      },
    });
    expect(encounter.period).not.toHaveProperty('end');
  });

  it('given its discharge too, is one finished Encounter with the diagnoses contained, primary first', () => {
    const encounter = renderEncounter(encounterStarted(), { encounterCounterpart: encounterEnded() });

    expect(encounter).toMatchObject({
      status: 'finished',
      period: { start: '2024-03-10T14:22:00.000Z', end: '2024-03-14T11:05:00.000Z' },
      diagnosis: [
        { condition: { reference: '#diagnosis-1' }, rank: 1 },
        { condition: { reference: '#diagnosis-2' }, rank: 2 },
      ],
      contained: [
        { resourceType: 'Condition', id: 'diagnosis-1', code: { coding: [{ code: 'I21.4' }] } },
        { resourceType: 'Condition', id: 'diagnosis-2', code: { coding: [{ code: 'E11.9' }] } },
      ],
    });
  });

  it('renders the same Encounter whichever part is given first, with meta from the later version', () => {
    const [started, ended] = [encounterStarted(), encounterEnded()];

    const fromStart = renderEncounter(started, { encounterCounterpart: ended });
    const fromEnd = renderEncounter(ended, { encounterCounterpart: started });

    expect(fromEnd).toEqual(fromStart);
    expect(fromStart.meta?.versionId).toBe('2');
  });

  it('given only a discharge (its admission not yet received), is a finished Encounter of unknown class', () => {
    const encounter = renderEncounter(encounterEnded(), {});

    expect(structuralIssues(encounter)).toEqual([]);
    expect(encounter).toMatchObject({
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK' },
      period: { end: '2024-03-14T11:05:00.000Z' },
    });
    expect(encounter.period).not.toHaveProperty('start');
    expect(encounter.id).toBe(renderEncounter(encounterStarted(), {}).id);
  });

  it('given the discharge of another encounter as counterpart, refuses rather than merge two stays', () => {
    const otherStay = encounterEnded({ header: { sourceRecordId: 'Encounter/rnb-sp-240401-0007' } });

    expect(() => renderRecordItem(encounterStarted(), { encounterCounterpart: otherStay })).toThrow(
      /must be the EncounterEnded of RNB Encounter\/rnb-sp-240310-0042/,
    );
  });
});
