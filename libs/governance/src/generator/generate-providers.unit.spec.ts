import * as fs from 'node:fs';
import * as path from 'node:path';

import { regionsFileSchema } from '../directory/directory-files';
import { DEFAULT_DIRECTORY_DATA_DIR } from '../directory/load-provider-directory';
import { ICS_CODES } from '../directory/provider';
import {
  allocate,
  generateProviders,
  providersFileStatus,
  renderProvidersFile,
  RESERVED_CODES,
} from './generate-providers';

const dataDir = path.resolve(DEFAULT_DIRECTORY_DATA_DIR);
const regions = regionsFileSchema.parse(
  JSON.parse(fs.readFileSync(path.join(dataDir, 'regions.json'), 'utf8')),
);
const committed = fs.readFileSync(path.join(dataDir, 'providers.json'), 'utf8');

describe('generateProviders', () => {
  it('given the same regions twice, produces byte-identical files', () => {
    expect(renderProvidersFile(generateProviders(regions))).toBe(
      renderProvidersFile(generateProviders(regions)),
    );
  });

  it('given the committed regions, reproduces the committed providers.json (what --check asserts)', () => {
    expect(providersFileStatus(committed, renderProvidersFile(generateProviders(regions)))).toBe(
      'up-to-date',
    );
  });

  it('given a hand edit to providers.json, --check reports it stale; given no file, missing', () => {
    const generated = renderProvidersFile(generateProviders(regions));
    const edited = committed.replace(/"name": "[^"]+"/, '"name": "Edited By Hand Surgery"');
    expect(edited).not.toBe(committed);
    expect(providersFileStatus(edited, generated)).toBe('stale');
    expect(providersFileStatus(undefined, generated)).toBe('missing');
  });

  it('never hands out a code reserved by other fixtures, nor the same name twice', () => {
    const { providers } = generateProviders(regions);
    expect(providers.filter((p) => RESERVED_CODES.has(p.odsCode))).toEqual([]);
    expect(new Set(providers.map((p) => p.name)).size).toBe(providers.length);
  });

  it('reports progress, one line per provider type', () => {
    const lines: string[] = [];
    generateProviders(regions, (line) => lines.push(line));
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'GP_PRACTICE',
      'CARE_HOME',
      'HOSPICE',
      'ACUTE_TRUST',
      'MENTAL_HEALTH_TRUST',
      'COMMUNITY_TRUST',
      'SPECIALIST_TRUST',
      'AMBULANCE_TRUST',
      'LOCAL_AUTHORITY',
    ]);
  });
});

describe('allocate', () => {
  it('given 560 practices, splits them by population with parts adding up exactly', () => {
    expect(allocate(560, 1, [...ICS_CODES])).toEqual({
      QHL: 147,
      QWU: 86,
      QGH: 69,
      QOC: 43,
      QUA: 112,
      QNC: 103,
    });
  });

  it('given fewer than one per ICS by population, still gives every ICS its minimum', () => {
    expect(allocate(6, 1, [...ICS_CODES])).toEqual({ QHL: 1, QWU: 1, QGH: 1, QOC: 1, QUA: 1, QNC: 1 });
  });

  it('given no minimum, leaves the smallest ICSs without', () => {
    expect(allocate(4, 0, [...ICS_CODES])).toEqual({ QHL: 1, QWU: 1, QGH: 0, QOC: 0, QUA: 1, QNC: 1 });
  });

  it('given a minimum the total cannot meet, refuses', () => {
    expect(() => allocate(5, 1, [...ICS_CODES])).toThrow('cannot give 6 ICSs at least 1 of 5');
  });
});
