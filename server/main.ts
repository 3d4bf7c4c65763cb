/** The only file that starts a process-wide server: `npm start`. */
import { configFromEnv } from './config';
import { DataFolderError } from './db/data-folder';
import { createLogger } from './log';
import { startServer } from './server';

const log = createLogger();
const config = configFromEnv();
const server = await startServer(config, { log }).catch((error: unknown) => {
  // A folder the server cannot use is the operator's to fix: one line that says which and why.
  if (error instanceof DataFolderError) process.stderr.write(`Teian cannot start: ${error.message}\n`);
  else log.error('start failed', { error });
  process.exit(1);
});

console.log(`Teian is running: ${server.url}`);
if (config.host === '127.0.0.1') console.log('(Set HOST=0.0.0.0 to let tablets on your network connect.)');
if (server.setupToken) {
  console.log(`First start: create the admin account here (the link works once):`);
  console.log(`  ${server.url}/setup?token=${server.setupToken}`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info('shutting down: storing every board');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  });
}
