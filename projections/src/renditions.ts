import { MEDIA_HASH, originalKey, renditionsOf } from '@flowdose/domain/product/media';
import type { BlobStore } from '@flowdose/shared/blob-store/port';
import type { Logger } from '@flowdose/shared/logger';
import { makeRendition, measureImage, renditionContentType, sniffImageType } from '@flowdose/shared/media/images';
import type { Redis } from '@flowdose/shared/redis';
import { queueTelemetry } from '@flowdose/shared/trace-context';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { quiet } from './queues.ts';

// The renditions of an uploaded image (RENDITION_WIDTHS × RENDITION_FORMATS, never wider than
// the original), made by a BullMQ job so the upload answers at once. The job names only the
// upload's hash: the same upload asks for the same job (one job id), and the job makes only
// the renditions the store does not have yet, so a retry, a repeat or two workers at once
// write the same bytes under the same keys and nothing else.

export const RENDITIONS_QUEUE = 'media-renditions';
/** `requestId`: the HTTP request that asked first, so its id follows the job into this log. */
export type RenditionsJob = { hash: string; requestId?: string };
// BullMQ refuses ':' in custom job ids.
const jobId = (hash: string) => `renditions-${hash}`;

/** Immutable keys: a CDN, a browser and the store itself may keep them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export const createRenditionsQueue = (connection: Redis, prefix: string): Queue<RenditionsJob> =>
  quiet(
    new Queue<RenditionsJob>(RENDITIONS_QUEUE, {
      connection,
      prefix,
      telemetry: queueTelemetry(),
      defaultJobOptions: {
        attempts: 8,
        backoff: { type: 'exponential', delay: 1000 },
        // Gone once done, so a later request for the same hash (a rendition found missing) runs
        // the job again, which then finds everything there and ends.
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      },
    }),
  );

/** Asks for an upload's renditions; while a job for it waits or runs, this adds nothing. */
export async function requestRenditions(queue: Queue<RenditionsJob>, hash: string, requestId?: string): Promise<void> {
  if (!MEDIA_HASH.test(hash)) throw new Error(`not a media hash: ${hash}`);
  const existing = await queue.getJob(jobId(hash));
  // A job that failed every attempt keeps its id for a day: try it again rather than never.
  if (existing && (await existing.isFailed())) await existing.retry().catch(() => {});
  else await queue.add('renditions', { hash, requestId }, { jobId: jobId(hash) });
}

/** Whether every rendition of the upload is in the store. */
export async function renditionsReady(blobs: BlobStore, hash: string, width: number): Promise<boolean> {
  const stored = new Set((await blobs.list(`media/${hash}/`)).map((b) => b.key));
  return renditionsOf(hash, width).every((r) => stored.has(r.key));
}

/**
 * Makes the renditions of the upload the store does not have yet, from its (stripped)
 * original; answers the keys it wrote. Without an original there is nothing to make, ever.
 */
export async function makeRenditions(blobs: BlobStore, hash: string): Promise<string[]> {
  if (!MEDIA_HASH.test(hash)) throw new UnrecoverableError(`not a media hash: ${hash}`);
  const stored = new Set((await blobs.list(`media/${hash}/`)).map((b) => b.key));
  if (!stored.has(originalKey(hash))) throw new UnrecoverableError(`no original stored for ${hash}`);
  const got = await blobs.get(originalKey(hash));
  if (!got) throw new UnrecoverableError(`no original stored for ${hash}`);
  const original = Buffer.concat(await got.body.toArray());
  const type = sniffImageType(original.subarray(0, 64));
  if (!type) throw new UnrecoverableError(`the original of ${hash} is no image`);
  // The original is stored upright, so its own width is the width shown.
  const { width } = await measureImage(original, type);
  const made: string[] = [];
  for (const rendition of renditionsOf(hash, width)) {
    if (stored.has(rendition.key)) continue;
    const bytes = await makeRendition(original, rendition.width, rendition.format);
    await blobs.put(rendition.key, bytes, {
      contentType: renditionContentType(rendition.format),
      cacheControl: IMMUTABLE,
    });
    made.push(rendition.key);
  }
  return made;
}

/** The renditions worker: one image at a time (sharp uses every core for each). */
export function startRenditionsWorker({
  blobs,
  connection,
  prefix,
  logger,
}: {
  blobs: BlobStore;
  connection: Redis;
  prefix: string;
  logger: Logger;
}): Worker<RenditionsJob> {
  const log = logger.child({ worker: RENDITIONS_QUEUE });
  const worker = new Worker<RenditionsJob>(
    RENDITIONS_QUEUE,
    async (job) => {
      const made = await makeRenditions(blobs, job.data.hash);
      if (made.length > 0)
        log.info({ hash: job.data.hash, requestId: job.data.requestId, made: made.length }, 'renditions made');
      return { made: made.length };
    },
    // A large AVIF takes seconds; the lock is renewed while it works.
    { connection, prefix, telemetry: queueTelemetry(), concurrency: 1, lockDuration: 60_000 },
  );
  worker.on('failed', (job, err) => log.error({ err, hash: job?.data.hash }, 'renditions failed'));
  worker.on('error', (err) => log.error({ err }, 'renditions worker'));
  return worker;
}
