/**
 * "Export…": downloads the run on screen for Perfetto, chrome://tracing or ShiViz, with the same code as
 * `fabricsim export` (sim/export). The export's pieces go straight into a Blob, so no giant string is built. The
 * writers (and protobufjs) are loaded on first use, not with the page.
 */
import type { ExportFormat } from '../../sim/export/index.js';

import { h } from './dom.js';
import { plainTimeline, type ViewTimeline } from './model/event-list.js';

/**
 * The formats on offer, as sim/export's EXPORT_FORMATS lists them (a test keeps the two the same). Written out here
 * so that the page needs none of the export code until a format is picked.
 */
export const MENU: readonly { readonly format: ExportFormat; readonly label: string }[] = [
  { format: 'perfetto', label: 'Perfetto (protobuf)' },
  { format: 'chrome-json', label: 'Chrome trace JSON' },
  { format: 'shiviz', label: 'ShiViz log' },
];

/** The export of `timeline` in `format`, as a Blob of its pieces. */
export async function exportBlob(timeline: ViewTimeline, format: ExportFormat): Promise<Blob> {
  const { EXPORT_FORMATS, exportTimeline } = await import('../../sim/export/index.js');
  const parts: BlobPart[] = [];
  exportTimeline(plainTimeline(timeline), format, (chunk) => {
    parts.push(chunk as BlobPart);
  });
  return new Blob(parts, { type: EXPORT_FORMATS[format].mimeType });
}

/** What a download needs from the page (the real document and URL in the viewer; stand-ins in tests). */
export interface DownloadHost {
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  /** Clicks a link to `url` that downloads as `fileName`. */
  click(url: string, fileName: string): void;
}

export const browserHost = (): DownloadHost => ({
  createObjectURL: (blob) => URL.createObjectURL(blob),
  revokeObjectURL: (url) => URL.revokeObjectURL(url),
  click(url, fileName) {
    const a = h('a', { attrs: { href: url, download: fileName } });
    document.body.append(a);
    a.click();
    a.remove();
  },
});

/** Downloads the export of `timeline` in `format`; returns the file name it was given. */
export async function downloadExport(
  timeline: ViewTimeline,
  format: ExportFormat,
  host: DownloadHost = browserHost(),
): Promise<string> {
  const { exportFileName } = await import('../../sim/export/index.js');
  const fileName = exportFileName(timeline.scenario.name, format);
  const url = host.createObjectURL(await exportBlob(timeline, format));
  try {
    host.click(url, fileName);
  } finally {
    // The click has handed the Blob to the download; the URL is no longer needed.
    setTimeout(() => host.revokeObjectURL(url), 0);
  }
  return fileName;
}

/** The header's "Export…" menu: one entry per format; inactive until a run is loaded. */
export function exportMenu(current: () => ViewTimeline | null): HTMLSelectElement {
  const select = h(
    'select',
    {
      title: 'Download this run for Perfetto, chrome://tracing or ShiViz',
      attrs: { 'aria-label': 'Export', 'data-testid': 'export-select' },
      on: {
        change: () => {
          const format = select.value as ExportFormat | '';
          select.value = '';
          const timeline = current();
          if (format && timeline) {
            downloadExport(timeline, format).catch((e: unknown) => {
              console.error('export failed:', e);
            });
          }
        },
      },
    },
    h('option', { attrs: { value: '' } }, 'Export…'),
    ...MENU.map((f) => h('option', { attrs: { value: f.format } }, f.label)),
  );
  return select;
}
