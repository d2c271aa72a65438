import { parseSsOwner } from './ports';

const SS = [
  'LISTEN 0      50     [::ffff:127.0.0.1]:19092            *:*    users:(("java",pid=6126,fd=65))',
  'LISTEN 0      50     [::ffff:127.0.0.1]:9092             *:*    users:(("java",pid=6126,fd=95))',
  'LISTEN 0      244          127.0.0.1:5432          0.0.0.0:*    users:(("postgres",pid=77,fd=6))',
].join('\n');

describe('parseSsOwner', () => {
  it('finds the process listening on exactly that port, not one that ends the same', () => {
    expect(parseSsOwner(SS, 9092)).toEqual({ pid: 6126, command: 'java' });
    expect(parseSsOwner(SS, 5432)).toEqual({ pid: 77, command: 'postgres' });
  });

  it('answers undefined when nothing listens there', () => {
    expect(parseSsOwner(SS, 8081)).toBeUndefined();
  });
});
