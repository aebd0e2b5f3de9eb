/**
 * `npm run dev`: the API (as `npm start` runs it, without serving the built client) plus
 * Vite's dev server with hot reload, proxying /api to it. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const apiPort = process.env.PORT ?? '3000';
const root = fileURLToPath(new URL('..', import.meta.url));
const api = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PORT: apiPort, CAREPACK_WEB_CLIENT: 'false' },
});
process.env.CAREPACK_DEV_API = `http://127.0.0.1:${apiPort}`;
const vite = await createServer({ configFile: fileURLToPath(new URL('vite.config.ts', import.meta.url)) });
await vite.listen();
vite.printUrls();
console.log(`API on http://127.0.0.1:${apiPort}; open the Vite address above for hot reload.`);

const stop = async () => {
  api.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
api.on('exit', (code) => {
  console.error(`the API stopped (exit code ${code}); stopping the dev server`);
  void vite.close().then(() => process.exit(code ?? 1));
});
