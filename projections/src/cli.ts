import { Email, Password } from '@flowdose/contract/credentials';
import { argon2idHasher } from '@flowdose/shared/auth/passwords';
import { createStaffUser } from '@flowdose/shared/auth/staff';
import { STAFF_ROLES } from '@flowdose/shared/auth/tokens';
import { changePublisher } from '@flowdose/shared/change-feed';
import { loadConfig } from '@flowdose/shared/config';
import { ValidationError } from '@flowdose/shared/errors';
import { validate } from '@flowdose/shared/http/validate';
import { createLogger } from '@flowdose/shared/logger';
import { SingleBar } from 'cli-progress';
import { read } from 'read';
import { z } from 'zod';
import {
  AnalystPassword,
  AnalystRoleName,
  createAnalystRole,
  DEFAULT_ANALYST_ROLE,
  trustedWithoutPassword,
} from './analyst-role.ts';
import { connect } from './connect.ts';
import { rebuild } from './rebuild.ts';
import { projectionNamed, projections, projectionsFor } from './registry.ts';
import { projectionStatus } from './status.ts';

const usage = `Usage: npm run ops -- <command>
  status              each projection's checkpoint, head, lag, queue and rebuild progress
  rebuild <name>      rebuild a projection into a shadow schema and swap it in (resumable)
    --chunk=N         events per transaction (default 5000; smaller holds readers back less)
  dead-letters list <name>
                      the events a projection could not apply, with their errors
  dead-letters retry <name> <position>
                      apply a quarantined event again (after a fix); the projection goes on
  dead-letters skip <name> <position> --reason="…"
                      pass over it (recorded as an event): the read model stays without it
  create-admin --email=E [--role=admin|ops|analyst]
                      create a staff user; the password is asked for (or read from stdin)
  create-analyst-role [--name=flowdose_analyst]
                      create or update the analysts' read-only SQL login role (SELECT on the
                      analytics views only; ANALYST_* settings for its limits); the password
                      is asked for (or read from stdin)
  backup <file>       pg_dump of the event log, credentials, sessions, idempotency records,
                      claims and checkpoints (read models are rebuilt, not backed up)
  restore <file>      into the empty database of DATABASE_URL (made if missing), then rebuild
                      every read model; refused when the database holds anything`;

const config = loadConfig();
const logger = createLogger('ops', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, config);
const args = process.argv.slice(2);
const [command, name] = args.filter((a) => !a.startsWith('--'));
const flag = (key: string) => args.find((a) => a.startsWith(`--${key}=`))?.split('=')[1];
const chunk = Number(args.find((a) => a.startsWith('--chunk='))?.slice(8) ?? 5000);
const deps = connect(config, logger);

