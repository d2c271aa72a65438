import type { RecordChangeEvent } from '@crosscare/events';
import { SEARCHED_EVENT_TYPES, type SearchableResourceType } from '@crosscare/fhir';
import type { EntityManager } from 'typeorm';
import { storedItemDecoder } from '../changelog/item-encoding';

/** A bound on a resource's date: epoch ms, already widened or narrowed for the precision the caller gave. */
export interface HistoryDateBound {
  readonly comparator: 'ge' | 'gt' | 'le' | 'lt';
  readonly at: number;
}

/**
 * Where a page of a search ended: the last resource's date (epoch microseconds, as the read model stores it, so
 * the next page starts exactly after it) and its record. Items arriving later with a newer date sort before it,
 * so the pages after it neither skip nor repeat anything that was there when the search began.
 */
export interface HistoryPosition {
  readonly date: number | null;
  readonly providerOdsCode: string;
  readonly sourceRecordId: string;
  readonly part: string;
}

/** One search of one patient's history, in the read model's terms (the index libs/fhir's searchIndexOf fills). */
export interface HistorySearch {
  readonly resourceType: SearchableResourceType;
  /** AND of ORs of index tokens (`system|code`, `code`, `|code`). */
  readonly codes: readonly (readonly string[])[];
  readonly dates: readonly HistoryDateBound[];
  /** Any of these statuses; empty for any status. */
  readonly statuses: readonly string[];
  /** Only this organisation's own items (upper case): the patient objects to sharing. */
  readonly ownItemsOf: string | null;
  readonly sort: 'date' | '-date';
  readonly after: HistoryPosition | null;
  /** Resources to return; 0 for the total only. */
  readonly count: number;
}

/** An item as shown: its event and the collaborative whose read model held it. */
export interface HistoryItem {
  readonly event: RecordChangeEvent;
  readonly collaborative: string;
}

/** One resource found: its items (one, or an encounter's start and then its end) and its place in the order. */
export interface FoundResource {
  readonly position: HistoryPosition;
  readonly items: readonly HistoryItem[];
}

export interface HistoryPage {
  /** Matches over every page. */
  readonly total: number;
  readonly resources: readonly FoundResource[];
  /** Where the next page starts; null on the last page. */
  readonly next: HistoryPosition | null;
}

/** Where the patient's items are kept: the numbers of this side's snapshots and of the other side's. */
export interface HistoryNumbers {
  readonly local: readonly string[];
  readonly remote: readonly string[];
  /** The other side's collaborative, as its heads name it. */
  readonly remoteCollaborative: string;
}

/**
 * Searches one patient's items, in the transaction the caller's snapshot is. Every statement is bounded by the
 * patient's NHS numbers, and read through record_item_search / remote_record_item_search: however long the
 * history, a search reads one patient's rows of one resource type, never another patient's.
 *
 * Both collaboratives may hold one provider record (the higher version wins, as the record view decides), and an
 * encounter's start and end are one resource: both are settled in SQL before counting and paging, so a total is the
 * number of resources a caller pages through.
 */
export async function searchHistory(
  tx: Pick<EntityManager, 'query'>,
  collaborative: string,
  numbers: HistoryNumbers,
  search: HistorySearch,
): Promise<HistoryPage> {
  const found =
    search.resourceType === 'Encounter'
      ? await groupedPage(tx, numbers, search)
      : await itemPage(tx, numbers, search);
  const page = found.rows.slice(0, search.count);
  const positions = page.map((row): HistoryPosition => ({
    date: row.d_us === null ? null : Number(row.d_us),
    providerOdsCode: row.p,
    sourceRecordId: row.s,
    part: row.g,
  }));
  const items = await readPageItems(tx, collaborative, numbers, search.resourceType, positions);
  return {
    total: found.total,
    resources: positions.map((position) => ({ position, items: items.get(groupKey(position)) ?? [] })),
    next: search.count > 0 && found.rows.length > search.count ? positions[positions.length - 1] : null,
  };
}

/** A page's rows (one more than asked for, when there are more) and the total over every page. */
interface FoundRows {
  readonly total: number;
  readonly rows: readonly PageRow[];
}

