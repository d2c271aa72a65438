import { errorMessage } from '@crosscare/errors';
import { ReadModelControl } from '@crosscare/read-model';
import { Logger } from '@nestjs/common';
import type { ProjectorConfig } from './projector-config';
import { ProjectorServices } from './projector-services';

const POINTER_CHECK_MS = 1000;

/**
 * A projector that follows its read model: it projects into the schema now serving the read model named by
 * PROJECTOR_DATABASE_SCHEMA, and when a rebuild switches that to a fresh schema it stops and starts again on the new
 * one, resuming from the positions the rebuild stored there.
 */
export class ProjectorRuntime {
  private current!: ProjectorServices;
  private reopening?: Promise<void>;
  private watch?: NodeJS.Timeout;
  private readonly log: Logger;

  private constructor(
    readonly config: ProjectorConfig,
    private readonly control: ReadModelControl,
  ) {
    this.log = new Logger(`Projector ${config.collaborative}`);
  }

  static async start(config: ProjectorConfig): Promise<ProjectorRuntime> {
    const control = await ReadModelControl.open(config.database);
    const runtime = new ProjectorRuntime(config, control);
    try {
      runtime.current = await runtime.startServices();
    } catch (error) {
      await control.close();
      throw error;
    }
    runtime.watchPointer();
    return runtime;
  }

  /** The services of the schema now projected into. */
  get services(): ProjectorServices {
    return this.current;
  }

  /** Resolves once a switch in progress (if any) has finished. */
  async settled(): Promise<void> {
    await this.reopening;
  }

  async stop(): Promise<void> {
    clearInterval(this.watch);
    await this.reopening?.catch(() => undefined);
    await this.current.stop();
    await this.control.close();
  }

  private async startServices(): Promise<ProjectorServices> {
    const schema = await this.control.activeSchema(this.config.databaseSchema);
    return ProjectorServices.start(this.config, { schema, onReadModelSwitched: () => this.reopen() });
  }

  /**
   * Batches notice a switch as soon as they run; an idle projector (no events) looks at the pointer every second,
   * so that it relays the switch's changelog records and reports its schema without waiting for traffic.
   */
  private watchPointer(): void {
    this.watch = setInterval(() => {
      if (this.reopening) return;
      this.control
        .activeSchema(this.config.databaseSchema)
        .then((schema) => {
          if (schema !== this.current.schema) this.reopen();
        })
        .catch(() => undefined);
    }, POINTER_CHECK_MS).unref();
  }

  private reopen(): void {
    this.reopening ??= (async () => {
      const previous = this.current;
      await previous.stop();
      this.current = await this.startServices();
      this.log.log(
        `read model ${this.config.databaseSchema} switched: now projecting into ${this.current.schema}`,
      );
    })()
      .catch((error: unknown) => {
        // Without a read model to project into, the instance is of no use: exit so that it is restarted.
        this.log.error(`could not reopen the switched read model: ${errorMessage(error)}`);
        process.exit(1);
      })
      .finally(() => {
        this.reopening = undefined;
      });
  }
}
