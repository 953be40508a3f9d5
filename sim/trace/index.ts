// The trace layer: the timeline file format (events, patches, deadlines, topics) and the recorder that writes it and
// feeds the trace hash.
export {
  type Deadline,
  type MessageInfo,
  type Patch,
  readTimeline,
  TIMELINE_FORMAT,
  TIMELINE_VERSION,
  type Timeline,
  TimelineError,
  type TimelineEvent,
  TOPICS,
  type Topic,
} from './format.js';
export { type EventExtras, Recorder } from './recorder.js';
export { type TimelineHead, type TimelineSink, timelineWriter } from './stream.js';
export { writeTimeline } from './write.js';
