import type { PatientTimeline } from './patient-timeline';

/**
 * Patients' timelines by their next event's recording time (then by patient, so ties are stable): a binary
 * min-heap, since a region streams a million events through a queue of tens of thousands of patients.
 */
export class TimelineQueue {
  private readonly heap: PatientTimeline[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): PatientTimeline | undefined {
    return this.heap[0];
  }

  push(timeline: PatientTimeline): void {
    this.heap.push(timeline);
    this.up(this.heap.length - 1);
  }

  /** After the first timeline's head moved on: back into place, or out when it has nothing left. */
  settleFirst(): void {
    const first = this.heap[0];
    if (first.head === undefined) {
      const last = this.heap.pop()!;
      if (this.heap.length === 0) return;
      this.heap[0] = last;
    }
    this.down(0);
  }

  private up(index: number): void {
    const { heap } = this;
    const item = heap[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(item, heap[parent])) break;
      heap[index] = heap[parent];
      index = parent;
    }
    heap[index] = item;
  }

  private down(index: number): void {
    const { heap } = this;
    const item = heap[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right], heap[left]) ? right : left;
      if (!before(heap[child], item)) break;
      heap[index] = heap[child];
      index = child;
    }
    heap[index] = item;
  }
}

function before(a: PatientTimeline, b: PatientTimeline): boolean {
  const at = a.head!.header.recordedAt;
  const bt = b.head!.header.recordedAt;
  return at < bt || (at === bt && a.plan.index < b.plan.index);
}