/** Builds a statement's parameters as it is written. */
class Parameters {
  readonly values: unknown[] = [];
  constructor(initial: readonly unknown[]) {
    this.values.push(...initial);
  }
  add(value: unknown, cast = ''): string {
    return `$${this.values.push(value)}${cast}`;
  }
}

/**
 * One item per resource (everything but encounters). Each side is read in the index's order from the position on,
 * as far as one page, so a page costs about its own size whatever the history; only the total counts every match.
 * An item the other side holds a later version of is left out (the record view shows that one).
 */
async function itemPage(
  tx: Pick<EntityManager, 'query'>,
  numbers: HistoryNumbers,
  search: HistorySearch,
): Promise<FoundRows> {
  const params = new Parameters([search.resourceType]);
  // Each side's numbers as one array parameter, written only if a statement refers to it (an unused one has no type).
  const arrays = new Map<'local' | 'remote', string>();
  const all = (side: 'local' | 'remote') => {
    if (!arrays.has(side))
      arrays.set(side, params.add(side === 'local' ? numbers.local : numbers.remote, '::text[]'));
    return arrays.get(side) as string;
  };
  // One number (the usual case) as an equality, so the index gives rows in the page's order; after a merge, any.
  const patientIs = (held: readonly string[], side: 'local' | 'remote') =>
    held.length === 1 ? `= ${params.add(held[0])}` : `= any(${all(side)})`;
  const sides = [
    {
      table: 'record_item',
      patient: numbers.local.length > 0 ? patientIs(numbers.local, 'local') : '',
      live: 'and not i.removed',
      other: 'remote' as const,
    },
    {
      table: 'remote_record_item',
      patient: numbers.remote.length > 0 ? patientIs(numbers.remote, 'remote') : '',
      live: '',
      other: 'local' as const,
    },
  ].filter((side) => side.patient !== '');
  const losers =
    sides.length === 2 ? await supersededItems(tx, numbers, search.resourceType) : { local: [], remote: [] };
  // Written once per side: the count and the page share the conditions, and so their parameters.
  const conditioned = sides.map((side) => ({
    ...side,
    where: [
      `i.nhs_number ${side.patient} ${side.live} and i.search_resource = $1`,
      ...filtersOf(search, params, 'i.'),
      ...notAmong(side.other === 'remote' ? losers.local : losers.remote, params),
    ].join(' and '),
  }));

  const [counted] = await tx.query<{ total: number }[]>(
    `select (${
      conditioned.length === 0
        ? '0'
        : conditioned.map((side) => `(select count(*) from ${side.table} i where ${side.where})`).join(' + ')
    })::int as total`,
    params.values,
  );
  const total = counted?.total ?? 0;
  if (search.count === 0 || conditioned.length === 0) return { total, rows: [] };

  const limit = params.add(search.count + 1);
  const direction = search.sort === '-date' ? 'desc' : 'asc';
  const parts = armsOf(search, params);
  const arms = conditioned.flatMap((side) =>
    parts.map(
      (arm) => `(select i.provider_ods_code as p, i.source_record_id as s, i.part as g, i.search_date as d
         from ${side.table} i where ${side.where} and ${arm.condition}
         order by ${arm.order} limit ${limit})`,
    ),
  );
  const rows = await tx.query<PageRow[]>(
    `select p, s, g, (extract(epoch from d) * 1000000)::bigint::text as d_us
     from (${arms.join(' union all ')}) page
     order by d ${direction} nulls last, p, s, g limit ${limit}`,
    params.values,
  );
  return { total, rows };
}

/**
 * The parts of a page in index order: the dated rows from the position on, then those without a date (they come
 * last in either direction). Each is a range of the search index, so neither reads the pages before it.
 */
