import { javaMajorVersion } from './java';

describe('javaMajorVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "25" 2025-09-16', 25],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "21.0.2" 2024-01-16 LTS', 21],
  ])('reads %s as %d', (output, major) => expect(javaMajorVersion(output)).toBe(major));

  it('answers undefined for output it does not recognise', () => {
    expect(javaMajorVersion('bash: java: command not found')).toBeUndefined();
  });
});
