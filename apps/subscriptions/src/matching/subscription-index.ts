import type { AccessRoles, RecordSection } from '@crosscare/governance';
import type { SubscriptionRow } from '../store/subscription-store';

/** What matching needs of a subscription, with the sections its subscriber's role may see. */
export interface IndexedSubscription {
  readonly row: SubscriptionRow;
  readonly sections: ReadonlySet<RecordSection>;
}

/**
 * The subscriptions that may be notified, indexed by what scopes them to patients: a patient's NHS number, or the
 * practice whose registered patients they follow. Every subscription has one or both (the filter rules require it),
 * so an event is compared only with the subscriptions of its patient and of its patient's practice, not with every
 * subscription: ten thousand subscriptions cost a record change two map lookups.
 */
export class SubscriptionIndex {
  private readonly byPatient = new Map<string, IndexedSubscription[]>();
  private readonly byPractice = new Map<string, IndexedSubscription[]>();

  constructor(rows: readonly SubscriptionRow[], roles: AccessRoles) {
    for (const row of rows) {
      if (row.status === 'off') continue;
      const role = roles.role(row.role);
      // A role the roles file no longer has sees nothing: its subscriptions wait, unnumbered, until it returns.
      if (!role) continue;
      const entry = { row, sections: new Set(role.sections) };
      // Patient first: a subscription with both filters needs both to hold, and the patient's list is the shorter.
      if (row.filter.patient) push(this.byPatient, row.filter.patient, entry);
      else if (row.filter.registeredWith)
        push(this.byPractice, row.filter.registeredWith.toUpperCase(), entry);
    }
  }

  get size(): number {
    let n = 0;
    for (const list of this.byPatient.values()) n += list.length;
    for (const list of this.byPractice.values()) n += list.length;
    return n;
  }

  /** Whether any subscription follows a practice's list: then every event's patient needs their registration. */
  get followsPractices(): boolean {
    return this.byPractice.size > 0;
  }

  forPatient(nhsNumber: string): readonly IndexedSubscription[] {
    return this.byPatient.get(nhsNumber) ?? [];
  }

  forPractice(odsCode: string | null): readonly IndexedSubscription[] {
    return odsCode === null ? [] : (this.byPractice.get(odsCode.toUpperCase()) ?? []);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
