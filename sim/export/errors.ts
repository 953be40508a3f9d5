/**
 * The export's one error: a timeline that cannot be written in the format asked for. One line, for the user.
 */
export class ExportError extends Error {
  override name = 'ExportError';
}
