import {
  maySubscribe,
  SUBSCRIPTION_TOPIC_CODES,
  TOPIC_URL_BASE,
  TOPICS,
  topicByCode,
  topicByUrl,
} from './topics';

describe('the topic catalogue', () => {
  it('has one topic per code, each at its canonical URL, in version 1', () => {
    expect(TOPICS.map((topic) => topic.code)).toEqual([...SUBSCRIPTION_TOPIC_CODES]);
    for (const topic of TOPICS) {
      expect(topic.url).toBe(`https://fhir.crosscare.nhs.uk/SubscriptionTopic/${topic.code}`);
      expect(topic.url.startsWith(`${TOPIC_URL_BASE}/`)).toBe(true);
      expect(topic.version).toBe('1');
    }
  });

  it('offers event-kind on the encounter topics only, and patient scoping on every topic', () => {
    const withEventKind = TOPICS.filter((topic) => topic.filters.includes('event-kind')).map(
      (topic) => topic.code,
    );
    expect(withEventKind).toEqual(['encounter-started', 'encounter-ended']);
    for (const topic of TOPICS)
      expect(topic.filters).toEqual(expect.arrayContaining(['patient', 'registered-with']));
  });

  it('asks the section of what each topic tells of', () => {
    const sections = Object.fromEntries(TOPICS.map((topic) => [topic.code, topic.sections]));
    expect(sections).toEqual({
      'patient-record-changed': ['demographics'],
      'encounter-started': ['encounters'],
      'encounter-ended': ['encounters'],
      'patient-died': ['death'],
      'referral-made': ['referrals'],
      'results-available': ['results'],
    });
  });

  it('patient-record-changed is triggered by every event type, removals and merges included', () => {
    const topic = topicByCode('patient-record-changed');
    expect(topic?.eventTypes).toEqual(
      expect.arrayContaining(['AllergyRecorded', 'RecordRemoved', 'PatientMerged']),
    );
    expect(topic?.eventTypes).toHaveLength(22);
  });
});

describe('topicByUrl', () => {
  const url = `${TOPIC_URL_BASE}/encounter-started`;

  it('finds a topic by its canonical, bare or with its current version', () => {
    expect(topicByUrl(url)?.code).toBe('encounter-started');
    expect(topicByUrl(` ${url}|1 `)?.code).toBe('encounter-started');
  });

  it('finds nothing for another version, an unknown topic or a malformed canonical', () => {
    expect(topicByUrl(`${url}|2`)).toBeUndefined();
    expect(topicByUrl(`${TOPIC_URL_BASE}/admission`)).toBeUndefined();
    expect(topicByUrl(`${url}|1|1`)).toBeUndefined();
    expect(topicByUrl('http://hl7.org/SubscriptionTopic/admission')).toBeUndefined();
  });
});

describe('topicByCode', () => {
  it('finds a topic by its code and nothing for an unknown one', () => {
    expect(topicByCode('results-available')?.url).toBe(`${TOPIC_URL_BASE}/results-available`);
    expect(topicByCode('admission')).toBeUndefined();
  });
});

describe('maySubscribe', () => {
  it("allows a role granted the topic's sections, and refuses one that is not", () => {
    const results = topicByCode('results-available')!;
    expect(maySubscribe(results, ['demographics', 'results'])).toBe(true);
    expect(maySubscribe(results, ['demographics', 'encounters'])).toBe(false);
  });
});
