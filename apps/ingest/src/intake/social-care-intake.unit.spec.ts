import { recordLocation } from './social-care-intake';

describe('where a record of a social care extract is, as its error messages name it', () => {
  it('given CSV, is its row counting the header as row 1', () => {
    expect(recordLocation('csv', 0)).toBe('row 2');
  });

  it('given JSON, is its pointer into the records array', () => {
    expect(recordLocation('json', 3)).toBe('/records/3');
  });
});
