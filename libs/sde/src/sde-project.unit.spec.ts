import { DirectoryError } from '@crosscare/governance';
import { thrownBy } from '@crosscare/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSdeProjects, projectById } from './sde-project';

/** A project as the committed file writes one; tests spoil one thing at a time. */
const project = (id: string, changes: Record<string, unknown> = {}) => ({
  id,
  title: 'A synthetic study',
  purpose: 'Testing the projects file.',
  lawfulBasis: 'UK GDPR Article 6(1)(e) and Article 9(2)(j)',
  agreement: 'DSA-2026-0900',
  approvedBy: 'Test Data Access Committee',
  approvedOn: '2026-11-30',
  nationalDataOptOut: { applies: true },
  type1OptOut: { applies: true },
  pseudonymisationKey: 'sde-test-study',
  precision: { birthDate: 'year', eventDate: 'month', geography: 'district' },
  context: ['ics'],
  events: { PatientRegistered: ['birthDate', 'gender'] },
  output: { version: 1, partitions: 3 },
  ...changes,
});

describe('the committed SDE projects file', () => {
  const projects = loadSdeProjects();

  it('loads both approved projects', () => {
    expect(projects.map((p) => [p.id, p.agreement, p.output.version])).toEqual([
      ['diabetes-outcomes', 'DSA-2026-0107', 1],
      ['urgent-care-flow', 'DSA-2026-0112', 1],
    ]);
  });

  it("keeps each kind's approved fields in catalogue order, with their treatment", () => {
    const diabetes = projectById(projects, 'diabetes-outcomes');
    expect(diabetes.events.get('PatientRegistered')).toEqual([
      { name: 'birthDate', from: 'birthDate', treatment: 'birth-date' },
      { name: 'gender', from: 'gender', treatment: 'symbol' },
      { name: 'postcode', from: 'address.postcode', treatment: 'postcode' },
    ]);
    expect(diabetes.context).toEqual(['ics', 'providerType']);
    expect(projectById(projects, 'urgent-care-flow').nationalDataOptOut).toEqual({
      applies: false,
      exemption: expect.stringMatching(/26\/CAG\/0031/) as unknown,
    });
  });

  it('names the approved projects when asked for another', () => {
    expect(() => projectById(projects, 'cancer-waits')).toThrow(
      'no approved SDE project cancer-waits (approved: diabetes-outcomes, urgent-care-flow)',
    );
  });
});

describe('a projects file with faults', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-sde-projects-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (projects: unknown[]) => {
    const file = path.join(dir, 'sde-projects.json');
    fs.writeFileSync(file, JSON.stringify({ version: 'test', projects }));
    return file;
  };
  const problemsOf = (file: string) => thrownBy(DirectoryError, () => loadSdeProjects({ file })).problems;

  it('is refused with every problem at once, each naming the file and the element', () => {
    const file = write([
      project('forbidden-fields', {
        events: {
          PatientRegistered: ['birthDate', 'name'],
          ObservationRecorded: ['code', 'valueString'],
          MedicationPrescribed: ['dosageText'],
        },
      }),
      project('unknown-kind', { events: { BloodTestOrdered: ['code'] } }),
      project('Bad_Id'),
      project('no-exemption', { type1OptOut: { applies: false } }),
      project('twice'),
      project('twice'),
    ]);
    const problems = problemsOf(file);
    expect(problems.every((p) => p.file === file)).toBe(true);
    expect(problems.map((p) => p.element).sort()).toEqual(
      [
        'projects[0].events.PatientRegistered[1]',
        'projects[0].events.ObservationRecorded[1]',
        'projects[0].events.MedicationPrescribed[0]',
        'projects[1].events.BloodTestOrdered',
        'projects[2].id',
        'projects[3].type1OptOut.exemption',
        'projects[5].id',
      ].sort(),
    );
    const reason = (element: string) => problems.find((p) => p.element === element)?.reason;
    expect(reason('projects[0].events.PatientRegistered[1]')).toMatch(
      /PatientRegistered\.name is never released/,
    );
    expect(reason('projects[0].events.ObservationRecorded[1]')).toMatch(/ObservationRecorded\.valueString/);
    expect(reason('projects[0].events.MedicationPrescribed[0]')).toMatch(/MedicationPrescribed\.dosageText/);
    expect(reason('projects[1].events.BloodTestOrdered')).toBe(
      'BloodTestOrdered is not a record-change event',
    );
    expect(reason('projects[2].id')).toMatch(/lower-case/);
    expect(reason('projects[5].id')).toBe('twice is defined twice');
  });

  it('says so in the error message, file and element included', () => {
    const file = write([project('no-exemption', { nationalDataOptOut: { applies: false } })]);
    expect(() => loadSdeProjects({ file })).toThrow(
      new RegExp(`Invalid SDE projects \\(1 problem\\):\\n  - ${file} projects\\[0\\]\\.nationalDataOptOut`),
    );
  });

  it('is refused when it is missing, naming the file', () => {
    const file = path.join(dir, 'absent.json');
    expect(problemsOf(file)).toEqual([{ file, element: '(file)', reason: 'file not found' }]);
  });

  it('loads when every project is right', () => {
    const file = write([project('fine-study')]);
    expect(loadSdeProjects({ file }).map((p) => p.id)).toEqual(['fine-study']);
  });
});