function armsOf(search: HistorySearch, params: Parameters): { condition: string; order: string }[] {
  const after = search.after;
  const direction = search.sort === '-date' ? 'desc' : 'asc';
  const dated = { order: `i.search_date ${direction}, i.provider_ods_code, i.source_record_id, i.part` };
  const undated = { order: 'i.provider_ods_code, i.source_record_id, i.part' };
  if (after === null)
    return [
      { ...dated, condition: 'i.search_date is not null' },
      { ...undated, condition: 'i.search_date is null' },
    ];
  const record = `(i.provider_ods_code, i.source_record_id, i.part) > (${params.add(after.providerOdsCode)}::text, ${params.add(after.sourceRecordId)}::text, ${params.add(after.part)}::text)`;
  if (after.date === null) return [{ ...undated, condition: `i.search_date is null and ${record}` }];
  const at = exactInstant(params.add(String(after.date)));
  const [beyond, reached] = search.sort === '-date' ? ['<', '<='] : ['>', '>='];
  return [
    {
      ...dated,
      condition: `i.search_date ${reached} ${at} and (i.search_date ${beyond} ${at} or ${record})`,
    },
    { ...undated, condition: 'i.search_date is null' },
  ];
}

/** A position's instant to the microsecond: a float conversion could put the boundary row on two pages or none. */
const exactInstant = (parameter: string) =>
  `(timestamptz 'epoch' + ${parameter}::bigint * interval '1 microsecond')`;

/** The condition that leaves out these items (a side's losers to the other side), if any. */
function notAmong(keys: readonly ItemKey[], params: Parameters): string[] {
  if (keys.length === 0) return [];
  const column = (pick: (key: ItemKey) => string) => `unnest(${params.add(keys.map(pick), '::text[]')})`;
  return [
    `(i.provider_ods_code, i.source_record_id, i.part) not in (select ${column((k) => k.providerOdsCode)}, ` +
      `${column((k) => k.sourceRecordId)}, ${column((k) => k.part)})`,
  ];
}

/** An item's identity in a side's table. */
interface ItemKey {
  readonly providerOdsCode: string;
  readonly sourceRecordId: string;
  readonly part: string;
}

/**
 * The items both sides hold (one provider record in both collaboratives' read models), each side's losers listed:
 * the record view shows the later version (its version, then when accepted; this side's on a tie). Found from the
 * other side's rows of the patient, which are few, so the common case (no item on both sides) costs one short index
 * scan, and the page and count statements need no join.
 */
async function supersededItems(
  tx: Pick<EntityManager, 'query'>,
  numbers: HistoryNumbers,
  resourceType: string,
): Promise<{ readonly local: ItemKey[]; readonly remote: ItemKey[] }> {
  const rows = await tx.query<(ItemKey & { remote_wins: boolean })[]>(
    `select r.provider_ods_code as "providerOdsCode", r.source_record_id as "sourceRecordId", r.part,
       (r.source_record_version, r.recorded_at) > (l.source_record_version, l.recorded_at) as remote_wins
     from remote_record_item r
     join record_item l
       on (l.provider_ods_code, l.source_record_id, l.part) = (r.provider_ods_code, r.source_record_id, r.part)
     where r.nhs_number = any($1::text[]) and r.search_resource = $3
       and l.nhs_number = any($2::text[]) and not l.removed`,
    [numbers.remote, numbers.local, resourceType],
  );
  const key = ({ providerOdsCode, sourceRecordId, part }: ItemKey): ItemKey => ({
    providerOdsCode,
    sourceRecordId,
    part,
  });
  return {
    local: rows.filter((row) => row.remote_wins).map(key),
    remote: rows.filter((row) => !row.remote_wins).map(key),
  };
}

/** The search's own conditions on an item's index columns (`prefix` names the row). */
function filtersOf(search: HistorySearch, params: Parameters, prefix: string): string[] {
  return [
    ...(search.ownItemsOf === null
      ? []
      : [`upper(${prefix}provider_ods_code) = ${params.add(search.ownItemsOf)}`]),
    ...search.codes.map((tokens) => `${prefix}search_codes && ${params.add(tokens, '::text[]')}`),
    ...search.dates.map(
      (bound) =>
        `${prefix}search_date ${COMPARATORS[bound.comparator]} to_timestamp(${params.add(bound.at)} / 1000.0)`,
    ),
    ...(search.statuses.length > 0
      ? [`${prefix}search_status = any(${params.add(search.statuses, '::text[]')})`]
      : []),
  ];
}

