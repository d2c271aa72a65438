import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasCommand, runCommand } from './commands';
import { KAFKA_POM, type StackPaths } from './paths';
import type { Progress } from './progress';
import { StackError } from './stack-error';

/** The Kafka version pinned in deploy/kafka/pom.xml: the one place it is written down. */
export function kafkaVersion(pomPath = KAFKA_POM): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(pomPath, 'utf8'));
  if (!match) throw new StackError(`${pomPath} does not define <kafka.version>`);
  return match[1].trim();
}

export interface KafkaDistribution {
  readonly version: string;
  /** Directory holding the broker's jars; the JVM classpath is `<libs>/*`. */
  readonly libs: string;
}

/**
 * Fetches the broker's jars from Maven Central into the cache, once per version. A marker file is written only
 * after Maven succeeds, so an interrupted download is redone rather than half-used.
 */
export async function ensureKafkaDistribution(
  paths: StackPaths,
  progress: Progress,
): Promise<KafkaDistribution> {
  const version = kafkaVersion();
  const dir = path.join(paths.cache, `kafka-${version}`);
  const libs = path.join(dir, 'libs');
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return { version, libs };

  if (!hasCommand('mvn')) {
    throw new StackError(
      'mvn not found: install Apache Maven (Debian: apt-get install maven) to fetch the Kafka jars',
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(paths.logs, { recursive: true });
  const logFile = path.join(paths.logs, 'kafka-fetch.log');

  await progress.step(`Fetching Apache Kafka ${version} jars from Maven Central (once)`, async (tick) => {
    let downloaded = 0;
    const log = fs.createWriteStream(logFile);
    try {
      await runCommand(
        'mvn',
        ['-B', '-f', KAFKA_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`],
        {
          onOutput: (chunk) => {
            log.write(chunk);
            downloaded += (chunk.match(/Downloaded from/g) ?? []).length;
            tick(`${downloaded} files downloaded`);
          },
        },
      );
    } finally {
      log.end();
    }
  });

  if (!fs.existsSync(path.join(libs, `kafka_2.13-${version}.jar`))) {
    throw new StackError(
      `Maven finished but kafka_2.13-${version}.jar is missing from ${libs}; see ${logFile}`,
    );
  }
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { version, libs };
}
