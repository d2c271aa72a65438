import { TestKafka } from './test-kafka';
import { TestSchema } from './test-schema';

describe('TestKafka (real broker)', () => {
  const kafka = new TestKafka();
  afterAll(() => kafka.cleanup());

  it('waitForMessages returns what was produced, with keys, partitions and headers', async () => {
    const topic = await kafka.createTopic({ partitions: 2 });
    const producer = await kafka.producer();
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: '1', headers: { source: 'test' } },
        { key: 'b', value: '2' },
      ],
    });
    const messages = await kafka.waitForMessages(topic, 2);
    expect(messages.map((m) => m.key).sort()).toEqual(['a', 'b']);
    expect(messages.find((m) => m.key === 'a')?.headers.source?.toString()).toBe('test');
  });

  it('waitForMessages fails naming the topic and how many messages are missing', async () => {
    const topic = await kafka.createTopic({ partitions: 1 });
    const producer = await kafka.producer();
    await producer.send({ topic, messages: [{ key: 'only', value: 'one' }] });
    await expect(kafka.waitForMessages(topic, 3, { timeoutMs: 4000 })).rejects.toThrow(
      `Timed out after 4000 ms waiting for 3 message(s) on topic ${topic}: received 1, missing 2 (received at: 0@0)`,
    );
  });

  it('cleanup deletes the topics it created', async () => {
    const own = new TestKafka();
    const topic = await own.createTopic();
    await own.cleanup();
    const admin = await kafka.connectedAdmin();
    // Topic deletion is asynchronous on the broker; it must be gone or marked for deletion.
    const deadline = Date.now() + 10_000;
    while ((await admin.listTopics()).includes(topic) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await admin.listTopics()).not.toContain(topic);
  });
});

describe('TestSchema (real Postgres)', () => {
  it('gives each suite a schema of its own that others cannot see, and drop() removes it', async () => {
    const first = await TestSchema.create('first');
    const second = await TestSchema.create('second');
    try {
      await first.query('create table patient (nhs_number text primary key)');
      await first.query(`insert into patient values ('9990000018')`);
      await second.query('create table patient (nhs_number text primary key)');

      expect((await first.query('select count(*)::int as n from patient')).rows[0].n).toBe(1);
      expect((await second.query('select count(*)::int as n from patient')).rows[0].n).toBe(0);
    } finally {
      await first.drop();
      await second.drop();
    }
    const probe = await TestSchema.create('probe');
    try {
      const { rows } = await probe.query(
        'select schema_name from information_schema.schemata where schema_name = any($1)',
        [[first.name, second.name]],
      );
      expect(rows).toEqual([]);
    } finally {
      await probe.drop();
    }
  });
});
