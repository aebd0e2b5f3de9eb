/**
 * Reads a Dockerfile into its stages and steps, for a test that runs those steps on a folder
 * where no Docker engine is available. Knows the instructions the project's Dockerfile uses and
 * refuses any other, so a new instruction cannot slip past the test unrun.
 */

export type Step =
  | { op: 'WORKDIR'; path: string }
  | { op: 'COPY'; from?: string; sources: string[]; dest: string }
  | { op: 'RUN'; command: string }
  | { op: 'ENV'; vars: Record<string, string> }
  | { op: 'USER'; user: string }
  | { op: 'EXPOSE'; ports: string[] }
  | { op: 'HEALTHCHECK'; command: string[] }
  | { op: 'CMD'; command: string[] };

export interface Stage {
  name: string;
  image: string;
  steps: Step[];
}

/** Instructions with their continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): string[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The exec form (`["node", "x.js"]`) only: the shell form would need a shell in the image. */
function execForm(args: string, instruction: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`${instruction} must use the exec form (a JSON array of strings): ${args}`);
  return parsed;
}

function parseStep(op: string, args: string): Step {
  const words = args.split(/\s+/);
  switch (op) {
    case 'WORKDIR':
      return { op, path: args };
    case 'COPY': {
      const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
      const dest = words.pop()!;
      return { op, ...(from ? { from } : {}), sources: words, dest };
    }
    case 'RUN':
      return { op, command: args };
    case 'ENV':
      return { op, vars: Object.fromEntries(words.map((w) => w.split('=', 2) as [string, string])) };
    case 'USER':
      return { op, user: args };
    case 'EXPOSE':
      return { op, ports: words };
    case 'HEALTHCHECK': {
      const cmd = args.indexOf(' CMD ');
      if (cmd < 0) throw new Error(`HEALTHCHECK without CMD: ${args}`);
      return { op, command: execForm(args.slice(cmd + ' CMD '.length), op) };
    }
    case 'CMD':
      return { op, command: execForm(args, op) };
    default:
      throw new Error(`instruction the production-build test does not run: ${op} ${args}`);
  }
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of instructions(text)) {
    const [, op = '', args = ''] = line.match(/^(\S+)\s+(.*)$/) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [image = '', as, name] = args.split(/\s+/);
      if (as?.toUpperCase() !== 'AS' || !name)
        throw new Error(`name every stage (FROM image AS name): ${line}`);
      stages.push({ name, image, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`instruction before FROM: ${line}`);
    stage.steps.push(parseStep(op.toUpperCase(), args));
  }
  return stages;
}

/** Docker's .dockerignore patterns as a test of a context path (`*` within a name, `**` across). */
export function dockerIgnore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((p) => {
      const glob = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
      const source = p
        .replace(/^\.?\//, '')
        .split('**/')
        .map(glob)
        .join('(.*/)?');
      // A pattern naming a folder leaves out everything under it.
      return new RegExp(`^${source}(/.*)?$`);
    });
  return (path) => patterns.some((p) => p.test(path));
}
