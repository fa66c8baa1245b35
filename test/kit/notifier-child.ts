// A child process running only the notifiers service on a database file, for crash tests of the
// outbox (kill -9 mid-delivery): `node dist/test/kit/notifier-child.js <db> <section-json> [enqueue-json]`.
// It queues the notifications given (one JSON array), prints `queued` once they are committed, and
// keeps delivering until killed.
import { pino } from 'pino';
import { systemClock } from '../../agent/clock.js';
import { notifiersServiceFactory } from '../../agent/notifiers/service.js';
import type { Notification } from '../../agent/alerting/model.js';
import { createSelfTelemetry } from '../../agent/self-telemetry.js';
import { STORE } from '../../agent/services/store-service.js';
import { Store } from '../../agent/store/store.js';
import { testHost } from './settings.js';

const [dbPath, section, toQueue] = process.argv.slice(2);
const store = new Store(dbPath!);
const settings = { id: 'notifiers', logger: pino({ level: 'warn' }, pino.destination(2)), meter: createSelfTelemetry().meter, clock: systemClock };
const svc = notifiersServiceFactory.create(settings, notifiersServiceFactory.parse(JSON.parse(section!)));
await svc.start(testHost([[STORE, store]]));
for (const n of JSON.parse(toQueue ?? '[]') as Array<Omit<Notification, 'id' | 'createdAt'>>) svc.api.enqueue(n);
process.stdout.write('queued\n');
setInterval(() => {}, 60_000);
