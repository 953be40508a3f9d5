/** The loading bar and the error message: a failure always says what went wrong, in the page, in words. */
import { clear, h, setText } from '../dom.js';

export class StatusBar {
  readonly progressEl: HTMLElement;
  readonly errorEl: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly label: HTMLElement;

  constructor() {
    this.bar = h('div', { class: 'progress-fill' });
    this.label = h('span', { class: 'progress-label' });
    this.progressEl = h(
      'div',
      {
        class: 'progress hidden',
        attrs: { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'data-testid': 'progress' },
      },
      h('div', { class: 'progress-track' }, this.bar),
      this.label,
    );
    this.errorEl = h('div', { class: 'error hidden', attrs: { role: 'alert', 'data-testid': 'error' } });
  }

  progress(label: string, fraction: number): void {
    this.progressEl.classList.remove('hidden');
    const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    this.bar.style.width = `${pct}%`;
    this.progressEl.setAttribute('aria-valuenow', String(pct));
    setText(this.label, `${label} ${pct}%`);
  }

  done(): void {
    this.progressEl.classList.add('hidden');
  }

  error(title: string, detail: string): void {
    clear(this.errorEl);
    this.errorEl.append(
      h('strong', null, title),
      ' ',
      h('span', { attrs: { 'data-testid': 'error-detail' } }, detail),
      h('button', { class: 'btn small', title: 'Dismiss', on: { click: () => this.clearError() } }, '✕'),
    );
    this.errorEl.classList.remove('hidden');
  }

  clearError(): void {
    this.errorEl.classList.add('hidden');
    clear(this.errorEl);
  }
}
