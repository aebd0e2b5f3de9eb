/**
 * The part of autocannon's programmatic API the `api` benchmark uses, as documented in its README
 * (typed as @types/autocannon types it). It lets the project type-check before autocannon is a dev
 * dependency. While this file exists TypeScript uses it rather than @types/autocannon: delete it
 * once that is installed.
 */
declare module 'autocannon' {
  import type { IncomingHttpHeaders } from 'node:http';

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      method?: string;
      headers?: IncomingHttpHeaders;
    }

    interface Histogram {
      total: number;
      average: number;
      mean: number;
      min: number;
      max: number;
      p50: number;
      p99: number;
    }

    interface Result {
      /** Per-second samples; `total` counts the responses. */
      requests: Histogram & { sent: number };
      /** Milliseconds. */
      latency: Histogram;
      /** Seconds the run took. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
    }
  }

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
