import { fhirXmlToJson, FhirXmlError, isSupportedResourceType } from '@crosscare/fhir';
import { fhirFixtures } from '@crosscare/fhir/testing';
import type { IcsCode, ProviderType } from '@crosscare/governance';
import { uniqueName } from '@crosscare/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { receiptLines, startIngest, type IngestUnderTest } from './testing/ingest-under-test';

/**
 * NHS England's published UK Core R4 examples, sent as they are through the real ingest, broker, registry and
 * Postgres: by a GP practice and by an acute trust, each once in XML as published and once converted to JSON by the
 * library. The sample is read where the project keeps it (../shared, never copied in; fhirFixtures.ukCoreExamplesDir);
 * UK_CORE_EXAMPLES_DIR names another directory, such as the full published set. docs/ingest.md has the figures.
 *
 * Issue 17's goal is 9 in 10 accepted. The suite holds ingest to a stricter rule that does not depend on the set:
 * every example is accepted unless refused for a fault listed (and reviewed) below. The share is printed, not
 * asserted, because it is a property of the examples: in the sample, faults of the examples themselves (a failed
 * check digit, no patient, an unknown medication) are 3 of the 27 complete ones, more than a tenth. Medications in the
 * set are sent before the rest as reference data (the full set has the one the EyeDrops dispense names).
 */
/** The patient most examples refer to (`Patient/UKCore-Patient-RichardSmith-Example`): sent first, as a supplier would. */
const EXAMPLE_PATIENT = 'UKCore-Patient-RichardSmith-Example';

interface ExpectedRefusal {
  readonly status: number;
  /** Must match one of the refusal's issues, given as "location: message". */
  readonly names: RegExp;
  /** Why this is a genuine fault of the example rather than something Crosscare should take. */
  readonly because: string;
  /** The provider types it applies to; all when absent. */
  readonly providers?: readonly ProviderType[];
  /** An example whose presence in the set cures the fault (the Medication a dispense names, in the full set). */
  readonly unlessSent?: string;
}

/**
 * Every refusal the published examples may get, reviewed one by one. An example refused for anything else, or
 * listed here and accepted, fails the suite: the table is kept true, not widened.
 */
const EXPECTED_REFUSALS: Readonly<Record<string, readonly ExpectedRefusal[]>> = {
  'UKCore-Patient-BabyPatient-Example': [
    {
      status: 422,
      names: /Patient\.identifier\[0\]\.value: .*fails its modulus-11 check digit/,
      because: 'its NHS number 9912003890 fails the modulus-11 check (the check digit would be 6)',
    },
  ],
  'UKCore-Patient-Sn-Makaton-Example': [
    {
      status: 422,
      names: /Patient\.identifier: .*needs an NHS number/,
      because: 'a snippet (one element illustrated): no identifier at all, so no NHS number anywhere',
    },
  ],
  'UKCore-Patient-Sn-Photo-Example': [
    {
      status: 422,
      names: /Patient\.identifier: .*needs an NHS number/,
      because: 'a snippet (one element illustrated): nothing but a photo, so no NHS number anywhere',
    },
  ],
  'UKCore-Observation-FingerJointInflamed-Example': [
    {
      status: 422,
      names: /Observation\.subject: /,
      because: 'it has no subject: whose observation it is, and so any NHS number, is nowhere in it',
    },
  ],
  'UKCore-Encounter-InpatientEncounter-Example': [
    {
      status: 403,
      names: /may not publish admission records/,
      because: 'an inpatient admission: a GP practice does not admit patients (trusts and hospices do)',
      providers: ['GP_PRACTICE'],
    },
  ],
  'UKCore-MedicationDispense-CiprofloxacinIV-Example': [
    {
      status: 403,
      names: /may not publish dispensing records/,
      because: 'a GP practice does not dispense (community and hospital pharmacies do)',
      providers: ['GP_PRACTICE'],
    },
  ],
  'UKCore-MedicationDispense-EyeDrops-Example': [
    {
      // Refused on its content before the sender's policy is asked, so a GP practice gets this too.
      status: 422,
      names: /^MedicationDispense\.medicationReference/,
      because:
        'its medication is only a reference to Medication/UKCore-Medication-TimoptolEyeDrops-Example, neither ' +
        'contained nor sent: what was dispensed is unknown',
      // The full published set has that Medication: sent first, as reference data, the reference resolves.
      unlessSent: 'UKCore-Medication-TimoptolEyeDrops-Example',
    },
    {
      status: 403,
      names: /may not publish dispensing records/,
      because: 'once its medication resolves: a GP practice does not dispense',
      providers: ['GP_PRACTICE'],
    },
  ],
};

