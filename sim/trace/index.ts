// The trace layer: the timeline file format (events, patches, deadlines, topics) and the recorder that writes it and
// feeds the trace hash.

export {
  ColumnEncoder,
  checkColumnLengths,
  columnBuffers,
  decodeColumns,
  type EventColumns,
  encodeColumns,
  joinColumns,
  packColumns,
} from './columns.js';
export {
  type Deadline,
  type MessageInfo,
  type ParsedTimeline,
  type Patch,
  parseTimelineDocument,
  parseTimelineText,
  readTimeline,
  TIMELINE_FILE_VERSION,
  TIMELINE_FORMAT,
  TIMELINE_VERSION,
  TIMELINE_VERSIONS,
  type Timeline,
  TimelineError,
  type TimelineEvent,
  type TimelineFileVersion,
  TOPICS,
  type Topic,
  timelineFromColumns,
} from './format.js';
export { type EventExtras, type MessageLine, Recorder } from './recorder.js';
export { BLOCK_EVENTS, type TimelineHead, type TimelineSink, timelineWriter } from './stream.js';
export { writeTimeline } from './write.js';
