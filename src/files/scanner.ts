/**
 * Virus scanning. A Scanner reads a file's bytes and says CLEAN, INFECTED or ERROR (could
 * not decide: the document must not be offered for download). When no scanner is configured
 * the setting is `notScanning`, and documents are recorded NOT_SCANNED rather than PENDING.
 */
import type { Readable } from 'node:stream';

export interface ScanResult {
  status: 'CLEAN' | 'INFECTED' | 'ERROR';
  /** INFECTED: the scanner's name for what it found, e.g. `Eicar-Test-Signature`. */
  signature?: string;
  /** ERROR: why no verdict was reached (for logs, not for the user). */
  detail?: string;
}

export interface Scanner {
  readonly name: string;
  /**
   * Reads `stream` to the end (or destroys it when giving up); never rejects: every failure
   * is an ERROR result.
   */
  scan(stream: Readable): Promise<ScanResult>;
  /** Readiness: resolves when the scanner answers, rejects otherwise. */
  ping(): Promise<void>;
}

/** The "no scanner configured" setting. */
export const notScanning = Object.freeze({ name: 'none', scanning: false as const });
export type NotScanning = typeof notScanning;
export type ScannerSetting = Scanner | NotScanning;

export function isScanner(setting: ScannerSetting): setting is Scanner {
  return setting !== notScanning;
}

/** The scan status a new document starts with under this setting. */
export function initialScanStatus(setting: ScannerSetting): 'PENDING' | 'NOT_SCANNED' {
  return isScanner(setting) ? 'PENDING' : 'NOT_SCANNED';
}
