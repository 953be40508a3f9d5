/**
 * The guided tour of a failing run, generated from its failure story (model/failure-story.ts): an introduction that
 * names the expectation that fails, one step at each fault and each cause on the way, and a last step at the moment
 * it fails. Captions are the events' own texts plus what the picture shows changed; each step claims the state of
 * its subject, so that a test can hold the caption to the picture. `?tour=failure` opens it.
 */

import { eventList, type ViewTimeline } from './model/event-list.js';
import { type FailureStory, failureStory, type StateChange, type StoryEvent } from './model/failure-story.js';
import { formatClock } from './model/time.js';
import { bareSubject } from './model/tour-match.js';
import type { StepClaim, Tour, TourStep } from './tours.js';

export const FAILURE_TOUR_ID = 'failure';

function describeChange(c: StateChange): string {
  switch (c.field) {
    case 'status':
      return `${c.entity} is ${c.value}`;
    case 'powered':
      return c.value ? `${c.entity} has power again` : `${c.entity} has no power`;
    case 'inRotation':
      return c.value ? `${c.entity} is back in the load balancer's rotation` : `${c.entity} is out of rotation`;
    case 'up':
      return c.value ? `${c.entity} is up` : `${c.entity} is down`;
    case 'leader':
      return c.value ? `${c.entity} leads` : `${c.entity} no longer leads`;
  }
}

/** "What the picture shows now", from the event's changes (the last change of each entity and field counts). */
export function changesSentence(changes: readonly StateChange[]): string {
  const last = new Map<string, StateChange>();
  for (const c of changes) last.set(`${c.entity}\u0000${c.field}`, c);
  const parts = [...last.values()].map(describeChange);
  return parts.length === 0 ? '' : ` Now ${parts.join(', ')}.`;
}

/** The claim a step makes about its event's subject: the status, power and rotation the event gave it. */
function claimOf(timeline: ViewTimeline, s: StoryEvent): StepClaim | undefined {
  const subject = bareSubject(timeline.events.at(s.event)!.s);
  const mine = s.changes.filter((c) => c.entity === subject && c.kind !== 'fc');
  if (mine.length === 0) return undefined;
  const lastOf = (field: StateChange['field']) => mine.filter((c) => c.field === field).pop()?.value;
  const status = lastOf('status');
  const powered = lastOf('powered');
  const inRotation = lastOf('inRotation');
  const claim: { status?: string[]; powered?: boolean; inRotation?: boolean } = {};
  if (typeof status === 'string') claim.status = [status];
  if (typeof powered === 'boolean') claim.powered = powered;
  if (typeof inRotation === 'boolean') claim.inRotation = inRotation;
  return Object.keys(claim).length > 0 ? claim : undefined;
}

function failingSentence(story: FailureStory): string {
  const x = story.expectation;
  const role = story.role;
  const gone = role
    ? role.up === 0
      ? ` ${role.id} has no instance ${role.served ? 'in rotation' : 'Ready'}: the role is gone.`
      : ` ${role.id} is down to ${role.up} of ${role.of} instances ${role.served ? 'in rotation' : 'Ready'}.`
    : '';
  return `${gone} That is why “${x.name}” fails: measured ${x.measured}, bound ${x.bound}.`;
}

/** The tour of the run's first failed expectation, or null when every expectation held. */
export function failureTour(timeline: ViewTimeline): Tour | null {
  const story = failureStory(timeline);
  if (!story) return null;
  const events = eventList(timeline.events);
  const faults = story.events.filter((s) => s.role === 'fault' || (s.role === 'failure' && isFault(s)));
  const failAt = formatClock(events.at(story.failEvent)!.t);
  const steps: TourStep[] = [
    {
      caption:
        `This run fails an expectation: “${story.expectation.name}” (measured ${story.expectation.measured}, ` +
        `bound ${story.expectation.bound}). This tour walks from the ` +
        (faults.length === 1 ? 'fault that explains' : `${faults.length} faults that explain`) +
        ` it to the moment it fails, at ${failAt}. Press Continue.`,
      tab: 'topology',
    },
  ];
  let faultNo = 0;
  for (const s of story.events) {
    const e = events.at(s.event)!;
    const claim = claimOf(timeline, s);
    const what = `${e.x.replace(/\.$/, '')}.${changesSentence(s.changes)}`;
    let caption: string;
    if (isFault(s)) {
      faultNo++;
      const lead = faultNo === 1 ? 'It starts with a fault' : 'Then another fault';
      caption = `${lead} at ${formatClock(e.t)}: ${what}`;
    } else caption = `${formatClock(e.t)}, as a consequence: ${what}`;
    if (s.role === 'failure') caption += failingSentence(story);
    steps.push({ match: { id: s.event }, caption, ...(claim ? { claim } : {}) });
  }
  return {
    id: FAILURE_TOUR_ID,
    title: 'Why this run fails',
    needs: 'a failed expectation',
    scenario: '',
    steps,
  };

  function isFault(s: StoryEvent): boolean {
    return events.at(s.event)!.k === 'fault.start';
  }
}
