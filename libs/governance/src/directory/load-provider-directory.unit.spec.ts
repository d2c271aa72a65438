import { isRetriable } from '@crosscare/errors';
import { thrownBy } from '@crosscare/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DirectoryError } from './directory-error';
import { DEFAULT_DIRECTORY_DATA_DIR, loadProviderDirectory } from './load-provider-directory';
import type { ProvidersFile, ProviderTypesFile } from './directory-files';
import { ICS_CODES, type ProviderType } from './provider';

const dataDir = path.resolve(DEFAULT_DIRECTORY_DATA_DIR);
/** The governed release alone, without onboarding waves. */
const release = () => loadProviderDirectory({ onboardingDirs: [] });

describe('the committed provider directory', () => {
  const sut = release();

  it('holds exactly 848 providers in the proportions of the region', () => {
    const counts = sut.counts();
    expect(counts.total).toBe(848);
    expect(counts.byType).toEqual({
      GP_PRACTICE: 560,
      CARE_HOME: 225,
      HOSPICE: 20,
      ACUTE_TRUST: 14,
      LOCAL_AUTHORITY: 14,
      MENTAL_HEALTH_TRUST: 6,
      COMMUNITY_TRUST: 4,
      SPECIALIST_TRUST: 4,
      AMBULANCE_TRUST: 1,
      COMMUNITY_PHARMACY: 0,
    });
  });

  it('spreads providers by population: the largest ICS has the most, the smallest the fewest', () => {
    const { byIcs } = sut.counts();
    expect(Object.values(byIcs).reduce((a, b) => a + b, 0)).toBe(848);
    expect(byIcs.QHL).toBeGreaterThan(byIcs.QUA);
    expect(byIcs.QUA).toBeGreaterThan(byIcs.QNC);
    expect(byIcs.QNC).toBeGreaterThan(byIcs.QWU);
    expect(byIcs.QWU).toBeGreaterThan(byIcs.QGH);
    expect(byIcs.QGH).toBeGreaterThan(byIcs.QOC);
  });

  it.each(ICS_CODES)(
    'gives %s an acute trust, a mental health trust, GP practices, care homes, a hospice and councils',
    (ics) => {
      const counts = sut.counts().byIcsAndType[ics];
      const everywhere: ProviderType[] = [
        'ACUTE_TRUST',
        'MENTAL_HEALTH_TRUST',
        'GP_PRACTICE',
        'CARE_HOME',
        'HOSPICE',
      ];
      expect(everywhere.filter((type) => counts[type] < 1)).toEqual([]);
      expect(counts.LOCAL_AUTHORITY).toBe(sut.ics(ics)?.councils.length);
    },
  );

  it('has unique, uppercase ODS codes, none of them a code other fixtures use', () => {
    const codes = sut.providers().map((p) => p.odsCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => c === c.toUpperCase())).toBe(true);
    expect(sut.provider('M85001')).toBeUndefined();
  });

  it('shapes codes like ODS codes: GP M+5 digits, trusts R+2 letters, care homes V, hospices 8, councils 3 chars', () => {
    const shapes: Partial<Record<ProviderType, RegExp>> = {
      GP_PRACTICE: /^M\d{5}$/,
      ACUTE_TRUST: /^R[A-Z]{2}$/,
      AMBULANCE_TRUST: /^R[A-Z]{2}$/,
      CARE_HOME: /^V[A-Z0-9]{4}$/,
      HOSPICE: /^8[A-Z0-9]{4}$/,
      LOCAL_AUTHORITY: /^[A-Z0-9]{3}$/,
    };
    for (const [type, shape] of Object.entries(shapes)) {
      const misshapen = sut.providers({ type: type as ProviderType }).filter((p) => !shape.test(p.odsCode));
      expect(misshapen).toEqual([]);
    }
  });

  it('derives each provider’s collaborative from its ICS', () => {
    expect(sut.providers({ collaborative: 'CCR' }).every((p) => ['QHL', 'QWU', 'QGH'].includes(p.ics))).toBe(
      true,
    );
    expect(sut.providers({ collaborative: 'OHC' }).every((p) => ['QOC', 'QUA', 'QNC'].includes(p.ics))).toBe(
      true,
    );
    expect(sut.collaboratives().map((c) => [c.code, c.ics])).toEqual([
      ['CCR', ['QHL', 'QWU', 'QGH']],
      ['OHC', ['QOC', 'QUA', 'QNC']],
    ]);
  });

  it('makes each council a provider carrying its ONS code, found back with councilFor', () => {
    const councils = sut.providers({ type: 'LOCAL_AUTHORITY' });
    const birmingham = councils.find((p) => p.councilCode === 'E08000025');
    expect(birmingham).toMatchObject({ name: 'Birmingham City Council', ics: 'QHL', collaborative: 'CCR' });
    expect(sut.councilFor(birmingham?.odsCode ?? '')).toEqual({
      code: 'E08000025',
      name: 'Birmingham City Council',
    });
    expect(councils.map((p) => p.councilCode).sort()).toEqual(
      sut
        .icss()
        .flatMap((i) => i.councils.map((c) => c.code))
        .sort(),
    );
  });

  it('gives no council for a provider that is not a local authority, nor for an unknown code', () => {
    const practice = sut.providers({ type: 'GP_PRACTICE' })[0];
    expect(sut.councilFor(practice.odsCode)).toBeUndefined();
    expect(sut.councilFor('ZZZ')).toBeUndefined();
  });

  it('finds a provider whatever the case of the code it is asked for', () => {
    const trust = sut.providers({ ics: 'QNC', type: 'ACUTE_TRUST' })[0];
    expect(sut.provider(trust.odsCode.toLowerCase())).toBe(trust);
    expect(sut.ics('QNC')).toMatchObject({ name: 'Staffordshire and Stoke-on-Trent', collaborative: 'OHC' });
    expect(sut.ics('XXX')).toBeUndefined();
  });
});