try {
  switch (command) {
    // backup.ts (pg_dump, pg_restore, the restore's bars) is loaded only when one of these runs.
    case 'backup': {
      if (!name) throw new Error('name the file: npm run ops -- backup <file>');
      const { backup } = await import('./backup.ts');
      const { bytes } = await backup(config.DATABASE_URL, name);
      console.log(`backed up to ${name} (${(bytes / 1e6).toFixed(1)} MB); the read models are rebuilt on restore`);
      break;
    }
    case 'restore': {
      if (!name) throw new Error('name the file: npm run ops -- restore <file>');
      const { restore, restoreProgressBars } = await import('./backup.ts');
      const bars = restoreProgressBars();
      const started_at = Date.now();
      const { events, advancedXids } = await restore({
        ...deps,
        databaseUrl: config.DATABASE_URL,
        file: name,
        projections: projectionsFor(config),
        publishChange: changePublisher(deps.redis, config.QUEUE_PREFIX, logger),
        onProgress: bars.onProgress,
      }).finally(bars.stop);
      console.log(
        `restored ${events} events and rebuilt every read model in ${((Date.now() - started_at) / 1000).toFixed(1)} s` +
          (advancedXids > 0n ? ` (the server's transaction ids advanced by ${advancedXids} to pass the log's)` : ''),
      );
      break;
    }
    case 'status': {
      const rows = await projectionStatus(deps.pool, deps.store, projections, deps.queues);
      console.table(
        rows.map((r) => ({
          projection: r.name,
          state: r.state,
          checkpoint: r.checkpoint,
          head: r.head,
          lag: r.lag,
          waiting: r.queue?.waiting,
          failed: r.queue?.failed,
          rebuild: r.rebuild ? `${Math.round(r.rebuild.progress * 100)}%` : '',
          lastError: r.lastError ?? '',
          deadLetters: r.deadLetters.quarantined,
        })),
      );
      break;
    }
    // dead-letters list|retry|skip <projection> [<position>] [--reason="…"] (dead-letters.ts).
    case 'dead-letters': {
      const [, action, projection = '', position = ''] = args.filter((a) => !a.startsWith('--'));
      const { listDeadLetters, retryDeadLetter, skipDeadLetter } = await import('./dead-letters.ts');
      const { SkipReason } = await import('@flowdose/domain/projection/events');
      projectionNamed(projection);
      const reason = args.find((a) => a.startsWith('--reason='))?.slice('--reason='.length);
      if (action === 'list') {
        console.table(
          (await listDeadLetters(deps.pool, projection)).map((d) => ({
            position: d.position,
            status: d.status,
            type: d.eventType,
            stream: d.streamId,
            attempts: d.attempts,
            lastFailedAt: d.lastFailedAt,
            error: d.error.split('\n')[0],
          })),
        );
      } else if (action === 'retry') {
        await retryDeadLetter(deps.pool, { projection, position, reason: reason ?? null, by: null });
        console.log(`${projection} ${position}: retried; its worker applies it again within seconds`);
      } else if (action === 'skip') {
        if (!reason) throw new Error('say why with --reason="…": the read model stays without this event');
        const skipped = await skipDeadLetter(deps, {
          projection,
          position,
          reason: validate(SkipReason, reason),
          context: {
            requestId: crypto.randomUUID(),
            correlationId: `ops-cli-${crypto.randomUUID()}`,
            actor: { userId: null, role: 'ops' },
            idempotencyKey: null,
          },
        });
        console.log(
          `${projection} ${position}: skipped (DeadLetterSkipped at ${skipped.position.major}.${skipped.position.minor}); ` +
            'the read model stays without this event',
        );
      } else throw new Error('npm run ops -- dead-letters list|retry|skip <projection> [<position>] [--reason="…"]');
      break;
    }
    case 'rebuild': {
      const projection = projectionNamed(name ?? '', projectionsFor(config));
      const bar = new SingleBar({
        format: `rebuild ${projection.name} [{bar}] {percentage}% | {value}/{total} events | {phase}`,
        hideCursor: true,
      });
      let started = false;
      const started_at = Date.now();
      const { applied } = await rebuild({
        ...deps,
        projection,
        chunk,
        publishChange: changePublisher(deps.redis, config.QUEUE_PREFIX, logger),
        onProgress: ({ phase, at, head }) => {
          const total = Number(head.minor);
          if (!started) bar.start(total, 0, { phase });
          started = true;
          bar.setTotal(Math.max(total, 1));
          bar.update(Math.min(Number(at.minor), total), { phase });
        },
      });
      bar.stop();
      console.log(
        `rebuilt ${projection.name}: ${applied} events in ${((Date.now() - started_at) / 1000).toFixed(1)} s, swapped in`,
      );
      break;
    }
    case 'create-admin': {
      const email = validate(Email, flag('email'));
      const role = validate(z.enum(STAFF_ROLES), flag('role') ?? 'admin');
      // Asked for, never taken from an argument: arguments end up in shell history and `ps`.
      const password = validate(
        Password,
        await read({ prompt: `Password for ${email}: `, silent: process.stdin.isTTY, replace: '*' }),
      );
      const userId = await createStaffUser(deps.pool, argon2idHasher(config.PASSWORD_HASH_MEMORY_KIB), {
        email,
        password,
        role,
      });
      console.log(`created ${role} ${email} (${userId}); sign in with POST /admin/auth/login`);
      break;
    }
    case 'create-analyst-role': {
      if (args.some((a) => a.startsWith('--password')))
        throw new Error('the password is asked for (or read from stdin), never taken from an argument');
      const role = validate(AnalystRoleName, flag('name') ?? DEFAULT_ANALYST_ROLE);
      const password = validate(
        AnalystPassword,
        await read({ prompt: `Password for ${role}: `, silent: process.stdin.isTTY, replace: '*' }),
      );
      const { created, database } = await createAnalystRole(deps.pool, {
        name: role,
        password,
        limits: {
          statementTimeout: config.ANALYST_STATEMENT_TIMEOUT,
          idleInTransactionTimeout: config.ANALYST_IDLE_IN_TRANSACTION_TIMEOUT,
          tempFileLimit: config.ANALYST_TEMP_FILE_LIMIT,
          connectionLimit: config.ANALYST_CONNECTION_LIMIT,
        },
      });
      const url = new URL(config.DATABASE_URL);
      console.log(
        `${created ? 'created' : 'updated'} ${role}: reads the analytics views of ${database}, nothing else; ` +
          `statement timeout ${config.ANALYST_STATEMENT_TIMEOUT}, at most ${config.ANALYST_CONNECTION_LIMIT} sessions\n` +
          `connect: psql "host=${url.hostname} port=${url.port || 5432} dbname=${database} user=${role}"`,
      );
      for (const warning of await trustedWithoutPassword(deps.pool, role, database))
        console.warn(`warning: ${warning}: there, no password is asked for`);
      break;
    }
    default:
      console.log(usage);
      process.exitCode = command ? 1 : 0;
  }
} catch (error) {
  const fields = error instanceof ValidationError ? error.errors.map((e) => ` ${e.message}`).join(';') : '';
  console.error(`${(error as Error).message}${fields}`);
  process.exitCode = 1;
} finally {
  await deps.close();
}