/**
 * Encounters: a start and an end are one resource, dated by its start and in the status its end gives, so the
 * patient's encounter items are paired before counting and paging. Encounters are few beside readings and
 * dispensings (a long-term patient has hundreds, not thousands), so pairing them all per search is affordable.
 */
async function groupedPage(
  tx: Pick<EntityManager, 'query'>,
  numbers: HistoryNumbers,
  search: HistorySearch,
): Promise<FoundRows> {
  const params = new Parameters([numbers.local, numbers.remote, search.resourceType]);
  const param = (value: unknown, cast = '') => params.add(value, cast);
  const own = search.ownItemsOf === null ? '' : `and upper(provider_ods_code) = ${param(search.ownItemsOf)}`;
  const codeMatches = search.codes.map((tokens, i) => `bool_or(c && ${param(tokens, '::text[]')}) as c${i}`);
  const conditions = [
    ...search.codes.map((_, i) => `c${i}`),
    ...search.dates.map(
      (bound) => `d ${COMPARATORS[bound.comparator]} to_timestamp(${param(bound.at)} / 1000.0)`,
    ),
    ...(search.statuses.length > 0 ? [`st = any(${param(search.statuses, '::text[]')})`] : []),
  ];
  const matched = `
    with found as (
      select provider_ods_code as p, source_record_id as s, part, event_type as t, search_date as d,
        search_status as st, search_codes as c, source_record_version as v, recorded_at as r, event_id as e
      from record_item
      where nhs_number = any($1::text[]) and not removed and search_resource = $3 ${own}
      union all
      select provider_ods_code, source_record_id, part, event_type, search_date, search_status, search_codes,
        source_record_version, recorded_at, ''
      from remote_record_item
      where nhs_number = any($2::text[]) and search_resource = $3 ${own}
    ), latest as (
      select distinct on (p, s, part) * from found order by p, s, part, v desc, r desc, e desc
    ), resources as (
      select p, s, 'EncounterStarted'::text as g,
        (array_agg(d order by t = 'EncounterEnded'))[1] as d,
        (array_agg(st order by t = 'EncounterEnded' desc))[1] as st
        ${codeMatches.map((m) => `, ${m}`).join('')}
      from latest group by p, s
    ), matched as (
      select p, s, g, d from resources ${conditions.length > 0 ? `where ${conditions.join(' and ')}` : ''}
    )`;
  const matchedParams = params.values.slice();
  if (search.count === 0) return { total: await countMatches(tx, matched, matchedParams), rows: [] };
  const order = search.sort === '-date' ? 'desc' : 'asc';
  const keyset = search.after === null ? '' : `where ${afterCondition(search.after, search.sort, param)}`;
  const rows = await tx.query<(PageRow & { total: number })[]>(
    `${matched}
     select (select count(*) from matched)::int as total, p, s, g,
       (extract(epoch from d) * 1000000)::bigint::text as d_us
     from matched ${keyset}
     order by d ${order} nulls last, p, s, g
     limit ${param(search.count + 1)}`,
    params.values,
  );
  return { total: rows[0]?.total ?? (await countMatches(tx, matched, matchedParams)), rows };
}

const COMPARATORS = { ge: '>=', gt: '>', le: '<=', lt: '<' } as const;

/** Rows after the position in the page order: dates without a value come last, records break ties. */
function afterCondition(
  after: HistoryPosition,
  sort: 'date' | '-date',
  param: (value: unknown, cast?: string) => string,
): string {
  const record = `(p, s, g) > (${param(after.providerOdsCode)}::text, ${param(after.sourceRecordId)}::text, ${param(after.part)}::text)`;
  if (after.date === null) return `(d is null and ${record})`;
  // Exact microseconds: a float conversion could land the boundary row on both pages or on neither.
  const at = exactInstant(param(String(after.date)));
  return `(d ${sort === '-date' ? '<' : '>'} ${at} or (d = ${at} and ${record}) or d is null)`;
}

