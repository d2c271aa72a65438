import { encodeFrame, sdeNoticeTopic, sdeProjectTopic } from '@crosscare/events';
import { partitionOfKey } from '@crosscare/kafka';
import { projectRowSchema, type Pseudonymiser, type SdeProject } from '@crosscare/sde';
import * as avro from 'avsc';

/** One project as the publisher writes it: its rules, its key, its schema and its topics. */
export class ProjectOutput {
  readonly rowType: avro.Type;
  readonly dataTopic: string;
  readonly noticeTopic: string;

  constructor(
    readonly project: SdeProject,
    readonly pseudonyms: Pseudonymiser,
    /** The registry id of the project's row schema (registered by the schemas CLI; the publisher only looks up). */
    readonly schemaId: number,
    topicPrefix: string,
  ) {
    this.rowType = avro.Type.forSchema(projectRowSchema(project) as avro.Schema);
    this.dataTopic = sdeProjectTopic(project.id, project.output.version, topicPrefix);
    this.noticeTopic = sdeNoticeTopic(project.id, topicPrefix);
  }

  get id(): string {
    return this.project.id;
  }

  /** Every row and tombstone of a patient on one partition, chosen by the pseudonym, so they stay in order. */
  partitionOf(pseudonym: string): number {
    return partitionOfKey(pseudonym, this.project.output.partitions);
  }

  /** The Avro of a row, without the registry's frame (as stored). */
  encode(row: object): Buffer {
    return this.rowType.toBuffer(row);
  }

  /** A stored payload framed for the topic with the id it was written with. */
  frame(schemaId: number, payload: Buffer): Buffer {
    return encodeFrame(schemaId, payload);
  }
}
