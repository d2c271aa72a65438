import { envValue } from './env';
import { spawnSync } from 'node:child_process';
import { StackError } from './stack-error';

const REQUIRED_MAJOR = 17;

/** Parses the major version from `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/** The broker needs Java 17 or newer; say so plainly instead of letting the JVM fail on class versions. */
export function checkJava(javaCommand = javaExecutable()): string {
  const result = spawnSync(javaCommand, ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new StackError(
      `java not found (${javaCommand}): install JDK ${REQUIRED_MAJOR} or newer ` +
        '(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME',
    );
  }
  const major = javaMajorVersion(`${result.stderr}${result.stdout}`);
  if (major === undefined || major < REQUIRED_MAJOR) {
    throw new StackError(
      `java at ${javaCommand} is version ${major ?? 'unknown'}; Kafka 4 needs JDK ${REQUIRED_MAJOR} or newer`,
    );
  }
  return javaCommand;
}

export function javaExecutable(): string {
  const home = envValue('JAVA_HOME');
  return home ? `${home}/bin/java` : 'java';
}