/** The total alone: for _summary=count, and for a page past the last match, which has no row to carry it. */
async function countMatches(
  tx: Pick<EntityManager, 'query'>,
  matched: string,
  params: readonly unknown[],
): Promise<number> {
  const [row] = await tx.query<{ total: number }[]>(`${matched} select count(*)::int as total from matched`, [
    ...params,
  ]);
  return row?.total ?? 0;
}

/** The items of a page's resources, from either side, the latest version of each part, an encounter's start first. */
async function readPageItems(
  tx: Pick<EntityManager, 'query'>,
  collaborative: string,
  numbers: HistoryNumbers,
  resourceType: SearchableResourceType,
  positions: readonly HistoryPosition[],
): Promise<Map<string, HistoryItem[]>> {
  const byGroup = new Map<string, HistoryItem[]>();
  if (positions.length === 0) return byGroup;
  const rows = await tx.query<ItemRow[]>(
    `with wanted as (select unnest($3::text[]) as p, unnest($4::text[]) as s)
     select false as remote, provider_ods_code, source_record_id, part, source_record_version::text as v,
       recorded_at, event_id, item
     from record_item
     where nhs_number = any($1::text[]) and not removed and event_type = any($5::text[])
       and (provider_ods_code, source_record_id) in (select p, s from wanted)
     union all
     select true, provider_ods_code, source_record_id, part, source_record_version::text, recorded_at, '', item
     from remote_record_item
     where nhs_number = any($2::text[]) and event_type = any($5::text[])
       and (provider_ods_code, source_record_id) in (select p, s from wanted)`,
    [
      numbers.local,
      numbers.remote,
      positions.map((p) => p.providerOdsCode),
      positions.map((p) => p.sourceRecordId),
      SEARCHED_EVENT_TYPES[resourceType],
    ],
  );
  const decode = await storedItemDecoder(tx);
  const latest = new Map<string, ItemRow>();
  for (const row of rows) {
    const key = JSON.stringify([row.provider_ods_code, row.source_record_id, row.part]);
    const held = latest.get(key);
    if (held === undefined || isLater(row, held)) latest.set(key, row);
  }
  const wanted = new Set(positions.map(groupKey));
  for (const row of latest.values()) {
    const part = resourceType === 'Encounter' ? 'EncounterStarted' : row.part;
    const key = groupKey({
      providerOdsCode: row.provider_ods_code,
      sourceRecordId: row.source_record_id,
      part,
    });
    // A source record may hold other parts of the same type's search than the one matched (never today): skip them.
    if (!wanted.has(key)) continue;
    const items = byGroup.get(key) ?? [];
    items.push({
      event: decode(row.item),
      collaborative: row.remote ? numbers.remoteCollaborative : collaborative,
    });
    byGroup.set(key, items);
  }
  for (const items of byGroup.values()) items.sort((a, b) => partRank(a.event) - partRank(b.event));
  return byGroup;
}

/** The order the record view settles two versions of one item in (libs/fhir's shared-record-items). */
function isLater(candidate: ItemRow, held: ItemRow): boolean {
  const [a, b] = [BigInt(candidate.v ?? '0'), BigInt(held.v ?? '0')];
  if (a !== b) return a > b;
  const [ra, rb] = [candidate.recorded_at?.getTime() ?? 0, held.recorded_at?.getTime() ?? 0];
  if (ra !== rb) return ra > rb;
  return candidate.event_id > held.event_id;
}

const partRank = (event: RecordChangeEvent): number => (event.header.eventType === 'EncounterEnded' ? 1 : 0);

const groupKey = (position: Pick<HistoryPosition, 'providerOdsCode' | 'sourceRecordId' | 'part'>): string =>
  JSON.stringify([position.providerOdsCode, position.sourceRecordId, position.part]);

interface PageRow {
  p: string;
  s: string;
  g: string;
  d_us: string | null;
}

interface ItemRow {
  remote: boolean;
  provider_ods_code: string;
  source_record_id: string;
  part: string;
  v: string | null;
  recorded_at: Date | null;
  event_id: string;
  item: Buffer;
}
