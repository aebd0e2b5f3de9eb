/**
 * The embedded engine as `npm start` runs it: DynamoDB Local on the machine's Java, with its
 * report to AWS turned off (nothing reaches out to the internet), a JVM light on CPU, and
 * stopped cleanly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_ENVIRONMENT, startDynamoLocal } from '../../src/store/dynamo/dynamo-local.js';
import { descendantsOf, parentPid } from '../support/watchdog.js';

/** The environment of each DynamoDB Local this process started itself (not a server it runs). */
function javaEnvironments(): Map<string, string>[] {
  return descendantsOf(process.pid).flatMap((pid) => {
    try {
      if (parentPid(pid) !== process.pid) return [];
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal.jar')) return [];
      const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      return [new Map(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]))];
    } catch {
      return [];
    }
  });
}

describe.runIf(process.platform === 'linux')('the embedded DynamoDB', () => {
  it('starts with its telemetry off and a light JVM, leaves this process environment as it was, and stops', async () => {
    const names = Object.keys(ENGINE_ENVIRONMENT) as (keyof typeof ENGINE_ENVIRONMENT)[];
    const before = names.map((n) => process.env[n]);
    const engine = await startDynamoLocal();
    try {
      expect(names.map((n) => process.env[n])).toEqual(before);
      const envs = javaEnvironments();
      expect(envs).toHaveLength(1);
      expect(envs[0]!.get('DDB_LOCAL_TELEMETRY')).toBe(before[0] ?? '0');
      expect(envs[0]!.get('JAVA_TOOL_OPTIONS')).toBe(before[1] ?? '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC');
    } finally {
      await engine.stop();
    }
    expect(javaEnvironments()).toEqual([]);
  }, 60_000);
});
