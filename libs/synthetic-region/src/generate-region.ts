import type { RecordChangeEvent } from '@crosscare/events';
import { planPatient } from './patients/patient-plan';
import { regionFrame, type RegionOptions } from './region-options';
import { PatientTimeline } from './stream/patient-timeline';
import { TimelineQueue } from './stream/timeline-queue';

/**
 * A seeded synthetic West Midlands region: `patients` patients' record changes over `days` days, from every kind
 * of provider in the directory, as one stream ordered by when Crosscare recorded them, patients interleaved as a
 * live region's are. Events are made as they are pulled (a million-event region is never held in memory), and the
 * same options always give the same events.
 *
 * Correlation ids are `${correlationPrefix}-<seed>-<n>`, n counting the region's messages (one provider's changes
 * sent at one moment) in stream order.
 */
export function* generateRegion(options: RegionOptions): Generator<RecordChangeEvent, void, undefined> {
  const region = regionFrame(options);
  const queue = new TimelineQueue();
  for (let index = 0; index < region.patients; index++) {
    const timeline = new PatientTimeline(region, planPatient(region, index));
    if (timeline.head !== undefined) queue.push(timeline);
  }
  const correlationStem = `${region.correlationPrefix}-${region.seed}-`;
  let messages = 0;
  for (let timeline = queue.peek(); timeline !== undefined; timeline = queue.peek()) {
    const event = timeline.head!;
    if (timeline.headMessage !== timeline.correlatedMessage) {
      timeline.correlatedMessage = timeline.headMessage;
      timeline.correlationId = `${correlationStem}${++messages}`;
    }
    event.header.correlationId = timeline.correlationId;
    timeline.advance();
    queue.settleFirst();
    yield event;
  }
}