interface Example {
  readonly name: string;
  readonly resourceType: string;
  readonly id: string;
  readonly xml: string;
  /** The library's JSON, or why there is none (the same refusal the XML gets). */
  readonly json: Record<string, unknown> | FhirXmlError;
  /** Snippets (-Sn-) illustrate one element and are not records a supplier sends; they are sent, not counted. */
  readonly snippet: boolean;
  /** A Medication: kept as the provider's reference data (202, a receipt of nothing published), not counted. */
  readonly referenceData: boolean;
}

function examples(): Example[] {
  const dir = fhirFixtures.ukCoreExamplesDir();
  const files = readdirSync(dir).filter((file) => file.endsWith('.xml'));
  const all = files.map((file): Example => {
    const xml = readFileSync(join(dir, file), 'utf8');
    const name = basename(file, '.xml');
    const [, resourceType = '?'] =
      /<([A-Za-z]+)[\s>]/.exec(xml.replace(/<\?[^>]*\?>|<!--[\s\S]*?-->/g, '')) ?? [];
    const id = /<id value="([^"]+)"/.exec(xml)?.[1] ?? name;
    let json: Example['json'];
    try {
      json = fhirXmlToJson(xml);
    } catch (error) {
      if (!(error instanceof FhirXmlError)) throw error;
      json = error;
    }
    const referenceData = resourceType === 'Medication';
    return { name, resourceType, id, xml, json, snippet: /-Sn-/.test(name), referenceData };
  });
  // Patients first, the one the others refer to before all, then Medications, so that references to them resolve.
  const rank = (e: Example) =>
    e.id === EXAMPLE_PATIENT ? 0 : e.resourceType === 'Patient' ? 1 : e.referenceData ? 2 : 3;
  return all
    .filter((e) => isSupportedResourceType(e.resourceType) || e.referenceData)
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

type Format = 'xml' | 'json';

interface Answer {
  readonly example: Example;
  readonly status: number;
  readonly contentType: string;
  readonly correlationId: string;
  /** The answer's OperationOutcome as JSON (converted from XML when it came as XML). */
  readonly outcome: unknown;
}

const issuesOf = (outcome: unknown): string[] =>
  (
    (outcome as { issue?: { expression?: string[]; diagnostics?: string; details?: { text?: string } }[] })
      ?.issue ?? []
  ).map((i) => `${i.expression?.[0] ?? '(body)'}: ${i.diagnostics ?? i.details?.text ?? ''}`);

