import type { DataSource } from 'typeorm';
import { readMergePointers } from './merge-pointers';
import { followMerges } from './merge-resolution';
import { patientNumbers, patientRecordSet, type PatientRecordSet } from './patient-record-set';
import { readRemoteRecords } from './remote-records';
import { inServingSnapshot, isServingReadModelCreated } from './serving-snapshot';
import { readStoredPatients } from './stored-patients';
import { searchHistory, type HistoryPage, type HistorySearch } from './patient-history';
import { ACCESS_EVENT_TYPES, readPatientProviders, type PatientHistoryAccess } from './patient-providers';

/**
 * Reads one collaborative's read model (the projector's tables; this service never writes them): the patient's
 * own items, and the other collaborative's published record of them. The read model is named by configuration and
 * served by whichever schema the projectors' control table points it at, so a rebuild's switch is followed on the
 * next read.
 */
export class ReadModelReader {
  constructor(
    private readonly db: DataSource,
    private readonly collaborative: string,
    /** The read model's name (RECORD_API_DATABASE_SCHEMA): its schema until a rebuild switches it. */
    private readonly readModel: string,
  ) {}

  /**
   * Everything held for the patient, merges followed. One read-only repeatable-read transaction, so the sequence
   * numbers the audit records are exactly those of the rows shown, however the projector writes meanwhile.
   */
  loadPatient(nhsNumber: string): Promise<PatientRecordSet> {
    return inServingSnapshot(this.db, this.readModel, async (tx) => {
      const resolution = await followMerges(nhsNumber, (n) => readMergePointers(tx, n));
      let local = await readStoredPatients(tx, resolution.path);
      let remote = await readRemoteRecords(tx, resolution.path);
      const more = patientNumbers(resolution, local, remote).filter((n) => !resolution.path.includes(n));
      if (more.length > 0) {
        local = [...local, ...(await readStoredPatients(tx, more))];
        remote = [...remote, ...(await readRemoteRecords(tx, more))];
      }
      return patientRecordSet({ resolution, collaborative: this.collaborative, local, remote });
    });
  }

  /**
   * A search of one patient's history, in one snapshot with what decides it. `decide` is given the patient as the
   * access rules see them (the set with only the items they read, and every provider holding an item) and returns
   * the search to run, or null when the request is refused: then nothing of the history is read.
   */
  searchHistory(
    nhsNumber: string,
    decide: (patient: PatientHistoryAccess) => HistorySearch | null,
  ): Promise<{ readonly patient: PatientHistoryAccess; readonly page: HistoryPage | null }> {
    return inServingSnapshot(this.db, this.readModel, async (tx) => {
      const resolution = await followMerges(nhsNumber, (n) => readMergePointers(tx, n));
      const read = (numbers: readonly string[]) =>
        Promise.all([
          readStoredPatients(tx, numbers, ACCESS_EVENT_TYPES),
          readRemoteRecords(tx, numbers, ACCESS_EVENT_TYPES),
        ]);
      let [local, remote] = await read(resolution.path);
      const more = patientNumbers(resolution, local, remote).filter((n) => !resolution.path.includes(n));
      if (more.length > 0) {
        const [moreLocal, moreRemote] = await read(more);
        local = [...local, ...moreLocal];
        remote = [...remote, ...moreRemote];
      }
      const numbers = patientNumbers(resolution, local, remote);
      const providers = await readPatientProviders(tx, numbers);
      const set = patientRecordSet({
        resolution,
        collaborative: this.collaborative,
        local,
        remote,
        localNumbersWithItems: providers.localNumbers,
      });
      const patient: PatientHistoryAccess = { set, providers: providers.providers };
      const search = decide(patient);
      if (search === null) return { patient, page: null };
      const remoteSources = set.sources.filter((source) => source.collaborative !== this.collaborative);
      const page = await searchHistory(
        tx,
        this.collaborative,
        {
          local: set.sources.filter((s) => s.collaborative === this.collaborative).map((s) => s.nhsNumber),
          remote: remoteSources.map((s) => s.nhsNumber),
          remoteCollaborative: remoteSources[0]?.collaborative ?? '',
        },
        search,
      );
      return { patient, page };
    });
  }

  /** Whether the serving schema's tables are there: the projector creates them, and may not have yet. */
  isReady(): Promise<boolean> {
    return isServingReadModelCreated(this.db, this.readModel);
  }
}