describe('onboarding community pharmacies', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-onboarding-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pharmacy = (odsCode: string, ics = 'QHL') => ({
    odsCode,
    name: `Test Pharmacy ${odsCode}`,
    type: 'COMMUNITY_PHARMACY',
    ics,
    status: 'ACTIVE',
  });
  const writeWave = (name: string, wave: string, providers: unknown[]) =>
    fs.writeFileSync(path.join(dir, name), JSON.stringify({ wave, providers }));
  const problemsLoading = () =>
    thrownBy(DirectoryError, () => loadProviderDirectory({ onboardingDirs: [dir] }));

  it('given the committed pilot wave, adds 24 pharmacies, 4 in every ICS', () => {
    const sut = loadProviderDirectory();
    expect(sut.onboardingWaves).toEqual(['wave-0-pilot']);
    expect(sut.counts().total).toBe(848 + 24);
    for (const ics of ICS_CODES) expect(sut.counts().byIcsAndType[ics].COMMUNITY_PHARMACY).toBe(4);
  });

  it('given a new wave file and no code change, the loader adds its pharmacies', () => {
    writeWave('wave-1.json', 'wave-1', [pharmacy('FQ901'), pharmacy('FQ902', 'QOC')]);
    writeWave('notes.txt.bak', 'ignored', [pharmacy('FQ903')]);

    const sut = loadProviderDirectory({ onboardingDirs: [dir] });

    expect(sut.onboardingWaves).toEqual(['wave-1']);
    expect(sut.provider('FQ902')).toEqual({
      odsCode: 'FQ902',
      name: 'Test Pharmacy FQ902',
      type: 'COMMUNITY_PHARMACY',
      ics: 'QOC',
      collaborative: 'OHC',
      status: 'ACTIVE',
    });
    expect(sut.provider('FQ903')).toBeUndefined();
    expect(sut.counts().total).toBe(850);
  });

  it('given a wave that adds a GP practice, refuses it naming the file and the code', () => {
    writeWave('wave-2.json', 'wave-2', [pharmacy('FQ901'), { ...pharmacy('M12399'), type: 'GP_PRACTICE' }]);

    const error = problemsLoading();

    expect(isRetriable(error)).toBe(false);
    expect(error.problems).toEqual([
      {
        file: expect.stringMatching(/wave-2\.json$/),
        element: 'providers[1] (M12399)',
        reason: expect.stringContaining(
          'onboarding files may only add COMMUNITY_PHARMACY providers, not GP_PRACTICE',
        ),
      },
    ]);
    expect(error.message).toMatch(/wave-2\.json providers\[1\] \(M12399\)/);
  });

  it('given a wave repeating a code of the release or of an earlier wave, refuses it naming both places', () => {
    const taken = release().providers({ type: 'GP_PRACTICE' })[0].odsCode;
    writeWave('wave-3.json', 'wave-3', [
      pharmacy('FQ901'),
      { ...pharmacy(taken), type: 'COMMUNITY_PHARMACY' },
    ]);
    writeWave('wave-4.json', 'wave-4', [pharmacy('FQ901')]);

    const reasons = problemsLoading().problems.map(
      (p) => `${path.basename(p.file)} ${p.element}: ${p.reason}`,
    );

    expect(reasons).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^wave-3.json providers\\[1\\] \\(${taken}\\): duplicate ODS code ${taken}, already listed at .*providers.json`,
        ),
      ),
    );
    expect(reasons).toContainEqual(
      expect.stringMatching(
        /^wave-4.json providers\[0\] \(FQ901\): duplicate ODS code FQ901, already listed at .*wave-3.json providers\[0\]/,
      ),
    );
  });

  it('given a bad code shape, an unknown ICS and a misspelt key, names every problem at once', () => {
    writeWave('wave-5.json', 'wave-5', [
      pharmacy('fq901'),
      pharmacy('FQ902', 'QXX'),
      { ...pharmacy('FQ903'), Status: 'ACTIVE' },
    ]);

    const reasons = problemsLoading().problems.map((p) => `${p.element}: ${p.reason}`);

    expect(reasons).toEqual([expect.stringMatching(/^providers\[2\] \(FQ903\): Unrecognized key.*Status/)]);
    // Schema problems stop a file before the cross-file checks; fix the key and the rest are reported together.
    writeWave('wave-5.json', 'wave-5', [pharmacy('fq901'), pharmacy('FQ902', 'QXX')]);
    expect(problemsLoading().problems.map((p) => `${p.element}: ${p.reason}`)).toEqual([
      'providers[0] (fq901): ODS code "fq901" is not shaped like a COMMUNITY_PHARMACY code (F and 4 letters or digits, e.g. FA123)',
      'providers[1] (FQ902): unknown ICS "QXX" (regions.json has QHL, QWU, QGH, QOC, QUA, QNC)',
    ]);
  });

  it('given two files claiming the same wave, refuses the second', () => {
    writeWave('a.json', 'wave-6', [pharmacy('FQ901')]);
    writeWave('b.json', 'wave-6', [pharmacy('FQ902')]);

    expect(problemsLoading().problems).toEqual([
      {
        file: expect.stringMatching(/b\.json$/),
        element: 'wave',
        reason: expect.stringMatching(/already onboarded by .*a\.json/),
      },
    ]);
  });

  it('given a file that is not JSON or an onboarding directory that does not exist, says so', () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"wave": ');
    const error = thrownBy(DirectoryError, () =>
      loadProviderDirectory({ onboardingDirs: [dir, path.join(dir, 'missing')] }),
    );
    expect(error.problems.map((p) => [path.basename(p.file), p.element, p.reason.split(':')[0]])).toEqual([
      ['broken.json', '(file)', 'not valid JSON'],
      ['missing', '(directory)', 'onboarding directory not found'],
    ]);
  });
});

describe('a directory release with mistakes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-directory-'));
    for (const file of ['regions.json', 'providers.json', 'provider-types.json']) {
      fs.copyFileSync(path.join(dataDir, file), path.join(dir, file));
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Typed as the valid file is; a test that breaks it on purpose says so with a cast. */
  function edit(file: 'providers.json', change: (json: ProvidersFile) => void): void;
  function edit(file: 'provider-types.json', change: (json: ProviderTypesFile) => void): void;
  function edit(file: string, change: (json: never) => void): void {
    const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as never;
    change(json);
    fs.writeFileSync(path.join(dir, file), JSON.stringify(json));
  }
  const reasons = () =>
    thrownBy(DirectoryError, () => loadProviderDirectory({ dataDir: dir, onboardingDirs: [] })).problems.map(
      (p) => `${path.basename(p.file)} ${p.element}: ${p.reason}`,
    );

  it('given an unchanged copy, loads it from the given data directory', () => {
    expect(loadProviderDirectory({ dataDir: dir, onboardingDirs: [] }).counts().total).toBe(848);
  });

  it('given a council provider without its ONS code, or with another ICS’s council, refuses it', () => {
    edit('providers.json', (json) => {
      const councils = json.providers.filter((p) => p.type === 'LOCAL_AUTHORITY');
      delete councils[0].councilCode;
      councils[1].councilCode = 'E08000021'; // Newcastle upon Tyne: not in the West Midlands
    });
    expect(reasons()).toEqual([
      expect.stringMatching(
        /^providers.json providers\[\d+\] \(\w{3}\): a LOCAL_AUTHORITY provider needs the ONS councilCode/,
      ),
      expect.stringMatching(
        /^providers.json providers\[\d+\] \(\w{3}\): council E08000021 is not a council of QHL/,
      ),
    ]);
  });

  it('given a GP practice with a council code, refuses it', () => {
    edit('providers.json', (json) => (json.providers[0].councilCode = 'E08000025'));
    expect(reasons()).toEqual([
      expect.stringMatching(/providers\[0\] \(M\d{5}\): only a LOCAL_AUTHORITY provider has a councilCode/),
    ]);
  });

  it('given a provider type missing from provider-types.json, names it', () => {
    edit('provider-types.json', (json) => delete (json.types as Partial<ProviderTypesFile['types']>).HOSPICE);
    expect(reasons()).toEqual(['provider-types.json types.HOSPICE: Required']);
  });

  it('given a policy that lets a type start encounters it cannot end, or publish records it cannot remove, refuses it', () => {
    edit('provider-types.json', (json) => {
      json.types.CARE_HOME.recordKinds = ['consultation', 'removal'];
      json.types.HOSPICE.recordKinds = ['death'];
    });
    expect(reasons()).toEqual([
      'provider-types.json types.HOSPICE.recordKinds: may publish records but not remove them (entered in error, wrong patient): add removal',
      'provider-types.json types.CARE_HOME.recordKinds: may start encounters (consultation) but not end them: add encounter-outcome',
    ]);
  });

  it('given an unknown record kind or format, names the element', () => {
    edit('provider-types.json', (json) => {
      (json.types.GP_PRACTICE.recordKinds as string[]).push('x-ray');
      json.types.GP_PRACTICE.formats = ['fhir', 'csv' as 'fhir'];
    });
    expect(reasons()).toEqual([
      expect.stringMatching(/^provider-types.json types.GP_PRACTICE.formats\[1\]: Invalid enum value/),
      expect.stringMatching(/^provider-types.json types.GP_PRACTICE.recordKinds\[21\]: Invalid enum value/),
    ]);
  });

  it('given a missing providers.json, names the file', () => {
    fs.rmSync(path.join(dir, 'providers.json'));
    expect(reasons()).toEqual(['providers.json (file): file not found']);
  });
});