describe('ingest: the published UK Core examples, as published (real broker, registry and Postgres)', () => {
  const all = examples();
  let ingest: IngestUnderTest;

  beforeAll(async () => {
    ingest = await startIngest('ukcore');
  });
  afterAll(() => ingest?.close());

  it('finds the examples to send', () => {
    expect(all.length).toBeGreaterThan(0);
    expect(all[0].id).toBe(EXAMPLE_PATIENT);
  });

  // Each pair sends as a provider of its own (another ICS), so that no send is the duplicate of an earlier one.
  const cases: [ProviderType, Format, IcsCode][] = [
    ['GP_PRACTICE', 'xml', 'QHL'],
    ['GP_PRACTICE', 'json', 'QWU'],
    ['ACUTE_TRUST', 'xml', 'QNC'],
    ['ACUTE_TRUST', 'json', 'QUA'],
  ];

  it.each(cases)(
    'as %s in %s (%s): every example accepted, its events on the ICS topic, unless refused for a reviewed, genuine fault',
    async (type, format, ics) => {
      const provider = ingest.provider(type, ics);
      const token = await ingest.credentialFor(provider.odsCode);
      const topic = ingest.topic(provider.ics);

      const answers: Answer[] = [];
      for (const example of all) answers.push(await sendExample(example, format, token));

      const faults: string[] = [];
      const names = new Set(all.map((e) => e.name));
      for (const answer of answers) {
        const { example } = answer;
        if (example.referenceData) {
          if (answer.status !== 202 || receiptLines(answer.outcome).length > 0)
            faults.push(`${example.name}: reference data answered ${answer.status}, or published`);
          continue;
        }
        const expected = (EXPECTED_REFUSALS[example.name] ?? []).filter(
          (r) =>
            (r.providers === undefined || r.providers.includes(type)) &&
            (r.unlessSent === undefined || !names.has(r.unlessSent)),
        );
        const issues = issuesOf(answer.outcome);
        if (answer.status === 202) {
          if (expected.length > 0)
            faults.push(`${example.name}: accepted, but listed as refused (${expected[0].because})`);
          continue;
        }
        const matching = expected.find(
          (r) => r.status === answer.status && issues.some((i) => r.names.test(i)),
        );
        if (!matching)
          faults.push(
            `${example.name}: refused ${answer.status}, unreviewed: ${issues.join(' | ').slice(0, 300)}`,
          );
      }
      const complete = answers.filter((a) => !a.example.snippet && !a.example.referenceData);
      const accepted = complete.filter((a) => a.status === 202).length;
      const snippets = answers.filter((a) => a.example.snippet);
      process.stdout.write(
        `UK Core examples as ${type} in ${format}: ${accepted} of ${complete.length} complete examples accepted; ` +
          `${snippets.filter((a) => a.status === 202).length} of ${snippets.length} snippets\n`,
      );
      expect(faults).toEqual([]);

      for (const answer of answers) {
        expect(answer.contentType).toContain(
          format === 'xml' ? 'application/fhir+xml' : 'application/fhir+json',
        );
        if (answer.status !== 202 || answer.example.referenceData) continue;
        const receipt = receiptLines(answer.outcome);
        expect(receipt.length).toBeGreaterThan(0);
        const events = await ingest.events(topic, receipt.length, {
          correlationId: answer.correlationId,
          settleMs: 0,
        });
        expect(events.map((e) => e.event.header.eventId).sort()).toEqual(
          receipt.map((r) => r.eventId).sort(),
        );
        for (const { key, event } of events) {
          expect(key).toBe(event.header.nhsNumber);
          expect(event.header.providerOdsCode).toBe(provider.odsCode);
          expect(event.header.sourceRecordId).toBe(`${answer.example.resourceType}/${answer.example.id}`);
        }
      }
    },
    180_000,
  );

  async function sendExample(example: Example, format: Format, token: string): Promise<Answer> {
    const correlationId = uniqueName('corr');
    if (format === 'json' && example.json instanceof FhirXmlError)
      return {
        example,
        status: 400,
        contentType: 'application/fhir+json',
        correlationId,
        outcome: refusal(example.json),
      };
    const media = format === 'xml' ? 'application/fhir+xml' : 'application/fhir+json';
    const response = await fetch(`${ingest.url}/fhir/${example.resourceType}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-correlation-id': correlationId,
        'content-type': media,
        accept: media,
      },
      body: format === 'xml' ? example.xml : JSON.stringify(example.json),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const outcome = contentType.includes('xml') ? fhirXmlToJson(text) : (JSON.parse(text) as unknown);
    return { example, status: response.status, contentType, correlationId, outcome };
  }
});

/** A conversion refusal as the OperationOutcome ingest would have answered with. */
function refusal(error: FhirXmlError): unknown {
  return { issue: error.issues.map((i) => ({ expression: [i.location], diagnostics: i.message })) };
}
