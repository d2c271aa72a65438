import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { columnValue, type KindLayout } from './export-columns';
import { parquetSchema } from './parquet-schema';

export interface WrittenFile {
  readonly rows: number;
  readonly bytes: number;
  /** Lower-case hex, as sha256sum prints it. */
  readonly sha256: string;
}

export interface KindFileOptions {
  /** Rows held per column before they are written as one row group: what bounds the export's memory. */
  readonly rowGroupRows: number;
  /** The file's created_by, naming the writer and its version. */
  readonly createdBy: string;
  readonly mode: number;
}

/**
 * One event kind's Parquet file, written a row group at a time: rows are held column by column until a row group is
 * full, then encoded, compressed (Snappy) and appended to the file, so memory holds one row group per kind, never a
 * whole file. The bytes are hashed as they go out, so the checksum costs no second read.
 */
export class ParquetKindFile {
  private readonly buffered: unknown[][];
  private held = 0;
  private written = 0;

  private constructor(
    private readonly layout: KindLayout,
    private readonly sink: HashingFileSink,
    private readonly parquet: ParquetWriter,
    private readonly rowGroupRows: number,
  ) {
    this.buffered = layout.columns.map(() => []);
  }

  static async create(path: string, layout: KindLayout, options: KindFileOptions): Promise<ParquetKindFile> {
    // wx: the export's own fresh directory holds no such file; finding one means something else writes there.
    const handle = await open(path, 'wx', options.mode);
    await handle.chmod(options.mode); // exactly this, whatever the umask
    const sink = new HashingFileSink(handle);
    const parquet = new ParquetWriter({
      writer: sink,
      schema: parquetSchema(layout.columns),
      codec: 'SNAPPY',
      createdBy: options.createdBy,
    });
    return new ParquetKindFile(layout, sink, parquet, options.rowGroupRows);
  }

  get rows(): number {
    return this.written + this.held;
  }

  async append(row: Readonly<Record<string, unknown>>): Promise<void> {
    this.layout.columns.forEach((column, i) => this.buffered[i].push(columnValue(row, column)));
    if (++this.held >= this.rowGroupRows) await this.writeRowGroup();
  }

  /** Writes what is held and the footer, and closes the file. */
  async close(): Promise<WrittenFile> {
    if (this.held > 0) await this.writeRowGroup();
    await this.parquet.finish();
    await this.sink.close();
    return { rows: this.written, bytes: this.sink.offset, sha256: this.sink.digest() };
  }

  /** After a failure: the file is left incomplete, in a directory the caller removes. */
  async abandon(): Promise<void> {
    await this.sink.abandon();
  }

  private async writeRowGroup(): Promise<void> {
    const columnData = this.layout.columns.map((column, i) => ({
      name: column.name,
      data: this.buffered[i],
    }));
    await this.parquet.write({ columnData, rowGroupSize: this.held });
    this.written += this.held;
    this.held = 0;
    this.buffered.forEach((_, i) => (this.buffered[i] = []));
  }
}

/**
 * hyparquet-writer's byte buffer, emptied into the file after every row group (the writer calls flush then, and
 * awaits it) and by close(). `offset` stays the total written, which the writer uses for the footer's offsets.
 */
class HashingFileSink extends ByteWriter {
  private readonly hash = createHash('sha256');
  private closed = false;

  constructor(private readonly handle: FileHandle) {
    super(1 << 20);
  }

  flush(): Promise<void> {
    // A copy: the buffer is reused for the next row group while this one is written.
    const chunk = Buffer.from(this.buffer.slice(0, this.index));
    this.index = 0;
    this.hash.update(chunk);
    return writeAll(this.handle, chunk);
  }

  /** After the writer's finish(), which leaves the footer in the buffer (ByteWriter's finish, a no-op). */
  async close(): Promise<void> {
    await this.flush();
    await this.handle.sync();
    this.closed = true;
    await this.handle.close();
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  async abandon(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let at = 0;
  while (at < chunk.length) at += (await handle.write(chunk, at, chunk.length - at)).bytesWritten;
}
