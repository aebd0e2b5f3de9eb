/**
 * Just enough SMTP (RFC 5321) on 127.0.0.1 to receive one message at a time from nodemailer:
 * greeting, EHLO with AUTH PLAIN, MAIL, RCPT, DATA, QUIT. Records what arrived.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent, dot-stuffing removed, CRLF line ends. */
  data: string;
  /** `user\0pass` from AUTH PLAIN, if the client logged in. */
  auth?: { user: string; pass: string };
}

export interface TinySmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Every command line the server read, for debugging failures. */
  commands: string[];
  close(): Promise<void>;
}

export async function startTinySmtpServer(): Promise<TinySmtpServer> {
  const received: ReceivedMail[] = [];
  const commands: string[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = '';
    let mode: 'command' | 'data' | 'auth' = 'command';
    let current: ReceivedMail = { from: '', to: [], data: '' };
    let dataLines: string[] = [];

    const login = (b64: string) => {
      const [, user = '', pass = ''] = Buffer.from(b64, 'base64').toString('utf8').split('\0');
      current.auth = { user, pass };
      reply('235 2.7.0 Authentication successful');
    };

    const onLine = (line: string) => {
      if (mode === 'data') {
        if (line === '.') {
          current.data = `${dataLines.join('\r\n')}\r\n`;
          received.push(current);
          current = { from: '', to: [], data: '', ...(current.auth ? { auth: current.auth } : {}) };
          dataLines = [];
          mode = 'command';
          reply('250 2.0.0 OK queued');
        } else {
          dataLines.push(line.startsWith('..') ? line.slice(1) : line);
        }
        return;
      }
      commands.push(line);
      if (mode === 'auth') {
        mode = 'command';
        login(line);
        return;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') {
        reply('250-tiny.test Hello');
        reply('250 AUTH PLAIN');
      } else if (verb === 'HELO') reply('250 tiny.test');
      else if (verb === 'AUTH') {
        const [, method, initial] = line.split(' ');
        if (method?.toUpperCase() !== 'PLAIN') reply('504 5.5.4 Unrecognized authentication type');
        else if (initial) login(initial);
        else {
          mode = 'auth';
          reply('334 ');
        }
      } else if (verb === 'MAIL') {
        current.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
        current.to = [];
        reply('250 2.1.0 OK');
      } else if (verb === 'RCPT') {
        current.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
        reply('250 2.1.5 OK');
      } else if (verb === 'DATA') {
        mode = 'data';
        reply('354 End data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET' || verb === 'NOOP') reply('250 2.0.0 OK');
      else if (verb === 'QUIT') {
        reply('221 2.0.0 Bye');
        socket.end();
      } else reply('502 5.5.2 Command not implemented');
    };

    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        onLine(line);
      }
    });
    socket.on('error', () => {});
    reply('220 tiny.test ESMTP ready');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');

  return {
    port: address.port,
    received,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
