import { pbkdf2Sync } from 'node:crypto';
import { scramBootstrapArgument } from './kafka-scram';

describe('scramBootstrapArgument', () => {
  it('gives kafka-storage a salted password (RFC 5802 Hi) and never the password', () => {
    const salt = Buffer.from('0123456789abcdef');
    const argument = scramBootstrapArgument('crosscare-admin', 'pa55word', salt, 4096);
    const expected = pbkdf2Sync('pa55word', salt, 4096, 64, 'sha512').toString('base64');
    expect(argument).toBe(
      `SCRAM-SHA-512=[name=crosscare-admin,iterations=4096,salt="${salt.toString('base64')}",saltedpassword="${expected}"]`,
    );
    expect(argument).not.toContain('pa55word');
  });

  it('draws a new salt each time, so two users with one password are not alike', () => {
    expect(scramBootstrapArgument('a', 'same')).not.toBe(scramBootstrapArgument('a', 'same'));
  });
});
