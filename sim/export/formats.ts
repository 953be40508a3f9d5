/**
 * The export formats: names, labels, file endings and media types.
 */

export type ExportFormat = 'perfetto' | 'chrome-json' | 'shiviz';

export interface FormatInfo {
  readonly format: ExportFormat;
  /** What the tool that opens it is called, for menus and messages. */
  readonly label: string;
  /** File name ending, with its dot. */
  readonly extension: string;
  readonly mimeType: string;
  /** True when the output is bytes (Uint8Array pieces), false for text. */
  readonly binary: boolean;
}

export const EXPORT_FORMATS: Readonly<Record<ExportFormat, FormatInfo>> = {
  perfetto: {
    format: 'perfetto',
    label: 'Perfetto (protobuf)',
    extension: '.pftrace',
    mimeType: 'application/octet-stream',
    binary: true,
  },
  'chrome-json': {
    format: 'chrome-json',
    label: 'Chrome trace JSON',
    extension: '.trace.json',
    mimeType: 'application/json',
    binary: false,
  },
  shiviz: { format: 'shiviz', label: 'ShiViz log', extension: '.shiviz.log', mimeType: 'text/plain', binary: false },
};

export function isExportFormat(name: string): name is ExportFormat {
  return Object.hasOwn(EXPORT_FORMATS, name);
}

/** The usual file name for an export of a run of `scenario`: "quickstart.pftrace". */
export function exportFileName(scenario: string, format: ExportFormat): string {
  const base = scenario.replace(/[^\w.-]+/g, '_') || 'fabricsim';
  return `${base}${EXPORT_FORMATS[format].extension}`;
}
