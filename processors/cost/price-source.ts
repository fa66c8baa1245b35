// The price table in force: inline prices, then the price file, then the shipped defaults; the
// file is checked on the clock and reloaded when it changes; a bad file is refused and logged.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../../agent/clock.js';
import type { PriceEntry, PriceFile } from './price-schema.js';
import { loadPriceFile, parsePriceText, PriceTable } from './price-table.js';

/** The default table shipped beside this module (copied into dist by the build). */
export const DEFAULT_PRICES_PATH = fileURLToPath(new URL('./default-prices.yaml', import.meta.url));

export interface PriceSourceOptions {
  inline: readonly PriceEntry[];
  file: string | undefined;
  includeDefaults: boolean;
  checkIntervalMs: number;
  clock: Clock;
  logger: Logger;
  /** Called after each reload attempt of the file. */
  onReload?: (outcome: 'success' | 'failure') => void;
}

/** The file's text, or a marker naming why it cannot be read. */
function contents(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch (e) { return `\u0000unreadable: ${(e as Error).message}`; }
}

/** Holds the current {@link PriceTable}; `table` is swapped whole, so a batch sees one table. */
export class PriceSource {
  table: PriceTable;
  private readonly defaults: PriceFile | undefined;
  /** The file's text as last checked (compared whole: an edit within the same mtime tick is still seen). */
  private fileText = '';
  private timer: Timer | undefined;

  /** Loads every table now; throws (naming the file and the problems) when one is bad. */
  constructor(private readonly o: PriceSourceOptions) {
    this.defaults = o.includeDefaults ? loadPriceFile(DEFAULT_PRICES_PATH) : undefined;
    let file: PriceFile | undefined;
    if (o.file) { this.fileText = contents(o.file); file = loadPriceFile(o.file); }
    this.table = this.build(file);
  }

  private build(file: PriceFile | undefined): PriceTable {
    const version = [file?.date && `file ${file.date}`, this.defaults?.date && `defaults ${this.defaults.date}`].filter(Boolean).join(', ');
    return new PriceTable([this.o.inline, file?.models ?? [], this.defaults?.models ?? []], version);
  }

  /** Starts watching the price file (when there is one). */
  watch(): void {
    if (!this.o.file || this.timer) return;
    this.timer = this.o.clock.setInterval(() => this.check(), this.o.checkIntervalMs).unref();
  }

  /** Reloads the file if its text changed; returns whether it did. A small file read once per interval costs little. */
  check(): boolean {
    const path = this.o.file;
    if (!path) return false;
    const text = contents(path);
    if (text === this.fileText) return false;
    this.fileText = text;
    try {
      if (text.startsWith('\u0000')) throw new Error(`cannot read '${path}': ${text.slice('\u0000unreadable: '.length)}`);
      const file = parsePriceText(text, path);
      this.table = this.build(file);
      this.o.logger.info({ prices_file: path, models: file.models.length, date: file.date }, 'cost: price file reloaded');
      this.o.onReload?.('success');
      return true;
    } catch (e) {
      this.o.logger.error(`cost: llm.prices_file refused, keeping the previous prices: ${(e as Error).message}`);
      this.o.onReload?.('failure');
      return false;
    }
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
